package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/sandbox"
)

// The tests share one seeded in-memory sandbox, because seeding takes
// longer than most tests. Tests that count upstream calls reset the
// counters first and do not run in parallel.
var (
	sharedSandbox *sandbox.Server
	sharedAPI     *httptest.Server
	received      = &requestLog{}
)

// testScale keeps the seeded dataset small but large enough to page
// through: about 5 companies per 500 and 1,000 events.
const testScale = 0.02

func TestMain(m *testing.M) {
	ctx := context.Background()
	sb, err := sandbox.New(ctx, sandbox.Config{
		DBPath: ":memory:",
		Seed:   1,
		Scale:  testScale,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		panic(err)
	}
	sharedSandbox = sb
	sharedAPI = httptest.NewServer(received.wrap(sb.Handler()))

	code := m.Run()
	sharedAPI.Close()
	_ = sb.Close()
	os.Exit(code)
}

// requestLog records the URLs the sandbox received, so tests can check
// what a rule or parameter became upstream.
type requestLog struct {
	mu   sync.Mutex
	urls []string
}

func (l *requestLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.urls = append(l.urls, r.URL.RequestURI())
		l.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.urls = nil
}

func (l *requestLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.urls...)
}

// gateway is a GraphQL endpoint under test.
type gateway struct {
	t   *testing.T
	url string
}

// newGateway serves the gateway over the shared sandbox with the sandbox's
// default account as the default credentials.
func newGateway(t *testing.T, mutate ...func(*graph.Config)) *gateway {
	t.Helper()
	return newGatewayOver(t, sharedAPI.URL, mutate...)
}

// newGatewayOver serves the gateway over the API at baseURL.
func newGatewayOver(t *testing.T, baseURL string, mutate ...func(*graph.Config)) *gateway {
	t.Helper()
	httpClient := &http.Client{Transport: graph.CountUpstreamCalls(nil)}
	client, err := cognism.NewClient(baseURL,
		cognism.WithHTTPClient(httpClient), cognism.WithRetryPolicy(cognism.NoRetry))
	if err != nil {
		t.Fatal(err)
	}
	cfg := graph.Config{
		Client: client,
		DefaultCredentials: cognism.Credentials{
			AccessToken: sandbox.DefaultAccessToken,
			SecretKey:   sandbox.DefaultSecretKey,
		},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		News: graph.NewsDefaults{Sources: []string{
			"Financial Times", "Reuters", "Bloomberg", "The Guardian", "BBC News", "TechCrunch",
		}},
	}
	for _, m := range mutate {
		m(&cfg)
	}
	h, err := graph.NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &gateway{t: t, url: srv.URL}
}

// gqlError is one entry of a response's errors.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Locations  []location     `json:"locations"`
	Extensions map[string]any `json:"extensions"`
}

// location is a position in the GraphQL document.
type location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// response is a decoded GraphQL response.
type response struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// code returns the extensions.code of the first error, or "".
func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	return code
}

// do posts a query with variables and extra headers.
func (g *gateway) do(query string, vars map[string]any, headers map[string]string) response {
	g.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		g.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, g.url, bytes.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()

	out := response{Status: resp.StatusCode}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		g.t.Fatalf("response is not JSON: %v\n%s", err, raw)
	}
	return out
}

// query runs a query that must succeed and decodes its data into out.
func (g *gateway) query(query string, vars map[string]any, out any) {
	g.t.Helper()
	resp := g.do(query, vars, nil)
	if len(resp.Errors) > 0 {
		g.t.Fatalf("query failed: %+v", resp.Errors)
	}
	if err := json.Unmarshal(resp.Data, out); err != nil {
		g.t.Fatalf("decoding data: %v\n%s", err, resp.Data)
	}
}

// upstreamCalls returns the sandbox's request counters.
func upstreamCalls() sandbox.Stats {
	return sharedSandbox.Stats()
}

// resetUpstream clears the sandbox counters and the request log.
func resetUpstream(t *testing.T) {
	t.Helper()
	resp, err := http.Post(sharedAPI.URL+"/_sandbox/stats/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	received.reset()
}

// receivedContaining returns the received URLs that contain part.
func receivedContaining(part string) []string {
	var out []string
	for _, u := range received.all() {
		if strings.Contains(u, part) {
			out = append(out, u)
		}
	}
	return out
}
