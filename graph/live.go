package graph

import (
	"context"
	"errors"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/model"
)

var errLiveOff = errors.New("live events are not enabled on this gateway")

// forwardEvents converts upstream events to GraphQL events until ctx ends
// or the source closes its channel.
func forwardEvents(ctx context.Context, in <-chan cognism.Event) <-chan *model.Event {
	out := make(chan *model.Event, 1)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-in:
				if !ok {
					return
				}
				event := EventFromUpstream(e)
				select {
				case out <- &event:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}
