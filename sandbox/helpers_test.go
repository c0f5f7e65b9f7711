package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

// testScale seeds about 2,500 events, 500 people and 250 documents, enough
// for every query shape while keeping each test's seed well under a second.
const testScale = 0.05

// testSandbox is a sandbox served by httptest with a client for its default
// account.
type testSandbox struct {
	srv    *Server
	http   *httptest.Server
	client *cognism.Client
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// newTestSandbox starts an in-memory sandbox; change cfg before the start
// with the optional functions.
func newTestSandbox(t *testing.T, opts ...func(*Config)) *testSandbox {
	t.Helper()
	cfg := Config{DBPath: ":memory:", Seed: 7, Scale: testScale, Logger: quietLogger()}
	for _, opt := range opts {
		opt(&cfg)
	}
	srv, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &testSandbox{srv: srv, http: ts, client: newTestClient(t, ts.URL, DefaultAccessToken, DefaultSecretKey)}
}

func newTestClient(t *testing.T, baseURL, token, secret string) *cognism.Client {
	t.Helper()
	c, err := cognism.NewClient(baseURL,
		cognism.WithDefaultCredentials(cognism.Credentials{AccessToken: token, SecretKey: secret}),
		cognism.WithRetryPolicy(cognism.NoRetry),
		cognism.WithHTTPClient(&http.Client{Transport: newValidatingTransport(t)}),
	)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// do sends a raw request to the sandbox with the default credentials in
// headers and returns the response with its body read.
func (ts *testSandbox) do(t *testing.T, method, path string, body string, header http.Header) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-API-AccessToken", DefaultAccessToken)
	req.Header.Set("X-API-SecretKey", DefaultSecretKey)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := (&http.Client{Transport: newValidatingTransport(t)}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(data)
}

var ctx = context.Background()

// inject stores an event through POST /_sandbox/events and returns it as
// stored.
func (ts *testSandbox) inject(t *testing.T, ev cognism.Event) cognism.Event {
	t.Helper()
	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := ts.do(t, "POST", "/_sandbox/events", string(data), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("injecting an event: status %d: %s", resp.StatusCode, body)
	}
	var stored cognism.Event
	if err := json.Unmarshal([]byte(body), &stored); err != nil {
		t.Fatal(err)
	}
	return stored
}

// wantStatus fails unless resp has the status and a JSON error body whose
// message contains each of the words.
func wantStatus(t *testing.T, resp *http.Response, body string, status int, words ...string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d; body %s", resp.StatusCode, status, body)
	}
	var e errorBody
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body is not JSON: %q", body)
	}
	if e.Status != status || e.Error != http.StatusText(status) {
		t.Errorf("error body = %+v, want status %d %q", e, status, http.StatusText(status))
	}
	for _, w := range words {
		if !strings.Contains(e.Message, w) {
			t.Errorf("message %q does not mention %q", e.Message, w)
		}
	}
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }
