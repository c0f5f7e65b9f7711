package graph

import (
	"context"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// logOperation logs each response with the operation's name, duration,
// upstream call count and error codes, including requests that failed to
// parse or validate. Variables and headers are never logged, so no
// credential reaches the log. Each event of a subscription logs at debug
// level.
func logOperation(cfg *Config) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil {
			return resp
		}

		level := slog.LevelInfo
		name, kind := "(invalid)", "unknown"
		var start time.Time
		if scope := scopeFrom(ctx); scope != nil {
			start = scope.start
		}
		if graphql.HasOperationContext(ctx) {
			op := graphql.GetOperationContext(ctx)
			if op.Operation != nil {
				name, kind = operationName(op), string(op.Operation.Operation)
			}
			if kind == "subscription" {
				level = slog.LevelDebug
			}
			if !op.Stats.OperationStart.IsZero() {
				start = op.Stats.OperationStart
			}
		}
		attrs := []slog.Attr{
			slog.String("operation", name),
			slog.String("kind", kind),
			slog.Duration("duration", time.Since(start).Round(time.Microsecond)),
			slog.Int64("upstream_calls", UpstreamCalls(ctx)),
			slog.Int("errors", len(resp.Errors)),
		}
		if codes := errorCodes(resp); len(codes) > 0 {
			attrs = append(attrs, slog.Any("error_codes", codes))
		}
		cfg.Logger.LogAttrs(ctx, level, "graphql operation", attrs...)
		return resp
	}
}

func operationName(op *graphql.OperationContext) string {
	if op.OperationName != "" {
		return op.OperationName
	}
	if op.Operation != nil && op.Operation.Name != "" {
		return op.Operation.Name
	}
	return "(anonymous)"
}

// errorCodes lists the distinct extensions.code values of a response.
func errorCodes(resp *graphql.Response) []string {
	seen := map[string]bool{}
	var codes []string
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		if code == "" || seen[code] {
			continue
		}
		seen[code] = true
		codes = append(codes, code)
	}
	return codes
}
