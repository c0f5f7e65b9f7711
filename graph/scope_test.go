package graph

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cognism/graphql-gateway/cognism"
)

// offlineConfig returns the default configuration over an upstream address
// that nothing listens on, for tests that make no upstream call.
func offlineConfig(t *testing.T) *Config {
	t.Helper()
	client, err := cognism.NewClient("http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := (&Config{Client: client}).withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// scopeOfRequest returns the context that requestMiddleware passes on for a
// request with the given method and headers, and a JSON body for a POST.
func scopeOfRequest(t *testing.T, method string, headers map[string]string) context.Context {
	t.Helper()
	cfg := offlineConfig(t)

	var got context.Context
	h := requestMiddleware(cfg, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got = r.Context()
	}))
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(`{"query": "{ __typename }"}`)
	}
	req := httptest.NewRequest(method, "/", body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	h.ServeHTTP(httptest.NewRecorder(), req)
	if got == nil {
		t.Fatal("the request did not reach the handler")
	}
	return got
}

func TestStreamRequestsBuildLoadersOnUse(t *testing.T) {
	for name, c := range map[string]struct {
		method  string
		headers map[string]string
	}{
		"websocket": {http.MethodGet, map[string]string{"Upgrade": "websocket", "Connection": "Upgrade"}},
		"SSE":       {http.MethodPost, map[string]string{"Accept": "text/event-stream"}},
	} {
		ctx := scopeOfRequest(t, c.method, c.headers)

		lazy, ok := ctx.(*lazyScope)
		if !ok {
			t.Errorf("%s request context is %T, want a lazy scope", name, ctx)
			continue
		}
		if lazy.scope != nil {
			t.Errorf("%s request built its loaders before any resolver used them", name)
		}
		if For(ctx) == nil {
			t.Errorf("%s request has no loaders when a resolver asks", name)
		}
	}
}

func TestPlainRequestCarriesLoaders(t *testing.T) {
	ctx := scopeOfRequest(t, http.MethodGet, nil)

	if _, lazy := ctx.(*lazyScope); lazy {
		t.Error("plain request got a lazy scope, want its loaders built up front")
	}
	if For(ctx) == nil {
		t.Error("plain request has no loaders")
	}
}

func TestGetAcceptingEventStreamIsPlainHTTP(t *testing.T) {
	ctx := scopeOfRequest(t, http.MethodGet, map[string]string{"Accept": "text/event-stream, application/json"})

	if _, lazy := ctx.(*lazyScope); lazy {
		t.Error("a GET that accepts an event stream got a stream's lazy scope, want a plain request's")
	}
	if !isPlainHTTPRequest(ctx) {
		t.Error("a GET that accepts an event stream is not marked plain HTTP")
	}
}
