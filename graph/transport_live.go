package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/cognism/graphql-gateway/cognism"
)

// addLiveTransports adds the websocket transport for subscriptions. The
// connection_init payload may carry X-API-AccessToken and X-API-SecretKey;
// without them the upgrade request's credentials apply. The default
// websocket implementation accepts same-origin requests only.
func addLiveTransports(srv *handler.Server, cfg *Config) {
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           10 * time.Second,
		InitFunc: func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			token := payload.GetString("X-API-AccessToken")
			if token == "" {
				return ctx, nil, nil
			}
			creds := cognism.Credentials{AccessToken: token, SecretKey: payload.GetString("X-API-SecretKey")}
			return withRequestScope(ctx, cfg, creds), nil, nil
		},
	})
}
