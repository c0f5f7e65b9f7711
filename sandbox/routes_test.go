package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/cognism/graphql-gateway/cognism"
)

func TestStatsCountEndpointTemplates(t *testing.T) {
	ts := newTestSandbox(t)
	resp, _ := ts.do(t, "POST", "/_sandbox/stats/reset", "", nil)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("reset: status %d", resp.StatusCode)
	}
	for _, name := range []string{"IBM", "AT&T", "Novo Nordisk A/S"} {
		if _, err := ts.client.CompanyByName(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ts.client.EventStream(ctx, cognism.EventStreamOptions{Count: 1}); err != nil {
		t.Fatal(err)
	}
	ts.do(t, "GET", "/openapi.yaml", "", nil)

	got := ts.srv.Stats()
	want := map[string]int64{"GET /api/v1/company/{name}": 3, "GET /api/v1/events/stream": 1}
	if got.Total != 4 || len(got.Endpoints) != len(want) {
		t.Fatalf("stats = %+v, want total 4 and %v", got, want)
	}
	for k, v := range want {
		if got.Endpoints[k] != v {
			t.Errorf("%s = %d, want %d", k, got.Endpoints[k], v)
		}
	}

	_, body := ts.do(t, "GET", "/_sandbox/stats", "", nil)
	var served Stats
	if err := json.Unmarshal([]byte(body), &served); err != nil || served.Total != 4 {
		t.Errorf("GET /_sandbox/stats = %s", body)
	}
	ts.do(t, "POST", "/_sandbox/stats/reset", "", nil)
	if st := ts.srv.Stats(); st.Total != 0 || len(st.Endpoints) != 0 {
		t.Errorf("after reset: %+v", st)
	}
}

func TestCredentialErrors(t *testing.T) {
	ts := newTestSandbox(t)
	cases := []struct {
		name, path string
		header     http.Header
		words      []string
	}{
		{"no token", "/api/v1/company/IBM", http.Header{"X-Api-Accesstoken": {""}}, []string{"missing access token", "X-API-AccessToken"}},
		{"unknown token", "/api/v1/company/IBM", http.Header{"X-Api-Accesstoken": {"nope"}}, []string{"unknown access token"}},
		{"wrong secret", "/api/v1/company/IBM", http.Header{"X-Api-Secretkey": {"nope"}}, []string{"wrong secret key"}},
		{
			"query token on a header endpoint", "/api/v1/company/IBM?accessToken=" + DefaultAccessToken,
			http.Header{"X-Api-Accesstoken": {""}, "X-Api-Secretkey": {""}},
			[]string{"X-API-AccessToken"},
		},
		{
			"missing secret on subscriptions", "/api/v1/subscription",
			http.Header{"X-Api-Secretkey": {""}},
			[]string{"missing secret key"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := ts.do(t, "GET", c.path, "", c.header)
			wantStatus(t, resp, body, http.StatusUnauthorized, c.words...)
		})
	}
}

func TestHeaderCredentialWinsOverQuery(t *testing.T) {
	ts := newTestSandbox(t)
	q := url.Values{"source": {"Reuters"}, "accessToken": {"wrong-token"}, "secretKey": {"wrong-secret"}}
	resp, body := ts.do(t, "GET", "/api/v1/documents/json?"+q.Encode(), "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	resp, body = ts.do(t, "GET", "/api/v1/documents/json?"+q.Encode(), "",
		http.Header{"X-Api-Accesstoken": {""}, "X-Api-Secretkey": {""}})
	wantStatus(t, resp, body, http.StatusUnauthorized, "unknown access token")
}

func TestLimitedAccountIsForbidden(t *testing.T) {
	ts := newTestSandbox(t, func(c *Config) {
		c.Accounts = []Account{{AccessToken: "viewer", SecretKey: "s", Areas: []string{"companies"}}}
	})
	viewer := newTestClient(t, ts.http.URL, "viewer", "s")
	if _, err := viewer.CompanyByName(ctx, "IBM"); err != nil {
		t.Fatalf("allowed area: %v", err)
	}
	_, err := viewer.EventStream(ctx, cognism.EventStreamOptions{})
	if !errors.Is(err, cognism.ErrForbidden) {
		t.Errorf("events for a companies-only account: %v, want forbidden", err)
	}
}

func TestUnknownPathAndMethod(t *testing.T) {
	ts := newTestSandbox(t)
	resp, body := ts.do(t, "GET", "/api/v1/relationships", "", nil)
	wantStatus(t, resp, body, http.StatusNotFound, "/api/v1/relationships")

	resp, body = ts.do(t, "DELETE", "/api/v1/company/IBM", "", nil)
	wantStatus(t, resp, body, http.StatusMethodNotAllowed, "DELETE", "GET")
	if resp.Header.Get("Allow") != "GET" {
		t.Errorf("Allow = %q, want GET", resp.Header.Get("Allow"))
	}
	resp, body = ts.do(t, "PATCH", "/api/v1/subscription/x", "{}", nil)
	wantStatus(t, resp, body, http.StatusMethodNotAllowed, "PATCH")
	if resp.Header.Get("Allow") != "GET, PUT, DELETE" {
		t.Errorf("Allow = %q", resp.Header.Get("Allow"))
	}
}

func TestHandlerUnderPathPrefix(t *testing.T) {
	srv, err := New(ctx, Config{DBPath: ":memory:", Seed: 3, Scale: testScale, EventInterval: 1 << 62, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	mux := http.NewServeMux()
	mux.Handle("/sandbox/", http.StripPrefix("/sandbox", srv.Handler()))
	hs := httptest.NewServer(mux)
	defer hs.Close()

	client, err := cognism.NewClient(hs.URL+"/sandbox",
		cognism.WithDefaultCredentials(cognism.Credentials{AccessToken: DefaultAccessToken, SecretKey: DefaultSecretKey}))
	if err != nil {
		t.Fatal(err)
	}
	companies, err := client.CompanyByName(ctx, "Novo Nordisk A/S")
	if err != nil || len(companies) != 1 {
		t.Fatalf("company under prefix: %v, %v", companies, err)
	}
	stream, err := client.JoinWebsocket(ctx, "type=quote")
	if err != nil {
		t.Fatalf("websocket under prefix: %v", err)
	}
	defer stream.Close()
	resp, err := http.Post(hs.URL+"/sandbox/_sandbox/events", "application/json", stringsReader(`{"type":"quote","org":"IBM"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("inject under prefix: %v %v", resp, err)
	}
	resp.Body.Close()
	if ev := nextEvent(t, stream); ev.Org != "IBM" {
		t.Errorf("event %+v", ev)
	}
}
