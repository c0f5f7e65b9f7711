package cognism

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// statusSequence responds with the given statuses in turn, then with 200
// and body, and counts the requests.
func statusSequence(count *atomic.Int32, body string, retryAfter string, statuses ...int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := int(count.Add(1))
		if n <= len(statuses) {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(statuses[n-1])
			return
		}
		_, _ = io.WriteString(w, body)
	}
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	policy := DefaultRetryPolicy
	c := newTestClient(t, statusSequence(&count, "[]", "1", 429), WithRetryPolicy(policy))

	start := time.Now()
	if _, err := c.CompanyByName(context.Background(), "IBM"); err != nil {
		t.Fatalf("CompanyByName: %v", err)
	}
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Errorf("retry came after %v, want at least the 1s of Retry-After", elapsed)
	}
	if got := count.Load(); got != 2 {
		t.Errorf("server saw %d requests, want 2", got)
	}
}

func TestRetryUnavailableThenSuccess(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	c := newTestClient(t, statusSequence(&count, `{"items": []}`, "", 503, 502, 504))

	if _, err := c.SearchPeople(context.Background(), PersonSearch{Company: "IBM"}); err != nil {
		t.Fatalf("SearchPeople: %v", err)
	}
	if got := count.Load(); got != 4 {
		t.Errorf("server saw %d requests, want 4", got)
	}
}

func TestRetryStopsAtMaxAttempts(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	c := newTestClient(t, statusSequence(&count, "[]", "", 503, 503, 503, 503, 503, 503))

	_, err := c.ListSubscriptions(context.Background())
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("ListSubscriptions error = %v, want ErrUnavailable", err)
	}
	if got := count.Load(); got != int32(fastRetry.MaxAttempts) {
		t.Errorf("server saw %d requests, want %d", got, fastRetry.MaxAttempts)
	}
}

func TestRetryIdempotentMethods(t *testing.T) {
	t.Parallel()

	tests := map[string]func(c *Client) error{
		"PUT": func(c *Client) error {
			return c.ModifySubscription(context.Background(), "s1", testSubscriptionInput)
		},
		"DELETE": func(c *Client) error {
			return c.DeleteSubscription(context.Background(), "s1")
		},
	}
	for method, call := range tests {
		t.Run(method, func(t *testing.T) {
			t.Parallel()

			var count atomic.Int32
			c := newTestClient(t, statusSequence(&count, "", "", 503))
			if err := call(c); err != nil {
				t.Fatalf("%s: %v", method, err)
			}
			if got := count.Load(); got != 2 {
				t.Errorf("server saw %d requests, want 2", got)
			}
		})
	}
}

func TestRetryNeverRepeatsPost(t *testing.T) {
	t.Parallel()

	stage := PipelineStage{Name: "type", Operator: OpEq, Values: []string{"310"}}
	tests := map[string]func(c *Client) error{
		"event search": func(c *Client) error {
			_, err := c.SearchEvents(context.Background(), EventSearch{Pipeline: []PipelineStage{stage}})
			return err
		},
		"subscription create": func(c *Client) error {
			_, err := c.CreateSubscription(context.Background(), testSubscriptionInput)
			return err
		},
		"session push": func(c *Client) error {
			return c.PushToSession(context.Background(), "s-1", json.RawMessage(`{}`))
		},
	}
	for name, call := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			var count atomic.Int32
			c := newTestClient(t, statusSequence(&count, "[]", "", 503, 429))
			if err := call(c); !errors.Is(err, ErrUnavailable) {
				t.Errorf("error = %v, want ErrUnavailable from the only attempt", err)
			}
			if got := count.Load(); got != 1 {
				t.Errorf("server saw %d requests, want 1", got)
			}
		})
	}
}

func TestRetryCancelledContextStopsWaiting(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	arrived := make(chan struct{}, 10)
	handler := statusSequence(&count, "[]", "60", 503, 503)
	policy := RetryPolicy{MaxAttempts: 3, MaxDelay: 2 * time.Minute, RetryStatuses: []int{503}}
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		handler(w, r)
		arrived <- struct{}{}
	}, WithRetryPolicy(policy))

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	start := time.Now()
	_, err := c.CompanyByName(ctx, "IBM")
	if err != context.Canceled {
		t.Errorf("CompanyByName error = %v, want context.Canceled itself", err)
	}
	if elapsed := time.Since(start); elapsed > 30*time.Second {
		t.Errorf("cancelled call returned after %v, want it to stop waiting for Retry-After", elapsed)
	}
	if got := count.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
}

// dropFirst drops the connection of the first request without a response
// and responds to later ones with an empty JSON array.
func dropFirst(t *testing.T, count *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) == 1 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			conn.Close()
			return
		}
		_, _ = io.WriteString(w, "[]")
	}
}

// cutFirstBody sends the first response's headers and half its body, then
// drops the connection, and serves the rest normally.
func cutFirstBody(t *testing.T, count *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) > 1 {
			_, _ = io.WriteString(w, "[]")
			return
		}
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n[{\"id\": ")
		_ = buf.Flush()
	}
}

func TestRetryBodyCutShort(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	c := newTestClient(t, cutFirstBody(t, &count))
	if _, err := c.EventStream(context.Background(), EventStreamOptions{}); err != nil {
		t.Fatalf("EventStream: %v", err)
	}
	if got := count.Load(); got != 2 {
		t.Errorf("server saw %d requests, want 2", got)
	}
}

func TestRetryConnectionErrors(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	c := newTestClient(t, dropFirst(t, &count))
	if _, err := c.EventStream(context.Background(), EventStreamOptions{}); err != nil {
		t.Fatalf("EventStream: %v", err)
	}
	if got := count.Load(); got != 2 {
		t.Errorf("server saw %d requests, want 2", got)
	}

	// Without retries the same drop is an error, so the retry above was
	// the client's and not the HTTP transport's.
	var single atomic.Int32
	c = newTestClient(t, dropFirst(t, &single), WithRetryPolicy(NoRetry))
	if _, err := c.EventStream(context.Background(), EventStreamOptions{}); err == nil {
		t.Error("EventStream without retries succeeded over a dropped connection")
	}
}

// rejectingTransport fails every request with err before sending it and
// counts the requests.
type rejectingTransport struct {
	count *atomic.Int32
	err   error
}

func (t rejectingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	t.count.Add(1)
	return nil, t.err
}

// quotaError is a rejection that another attempt would fail with again.
type quotaError struct{}

func (quotaError) Error() string     { return "quota used up" }
func (quotaError) Unretryable() bool { return true }

func TestRetrySkipsUnretryableTransportError(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	hc := &http.Client{Transport: rejectingTransport{count: &count, err: quotaError{}}}
	c, err := NewClient("http://127.0.0.1:1", WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.EventStream(context.Background(), EventStreamOptions{})
	if !errors.As(err, new(quotaError)) {
		t.Errorf("EventStream error = %v, want the transport's quotaError", err)
	}
	if got := count.Load(); got != 1 {
		t.Errorf("transport saw %d attempts, want 1", got)
	}
}

func TestRetryTotalWaitCap(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	// The first backoff is at least BaseDelay/2 = 50ms, beyond the 40ms cap.
	policy := RetryPolicy{
		MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second,
		MaxTotalWait: 40 * time.Millisecond, RetryStatuses: []int{503},
	}
	c := newTestClient(t, statusSequence(&count, "[]", "", 503, 503), WithRetryPolicy(policy))

	_, err := c.ListSubscriptions(context.Background())
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("ListSubscriptions error = %v, want ErrUnavailable", err)
	}
	if got := count.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
}

func TestRetryAfterBeyondMaxDelayIsReturned(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	c := newTestClient(t, statusSequence(&count, "[]", "3600", 429))

	_, err := c.ListSubscriptions(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("ListSubscriptions error = %v, want the 429 *APIError", err)
	}
	if apiErr.RetryAfter != time.Hour {
		t.Errorf("RetryAfter = %v, want 1h", apiErr.RetryAfter)
	}
	if got := count.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
}

func TestRetryGivesUpBeforeContextDeadline(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	policy := RetryPolicy{MaxAttempts: 3, MaxDelay: time.Minute, RetryStatuses: []int{503}}
	c := newTestClient(t, statusSequence(&count, "[]", "30", 503), WithRetryPolicy(policy))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	_, err := c.ListSubscriptions(ctx)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("ListSubscriptions error = %v, want the 503 rather than a wait past the deadline", err)
	}
	if got := count.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
}

func TestRetryNotOnOtherStatuses(t *testing.T) {
	t.Parallel()

	for _, status := range []int{400, 401, 403, 404, 500} {
		var count atomic.Int32
		c := newTestClient(t, statusSequence(&count, "[]", "", status))
		if _, err := c.ListSubscriptions(context.Background()); err == nil {
			t.Errorf("status %d: ListSubscriptions succeeded, want an error", status)
		}
		if got := count.Load(); got != 1 {
			t.Errorf("status %d: server saw %d requests, want 1", status, got)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()

	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for attempt := 1; attempt <= 30; attempt++ {
		ceiling := min(p.BaseDelay<<min(attempt-1, 20), p.MaxDelay)
		for range 20 {
			d := p.backoff(attempt, 0)
			if d < ceiling/2 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", attempt, d, ceiling/2, ceiling)
			}
		}
	}
	if d := p.backoff(1, 700*time.Millisecond); d != 700*time.Millisecond {
		t.Errorf("backoff with Retry-After 700ms = %v, want 700ms", d)
	}
}

func TestRetryNotOnCertificateErrors(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	srv := httptest.NewTLSServer(statusSequence(&count, "[]", ""))
	t.Cleanup(srv.Close)
	// The default HTTP client does not trust the test certificate.
	c, err := NewClient(srv.URL, WithRetryPolicy(fastRetry))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}

	_, err = c.ListSubscriptions(context.Background())
	if err == nil {
		t.Fatal("ListSubscriptions over an untrusted certificate succeeded")
	}
	if got := count.Load(); got != 0 {
		t.Errorf("server saw %d requests, want none", got)
	}
	if strings.Contains(err.Error(), "giving up") {
		t.Errorf("error %q shows retries of a certificate failure", err)
	}
}

// stallFirst holds the first request until the client abandons it and
// responds to later ones with an empty JSON array at once. The server
// notices a closed connection only once the request body has been read.
func stallFirst(count *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if count.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		_, _ = io.WriteString(w, "[]")
	}
}

func TestRetryAttemptTimeout(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	hc := &http.Client{Timeout: 300 * time.Millisecond}
	c := newTestClient(t, stallFirst(&count), WithHTTPClient(hc))

	if _, err := c.CompanyByName(context.Background(), "IBM"); err != nil {
		t.Fatalf("CompanyByName after one timed-out attempt: %v", err)
	}
	if got := count.Load(); got != 2 {
		t.Errorf("server saw %d requests, want 2", got)
	}
}

func TestRetryAttemptTimeoutNotForPost(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	hc := &http.Client{Timeout: 300 * time.Millisecond}
	c := newTestClient(t, stallFirst(&count), WithHTTPClient(hc))

	_, err := c.CreateSubscription(context.Background(), testSubscriptionInput)
	var netErr net.Error
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Errorf("CreateSubscription error = %v, want a timeout", err)
	}
	if got := count.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
}

func TestRetryNotAfterCallerDeadline(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		count.Add(1)
		<-r.Context().Done()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()

	_, err := c.CompanyByName(ctx, "IBM")
	if err != context.DeadlineExceeded {
		t.Errorf("CompanyByName error = %v, want context.DeadlineExceeded itself", err)
	}
	if got := count.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
}

func TestRetryPolicyOfContextWins(t *testing.T) {
	t.Parallel()

	var count atomic.Int32
	c := newTestClient(t, statusSequence(&count, "[]", "", 503, 503, 503))
	ctx := WithRetryPolicyContext(context.Background(), NoRetry)
	if _, err := c.EventStream(ctx, EventStreamOptions{}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("EventStream error = %v, want the first 503", err)
	}
	if got := count.Load(); got != 1 {
		t.Errorf("server saw %d requests under NoRetry, want 1", got)
	}
}
