package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

func setFaults(t *testing.T, ts *testSandbox, body string) {
	t.Helper()
	resp, got := ts.do(t, "POST", "/_sandbox/faults", body, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("setting faults %s: status %d: %s", body, resp.StatusCode, got)
	}
}

func TestFaultsRoundTrip(t *testing.T) {
	ts := newTestSandbox(t)
	want := `{"latency":"50ms-200ms","errorRate":0.25,"errorStatus":503,"rateLimit":5,"websocketDropAfter":3}`
	setFaults(t, ts, want)
	_, got := ts.do(t, "GET", "/_sandbox/faults", "", nil)
	if strings.TrimSpace(got) != want {
		t.Errorf("GET /_sandbox/faults = %s, want %s", got, want)
	}
	setFaults(t, ts, `{}`)
	_, got = ts.do(t, "GET", "/_sandbox/faults", "", nil)
	if strings.TrimSpace(got) != `{"latency":"","errorRate":0,"errorStatus":0,"rateLimit":0,"websocketDropAfter":0}` {
		t.Errorf("after clearing: %s", got)
	}
}

func TestFaultsRejectInvalidSettings(t *testing.T) {
	ts := newTestSandbox(t)
	cases := []struct {
		body   string
		status int
		words  []string
	}{
		{`{"latency":"soon"}`, http.StatusBadRequest, []string{"latency", "100ms"}},
		{`{"latency":"200ms-50ms"}`, http.StatusBadRequest, []string{"latency"}},
		{`{"latency":"999h"}`, http.StatusBadRequest, []string{"latency", "at most 1m0s"}},
		{`{"errorRate":2}`, http.StatusBadRequest, []string{"errorRate"}},
		{`{"errorStatus":502}`, http.StatusBadRequest, []string{"errorStatus", "429", "500", "503"}},
		{`{"rateLimit":-1}`, http.StatusBadRequest, []string{"rateLimit"}},
		{`{"websocketDropAfter":-1}`, http.StatusBadRequest, []string{"websocketDropAfter"}},
		{`{"jitter":"1s"}`, http.StatusBadRequest, []string{"jitter"}},
		{`latency=1s`, http.StatusNotAcceptable, []string{"JSON"}},
	}
	for _, c := range cases {
		t.Run(c.body, func(t *testing.T) {
			resp, body := ts.do(t, "POST", "/_sandbox/faults", c.body, nil)
			wantStatus(t, resp, body, c.status, c.words...)
		})
	}
}

func TestFaultLatency(t *testing.T) {
	ts := newTestSandbox(t)
	setFaults(t, ts, `{"latency":"150ms"}`)
	start := time.Now()
	if _, err := ts.client.CompanyByName(ctx, "IBM"); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < 150*time.Millisecond {
		t.Errorf("request took %v, want at least the injected 150ms", elapsed)
	}
}

func TestFaultLatencyRangeWithinBounds(t *testing.T) {
	f := newFaults(FaultConfig{LatencyMin: 10 * time.Millisecond, LatencyMax: 20 * time.Millisecond})
	for range 200 {
		if d := f.latency(); d < 10*time.Millisecond || d > 20*time.Millisecond {
			t.Fatalf("latency %v outside 10ms-20ms", d)
		}
	}
}

func TestFaultErrorStatuses(t *testing.T) {
	ts := newTestSandbox(t)
	cases := []struct {
		body   string
		status int
		kind   error
	}{
		{`{"errorRate":1}`, http.StatusInternalServerError, cognism.ErrServer},
		{`{"errorRate":1,"errorStatus":500}`, http.StatusInternalServerError, cognism.ErrServer},
		{`{"errorRate":1,"errorStatus":503}`, http.StatusServiceUnavailable, cognism.ErrUnavailable},
		{`{"errorRate":1,"errorStatus":429}`, http.StatusTooManyRequests, cognism.ErrRateLimited},
	}
	for _, c := range cases {
		t.Run(c.body, func(t *testing.T) {
			setFaults(t, ts, c.body)
			_, err := ts.client.CompanyByName(ctx, "IBM")
			var apiErr *cognism.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != c.status || !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want status %d", err, c.status)
			}
			retried := c.status == http.StatusServiceUnavailable || c.status == http.StatusTooManyRequests
			if retried && apiErr.RetryAfter != time.Second {
				t.Errorf("Retry-After = %v, want 1s", apiErr.RetryAfter)
			}
		})
	}
	setFaults(t, ts, `{"errorRate":0}`)
	if _, err := ts.client.CompanyByName(ctx, "IBM"); err != nil {
		t.Errorf("after clearing: %v", err)
	}
}

func TestFaultRateLimitPerAccount(t *testing.T) {
	ts := newTestSandbox(t, func(c *Config) {
		c.Accounts = []Account{{AccessToken: DefaultAccessToken, SecretKey: DefaultSecretKey}, {AccessToken: "other", SecretKey: "s"}}
	})
	setFaults(t, ts, `{"rateLimit":0.5}`)
	if _, err := ts.client.CompanyByName(ctx, "IBM"); err != nil {
		t.Fatalf("first request: %v", err)
	}
	_, err := ts.client.CompanyByName(ctx, "IBM")
	var apiErr *cognism.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second request: %v, want 429", err)
	}
	if apiErr.RetryAfter < time.Second {
		t.Errorf("Retry-After = %v, want at least 1s", apiErr.RetryAfter)
	}
	other := newTestClient(t, ts.http.URL, "other", "s")
	if _, err := other.CompanyByName(ctx, "IBM"); err != nil {
		t.Errorf("another account is limited too: %v", err)
	}
}

func TestFaultWebsocketDrop(t *testing.T) {
	ts := newTestSandbox(t, noGeneratedEvents)
	setFaults(t, ts, `{"websocketDropAfter":2}`)
	stream, err := ts.client.JoinWebsocket(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	for range 3 {
		ts.inject(t, cognism.Event{Type: "quote", Org: "IBM"})
	}
	nextEvent(t, stream)
	nextEvent(t, stream)

	waitCtx, cancel := contextWithTimeout(5 * time.Second)
	defer cancel()
	_, err = stream.Next(waitCtx)
	var streamErr *cognism.StreamError
	if !errors.As(err, &streamErr) {
		t.Fatalf("third Next = %v, want the stream to end with a StreamError", err)
	}
}

func TestFaultConfigFromEnv(t *testing.T) {
	t.Setenv("SANDBOX_LATENCY", "5ms-10ms")
	t.Setenv("SANDBOX_ERROR_RATE", "0.5")
	t.Setenv("SANDBOX_ERROR_STATUS", "503")
	t.Setenv("SANDBOX_RATE_LIMIT", "20")
	t.Setenv("SANDBOX_WS_DROP_AFTER", "4")
	got, err := FaultConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := FaultConfig{LatencyMin: 5 * time.Millisecond, LatencyMax: 10 * time.Millisecond, ErrorRate: 0.5, ErrorStatus: 503, RateLimit: 20, WebsocketDropAfter: 4}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}

	t.Setenv("SANDBOX_ERROR_STATUS", "418")
	if _, err := FaultConfigFromEnv(); err == nil || !strings.Contains(err.Error(), "errorStatus") {
		t.Errorf("status 418 accepted: %v", err)
	}
}

func TestFaultsSkipControlEndpoints(t *testing.T) {
	ts := newTestSandbox(t)
	setFaults(t, ts, `{"errorRate":1}`)
	resp, body := ts.do(t, "GET", "/_sandbox/stats", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stats under faults: %d", resp.StatusCode)
	}
	var st Stats
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
}

func TestCrossOriginControlRequestIsRejected(t *testing.T) {
	ts := newTestSandbox(t)
	header := http.Header{"Origin": {"https://page.example"}, "Sec-Fetch-Site": {"cross-site"}}

	resp, body := ts.do(t, "POST", "/_sandbox/faults", `{"errorRate": 1}`, header)

	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin POST /_sandbox/faults = %d, want 403", resp.StatusCode)
	}
	if !strings.Contains(body, "cross-origin") {
		t.Errorf("body %s does not say the request was cross-origin", body)
	}
	_, got := ts.do(t, "GET", "/_sandbox/faults", "", nil)
	if strings.Contains(got, `"errorRate":1`) {
		t.Errorf("faults changed by a rejected request: %s", got)
	}
}
