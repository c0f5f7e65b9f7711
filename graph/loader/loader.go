// Package loader holds the per-request dataloaders of the gateway. Each
// loader collects the keys resolvers request, removes duplicates, calls the
// Cognism API once per distinct key with bounded concurrency, and caches
// the results for the rest of the request. Errors that may pass (timeouts,
// cancellations, 429 and 5xx responses, transport failures) are never kept.
package loader

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"
	"golang.org/x/sync/errgroup"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/internal/stack"
)

// DefaultConcurrency is the default number of upstream calls one loader
// runs at a time.
const DefaultConcurrency = 8

// DefaultWait is how long a loader collects keys before it calls upstream.
// Each key is its own upstream call and keys requested after the window
// join the cache all the same, so waiting longer saves no call. The window
// only delays the calls of every join level.
const DefaultWait = 100 * time.Microsecond

// Options configures the loaders of one request.
type Options struct {
	// Concurrency bounds the upstream calls each loader runs at a time;
	// zero means DefaultConcurrency.
	Concurrency int
	// Wait is the batch window; zero means DefaultWait.
	Wait time.Duration
	// Unbatched makes every load its own upstream call with no cache, as
	// resolvers without loaders would behave. It exists to measure what
	// the loaders save.
	Unbatched bool
	// PrefetchWait bounds how long Prefetch waits for its calls to be
	// sent. Zero means DefaultPrefetchWait.
	PrefetchWait time.Duration
	// Admit, when set, runs before each upstream call with the batch's
	// context. An error it returns becomes the key's result, no call is
	// made, and the error is not cached unless Cacheable reports it final.
	Admit func(context.Context) error
}

// Loaders are the dataloaders of one request. Build a fresh set per request
// with New: they cache results, and no result may outlive its request or
// reach a caller with other credentials.
type Loaders struct {
	names        *spellings
	prefetchWait time.Duration

	companies *keyed[string, []cognism.Company]
	people    *keyed[PersonKey, []cognism.Person]
	staff     *keyed[string, []cognism.Person]
	events    *keyed[EventsKey, []cognism.Event]
	documents *keyed[DocumentsKey, *cognism.Report]
}

// New returns the loaders of one request over client.
func New(client *cognism.Client, opts Options) *Loaders {
	names := &spellings{first: map[string]string{}}
	f := fetcher{client: client, names: names}
	wait := opts.PrefetchWait
	if wait <= 0 {
		wait = DefaultPrefetchWait
	}
	return &Loaders{
		names:        names,
		prefetchWait: wait,
		companies:    newLoader(f.companies, opts),
		people:       newLoader(f.people, opts),
		staff:        newLoader(f.staff, opts),
		events:       newLoader(f.events, opts),
		documents:    newLoader(f.documents, opts),
	}
}

// Companies returns the companies the company endpoint lists for name.
// Names are matched case-insensitively upstream, so "IBM" and "ibm" share
// one call.
func (l *Loaders) Companies(ctx context.Context, name string) ([]cognism.Company, error) {
	return load(ctx, l.companies, l.names.key(name))
}

// CompaniesLater queues every name with the company loader at once and
// returns, per name, a function that waits for its companies. A blank name
// lists no company and costs no call.
func (l *Loaders) CompaniesLater(
	ctx context.Context,
	names []string,
) []func() ([]cognism.Company, error) {
	out := make([]func() ([]cognism.Company, error), len(names))
	for i, name := range names {
		name = strings.TrimSpace(name)
		if name == "" {
			out[i] = func() ([]cognism.Company, error) { return nil, nil }
			continue
		}
		out[i] = later(ctx, l.companies, l.names.key(name))
	}
	return out
}

// People returns the people a person search lists for key.
func (l *Loaders) People(ctx context.Context, key PersonKey) ([]cognism.Person, error) {
	return load(ctx, l.people, key)
}

// Staff returns the people whose current employer is company.
func (l *Loaders) Staff(ctx context.Context, company string) ([]cognism.Person, error) {
	return load(ctx, l.staff, l.names.key(company))
}

// Events returns one page of the event stream.
func (l *Loaders) Events(ctx context.Context, key EventsKey) ([]cognism.Event, error) {
	return load(ctx, l.events, key)
}

// Documents returns one page of the entity search, parsed.
func (l *Loaders) Documents(ctx context.Context, key DocumentsKey) (*cognism.Report, error) {
	return load(ctx, l.documents, key)
}

// spellings remembers the first spelling of each case-folded name, so a
// loader keyed by the folded name still sends the name as a caller wrote
// it.
type spellings struct {
	mu    sync.Mutex
	first map[string]string
}

// key records name and returns its case-folded form.
func (s *spellings) key(name string) string {
	folded := strings.ToLower(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.first[folded]; !ok {
		s.first[folded] = name
	}
	return folded
}

// original returns the first spelling recorded for a folded name.
func (s *spellings) original(folded string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name, ok := s.first[folded]; ok {
		return name
	}
	return folded
}

// keyed is the loader of one endpoint, with what Prefetch needs to start
// calls outside the batch window.
type keyed[K comparable, V any] struct {
	*dataloader.Loader[K, V]
	cache *thunkCache[K, V] // nil when unbatched
	sem   chan struct{}     // the concurrency bound, shared by every batch
	fetch func(context.Context, K) (V, error)
}

// newLoader wraps fetch, which calls upstream for one key, in a batched
// loader that runs at most opts.Concurrency fetches at a time.
func newLoader[K comparable, V any](
	fetch func(context.Context, K) (V, error),
	opts Options,
) *keyed[K, V] {
	limit := opts.Concurrency
	if limit <= 0 {
		limit = DefaultConcurrency
	}
	wait := opts.Wait
	if wait <= 0 {
		wait = DefaultWait
	}

	k := &keyed[K, V]{sem: make(chan struct{}, limit), fetch: admitted(opts.Admit, fetch)}
	batchFn := k.batch
	if opts.Unbatched {
		k.Loader = dataloader.NewBatchedLoader(batchFn,
			dataloader.WithBatchCapacity[K, V](1),
			dataloader.WithCache[K, V](&dataloader.NoCache[K, V]{}),
		)
		return k
	}
	k.cache = &thunkCache[K, V]{
		pending: map[K]*pendingResult[V]{},
	}
	k.Loader = dataloader.NewBatchedLoader(batchFn,
		dataloader.WithWait[K, V](wait),
		dataloader.WithCache[K, V](k.cache),
	)
	return k
}

// runBatch fetches each distinct key once, at most cap(sem) at a time, and
// returns one result per key in the order of keys. It calls done with each
// distinct key's result as soon as that key's call ends.
func runBatch[K comparable, V any](
	ctx context.Context,
	keys []K,
	sem chan struct{},
	fetch func(context.Context, K) (V, error),
	sent *sendCount,
	done func(K, *dataloader.Result[V]),
) []*dataloader.Result[V] {
	distinct := make(map[K]*dataloader.Result[V], len(keys))
	var order []K
	for _, key := range keys {
		if _, seen := distinct[key]; !seen {
			distinct[key] = &dataloader.Result[V]{}
			order = append(order, key)
		}
	}
	// Resolvers request keys in the order their goroutines run, which
	// differs between requests. Sorted, identical concurrent requests start
	// the same calls first and share them upstream while the bound holds
	// the rest back.
	sortKeys(order)

	// A call takes its slot before its goroutine starts, so calls start in
	// that order and no goroutine waits for a slot.
	sends := sent.forBatch(len(order))
	var group errgroup.Group
	for i, key := range order {
		result := distinct[key]
		if !takeSlot(ctx, sem, func() { sends.markFrom(i) }) {
			result.Error = ctx.Err()
			done(key, result)
			continue
		}
		group.Go(func() error {
			// This new goroutine makes the upstream call, deep in net/http.
			stack.Grow()
			defer func() { <-sem }()
			result.Data, result.Error = safeFetch(sends.traced(ctx, i), key, fetch)
			done(key, result)
			sends.mark(i)
			return nil
		})
	}
	_ = group.Wait()

	results := make([]*dataloader.Result[V], len(keys))
	for i, key := range keys {
		results[i] = distinct[key]
	}
	return results
}

// takeSlot takes a slot of sem, calling full first when none is free, and
// reports false when ctx ends before a slot is free.
func takeSlot(ctx context.Context, sem chan struct{}, full func()) bool {
	select {
	case sem <- struct{}{}:
		return true
	default:
	}
	full()
	select {
	case sem <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// sortKeys sorts keys by their printed form, printing each key once.
func sortKeys[K comparable](keys []K) {
	type printed struct {
		key  K
		text string
	}
	list := make([]printed, len(keys))
	for i, k := range keys {
		list[i] = printed{k, fmt.Sprint(k)}
	}
	slices.SortFunc(list, func(a, b printed) int { return cmp.Compare(a.text, b.text) })
	for i := range list {
		keys[i] = list[i].key
	}
}

// admitted returns fetch preceded by admit, or fetch itself when admit is
// nil.
func admitted[K comparable, V any](
	admit func(context.Context) error,
	fetch func(context.Context, K) (V, error),
) func(context.Context, K) (V, error) {
	if admit == nil {
		return fetch
	}
	return func(ctx context.Context, key K) (V, error) {
		if err := admit(ctx); err != nil {
			var zero V
			return zero, err
		}
		return fetch(ctx, key)
	}
}

// safeFetch calls fetch and turns a panic into a *PanicError, because a
// panic in a batch goroutine would otherwise end the whole server.
func safeFetch[K comparable, V any](
	ctx context.Context,
	key K,
	fetch func(context.Context, K) (V, error),
) (value V, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return fetch(ctx, key)
}

// PanicError is a panic recovered in an upstream call of a loader.
type PanicError struct {
	Value any    // the value passed to panic
	Stack []byte // the stack of the panicking goroutine
}

// Error describes the panic without its stack.
func (e *PanicError) Error() string {
	return fmt.Sprintf("loader: upstream call panicked: %v", e.Value)
}

// load waits for key and drops the cached result again when its error may
// pass, so a later load in the same request calls upstream again.
func load[K comparable, V any](ctx context.Context, k *keyed[K, V], key K) (V, error) {
	return later(ctx, k, key)()
}

// later queues key and returns a function that waits for its result, as
// load does. It waits for the key's own call rather than for the whole
// batch, so each resolver goes on as soon as its own response is in. A
// failure read late drops only the result it came from, never a newer one
// that a later call for the key has stored since.
func later[K comparable, V any](
	ctx context.Context,
	k *keyed[K, V],
	key K,
) func() (V, error) {
	thunk := k.Load(ctx, key)
	p := k.cache.pendingFor(key)
	if p != nil {
		thunk = p.wait
	}
	return func() (V, error) {
		value, err := thunk()
		if err == nil || Cacheable(err) {
			return value, err
		}
		if p != nil {
			k.cache.drop(key, p)
		} else {
			k.Clear(ctx, key)
		}
		return value, err
	}
}

// Cacheable reports whether an error is final for the rest of a request: a
// 4xx response other than 429, or a response that could not be decoded.
// Cancellations, timeouts, 429, 5xx and transport failures may pass.
func Cacheable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var apiErr *cognism.APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode < 500 && apiErr.StatusCode != 429
	}
	var decodeErr *cognism.DecodeError
	return errors.As(err, &decodeErr)
}
