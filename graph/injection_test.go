package graph_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/cognism/graphql-gateway/graph"
)

// The tests in this file pass hostile values through every string argument
// and check that each stays one value upstream: the rule or URL the sandbox
// received keeps it escaped, and results never widen.

func TestEventFilterValuesStayOneValue(t *testing.T) {
	g := newGateway(t)
	cases := []struct {
		field, value, wantInRule string
	}{
		{"types", "job-join;org=IBM", `type=job-join\;org\=IBM`},
		{"organizations", "IBM|Oracle", `org=IBM\|Oracle`},
		{"employeeTitles", `CEO\`, `employee.title=CEO\\`},
		{"countries", "France;type=quote", `loc.country=France\;type\=quote`},
		{"sources", "valuelist(cxo-titles)", `source=valuelist\(cxo-titles\)`},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			resetUpstream(t)
			var data struct {
				Events struct{ Nodes []struct{ ID string } }
			}
			g.query(`query ($f: EventFilter) { events(first: 5, filter: $f) { nodes { id } } }`,
				map[string]any{"f": map[string]any{tc.field: []string{tc.value}}}, &data)

			if len(data.Events.Nodes) != 0 {
				t.Errorf("%s [%q] matched %d events, want none", tc.field, tc.value, len(data.Events.Nodes))
			}
			rules := receivedRules("/api/v1/events/stream")
			if len(rules) != 1 || rules[0] != tc.wantInRule {
				t.Errorf("rule received = %q, want [%q]", rules, tc.wantInRule)
			}
		})
	}
}

func TestEventFilterRawRuleAppendsAfterTypedClauses(t *testing.T) {
	g := newGateway(t)
	resetUpstream(t)

	g.query(`{ events(first: 1, filter: {types: ["job-join"], rule: "org=IBM"}) { nodes { id } } }`, nil,
		&struct{}{})

	rules := receivedRules("/api/v1/events/stream")
	if len(rules) != 1 || rules[0] != "type=job-join;org=IBM" {
		t.Errorf("rule received = %q, want [type=job-join;org=IBM]", rules)
	}
}

func TestCompanyEventsKeepCompanyClause(t *testing.T) {
	g := newGateway(t)
	resetUpstream(t)

	var data struct {
		Company struct {
			Events struct {
				Nodes []struct{ Organization string }
			}
		}
	}
	g.query(`{ company(name: "IBM") { events(first: 20, filter: {organizations: ["Oracle"]}) {
		nodes { organization } } } }`, nil, &data)

	for _, e := range data.Company.Events.Nodes {
		t.Errorf("event at %q passed both org=Oracle and org=IBM", e.Organization)
	}
	rules := receivedRules("/api/v1/events/stream")
	if len(rules) != 1 || rules[0] != "org=Oracle;org=IBM" {
		t.Errorf("rule received = %q, want [org=Oracle;org=IBM]", rules)
	}
}

func TestInvalidRawRuleIsBadInput(t *testing.T) {
	g := newGateway(t)
	for _, rule := range []string{`org=IBM\`, "no equals sign", "bad field=x"} {
		resp := g.do(`query ($r: String) { events(filter: {rule: $r}) { nodes { id } } }`,
			map[string]any{"r": rule}, nil)
		if resp.code() != graph.CodeBadUserInput {
			t.Errorf("rule %q: code = %q, want %s", rule, resp.code(), graph.CodeBadUserInput)
			continue
		}
		if !strings.Contains(resp.Errors[0].Message, "filter.rule") {
			t.Errorf("rule %q: message %q does not name filter.rule", rule, resp.Errors[0].Message)
		}
	}
}

func TestPathArgumentsAreEscaped(t *testing.T) {
	g := newGateway(t)
	resetUpstream(t)

	var data struct {
		Company             *struct{ Name string }
		TriggerSubscription *struct{ ID string }
	}
	g.query(`{
		company(name: "../person?firstName=A") { name }
		triggerSubscription(id: "../subscription") { id }
	}`, nil, &data)

	if data.Company != nil || data.TriggerSubscription != nil {
		t.Errorf("path traversal resolved something: %+v", data)
	}
	for _, u := range received.all() {
		path, _, _ := strings.Cut(u, "?")
		if strings.Contains(path, "/../") || strings.HasSuffix(path, "/..") {
			t.Errorf("upstream received an unescaped path: %s", u)
		}
	}
	if n := len(receivedContaining("/api/v1/person")); n != 0 {
		t.Errorf("person endpoint was called %d times through a company name", n)
	}
}

func TestQueryArgumentsAreEscaped(t *testing.T) {
	g := newGateway(t)
	cases := map[string]string{
		"people":        `{ r: people(firstName: "A&company=IBM") { id } }`,
		"enrichPerson":  `{ r: enrichPerson(input: {firstName: "A", lastName: "B&company=IBM", company: "IBM#x"}) { id } }`,
		"entity term":   `{ r: documentsByEntity(search: {term: "IBM&tag=PERSON", sources: ["Reuters"], dateFrom: "2015-01-01", dateTo: "2026-12-31"}) { nodes { id } } }`,
		"push session":  `mutation { r: pushToSession(session: "x&session=y", data: 1) }`,
		"company staff": `{ r: companies(name: "IBM?x=1") { name } }`,
	}
	for name, query := range cases {
		t.Run(name, func(t *testing.T) {
			resetUpstream(t)
			resp := g.do(query, nil, nil)

			var data struct{ R json.RawMessage }
			_ = json.Unmarshal(resp.Data, &data)
			if s := string(data.R); s != "" && s != "null" && s != "[]" && !strings.Contains(s, `"nodes":[]`) {
				t.Errorf("hostile value matched something: %s", s)
			}
			for _, u := range received.all() {
				parsed, err := url.Parse(u)
				if err != nil {
					t.Fatal(err)
				}
				for key, values := range parsed.Query() {
					if len(values) > 1 {
						t.Errorf("upstream received %s %d times: %s", key, len(values), u)
					}
				}
			}
		})
	}
}

func TestCommaInListValueIsBadInput(t *testing.T) {
	g := newGateway(t)
	cases := map[string]string{
		"keywords": `{ documents(search: {sources: ["Reuters"], keywords: ["a,b"]}) { documents { id } } }`,
		"sources":  `{ documentsReport(search: {sources: ["Reuters,Bloomberg"]}) }`,
		"entity":   `{ documentsByEntity(search: {term: "IBM", sources: ["Reuters,BBC News"], dateFrom: "2015-01-01", dateTo: "2026-12-31"}) { nodes { id } } }`,
		"news":     `{ company(name: "IBM") { news(sources: ["Reuters,BBC News"]) { nodes { id } } } }`,
		"annotations": `{ documents(search: {sources: ["Reuters"], annotations: ["subject=ORG,industry=TEC"]}) {
			documents { id } } }`,
	}
	for name, query := range cases {
		t.Run(name, func(t *testing.T) {
			resp := g.do(query, nil, nil)
			if resp.code() != graph.CodeBadUserInput {
				t.Errorf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeBadUserInput, resp.Errors)
			}
		})
	}
}

func TestPipelineFieldNameIsChecked(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`{ searchEvents(search: {pipeline: [{name: "type;org", operator: EQ, values: ["x"]}]}) {
		nodes { id } } }`, nil, nil)

	if resp.code() != graph.CodeBadUserInput {
		t.Errorf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeBadUserInput, resp.Errors)
	}
}

func TestTriggerPatternFieldNameIsChecked(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`mutation ($p: JSON!) { createTriggerSubscription(input: {name: "x", active: false,
		pattern: $p, callback: {method: "POST", url: "http://127.0.0.1:9/"}}) { id } }`,
		map[string]any{"p": map[string]any{"type;org": "x"}}, nil)

	if resp.code() != graph.CodeBadUserInput {
		t.Errorf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeBadUserInput, resp.Errors)
	}
}

// receivedRules returns the rule parameter of each received call to path.
func receivedRules(path string) []string {
	var rules []string
	for _, u := range received.all() {
		parsed, err := url.Parse(u)
		if err != nil || parsed.Path != path {
			continue
		}
		rules = append(rules, parsed.Query().Get("rule"))
	}
	return rules
}
