package sandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	json "github.com/goccy/go-json"

	"github.com/cognism/graphql-gateway/cognism"
)

// Paging of the event endpoints.
const (
	defaultEventCount = 50
	maxEventCount     = 500
	// maxPage caps page numbers of every paged endpoint, so that the offset
	// page*count stays far from integer overflow.
	maxPage = 1_000_000
)

// eventQuery selects one page of events, newest first.
type eventQuery struct {
	filter      *eventFilter
	from, to    int64 // Unix ms, [from, to)
	page, count int
}

// findEvents runs q and returns the stored JSON of each event on the page.
func (s *Server) findEvents(ctx context.Context, q eventQuery) ([]json.RawMessage, error) {
	paths := q.filter.paths()
	var sel strings.Builder
	sel.WriteString("SELECT data")
	for _, p := range paths {
		sel.WriteString(", json_extract(data, '" + jsonPath(p) + "')")
	}
	sel.WriteString(" FROM events WHERE at >= ? AND at < ?")
	args := []any{q.from, q.to}
	for _, w := range q.filter.where {
		sel.WriteString(" AND " + w)
	}
	args = append(args, q.filter.args...)
	sel.WriteString(" ORDER BY at DESC, seq DESC")

	skip := q.page * q.count
	if !q.filter.residual {
		// The SQL conditions are the whole filter, so SQLite can page.
		sel.WriteString(" LIMIT ? OFFSET ?")
		args = append(args, q.count, skip)
		skip = 0
	}

	rows, err := s.stmts.query(ctx, sel.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	out := []json.RawMessage{}
	values := make([]any, len(paths))
	dest := make([]any, len(paths)+1)
	var data string
	dest[0] = &data
	for i := range values {
		dest[i+1] = &values[i]
	}
	get := func(path string) (string, bool) {
		for i, p := range paths {
			if p == path {
				return valueText(values[i])
			}
		}
		return "", false
	}
	for rows.Next() && len(out) < q.count {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if !q.filter.matches(get) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, json.RawMessage(data))
	}
	return out, rows.Err()
}

// parseStreamQuery reads the parameters shared by the event stream and its
// CSV export.
func parseStreamQuery(q url.Values) (eventQuery, error) {
	from, to, err := parseDayBounds(q.Get("dateFrom"), q.Get("dateTo"))
	if err != nil {
		return eventQuery{}, err
	}
	rule, err := cognism.ParseRule(q.Get("rule"))
	if err != nil {
		return eventQuery{}, fmt.Errorf("invalid rule: %v; expected clauses such as "+
			"type=job-join|job-leave;org=IBM", err)
	}
	filter, err := compileRule(rule)
	if err != nil {
		return eventQuery{}, fmt.Errorf("invalid rule: %v", err)
	}
	page, err := intParam(q, "page", 0)
	if err != nil {
		return eventQuery{}, err
	}
	count, err := intParam(q, "count", defaultEventCount)
	if err != nil {
		return eventQuery{}, err
	}
	eq := eventQuery{filter: filter, from: from, to: to, page: page, count: count}
	return eq, checkPaging(page, count)
}

func intParam(q url.Values, name string, def int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("invalid %s %q: expected an integer", name, v)
	}
	return n, nil
}

func checkPaging(page, count int) error {
	if err := checkPage(page); err != nil {
		return err
	}
	if count < 1 || count > maxEventCount {
		return fmt.Errorf("invalid count %d: expected 1 to %d", count, maxEventCount)
	}
	return nil
}

// checkPage rejects a page number below 0 or above maxPage.
func checkPage(page int) error {
	if page < 0 || page > maxPage {
		return fmt.Errorf("invalid page %d: expected 0 to %d", page, maxPage)
	}
	return nil
}

// handleEventStream serves GET /api/v1/events/stream.
func (s *Server) handleEventStream(w http.ResponseWriter, r *http.Request) {
	q, err := parseStreamQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	events, err := s.findEvents(r.Context(), q)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeRawArray(w, events)
}

// writeRawArray writes stored JSON documents as one JSON array.
func writeRawArray(w http.ResponseWriter, items []json.RawMessage) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "[")
	for i, item := range items {
		if i > 0 {
			_, _ = io.WriteString(w, ",")
		}
		_, _ = w.Write(item)
	}
	_, _ = io.WriteString(w, "]\n")
}

// handleEventsCSV serves GET /api/v1/events/stream/csv.
func (s *Server) handleEventsCSV(w http.ResponseWriter, r *http.Request) {
	q, err := parseStreamQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	events, err := s.findEvents(r.Context(), q)
	if err != nil {
		s.internalError(w, r, err)
		return
	}

	export := &cognism.EventsCSV{Rule: r.URL.Query().Get("rule")}
	for _, data := range events {
		var ev cognism.Event
		if err := json.Unmarshal(data, &ev); err != nil {
			s.internalError(w, r, err)
			return
		}
		export.Rows = append(export.Rows, s.csvRow(ev))
	}
	writeText(w, "text/csv; charset=utf-8", export.String())
}

// csvRow flattens an event, with its organisation's attributes from the
// company it names.
func (s *Server) csvRow(ev cognism.Event) cognism.EventsCSVRow {
	row := cognism.EventsCSVRow{
		EventID:          string(ev.ID),
		Date:             ev.Date,
		EventType:        string(ev.Type),
		OrganizationName: ev.Org,
	}
	if e := ev.Employee; e != nil {
		row.EmployeeName = e.Name
		row.EmployeeJobTitle = e.Title
		row.EmployeeURL = e.URL
		if e.Age != nil {
			row.EmployeeEstimatedAge = strconv.FormatInt(int64(*e.Age), 10)
		}
	}
	if c := s.companies.byExactName(ev.Org); c != nil {
		row.OrganizationID = string(c.ID)
		row.OrganizationIndustry = c.Industry
		row.OrganizationWebsite = c.Site
		row.OrganizationFounded = c.Founded
		row.OrganizationType = c.Type
		row.OrganizationSize = c.Size
	}
	if l := ev.Loc; l != nil {
		row.Region, row.Country, row.State, row.City = l.Region, l.Country, l.State, l.City
	}
	return row
}

// handleEventSearch serves POST /api/v1/events/stream/search.
func (s *Server) handleEventSearch(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "reading the body failed: "+err.Error())
		return
	}
	body, ok, err := parseEventSearch(data)
	if !ok {
		writeError(w, http.StatusNotAcceptable, "body is not a JSON object: expected "+
			`{"dateFrom", "dateTo", "page", "count", "pipeline": [stage]}`)
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}

	q := eventQuery{page: body.Page, count: body.Count}
	if q.from, q.to, err = parseDayBounds(body.DateFrom, body.DateTo); err == nil {
		if err = checkPaging(q.page, q.count); err == nil {
			q.filter, err = compilePipeline(body.Stages)
		}
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}

	events, err := s.findEvents(r.Context(), q)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeRawArray(w, events)
}
