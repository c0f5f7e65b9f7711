package cognism

import (
	"context"
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"time"
)

// RetryPolicy decides which failed requests are sent again and how long to
// wait first. Only idempotent methods (GET, PUT, DELETE, HEAD) are retried;
// POST never is, because the upstream may have acted on it.
type RetryPolicy struct {
	// MaxAttempts is the total number of tries, the first included.
	// Zero or one disables retries.
	MaxAttempts int
	// BaseDelay is the wait before the first retry; it doubles each time.
	BaseDelay time.Duration
	// MaxDelay caps a single wait. A response whose Retry-After requests a
	// longer wait is not retried, so the caller sees it at once. Zero means
	// 30 s.
	MaxDelay time.Duration
	// MaxTotalWait caps the sum of all waits for one call.
	MaxTotalWait time.Duration
	// RetryStatuses lists the HTTP statuses that are retried.
	RetryStatuses []int
}

// DefaultRetryPolicy retries 429, 502, 503, 504, connection errors and
// attempts that hit the HTTP client's own timeout. It makes up to four
// tries in all, starting at 100 ms with full jitter, and waits at most 5 s
// at a time and 10 s in all.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:   4,
	BaseDelay:     100 * time.Millisecond,
	MaxDelay:      5 * time.Second,
	MaxTotalWait:  10 * time.Second,
	RetryStatuses: []int{429, 502, 503, 504},
}

// NoRetry makes every call a single try.
var NoRetry = RetryPolicy{MaxAttempts: 1}

// retryPolicyKey is the context key of WithRetryPolicyContext.
type retryPolicyKey struct{}

// WithRetryPolicyContext returns a context under which calls follow p
// instead of the client's policy, for callers that would rather fail fast
// than wait, such as the joins of a live event.
func WithRetryPolicyContext(ctx context.Context, p RetryPolicy) context.Context {
	return context.WithValue(ctx, retryPolicyKey{}, p)
}

// retryPolicyFor returns the policy of ctx, else def.
func retryPolicyFor(ctx context.Context, def RetryPolicy) RetryPolicy {
	if p, ok := ctx.Value(retryPolicyKey{}).(RetryPolicy); ok {
		return p
	}
	return def
}

// idempotent reports whether a request with this method may be sent again.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// shouldRetry reports whether attempt (counted from 1) may be followed by
// another, given the response status or transport error it ended with.
func (p RetryPolicy) shouldRetry(ctx context.Context, method string, attempt, status int, err error) bool {
	if attempt >= p.MaxAttempts || !idempotent(method) || ctx.Err() != nil {
		return false
	}
	if err != nil {
		return retryableTransportError(err)
	}
	return slices.Contains(p.RetryStatuses, status)
}

// Unretryable is an error that another attempt would fail with again, such as
// an error of a wrapping http.RoundTripper that rejects a request before
// sending it. The client does not retry an error whose Unretryable method
// returns true.
type Unretryable interface {
	error
	Unretryable() bool
}

// retryableTransportError reports whether a request that got no response
// may be sent again. The caller's context has not ended, so a deadline
// here is the attempt's own, such as http.Client.Timeout, and the next
// attempt gets a fresh one. A certificate that failed verification fails
// again the same way.
func retryableTransportError(err error) bool {
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) || errors.Is(err, context.Canceled) {
		return false
	}
	var final Unretryable
	if errors.As(err, &final) && final.Unretryable() {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		var netErr net.Error
		return errors.As(err, &netErr) && netErr.Timeout()
	}
	return true
}

// backoff returns the wait before retry number attempt (counted from 1):
// Retry-After when the server gave one, else exponential backoff with full
// jitter, both capped at MaxDelay.
func (p RetryPolicy) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, p.maxDelay())
	}
	ceiling := p.BaseDelay << min(attempt-1, 20)
	if ceiling <= 0 || ceiling > p.maxDelay() {
		ceiling = p.maxDelay()
	}
	if ceiling <= 0 {
		return 0
	}
	return ceiling/2 + rand.N(ceiling/2+1)
}

// delay returns the wait before retry number attempt, or false when the
// retry must not happen: the server asked for a longer wait than MaxDelay,
// the wait would take the call past MaxTotalWait, or the context's deadline
// would pass first.
func (p RetryPolicy) delay(
	ctx context.Context, attempt int, retryAfter, waited time.Duration,
) (time.Duration, bool) {
	if retryAfter > p.maxDelay() {
		return 0, false
	}
	d := p.backoff(attempt, retryAfter)
	if p.MaxTotalWait > 0 && waited+d > p.MaxTotalWait {
		return 0, false
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return 0, false
	}
	return d, true
}

func (p RetryPolicy) maxDelay() time.Duration {
	if p.MaxDelay > 0 {
		return p.MaxDelay
	}
	return 30 * time.Second
}

// sleep waits d or until ctx ends, returning the context's error then.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
