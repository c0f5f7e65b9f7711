package graph_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// documentsOutputFields returns the outputFields parameter of each keyword
// search the sandbox received, "-" for a search without one.
func documentsOutputFields(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, u := range receivedContaining("/api/v1/documents/json") {
		parsed, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		q := parsed.Query()
		if !q.Has("outputFields") {
			out = append(out, "-")
			continue
		}
		out = append(out, q.Get("outputFields"))
	}
	return out
}

func TestDocumentSearchAsksUpstreamForSelectedFieldsOnly(t *testing.T) {
	const search = `search: {sources: ["Reuters", "Bloomberg"], keywords: ["appoints"]}`
	for _, c := range []struct {
		name, selection, want string
	}{
		{
			"joins", `documents { organizations { name } quotations { speakerName speaker { fullName } } }`,
			"uid,entities,quotations",
		},
		{"plain fields", `documents { __typename headline date externalId }`, "uid,eid,headline,date"},
		{"fragment and alias", `news: documents { ...F }`, "uid,url,photos"},
		{"skipped field", `documents { id abstract @skip(if: true) }`, "uid"},
		{"query echo without outputFields", `query { keywords } documents { id }`, "uid"},
		{"query echo of outputFields", `query { outputFields } documents { id }`, "-"},
		{"every field", `documents { id externalId headline subHeadline abstract url date author
			source annotations { kind } photos videos entities { value } quotations { quotation } }`, "-"},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newGateway(t)
			resetUpstream(t)

			query := `{ documents(` + search + `) { ` + c.selection + ` } }`
			if strings.Contains(c.selection, "...F") {
				query += ` fragment F on Document { url photos }`
			}
			resp := g.do(query, nil, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("query failed: %+v", resp.Errors)
			}
			got := documentsOutputFields(t)
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("upstream outputFields = %q, want [%q]", got, c.want)
			}
		})
	}
}

func TestDocumentSearchKeepsOutputFieldsTheCallerSent(t *testing.T) {
	g := newGateway(t)
	resetUpstream(t)

	resp := g.do(`{ documents(search: {sources: ["Reuters"], keywords: ["appoints"],
		outputFields: ["headline", "url"]}) { documents { headline } } }`, nil, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("query failed: %+v", resp.Errors)
	}
	if got := documentsOutputFields(t); len(got) != 1 || got[0] != "headline,url" {
		t.Errorf("upstream outputFields = %q, want [\"headline,url\"]", got)
	}
}

// TestSelectedFieldsMatchAWholeDocumentSearch compares a search that
// requests only the selected fields upstream with the same search made for
// whole documents, which selecting the query echo's outputFields forces.
func TestSelectedFieldsMatchAWholeDocumentSearch(t *testing.T) {
	const selection = `documents { id headline date entities { type value references { value } }
		organizations { name } quotations { speakerName speaker { fullName } organization { name } } }`
	search := `search: {sources: ["Financial Times", "Reuters", "Bloomberg"], keywords: ["appoints"]}`
	g := newGateway(t)

	var projected, whole struct {
		Documents struct {
			Documents json.RawMessage `json:"documents"`
		} `json:"documents"`
	}
	g.query(`{ documents(`+search+`) { `+selection+` } }`, nil, &projected)
	g.query(`{ documents(`+search+`) { query { outputFields } `+selection+` } }`, nil, &whole)

	if !bytes.Equal(projected.Documents.Documents, whole.Documents.Documents) {
		t.Errorf("documents differ when only the selected fields are fetched:\nselected: %.300s\nwhole:    %.300s",
			projected.Documents.Documents, whole.Documents.Documents)
	}
	if !strings.Contains(string(projected.Documents.Documents), `"organizations":[{`) {
		t.Errorf("the comparison holds no joined organisation: %.300s", projected.Documents.Documents)
	}
}
