package sandbox

import (
	"context"
	"database/sql"
	"net/http"
	"slices"
	"strings"

	json "github.com/goccy/go-json"

	"github.com/cognism/graphql-gateway/cognism"
)

// companyIndex holds every company in memory, because the CSV export and the
// live event generator look companies up by name on every row. Companies
// never change after seeding.
type companyIndex struct {
	list   []*seedCompany
	byName map[string][]*seedCompany // by fold(name)
	byPath map[string][]*seedCompany // by fold(path)
	// position is each company's index in list, which is in id order.
	position map[*seedCompany]int
}

func loadCompanyIndex(ctx context.Context, db *sql.DB) (*companyIndex, error) {
	rows, err := db.QueryContext(ctx, "SELECT founded, data FROM companies ORDER BY CAST(id AS INTEGER)")
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	idx := &companyIndex{
		byName:   map[string][]*seedCompany{},
		byPath:   map[string][]*seedCompany{},
		position: map[*seedCompany]int{},
	}
	for rows.Next() {
		var founded, data string
		if err := rows.Scan(&founded, &data); err != nil {
			return nil, err
		}
		c := &seedCompany{Founded: founded}
		if err := json.Unmarshal([]byte(data), &c.Company); err != nil {
			return nil, err
		}
		idx.position[c] = len(idx.list)
		idx.list = append(idx.list, c)
		idx.byName[fold(c.Name)] = append(idx.byName[fold(c.Name)], c)
		idx.byPath[fold(c.Path)] = append(idx.byPath[fold(c.Path)], c)
	}
	return idx, rows.Err()
}

// lookup returns the companies whose name or path equals name,
// case-insensitively, without duplicates, in id order. A path match may
// therefore come before a name match.
func (idx *companyIndex) lookup(name string) []*seedCompany {
	key := fold(name)
	out := append([]*seedCompany{}, idx.byName[key]...)
	for _, c := range idx.byPath[key] {
		if !containsCompany(out, c) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *seedCompany) int { return idx.position[a] - idx.position[b] })
	return out
}

// byExactName returns the first company named name, or nil.
func (idx *companyIndex) byExactName(name string) *seedCompany {
	if list := idx.byName[fold(name)]; len(list) > 0 {
		return list[0]
	}
	return nil
}

func containsCompany(list []*seedCompany, c *seedCompany) bool {
	for _, item := range list {
		if item == c {
			return true
		}
	}
	return false
}

// handleCompany serves GET /api/v1/company/{name}.
func (s *Server) handleCompany(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if strings.TrimSpace(name) == "" {
		writeError(w, http.StatusBadRequest, "missing company name: put the path-escaped name in /api/v1/company/{name}")
		return
	}

	out := []cognism.Company{}
	for _, c := range s.companies.lookup(name) {
		out = append(out, c.Company)
	}
	writeJSON(w, http.StatusOK, out)
}
