// Package sandbox is a Cognism-compatible REST API server over an embedded
// SQLite database with a deterministic seeded dataset.
//
// It serves every endpoint of the vendor's contract, so the gateway, its
// tests and its benchmarks run with no vendor account. That covers
// companies, people, the event stream with its rule language, CSV and
// pipeline search, keyword and entity document search, trigger
// subscriptions, the live websocket and session push. Live events are generated while someone listens, stored,
// streamed to matching websockets and delivered to the callbacks of matching
// trigger subscriptions. Latency, error responses, rate limiting and dropped
// websockets can be injected through /_sandbox/faults, and per-endpoint
// request counters are served at /_sandbox/stats.
//
// New opens (and on first use seeds) the database; Server.Handler serves the
// API and may be mounted under any path prefix with http.StripPrefix; Run is
// the standalone command.
package sandbox
