package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/generated"
	"github.com/cognism/graphql-gateway/graph/live"
)

// Handler is the GraphQL endpoint.
type Handler struct {
	http.Handler
	sockets *live.Transport
}

// socketDrain is the time Shutdown gives operations to send their last
// messages before it closes the websockets.
const socketDrain = 2 * time.Second

// Shutdown closes every websocket with 1001 (going away), after the
// operations sent what ends them, such as the SHUTTING_DOWN error of
// subscriptions the live hub ended. Close the hub first. It returns when
// the connections closed or ctx ends. SSE streams end with their HTTP
// requests, as http.Server.Shutdown waits for them.
func (h *Handler) Shutdown(ctx context.Context) error {
	return h.sockets.Shutdown(ctx, socketDrain)
}

// NewHandler returns the GraphQL endpoint: GET and POST per the
// GraphQL-over-HTTP spec, the live transports, and per request the
// caller's credentials and a fresh set of loaders on the context.
func NewHandler(cfg Config) (*Handler, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}

	srv := handler.New(NewExecutableSchema(c))
	sockets := addLiveTransports(srv, c)
	srv.AddTransport(transport.Options{AllowedMethods: []string{"GET", "POST", "OPTIONS"}})
	srv.AddTransport(getTransport{logger: c.Logger})
	srv.AddTransport(postTransport{logger: c.Logger})

	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(DefaultParserTokens)
	srv.Use(documentCheck{maxFields: c.MaxFields, tokens: DefaultParserTokens})
	srv.Use(extension.Introspection{})
	srv.Use(complexityLimit{extension.FixedComplexityLimit(c.ComplexityLimit)})
	srv.Use(depthLimit{max: c.MaxDepth})
	srv.SetErrorPresenter(errorPresenter(c.Logger))
	srv.SetRecoverFunc(recoverFunc(c))
	srv.AroundResponses(logOperation(c))
	srv.AroundResponses(capErrors)

	return &Handler{Handler: withCORS(c, requestMiddleware(c, srv)), sockets: sockets}, nil
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

// allowedMethods are the methods the endpoint serves, as sent in Allow.
const allowedMethods = "GET, POST, OPTIONS"

// requestMiddleware rejects the methods and bodies no transport serves,
// reads the body up to the size limit, then puts the credentials and fresh
// loaders on the request's context, built on first use for streams.
func requestMiddleware(cfg *Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !checkMethod(w, r) {
			return
		}
		if r.Method != http.MethodGet {
			// Only a GET opens a websocket, so an Upgrade header on any
			// other request is ignored, as HTTP lets a server do, and the
			// request is served as plain HTTP.
			r.Header.Del("Upgrade")
		}
		if r.ContentLength > cfg.MaxBodyBytes {
			writeBodyTooLarge(w, cfg.MaxBodyBytes)
			return
		}
		var body []byte
		if r.Body != nil && r.Body != http.NoBody && r.Header.Get("Upgrade") == "" {
			var ok bool
			if body, ok = bufferBody(w, r, cfg.MaxBodyBytes); !ok {
				return
			}
		}
		if r.Method == http.MethodPost && !checkPostBody(w, r, body) {
			return
		}

		creds, err := credentialsFrom(r.Header, cfg.DefaultCredentials)
		if err != nil && r.Header.Get("Upgrade") != "" {
			// Websocket clients see close codes, not HTTP statuses, so
			// connection_init rejects these with 4403 instead.
			r = r.WithContext(context.WithValue(r.Context(), upgradeCredentialKey{}, err))
			creds, err = cognism.Credentials{}, nil
		}
		if err != nil {
			writeCodedHTTPError(w, http.StatusUnauthorized, CodeUnauthenticated, err.Error())
			return
		}
		if !isPlainHTTP(r) {
			// A websocket or SSE stream keeps this context for its life, so
			// its loaders are built only when a resolver first uses them.
			scope := func(ctx context.Context) context.Context {
				return withLazyScope(cognism.WithCredentials(ctx, creds), cfg)
			}
			if r.Header.Get("Upgrade") == "" {
				serveSSE(next, w, r, scope)
				return
			}
			next.ServeHTTP(w, r.WithContext(scope(r.Context())))
			return
		}
		ctx := context.WithValue(withRequestScope(r.Context(), cfg, creds), plainHTTPKey{}, true)
		next.ServeHTTP(&jsonStatusWriter{ResponseWriter: w}, r.WithContext(ctx))
	})
}

// checkMethod rejects methods other than GET, POST and OPTIONS with 405
// and an Allow header, and POST bodies of other media types than JSON with
// 415. It reports whether the request may go on.
func checkMethod(w http.ResponseWriter, r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodOptions:
		return true
	case http.MethodPost:
	default:
		w.Header().Set("Allow", allowedMethods)
		writeCodedHTTPError(w, http.StatusMethodNotAllowed, CodeBadRequest, fmt.Sprintf(
			"method %s is not supported: send queries with GET or POST, mutations with POST", r.Method))
		return false
	}

	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		writeCodedHTTPError(w, http.StatusUnsupportedMediaType, CodeBadRequest, fmt.Sprintf(
			"unsupported Content-Type %s: send a JSON body with Content-Type: application/json",
			truncateInput(r.Header.Get("Content-Type"))))
		return false
	}
	return true
}

// bufferBody reads the request body of at most limit bytes and puts it
// back on r for the transports. It responds with the error and reports
// false when the body cannot be read or is too large.
func bufferBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		writeCodedHTTPError(w, http.StatusBadRequest, CodeBadRequest,
			"could not read the request body; send it again")
		return nil, false
	}
	if int64(len(body)) > limit {
		writeBodyTooLarge(w, limit)
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, true
}

// jsonWhitespace is the set of characters JSON allows around a value.
const jsonWhitespace = " \t\r\n"

// checkPostBody rejects a POST body that is not one GraphQL request object,
// with a message that quotes at most maxEchoedInput characters of it. It
// reports whether the request may go on.
func checkPostBody(w http.ResponseWriter, r *http.Request, body []byte) bool {
	trimmed := bytes.Trim(body, jsonWhitespace)
	if len(trimmed) == 0 {
		writeCodedHTTPError(w, http.StatusBadRequest, CodeBadRequest,
			`request body is empty: send a JSON object with a query, such as {"query": "{ __typename }"}`)
		return false
	}
	if bytes.HasPrefix(trimmed, []byte("[")) {
		writeCodedHTTPError(w, http.StatusBadRequest, CodeBadRequest,
			"batching is not supported: send one operation per request as a JSON object")
		return false
	}

	var params struct {
		Query         *string        `json:"query"`
		OperationName *string        `json:"operationName"`
		Variables     map[string]any `json:"variables"`
		Extensions    map[string]any `json:"extensions"`
	}
	if err := json.Unmarshal(trimmed, &params); err != nil {
		writeCodedHTTPError(w, http.StatusBadRequest, CodeBadRequest, describeBodyError(err, trimmed))
		return false
	}
	if params.Query == nil || strings.TrimSpace(*params.Query) == "" {
		writeCodedHTTPError(w, http.StatusBadRequest, CodeBadRequest,
			`request has no query: set "query" to a GraphQL document, such as {"query": "{ __typename }"}`)
		return false
	}
	return true
}

// describeBodyError explains why a request body does not decode, without
// Go type names and quoting at most maxEchoedInput characters of the body.
func describeBodyError(err error, body []byte) string {
	var (
		typeErr   *json.UnmarshalTypeError
		syntaxErr *json.SyntaxError
	)
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		want := "an object"
		if typeErr.Field == "query" || typeErr.Field == "operationName" {
			want = "a string"
		}
		return fmt.Sprintf("invalid request body: %s must be %s, got %s", typeErr.Field, want, typeErr.Value)
	case errors.As(err, &typeErr):
		return fmt.Sprintf("invalid request body %s: expected a JSON object with a query",
			truncateInput(string(body)))
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("request body is not valid JSON at byte %d: %s",
			syntaxErr.Offset, truncateInput(string(body)))
	}
	return fmt.Sprintf("request body is not valid JSON: %s", truncateInput(string(body)))
}

// maxEchoedInput caps how much of a request's input an error message
// quotes.
const maxEchoedInput = 100

// truncateInput quotes s cut to maxEchoedInput characters.
func truncateInput(s string) string {
	if r := []rune(s); len(r) > maxEchoedInput {
		return strconv.Quote(string(r[:maxEchoedInput])) + "..."
	}
	return strconv.Quote(s)
}

// isPlainHTTP reports a request that is neither a websocket upgrade nor an
// SSE stream, whose response writer may be wrapped.
func isPlainHTTP(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	// Only a POST opens an event stream, because the SSE transport serves
	// no other method, so a GET that accepts one gets a plain response.
	return r.Method != http.MethodPost || !strings.Contains(r.Header.Get("Accept"), "text/event-stream")
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
// GraphQL-over-HTTP spec requires for that media type. Responses in
// application/graphql-response+json keep their 4xx status.
//
// A request that fails before execution has no data, so the "data": null
// that gqlgen writes into its 4xx responses is dropped, as the GraphQL
// spec recommends.
type jsonStatusWriter struct {
	http.ResponseWriter
	failed bool
}

// WriteHeader rewrites 422 for application/json responses. After a 4xx
// status it drops any Content-Length, because Write may shorten the body.
func (w *jsonStatusWriter) WriteHeader(status int) {
	w.failed = status >= 400 && status < 500
	if w.failed {
		w.Header().Del("Content-Length")
	}
	if status == http.StatusUnprocessableEntity &&
		strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		status = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write sends p, without its null data entry after a 4xx status.
func (w *jsonStatusWriter) Write(p []byte) (int, error) {
	if !w.failed {
		return w.ResponseWriter.Write(p)
	}
	if _, err := w.ResponseWriter.Write(withoutNullData(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// withoutNullData returns the JSON object body without a "data" entry that
// is null, or body itself when it is not such an object.
func withoutNullData(body []byte) []byte {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return body
	}
	if data, ok := fields["data"]; !ok || string(data) != "null" {
		return body
	}
	delete(fields, "data")
	out, err := json.Marshal(fields)
	if err != nil {
		return body
	}
	return out
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *jsonStatusWriter) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}

// writeBodyTooLarge rejects a request body over limit bytes with 413.
func writeBodyTooLarge(w http.ResponseWriter, limit int64) {
	writeCodedHTTPError(w, http.StatusRequestEntityTooLarge, CodeQueryTooLarge, fmt.Sprintf(
		"request body is larger than %d bytes, the maximum; send a shorter document and fewer variables",
		limit))
}

// writeCodedHTTPError writes a GraphQL-shaped error response, with code in
// the error's extensions, for a request that never reached the executor.
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
