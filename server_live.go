package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/graph/live"
)

// liveEvents is the wiring of live events: the hub behind the Subscription
// resolvers and the webhook intake of trigger callbacks.
type liveEvents struct {
	hub      *graph.LiveHub
	webhooks *live.Webhooks
	origins  []string
}

// startLive builds the hub over client and the webhook intake from the
// environment. WEBHOOK_SECRET signs the callback URLs. When it is unset, a
// secret generated on the first run is kept in the file webhook-secret
// beside the sandbox database, so that callback URLs survive restarts.
// PUBLIC_URL is the base of callback URLs, by default the listener's
// address with 127.0.0.1 for an unspecified host. ALLOWED_ORIGINS is a
// comma-separated list of browser origins that may open websockets besides
// the gateway's own and localhost.
func startLive(client *cognism.Client, addr net.Addr, logger *slog.Logger) (*liveEvents, error) {
	secret, err := webhookSecret(os.Getenv("WEBHOOK_SECRET"), os.Getenv("SANDBOX_DB"))
	if err != nil {
		return nil, err
	}
	publicURL := os.Getenv("PUBLIC_URL")
	if publicURL == "" {
		publicURL = live.DefaultPublicURL(addr.String())
	}

	hub, err := graph.NewLiveHub(client, live.Config[*graph.LiveEvent]{Logger: logger})
	if err != nil {
		return nil, err
	}
	webhooks, err := live.NewWebhooks(hub, secret, publicURL, logger)
	if err != nil {
		hub.Close()
		return nil, fmt.Errorf("invalid PUBLIC_URL: %w", err)
	}
	return &liveEvents{hub: hub, webhooks: webhooks, origins: live.ParseOrigins(os.Getenv("ALLOWED_ORIGINS"))}, nil
}

// configure points the GraphQL handler at the hub and the webhook URLs.
func (l *liveEvents) configure(cfg *graph.Config) {
	cfg.Live = l.hub
	cfg.WebhookCallbackURL = l.webhooks.CallbackURL
	cfg.AllowedOrigins = l.origins
}

// mount adds the webhook endpoint to mux.
func (l *liveEvents) mount(mux *http.ServeMux) *http.ServeMux {
	mux.Handle(live.WebhookPath, l.webhooks)
	return mux
}

// webhookSecret returns the configured secret, else the one stored beside
// the sandbox database at sandboxDB (default: the cognism-sandbox folder of
// the user's cache directory).
func webhookSecret(configured, sandboxDB string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	dir := filepath.Dir(sandboxDB)
	if sandboxDB == "" || sandboxDB == ":memory:" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return nil, errors.New("no WEBHOOK_SECRET and no cache directory to keep a generated one: set WEBHOOK_SECRET")
		}
		dir = filepath.Join(cache, "cognism-sandbox")
	}
	return live.LoadOrCreateSecret(filepath.Join(dir, "webhook-secret"))
}
