package cognism

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
)

var endpointSessionPush = endpoint{"POST", "/api/v1/websocket/session", authHeader}

// PushToSession sends data as one JSON text frame to the open websocket
// session with that id. An unknown session is an error matching
// ErrNotFound. It is a POST and so is never retried.
func (c *Client) PushToSession(ctx context.Context, session string, data json.RawMessage) error {
	if session == "" {
		return errors.New("cognism: push needs a session id")
	}
	if !json.Valid(data) {
		return errors.New("cognism: push data is not valid JSON")
	}
	q := url.Values{"session": {session}}
	cl := call{endpoint: endpointSessionPush, path: "/api/v1/websocket/session", query: q, body: data}
	return c.getJSON(ctx, cl, nil)
}
