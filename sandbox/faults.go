package sandbox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	json "github.com/goccy/go-json"
)

// FaultConfig describes the faults injected into /api/ requests. The zero
// value injects nothing.
type FaultConfig struct {
	// LatencyMin and LatencyMax bound the delay added before each request;
	// equal values give a fixed delay.
	LatencyMin time.Duration
	LatencyMax time.Duration
	// ErrorRate is the share of requests, from 0 to 1, that fail with
	// ErrorStatus instead of being served.
	ErrorRate float64
	// ErrorStatus is 429, 500 or 503; zero means 500. A 429 or 503
	// carries Retry-After: 1.
	ErrorStatus int
	// RateLimit is the request rate per account, in requests per second,
	// above which requests get 429 with Retry-After; zero means no limit.
	// Bursts of up to max(1, RateLimit) requests pass.
	RateLimit float64
	// WebsocketDropAfter closes each websocket after every N event messages
	// sent on it; zero never drops.
	WebsocketDropAfter int
}

// faultWire is the JSON form of FaultConfig at /_sandbox/faults.
type faultWire struct {
	Latency            string  `json:"latency"`
	ErrorRate          float64 `json:"errorRate"`
	ErrorStatus        int     `json:"errorStatus"`
	RateLimit          float64 `json:"rateLimit"`
	WebsocketDropAfter int     `json:"websocketDropAfter"`
}

// MarshalJSON writes the settings with latency as "100ms" or "50ms-200ms".
func (f FaultConfig) MarshalJSON() ([]byte, error) {
	w := faultWire{
		Latency:            formatLatency(f.LatencyMin, f.LatencyMax),
		ErrorRate:          f.ErrorRate,
		ErrorStatus:        f.ErrorStatus,
		RateLimit:          f.RateLimit,
		WebsocketDropAfter: f.WebsocketDropAfter,
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the JSON form; missing fields are zero.
func (f *FaultConfig) UnmarshalJSON(data []byte) error {
	var w faultWire
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return err
	}

	out := FaultConfig{
		ErrorRate:          w.ErrorRate,
		ErrorStatus:        w.ErrorStatus,
		RateLimit:          w.RateLimit,
		WebsocketDropAfter: w.WebsocketDropAfter,
	}
	var err error
	if out.LatencyMin, out.LatencyMax, err = parseLatency(w.Latency); err != nil {
		return err
	}
	if err := out.validate(); err != nil {
		return err
	}
	*f = out
	return nil
}

func (f FaultConfig) validate() error {
	switch {
	case f.ErrorRate < 0 || f.ErrorRate > 1 || math.IsNaN(f.ErrorRate):
		return fmt.Errorf("errorRate %v is out of range: expected a share from 0 to 1", f.ErrorRate)
	case f.ErrorStatus != 0 && f.ErrorStatus != 429 && f.ErrorStatus != 500 && f.ErrorStatus != 503:
		return fmt.Errorf("errorStatus %d is not supported: expected 429, 500 or 503", f.ErrorStatus)
	case f.RateLimit < 0 || math.IsNaN(f.RateLimit):
		return fmt.Errorf("rateLimit %v is negative: expected requests per second, 0 for no limit", f.RateLimit)
	case f.WebsocketDropAfter < 0:
		return fmt.Errorf("websocketDropAfter %d is negative: expected a message count, 0 to never drop", f.WebsocketDropAfter)
	}
	return nil
}

// FaultConfigFromEnv reads SANDBOX_LATENCY ("100ms" or "50ms-200ms"),
// SANDBOX_ERROR_RATE (0 to 1), SANDBOX_ERROR_STATUS (429, 500 or 503),
// SANDBOX_RATE_LIMIT (requests per second per account) and
// SANDBOX_WS_DROP_AFTER (messages).
func FaultConfigFromEnv() (FaultConfig, error) {
	var f FaultConfig
	var err error
	if f.LatencyMin, f.LatencyMax, err = parseLatency(os.Getenv("SANDBOX_LATENCY")); err != nil {
		return f, fmt.Errorf("invalid SANDBOX_LATENCY: %w", err)
	}
	if f.ErrorRate, err = envFloat("SANDBOX_ERROR_RATE"); err != nil {
		return f, err
	}
	if f.RateLimit, err = envFloat("SANDBOX_RATE_LIMIT"); err != nil {
		return f, err
	}
	if f.ErrorStatus, err = envInt("SANDBOX_ERROR_STATUS"); err != nil {
		return f, err
	}
	if f.WebsocketDropAfter, err = envInt("SANDBOX_WS_DROP_AFTER"); err != nil {
		return f, err
	}
	if err := f.validate(); err != nil {
		return f, fmt.Errorf("invalid fault environment: %w", err)
	}
	return f, nil
}

func envFloat(name string) (float64, error) {
	v := os.Getenv(name)
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid %s %q: expected a number", name, v)
	}
	return f, nil
}

func envInt(name string) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("invalid %s %q: expected an integer", name, v)
	}
	return n, nil
}

// parseLatency reads "", "100ms" or "50ms-200ms".
func parseLatency(v string) (lo, hi time.Duration, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, 0, nil
	}
	first, second, isRange := strings.Cut(v, "-")
	if lo, err = time.ParseDuration(strings.TrimSpace(first)); err != nil {
		return 0, 0, fmt.Errorf("latency %q: expected a duration such as 100ms or a range such as 50ms-200ms", v)
	}
	hi = lo
	if isRange {
		if hi, err = time.ParseDuration(strings.TrimSpace(second)); err != nil {
			return 0, 0, fmt.Errorf("latency %q: expected a range such as 50ms-200ms", v)
		}
	}
	if lo < 0 || hi < lo {
		return 0, 0, fmt.Errorf("latency %q: expected 0 <= minimum <= maximum", v)
	}
	if hi > maxLatency {
		return 0, 0, fmt.Errorf("latency %q: expected at most %s", v, maxLatency)
	}
	return lo, hi, nil
}

// maxLatency bounds the injected latency. Longer latencies would hold
// every request, and the sandbox's goroutines, past any client's timeout.
const maxLatency = time.Minute

func formatLatency(lo, hi time.Duration) string {
	switch {
	case lo == 0 && hi == 0:
		return ""
	case lo == hi:
		return lo.String()
	}
	return lo.String() + "-" + hi.String()
}

// faults applies a FaultConfig that may change at run time.
type faults struct {
	mu      sync.Mutex
	cfg     FaultConfig
	buckets map[string]*bucket // by access token
}

// bucket is a token bucket of one account's request allowance.
type bucket struct {
	tokens float64
	last   time.Time
}

func newFaults(cfg FaultConfig) *faults {
	return &faults{cfg: cfg, buckets: map[string]*bucket{}}
}

func (f *faults) get() FaultConfig {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg
}

func (f *faults) set(cfg FaultConfig) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg = cfg
	f.buckets = map[string]*bucket{}
}

// latency returns the delay to add to one request.
func (f *faults) latency() time.Duration {
	cfg := f.get()
	if cfg.LatencyMax <= cfg.LatencyMin {
		return cfg.LatencyMin
	}
	return cfg.LatencyMin + rand.N(cfg.LatencyMax-cfg.LatencyMin+1)
}

// injectedError returns the error status to respond with instead of
// serving the request, or 0.
func (f *faults) injectedError() int {
	cfg := f.get()
	if cfg.ErrorRate <= 0 || rand.Float64() >= cfg.ErrorRate {
		return 0
	}
	if cfg.ErrorStatus == 0 {
		return http.StatusInternalServerError
	}
	return cfg.ErrorStatus
}

// allow takes one token from the account's bucket. When the bucket is
// empty it returns false and how long until the next token.
func (f *faults) allow(account string, now time.Time) (bool, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()

	rate := f.cfg.RateLimit
	if rate <= 0 {
		return true, 0
	}
	burst := math.Max(1, math.Floor(rate))
	b := f.buckets[account]
	if b == nil {
		b = &bucket{tokens: burst, last: now}
		f.buckets[account] = b
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / rate * float64(time.Second))
	return false, wait
}

// retryAfterSeconds rounds a wait up to whole seconds, at least 1.
func retryAfterSeconds(wait time.Duration) string {
	secs := int(math.Ceil(wait.Seconds()))
	return strconv.Itoa(max(secs, 1))
}
