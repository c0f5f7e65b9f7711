package live

import (
	"context"

	"github.com/cognism/graphql-gateway/cognism"
)

// ClientUpstream returns the Upstream of the hub over a Cognism client.
func ClientUpstream(c *cognism.Client) Upstream {
	return clientUpstream{c}
}

type clientUpstream struct{ client *cognism.Client }

func (u clientUpstream) Join(ctx context.Context, pattern string) (Stream, error) {
	s, err := u.client.JoinWebsocket(ctx, pattern)
	if err != nil {
		return nil, err
	}
	return liveStream{s}, nil
}

func (u clientUpstream) EventStream(ctx context.Context, opts cognism.EventStreamOptions) ([]cognism.Event, error) {
	return u.client.EventStream(ctx, opts)
}

type liveStream struct{ s *cognism.LiveStream }

func (l liveStream) Next(ctx context.Context) (cognism.Event, error) { return l.s.Next(ctx) }

func (l liveStream) Close() { _ = l.s.Close() }
