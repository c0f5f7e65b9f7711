package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"

	json "github.com/goccy/go-json"

	"github.com/cognism/graphql-gateway/cognism"
)

// Paging of the keyword document search. The vendor documents no paging
// for it, so the sandbox returns the newest defaultDocumentCount matches
// unless the request gives page and count.
const (
	defaultDocumentCount = 100
	maxDocumentCount     = 500
)

var (
	searchFields   = []string{"articleName", "subHeadline", "abstract"}
	documentFields = cognism.DocumentOutputFields
	entityTags     = []string{"ORGANIZATION", "PERSON", "LOCATION"}
)

// listParam collects a list parameter given comma-separated, repeated or
// both, with empty items dropped.
func listParam(q url.Values, name string) []string {
	out := []string{}
	for _, v := range q[name] {
		out = append(out, splitList(v)...)
	}
	return out
}

// documentSearch is a parsed keyword search.
type documentSearch struct {
	keywords, fields, exclusions, outputFields, sources, annotations []string
	dateFrom, dateTo                                                 string
	fromDay, toDay                                                   int64
	page, count                                                      int
}

func parseDocumentSearch(q url.Values) (documentSearch, error) {
	ds := documentSearch{
		keywords:     listParam(q, "keywords"),
		fields:       listParam(q, "fields"),
		exclusions:   listParam(q, "exclusions"),
		outputFields: listParam(q, "outputFields"),
		sources:      listParam(q, "source"),
		annotations:  listParam(q, "annotation"),
		dateFrom:     q.Get("dateFrom"),
		dateTo:       q.Get("dateTo"),
	}
	if len(ds.sources) == 0 {
		return ds, fmt.Errorf("missing source: give one or more comma-separated sources such as %s",
			strings.Join(documentSources[:2], ","))
	}
	if len(ds.fields) == 0 {
		ds.fields = searchFields
	}
	for _, f := range ds.fields {
		if !slices.Contains(searchFields, f) {
			return ds, fmt.Errorf("unknown search field %q in fields: expected some of %s", f, strings.Join(searchFields, ","))
		}
	}
	if len(ds.outputFields) == 0 {
		ds.outputFields = documentFields
	}
	for i, f := range ds.outputFields {
		if f == "articleName" {
			ds.outputFields[i] = "headline"
		} else if !slices.Contains(documentFields, f) {
			return ds, fmt.Errorf("unknown output field %q in outputFields: expected some of %s", f, strings.Join(documentFields, ","))
		}
	}
	for _, a := range ds.annotations {
		if kind, label, ok := strings.Cut(a, "="); !ok || kind == "" || label == "" {
			return ds, fmt.Errorf("invalid annotation %q: expected kind=label such as subject=PER or industry=AUT", a)
		}
	}

	var err error
	if ds.fromDay, ds.toDay, err = parseDayRange(ds.dateFrom, ds.dateTo); err != nil {
		return ds, err
	}
	if ds.page, err = intParam(q, "page", 0); err != nil {
		return ds, err
	}
	if ds.count, err = intParam(q, "count", defaultDocumentCount); err != nil {
		return ds, err
	}
	if err := checkPage(ds.page); err != nil {
		return ds, err
	}
	if ds.count < 1 || ds.count > maxDocumentCount {
		return ds, fmt.Errorf("invalid count %d: expected 1 to %d", ds.count, maxDocumentCount)
	}
	return ds, nil
}

// parseDayRange reads optional date bounds as inclusive day numbers.
func parseDayRange(dateFrom, dateTo string) (from, to int64, err error) {
	fromMS, toMS, err := parseDayBounds(dateFrom, dateTo)
	if err != nil {
		return 0, 0, err
	}
	const msPerDay = 86_400_000
	from, to = -1<<62, 1<<62
	if dateFrom != "" {
		from = fromMS / msPerDay
	}
	if dateTo != "" {
		to = toMS/msPerDay - 1
	}
	return from, to, nil
}

// ftsPhrase quotes text as one FTS5 phrase. It rejects text with no letter
// or digit, and text with a NUL character, where SQLite's query parser
// would see the end of the query.
func ftsPhrase(text string) (string, error) {
	if strings.ContainsRune(text, 0) {
		return "", fmt.Errorf(
			"%q contains a NUL character, which cannot be searched for. Remove it and search again", text)
	}
	if !strings.ContainsFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return "", fmt.Errorf("%q has no letter or digit to search for", text)
	}
	return `"` + strings.ReplaceAll(text, `"`, `""`) + `"`, nil
}

// keywordQuery builds the FTS5 query of the keywords: any keyword may
// match, and a keyword with "." needs all of its dot-separated parts. A
// keyword with no letter or digit, such as "." or "-", is an error.
func keywordQuery(keywords, fields []string) (string, error) {
	var alternatives []string
	for _, k := range keywords {
		var parts []string
		for _, part := range strings.Split(k, ".") {
			if part = strings.TrimSpace(part); part == "" {
				continue
			}
			phrase, err := ftsPhrase(part)
			if err != nil {
				return "", fmt.Errorf("invalid keywords: %v", err)
			}
			parts = append(parts, phrase)
		}
		if len(parts) == 0 {
			return "", fmt.Errorf("invalid keywords: %q has no letter or digit to search for", k)
		}
		alternatives = append(alternatives, "("+strings.Join(parts, " AND ")+")")
	}
	if len(alternatives) == 0 {
		return "", nil
	}
	return "{" + strings.Join(fields, " ") + "} : (" + strings.Join(alternatives, " OR ") + ")", nil
}

func exclusionQuery(words, fields []string) (string, error) {
	var phrases []string
	for _, w := range words {
		phrase, err := ftsPhrase(w)
		if err != nil {
			return "", fmt.Errorf("invalid exclusions: %v", err)
		}
		phrases = append(phrases, phrase)
	}
	if len(phrases) == 0 {
		return "", nil
	}
	return "{" + strings.Join(fields, " ") + "} : (" + strings.Join(phrases, " OR ") + ")", nil
}

// documentSQL collects the conditions of a document query.
type documentSQL struct {
	where []string
	args  []any
	// index is the covering index a keyword search filters its matches on,
	// or empty when no full-text match picks the documents.
	index string
}

func (d *documentSQL) add(cond string, args ...any) {
	d.where = append(d.where, cond)
	d.args = append(d.args, args...)
}

func (d *documentSQL) addSources(sources []string) {
	marks := strings.TrimSuffix(strings.Repeat("?,", len(sources)), ",")
	var args []any
	for _, s := range sources {
		args = append(args, fold(s))
	}
	d.add("d.source_fold IN ("+marks+")", args...)
}

// addAnnotations requires, for each annotation kind given, one of its
// labels.
func (d *documentSQL) addAnnotations(annotations []string) {
	byKind := map[string][]string{}
	for _, a := range annotations {
		kind, label, _ := strings.Cut(a, "=")
		byKind[fold(kind)] = append(byKind[fold(kind)], fold(label))
	}
	for _, kind := range sortedKeys(byKind) {
		labels := byKind[kind]
		marks := strings.TrimSuffix(strings.Repeat("?,", len(labels)), ",")
		args := []any{kind}
		for _, l := range labels {
			args = append(args, l)
		}
		d.add("EXISTS (SELECT 1 FROM document_annotations a WHERE a.uid = d.uid AND a.kind_fold = ? AND a.label_fold IN ("+marks+"))", args...)
	}
}

// queryDocuments returns the matching documents, newest first.
func (s *Server) queryDocuments(ctx context.Context, d documentSQL, page, count int) ([]cognism.Document, error) {
	stored, err := s.queryStoredDocuments(ctx, d, page, count)
	if err != nil {
		return nil, err
	}
	return decodeDocuments(stored)
}

// queryStoredDocuments returns the matching documents as stored, newest
// first.
func (s *Server) queryStoredDocuments(
	ctx context.Context,
	d documentSQL,
	page, count int,
) ([]string, error) {
	query := "SELECT d.data FROM documents d WHERE " + strings.Join(d.where, " AND ") +
		" ORDER BY d.day DESC, d.uid DESC LIMIT ? OFFSET ?"
	if d.index != "" {
		// The matches are filtered and sorted on a narrow index, and only
		// the page's documents are read. In the sqlite3 shell, a search
		// for "appoints" took about 1 ms this way against 5 ms sorting
		// whole rows.
		query = "SELECT d.data FROM documents d WHERE d.uid IN (" +
			"SELECT d.uid FROM documents d INDEXED BY " + d.index +
			" WHERE " + strings.Join(d.where, " AND ") +
			" ORDER BY d.day DESC, d.uid DESC LIMIT ? OFFSET ?) ORDER BY d.day DESC, d.uid DESC"
	}
	rows, err := s.stmts.query(ctx, query, append(d.args, count, page*count)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	out := []string{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		out = append(out, data)
	}
	return out, rows.Err()
}

// decodeDocuments decodes stored documents.
func decodeDocuments(stored []string) ([]cognism.Document, error) {
	out := make([]cognism.Document, 0, len(stored))
	for _, data := range stored {
		var doc cognism.Document
		if err := json.Unmarshal([]byte(data), &doc); err != nil {
			return nil, err
		}
		out = append(out, doc)
	}
	return out, nil
}

// searchDocuments runs a keyword search. A malformed keyword or exclusion
// is returned as a *badRequest.
func (s *Server) searchDocuments(ctx context.Context, ds documentSearch) ([]string, error) {
	d, err := s.documentSearchSQL(ctx, ds)
	if err != nil {
		return nil, err
	}
	return s.queryStoredDocuments(ctx, d, ds.page, ds.count)
}

// documentSearchSQL builds the conditions of a keyword search and picks
// the index its matches are filtered on.
func (s *Server) documentSearchSQL(ctx context.Context, ds documentSearch) (documentSQL, error) {
	var d documentSQL
	d.addSources(ds.sources)
	d.add("d.day BETWEEN ? AND ?", ds.fromDay, ds.toDay)

	match, err := keywordQuery(ds.keywords, ds.fields)
	if err != nil {
		return d, &badRequest{err.Error()}
	}
	if match != "" {
		d.add("d.uid IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)", match)
		if d.index, err = s.keywordIndex(ctx, match, (ds.page+1)*ds.count); err != nil {
			return d, err
		}
	}
	exclude, err := exclusionQuery(ds.exclusions, ds.fields)
	if err != nil {
		return d, &badRequest{err.Error()}
	}
	if exclude != "" {
		d.add("d.uid NOT IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)", exclude)
	}
	d.addAnnotations(ds.annotations)
	return d, nil
}

// keywordIndex picks the index a keyword search with the full-text match
// filters on, from how many documents the match finds and how many rows
// the search returns (need). Looking up each match by uid costs a step per
// match, and a sort. Walking the documents newest first reads about need
// times all documents over the matches before it has need of them, so it
// wins when the match is common.
func (s *Server) keywordIndex(ctx context.Context, match string, need int) (string, error) {
	const count = "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?"
	rows, err := s.stmts.query(ctx, count, match)
	if err != nil {
		return "", err
	}
	defer rows.Close()

	var matches int
	if rows.Next() {
		if err := rows.Scan(&matches); err != nil {
			return "", err
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if matches >= 4*need {
		return "documents_order", nil
	}
	return "documents_keys", nil
}

// badRequest is an error in the request, which the handler reports as a
// 400 response.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

// handleDocumentsJSON serves GET /api/v1/documents/json. The body is
// written from the stored documents as they are, which are compact JSON
// already, so it is not encoded a second time.
func (s *Server) handleDocumentsJSON(w http.ResponseWriter, r *http.Request) {
	ds, docs, ok := s.runDocumentSearch(w, r)
	if !ok {
		return
	}
	echo, err := json.MarshalWithOption(ds.echo(), json.DisableHTMLEscape())
	if err != nil {
		s.internalError(w, r, err)
		return
	}

	size := len(echo) + 32
	for _, stored := range docs {
		size += len(stored) + 1
	}
	body := make([]byte, 0, size)
	body = append(append(append(body, `{"query":`...), echo...), `,"documents":[`...)
	whole := containsAll(ds.outputFields, documentFields)
	for i, stored := range docs {
		if i > 0 {
			body = append(body, ',')
		}
		if whole {
			if doc, ok := numericUID(stored); ok {
				body = append(body, doc...)
				continue
			}
		}
		shaped, err := selectFields(stored, ds.outputFields)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		body = append(body, shaped...)
	}
	writeJSONBody(w, http.StatusOK, append(body, "]}\n"...))
}

// containsAll reports whether list contains every item of want.
func containsAll(list, want []string) bool {
	for _, w := range want {
		if !slices.Contains(list, w) {
			return false
		}
	}
	return true
}

// numericUID returns a whole stored document with its uid, stored first as
// a string of digits, turned into a JSON number as the vendor documents
// it. It reports false for any other stored form.
func numericUID(stored string) (json.RawMessage, bool) {
	rest, ok := strings.CutPrefix(stored, `{"uid":"`)
	if !ok {
		return nil, false
	}
	end := strings.IndexByte(rest, '"')
	if end <= 0 || strings.Trim(rest[:end], "0123456789") != "" {
		return nil, false
	}
	return json.RawMessage(`{"uid":` + rest[:end] + rest[end+1:]), true
}

func (s *Server) runDocumentSearch(
	w http.ResponseWriter,
	r *http.Request,
) (documentSearch, []string, bool) {
	ds, err := parseDocumentSearch(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return ds, nil, false
	}
	docs, err := s.searchDocuments(r.Context(), ds)
	if bad, isBad := err.(*badRequest); isBad {
		writeError(w, http.StatusBadRequest, bad.msg)
		return ds, nil, false
	}
	if err != nil {
		s.internalError(w, r, err)
		return ds, nil, false
	}
	return ds, docs, true
}

func (ds documentSearch) echo() cognism.DocumentQuery {
	return cognism.DocumentQuery{
		Keywords:     ds.keywords,
		SearchFields: ds.fields,
		OutputFields: ds.outputFields,
		Exclusions:   ds.exclusions,
		DateFrom:     ds.dateFrom,
		DateTo:       ds.dateTo,
		Annotation:   ds.annotations,
		Source:       ds.sources,
	}
}

// storedFields holds the fields of a stored document as their JSON.
type storedFields struct {
	UID         json.RawMessage `json:"uid"`
	EID         json.RawMessage `json:"eid"`
	Headline    json.RawMessage `json:"headline"`
	SubHeadline json.RawMessage `json:"subHeadline"`
	Abstract    json.RawMessage `json:"abstract"`
	URL         json.RawMessage `json:"url"`
	Date        json.RawMessage `json:"date"`
	Author      json.RawMessage `json:"author"`
	Source      json.RawMessage `json:"source"`
	Annotations json.RawMessage `json:"annotations"`
	Photos      json.RawMessage `json:"photos"`
	Videos      json.RawMessage `json:"videos"`
	Entities    json.RawMessage `json:"entities"`
	Quotations  json.RawMessage `json:"quotations"`
}

// values returns the fields in the order of documentFields.
func (f *storedFields) values() []json.RawMessage {
	return []json.RawMessage{
		f.UID, f.EID, f.Headline, f.SubHeadline, f.Abstract, f.URL, f.Date, f.Author, f.Source,
		f.Annotations, f.Photos, f.Videos, f.Entities, f.Quotations,
	}
}

// selectFields returns the listed fields of a stored document as a JSON
// object, in the order of documentFields, with its uid as a JSON number.
func selectFields(stored string, fields []string) (json.RawMessage, error) {
	var all storedFields
	if err := json.Unmarshal([]byte(stored), &all); err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(stored))
	out = append(out, '{')
	for i, value := range all.values() {
		name := documentFields[i]
		if value == nil || !slices.Contains(fields, name) {
			continue
		}
		if name == "uid" {
			number, err := uidNumber(value)
			if err != nil {
				return nil, err
			}
			value = number
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(append(append(out, '"'), name...), `":`...)
		out = append(out, value...)
	}
	return append(out, '}'), nil
}

// uidNumber turns a stored uid, a string of digits, into a JSON number.
func uidNumber(stored json.RawMessage) (json.RawMessage, error) {
	var uid cognism.FlexString
	if err := json.Unmarshal(stored, &uid); err != nil {
		return nil, err
	}
	return json.Marshal(json.Number(string(uid)))
}

// keepFields clears the fields of doc that are not listed.
func keepFields(doc cognism.Document, fields []string) cognism.Document {
	var out cognism.Document
	for _, f := range fields {
		switch f {
		case "uid":
			out.UID = doc.UID
		case "eid":
			out.EID = doc.EID
		case "headline":
			out.Headline = doc.Headline
		case "subHeadline":
			out.SubHeadline = doc.SubHeadline
		case "abstract":
			out.Abstract = doc.Abstract
		case "url":
			out.URL = doc.URL
		case "date":
			out.Date = doc.Date
		case "author":
			out.Author = doc.Author
		case "source":
			out.Source = doc.Source
		case "annotations":
			out.Annotations = doc.Annotations
		case "photos":
			out.Photos = doc.Photos
		case "videos":
			out.Videos = doc.Videos
		case "entities":
			out.Entities = doc.Entities
		case "quotations":
			out.Quotations = doc.Quotations
		}
	}
	return out
}

// handleDocumentsText serves GET /api/v1/documents/txt.
func (s *Server) handleDocumentsText(w http.ResponseWriter, r *http.Request) {
	ds, stored, ok := s.runDocumentSearch(w, r)
	if !ok {
		return
	}
	docs, err := decodeDocuments(stored)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	report := &cognism.Report{Query: []cognism.ReportParam{
		{Name: "Keywords", Value: strings.Join(ds.keywords, ", ")},
		{Name: "Search fields", Value: strings.Join(ds.fields, ", ")},
		{Name: "Exclusions", Value: strings.Join(ds.exclusions, ", ")},
		{Name: "Date From", Value: ds.dateFrom},
		{Name: "Date To", Value: ds.dateTo},
		{Name: "Annotation", Value: "List(" + strings.Join(ds.annotations, ", ") + ")"},
		{Name: "Source", Value: strings.Join(ds.sources, ", ")},
	}}
	for i, doc := range docs {
		item := cognism.ReportItem{Number: ds.page*ds.count + i + 1, Document: keepFields(doc, ds.outputFields)}
		report.Items = append(report.Items, item)
	}
	writeText(w, "text/plain; charset=utf-8", report.String())
}
