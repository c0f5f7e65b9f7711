package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/loader"
	"github.com/cognism/graphql-gateway/graph/scalar"
)

// Error codes the gateway puts in extensions.code.
const (
	CodeBadUserInput        = "BAD_USER_INPUT"
	CodeUnauthenticated     = "UNAUTHENTICATED"
	CodeForbidden           = "FORBIDDEN"
	CodeNotFound            = "NOT_FOUND"
	CodeRateLimited         = "RATE_LIMITED"
	CodeUpstreamUnavailable = "UPSTREAM_UNAVAILABLE"
	CodeUpstreamTimeout     = "UPSTREAM_TIMEOUT"
	CodeUpstreamError       = "UPSTREAM_ERROR"
	CodeUpstreamBudget      = "UPSTREAM_BUDGET_EXCEEDED"
	CodeInternal            = "INTERNAL_SERVER_ERROR"
	// CodeRequestCancelled marks fields left unresolved because the client
	// went away; it shows in the operation's log line, not to the client.
	CodeRequestCancelled = "REQUEST_CANCELLED"
)

// InputError is an argument the gateway rejects before calling upstream.
type InputError struct {
	Argument string // such as "first" or "filter.rule"
	Reason   string // what is wrong and what is expected
}

// Error names the argument and the reason.
func (e *InputError) Error() string {
	return fmt.Sprintf("invalid argument %s: %s", e.Argument, e.Reason)
}

// UpstreamBudgetError is an upstream call rejected before it was sent,
// because its operation had already made Config.MaxUpstreamCalls calls.
type UpstreamBudgetError struct {
	Max int64 // the operation's upstream call budget
}

// Error describes the budget and how to stay within it.
func (e *UpstreamBudgetError) Error() string {
	return fmt.Sprintf("the operation needed more than %d upstream calls, the limit per operation: "+
		"request fewer items, with a smaller first or fewer nested joins", e.Max)
}

// Unretryable reports true: the cognism client does not retry a call over
// the budget, because every attempt would be over it too.
func (e *UpstreamBudgetError) Unretryable() bool { return true }

func inputErrorf(argument, format string, args ...any) *InputError {
	return &InputError{Argument: argument, Reason: fmt.Sprintf(format, args...)}
}

// classification is the code, status and message clients see for one
// error.
type classification struct {
	code    string
	status  int // HTTP status of the upstream response, or the closest one
	message string
}

// classify maps an error from a resolver to a code, a status and a message
// built from the error's fields, which names no upstream host, base path or
// Go type.
func classify(err error) classification {
	var (
		apiErr       *cognism.APIError
		decodeErr    *cognism.DecodeError
		transportErr *cognism.TransportError
		inputErr     *InputError
		scalarErr    *scalar.InputError
		ruleErr      *cognism.RuleError
		netErr       net.Error
		panicErr     *loader.PanicError
		budgetErr    *UpstreamBudgetError
	)
	switch {
	case errors.As(err, &budgetErr):
		// 422 rather than 429: the same operation exceeds the budget again
		// however long the client waits.
		return classification{CodeUpstreamBudget, http.StatusUnprocessableEntity, budgetErr.Error()}
	case errors.As(err, &inputErr), errors.As(err, &scalarErr), errors.As(err, &ruleErr),
		isClientValidation(err):
		return classification{CodeBadUserInput, http.StatusBadRequest, trimPrefix(err.Error())}
	case errors.As(err, &apiErr):
		return classifyAPIError(apiErr)
	case errors.As(err, &decodeErr):
		return classification{
			CodeUpstreamError, http.StatusBadGateway,
			fmt.Sprintf("upstream response of %s is malformed: %s",
				decodeErr.Endpoint, describeDecodeFailure(decodeErr.Err)),
		}
	case errors.As(err, &transportErr):
		return classifyTransportError(transportErr)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return classification{CodeUpstreamTimeout, http.StatusGatewayTimeout, "upstream request timed out"}
	case errors.Is(err, context.Canceled):
		return classification{
			CodeRequestCancelled, statusClientClosedRequest,
			"request cancelled by the client before upstream answered",
		}
	case errors.As(err, &netErr):
		return classification{CodeUpstreamUnavailable, http.StatusServiceUnavailable, "upstream unreachable"}
	case errors.As(err, &panicErr):
		return classification{CodeInternal, http.StatusInternalServerError, "internal server error"}
	}
	return classification{CodeInternal, http.StatusInternalServerError, "internal server error"}
}

// statusClientClosedRequest is the status logs commonly use for a request
// its client abandoned; net/http has no name for it.
const statusClientClosedRequest = 499

// classifyAPIError maps an upstream HTTP status to a code, with a message
// naming the request's method and API path and the upstream's own message.
func classifyAPIError(e *cognism.APIError) classification {
	code := CodeUpstreamError
	switch {
	case errors.Is(e, cognism.ErrBadRequest):
		code = CodeBadUserInput
	case errors.Is(e, cognism.ErrUnauthorized):
		code = CodeUnauthenticated
	case errors.Is(e, cognism.ErrForbidden):
		code = CodeForbidden
	case errors.Is(e, cognism.ErrNotFound):
		code = CodeNotFound
	case errors.Is(e, cognism.ErrRateLimited):
		code = CodeRateLimited
	case e.StatusCode == http.StatusGatewayTimeout:
		code = CodeUpstreamTimeout
	case errors.Is(e, cognism.ErrUnavailable):
		code = CodeUpstreamUnavailable
	}

	// The cognism client has already replaced whole-word credentials in
	// e.Message with REDACTED.
	detail := e.Message
	if detail == "" {
		detail = e.Title
	}
	if code == CodeUnauthenticated {
		// A 401 message may echo the rejected token, so a fixed text
		// replaces it.
		detail = "the access token or secret key was rejected; " +
			"check the X-API-AccessToken and X-API-SecretKey headers"
	}
	msg := fmt.Sprintf("upstream request %s %s failed with status %d",
		e.Method, apiPath(e.Path), e.StatusCode)
	if detail != "" {
		msg += ": " + detail
	}
	return classification{code, e.StatusCode, msg}
}

// classifyTransportError maps a call that got no response to a timeout or
// an unavailable upstream, naming the endpoint template but not the host.
func classifyTransportError(e *cognism.TransportError) classification {
	if e.Timeout() {
		return classification{
			CodeUpstreamTimeout, http.StatusGatewayTimeout,
			fmt.Sprintf("upstream request %s failed: timed out", e.Endpoint),
		}
	}
	return classification{
		CodeUpstreamUnavailable, http.StatusServiceUnavailable,
		fmt.Sprintf("upstream request %s failed: %s", e.Endpoint, describeNetworkFailure(e.Err)),
	}
}

// apiPath returns the API part of an upstream request path, without the
// query and the base URL's path prefix.
func apiPath(path string) string {
	path, _, _ = strings.Cut(path, "?")
	if i := strings.Index(path, "/api/"); i > 0 {
		path = path[i:]
	}
	return path
}

// describeNetworkFailure names a network failure in plain words, without
// the addresses a net.OpError carries.
func describeNetworkFailure(err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return "host lookup failed"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed before a response"
	}
	return "network error"
}

// describeDecodeFailure names a decoding failure in plain words, without
// the Go type names of encoding/json's errors.
func describeDecodeFailure(err error) string {
	var (
		typeErr   *json.UnmarshalTypeError
		syntaxErr *json.SyntaxError
	)
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return fmt.Sprintf("field %s has an unexpected %s value", typeErr.Field, typeErr.Value)
	case errors.As(err, &typeErr):
		return fmt.Sprintf("unexpected %s value", typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("invalid JSON at byte %d", syntaxErr.Offset)
	}
	return "the body does not have the documented format"
}

// isClientValidation reports the cognism client's own input checks, which
// fail before any request is sent.
func isClientValidation(err error) bool {
	for _, target := range []error{
		cognism.ErrEmptyPersonSearch, cognism.ErrIncompleteEnrichment,
		cognism.ErrEmptyPipeline, cognism.ErrNoSources, cognism.ErrEmptySubscriptionID,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

func trimPrefix(msg string) string {
	return strings.TrimPrefix(msg, "cognism: ")
}

// errorPresenter returns presentError, logging first the panics that
// loaders recovered, with their stacks, since clients see only an internal
// error.
func errorPresenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var panicErr *loader.PanicError
		if errors.As(err, &panicErr) {
			logger.ErrorContext(ctx, "loader call panicked",
				"panic", fmt.Sprint(panicErr.Value), "stack", string(panicErr.Stack))
		}
		gqlErr := presentError(ctx, err)
		if gqlErr.Extensions["code"] == CodeInternal && panicErr == nil {
			logger.ErrorContext(ctx, "resolver failed", "error", err)
		}
		return gqlErr
	}
}

// addFieldLocation sets the location of an argument error that has none to
// the position of the field the argument belongs to, so that a client can
// point at it in the document.
func addFieldLocation(ctx context.Context, gqlErr *gqlerror.Error) {
	fc := graphql.GetFieldContext(ctx)
	if len(gqlErr.Locations) > 0 || fc == nil || fc.Field.Field == nil || fc.Field.Position == nil {
		return
	}
	gqlErr.Locations = []gqlerror.Location{{Line: fc.Field.Position.Line, Column: fc.Field.Position.Column}}
}

// presentError turns a resolver error into a GraphQL error at the field's
// path with extensions.code and extensions.status. Errors that gqlgen
// already coded (parse and validation failures) keep their code.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	if gqlErr.Extensions != nil && gqlErr.Extensions["code"] != nil {
		return gqlErr
	}
	inner := errors.Unwrap(gqlErr)
	if inner == nil {
		inner = err
	}
	if graphql.GetFieldContext(ctx) == nil && !isGatewayError(inner) {
		return gqlErr // a request-level failure such as an unreadable body
	}
	c := classify(inner)
	switch {
	case isInputError(inner):
		gqlErr.Message, gqlErr.Path = argumentMessage(ctx, gqlErr, inner)
		addFieldLocation(ctx, gqlErr)
	case insideArguments(ctx, gqlErr):
		// gqlgen rejected an argument's value, such as an unknown enum
		// value inside an input object, before the resolver ran.
		gqlErr.Message, gqlErr.Path = argumentMessage(ctx, gqlErr, inner)
		addFieldLocation(ctx, gqlErr)
		c = classification{CodeBadUserInput, http.StatusBadRequest, gqlErr.Message}
	default:
		gqlErr.Message = c.message
	}
	if gqlErr.Extensions == nil {
		gqlErr.Extensions = map[string]any{}
	}
	gqlErr.Extensions["code"] = c.code
	gqlErr.Extensions["status"] = c.status
	return gqlErr
}

// isGatewayError reports errors the gateway or the cognism client raised.
func isGatewayError(err error) bool {
	var (
		apiErr    *cognism.APIError
		decodeErr *cognism.DecodeError
		inputErr  *InputError
		budgetErr *UpstreamBudgetError
	)
	return errors.As(err, &apiErr) || errors.As(err, &decodeErr) || errors.As(err, &inputErr) ||
		errors.As(err, &budgetErr) || isInputError(err)
}

func isInputError(err error) bool {
	var scalarErr *scalar.InputError
	return errors.As(err, &scalarErr)
}

// insideArguments reports an error located below the field being
// resolved, which gqlgen places at the path of an argument's value.
func insideArguments(ctx context.Context, gqlErr *gqlerror.Error) bool {
	fc := graphql.GetFieldContext(ctx)
	return fc != nil && len(gqlErr.Path) > len(fc.Path())
}

// argumentMessage names the argument whose scalar value was rejected. gqlgen
// reports such errors at the field path followed by the argument path; the
// response path stops at the field.
func argumentMessage(ctx context.Context, gqlErr *gqlerror.Error, err error) (string, ast.Path) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return err.Error(), gqlErr.Path
	}
	fieldPath := fc.Path()
	if len(gqlErr.Path) <= len(fieldPath) {
		return err.Error(), gqlErr.Path
	}
	var parts []string
	for _, el := range gqlErr.Path[len(fieldPath):] {
		switch el := el.(type) {
		case ast.PathName:
			parts = append(parts, string(el))
		case ast.PathIndex:
			parts = append(parts, fmt.Sprintf("[%d]", int(el)))
		}
	}
	arg := strings.ReplaceAll(strings.Join(parts, "."), ".[", "[")
	if name := variableAt(fc.Field.Arguments, gqlErr.Path[len(fieldPath):]); name != "" {
		arg += " (variable $" + name + ")"
	}
	return fmt.Sprintf("invalid argument %s: %s", arg, err), fieldPath
}

// variableAt returns the name of the variable that supplies the argument
// value at path, or one of the values containing it, or "" when the
// document writes the value out.
func variableAt(args ast.ArgumentList, path ast.Path) string {
	if len(path) == 0 {
		return ""
	}
	name, ok := path[0].(ast.PathName)
	if !ok {
		return ""
	}
	arg := args.ForName(string(name))
	if arg == nil {
		return ""
	}
	value := arg.Value
	for _, el := range path[1:] {
		if value == nil || value.Kind == ast.Variable {
			break
		}
		switch el := el.(type) {
		case ast.PathName:
			value = value.Children.ForName(string(el))
		case ast.PathIndex:
			if el < 0 || int(el) >= len(value.Children) {
				return ""
			}
			value = value.Children[el].Value
		}
	}
	if value == nil || value.Kind != ast.Variable {
		return ""
	}
	return value.Raw
}
