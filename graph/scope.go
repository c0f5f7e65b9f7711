package graph

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/loader"
)

// requestScope is the state of one GraphQL request on its context: the
// loaders built for it and a count of the upstream calls it made.
type requestScope struct {
	loaders       *loader.Loaders
	upstreamCalls atomic.Int64
	maxCalls      int64 // negative: no limit
	start         time.Time
}

type scopeKey struct{}

// withRequestScope returns a context that carries the caller's credentials
// and a fresh set of loaders for one request or subscription.
func withRequestScope(ctx context.Context, cfg *Config, creds cognism.Credentials) context.Context {
	scope := &requestScope{
		loaders:  loader.New(cfg.Client, cfg.loaderOptions()),
		maxCalls: int64(cfg.MaxUpstreamCalls),
		start:    time.Now(),
	}
	ctx = cognism.WithCredentials(ctx, creds)
	return context.WithValue(ctx, scopeKey{}, scope)
}

func scopeFrom(ctx context.Context) *requestScope {
	scope, _ := ctx.Value(scopeKey{}).(*requestScope)
	return scope
}

// For returns the loaders of the request that ctx belongs to.
func For(ctx context.Context) *loader.Loaders {
	if scope := scopeFrom(ctx); scope != nil {
		return scope.loaders
	}
	return nil
}

// UpstreamCalls returns how many upstream calls the request that ctx belongs
// to has made, as counted by a client built with CountUpstreamCalls.
func UpstreamCalls(ctx context.Context) int64 {
	if scope := scopeFrom(ctx); scope != nil {
		return scope.upstreamCalls.Load()
	}
	return 0
}

// checkUpstreamBudget returns an *UpstreamBudgetError when the request that
// ctx belongs to has no upstream calls left. The loaders run it before each
// call, so calls over the budget fail without the client's retries.
func checkUpstreamBudget(ctx context.Context) error {
	scope := scopeFrom(ctx)
	if scope == nil || scope.maxCalls < 0 || scope.upstreamCalls.Load() < scope.maxCalls {
		return nil
	}
	return &UpstreamBudgetError{Max: scope.maxCalls}
}

// countCall adds one to the request's upstream count, or returns an
// *UpstreamBudgetError and counts nothing when the count has reached the
// budget.
func (s *requestScope) countCall() error {
	for {
		n := s.upstreamCalls.Load()
		if s.maxCalls >= 0 && n >= s.maxCalls {
			return &UpstreamBudgetError{Max: s.maxCalls}
		}
		if s.upstreamCalls.CompareAndSwap(n, n+1) {
			return nil
		}
	}
}

// CountUpstreamCalls wraps an HTTP transport so that each request sent on
// behalf of a GraphQL request adds one to that request's upstream count,
// and a request over the budget of Config.MaxUpstreamCalls fails with an
// *UpstreamBudgetError without being sent.
// Pass it to the cognism client with cognism.WithHTTPClient. A nil base
// means NewUpstreamTransport().
func CountUpstreamCalls(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = NewUpstreamTransport()
	}
	return countingTransport{base: base}
}

// maxIdleUpstreamConns is how many idle connections to upstream are kept.
// Loaders send many calls at once to one host, and http.DefaultTransport
// keeps only 2 idle per host, so most of them would dial a new
// connection and close it again.
const maxIdleUpstreamConns = 256

// NewUpstreamTransport returns http.DefaultTransport's settings with room
// for maxIdleUpstreamConns idle connections to the upstream host.
func NewUpstreamTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = maxIdleUpstreamConns
	t.MaxIdleConnsPerHost = maxIdleUpstreamConns
	return t
}

type countingTransport struct {
	base http.RoundTripper
}

// RoundTrip counts the request and sends it with the base transport, or
// rejects it when its GraphQL request has used its upstream budget.
func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if scope := scopeFrom(req.Context()); scope != nil {
		if err := scope.countCall(); err != nil {
			closeBody(req)
			return nil, err
		}
	}
	return t.base.RoundTrip(req)
}

// closeBody closes the body of a request that is not sent, as a
// RoundTripper must.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// errMissingAccessToken rejects a request that sends a secret key without
// an access token.
var errMissingAccessToken = errors.New(
	"missing X-API-AccessToken header: send it with X-API-SecretKey, or send neither " +
		"to use the gateway's default account")

// credentialsFrom returns the credentials of the X-API-AccessToken and
// X-API-SecretKey headers. Only a request whose headers are both missing or
// empty, as GraphiQL's header editor sends them, gets fallback. A secret key
// without an access token is an error, and an access token alone is
// credentials with no secret key, which some endpoints accept.
func credentialsFrom(h http.Header, fallback cognism.Credentials) (cognism.Credentials, error) {
	token := h.Get("X-API-AccessToken")
	secret := h.Get("X-API-SecretKey")
	switch {
	case token == "" && secret == "":
		return fallback, nil
	case token == "":
		return cognism.Credentials{}, errMissingAccessToken
	}
	return cognism.Credentials{AccessToken: token, SecretKey: secret}, nil
}
