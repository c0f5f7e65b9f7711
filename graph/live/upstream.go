package live

import (
	"context"

	"github.com/cognism/graphql-gateway/cognism"
)

// Stream is an open upstream websocket.
type Stream interface {
	// Next blocks until the next event, the end of ctx or a dropped socket.
	Next(ctx context.Context) (cognism.Event, error)
	// Close closes the socket.
	Close()
}

// Upstream opens live streams and pages the event stream, with the
// credentials that cognism.WithCredentials put on the context.
type Upstream interface {
	Join(ctx context.Context, pattern string) (Stream, error)
	EventStream(ctx context.Context, opts cognism.EventStreamOptions) ([]cognism.Event, error)
}
