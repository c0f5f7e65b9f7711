package graph_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/sandbox"
)

// TestCanceledRequestIsNoServerError sends requests whose context ended
// before the operation ran, as when the client disconnects, so the
// executor returns no response.
func TestCanceledRequestIsNoServerError(t *testing.T) {
	client, err := cognism.NewClient(sharedAPI.URL, cognism.WithRetryPolicy(cognism.NoRetry))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h, err := graph.NewHandler(graph.Config{
		Client: client,
		DefaultCredentials: cognism.Credentials{
			AccessToken: sandbox.DefaultAccessToken,
			SecretKey:   sandbox.DefaultSecretKey,
		},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	post := httptest.NewRequestWithContext(ctx, http.MethodPost, "/query",
		strings.NewReader(`{"query": "{ __typename }"}`))
	post.Header.Set("Content-Type", "application/json")
	get := httptest.NewRequestWithContext(ctx, http.MethodGet, "/query?query=%7B__typename%7D", nil)
	for _, req := range []*http.Request{post, get} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		if rec.Code == http.StatusInternalServerError {
			t.Errorf("%s: status 500 for a canceled request, want no server error: %s",
				req.Method, rec.Body.String())
		}
	}
	if strings.Contains(logs.String(), "panicked") {
		t.Errorf("log contains a panic for a canceled request:\n%.600s", logs.String())
	}
}
