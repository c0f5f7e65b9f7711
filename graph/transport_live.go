package graph

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/live"
)

// Defaults of SocketTimings.
const (
	DefaultInitTimeout  = 10 * time.Second
	DefaultKeepAlive    = 15 * time.Second
	DefaultPingInterval = 15 * time.Second
)

// maxSocketMessage is the read limit of one websocket message.
const maxSocketMessage = 1 << 20

// credentialTTL is how long a credential check of connection_init is
// remembered.
const credentialTTL = time.Minute

// SocketTimings are the timers of the live transports. Zero fields take
// the defaults.
type SocketTimings struct {
	// InitTimeout is how long a websocket client has to send
	// connection_init; DefaultInitTimeout.
	InitTimeout time.Duration
	// KeepAlive is the period of "ka" messages on the legacy graphql-ws
	// protocol and of comment lines on SSE; DefaultKeepAlive.
	KeepAlive time.Duration
	// PingInterval is the period of pings on graphql-transport-ws. A peer
	// that sends no pong for two periods is disconnected;
	// DefaultPingInterval.
	PingInterval time.Duration
}

func (t SocketTimings) withDefaults() SocketTimings {
	if t.InitTimeout <= 0 {
		t.InitTimeout = DefaultInitTimeout
	}
	if t.KeepAlive <= 0 {
		t.KeepAlive = DefaultKeepAlive
	}
	if t.PingInterval <= 0 {
		t.PingInterval = DefaultPingInterval
	}
	return t
}

// socketKey marks the context of a websocket connection, whose operations
// each get a fresh request scope.
type socketKey struct{}

// addLiveTransports adds the websocket transport (graphql-transport-ws and
// the legacy graphql-ws protocol) and SSE (graphql-sse's distinct
// connections mode), and the middleware that serves subscriptions.
func addLiveTransports(srv *handler.Server, cfg *Config) {
	timings := cfg.Sockets.withDefaults()
	origins := live.NewOriginPolicy(cfg.AllowedOrigins)
	readLimit := int64(maxSocketMessage)
	check := live.NewCredentialCheck(live.ClientUpstream(cfg.Client), credentialTTL)

	// TODO: gqlgen v0.17.98 keeps three goroutines per connection: the read
	// loop, a close watcher and one per operation. They hold about 16 KiB of
	// stack on an idle subscriber, and fewer needs our own transport.
	ws := transport.Websocket{
		Implementation: live.NewSockets(live.SocketConfig{
			Origins:       origins,
			InitTimeout:   timings.InitTimeout,
			KeepAlive:     timings.KeepAlive,
			PingInterval:  timings.PingInterval,
			MaxOperations: cfg.MaxSocketOperations,
			Logger:        cfg.Logger,
		}),
		InitFunc:         socketInit(cfg, check),
		PayloadReadLimit: &readLimit,
		ErrorFunc: func(ctx context.Context, err error) {
			cfg.Logger.InfoContext(ctx, "websocket connection failed", "error", err)
		},
		CloseFunc: func(ctx context.Context, code int) {
			cfg.Logger.DebugContext(ctx, "websocket connection closed", "code", code)
		},
	}
	srv.AddTransport(originGuard{Websocket: ws, origins: origins, logger: cfg.Logger})
	srv.AddTransport(transport.SSE{KeepAlivePingInterval: timings.KeepAlive})
	srv.AroundOperations(trackLiveStreams)
	srv.AroundResponses(liveResponses(cfg))
}

// originGuard rejects a websocket upgrade from a disallowed origin with 403
// before the transport tries to upgrade it.
type originGuard struct {
	transport.Websocket
	origins live.OriginPolicy
	logger  *slog.Logger
}

// Do serves the websocket unless its origin is disallowed.
func (g originGuard) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if !g.origins.Allow(r) {
		http.Error(w, "websocket origin not allowed; add it to ALLOWED_ORIGINS", http.StatusForbidden)
		return
	}
	upgraded := make(chan struct{})
	ctx := live.WithUpgradeNotice(context.WithoutCancel(r.Context()), func() { close(upgraded) })
	done := make(chan struct{})
	go g.serve(w, r.WithContext(ctx), exec, done)
	select {
	case <-upgraded:
	case <-done:
	}
}

// serve runs the websocket transport on a goroutine of its own. Once the
// connection is upgraded, Do returns and net/http drops its state of the
// connection, its buffers and the handler goroutine's stack, which idle
// websockets would otherwise hold for their lifetime. The connection's
// context is detached from the request's, which net/http cancels when the
// handler returns; the transport cancels its own when the socket ends.
//
// The deferred function must not refer to w or r, so that they are freed
// once Do no longer uses them.
func (g originGuard) serve(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, done chan struct{}) {
	defer close(done)
	defer func() {
		// net/http no longer recovers a panic here, so the process would
		// end; log it as net/http would instead.
		if p := recover(); p != nil {
			g.logger.Error("websocket connection panicked", "panic", p, "stack", string(debug.Stack()))
		}
	}()
	g.Websocket.Do(w, r, exec)
}

// errForbidden rejects a connection_init with bad credentials; the socket
// is then closed with 4403.
var errForbidden = errors.New("Forbidden: the access token or secret key was rejected")

// socketInit reads the credentials of connection_init (accessToken and
// secretKey, or the X-API-AccessToken and X-API-SecretKey header names, at
// the top of the payload or under "headers"), else keeps those of the
// upgrade request, and checks them upstream before connection_ack. The
// default account applies only when neither sends a credential. A value
// that is not a string, or a secret key without an access token, closes
// the socket with 4403.
func socketInit(cfg *Config, check *live.CredentialCheck) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		creds, ok, err := initCredentials(payload)
		if err != nil {
			cfg.Logger.InfoContext(ctx, "websocket rejected: invalid credential fields", "error", err)
			return forbid(ctx, err)
		}
		if !ok {
			creds, _ = cognism.CredentialsFromContext(ctx)
		}
		if creds.IsZero() {
			creds = cfg.DefaultCredentials
		}

		if err := check.Check(ctx, creds); err != nil {
			if !errors.Is(err, live.ErrInvalidCredentials) {
				cfg.Logger.WarnContext(ctx, "websocket credential check failed; accepting the connection",
					"error", err)
			} else {
				cfg.Logger.InfoContext(ctx, "websocket rejected: invalid credentials")
				return forbid(ctx, errForbidden)
			}
		}

		// Each response builds a scope of its own, so the connection's
		// scope is lazy: an idle connection holds no loaders.
		ctx = context.WithValue(cognism.WithCredentials(ctx, creds), socketKey{}, true)
		return withLazyScope(ctx, cfg), nil, nil
	}
}

// forbid closes the socket with 4403 and err as the reason.
func forbid(ctx context.Context, err error) (context.Context, *transport.InitPayload, error) {
	ctx = transport.WithWebsocketCloseCode(ctx, live.CloseForbidden)
	return transport.AppendCloseReason(ctx, err.Error()), nil, err
}

// CredentialError is an invalid credential field of a connection_init
// payload.
type CredentialError struct {
	Reason string
}

// Error returns the reason with the Forbidden prefix of close reasons.
func (e *CredentialError) Error() string {
	return "Forbidden: " + e.Reason
}

// initCredentials finds credentials in a connection_init payload, first at
// its top and then under "headers". It reports false when the payload
// contains none, counting empty strings as absent.
func initCredentials(payload transport.InitPayload) (cognism.Credentials, bool, error) {
	headers, err := nestedHeaders(payload)
	if err != nil {
		return cognism.Credentials{}, false, err
	}
	for _, fields := range []map[string]any{payload, headers} {
		token, err := lookupFold(fields, "accessToken", "X-API-AccessToken")
		if err != nil {
			return cognism.Credentials{}, false, err
		}
		secret, err := lookupFold(fields, "secretKey", "X-API-SecretKey")
		if err != nil {
			return cognism.Credentials{}, false, err
		}
		switch {
		case token != "":
			return cognism.Credentials{AccessToken: token, SecretKey: secret}, true, nil
		case secret != "":
			return cognism.Credentials{}, false, &CredentialError{
				Reason: "send accessToken with secretKey, or send neither to use the gateway's default account",
			}
		}
	}
	return cognism.Credentials{}, false, nil
}

// nestedHeaders returns the "headers" object of a payload, nil when absent.
func nestedHeaders(payload transport.InitPayload) (map[string]any, error) {
	value, ok := payload["headers"]
	if !ok || value == nil {
		return nil, nil
	}
	headers, ok := value.(map[string]any)
	if !ok {
		return nil, &CredentialError{Reason: "headers must be an object of header names to strings"}
	}
	return headers, nil
}

// lookupFold returns the first non-empty string among names, which match
// keys case-insensitively as header names do. A matching key whose value
// is neither a string nor null is an error.
func lookupFold(fields map[string]any, names ...string) (string, error) {
	found := ""
	for _, name := range names {
		for key, value := range fields {
			if !strings.EqualFold(key, name) || value == nil {
				continue
			}
			s, ok := value.(string)
			if !ok {
				return "", &CredentialError{Reason: key + " must be a string"}
			}
			if found == "" {
				found = s
			}
		}
	}
	return found, nil
}
