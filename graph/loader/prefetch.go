package loader

import (
	"context"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/cognism/graphql-gateway/cognism"
)

// DefaultPrefetchWait bounds how long Prefetch waits for its calls to be
// sent. Sending takes a few milliseconds even for hundreds of calls over
// open connections. The bound matters when calls must first open their
// connections, and when a call joins an identical one in flight, because
// such a call is never written itself.
const DefaultPrefetchWait = 10 * time.Millisecond

// Prefetch starts at once the upstream calls for the company names and
// person keys that this request has not loaded yet. It returns once each
// call has been written upstream, has ended, or waits for a slot under the
// concurrency bound. It also returns when ctx ends or Options.PrefetchWait
// passes. Resolvers that load these keys later share the calls.
//
// A resolver that can tell the joins below its result from the selection
// calls Prefetch before it returns. The calls then go out before the rest
// of the operation's execution competes with them for CPU, and that
// execution runs while the upstream responds.
func (l *Loaders) Prefetch(ctx context.Context, companies []string, people []PersonKey) {
	folded := make([]string, 0, len(companies))
	for _, name := range companies {
		if name != "" {
			folded = append(folded, l.names.key(name))
		}
	}

	waits := []<-chan struct{}{
		l.companies.start(ctx, folded),
		l.people.start(ctx, people),
	}
	timer := time.NewTimer(l.prefetchWait)
	defer timer.Stop()
	for _, sent := range waits {
		select {
		case <-sent:
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// start queues the keys that are not in the cache as one batch, sent at
// once instead of after the batch window. The channel it returns is closed
// when each of their calls has been written, has ended, or waits for a slot.
func (k *keyed[K, V]) start(ctx context.Context, keys []K) <-chan struct{} {
	if k.cache == nil {
		return closed
	}
	pending := map[K]*pendingResult[V]{}
	var order []K
	for _, key := range keys {
		if _, queued := pending[key]; queued {
			continue
		}
		p := newPendingResult[V](true)
		if k.cache.add(key, p) {
			pending[key] = p
			order = append(order, key)
		}
	}
	if len(order) == 0 {
		return closed
	}

	sent := newSendCount(len(order))
	go runBatch(ctx, order, k.sem, k.fetch, sent, func(key K, r *dataloader.Result[V]) {
		pending[key].set(r.Data, r.Error)
	})
	return sent.done
}

// batch fetches the keys of one batch window and sets each key's pending
// result as soon as its call ends. A key that a prefetch queued between a
// load's look into the cache and its entry into the batch waits for the
// prefetch's call instead of making its own.
func (k *keyed[K, V]) batch(ctx context.Context, keys []K) []*dataloader.Result[V] {
	joined := make([]*pendingResult[V], len(keys))
	own := map[K]*pendingResult[V]{}
	var rest []K
	for i, key := range keys {
		p := k.cache.pendingFor(key)
		if p != nil && p.prefetched {
			joined[i] = p
			continue
		}
		if p != nil {
			own[key] = p
		}
		rest = append(rest, key)
	}
	done := func(key K, r *dataloader.Result[V]) {
		if p := own[key]; p != nil {
			p.set(r.Data, r.Error)
		}
	}
	if len(rest) == len(keys) {
		return runBatch(ctx, keys, k.sem, k.fetch, nil, done)
	}

	fetched := runBatch(ctx, rest, k.sem, k.fetch, nil, done)
	results := make([]*dataloader.Result[V], len(keys))
	for i := range keys {
		if joined[i] == nil {
			results[i], fetched = fetched[0], fetched[1:]
			continue
		}
		value, err := joined[i].wait()
		results[i] = &dataloader.Result[V]{Data: value, Error: err}
	}
	return results
}

// closed is a closed channel, so receiving from it never blocks.
var closed = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// pendingResult is the result of one key, set once its call ends.
type pendingResult[V any] struct {
	once       sync.Once
	done       chan struct{}
	value      V
	err        error
	prefetched bool // a prefetch sets the result, not a batch
}

func newPendingResult[V any](prefetched bool) *pendingResult[V] {
	return &pendingResult[V]{done: make(chan struct{}), prefetched: prefetched}
}

// isSet reports whether the result has been set.
func (p *pendingResult[V]) isSet() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// set records the result and wakes every waiting load. Only the first
// result counts.
func (p *pendingResult[V]) set(value V, err error) {
	p.once.Do(func() {
		p.value, p.err = value, err
		close(p.done)
	})
}

// wait blocks until the result is set and returns it.
func (p *pendingResult[V]) wait() (V, error) {
	<-p.done
	return p.value, p.err
}

// thunkCache is the cache of one loader. Each key has a pending result,
// which the batch that fetches it, or the prefetch that queued it, sets as
// soon as the key's own call ends.
type thunkCache[K comparable, V any] struct {
	mu      sync.Mutex
	pending map[K]*pendingResult[V]
}

// add stores the prefetch result p for key unless key has a result, and
// reports whether it did.
func (c *thunkCache[K, V]) add(key K, p *pendingResult[V]) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.pending[key]; ok {
		return false
	}
	c.pending[key] = p
	return true
}

// pendingFor returns the pending result stored for key, or nil. A nil
// cache, that of an unbatched loader, has none.
func (c *thunkCache[K, V]) pendingFor(key K) *pendingResult[V] {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pending[key]
}

// Get returns a thunk that waits for the result stored for key.
func (c *thunkCache[K, V]) Get(_ context.Context, key K) (dataloader.Thunk[V], bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pending[key]
	if !ok {
		return nil, false
	}
	return p.wait, true
}

// Set stores a pending result for a key that a load is about to queue. The
// key's batch sets it, and loads wait for it rather than for the loader's
// thunk, which waits for the whole batch. A key that a prefetch stored
// first keeps the prefetch's result, and the load's batch waits for the
// prefetch's call.
func (c *thunkCache[K, V]) Set(_ context.Context, key K, _ dataloader.Thunk[V]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.pending[key]; ok {
		return
	}
	c.pending[key] = newPendingResult[V](false)
}

// Delete drops the result of key and reports whether it did. A result not
// set yet stays, because its call is in flight and loads wait for it.
func (c *thunkCache[K, V]) Delete(_ context.Context, key K) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pending[key]
	if ok && !p.isSet() {
		return false
	}
	delete(c.pending, key)
	return ok
}

// drop removes the result p of key, unless key contains another result by
// now.
func (c *thunkCache[K, V]) drop(key K, p *pendingResult[V]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending[key] == p {
		delete(c.pending, key)
	}
}

// Clear drops every result that is set.
func (c *thunkCache[K, V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, p := range c.pending {
		if p.isSet() {
			delete(c.pending, key)
		}
	}
}

// sendCount closes done once each of n calls has counted as sent.
type sendCount struct {
	left atomic.Int64
	done chan struct{}
}

func newSendCount(n int) *sendCount {
	s := &sendCount{done: make(chan struct{})}
	s.left.Store(int64(n))
	return s
}

// forBatch returns the per-call marks of a batch of n distinct keys, or nil
// when nothing waits for the batch's calls to be sent.
func (s *sendCount) forBatch(n int) *batchSends {
	if s == nil {
		return nil
	}
	return &batchSends{count: s, marked: make([]atomic.Bool, n)}
}

// batchSends marks each call of a batch as sent once.
type batchSends struct {
	count  *sendCount
	marked []atomic.Bool
}

// mark counts call i as sent, once.
func (b *batchSends) mark(i int) {
	if b == nil || b.marked[i].Swap(true) {
		return
	}
	if b.count.left.Add(-1) == 0 {
		close(b.count.done)
	}
}

// markFrom counts call i and every later one as sent.
func (b *batchSends) markFrom(i int) {
	if b == nil {
		return
	}
	for j := i; j < len(b.marked); j++ {
		b.mark(j)
	}
}

// traced returns ctx with a trace that marks call i once its request has
// been written upstream.
func (b *batchSends) traced(ctx context.Context, i int) context.Context {
	if b == nil {
		return ctx
	}
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { b.mark(i) },
	})
}

// Assert that thunkCache is a dataloader cache.
var _ dataloader.Cache[string, []cognism.Company] = (*thunkCache[string, []cognism.Company])(nil)
