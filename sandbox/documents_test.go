package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

// searchText joins the default search fields of a document, lower-cased.
func searchText(d cognism.Document) string {
	return strings.ToLower(d.Headline + " " + d.SubHeadline + " " + plainText(d.Abstract))
}

func TestSearchDocumentsKeywords(t *testing.T) {
	ts := newTestSandbox(t)
	got, err := ts.client.SearchDocuments(ctx, cognism.DocumentSearchOptions{
		Keywords: []string{"appoints.chief marketing officer"}, Sources: DocumentSources(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Documents) == 0 {
		t.Fatal("no document mentions appoints and chief marketing officer")
	}
	for _, d := range got.Documents {
		text := searchText(d)
		if !strings.Contains(text, "appoint") || !strings.Contains(text, "chief marketing officer") {
			t.Errorf("document %s lacks a keyword part: %q", d.UID, text)
		}
	}
	if !slices.Equal(got.Query.Keywords, []string{"appoints.chief marketing officer"}) ||
		!slices.Equal(got.Query.SearchFields, searchFields) || len(got.Query.Source) != len(documentSources) {
		t.Errorf("query echo = %+v", got.Query)
	}
}

func TestSearchDocumentsExclusionsAndFields(t *testing.T) {
	ts := newTestSandbox(t)
	opts := cognism.DocumentSearchOptions{
		Keywords: []string{"results", "acquire"}, Fields: []string{"articleName"},
		Exclusions: []string{"quarterly"}, Sources: DocumentSources(),
	}
	got, err := ts.client.SearchDocuments(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Documents) == 0 {
		t.Fatal("no acquisition headlines")
	}
	for _, d := range got.Documents {
		headline := strings.ToLower(d.Headline)
		if strings.Contains(headline, "quarterly") {
			t.Errorf("document %s has the excluded word: %q", d.UID, d.Headline)
		}
		if !strings.Contains(headline, "acquire") && !strings.Contains(headline, "results") {
			t.Errorf("document %s headline lacks both keywords: %q", d.UID, d.Headline)
		}
	}
}

func TestSearchDocumentsFiltersSourceAnnotationDate(t *testing.T) {
	ts := newTestSandbox(t)
	from := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)
	got, err := ts.client.SearchDocuments(ctx, cognism.DocumentSearchOptions{
		Sources: []string{"financial times", "Reuters"}, Annotations: []string{"subject=PER", "genre=News"},
		DateFrom: from, DateTo: to,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Documents) == 0 {
		t.Fatal("no documents")
	}
	for _, d := range got.Documents {
		day, _ := cognism.ParseDate(d.Date)
		if d.Source != "Financial Times" && d.Source != "Reuters" {
			t.Errorf("document %s from %s", d.UID, d.Source)
		}
		if day.Before(from) || day.After(to) {
			t.Errorf("document %s dated %s", d.UID, d.Date)
		}
		if !slices.Contains(d.Annotations, cognism.Annotation{Kind: "subject", Label: "PER"}) ||
			!slices.Contains(d.Annotations, cognism.Annotation{Kind: "genre", Label: "News"}) {
			t.Errorf("document %s annotations %v", d.UID, d.Annotations)
		}
	}
}

func TestSearchDocumentsOutputFields(t *testing.T) {
	ts := newTestSandbox(t)
	q := url.Values{"source": {"Reuters,Bloomberg"}, "outputFields": {"uid,headline"}, "accessToken": {DefaultAccessToken}}
	resp, body := ts.do(t, "GET", "/api/v1/documents/json?"+q.Encode(), "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var got struct {
		Documents []map[string]json.RawMessage `json:"documents"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Documents) == 0 {
		t.Fatal("no documents")
	}
	for _, d := range got.Documents {
		if len(d) != 2 || d["headline"] == nil || d["uid"] == nil {
			t.Fatalf("document has fields %v, want uid and headline", sortedKeys(d))
		}
		if uid := string(d["uid"]); strings.HasPrefix(uid, `"`) {
			t.Errorf("uid %s is a string, want an integer", uid)
		}
	}
}

func TestSearchDocumentsRepeatedAnnotationParameter(t *testing.T) {
	ts := newTestSandbox(t)
	q := url.Values{"source": {strings.Join(documentSources, ",")}, "annotation": {"industry=TEC", "industry=FIN"}}
	resp, body := ts.do(t, "GET", "/api/v1/documents/json?"+q.Encode(), "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var got cognism.DocumentSearch
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Documents) == 0 || len(got.Query.Annotation) != 2 {
		t.Fatalf("%d documents, annotation echo %v", len(got.Documents), got.Query.Annotation)
	}
	for _, d := range got.Documents {
		if !slices.ContainsFunc(d.Annotations, func(a cognism.Annotation) bool {
			return a.Kind == "industry" && (a.Label == "TEC" || a.Label == "FIN")
		}) {
			t.Errorf("document %s annotations %v", d.UID, d.Annotations)
		}
	}
}

func TestSearchDocumentsBadParameters(t *testing.T) {
	ts := newTestSandbox(t)
	cases := []struct {
		query string
		words []string
	}{
		{"keywords=ibm", []string{"source"}},
		{"source=Reuters&fields=body", []string{"body", "articleName"}},
		{"source=Reuters&outputFields=colour", []string{"colour", "headline"}},
		{"source=Reuters&annotation=PER", []string{"PER", "kind=label"}},
		{"source=Reuters&dateTo=2020", []string{"dateTo", "dd.MM.yyyy"}},
		{"source=Reuters&keywords=%3F%3F", []string{"keyword"}},
		{"source=Reuters&count=501", []string{"count"}},
		{"source=Reuters&page=-1", []string{"page"}},
		{"source=Reuters&page=9223372036854775807&count=500", []string{"page", "1000000"}},
		{"source=Reuters&keywords=.", []string{"keywords"}},
		{"source=Reuters&keywords=..", []string{"keywords"}},
		{"source=Reuters&keywords=-", []string{"keywords"}},
		{"source=Reuters&keywords=*", []string{"keywords"}},
		{"source=Reuters&keywords=ibm,.", []string{"keywords"}},
		{"source=Reuters&keywords=" + url.QueryEscape(" . "), []string{"keywords"}},
		{"source=Reuters&exclusions=.", []string{"exclusions"}},
		{"source=Reuters&keywords=ib%00m", []string{"keywords", "NUL"}},
		{"source=Reuters&exclusions=a%00", []string{"exclusions", "NUL"}},
	}
	for _, path := range []string{"/api/v1/documents/json", "/api/v1/documents/txt"} {
		for _, c := range cases {
			t.Run(path+"?"+c.query, func(t *testing.T) {
				resp, body := ts.do(t, "GET", path+"?"+c.query, "", nil)
				wantStatus(t, resp, body, http.StatusBadRequest, c.words...)
			})
		}
	}
}

func TestDocumentsReportMatchesJSON(t *testing.T) {
	ts := newTestSandbox(t)
	opts := cognism.DocumentSearchOptions{Keywords: []string{"partnership"}, Sources: []string{"Reuters", "BBC News"}}
	want, err := ts.client.SearchDocuments(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}

	text, err := ts.client.DocumentsReportText(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	report, err := cognism.ParseReport(text)
	if err != nil {
		t.Fatalf("ParseReport: %v\n%s", err, text)
	}
	if report.Extended {
		t.Error("keyword report is marked extended")
	}

	if len(report.Items) != len(want.Documents) || len(report.Items) == 0 {
		t.Fatalf("report has %d items, JSON %d documents", len(report.Items), len(want.Documents))
	}

	for i, item := range report.Items {
		d := want.Documents[i]
		if item.Number != i+1 || item.Document.UID != d.UID || item.Document.Headline != d.Headline {
			t.Errorf("item %d = %d %s %q, want %s %q", i, item.Number, item.Document.UID, item.Document.Headline, d.UID, d.Headline)
		}
		if len(item.Document.Entities) != len(d.Entities) || len(item.Document.Entities[1].References) != 1 {
			t.Errorf("item %d entities = %+v", i, item.Document.Entities)
		}
	}
	if !strings.Contains(text, "Source = Reuters, BBC News") || !strings.Contains(text, "Annotation = List()") {
		t.Errorf("query block:\n%.400s", text)
	}
}

func TestSearchEntitiesByOrganization(t *testing.T) {
	ts := newTestSandbox(t)
	report, err := ts.client.SearchEntities(ctx, cognism.EntitySearchOptions{
		Term: "ibm", Tag: cognism.TagOrganization, Sources: DocumentSources(), Aboutness: 6,
		DateFrom: seedStart, DateTo: seedEnd, Count: 50,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !report.Extended || len(report.Items) == 0 {
		t.Fatalf("extended %v with %d items", report.Extended, len(report.Items))
	}
	if report.Query[0].Value != "ORGANIZATION:ibm" {
		t.Errorf("keywords line = %+v", report.Query[0])
	}
	for _, item := range report.Items {
		ok := slices.ContainsFunc(item.Document.Entities, func(e cognism.Entity) bool {
			return e.Type == "ORGANIZATION" && e.Value == "IBM" && e.Relevance >= 6
		})
		if !ok {
			t.Errorf("document %s has no IBM entity of relevance 6 or more: %+v", item.Document.UID, item.Document.Entities)
		}
	}
}

func TestSearchEntitiesPaging(t *testing.T) {
	ts := newTestSandbox(t)
	opts := cognism.EntitySearchOptions{
		Term: "IBM", Sources: DocumentSources(), DateFrom: seedStart, DateTo: seedEnd, Count: 2,
	}
	first, err := ts.client.SearchEntities(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Page = 1
	second, err := ts.client.SearchEntities(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Items) != 2 || len(second.Items) != 2 {
		t.Fatalf("pages of %d and %d items, want 2 each", len(first.Items), len(second.Items))
	}
	if second.Items[0].Number != 3 || second.Items[0].Document.UID == first.Items[0].Document.UID {
		t.Errorf("page 1 starts with item %d uid %s", second.Items[0].Number, second.Items[0].Document.UID)
	}
}

func TestSearchEntitiesBadParameters(t *testing.T) {
	ts := newTestSandbox(t)
	base := url.Values{
		"dateFrom": {"01.01.2015"}, "dateTo": {"31.12.2026"}, "term": {"IBM"}, "source": {"Reuters"},
		"page": {"0"}, "count": {"10"},
	}
	cases := []struct {
		name, key, value string
		words            []string
	}{
		{"missing term", "term", "", []string{"term"}},
		{"missing source", "source", "", []string{"source"}},
		{"missing count", "count", "", []string{"count"}},
		{"missing dateFrom", "dateFrom", "", []string{"dateFrom"}},
		{"tag", "tag", "COMPANY", []string{"COMPANY", "ORGANIZATION"}},
		{"aboutness", "aboutness", "11", []string{"aboutness", "1 to 10"}},
		{"count", "count", "501", []string{"count"}},
		{"page overflow", "page", "9223372036854775807", []string{"page", "1000000"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := url.Values{}
			for k, v := range base {
				q[k] = v
			}
			q.Set(c.key, c.value)
			resp, body := ts.do(t, "GET", "/api/v2/documents/search?"+q.Encode(), "", nil)
			wantStatus(t, resp, body, http.StatusBadRequest, c.words...)
		})
	}
}

func TestRemovedEntitySearchIsGone(t *testing.T) {
	ts := newTestSandbox(t)
	resp, body := ts.do(t, "GET", "/api/v1/documents/search?term=IBM", "", nil)
	wantStatus(t, resp, body, http.StatusGone, "/api/v2/documents/search")
}

func TestNumericUIDRewritesOnlyDigitStrings(t *testing.T) {
	for _, c := range []struct {
		stored string
		want   string
		ok     bool
	}{
		{`{"uid":"100042","eid":"e1"}`, `{"uid":100042,"eid":"e1"}`, true},
		{`{"uid":"abc","eid":"e1"}`, "", false},
		{`{"uid":"","eid":"e1"}`, "", false},
		{`{"eid":"e1","uid":"1"}`, "", false},
		{`{"uid":7}`, "", false},
	} {
		got, ok := numericUID(c.stored)
		if ok != c.ok {
			t.Errorf("numericUID(%s) reported %v, want %v", c.stored, ok, c.ok)
		}
		if string(got) != c.want {
			t.Errorf("numericUID(%s) = %s, want %s", c.stored, got, c.want)
		}
	}
}

func TestKeywordSearchPlansMatchPlainQuery(t *testing.T) {
	ts := newTestSandbox(t)
	used := map[string]bool{}

	for _, keyword := range []string{"appoints", "marketing", "quarterly", "zzyzx"} {
		for _, page := range []struct{ page, count string }{{"0", "5"}, {"2", "7"}, {"0", "500"}} {
			q := url.Values{
				"keywords": {keyword}, "source": {strings.Join(DocumentSources(), ",")},
				"page": {page.page}, "count": {page.count},
			}
			ds, err := parseDocumentSearch(q)
			if err != nil {
				t.Fatal(err)
			}
			d, err := ts.srv.documentSearchSQL(ctx, ds)
			if err != nil {
				t.Fatal(err)
			}
			used[d.index] = true

			got, err := ts.srv.queryStoredDocuments(ctx, d, ds.page, ds.count)
			if err != nil {
				t.Fatal(err)
			}
			d.index = ""
			want, err := ts.srv.queryStoredDocuments(ctx, d, ds.page, ds.count)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q page %s of %s: the indexed search returned %d documents that differ from the plain query's %d",
					keyword, page.page, page.count, len(got), len(want))
			}
		}
	}
	if !used["documents_order"] || !used["documents_keys"] {
		t.Errorf("the searches used the indexes %v, want both documents_order and documents_keys", used)
	}
}

func TestStoredFieldsFollowTheDocumentFieldOrder(t *testing.T) {
	typ := reflect.TypeFor[storedFields]()
	if typ.NumField() != len(documentFields) {
		t.Fatalf("storedFields has %d fields, documentFields lists %d", typ.NumField(), len(documentFields))
	}
	var f storedFields
	v := reflect.ValueOf(&f).Elem()
	for i, name := range documentFields {
		if tag := typ.Field(i).Tag.Get("json"); tag != name {
			t.Errorf("storedFields field %d is %q, want %q", i, tag, name)
		}
		v.Field(i).SetBytes([]byte(strconv.Itoa(i)))
	}
	for i, value := range f.values() {
		if string(value) != strconv.Itoa(i) {
			t.Errorf("values()[%d] is field %s, want field %d (%s)", i, value, i, documentFields[i])
		}
	}
}

func TestSelectedFieldsKeepTheStoredJSON(t *testing.T) {
	stored := `{"uid":"42","headline":"A \u003cb\u003e head","entities":[{"type":"PERSON","value":"Ann"}],"photos":[]}`
	got, err := selectFields(stored, []string{"photos", "uid", "entities", "abstract"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"uid":42,"photos":[],"entities":[{"type":"PERSON","value":"Ann"}]}`
	if string(got) != want {
		t.Errorf("selectFields = %s, want %s", got, want)
	}
}
