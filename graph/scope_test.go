package graph

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cognism/graphql-gateway/cognism"
)

// scopeOfRequest returns the context that requestMiddleware passes on for a
// GET with the given headers.
func scopeOfRequest(t *testing.T, headers map[string]string) context.Context {
	t.Helper()
	client, err := cognism.NewClient("http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := (&Config{Client: client}).withDefaults()
	if err != nil {
		t.Fatal(err)
	}

	var got context.Context
	h := requestMiddleware(cfg, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got = r.Context()
	}))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
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
	for name, headers := range map[string]map[string]string{
		"websocket": {"Upgrade": "websocket", "Connection": "Upgrade"},
		"SSE":       {"Accept": "text/event-stream"},
	} {
		ctx := scopeOfRequest(t, headers)

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
	ctx := scopeOfRequest(t, nil)

	if _, lazy := ctx.(*lazyScope); lazy {
		t.Error("plain request got a lazy scope, want its loaders built up front")
	}
	if For(ctx) == nil {
		t.Error("plain request has no loaders")
	}
}
