package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/cognism/graphql-gateway/cognism"
)

// entitySearch is a parsed v2 entity search.
type entitySearch struct {
	term, tag, dateFrom, dateTo string
	sources                     []string
	fromDay, toDay              int64
	aboutness, page, count      int
}

func parseEntitySearch(q url.Values) (entitySearch, error) {
	es := entitySearch{
		term: strings.TrimSpace(q.Get("term")), tag: strings.ToUpper(q.Get("tag")),
		dateFrom: q.Get("dateFrom"), dateTo: q.Get("dateTo"), sources: listParam(q, "source"),
	}
	for _, p := range []string{"dateFrom", "dateTo", "term", "source", "page", "count"} {
		if strings.TrimSpace(q.Get(p)) == "" {
			return es, fmt.Errorf("missing %s: the entity search needs dateFrom, dateTo (dd.MM.yyyy), term, source, page and count", p)
		}
	}
	if es.tag != "" && !slices.Contains(entityTags, es.tag) {
		return es, fmt.Errorf("invalid tag %q: expected ORGANIZATION, PERSON or LOCATION", q.Get("tag"))
	}

	var err error
	if es.fromDay, es.toDay, err = parseDayRange(es.dateFrom, es.dateTo); err != nil {
		return es, err
	}
	if es.aboutness, err = intParam(q, "aboutness", 0); err != nil {
		return es, err
	}
	if q.Get("aboutness") != "" && (es.aboutness < 1 || es.aboutness > 10) {
		return es, fmt.Errorf("invalid aboutness %d: expected 1 to 10", es.aboutness)
	}
	if es.page, err = intParam(q, "page", 0); err != nil {
		return es, err
	}
	if es.count, err = intParam(q, "count", 0); err != nil {
		return es, err
	}
	return es, checkPaging(es.page, es.count)
}

// handleEntitySearch serves GET /api/v2/documents/search: documents in
// which an entity with the term as its whole value (and the tag as its
// type, when given) has at least the aboutness as relevance.
func (s *Server) handleEntitySearch(w http.ResponseWriter, r *http.Request) {
	es, err := parseEntitySearch(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}

	var d documentSQL
	d.addSources(es.sources)
	d.add("d.day BETWEEN ? AND ?", es.fromDay, es.toDay)
	entity := "EXISTS (SELECT 1 FROM document_entities e WHERE e.uid = d.uid AND e.value_fold = ? AND e.relevance >= ?"
	args := []any{fold(es.term), es.aboutness}
	if es.tag != "" {
		entity += " AND e.type = ?"
		args = append(args, es.tag)
	}
	d.add(entity+")", args...)

	docs, err := s.queryDocuments(r.Context(), d, es.page, es.count)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeText(w, "text/plain; charset=utf-8", es.report(docs).String())
}

func (es entitySearch) report(docs []cognism.Document) *cognism.Report {
	keywords := es.term
	if es.tag != "" {
		keywords = es.tag + ":" + es.term
	}
	aboutness := ""
	if es.aboutness > 0 {
		aboutness = fmt.Sprint(es.aboutness)
	}
	report := &cognism.Report{Extended: true, Query: []cognism.ReportParam{
		{Name: "Keywords", Value: keywords},
		{Name: "Date From", Value: es.dateFrom},
		{Name: "Date To", Value: es.dateTo},
		{Name: "Aboutness", Value: aboutness},
		{Name: "Source", Value: strings.Join(es.sources, ", ")},
		{Name: "Page", Value: fmt.Sprint(es.page)},
		{Name: "Count", Value: fmt.Sprint(es.count)},
	}}
	for i, doc := range docs {
		report.Items = append(report.Items, cognism.ReportItem{Number: es.page*es.count + i + 1, Document: doc})
	}
	return report
}
