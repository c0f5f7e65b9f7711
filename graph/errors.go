package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

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
	CodeInternal            = "INTERNAL_SERVER_ERROR"
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
// without credentials.
func classify(err error) classification {
	var (
		apiErr    *cognism.APIError
		decodeErr *cognism.DecodeError
		inputErr  *InputError
		scalarErr *scalar.InputError
		ruleErr   *cognism.RuleError
		netErr    net.Error
		panicErr  *loader.PanicError
	)
	switch {
	case errors.As(err, &inputErr), errors.As(err, &scalarErr), errors.As(err, &ruleErr),
		isClientValidation(err):
		return classification{CodeBadUserInput, http.StatusBadRequest, err.Error()}
	case errors.As(err, &apiErr):
		return classifyAPIError(apiErr)
	case errors.As(err, &decodeErr):
		return classification{CodeUpstreamError, http.StatusBadGateway, trimPrefix(decodeErr.Error())}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return classification{
			CodeUpstreamTimeout, http.StatusGatewayTimeout,
			"upstream request timed out: " + trimPrefix(err.Error()),
		}
	case errors.Is(err, context.Canceled):
		return classification{
			CodeUpstreamTimeout, http.StatusGatewayTimeout,
			"request cancelled before upstream answered",
		}
	case errors.As(err, &netErr):
		return classification{
			CodeUpstreamUnavailable, http.StatusServiceUnavailable,
			"upstream unreachable: " + trimPrefix(err.Error()),
		}
	case errors.As(err, &panicErr):
		return classification{CodeInternal, http.StatusInternalServerError, "internal server error"}
	}
	return classification{CodeInternal, http.StatusInternalServerError, err.Error()}
}

// classifyAPIError maps an upstream HTTP status to a code.
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
	return classification{code, e.StatusCode, "upstream " + trimPrefix(e.Error())}
}

// isClientValidation reports the cognism client's own input checks, which
// fail before any request is sent.
func isClientValidation(err error) bool {
	for _, target := range []error{
		cognism.ErrEmptyPersonSearch, cognism.ErrIncompleteEnrichment,
		cognism.ErrEmptyPipeline, cognism.ErrNoSources,
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
		return presentError(ctx, err)
	}
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
	if isInputError(inner) {
		gqlErr.Message, gqlErr.Path = argumentMessage(ctx, gqlErr, inner)
	}

	c := classify(inner)
	if !isInputError(inner) {
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
	)
	return errors.As(err, &apiErr) || errors.As(err, &decodeErr) || errors.As(err, &inputErr) ||
		isInputError(err)
}

func isInputError(err error) bool {
	var scalarErr *scalar.InputError
	return errors.As(err, &scalarErr)
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
	return fmt.Sprintf("invalid argument %s: %s", arg, err), fieldPath
}
