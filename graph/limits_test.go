package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cognism/graphql-gateway/graph"
)

// fragmentBomb returns a query whose fragment Fn spreads Fn-1 twice, so
// that it expands to 2^n company names.
func fragmentBomb(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{ company(name: "IBM") { ...F%d } } fragment F0 on Company { name } `, n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "fragment F%d on Company { ...F%d ...F%d } ", i, i-1, i-1)
	}
	return b.String()
}

func TestFragmentBombIsRejected(t *testing.T) {
	g := newGateway(t)

	resp := g.do(fragmentBomb(30), nil, nil)

	if resp.code() != graph.CodeQueryTooLarge {
		t.Fatalf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeQueryTooLarge, resp.Errors)
	}
	if msg := resp.Errors[0].Message; !strings.Contains(msg, "5000") {
		t.Errorf("message %q does not state the limit", msg)
	}
	assertStillServing(t, g)
}

func TestFieldLimitIsConfigurable(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) { c.MaxFields = 8 })

	over := g.do(fragmentBomb(3), nil, nil)
	if over.code() != graph.CodeQueryTooLarge {
		t.Errorf("9 fields under a limit of 8: code = %q, want %s", over.code(), graph.CodeQueryTooLarge)
	}

	under := g.do(fragmentBomb(2), nil, nil)
	if len(under.Errors) > 0 {
		t.Errorf("5 fields under a limit of 8 failed: %+v", under.Errors)
	}
}

func TestDepthLimitFollowsRepeatedFragments(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) { c.MaxDepth = 3 })

	resp := g.do(`
		query { events(first: 1) { ...E ...E } }
		fragment E on EventConnection { nodes { ...N ...N } }
		fragment N on Event { person { currentCompany { name } } }`, nil, nil)

	if resp.code() != "DEPTH_LIMIT_EXCEEDED" {
		t.Errorf("code = %q, want DEPTH_LIMIT_EXCEEDED through repeated fragments", resp.code())
	}
}

// repeatedAliases returns a query that selects n fields under the alias x,
// alternating name and website so that each pair conflicts.
func repeatedAliases(n int) string {
	var b strings.Builder
	b.WriteString(`{ company(name: "IBM") { `)
	for i := range n {
		if i%2 == 1 {
			b.WriteString("x: name ")
		} else {
			b.WriteString("x: website ")
		}
	}
	b.WriteString("} }")
	return b.String()
}

func TestRepeatedAliasIsRejected(t *testing.T) {
	g := newGateway(t)
	body, err := json.Marshal(map[string]string{"query": repeatedAliases(2000)})
	if err != nil {
		t.Fatal(err)
	}

	resp, raw := post(t, g.url, "application/json", string(body))

	if len(raw) > 1024 {
		t.Fatalf("response to 2000 conflicting aliases is %d bytes, want one short error", len(raw))
	}
	var out response
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, raw)
	}
	if out.code() != graph.CodeQueryTooLarge {
		t.Fatalf("status %d, errors %+v, want %s", resp.StatusCode, out.Errors, graph.CodeQueryTooLarge)
	}
	msg := out.Errors[0].Message
	if !strings.Contains(msg, `"x"`) {
		t.Errorf("message %q does not name the alias x", msg)
	}
	if !strings.Contains(msg, fmt.Sprint(graph.MaxRepeatedName)) {
		t.Errorf("message %q does not state the limit", msg)
	}
}

func TestRepeatedNameCountsMergedFields(t *testing.T) {
	g := newGateway(t)

	spread := g.do(`{ company(name: "IBM") { ...A ...A } }
		fragment A on Company { `+strings.Repeat("name ", 20)+` }`, nil, nil)
	if spread.code() != graph.CodeQueryTooLarge {
		t.Errorf("40 names through two spreads: code = %q, want %s", spread.code(), graph.CodeQueryTooLarge)
	}

	merged := g.do(`{ `+strings.Repeat(`c: company(name: "IBM") { `+strings.Repeat("name ", 6)+` } `, 6)+` }`, nil, nil)
	if merged.code() != graph.CodeQueryTooLarge {
		t.Errorf("36 names under 6 merged fields: code = %q, want %s", merged.code(), graph.CodeQueryTooLarge)
	}

	under := g.do(`{ company(name: "IBM") { `+strings.Repeat("name ", graph.MaxRepeatedName)+` } }`, nil, nil)
	if len(under.Errors) > 0 {
		t.Errorf("%d names at the limit failed: %+v", graph.MaxRepeatedName, under.Errors)
	}
}

func TestResponseErrorsAreCapped(t *testing.T) {
	g := newGateway(t)
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, "f%d: nope ", i)
	}

	resp := g.do("{ "+b.String()+" }", nil, nil)

	if len(resp.Errors) != graph.MaxErrors+1 {
		t.Fatalf("200 unknown fields gave %d errors, want %d", len(resp.Errors), graph.MaxErrors+1)
	}
	last := resp.Errors[graph.MaxErrors]
	if last.Extensions["code"] != graph.CodeErrorsOmitted {
		t.Errorf("last error code = %v, want %s", last.Extensions["code"], graph.CodeErrorsOmitted)
	}
	if !strings.Contains(last.Message, "150") {
		t.Errorf("last error message %q does not count the 150 omitted", last.Message)
	}
}

func TestRepeatedIntrospectionIsRejected(t *testing.T) {
	g := newGateway(t)
	var query strings.Builder
	query.WriteString("{")
	for i := range 700 {
		fmt.Fprintf(&query, " a%d: __schema { ...S }", i)
	}
	query.WriteString(" } fragment S on __Schema { types { fields { args { name type { name } } type { name } } } }")

	resp := g.do(query.String(), nil, nil)

	if resp.code() != graph.CodeQueryTooLarge {
		t.Fatalf("errors %+v, want %s", resp.Errors, graph.CodeQueryTooLarge)
	}
	if msg := resp.Errors[0].Message; !strings.Contains(msg, fmt.Sprint(graph.MaxIntrospections)) {
		t.Errorf("message %q does not state the limit", msg)
	}
}

func TestIntrospectionWithinLimitRuns(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`{ a: __schema { queryType { name } } b: __type(name: "Company") { name } }`, nil, nil)

	if len(resp.Errors) > 0 {
		t.Fatalf("introspection within the limit failed: %+v", resp.Errors)
	}
	if !strings.Contains(string(resp.Data), `"Company"`) {
		t.Errorf("data %s lacks the Company type", resp.Data)
	}
}
