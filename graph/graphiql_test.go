package graph_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/cognism/graphql-gateway/graph"
)

func TestGraphiQLExamplesReturnData(t *testing.T) {
	g := newGateway(t)
	schema := graph.NewExecutableSchema(&graph.Config{}).Schema()
	for _, op := range graph.ExampleOperations {
		if strings.Contains(op.Query, "\nsubscription ") {
			// A subscription needs a stream, which the browser test runs;
			// here it is only validated.
			if _, errs := gqlparser.LoadQuery(schema, op.Query); errs != nil {
				t.Errorf("example is invalid: %v\n%s", errs, op.Query)
			}
			continue
		}
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

func TestGraphiQLPageSecurityHeaders(t *testing.T) {
	rec := httptest.NewRecorder()
	graph.GraphiQLHandler("/query").ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	h := rec.Header()

	for name, want := range map[string]string{
		"X-Frame-Options":        "DENY",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}

	csp := h.Get("Content-Security-Policy")
	nonce := regexp.MustCompile(`'nonce-([A-Za-z0-9+/=]+)'`).FindStringSubmatch(csp)
	if nonce == nil {
		t.Fatalf("Content-Security-Policy %q has no script nonce", csp)
	}
	for _, directive := range []string{"default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, directive) {
			t.Errorf("Content-Security-Policy %q lacks %s", csp, directive)
		}
	}
	if strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy %q allows eval", csp)
	}
	body := rec.Body.String()
	if inline := strings.Count(body, "<script>"); inline > 0 {
		t.Errorf("page has %d inline scripts without the nonce", inline)
	}
	if !strings.Contains(body, `<script nonce="`+nonce[1]+`">`) {
		t.Errorf("page's inline script does not carry the header's nonce %s", nonce[1])
	}
}

func TestGraphiQLNonceDiffersPerResponse(t *testing.T) {
	h := graph.GraphiQLHandler("/query")
	policies := map[string]bool{}
	for range 2 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		policies[rec.Header().Get("Content-Security-Policy")] = true
	}

	if len(policies) != 2 {
		t.Errorf("two responses share one Content-Security-Policy nonce: %v", policies)
	}
}
