package live

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

// seenCapacity is how many recent event ids a feed remembers to remove
// duplicates between a backfill and the reconnected socket.
const seenCapacity = 16_384

// feed is one upstream socket and its subscribers. The fields below topic
// and cancel belong to the run goroutine, except graceTimer, which is
// guarded by the hub's mutex.
type feed[T any] struct {
	*topic[T]
	hub    *Hub[T]
	key    feedKey
	rule   cognism.Rule
	cancel context.CancelFunc
	log    *slog.Logger

	graceTimer *time.Timer
	graceDone  bool

	seen      *seenSet
	connected bool
	since     int64 // Unix ms when the first socket opened
	lastAt    int64 // Unix ms of the newest event delivered
}

func newFeed[T any](h *Hub[T], key feedKey, rule cognism.Rule, cancel context.CancelFunc) *feed[T] {
	f := &feed[T]{
		topic:  newTopic[T](h.cfg.Buffer),
		hub:    h,
		key:    key,
		rule:   rule,
		cancel: cancel,
		log:    h.cfg.Logger.With("rule", key.rule, "credentials", key.fingerprint),
		seen:   newSeenSet(seenCapacity),
	}
	f.onSlow = func(n int) { f.log.Warn("live subscribers fell behind and were ended", "ended", n) }
	return f
}

// stop ends the subscribers with err and closes the socket.
func (f *feed[T]) stop(err error) {
	f.topic.end(err)
	f.cancel()
}

// startGrace arms the timer that closes the feed unless a subscriber joins
// before it fires. The caller holds the hub's mutex.
func (f *feed[T]) startGrace(d time.Duration, expire func()) {
	f.stopGrace()
	f.graceDone = false
	var timer *time.Timer
	timer = time.AfterFunc(d, func() {
		f.hub.mu.Lock()
		if f.graceTimer == timer {
			f.graceDone = true
		}
		f.hub.mu.Unlock()
		expire()
	})
	f.graceTimer = timer
}

// stopGrace disarms the grace timer. The caller holds the hub's mutex.
func (f *feed[T]) stopGrace() {
	if f.graceTimer != nil {
		f.graceTimer.Stop()
		f.graceTimer = nil
	}
	f.graceDone = false
}

// graceExpired reports whether the current grace timer fired. The caller
// holds the hub's mutex.
func (f *feed[T]) graceExpired() bool { return f.graceDone }

// run keeps the upstream socket open until ctx ends or the upstream fails
// for good, which it returns.
func (f *feed[T]) run(ctx context.Context) error {
	backoff := f.hub.cfg.Backoff
	for attempt := 0; ; {
		delivered, err := f.connectAndServe(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if delivered {
			attempt = 0
		}
		if permanent(err) {
			f.log.Error("upstream event stream failed; ending its subscriptions", "error", err)
			return f.upstreamError(err)
		}

		attempt++
		wait := backoff.delay(attempt)
		f.log.Warn("upstream event stream dropped; reconnecting",
			"attempt", attempt, "wait", wait, "error", err)
		if sleep(ctx, wait) != nil {
			return nil
		}
	}
}

func (f *feed[T]) upstreamError(err error) error {
	if errors.Is(err, ErrGapTooLarge) {
		return err
	}
	return &UpstreamError{Rule: f.key.rule, Err: err}
}

// permanent reports whether reconnecting cannot help.
func permanent(err error) bool {
	return errors.Is(err, cognism.ErrUnauthorized) || errors.Is(err, cognism.ErrForbidden) ||
		errors.Is(err, cognism.ErrBadRequest) || errors.Is(err, ErrGapTooLarge)
}

// connectAndServe opens a socket, fills the gap since the last one and
// delivers events until the socket fails. It reports whether any event was
// delivered.
func (f *feed[T]) connectAndServe(ctx context.Context) (bool, error) {
	stream, err := f.hub.cfg.Upstream.Join(ctx, f.key.rule)
	if err != nil {
		return false, err
	}
	defer stream.Close()
	stopClosing := context.AfterFunc(ctx, stream.Close)
	defer stopClosing()

	delivered := false
	if f.connected {
		n, err := f.backfill(ctx)
		if err != nil {
			return false, err
		}
		delivered = n > 0
		f.log.Info("upstream event stream reconnected", "backfilled", n)
	} else {
		f.connected = true
		f.since = time.Now().UnixMilli()
	}

	for {
		ev, err := stream.Next(ctx)
		if err != nil {
			return delivered, err
		}
		delivered = true
		f.deliver(&ev)
	}
}

// deliver publishes ev unless its id was delivered before.
func (f *feed[T]) deliver(ev *cognism.Event) {
	if id := string(ev.ID); id != "" {
		if f.seen.has(id) {
			return
		}
		f.seen.add(id)
	}
	if at := int64(ev.At); at > f.lastAt {
		f.lastAt = at
	}
	f.publish(f.hub.cfg.Convert(ev))
}
