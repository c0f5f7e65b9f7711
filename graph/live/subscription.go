package live

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrSlowSubscriber ends a subscription whose buffer filled because its
// client did not read events as fast as they arrived.
var ErrSlowSubscriber = errors.New("live: subscriber fell behind the event rate and its buffer filled; subscribe again")

// ErrHubClosed ends every subscription when the hub shuts down.
var ErrHubClosed = errors.New("live: the gateway is shutting down")

// UpstreamError ends the subscriptions of an upstream socket that failed
// for good, such as on 401 or 403. It wraps the client's error, so
// errors.Is(err, cognism.ErrUnauthorized) holds for a 401.
type UpstreamError struct {
	Rule string // canonical rule of the failed socket
	Err  error
}

// Error names the rule and the upstream failure.
func (e *UpstreamError) Error() string {
	return fmt.Sprintf("live: upstream event stream for rule %q failed: %v", e.Rule, e.Err)
}

// Unwrap returns the client's error.
func (e *UpstreamError) Unwrap() error { return e.Err }

// Subscription is one subscriber's stream of events of type T. Events are
// shared between subscribers and must not be modified.
type Subscription[T any] struct {
	events chan T
	topic  *topic[T]
	leave  func(*Subscription[T])

	closeOnce sync.Once
	err       error // set under topic.mu before events is closed

	// The fields below are guarded by topic.mu. Events that do not fit in
	// the channel wait in backlog, and a pump goroutine, which runs only
	// while backlog is not empty, moves them to the channel in order.
	backlog []T
	pumping bool
	ended   bool          // no events follow; the pump closes events
	stop    chan struct{} // closed to end the pump early; nil when not pumping
	stopped bool
}

// Events returns the channel of events, closed when the subscription ends.
func (s *Subscription[T]) Events() <-chan T { return s.events }

// Err returns why the subscription ended: nil after Close, otherwise an
// error such as ErrSlowSubscriber or an *UpstreamError. It is meaningful
// once Events is closed.
func (s *Subscription[T]) Err() error {
	s.topic.mu.Lock()
	defer s.topic.mu.Unlock()
	return s.err
}

// Close unsubscribes. It is safe to call more than once and from any
// goroutine.
func (s *Subscription[T]) Close() {
	s.closeOnce.Do(func() { s.leave(s) })
}

// channelEvents is the most events a subscriber's channel holds. The rest
// of its buffer is a backlog grown on demand, so an idle subscriber holds a
// small channel instead of its whole buffer.
const channelEvents = 8

// topic is a set of subscribers that receive the same events. Every send
// and every close of a subscriber's channel happens under mu or, while the
// subscriber has a backlog, on its pump, so a channel is never sent to after
// it is closed.
type topic[T any] struct {
	mu     sync.Mutex
	subs   map[*Subscription[T]]struct{}
	buffer int
	ended  error // set once the topic ends; later joins end at once
	onSlow func(int)
}

func newTopic[T any](buffer int) *topic[T] {
	return &topic[T]{subs: make(map[*Subscription[T]]struct{}), buffer: buffer}
}

// join adds a subscriber. On an ended topic it returns a subscription that
// is already closed with the topic's error.
func (t *topic[T]) join(leave func(*Subscription[T])) *Subscription[T] {
	s := &Subscription[T]{events: make(chan T, min(t.buffer, channelEvents)), topic: t, leave: leave}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended != nil {
		s.err = t.ended
		close(s.events)
		return s
	}
	t.subs[s] = struct{}{}
	return s
}

// remove ends a subscriber without error and returns how many remain.
func (t *topic[T]) remove(s *Subscription[T]) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.subs[s]; ok {
		delete(t.subs, s)
		t.finish(s, nil, true)
	} else if s.pumping {
		// Ended earlier with a backlog that its reader has left.
		t.finish(s, s.err, true)
	}
	return len(t.subs)
}

// size returns the number of subscribers.
func (t *topic[T]) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.subs)
}

// publish hands ev to every subscriber without blocking. A subscriber whose
// buffer is full is ended with ErrSlowSubscriber, and its unread events are
// dropped so that the error reaches its client next. It returns the number
// of subscribers that received ev.
func (t *topic[T]) publish(ev T) int {
	t.mu.Lock()
	defer t.mu.Unlock()

	delivered, slow := 0, 0
	for s := range t.subs {
		if t.enqueue(s, ev) {
			delivered++
			continue
		}
		delete(t.subs, s)
		t.finish(s, ErrSlowSubscriber, true)
		slow++
	}
	if slow > 0 && t.onSlow != nil {
		t.onSlow(slow)
	}
	return delivered
}

// backfillRoomWait is the time a backfill waits for subscribers to read
// before it hands them more events than their buffers hold, which ends the
// ones that did not read with ErrSlowSubscriber.
const backfillRoomWait = 5 * time.Second

// roomPoll is the period at which waitForRoom checks the subscribers' buffers.
const roomPoll = 5 * time.Millisecond

// waitForRoom returns once every subscriber has room for one more event,
// ctx ends or wait passes.
func (t *topic[T]) waitForRoom(ctx context.Context, wait time.Duration) {
	deadline := time.Now().Add(wait)
	for !t.hasRoom() && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(roomPoll):
		}
	}
}

// hasRoom reports whether every subscriber can take one more event.
func (t *topic[T]) hasRoom() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for s := range t.subs {
		if len(s.events)+len(s.backlog) >= t.buffer {
			return false
		}
	}
	return true
}

// enqueue gives ev to s, in its channel or else its backlog, and reports
// false when s already has its buffer's worth of unread events.
func (t *topic[T]) enqueue(s *Subscription[T], ev T) bool {
	if !s.pumping {
		select {
		case s.events <- ev:
			return true
		default:
		}
	}
	if len(s.events)+len(s.backlog) >= t.buffer {
		return false
	}

	s.backlog = append(s.backlog, ev)
	if !s.pumping {
		s.pumping = true
		s.stop = make(chan struct{})
		go t.pump(s)
	}
	return true
}

// finish ends s with err; t.mu is held. With drop, its unread events are
// discarded. Events closes now, or once the pump has delivered the backlog.
func (t *topic[T]) finish(s *Subscription[T], err error, drop bool) {
	s.err = err
	if drop {
		clear(s.backlog)
		s.backlog = nil
		discard(s.events)
	}
	if !s.pumping {
		close(s.events)
		return
	}
	s.ended = true
	if drop && !s.stopped {
		s.stopped = true
		close(s.stop)
	}
}

// pump moves the backlog of s to its channel, one event at a time, and
// ends when the backlog is empty. It closes the channel if s ended
// meanwhile.
func (t *topic[T]) pump(s *Subscription[T]) {
	for {
		t.mu.Lock()
		if len(s.backlog) == 0 {
			s.pumping = false
			s.backlog = nil
			s.stop = nil
			if s.ended {
				if s.stopped {
					discard(s.events) // an event sent as the stop came
				}
				close(s.events)
			}
			t.mu.Unlock()
			return
		}
		ev, stop := s.backlog[0], s.stop
		t.mu.Unlock()

		select {
		case s.events <- ev:
			t.mu.Lock()
			if len(s.backlog) > 0 {
				var zero T
				s.backlog[0] = zero
				s.backlog = s.backlog[1:]
			}
			t.mu.Unlock()
		case <-stop:
		}
	}
}

// end closes every subscriber with err and makes later joins fail with it.
// Events already buffered are still delivered before the close.
func (t *topic[T]) end(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ended = err
	for s := range t.subs {
		delete(t.subs, s)
		t.finish(s, err, false)
	}
}

// discard drops the events buffered in ch.
func discard[T any](ch chan T) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}
