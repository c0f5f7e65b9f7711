package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/graph/live"
)

// liveEvents is the wiring of live events: the hub behind the Subscription
// resolvers and the webhook intake of trigger callbacks.
type liveEvents struct {
	hub           *graph.LiveHub
	webhooks      *live.Webhooks
	origins       []string
	maxOperations int
}

// liveLimits are the subscription limits read from the environment.
type liveLimits struct {
	streamsPerCredential int
	streams              int
	socketOperations     int
}

// liveLimitsFromEnv reads LIVE_MAX_STREAMS_PER_CREDENTIAL,
// LIVE_MAX_STREAMS and LIVE_MAX_SOCKET_OPERATIONS. An unset variable keeps
// the default and -1 lifts the two stream limits.
func liveLimitsFromEnv() (liveLimits, error) {
	var limits liveLimits
	vars := []struct {
		name  string
		value *int
		min   int
	}{
		{"LIVE_MAX_STREAMS_PER_CREDENTIAL", &limits.streamsPerCredential, -1},
		{"LIVE_MAX_STREAMS", &limits.streams, -1},
		{"LIVE_MAX_SOCKET_OPERATIONS", &limits.socketOperations, 1},
	}
	for _, v := range vars {
		raw := os.Getenv(v.name)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < v.min || n == 0 {
			hint := "a positive whole number"
			if v.min < 0 {
				hint += ", or -1 for no limit"
			}
			return liveLimits{}, fmt.Errorf("invalid %s %q: use %s", v.name, raw, hint)
		}
		*v.value = n
	}
	return limits, nil
}

// startLive builds the hub over client and the webhook intake from the
// environment. WEBHOOK_SECRET signs the callback URLs. When it is unset, a
// secret generated on the first run is kept in the file webhook-secret
// beside the sandbox database, so that callback URLs survive restarts.
// PUBLIC_URL is the base of callback URLs, by default the listener's
// address with 127.0.0.1 for an unspecified host. ALLOWED_ORIGINS is a
// comma-separated list of browser origins that may open websockets besides
// the gateway's own and localhost. LIVE_MAX_STREAMS_PER_CREDENTIAL (default
// 50) caps the upstream sockets, one per distinct filter, of one set of
// credentials, LIVE_MAX_STREAMS (default 1000) those of the gateway, and
// LIVE_MAX_SOCKET_OPERATIONS (default 100) the operations of one websocket.
func startLive(client *cognism.Client, addr net.Addr, logger *slog.Logger) (*liveEvents, error) {
	secret, err := webhookSecret(os.Getenv("WEBHOOK_SECRET"), os.Getenv("SANDBOX_DB"))
	if err != nil {
		return nil, err
	}
	limits, err := liveLimitsFromEnv()
	if err != nil {
		return nil, err
	}
	origins, err := live.ParseOrigins(os.Getenv("ALLOWED_ORIGINS"))
	if err != nil {
		return nil, fmt.Errorf("invalid ALLOWED_ORIGINS: %w", err)
	}
	publicURL := os.Getenv("PUBLIC_URL")
	if publicURL == "" {
		publicURL = live.DefaultPublicURL(addr.String())
	}

	hub, err := graph.NewLiveHub(client, live.Config[*graph.LiveEvent]{
		MaxFeedsPerCredential: limits.streamsPerCredential,
		MaxFeeds:              limits.streams,
		Logger:                logger,
	})
	if err != nil {
		return nil, err
	}
	webhooks, err := live.NewWebhooks(hub, secret, publicURL, logger)
	if err != nil {
		hub.Close()
		return nil, fmt.Errorf("invalid PUBLIC_URL: %w", err)
	}
	return &liveEvents{
		hub:           hub,
		webhooks:      webhooks,
		origins:       origins,
		maxOperations: limits.socketOperations,
	}, nil
}

// configure points the GraphQL handler at the hub and the webhook URLs.
func (l *liveEvents) configure(cfg *graph.Config) {
	cfg.Live = l.hub
	cfg.WebhookCallbackURL = l.webhooks.CallbackURL
	cfg.AllowedOrigins = l.origins
	cfg.MaxSocketOperations = l.maxOperations
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
