// Package live turns the Cognism websocket and trigger webhooks into event
// streams for GraphQL subscriptions.
//
// A Hub keeps one upstream websocket per distinct (credentials, canonical
// rule) and fans its events out to every Subscription of that pair. The
// socket is reference-counted and closed a grace period after its last
// subscriber leaves. When the socket drops, the hub reconnects with
// exponential backoff and jitter, then backfills the gap from the event
// stream endpoint, removing duplicates by event id, so that each subscriber
// receives every event once and in order. Each subscriber has a bounded
// buffer; one that falls behind is ended with ErrSlowSubscriber and never
// delays the others. A subscription that would open an upstream socket
// beyond the limits per credentials or in all fails with a *LimitError, as
// does a websocket operation beyond Transport's limit per connection.
//
// Transport serves GraphQL over websockets, on graphql-transport-ws and the
// legacy graphql-ws protocol, with one reading goroutine per connection and
// one per running operation.
//
// Webhooks receives trigger callbacks at /webhooks/cognism/{id} and
// publishes their events to the subscribers of that trigger id.
package live
