package graph

import (
	"errors"
	"log/slog"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/loader"
)

// Defaults of the Config limits.
const (
	DefaultMaxBodyBytes    = 1 << 20
	DefaultMaxDepth        = 12
	DefaultComplexityLimit = 20000
	DefaultParserTokens    = 15000
	DefaultMaxFields       = 5000
	// DefaultMaxUpstreamCalls is above the 200 calls of the largest
	// benchmark query at full sandbox scale, and below the one call per
	// person of a people list that joins each person's events.
	DefaultMaxUpstreamCalls = 250
)

// Config sets up the GraphQL handler.
type Config struct {
	// Client calls the Cognism API; required. Build its HTTP client with
	// CountUpstreamCalls to have upstream calls counted per operation.
	Client *cognism.Client
	// DefaultCredentials are used when a request's X-API-AccessToken and
	// X-API-SecretKey headers are both missing or empty.
	DefaultCredentials cognism.Credentials
	// UpstreamConcurrency bounds the upstream calls each loader runs at a
	// time; zero means loader.DefaultConcurrency.
	UpstreamConcurrency int
	// BatchWait is the loaders' batch window; zero means loader.DefaultWait.
	BatchWait time.Duration
	// MaxUpstreamCalls caps the upstream calls of one operation: an HTTP
	// request, or one event of a subscription. A call over the cap fails
	// its field with an *UpstreamBudgetError and is not sent. Zero means
	// DefaultMaxUpstreamCalls and a negative value means no cap. Only a
	// client built with CountUpstreamCalls enforces it on every call.
	MaxUpstreamCalls int
	// Unbatched turns the loaders' batching and caching off, to measure
	// what they save. Never set it in production.
	Unbatched bool

	// MaxBodyBytes caps a request body; zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxDepth caps the nesting of selections, introspection excluded;
	// zero means DefaultMaxDepth.
	MaxDepth int
	// ComplexityLimit caps an operation's complexity, where a list field
	// with first counts its children first times; zero means
	// DefaultComplexityLimit.
	ComplexityLimit int
	// MaxFields caps the fields an operation expands to, each fragment
	// spread counting its fragment's fields; zero means DefaultMaxFields.
	MaxFields int

	// Logger receives one line per operation; nil means slog.Default().
	Logger *slog.Logger

	// Live feeds the subscriptions; nil turns them off.
	Live LiveSource
	// WebhookCallbackURL returns the gateway's webhook URL for a trigger
	// subscription id; nil makes a callback required on create.
	WebhookCallbackURL func(subscriptionID string) string
	// AllowedOrigins lists the browser origins, such as
	// https://dash.example.com or "*", that may open a websocket and read
	// responses through CORS besides the gateway's own. Empty means the
	// same origin and localhost. Clients that send no Origin, which
	// browsers always send, are accepted.
	AllowedOrigins []string
	// Sockets overrides the websocket and SSE timers.
	Sockets SocketTimings
	// MaxSocketOperations caps the operations one websocket runs at a
	// time; zero means live.DefaultMaxSocketOperations.
	MaxSocketOperations int
	// News sets the defaults of Company.news.
	News NewsDefaults
}

func (c *Config) withDefaults() (*Config, error) {
	if c.Client == nil {
		return nil, errors.New("graph: Config.Client is required")
	}
	out := *c
	if out.MaxBodyBytes <= 0 {
		out.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if out.MaxDepth <= 0 {
		out.MaxDepth = DefaultMaxDepth
	}
	if out.ComplexityLimit <= 0 {
		out.ComplexityLimit = DefaultComplexityLimit
	}
	if out.MaxFields <= 0 {
		out.MaxFields = DefaultMaxFields
	}
	if out.MaxUpstreamCalls == 0 {
		out.MaxUpstreamCalls = DefaultMaxUpstreamCalls
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	return &out, nil
}

func (c *Config) loaderOptions() loader.Options {
	return loader.Options{
		Concurrency: c.UpstreamConcurrency,
		Wait:        c.BatchWait,
		Unbatched:   c.Unbatched,
		Admit:       checkUpstreamBudget,
	}
}
