package graph

import (
	"context"
	"errors"
	"strings"
	"time"

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
// connections mode), and the middleware that serves subscriptions. It
// returns the websocket transport.
func addLiveTransports(srv *handler.Server, cfg *Config) *live.Transport {
	timings := cfg.Sockets.withDefaults()
	check := live.NewCredentialCheck(live.ClientUpstream(cfg.Client), credentialTTL)

	sockets := live.NewTransport(live.SocketConfig{
		Origins:       live.NewOriginPolicy(cfg.AllowedOrigins),
		Init:          socketInit(cfg, check),
		ReadLimit:     maxSocketMessage,
		InitTimeout:   timings.InitTimeout,
		KeepAlive:     timings.KeepAlive,
		PingInterval:  timings.PingInterval,
		MaxOperations: cfg.MaxSocketOperations,
		Logger:        cfg.Logger,
	})
	srv.AddTransport(sockets)
	srv.AddTransport(transport.SSE{KeepAlivePingInterval: timings.KeepAlive})
	srv.AroundOperations(trackLiveStreams)
	srv.AroundResponses(liveResponses(cfg))
	return sockets
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
func socketInit(cfg *Config, check *live.CredentialCheck) live.InitFunc {
	return func(ctx context.Context, payload map[string]any) (context.Context, error) {
		creds, ok, err := initCredentials(payload)
		if err != nil {
			cfg.Logger.InfoContext(ctx, "websocket rejected: invalid credential fields", "error", err)
			return nil, err
		}
		if !ok {
			if err, bad := ctx.Value(upgradeCredentialKey{}).(error); bad {
				cfg.Logger.InfoContext(ctx, "websocket rejected: invalid upgrade headers", "error", err)
				return nil, &CredentialError{Reason: err.Error()}
			}
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
				return nil, errForbidden
			}
		}

		// Each response builds a scope of its own, so the connection's
		// scope is lazy: an idle connection holds no loaders.
		ctx = context.WithValue(cognism.WithCredentials(ctx, creds), socketKey{}, true)
		return withLazyScope(ctx, cfg), nil
	}
}

// upgradeCredentialKey marks the context of a websocket upgrade whose
// credential headers are invalid. Its value is the error, which closes
// the socket with 4403 unless connection_init sends credentials.
type upgradeCredentialKey struct{}

// CredentialError is an invalid credential field of a connection_init
// payload or of the upgrade request's headers.
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
func initCredentials(payload map[string]any) (cognism.Credentials, bool, error) {
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
func nestedHeaders(payload map[string]any) (map[string]any, error) {
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
