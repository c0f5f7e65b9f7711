package graph_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cognism/graphql-gateway/graph"
)

// preflight sends the OPTIONS request a browser sends before a POST with
// credential headers from origin.
func preflight(t *testing.T, url, origin string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodOptions, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", http.MethodPost)
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-api-accesstoken,x-api-secretkey")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestCORSPreflightAllowsConfiguredOrigin(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) { c.AllowedOrigins = []string{"https://dash.example.com"} })

	resp := preflight(t, g.url, "https://dash.example.com")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://dash.example.com" {
		t.Errorf("Access-Control-Allow-Origin = %q, want the requesting origin", got)
	}
	headers := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers"))
	for _, name := range []string{"content-type", "x-api-accesstoken", "x-api-secretkey"} {
		if !strings.Contains(headers, name) {
			t.Errorf("Access-Control-Allow-Headers = %q, missing %s", headers, name)
		}
	}
}

func TestCORSPreflightRejectsOtherOrigin(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) { c.AllowedOrigins = []string{"https://dash.example.com"} })

	resp := preflight(t, g.url, "https://other.example.com")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("Access-Control-Allow-Origin = %q for an origin not allowed, want none", got)
	}
}

func TestCORSAllowsLocalhostByDefault(t *testing.T) {
	g := newGateway(t)

	resp := preflight(t, g.url, "http://localhost:3000")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "http://localhost:3000" {
		t.Errorf("Access-Control-Allow-Origin = %q, want http://localhost:3000", got)
	}
}

func TestCORSQueryResponseNamesOrigin(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) { c.AllowedOrigins = []string{"https://dash.example.com"} })

	req, err := http.NewRequest(http.MethodPost, g.url, strings.NewReader(`{"query":"{ __typename }"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://dash.example.com")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d, want 200", resp.StatusCode)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://dash.example.com" {
		t.Errorf("Access-Control-Allow-Origin = %q, want the requesting origin", got)
	}
}
