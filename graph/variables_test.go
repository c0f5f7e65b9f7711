package graph_test

import (
	"strings"
	"testing"
)

func TestVariableOfWrongTypeIsRejected(t *testing.T) {
	g := newGateway(t)
	const query = `query ($n: String!, $f: Int) { company(name: $n) { name events(first: $f) { nodes { id } } } }`
	cases := []struct {
		name      string
		variables map[string]any
		want      string
	}{
		{"number for String", map[string]any{"n": 5}, "$n is 5, not String: pass a JSON string"},
		{"fraction for Int", map[string]any{"n": "IBM", "f": 10.5}, "$f is 10.5, not Int: pass a whole number"},
		{"string for Int", map[string]any{"n": "IBM", "f": "10"}, `$f is "10", not Int`},
		{"Int beyond 32 bits", map[string]any{"n": "IBM", "f": 3000000000}, "$f is 3000000000, not Int"},
		{"missing required", map[string]any{"f": 10}, `$n of type String! is missing: add "n" to variables`},
		{"null for required", map[string]any{"n": nil}, `$n of type String! is null: send a value`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := g.do(query, tc.variables, nil)

			if resp.code() != "GRAPHQL_VALIDATION_FAILED" {
				t.Fatalf("errors %+v, want GRAPHQL_VALIDATION_FAILED", resp.Errors)
			}
			if msg := resp.Errors[0].Message; !strings.Contains(msg, tc.want) {
				t.Errorf("message %q lacks %q", msg, tc.want)
			}
		})
	}
}

func TestVariablesOfRightTypeRun(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`query ($n: String!, $f: Int) { company(name: $n) { name events(first: $f) { nodes { id } } } }`,
		map[string]any{"n": "IBM", "f": 2}, nil)

	if len(resp.Errors) > 0 {
		t.Errorf("errors %+v, want none", resp.Errors)
	}
}
