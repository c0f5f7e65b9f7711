package live

import (
	"errors"
	"fmt"
	"sync"
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

// topic is a set of subscribers that receive the same events. Every send
// and every close of a subscriber's channel happens under mu, so a channel
// is never sent to after it is closed.
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
	// TODO: the channel holds the whole buffer from the start, 2 KiB per
	// subscriber at the default 256; a queue grown on demand would free it
	// for idle subscribers.
	s := &Subscription[T]{events: make(chan T, t.buffer), topic: t, leave: leave}
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
		close(s.events)
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
		select {
		case s.events <- ev:
			delivered++
		default:
			delete(t.subs, s)
			s.err = ErrSlowSubscriber
			discard(s.events)
			close(s.events)
			slow++
		}
	}
	if slow > 0 && t.onSlow != nil {
		t.onSlow(slow)
	}
	return delivered
}

// end closes every subscriber with err and makes later joins fail with it.
func (t *topic[T]) end(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ended = err
	for s := range t.subs {
		delete(t.subs, s)
		s.err = err
		close(s.events)
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
