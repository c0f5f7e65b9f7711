package loader_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/loader"
)

// TestLateTransientErrorKeepsCachedResult checks that a load which reads an old
// transient error late does not clear the final result a newer call cached.
//
// CompaniesLater queues "Slow" and "IBM" in one batch. The first IBM call
// returns 503, so the next load makes a new call, which returns 404 and is
// cached. The CompaniesLater caller waits for "Slow" first and reads the old
// 503 only after that, so its clear must leave the cached 404 in place.
func TestLateTransientErrorKeepsCachedResult(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	ibmCalls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/Slow") {
			<-release
			_, _ = w.Write([]byte(`[]`))
			return
		}

		mu.Lock()
		ibmCalls++
		call := ibmCalls
		mu.Unlock()
		switch call {
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status": 503, "error": "scripted"}`))
		case 2:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"status": 404, "error": "scripted"}`))
		default:
			_, _ = w.Write([]byte(`[{"id": "1", "name": "IBM"}]`))
		}
	}))
	t.Cleanup(srv.Close)
	client, err := cognism.NewClient(srv.URL, cognism.WithRetryPolicy(cognism.NoRetry))
	if err != nil {
		t.Fatal(err)
	}
	loaders := loader.New(client, loader.Options{})
	ctx := context.Background()
	callCount := func() int {
		mu.Lock()
		defer mu.Unlock()
		return ibmCalls
	}

	waits := loaders.CompaniesLater(ctx, []string{"Slow", "IBM"})

	if _, err := loaders.Companies(ctx, "IBM"); !hasStatus(err, http.StatusServiceUnavailable) {
		t.Fatalf("first load: error = %v, expected the 503", err)
	}
	if _, err := loaders.Companies(ctx, "IBM"); !hasStatus(err, http.StatusNotFound) {
		t.Fatalf("second load: error = %v, expected the 404 of a new call", err)
	}
	if _, err := loaders.Companies(ctx, "IBM"); !hasStatus(err, http.StatusNotFound) {
		t.Fatalf("third load: error = %v, expected the cached 404", err)
	}
	if got := callCount(); got != 2 {
		t.Fatalf("upstream calls after the third load = %d, expected 2", got)
	}

	close(release)
	if _, err := waits[0](); err != nil {
		t.Fatalf("queued Slow load: %v", err)
	}
	if _, err := waits[1](); !hasStatus(err, http.StatusServiceUnavailable) {
		t.Fatalf("queued IBM load: error = %v, expected the 503 of its own call", err)
	}

	companies, err := loaders.Companies(ctx, "IBM")
	if !hasStatus(err, http.StatusNotFound) {
		t.Errorf("load after the late read: companies = %v, error = %v, expected the cached 404", companies, err)
	}
	if got := callCount(); got != 2 {
		t.Errorf("upstream calls after the late read = %d, expected 2", got)
	}
}

// hasStatus reports whether err is an upstream response with the given status.
func hasStatus(err error, status int) bool {
	var apiErr *cognism.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}
