package graph

import (
	"context"
	"errors"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/live"
	"github.com/cognism/graphql-gateway/graph/model"
)

// Error codes of subscriptions that the live hub ends.
const (
	// CodeSlowSubscriber ends a subscription whose client read events more
	// slowly than they arrived.
	CodeSlowSubscriber = "SLOW_SUBSCRIBER"
	// CodeEventsMissed ends a subscription after an upstream outage too
	// long to backfill.
	CodeEventsMissed = "EVENTS_MISSED"
	// CodeShuttingDown ends every subscription when the gateway stops.
	CodeShuttingDown = "SHUTTING_DOWN"
)

var errLiveOff = errors.New("live events are not enabled on this gateway")

// LiveHub is the hub that feeds the Subscription resolvers.
type LiveHub = live.Hub[*model.Event]

// LiveEvent is what LiveHub delivers: the GraphQL model of an event.
type LiveEvent = model.Event

// NewLiveHub returns a hub over client's websocket and event stream that
// converts each event to its GraphQL model once for all subscribers. The
// Upstream and Convert fields of cfg are set here; the others tune the
// hub.
func NewLiveHub(client *cognism.Client, cfg live.Config[*model.Event]) (*LiveHub, error) {
	cfg.Upstream = live.ClientUpstream(client)
	cfg.Convert = eventModel
	return live.NewHub(cfg)
}

func eventModel(e *cognism.Event) *model.Event {
	out := EventFromUpstream(*e)
	return &out
}

// liveStreamKey carries a subscription operation's *liveStream.
type liveStreamKey struct{}

// liveStream connects a subscription resolver with the responses of its
// operation, which run on contexts the resolver never sees: it holds why
// the hub ended the stream, so that the last response can carry that
// error.
type liveStream struct {
	mu       sync.Mutex
	ended    func() error
	path     ast.Path
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

// attachSubscription ties sub to the operation of ctx: it closes when the
// operation ends, and its end error becomes the operation's last response.
func attachSubscription(ctx context.Context, sub *live.Subscription[*model.Event]) <-chan *model.Event {
	context.AfterFunc(ctx, sub.Close)
	if s, ok := ctx.Value(liveStreamKey{}).(*liveStream); ok {
		s.mu.Lock()
		s.ended = sub.Err
		if fc := graphql.GetFieldContext(ctx); fc != nil {
			s.path = fc.Path()
		}
		s.mu.Unlock()
	}
	return sub.Events()
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

// liveError presents the error that ended a subscription.
func liveError(err error, path ast.Path) *gqlerror.Error {
	code, status, message := CodeUpstreamError, 0, err.Error()
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

// liveResponses gives each response of a websocket or subscription
// operation a fresh request scope, so that the loaders of one event never
// serve another, and turns the end of a live stream into a last response
// that carries its error.
func liveResponses(cfg *Config) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		stream, _ := ctx.Value(liveStreamKey{}).(*liveStream)
		if stream == nil && ctx.Value(socketKey{}) == nil {
			return next(ctx)
		}

		creds, _ := cognism.CredentialsFromContext(ctx)
		resp := next(&lazyScope{Context: ctx, build: func() any {
			return withRequestScope(ctx, cfg, creds).Value(scopeKey{})
		}})
		if resp != nil || stream == nil {
			return resp
		}
		return stream.finalResponse()
	}
}

// lazyScope gives a response a request scope of its own, built on first
// use. Subscriptions wait for their next event with a response context in
// hand, so building the loaders only when a resolver asks for them keeps
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
