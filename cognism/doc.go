// Package cognism is a typed client for the Cognism REST API.
//
// A Client covers all sixteen endpoints: companies, people, the event
// stream (JSON, CSV and pipeline search), documents (JSON, text report and
// entity search), webhook trigger subscriptions and the live websocket.
// Credentials travel on the context (see WithCredentials) with a
// client-wide default, and each endpoint sends them the way the vendor
// documents for it. Non-2xx responses become *APIError values that callers
// test with errors.Is against ErrUnauthorized, ErrNotFound and the other
// kinds, and idempotent requests are retried under a RetryPolicy.
// JoinWebsocket opens the live event stream as a LiveStream whose Next
// returns events in order.
//
// The package also holds the rule language of the event stream (Rule,
// ParseRule), the text report codec (Report) and the events CSV codec
// (EventsCSV), which the sandbox reuses to serve the same formats.
package cognism
