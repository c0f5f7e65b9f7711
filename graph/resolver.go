package graph

import (
	"context"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/live"
	"github.com/cognism/graphql-gateway/graph/loader"
)

// Resolver is the root of the GraphQL resolvers. Root fields call the
// cognism client; fields that join call the request's loaders.
type Resolver struct {
	// Client calls the Cognism API with the credentials on the context.
	Client *cognism.Client
	// Live feeds the liveEvents and triggerFired subscriptions; nil turns
	// them off.
	Live LiveSource
	// WebhookCallbackURL returns the gateway's own webhook URL for a trigger
	// subscription id. A trigger subscription created without a callback
	// points there; nil makes the callback required.
	WebhookCallbackURL func(subscriptionID string) string
	// News sets the defaults of Company.news.
	News NewsDefaults

	loaderOptions loader.Options
}

// LiveSource feeds the Subscription resolvers; *LiveHub implements it.
// A subscription's channel closes when it is closed or when the source
// ends it, and its Err then returns why.
type LiveSource interface {
	// Subscribe streams the upstream events that match rule, read with
	// creds. Subscribers with the same creds and rule share one upstream
	// socket.
	Subscribe(creds cognism.Credentials, rule cognism.Rule) (*live.Subscription[*LiveEvent], error)
	// SubscribeTrigger streams the events the gateway's webhook receives
	// for the trigger subscription with that id.
	SubscribeTrigger(subscriptionID string) (*live.Subscription[*LiveEvent], error)
}

// loaders returns the request's loaders, or a fresh set for a context that
// carries none, such as a subscription started without the middleware.
func (r *Resolver) loaders(ctx context.Context) *loader.Loaders {
	if l := For(ctx); l != nil {
		return l
	}
	return loader.New(r.Client, r.loaderOptions)
}
