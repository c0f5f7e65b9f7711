package sandbox

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"

	json "github.com/goccy/go-json"

	"github.com/cognism/graphql-gateway/cognism"
)

// maxPeople caps the items of one person search or enrichment response.
const maxPeople = 500

// personItems is the response body of person search and enrichment.
type personItems struct {
	Items []cognism.Person `json:"items"`
}

// handlePersonSearch serves GET /api/v1/person.
func (s *Server) handlePersonSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	first, last, company := q.Get("firstName"), q.Get("lastName"), q.Get("company")
	if strings.TrimSpace(first+last+company) == "" {
		writeError(w, http.StatusBadRequest,
			"missing search parameter: give at least one of firstName, lastName and company")
		return
	}

	var where []string
	var args []any
	for _, c := range []struct{ column, value string }{
		{"first_fold", first}, {"last_fold", last}, {"current_fold", company},
	} {
		if strings.TrimSpace(c.value) != "" {
			where = append(where, c.column+" = ?")
			args = append(args, fold(c.value))
		}
	}
	people, err := s.queryPeopleJSON(r.Context(), strings.Join(where, " AND "), args...)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rawPersonItems{Items: people})
}

// rawPersonItems is a person search response whose people are sent as
// stored.
type rawPersonItems struct {
	Items []json.RawMessage `json:"items"`
}

// queryPeopleJSON returns the stored JSON of the people matching where.
// The person search sends it unchanged, because the stored form is the
// response form.
func (s *Server) queryPeopleJSON(ctx context.Context, where string, args ...any) ([]json.RawMessage, error) {
	query := "SELECT data FROM people WHERE " + where + " ORDER BY uid LIMIT ?"
	rows, err := s.stmts.query(ctx, query, append(args, maxPeople)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	out := []json.RawMessage{}
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		out = append(out, data)
	}
	return out, rows.Err()
}

// queryPeople returns the people matching where, decoded.
func (s *Server) queryPeople(ctx context.Context, where string, args ...any) ([]cognism.Person, error) {
	stored, err := s.queryPeopleJSON(ctx, where, args...)
	if err != nil {
		return nil, err
	}
	out := make([]cognism.Person, len(stored))
	for i, data := range stored {
		if err := json.Unmarshal(data, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// enrichment is a parsed person enrichment request.
type enrichment struct {
	first, last, company, city, country, jobTitle, email string
	hints                                                []string
}

// handlePersonEnrich serves GET /api/v1/person/enrich. Candidates have the
// requested first and last name. The current employer, city, country, job
// title, email and the words of partialDetails raise a candidate's score,
// and the best score comes first.
func (s *Server) handlePersonEnrich(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	e := enrichment{
		first: q.Get("firstName"), last: q.Get("lastName"), company: q.Get("company"),
		city: q.Get("city"), country: q.Get("country"), jobTitle: q.Get("jobTitle"), email: q.Get("email"),
		hints: strings.Fields(strings.ToLower(q.Get("partialDetails"))),
	}
	for _, p := range []struct{ name, value string }{
		{"firstName", e.first}, {"lastName", e.last}, {"company", e.company},
	} {
		if strings.TrimSpace(p.value) == "" {
			writeError(w, http.StatusBadRequest, "missing parameter "+p.name+
				": enrichment needs firstName, lastName and company; partialDetails, city, country, jobTitle and email are optional")
			return
		}
	}

	candidates, err := s.queryPeople(r.Context(), "first_fold = ? AND last_fold = ?", fold(e.first), fold(e.last))
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	type scored struct {
		person cognism.Person
		score  int
	}
	var ranked []scored
	for _, p := range candidates {
		ranked = append(ranked, scored{p, e.score(p)})
	}
	slices.SortStableFunc(ranked, func(a, b scored) int { return cmp.Compare(b.score, a.score) })

	out := []cognism.Person{}
	for _, item := range ranked {
		out = append(out, item.person)
	}
	writeJSON(w, http.StatusOK, personItems{Items: out})
}

func (e enrichment) score(p cognism.Person) int {
	score := 0
	if strings.EqualFold(p.Current, e.company) {
		score += 4
	}
	for _, pos := range p.Experience {
		if strings.EqualFold(pos.Company, e.company) {
			score++
		}
	}
	if e.city != "" && strings.EqualFold(p.City, e.city) {
		score += 2
	}
	if e.country != "" && (strings.EqualFold(p.Country, e.country) || strings.EqualFold(p.CountryCode, e.country)) {
		score += 2
	}
	if e.jobTitle != "" && len(p.Experience) > 0 && strings.Contains(fold(p.Experience[0].Name), fold(e.jobTitle)) {
		score += 2
	}
	if e.email != "" && strings.Contains(fold(e.email), fold(e.last)) {
		score++
	}
	text := fold(p.FullName + " " + p.Current + " " + p.City + " " + strings.Join(p.Skills, " "))
	if p.Topcard != nil {
		text += " " + fold(p.Topcard.Headline)
	}
	for _, hint := range e.hints {
		if strings.Contains(text, hint) {
			score++
		}
	}
	return score
}

// internalError logs an unexpected failure and writes a 500 response.
func (s *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		return
	}
	s.log.Error("sandbox request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	writeError(w, http.StatusInternalServerError, "internal server error; retry later")
}
