package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/cognism/graphql-gateway/graph"
)

func TestGraphiQLExamplesReturnData(t *testing.T) {
	g := newGateway(t)
	for _, op := range graph.ExampleOperations {
		var vars map[string]any
		if op.Variables != "" {
			if err := json.Unmarshal([]byte(op.Variables), &vars); err != nil {
				t.Fatalf("example variables %q are not JSON: %v", op.Variables, err)
			}
		}
		resp := g.do(op.Query, vars, nil)
		if len(resp.Errors) > 0 {
			t.Errorf("example failed: %+v\n%s", resp.Errors, op.Query)
			continue
		}
		if len(resp.Data) < 20 {
			t.Errorf("example returned almost nothing: %s\n%s", resp.Data, op.Query)
		}
	}
}
