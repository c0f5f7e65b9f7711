package loader_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/loader"
)

// newSlowNameLoaders serves loaders over a company endpoint that responds at
// once, except for the name "Slow", which it holds until the test ends.
func newSlowNameLoaders(t *testing.T, opts loader.Options) *loader.Loaders {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/Slow") {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id": "1", "name": "Fast"}]`))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	client, err := cognism.NewClient(srv.URL, cognism.WithRetryPolicy(cognism.NoRetry))
	if err != nil {
		t.Fatal(err)
	}
	return loader.New(client, opts)
}

// loadOrTimeout loads the companies of name and fails the test when the
// load has not returned within two seconds.
func loadOrTimeout(t *testing.T, l *loader.Loaders, name string) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := l.Companies(context.Background(), name)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("loading %s: %v", name, err)
		}
	case <-time.After(2 * time.Second):
		t.Fatalf("loading %s waited for the slow call of its batch, want its own call only", name)
	}
}

func TestBatchedKeyReturnsBeforeSlowestKey(t *testing.T) {
	l := newSlowNameLoaders(t, loader.Options{Wait: 20 * time.Millisecond})

	slow := make(chan struct{})
	go func() {
		defer close(slow)
		_, _ = l.Companies(context.Background(), "Slow")
	}()
	time.Sleep(time.Millisecond)
	loadOrTimeout(t, l, "Fast")

	select {
	case <-slow:
		t.Fatal("the held call returned before its release")
	default:
	}
}

func TestPrefetchedKeyReturnsBeforeSlowestKey(t *testing.T) {
	l := newSlowNameLoaders(t, loader.Options{PrefetchWait: time.Second})

	l.Prefetch(context.Background(), []string{"Slow", "Fast"}, nil)
	loadOrTimeout(t, l, "Fast")
}
