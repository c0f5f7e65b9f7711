package loader_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/loader"
)

// heldAPI responds to every company call only once release is closed.
type heldAPI struct {
	calls   atomic.Int32
	release chan struct{}
}

func newHeldLoaders(t *testing.T, opts loader.Options) (*loader.Loaders, *heldAPI) {
	t.Helper()
	api := &heldAPI{release: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.calls.Add(1)
		<-api.release
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id": "1", "name": "IBM"}]`))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(api.release) })
	client, err := cognism.NewClient(srv.URL, cognism.WithRetryPolicy(cognism.NoRetry))
	if err != nil {
		t.Fatal(err)
	}
	return loader.New(client, opts), api
}

// prefetchOrTimeout runs Prefetch and fails the test when it has not
// returned within a second, far below the wait bound the tests set.
func prefetchOrTimeout(t *testing.T, l *loader.Loaders, names []string) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.Prefetch(context.Background(), names, nil)
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Prefetch waited for the upstream's responses, want it to return once the calls are sent")
	}
}

func TestPrefetchReturnsOnceCallsAreSent(t *testing.T) {
	l, api := newHeldLoaders(t, loader.Options{Concurrency: 8, PrefetchWait: time.Minute})

	prefetchOrTimeout(t, l, []string{"IBM", "Acme", "Globex"})

	deadline := time.Now().Add(5 * time.Second)
	for api.calls.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := api.calls.Load(); n != 3 {
		t.Errorf("the upstream received %d calls, want 3", n)
	}
}

func TestPrefetchDoesNotWaitForSlots(t *testing.T) {
	l, api := newHeldLoaders(t, loader.Options{Concurrency: 1, PrefetchWait: time.Minute})

	prefetchOrTimeout(t, l, []string{"IBM", "Acme", "Globex"})

	time.Sleep(50 * time.Millisecond)
	if n := api.calls.Load(); n != 1 {
		t.Errorf("the upstream received %d calls while the first was held, want 1 under a bound of 1", n)
	}
}

func TestPrefetchedKeysAreLoadedOnce(t *testing.T) {
	api := &companyAPI{delay: 10 * time.Millisecond}
	l := newLoaders(t, api, loader.Options{})

	l.Prefetch(context.Background(), []string{"IBM", "ibm", "Acme"}, nil)
	for _, name := range []string{"IBM", "acme", "Ibm"} {
		if _, err := l.Companies(context.Background(), name); err != nil {
			t.Fatal(err)
		}
	}
	l.Prefetch(context.Background(), []string{"ACME"}, nil)

	if calls, _ := api.counts(); calls != 2 {
		t.Errorf("two distinct names made %d calls, want 2", calls)
	}
}

func TestPrefetchedTransientErrorIsNotCached(t *testing.T) {
	api := &companyAPI{script: []int{http.StatusServiceUnavailable}}
	l := newLoaders(t, api, loader.Options{})

	l.Prefetch(context.Background(), []string{"IBM"}, nil)
	_, err := l.Companies(context.Background(), "IBM")
	var apiErr *cognism.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("the load after a failed prefetch got %v, want the 503", err)
	}
	if _, err := l.Companies(context.Background(), "IBM"); err != nil {
		t.Errorf("the next load got %v, want a fresh call to succeed", err)
	}
	if calls, _ := api.counts(); calls != 2 {
		t.Errorf("made %d calls, want 2: the 503 must not be cached", calls)
	}
}

func TestUnbatchedLoadersDoNotPrefetch(t *testing.T) {
	api := &companyAPI{}
	l := newLoaders(t, api, loader.Options{Unbatched: true})

	l.Prefetch(context.Background(), []string{"IBM", "Acme"}, nil)

	if calls, _ := api.counts(); calls != 0 {
		t.Errorf("unbatched loaders made %d calls on Prefetch, want 0", calls)
	}
}

func TestPrefetchRaceCallsOncePerName(t *testing.T) {
	api := &companyAPI{}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	client, err := cognism.NewClient(srv.URL, cognism.WithRetryPolicy(cognism.NoRetry))
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 20)
	for i := range names {
		names[i] = fmt.Sprint("company ", i)
	}

	const rounds = 300
	for range rounds {
		l := loader.New(client, loader.Options{Concurrency: 64})
		var wg sync.WaitGroup
		wg.Go(func() { l.Prefetch(context.Background(), names, nil) })
		for _, name := range names {
			wg.Go(func() { _, _ = l.Companies(context.Background(), name) })
		}
		wg.Wait()
	}

	if calls, _ := api.counts(); calls != rounds*len(names) {
		t.Errorf("%d rounds of %d names made %d calls, want %d", rounds, len(names), calls, rounds*len(names))
	}
}
