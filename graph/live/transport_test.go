package live_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/graph/live"
)

func TestSocketCloseCodes(t *testing.T) {
	g := startGateway(t, options{sockets: graph.SocketTimings{InitTimeout: 200 * time.Millisecond}})
	protocols := []string{live.ProtocolTransportWS, live.ProtocolLegacyWS}

	cases := []struct {
		name string
		want int
		run  func(c *wsClient)
	}{
		{"invalid JSON", live.CloseInvalidMessage, func(c *wsClient) {
			c.send("{not json")
		}},
		{"unknown message type", live.CloseInvalidMessage, func(c *wsClient) {
			c.init(nil)
			c.send(map[string]any{"type": "next", "id": "1"})
		}},
		{"operation without id", live.CloseInvalidMessage, func(c *wsClient) {
			c.init(nil)
			c.subscribe("", liveQuery, nil)
		}},
		{"operation before connection_init", live.CloseUnauthorized, func(c *wsClient) {
			c.subscribe("1", liveQuery, nil)
		}},
		{"invalid credentials", live.CloseForbidden, func(c *wsClient) {
			c.send(map[string]any{"type": "connection_init", "payload": map[string]any{
				"accessToken": "wrong-token", "secretKey": "wrong-secret",
			}})
		}},
		{"no connection_init in time", live.CloseInitTimeout, func(c *wsClient) {}},
		{"duplicate operation id", live.CloseSubscriberExists, func(c *wsClient) {
			c.init(nil)
			c.subscribe("1", liveQuery, nil)
			c.subscribe("1", liveQuery, nil)
		}},
		{"second connection_init", live.CloseTooManyInits, func(c *wsClient) {
			c.init(nil)
			c.send(map[string]any{"type": "connection_init"})
		}},
	}
	for _, protocol := range protocols {
		for _, tc := range cases {
			t.Run(protocol+"/"+tc.name, func(t *testing.T) {
				c := dial(t, g, protocol, nil)
				tc.run(c)
				if got := c.closeCode(); got != tc.want {
					t.Errorf("close code = %d, want %d", got, tc.want)
				}
			})
		}
	}
}

func TestSocketCloseReasonForInvalidJSON(t *testing.T) {
	g := startGateway(t, options{})
	c := dial(t, g, live.ProtocolTransportWS, nil)

	c.send("{not json")
	frame := c.closeFrame()

	if frame.Code != live.CloseInvalidMessage {
		t.Errorf("close code = %d, want %d", frame.Code, live.CloseInvalidMessage)
	}
	if !strings.Contains(frame.Text, "JSON object with a type") {
		t.Errorf("close reason %q does not say what to send", frame.Text)
	}
}

func TestSocketCredentialsFromInitPayload(t *testing.T) {
	g := startGateway(t, options{})
	payloads := map[string]map[string]any{
		"field names":         {"accessToken": "sandbox-access-token", "secretKey": "sandbox-secret-key"},
		"header names":        {"X-API-AccessToken": "sandbox-access-token", "X-API-SecretKey": "sandbox-secret-key"},
		"nested header names": {"headers": map[string]any{"x-api-accesstoken": "sandbox-access-token", "x-api-secretkey": "sandbox-secret-key"}},
	}
	for name, payload := range payloads {
		t.Run(name, func(t *testing.T) {
			c := dial(t, g, live.ProtocolTransportWS, nil)
			c.init(payload)
		})
	}
}

func TestSocketRejectsInvalidCredentialFields(t *testing.T) {
	g := startGateway(t, options{})
	cases := []struct {
		name    string
		payload map[string]any
		reason  string
	}{
		{"secret key without token", map[string]any{"secretKey": "wrong"}, "send accessToken with secretKey"},
		{"header secret key with empty token", map[string]any{"headers": map[string]any{
			"X-API-AccessToken": "", "X-API-SecretKey": "wrong",
		}}, "send accessToken with secretKey"},
		{"numeric token", map[string]any{"accessToken": 5}, "accessToken must be a string"},
		{"numeric secret key", map[string]any{"secretKey": 5}, "secretKey must be a string"},
		{"list token", map[string]any{"accessToken": []any{"a"}}, "accessToken must be a string"},
		{"object secret key", map[string]any{
			"accessToken": "sandbox-access-token", "secretKey": map[string]any{"a": 1},
		}, "secretKey must be a string"},
		{"headers not an object", map[string]any{"headers": "x"}, "headers must be an object"},
	}
	for _, protocol := range []string{live.ProtocolTransportWS, live.ProtocolLegacyWS} {
		for _, tc := range cases {
			t.Run(protocol+"/"+tc.name, func(t *testing.T) {
				c := dial(t, g, protocol, nil)
				c.send(map[string]any{"type": "connection_init", "payload": tc.payload})
				frame := c.closeFrame()
				if frame.Code != live.CloseForbidden {
					t.Errorf("close code = %d, want %d", frame.Code, live.CloseForbidden)
				}
				if !strings.Contains(frame.Text, tc.reason) {
					t.Errorf("close reason = %q, want it to contain %q", frame.Text, tc.reason)
				}
			})
		}
	}
}

func TestSocketEmptyCredentialsUseDefault(t *testing.T) {
	g := startGateway(t, options{})
	payloads := map[string]map[string]any{
		"empty strings":      {"accessToken": "", "secretKey": ""},
		"null values":        {"accessToken": nil, "secretKey": nil},
		"empty header names": {"headers": map[string]any{"X-API-AccessToken": "", "X-API-SecretKey": ""}},
	}
	for name, payload := range payloads {
		t.Run(name, func(t *testing.T) {
			c := dial(t, g, live.ProtocolTransportWS, nil)
			c.init(payload)
		})
	}
}

func TestSocketUpgradeSecretWithoutToken(t *testing.T) {
	g := startGateway(t, options{})
	c := dial(t, g, live.ProtocolTransportWS, http.Header{"X-Api-Secretkey": {"wrong"}})
	c.send(map[string]any{"type": "connection_init"})

	frame := c.closeFrame()
	if frame.Code != live.CloseForbidden {
		t.Errorf("close code = %d, want %d", frame.Code, live.CloseForbidden)
	}
	if !strings.Contains(frame.Text, "X-API-AccessToken") {
		t.Errorf("close reason %q does not name the missing header", frame.Text)
	}
}

func TestSocketRejectsBadUpgradeCredentials(t *testing.T) {
	g := startGateway(t, options{})
	header := http.Header{"X-Api-Accesstoken": {"wrong"}, "X-Api-Secretkey": {"wrong"}}
	c := dial(t, g, live.ProtocolTransportWS, header)
	c.send(map[string]any{"type": "connection_init"})
	if got := c.closeCode(); got != live.CloseForbidden {
		t.Errorf("close code = %d, want %d", got, live.CloseForbidden)
	}
}

func TestSocketOrigins(t *testing.T) {
	g := startGateway(t, options{origins: []string{"https://dash.example.com"}})
	cases := []struct {
		origin string
		want   int
	}{
		{"", http.StatusSwitchingProtocols},
		{g.server.URL, http.StatusSwitchingProtocols},
		{"https://dash.example.com", http.StatusSwitchingProtocols},
		{"https://evil.example.com", http.StatusForbidden},
		{"http://localhost:3000", http.StatusForbidden},
	}
	for _, tc := range cases {
		t.Run("origin "+tc.origin, func(t *testing.T) {
			header := http.Header{}
			if tc.origin != "" {
				header.Set("Origin", tc.origin)
			}
			dialer := websocket.Dialer{Subprotocols: []string{live.ProtocolTransportWS}}
			conn, resp, err := dialer.Dial(g.socketURL(), header)
			if conn != nil {
				conn.Close()
			}
			if resp == nil {
				t.Fatalf("no response: %v", err)
			}
			if resp.StatusCode != tc.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}

func TestSocketDefaultOriginsAllowLocalhost(t *testing.T) {
	g := startGateway(t, options{})
	for origin, want := range map[string]int{
		"http://localhost:3000":    http.StatusSwitchingProtocols,
		"http://127.0.0.1:5173":    http.StatusSwitchingProtocols,
		"https://dash.example.com": http.StatusForbidden,
	} {
		dialer := websocket.Dialer{Subprotocols: []string{live.ProtocolTransportWS}}
		conn, resp, _ := dialer.Dial(g.socketURL(), http.Header{"Origin": {origin}})
		if conn != nil {
			conn.Close()
		}
		if resp == nil || resp.StatusCode != want {
			t.Errorf("origin %s: response %v, want status %d", origin, resp, want)
		}
	}
}

func TestSocketReadLimit(t *testing.T) {
	g := startGateway(t, options{})
	// A message far over the limit is still being sent when the server
	// closes, which must not reset the connection before the close frame.
	for _, size := range []int{1<<20 + 1, 5 << 20} {
		c := dial(t, g, live.ProtocolTransportWS, nil)
		c.init(nil)
		big := bytes.Repeat([]byte(" "), size)
		go func() { _ = c.conn.WriteMessage(websocket.TextMessage, big) }()
		if got := c.closeCode(); got != websocket.CloseMessageTooBig {
			t.Errorf("message of %d bytes: close code = %d, want %d", size, got, websocket.CloseMessageTooBig)
		}
	}
}

func TestLegacyKeepAlive(t *testing.T) {
	g := startGateway(t, options{sockets: graph.SocketTimings{KeepAlive: 50 * time.Millisecond}})
	c := dial(t, g, live.ProtocolLegacyWS, nil)
	c.send(map[string]any{"type": "connection_init"})
	if got := c.read(); got.Type != "connection_ack" {
		t.Fatalf("first message = %s, want connection_ack", got.Type)
	}
	if got := c.read(); got.Type != "ka" {
		t.Fatalf("message after connection_ack = %s, want ka", got.Type)
	}
	for i := 0; i < 3; i++ {
		if got := c.read(); got.Type != "ka" {
			t.Fatalf("periodic message %d = %s, want ka", i, got.Type)
		}
	}
}

func TestTransportWSPingKeepsAnsweringPeerOpen(t *testing.T) {
	g := startGateway(t, options{sockets: graph.SocketTimings{PingInterval: 50 * time.Millisecond}})
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	for i := 0; i < 6; i++ {
		got := c.read()
		if got.Type != "ping" {
			t.Fatalf("message %d = %s, want ping", i, got.Type)
		}
		c.send(message{Type: "pong"})
	}
	c.send(message{Type: "ping"})
	for {
		got := c.read()
		if got.Type == "pong" {
			break
		}
		if got.Type != "ping" {
			t.Fatalf("answer to ping = %s, want pong", got.Type)
		}
		c.send(message{Type: "pong"})
	}
}

func TestTransportWSDeadPeerDisconnected(t *testing.T) {
	g := startGateway(t, options{sockets: graph.SocketTimings{PingInterval: 50 * time.Millisecond}})
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("1", liveQuery, nil)
	waitFor(t, "the subscription to reach the hub", func() bool { return g.hub.Stats().FeedSubscribers == 1 })

	// This client never replies to a ping, so the server must drop it.
	for {
		if _, err := c.tryRead(30 * time.Second); err != nil {
			if errors.Is(err, errReadTimeout) {
				t.Fatal("server kept a peer that never answered pings open for 30 s")
			}
			break
		}
	}
	waitFor(t, "the subscription to be released", func() bool { return g.hub.Stats().FeedSubscribers == 0 })
}

func TestSocketQueryGetsNextThenComplete(t *testing.T) {
	g := startGateway(t, options{})
	for _, protocol := range []string{live.ProtocolTransportWS, live.ProtocolLegacyWS} {
		t.Run(protocol, func(t *testing.T) {
			c := dial(t, g, protocol, nil)
			c.init(nil)
			c.subscribe("q1", `{ triggerSubscription(id: "00000000-0000-0000-0000-000000000000") { id } }`, nil)
			first := c.readType()
			if first.Type != "next" && first.Type != "data" {
				t.Fatalf("first message = %s %s, want next or data", first.Type, first.Payload)
			}
			if first.ID != "q1" {
				t.Errorf("first message id = %q, want q1", first.ID)
			}
			if got := c.readType(); got.Type != "complete" || got.ID != "q1" {
				t.Errorf("second message = %s %q, want complete q1", got.Type, got.ID)
			}
		})
	}
}

func TestSocketErrorsCarryPaths(t *testing.T) {
	g := startGateway(t, options{})
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("q1", `{ company(name: "IBM") { name } events(first: 500) { nodes { id } } }`, nil)
	msg := c.readType()
	if msg.Type != "next" {
		t.Fatalf("message = %s %s, want next", msg.Type, msg.Payload)
	}
	p := decodePayload(t, msg.Payload)
	if len(p.Errors) == 0 {
		t.Fatalf("payload %s has no errors for first: 500", msg.Payload)
	}
	if len(p.Errors[0].Path) == 0 || p.Errors[0].Path[0] != "events" {
		t.Errorf("error path = %v, want [events]", p.Errors[0].Path)
	}
}

func TestTransportWSErrorEndsOperationWithoutComplete(t *testing.T) {
	g := startGateway(t, options{})
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("bad", `subscription { noSuchField }`, nil)
	if got := c.readType(); got.Type != "error" || got.ID != "bad" {
		t.Fatalf("first message = %s %q %s, want error bad", got.Type, got.ID, got.Payload)
	}

	// The transport handles one message at a time, so a complete for the
	// invalid operation would arrive before anything for the next one.
	c.subscribe("q", `{ __typename }`, nil)
	if got := c.readType(); got.Type != "next" || got.ID != "q" {
		t.Errorf("message after the error = %s %q %s, want next q", got.Type, got.ID, got.Payload)
	}
	if got := c.readType(); got.Type != "complete" || got.ID != "q" {
		t.Errorf("last message = %s %q, want complete q", got.Type, got.ID)
	}
}

func TestTransportWSReusedIdAfterErrorGetsComplete(t *testing.T) {
	g := startGateway(t, options{})
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("1", `subscription { noSuchField }`, nil)
	if got := c.readType(); got.Type != "error" {
		t.Fatalf("first message = %s %s, want error", got.Type, got.Payload)
	}

	c.subscribe("1", `{ __typename }`, nil)
	if got := c.readType(); got.Type != "next" || got.ID != "1" {
		t.Fatalf("second message = %s %q %s, want next 1", got.Type, got.ID, got.Payload)
	}
	if got := c.readType(); got.Type != "complete" || got.ID != "1" {
		t.Errorf("third message = %s %q, want complete 1", got.Type, got.ID)
	}
}
