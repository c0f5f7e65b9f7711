package cognism

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// documentSearchJSON follows the document search response of the API
// reference, with uid as a number and the lists as arrays.
const documentSearchJSON = `{"query": {"keywords": ["appoints.chief marketing officer"],
  "searchFields": ["articleName", "subHeadline", "abstract"], "outputFields": [],
  "exclusions": ["rumour"], "dateFrom": "20.06.2016", "dateTo": "20.08.2016",
  "annotation": ["industry=AUT"], "source": ["Financial Times"]},
 "documents": [{"uid": 7001, "eid": "e-1001", "headline": "Carmaker appoints chief marketing officer",
  "subHeadline": "A new face", "abstract": "<p>The carmaker named a CMO.</p>",
  "url": "https://news.example.com/a/7001", "date": "19.08.2016", "author": "Jo Park",
  "source": "Financial Times", "annotations": [{"kind": "genre", "label": "News"}],
  "photos": ["https://img.example.com/1.jpg"], "videos": [],
  "entities": [{"type": "PERSON", "value": "Dana Whitcombe", "relevance": 2}],
  "quotations": [{"speakerName": "Dana Whitcombe", "speakerTitle": "CMO",
    "speakerOrganization": "Northwind Motors", "quotation": "We are growing."}],
  "sentiment": "unknown field"}]}`

func documentOptions() DocumentSearchOptions {
	return DocumentSearchOptions{
		Keywords:     []string{"appoints.chief marketing officer", " ", "AT&T"},
		Fields:       []string{"articleName", "abstract"},
		Exclusions:   []string{"rumour"},
		OutputFields: []string{"headline", "url"},
		Sources:      []string{"Financial Times", "Reuters"},
		DateFrom:     time.Date(2016, 6, 20, 0, 0, 0, 0, time.UTC),
		DateTo:       time.Date(2016, 8, 20, 0, 0, 0, 0, time.UTC),
		Annotations:  []string{"industry=AUT", "subject=PER"},
	}
}

func documentQuery() url.Values {
	return url.Values{
		"keywords":     {"appoints.chief marketing officer,AT&T"},
		"fields":       {"articleName,abstract"},
		"exclusions":   {"rumour"},
		"outputFields": {"headline,url"},
		"source":       {"Financial Times,Reuters"},
		"dateFrom":     {"20.06.2016"},
		"dateTo":       {"20.08.2016"},
		"annotation":   {"industry=AUT", "subject=PER"},
	}
}

func TestSearchDocumentsQueryAndDecoding(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testPath(t, r, "/prefix/api/v1/documents/json")
		testQuery(t, r, documentQuery())
		_, _ = io.WriteString(w, documentSearchJSON)
	})

	got, err := c.SearchDocuments(context.Background(), documentOptions())
	if err != nil {
		t.Fatalf("SearchDocuments: %v", err)
	}
	want := &DocumentSearch{
		Query: DocumentQuery{
			Keywords:     StringList{"appoints.chief marketing officer"},
			SearchFields: StringList{"articleName", "subHeadline", "abstract"},
			OutputFields: StringList{}, Exclusions: StringList{"rumour"},
			DateFrom: "20.06.2016", DateTo: "20.08.2016",
			Annotation: StringList{"industry=AUT"}, Source: StringList{"Financial Times"},
		},
		Documents: []Document{{
			UID: "7001", EID: "e-1001", Headline: "Carmaker appoints chief marketing officer",
			SubHeadline: "A new face", Abstract: "<p>The carmaker named a CMO.</p>",
			URL: "https://news.example.com/a/7001", Date: "19.08.2016", Author: "Jo Park",
			Source: "Financial Times", Annotations: []Annotation{{Kind: "genre", Label: "News"}},
			Photos: StringList{"https://img.example.com/1.jpg"}, Videos: StringList{},
			Entities: []Entity{{Type: "PERSON", Value: "Dana Whitcombe", Relevance: 2}},
			Quotations: []Quotation{{
				SpeakerName: "Dana Whitcombe", SpeakerTitle: "CMO",
				SpeakerOrganization: "Northwind Motors", Quotation: "We are growing.",
			}},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("document search mismatch (-want +got):\n%s", diff)
	}
}

func TestSearchDocumentsNeedsSource(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("a search without a source reached the server")
	})
	_, err := c.SearchDocuments(context.Background(), DocumentSearchOptions{Sources: []string{" "}})
	if !errors.Is(err, ErrNoSources) {
		t.Errorf("SearchDocuments error = %v, want ErrNoSources", err)
	}
}

func TestDocumentsReportQueryAndParsing(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testPath(t, r, "/prefix/api/v1/documents/txt")
		testQuery(t, r, documentQuery())
		testCredentials(t, r, authQuery, Credentials{testToken, testSecret})
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, referenceReport)
	})

	text, err := c.DocumentsReportText(context.Background(), documentOptions())
	if err != nil {
		t.Fatalf("DocumentsReportText: %v", err)
	}
	if text != referenceReport {
		t.Errorf("DocumentsReportText = %q, want the body unchanged", text)
	}
	report, err := c.DocumentsReport(context.Background(), documentOptions())
	if err != nil {
		t.Fatalf("DocumentsReport: %v", err)
	}
	if diff := cmp.Diff(referenceReportValue(), report); diff != "" {
		t.Errorf("report mismatch (-want +got):\n%s", diff)
	}
}

func TestSearchEntitiesQueryAndParsing(t *testing.T) {
	t.Parallel()

	want := &Report{
		Extended: true,
		Query:    []ReportParam{{"Keywords", "ORGANIZATION:AT&T"}},
		Items: []ReportItem{{Number: 1, Document: Document{
			Headline: "AT&T buys a network", UID: "5", Abstract: "The deal closed.",
			Photos: StringList{"https://img.example.com/5.jpg"},
		}}},
	}
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testPath(t, r, "/prefix/api/v2/documents/search")
		testQuery(t, r, url.Values{
			"dateFrom": {"20.04.2016"}, "dateTo": {"20.04.2016"}, "tag": {"ORGANIZATION"},
			"term": {"AT&T #1?"}, "source": {"FT,Reuters"}, "aboutness": {"7"},
			"page": {"0"}, "count": {"20"},
		})
		_, _ = io.WriteString(w, want.String())
	})
	opts := EntitySearchOptions{
		Term: "AT&T #1?", Tag: TagOrganization, Sources: []string{"FT", "Reuters"},
		DateFrom: testDate, DateTo: testDate, Aboutness: 7,
	}

	got, err := c.SearchEntities(context.Background(), opts)
	if err != nil {
		t.Fatalf("SearchEntities: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report mismatch (-want +got):\n%s", diff)
	}
	text, err := c.SearchEntitiesText(context.Background(), opts)
	if err != nil {
		t.Fatalf("SearchEntitiesText: %v", err)
	}
	if text != want.String() {
		t.Errorf("SearchEntitiesText = %q, want the body unchanged", text)
	}
}

func TestSearchEntitiesRejectsBadOptions(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("invalid options reached the server")
	})
	valid := EntitySearchOptions{Term: "IBM", Sources: []string{"FT"}, DateFrom: testDate, DateTo: testDate}
	tests := map[string]func(o *EntitySearchOptions){
		"no term":        func(o *EntitySearchOptions) { o.Term = " " },
		"no source":      func(o *EntitySearchOptions) { o.Sources = nil },
		"no dateTo":      func(o *EntitySearchOptions) { o.DateTo = time.Time{} },
		"aboutness 11":   func(o *EntitySearchOptions) { o.Aboutness = 11 },
		"negative page":  func(o *EntitySearchOptions) { o.Page = -1 },
		"unknown tag":    func(o *EntitySearchOptions) { o.Tag = "EMAIL" },
		"negative count": func(o *EntitySearchOptions) { o.Count = -5 },
	}
	for name, change := range tests {
		opts := valid
		change(&opts)
		if _, err := c.SearchEntities(context.Background(), opts); err == nil {
			t.Errorf("%s: SearchEntities succeeded, want an error", name)
		}
	}
}
