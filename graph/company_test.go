package graph_test

import (
	"strings"
	"testing"

	"github.com/cognism/graphql-gateway/graph"
)

func TestCompanyExactMatch(t *testing.T) {
	g := newGateway(t)
	var data struct {
		Company *struct {
			ID, Name, Website string
			StreetAddress     []string
		}
	}
	g.query(`{ company(name: "ibm") { id name website streetAddress } }`, nil, &data)

	if data.Company == nil {
		t.Fatal("company(ibm) is null")
	}
	if data.Company.Name != "IBM" {
		t.Errorf("name = %q, want IBM", data.Company.Name)
	}
	if data.Company.Website != "http://www.ibm.com" {
		t.Errorf("website = %q, want http://www.ibm.com", data.Company.Website)
	}
}

func TestCompanyNameIsTrimmed(t *testing.T) {
	g := newGateway(t)
	var out struct {
		Company   *struct{ Name string }  `json:"company"`
		Companies []struct{ Name string } `json:"companies"`
		Exact     []struct{ Name string } `json:"exact"`
	}

	g.query(`{ company(name: "  IBM \t") { name } companies(name: " IBM ") { name }
		exact: companies(name: "IBM") { name } }`, nil, &out)

	if out.Company == nil || out.Company.Name != "IBM" {
		t.Errorf("company with spaces around IBM = %+v, want IBM", out.Company)
	}
	if len(out.Companies) != len(out.Exact) {
		t.Errorf("companies with spaces around IBM = %d, want the %d of IBM", len(out.Companies), len(out.Exact))
	}
}

func TestEmptyCompanyNameIsRejected(t *testing.T) {
	g := newGateway(t)

	for _, query := range []string{`{ company(name: "") { name } }`, `{ company(name: "  ") { name } }`} {
		resp := g.do(query, nil, nil)

		if resp.code() != graph.CodeBadUserInput {
			t.Errorf("%s: code = %q, want %s (errors %+v)", query, resp.code(), graph.CodeBadUserInput, resp.Errors)
		}
	}
}

func TestEmptyEventFilterValueIsRejected(t *testing.T) {
	g := newGateway(t)
	for field, filter := range map[string]string{
		"types":          `{types: [""]}`,
		"organizations":  `{organizations: ["IBM", " "]}`,
		"employeeTitles": `{employeeTitles: [""]}`,
		"countries":      `{countries: [""]}`,
		"sources":        `{sources: [""]}`,
	} {
		resp := g.do(`{ events(first: 1, filter: `+filter+`) { nodes { id } } }`, nil, nil)

		if resp.code() != graph.CodeBadUserInput {
			t.Errorf("%s: code = %q, want %s (errors %+v)", filter, resp.code(), graph.CodeBadUserInput, resp.Errors)
			continue
		}
		if msg := resp.Errors[0].Message; !strings.Contains(msg, "filter."+field) {
			t.Errorf("%s: message %q does not name filter.%s", filter, msg, field)
		}
	}
}
