package live

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

// Config sets up a Hub that delivers events as T. Zero fields take the
// defaults named on each.
type Config[T any] struct {
	Upstream Upstream
	// Convert turns an upstream event into what subscribers receive. It
	// runs once per event, not once per subscriber.
	Convert func(*cognism.Event) T

	// Buffer is the number of events a subscriber may have unread before it
	// is ended with ErrSlowSubscriber. Default 256.
	Buffer int
	// Grace is how long an upstream socket stays open after its last
	// subscriber leaves, so that a quick resubscribe reuses it. Default 5 s.
	Grace time.Duration
	// Backoff paces reconnects after the upstream socket drops.
	Backoff Backoff
	// MaxBackfill is the most events fetched to fill one gap. A larger gap
	// ends the socket's subscriptions with ErrGapTooLarge. Default 10,000.
	MaxBackfill int
	// MaxFeedsPerCredential is the maximum number of upstream sockets, one
	// per distinct rule, held for one set of credentials. A subscription
	// that needs one more fails with a *LimitError. Default
	// DefaultMaxFeedsPerCredential; negative means no limit.
	MaxFeedsPerCredential int
	// MaxFeeds is the maximum number of upstream sockets the hub holds.
	// Default DefaultMaxFeeds; negative means no limit.
	MaxFeeds int
	// Logger receives reconnects, backfills and failures. Default
	// slog.Default().
	Logger *slog.Logger
}

func (c *Config[T]) setDefaults() {
	if c.Buffer <= 0 {
		c.Buffer = 256
	}
	if c.Grace <= 0 {
		c.Grace = 5 * time.Second
	}
	c.Backoff.setDefaults()
	if c.MaxBackfill <= 0 {
		c.MaxBackfill = 10_000
	}
	if c.MaxFeedsPerCredential == 0 {
		c.MaxFeedsPerCredential = DefaultMaxFeedsPerCredential
	}
	if c.MaxFeeds == 0 {
		c.MaxFeeds = DefaultMaxFeeds
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Hub multiplexes upstream websockets and trigger webhooks onto
// subscriptions that receive events as T. It is safe for concurrent use.
type Hub[T any] struct {
	cfg    Config[T]
	salt   []byte // keys credential fingerprints to this process
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	feeds    map[feedKey]*feed[T]
	triggers map[string]*topic[T]
	closed   bool
}

type feedKey struct {
	fingerprint string
	rule        string
}

// NewHub returns a hub reading from cfg.Upstream. Close it to end every
// subscription and upstream socket.
func NewHub[T any](cfg Config[T]) (*Hub[T], error) {
	if cfg.Upstream == nil {
		return nil, errors.New("live: hub needs an upstream")
	}
	if cfg.Convert == nil {
		return nil, errors.New("live: hub needs a Convert function")
	}
	cfg.setDefaults()

	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Hub[T]{
		cfg:      cfg,
		salt:     salt,
		ctx:      ctx,
		cancel:   cancel,
		feeds:    make(map[feedKey]*feed[T]),
		triggers: make(map[string]*topic[T]),
	}, nil
}

// Subscribe returns a subscription to the live events matching rule, read
// with creds. Subscribers with the same credentials and an equivalent rule
// share one upstream socket. A subscription that needs a new upstream socket
// beyond Config.MaxFeedsPerCredential or Config.MaxFeeds fails with a
// *LimitError.
func (h *Hub[T]) Subscribe(creds cognism.Credentials, rule cognism.Rule) (*Subscription[T], error) {
	canonical := CanonicalRule(rule)
	if err := canonical.Validate(); err != nil {
		return nil, err
	}
	key := feedKey{fingerprint: h.fingerprint(creds), rule: canonical.String()}

	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrHubClosed
	}

	f := h.feeds[key]
	if f == nil {
		if err := h.admitFeed(key.fingerprint); err != nil {
			return nil, err
		}
		f = h.startFeed(key, creds, canonical)
	}
	f.stopGrace()
	return f.join(func(s *Subscription[T]) { h.leaveFeed(f, s) }), nil
}

// SubscribeTrigger returns a subscription to the webhook callbacks of the
// trigger subscription with that id.
func (h *Hub[T]) SubscribeTrigger(id string) (*Subscription[T], error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrHubClosed
	}

	t := h.triggers[id]
	if t == nil {
		t = newTopic[T](h.cfg.Buffer)
		t.onSlow = func(n int) { h.cfg.Logger.Warn("trigger subscribers fell behind", "trigger", id, "ended", n) }
		h.triggers[id] = t
	}
	return t.join(func(s *Subscription[T]) { h.leaveTrigger(id, t, s) }), nil
}

// PublishTrigger delivers ev to the subscribers of trigger id and returns
// how many received it.
func (h *Hub[T]) PublishTrigger(id string, ev *cognism.Event) int {
	h.mu.Lock()
	t := h.triggers[id]
	h.mu.Unlock()
	if t == nil {
		return 0
	}
	return t.publish(h.cfg.Convert(ev))
}

// Stats counts what the hub holds.
type Stats struct {
	Feeds              int // upstream sockets held, connected or reconnecting
	FeedSubscribers    int
	TriggerSubscribers int
}

// Stats returns the current counts.
func (h *Hub[T]) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := Stats{Feeds: len(h.feeds)}
	for _, f := range h.feeds {
		s.FeedSubscribers += f.size()
	}
	for _, t := range h.triggers {
		s.TriggerSubscribers += t.size()
	}
	return s
}

// Close ends every subscription with ErrHubClosed, closes every upstream
// socket and waits for the hub's goroutines to return.
func (h *Hub[T]) Close() {
	h.mu.Lock()
	h.closed = true
	feeds := h.feeds
	triggers := h.triggers
	h.feeds = map[feedKey]*feed[T]{}
	h.triggers = map[string]*topic[T]{}
	h.mu.Unlock()

	for _, f := range feeds {
		f.stop(ErrHubClosed)
	}
	for _, t := range triggers {
		t.end(ErrHubClosed)
	}
	h.cancel()
	h.wg.Wait()
}

func (h *Hub[T]) fingerprint(creds cognism.Credentials) string {
	return fingerprint(h.salt, creds)
}

// fingerprint identifies credentials without keeping them: a hash keyed by
// a random per-process salt.
func fingerprint(salt []byte, creds cognism.Credentials) string {
	sum := sha256.New()
	sum.Write(salt)
	sum.Write([]byte(creds.AccessToken))
	sum.Write([]byte{0})
	sum.Write([]byte(creds.SecretKey))
	return hex.EncodeToString(sum.Sum(nil)[:16])
}

// startFeed creates and runs the feed for key. The caller holds h.mu.
func (h *Hub[T]) startFeed(key feedKey, creds cognism.Credentials, rule cognism.Rule) *feed[T] {
	ctx, cancel := context.WithCancel(cognism.WithCredentials(h.ctx, creds))
	f := newFeed(h, key, rule, cancel)
	h.feeds[key] = f

	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		err := f.run(ctx)
		h.retire(f, err)
	}()
	return f
}

// leaveFeed removes a subscriber and starts the grace period when it was
// the last.
func (h *Hub[T]) leaveFeed(f *feed[T], s *Subscription[T]) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if f.remove(s) == 0 && h.feeds[f.key] == f {
		f.startGrace(h.cfg.Grace, func() { h.expire(f) })
	}
}

// expire closes a feed whose grace period ran out with no subscriber.
func (h *Hub[T]) expire(f *feed[T]) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.feeds[f.key] != f || f.size() > 0 || !f.graceExpired() {
		return
	}
	delete(h.feeds, f.key)
	f.cancel()
}

// retire removes a feed whose goroutine returned and ends its subscribers
// with err (nil after a grace expiry or hub close).
func (h *Hub[T]) retire(f *feed[T], err error) {
	h.mu.Lock()
	if h.feeds[f.key] == f {
		delete(h.feeds, f.key)
	}
	h.mu.Unlock()

	if err == nil || errors.Is(err, context.Canceled) {
		err = ErrHubClosed
	}
	f.stop(err)
}

func (h *Hub[T]) leaveTrigger(id string, t *topic[T], s *Subscription[T]) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if t.remove(s) == 0 && h.triggers[id] == t {
		delete(h.triggers, id)
	}
}
