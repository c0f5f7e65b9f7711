package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/live"
	"github.com/cognism/graphql-gateway/graph/model"
)

// Error codes of subscriptions that the live hub rejects or ends.
const (
	// CodeSlowSubscriber ends a subscription whose client read events more
	// slowly than they arrived.
	CodeSlowSubscriber = "SLOW_SUBSCRIBER"
	// CodeEventsMissed ends a subscription after an upstream outage too
	// long to backfill.
	CodeEventsMissed = "EVENTS_MISSED"
	// CodeShuttingDown ends every subscription when the gateway stops.
	CodeShuttingDown = "SHUTTING_DOWN"
	// CodeTooManySubscriptions rejects a subscription beyond a limit of
	// the hub or of its websocket connection.
	CodeTooManySubscriptions = live.CodeTooManySubscriptions
)

// liveJoinRetry is the retry policy of the joins of a live event: one
// quick retry of a transient failure, where a query's joins may wait up to
// 10 s.
var liveJoinRetry = cognism.RetryPolicy{
	MaxAttempts:   2,
	BaseDelay:     50 * time.Millisecond,
	MaxDelay:      200 * time.Millisecond,
	MaxTotalWait:  200 * time.Millisecond,
	RetryStatuses: cognism.DefaultRetryPolicy.RetryStatuses,
}

var errLiveOff = errors.New("live events are not enabled on this gateway")

// LiveHub is the hub that feeds the Subscription resolvers.
type LiveHub = live.Hub[*LiveEvent]

// LiveEvent is one event as the hub hands it to every subscriber: its
// GraphQL model, converted once, and the responses already executed for
// it, which subscribers with the same operation, variables and credentials
// share instead of executing the event again.
type LiveEvent struct {
	Event *model.Event

	mu        sync.Mutex
	responses map[string]*sharedResponse
}

// sharedResponse is one execution of an event, which the subscriber that
// claimed it runs while the others with the same key wait.
type sharedResponse struct {
	done chan struct{}
	resp *graphql.Response // nil when the execution was abandoned
}

// claim returns the execution for key and whether the caller must run it.
func (e *LiveEvent) claim(key string) (*sharedResponse, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if shared, ok := e.responses[key]; ok {
		return shared, false
	}
	if e.responses == nil {
		e.responses = make(map[string]*sharedResponse, 1)
	}
	shared := &sharedResponse{done: make(chan struct{})}
	e.responses[key] = shared
	return shared, true
}

// NewLiveHub returns a hub over client's websocket and event stream that
// converts each event to its GraphQL model once for all subscribers. The
// Upstream and Convert fields of cfg are set here; the others tune the
// hub.
func NewLiveHub(client *cognism.Client, cfg live.Config[*LiveEvent]) (*LiveHub, error) {
	cfg.Upstream = live.ClientUpstream(client)
	cfg.Convert = newLiveEvent
	return live.NewHub(cfg)
}

func newLiveEvent(e *cognism.Event) *LiveEvent {
	out := EventFromUpstream(*e)
	return &LiveEvent{Event: &out}
}

// liveStreamKey carries a subscription operation's *liveStream.
type liveStreamKey struct{}

// liveStream connects a subscription resolver with the responses of its
// operation, which run on other contexts than the resolver's. The resolver
// hands gqlgen the channel out. liveResponses takes each event from the
// hub, returns the event's shared response when there is one, and passes
// the event on through out only when this operation must execute it.
type liveStream struct {
	mu       sync.Mutex
	source   <-chan *LiveEvent
	dates    liveDates
	out      chan *model.Event
	ended    func() error
	path     ast.Path
	key      string
	reported bool
}

// trackLiveStreams puts a *liveStream on the context of every subscription
// operation.
func trackLiveStreams(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || op.Operation.Operation != ast.Subscription {
		return next(ctx)
	}
	return next(context.WithValue(ctx, liveStreamKey{}, &liveStream{}))
}

// attachSubscription ties sub to the operation of ctx and returns the
// channel for gqlgen: sub closes when the operation ends, and its end error
// becomes the operation's last response. Only events within dates pass, and
// sub closes without error once dates admit no new event.
func attachSubscription(
	ctx context.Context,
	sub *live.Subscription[*LiveEvent],
	dates liveDates,
) <-chan *model.Event {
	context.AfterFunc(ctx, sub.Close)
	if end := dates.end(); !end.IsZero() {
		timer := time.AfterFunc(time.Until(end), sub.Close)
		context.AfterFunc(ctx, func() { timer.Stop() })
	}
	s, ok := ctx.Value(liveStreamKey{}).(*liveStream)
	if !ok {
		return forwardEvents(ctx, sub.Events(), dates)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.source = sub.Events()
	s.dates = dates
	s.out = make(chan *model.Event, 1)
	s.ended = sub.Err
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		s.path = fc.Path()
	}
	return s.out
}

// forwardEvents feeds gqlgen from the hub on a context without a
// liveStream. The operation middleware always adds one, so this path only
// keeps the resolvers working without that middleware.
func forwardEvents(ctx context.Context, in <-chan *LiveEvent, dates liveDates) <-chan *model.Event {
	out := make(chan *model.Event)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-in:
				if !ok {
					return
				}
				if !dates.contains(ev.Event) {
					continue
				}
				select {
				case out <- ev.Event:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

func (s *liveStream) channels() (<-chan *LiveEvent, chan *model.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.source, s.out
}

// next returns the next event within the stream's dates, or false when the
// source closed or ctx ended. It waits on source alone, because
// attachSubscription closes the subscription, and so source, when the
// operation's context ends. A plain receive costs less than a select with
// ctx.Done on every event.
func (s *liveStream) next(ctx context.Context, source <-chan *LiveEvent) (*LiveEvent, bool) {
	for ev := range source {
		if ctx.Err() != nil {
			return nil, false
		}
		if s.dates.contains(ev.Event) {
			return ev, true
		}
	}
	return nil, false
}

// operationKey identifies what a response to an event depends on besides
// the event: the document, the operation name, the variables and the
// credentials, hashed so that no credential is kept in the key.
func (s *liveStream) operationKey(ctx context.Context) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != "" {
		return s.key
	}
	op := graphql.GetOperationContext(ctx)
	variables, _ := json.Marshal(op.Variables)
	creds, _ := cognism.CredentialsFromContext(ctx)
	sum := sha256.New()
	for _, part := range []string{op.RawQuery, op.OperationName, string(variables), creds.AccessToken, creds.SecretKey} {
		sum.Write([]byte(part))
		sum.Write([]byte{0})
	}
	s.key = string(sum.Sum(nil))
	return s.key
}

// finalResponse returns, once, a response with the error that ended the
// stream, or nil when it ended without one.
func (s *liveStream) finalResponse() *graphql.Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reported || s.ended == nil {
		return nil
	}
	s.reported = true
	err := s.ended()
	if err == nil {
		return nil
	}
	return &graphql.Response{Errors: gqlerror.List{liveError(err, s.path)}}
}

// subscribeError presents a hub's refusal to subscribe: a *live.LimitError
// gets CodeTooManySubscriptions, and other errors pass unchanged.
func subscribeError(err error) error {
	var limit *live.LimitError
	if !errors.As(err, &limit) {
		return err
	}
	return &gqlerror.Error{
		Message: limit.Error(),
		Extensions: map[string]any{
			"code":  CodeTooManySubscriptions,
			"limit": string(limit.Limit),
			"max":   limit.Max,
		},
	}
}

// liveError presents the error that ended a subscription.
func liveError(err error, path ast.Path) *gqlerror.Error {
	code, status, message := CodeUpstreamError, 0, strings.TrimPrefix(err.Error(), "live: ")
	var upstream *live.UpstreamError
	switch {
	case errors.Is(err, live.ErrSlowSubscriber):
		code = CodeSlowSubscriber
	case errors.Is(err, live.ErrGapTooLarge):
		code = CodeEventsMissed
	case errors.Is(err, live.ErrHubClosed):
		code = CodeShuttingDown
	case errors.As(err, &upstream):
		c := classify(upstream.Err)
		code, status, message = c.code, c.status, c.message
	}

	ext := map[string]any{"code": code}
	if status != 0 {
		ext["status"] = status
	}
	return &gqlerror.Error{Message: message, Path: path, Extensions: ext}
}

// liveResponses serves the responses of websocket and subscription
// operations. Each response gets a request scope of its own, so that the
// loaders of one event never serve another. A live stream's responses are
// shared: the first subscriber to reach an event executes it, and the
// others with the same operation key reuse that response. The end of a
// live stream becomes a last response carrying its error.
func liveResponses(cfg *Config) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		stream, _ := ctx.Value(liveStreamKey{}).(*liveStream)
		if stream == nil && ctx.Value(socketKey{}) == nil {
			return next(ctx)
		}
		if stream == nil {
			return next(withLazyScope(ctx, cfg))
		}
		source, out := stream.channels()
		if source == nil { // the resolver failed; next returns its errors
			return next(withLazyScope(ctx, cfg))
		}

		ev, ok := stream.next(ctx, source)
		if !ok {
			if ctx.Err() != nil {
				return nil
			}
			return stream.finalResponse()
		}
		shared, owner := ev.claim(stream.operationKey(ctx))
		if !owner {
			select {
			case <-shared.done:
			case <-ctx.Done():
				return nil
			}
			if shared.resp != nil {
				return shared.resp
			}
		}
		// Only a subscriber that executes the event needs a scope. Its
		// joins retry briefly, so that a failing upstream nulls a field
		// instead of holding the stream while events pile up.
		scoped := withLazyScope(cognism.WithRetryPolicyContext(ctx, liveJoinRetry), cfg)
		if !owner {
			out <- ev.Event
			return next(scoped)
		}
		return executeShared(ctx, shared, func() *graphql.Response {
			out <- ev.Event
			return next(scoped)
		})
	}
}

// executeShared runs the execution that shared waits for and publishes its
// response, also when it panics. A response cut short because this
// subscriber left (ctx ended) is not shared, so the others execute anew.
func executeShared(ctx context.Context, shared *sharedResponse, execute func() *graphql.Response) (resp *graphql.Response) {
	defer func() {
		if resp != nil {
			// gqlgen reuses the buffer behind Data for the next event.
			resp.Data = bytes.Clone(resp.Data)
		}
		if ctx.Err() == nil {
			shared.resp = resp
		}
		close(shared.done)
	}()
	return execute()
}

// withLazyScope returns ctx with a request scope of its own, built when a
// resolver first requests it.
func withLazyScope(ctx context.Context, cfg *Config) context.Context {
	creds, _ := cognism.CredentialsFromContext(ctx)
	return &lazyScope{Context: ctx, build: func() any {
		return withRequestScope(ctx, cfg, creds).Value(scopeKey{})
	}}
}

// lazyScope gives a response a request scope of its own, built on first
// use. Subscriptions wait for their next event with a response context in
// hand, so building the loaders only when a resolver requests them keeps
// idle subscribers small.
type lazyScope struct {
	context.Context
	once  sync.Once
	scope any
	build func() any
}

// Value returns the response's own scope for the scope key and defers to
// the parent for every other key.
func (c *lazyScope) Value(key any) any {
	if _, ok := key.(scopeKey); ok {
		c.once.Do(func() { c.scope = c.build() })
		return c.scope
	}
	return c.Context.Value(key)
}
