package graph

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cognism/graphql-gateway/graph/generated"
)

// NewHandler returns the GraphQL endpoint: GET and POST per the
// GraphQL-over-HTTP spec, the live transports, and per request the
// caller's credentials and a fresh set of loaders on the context.
func NewHandler(cfg Config) (http.Handler, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}

	srv := handler.New(NewExecutableSchema(c))
	addLiveTransports(srv, c)
	srv.AddTransport(transport.Options{AllowedMethods: []string{"GET", "POST", "OPTIONS"}})
	srv.AddTransport(getTransport{})
	srv.AddTransport(transport.POST{})

	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(DefaultParserTokens)
	srv.Use(documentCheck{maxFields: c.MaxFields, tokens: DefaultParserTokens})
	srv.Use(extension.Introspection{})
	srv.Use(extension.FixedComplexityLimit(c.ComplexityLimit))
	srv.Use(depthLimit{max: c.MaxDepth})
	srv.SetErrorPresenter(errorPresenter(c.Logger))
	srv.SetRecoverFunc(recoverFunc(c))
	srv.AroundResponses(logOperation(c))

	return requestMiddleware(c, srv), nil
}

// NewExecutableSchema returns the executable schema over a Resolver built
// from cfg, with list fields counted first times by the complexity limit.
func NewExecutableSchema(cfg *Config) graphql.ExecutableSchema {
	resolver := &Resolver{
		Client:             cfg.Client,
		Live:               cfg.Live,
		WebhookCallbackURL: cfg.WebhookCallbackURL,
		News:               cfg.News,
		loaderOptions:      cfg.loaderOptions(),
	}
	gc := generated.Config{Resolvers: resolver}
	setComplexity(&gc.Complexity)
	return generated.NewExecutableSchema(gc)
}

// requestMiddleware reads the body up to the size limit, then puts the credentials and fresh
// loaders on the request's context.
func requestMiddleware(cfg *Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > cfg.MaxBodyBytes {
			writeHTTPError(w, http.StatusRequestEntityTooLarge,
				fmt.Sprintf("request body is larger than %d bytes", cfg.MaxBodyBytes))
			return
		}
		if r.Body != nil && r.Body != http.NoBody && r.Header.Get("Upgrade") == "" {
			body, err := io.ReadAll(io.LimitReader(r.Body, cfg.MaxBodyBytes+1))
			if err != nil {
				writeHTTPError(w, http.StatusBadRequest, "could not read the request body")
				return
			}
			if int64(len(body)) > cfg.MaxBodyBytes {
				writeHTTPError(w, http.StatusRequestEntityTooLarge,
					fmt.Sprintf("request body is larger than %d bytes", cfg.MaxBodyBytes))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}

		creds, err := credentialsFrom(r.Header, cfg.DefaultCredentials)
		if err != nil {
			writeCodedHTTPError(w, http.StatusUnauthorized, CodeUnauthenticated, err.Error())
			return
		}
		ctx := withRequestScope(r.Context(), cfg, creds)
		if isPlainHTTP(r) {
			w = &jsonStatusWriter{ResponseWriter: w}
			ctx = context.WithValue(ctx, plainHTTPKey{}, true)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// isPlainHTTP reports a request that is neither a websocket upgrade nor an
// SSE stream, whose response writer may be wrapped.
func isPlainHTTP(r *http.Request) bool {
	return r.Header.Get("Upgrade") == "" &&
		!strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

type plainHTTPKey struct{}

// isPlainHTTPRequest reports whether ctx belongs to a plain HTTP request,
// which cannot stream a subscription's events.
func isPlainHTTPRequest(ctx context.Context) bool {
	plain, _ := ctx.Value(plainHTTPKey{}).(bool)
	return plain
}

// jsonStatusWriter sends 200 instead of gqlgen's 422 for documents that
// fail to parse or validate when the response is application/json, as the
// GraphQL-over-HTTP spec asks for that media type. Responses in
// application/graphql-response+json keep their 4xx status.
type jsonStatusWriter struct {
	http.ResponseWriter
}

// WriteHeader rewrites 422 for application/json responses.
func (w *jsonStatusWriter) WriteHeader(status int) {
	if status == http.StatusUnprocessableEntity &&
		strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		status = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *jsonStatusWriter) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}

// writeHTTPError writes a GraphQL-shaped error response for a request that
// never reached the executor.
func writeHTTPError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `{"errors":[{"message":%s}]}`, strconv.Quote(message))
}

// writeCodedHTTPError writes an error response like writeHTTPError, with
// code in the error's extensions.
func writeCodedHTTPError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `{"errors":[{"message":%s,"extensions":{"code":%s}}]}`,
		strconv.Quote(message), strconv.Quote(code))
}

// recoverFunc turns a panic in a resolver into an internal error at the
// field, logged with its stack; the server keeps serving.
func recoverFunc(cfg *Config) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		cfg.Logger.ErrorContext(ctx, "resolver panicked",
			"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &gqlerror.Error{
			Message:    "internal server error",
			Extensions: map[string]any{"code": CodeInternal},
		}
	}
}
