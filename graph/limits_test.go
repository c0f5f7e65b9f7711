package graph_test

import (
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
