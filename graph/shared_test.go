package graph_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
)

// heldUpstream counts requests and holds each until release is closed.
type heldUpstream struct {
	hits     atomic.Int32
	release  chan struct{}
	released sync.Once
}

func newHeldUpstream(t *testing.T) (*heldUpstream, string) {
	t.Helper()
	u := &heldUpstream{release: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		<-u.release
		_, _ = io.WriteString(w, "token "+r.Header.Get("X-API-AccessToken"))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { u.closeRelease() })
	return u, srv.URL
}

func (u *heldUpstream) closeRelease() {
	u.released.Do(func() { close(u.release) })
}

// waitHits waits until the upstream has received n requests.
func (u *heldUpstream) waitHits(t *testing.T, n int32) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for u.hits.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("upstream received %d requests, want %d", u.hits.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// get sends a GET with token through client and returns the body.
func get(ctx context.Context, client *http.Client, url, token string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("X-API-AccessToken", token)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}

func TestSharedGetsSendIdenticalRequestsOnce(t *testing.T) {
	upstream, url := newHeldUpstream(t)
	client := &http.Client{Transport: graph.ShareConcurrentGets(nil)}

	const callers = 5
	bodies := make([]string, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			body, err := get(context.Background(), client, url, "a")
			if err != nil {
				t.Errorf("caller %d: %v", i, err)
			}
			bodies[i] = body
		})
	}
	upstream.waitHits(t, 1)
	// The first request is held upstream, so the others join it once they
	// start. The pause gives them time to start on a busy machine.
	time.Sleep(100 * time.Millisecond)
	upstream.closeRelease()
	wg.Wait()

	if got := upstream.hits.Load(); got != 1 {
		t.Errorf("upstream received %d requests for %d identical GETs, want 1", got, callers)
	}
	for i, body := range bodies {
		if body != "token a" {
			t.Errorf("caller %d got body %q, want %q", i, body, "token a")
		}
	}
}

func TestSharedGetsKeepCredentialsApart(t *testing.T) {
	upstream, url := newHeldUpstream(t)
	client := &http.Client{Transport: graph.ShareConcurrentGets(nil)}

	bodies := make(map[string]string)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, token := range []string{"a", "b"} {
		wg.Go(func() {
			body, err := get(context.Background(), client, url, token)
			if err != nil {
				t.Errorf("token %s: %v", token, err)
			}
			mu.Lock()
			bodies[token] = body
			mu.Unlock()
		})
	}
	upstream.waitHits(t, 2)
	upstream.closeRelease()
	wg.Wait()

	for _, token := range []string{"a", "b"} {
		if want := "token " + token; bodies[token] != want {
			t.Errorf("caller with token %s got %q, want %q", token, bodies[token], want)
		}
	}
}

func TestSharedGetsSurviveCancelledCaller(t *testing.T) {
	upstream, url := newHeldUpstream(t)
	client := &http.Client{Transport: graph.ShareConcurrentGets(nil)}

	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := get(ctx, client, url, "a")
		first <- err
	}()
	upstream.waitHits(t, 1)
	second := make(chan string, 1)
	go func() {
		body, err := get(context.Background(), client, url, "a")
		if err != nil {
			t.Errorf("second caller: %v", err)
		}
		second <- body
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-first; err == nil {
		t.Error("the cancelled caller got a response, want its context's error")
	}
	upstream.closeRelease()

	if body := <-second; body != "token a" {
		t.Errorf("the remaining caller got %q, want %q", body, "token a")
	}
}

func TestSharedGetsOversizedBodyIsNotRetried(t *testing.T) {
	var hits atomic.Int32
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte("["))
		for range 65 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte("]"))
	}))
	defer srv.Close()
	client, err := cognism.NewClient(srv.URL,
		cognism.WithHTTPClient(&http.Client{Transport: graph.ShareConcurrentGets(nil)}))
	if err != nil {
		t.Fatal(err)
	}

	_, err = client.CompanyByName(context.Background(), "IBM")
	var decodeErr *cognism.DecodeError
	if !errors.As(err, &decodeErr) {
		t.Errorf("error = %v, want a *cognism.DecodeError saying the body is too large", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("upstream received %d requests, want 1 with no retry", n)
	}
}
