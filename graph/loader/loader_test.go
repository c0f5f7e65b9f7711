package loader_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/loader"
)

// companyAPI is a company endpoint that responds to each call with the next
// status of its script (200 once the script runs out) and records how many
// calls it got and how many ran at once.
type companyAPI struct {
	mu       sync.Mutex
	script   []int
	calls    int
	inFlight int
	maxSeen  int
	delay    time.Duration
	paths    []string
}

func (a *companyAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.calls++
	a.paths = append(a.paths, r.URL.Path)
	a.inFlight++
	a.maxSeen = max(a.maxSeen, a.inFlight)
	status := http.StatusOK
	if len(a.script) > 0 {
		status, a.script = a.script[0], a.script[1:]
	}
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.inFlight--
		a.mu.Unlock()
	}()

	time.Sleep(a.delay)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if status == http.StatusOK {
		fmt.Fprint(w, `[{"id": "1", "name": "IBM"}]`)
		return
	}
	fmt.Fprintf(w, `{"status": %d, "error": "scripted"}`, status)
}

func (a *companyAPI) counts() (calls, maxSeen int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls, a.maxSeen
}

func newLoaders(t *testing.T, api *companyAPI, opts loader.Options) *loader.Loaders {
	t.Helper()
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	client, err := cognism.NewClient(srv.URL, cognism.WithRetryPolicy(cognism.NoRetry))
	if err != nil {
		t.Fatal(err)
	}
	return loader.New(client, opts)
}

func TestDuplicateKeysMakeOneCall(t *testing.T) {
	api := &companyAPI{delay: 5 * time.Millisecond}
	l := newLoaders(t, api, loader.Options{})

	var wg sync.WaitGroup
	for _, name := range []string{"IBM", "ibm", "IBM", "Ibm", "IBM"} {
		wg.Go(func() {
			if _, err := l.Companies(context.Background(), name); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()

	if calls, _ := api.counts(); calls != 1 {
		t.Errorf("five loads of one name made %d calls, want 1", calls)
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	api := &companyAPI{delay: 20 * time.Millisecond}
	l := newLoaders(t, api, loader.Options{Concurrency: 3})

	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			if _, err := l.Companies(context.Background(), fmt.Sprint("company ", i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()

	calls, maxSeen := api.counts()
	if calls != 10 {
		t.Errorf("ten names made %d calls, want 10", calls)
	}
	if maxSeen > 3 {
		t.Errorf("%d calls ran at once, want at most 3", maxSeen)
	}
}

func TestBatchCallsRunInKeyOrder(t *testing.T) {
	api := &companyAPI{}
	l := newLoaders(t, api, loader.Options{Concurrency: 1, Wait: 50 * time.Millisecond})

	var wg sync.WaitGroup
	for _, name := range []string{"delta", "alpha", "charlie", "bravo"} {
		wg.Go(func() {
			if _, err := l.Companies(context.Background(), name); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()

	want := []string{"/api/v1/company/alpha", "/api/v1/company/bravo", "/api/v1/company/charlie", "/api/v1/company/delta"}
	api.mu.Lock()
	defer api.mu.Unlock()
	if !slices.Equal(api.paths, want) {
		t.Errorf("calls ran in the order %v, want %v", api.paths, want)
	}
}

func TestAdmitErrorSkipsCallAndIsNotCached(t *testing.T) {
	api := &companyAPI{}
	errOverBudget := errors.New("over budget")
	admit := errOverBudget
	l := newLoaders(t, api, loader.Options{Admit: func(context.Context) error { return admit }})

	if _, err := l.Companies(context.Background(), "IBM"); !errors.Is(err, errOverBudget) {
		t.Fatalf("load = %v, want the Admit error", err)
	}
	if calls, _ := api.counts(); calls != 0 {
		t.Errorf("a rejected load made %d calls, want 0", calls)
	}

	admit = nil
	companies, err := l.Companies(context.Background(), "IBM")
	if err != nil || len(companies) != 1 {
		t.Errorf("load after Admit allows = %v, %v; want IBM from a new call", companies, err)
	}
	if calls, _ := api.counts(); calls != 1 {
		t.Errorf("made %d calls, want 1", calls)
	}
}

func TestTransientErrorsAreNotCached(t *testing.T) {
	for _, status := range []int{429, 500, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			api := &companyAPI{script: []int{status}}
			l := newLoaders(t, api, loader.Options{})

			if _, err := l.Companies(context.Background(), "IBM"); err == nil {
				t.Fatal("first load succeeded, want the scripted error")
			}
			companies, err := l.Companies(context.Background(), "IBM")
			if err != nil || len(companies) != 1 {
				t.Errorf("second load = %v, %v; want IBM from a new call", companies, err)
			}
			if calls, _ := api.counts(); calls != 2 {
				t.Errorf("made %d calls, want 2", calls)
			}
		})
	}
}

func TestFinalErrorsAreCached(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			api := &companyAPI{script: []int{status}}
			l := newLoaders(t, api, loader.Options{})

			_, err1 := l.Companies(context.Background(), "IBM")
			_, err2 := l.Companies(context.Background(), "IBM")

			var apiErr *cognism.APIError
			if !errors.As(err1, &apiErr) || !errors.As(err2, &apiErr) || apiErr.StatusCode != status {
				t.Errorf("errors = %v, %v; want %d twice", err1, err2, status)
			}
			if calls, _ := api.counts(); calls != 1 {
				t.Errorf("made %d calls, want 1", calls)
			}
		})
	}
}

func TestCancellationIsNotCached(t *testing.T) {
	api := &companyAPI{delay: 50 * time.Millisecond}
	l := newLoaders(t, api, loader.Options{})

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(10 * time.Millisecond)
		cancel()
	}()
	if _, err := l.Companies(ctx, "IBM"); !errors.Is(err, context.Canceled) {
		t.Fatalf("load under a cancelled context = %v, want context.Canceled", err)
	}

	companies, err := l.Companies(context.Background(), "IBM")
	if err != nil || len(companies) != 1 {
		t.Errorf("load after the cancellation = %v, %v; want IBM", companies, err)
	}
}

func TestUnbatchedCallsPerLoad(t *testing.T) {
	api := &companyAPI{}
	l := newLoaders(t, api, loader.Options{Unbatched: true})

	for range 3 {
		if _, err := l.Companies(context.Background(), "IBM"); err != nil {
			t.Fatal(err)
		}
	}

	if calls, _ := api.counts(); calls != 3 {
		t.Errorf("three unbatched loads made %d calls, want 3", calls)
	}
}

func TestCacheable(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{&cognism.APIError{StatusCode: 404}, true},
		{&cognism.APIError{StatusCode: 429}, false},
		{&cognism.APIError{StatusCode: 503}, false},
		{context.Canceled, false},
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), false},
		{&cognism.DecodeError{Endpoint: "GET /x", Err: errors.New("bad")}, true},
		{errors.New("connection refused"), false},
	}
	for _, tc := range cases {
		if got := loader.Cacheable(tc.err); got != tc.want {
			t.Errorf("Cacheable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestNoGoroutineOutlivesLoads(t *testing.T) {
	api := &companyAPI{}
	srv := httptest.NewServer(api)
	client, err := cognism.NewClient(srv.URL, cognism.WithRetryPolicy(cognism.NoRetry),
		cognism.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()

	for range 5 {
		l := loader.New(client, loader.Options{})
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() { _, _ = l.Companies(context.Background(), fmt.Sprint("company ", i%7)) })
		}
		wg.Wait()
	}
	srv.Close()

	// The loaders' batch timers end within their short window; allow the
	// scheduler time to run them before counting.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before the loads, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

func TestPanicInUpstreamCallBecomesError(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(&companyAPI{})
	t.Cleanup(srv.Close)
	panicky := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		calls++
		if calls == 1 {
			panic("transport bug")
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	client, err := cognism.NewClient(srv.URL, cognism.WithRetryPolicy(cognism.NoRetry),
		cognism.WithHTTPClient(&http.Client{Transport: panicky}))
	if err != nil {
		t.Fatal(err)
	}
	l := loader.New(client, loader.Options{})

	_, err = l.Companies(context.Background(), "IBM")
	var panicErr *loader.PanicError
	if !errors.As(err, &panicErr) || panicErr.Value != "transport bug" || len(panicErr.Stack) == 0 {
		t.Fatalf("load = %v, want a PanicError with the value and a stack", err)
	}
	if companies, err := l.Companies(context.Background(), "IBM"); err != nil || len(companies) != 1 {
		t.Errorf("load after the panic = %v, %v; want IBM from a new call", companies, err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
