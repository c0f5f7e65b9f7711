package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/graph/live"
)

func TestIdleSubscriberGoroutines(t *testing.T) {
	// These clients send no pongs, so the ping deadline must not end their sockets
	// while the goroutines are counted.
	g := startGateway(t, options{sockets: graph.SocketTimings{PingInterval: time.Hour}})
	org := "Idle Goroutines"

	// The first subscriber opens the upstream socket, whose goroutines do
	// not count against the subscribers measured after it.
	first := dial(t, g, live.ProtocolTransportWS, nil)
	first.init(nil)
	first.subscribe("1", liveQuery, orgFilter(org))
	waitFor(t, "the first subscriber", func() bool { return g.hub.Stats().FeedSubscribers == 1 })
	before := runtime.NumGoroutine()

	const n = 20
	for range n {
		c := dial(t, g, live.ProtocolTransportWS, nil)
		c.init(nil)
		c.subscribe("1", liveQuery, orgFilter(org))
	}
	waitFor(t, "every subscriber", func() bool { return g.hub.Stats().FeedSubscribers == n+1 })

	// Each test client reads on one goroutine, and the server holds two per
	// subscriber: the connection's reader and the operation's. The slack
	// covers goroutines that belong to no subscriber and may start while
	// the test counts on a loaded machine. One more goroutine per
	// subscriber would exceed it.
	const perSubscriber = 3
	const slack = 8
	var grown int
	waitFor(t, fmt.Sprintf("at most %d goroutines per idle subscriber", perSubscriber), func() bool {
		grown = runtime.NumGoroutine() - before
		return grown <= perSubscriber*n+slack
	})
	if got := g.hub.Stats().FeedSubscribers; got != n+1 {
		t.Errorf("subscribers after counting = %d, want %d still connected", got, n+1)
	}
}

func TestSharedResponseFramesDifferOnlyInID(t *testing.T) {
	g := startGateway(t, options{})
	org := "Shared Frames"
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("a", liveQuery, orgFilter(org))
	c.subscribe("b", liveQuery, orgFilter(org))
	waitFor(t, "two subscribers", func() bool { return g.hub.Stats().FeedSubscribers == 2 })

	id := g.inject(t, org)
	payloads := map[string][]byte{}
	for len(payloads) < 2 {
		msg := c.readType()
		if msg.Type != "next" {
			t.Fatalf("message = %s %q %s, want next", msg.Type, msg.ID, msg.Payload)
		}
		payloads[msg.ID] = msg.Payload
	}
	if !bytes.Equal(payloads["a"], payloads["b"]) {
		t.Errorf("payloads differ:\n a: %s\n b: %s", payloads["a"], payloads["b"])
	}
	if got := decodePayload(t, payloads["a"]).Data["liveEvents"].ID; got != id {
		t.Errorf("event id = %q, want %q", got, id)
	}
}

func TestLegacyInitRejectionSendsConnectionError(t *testing.T) {
	g := startGateway(t, options{})
	c := dial(t, g, live.ProtocolLegacyWS, nil)
	c.send(map[string]any{"type": "connection_init", "payload": map[string]any{
		"accessToken": "wrong-token", "secretKey": "wrong-secret",
	}})

	msg := c.read()
	if msg.Type != "connection_error" {
		t.Fatalf("message = %s %s, want connection_error", msg.Type, msg.Payload)
	}
	var payload struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal(msg.Payload, &payload); err != nil {
		t.Fatalf("decoding payload %s: %v", msg.Payload, err)
	}
	if !strings.HasPrefix(payload.Message, "Forbidden") {
		t.Errorf("connection_error message = %q, want it to start with Forbidden", payload.Message)
	}
	if got := c.closeCode(); got != live.CloseForbidden {
		t.Errorf("close code = %d, want %d", got, live.CloseForbidden)
	}
}

func TestTransportWSPongEchoesPingPayload(t *testing.T) {
	g := startGateway(t, options{})
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.send(map[string]any{"type": "ping", "payload": map[string]any{"seq": 7}})

	msg := c.read()
	if msg.Type != "pong" {
		t.Fatalf("reply to ping = %s, want pong", msg.Type)
	}
	if string(msg.Payload) != `{"seq":7}` {
		t.Errorf("pong payload = %s, want {\"seq\":7}", msg.Payload)
	}
}

func TestSocketOverLimitQueryGetsError(t *testing.T) {
	g := startGateway(t, options{})
	// 80 lists of 100 events each exceed the default complexity limit of
	// 20,000, which rejects the query after validation and before it runs,
	// so it gets an error message, as a document that fails validation does.
	var query strings.Builder
	query.WriteString("{ ")
	for i := range 80 {
		fmt.Fprintf(&query, "e%d: events(first: 100) { nodes { person { currentCompany { name } } } } ", i)
	}
	query.WriteString("}")

	for _, protocol := range []string{live.ProtocolTransportWS, live.ProtocolLegacyWS} {
		t.Run(protocol, func(t *testing.T) {
			c := dial(t, g, protocol, nil)
			c.init(nil)
			c.subscribe("q", query.String(), nil)

			first := c.readType()
			if first.Type != "error" || first.ID != "q" {
				t.Fatalf("first message = %s %q %.200s, want error q", first.Type, first.ID, first.Payload)
			}
			if !strings.Contains(string(first.Payload), "COMPLEXITY_LIMIT_EXCEEDED") {
				t.Errorf("error payload %.300s has no COMPLEXITY_LIMIT_EXCEEDED code", first.Payload)
			}
			if protocol == live.ProtocolLegacyWS {
				if got := c.readType(); got.Type != "complete" || got.ID != "q" {
					t.Errorf("second message = %s %q, want complete q", got.Type, got.ID)
				}
			}
		})
	}
}

// subscribeOnBothProtocols opens one client per websocket protocol, each
// subscribed as operation 1 to events of org and the protocol's name.
func subscribeOnBothProtocols(t *testing.T, g *gateway, org string) []*wsClient {
	t.Helper()
	var clients []*wsClient
	for _, protocol := range []string{live.ProtocolTransportWS, live.ProtocolLegacyWS} {
		c := dial(t, g, protocol, nil)
		c.init(nil)
		c.subscribe("1", liveQuery, orgFilter(org+" "+protocol))
		clients = append(clients, c)
	}
	waitFor(t, "two subscribers", func() bool { return g.hub.Stats().FeedSubscribers == 2 })
	return clients
}

func TestHubCloseEndsSocketSubscriptions(t *testing.T) {
	g := startGateway(t, options{})
	clients := subscribeOnBothProtocols(t, g, "Shutdown")

	g.hub.Close()
	for _, c := range clients {
		msg := c.readType()
		if msg.Type != "next" && msg.Type != "data" {
			t.Fatalf("%s: first message = %s %s, want next or data", c.protocol, msg.Type, msg.Payload)
		}
		p := decodePayload(t, msg.Payload)
		if len(p.Errors) == 0 || p.Errors[0].Extensions["code"] != graph.CodeShuttingDown {
			t.Errorf("%s: payload %s, want an error with code %s", c.protocol, msg.Payload, graph.CodeShuttingDown)
		}
		if got := c.readType(); got.Type != "complete" || got.ID != "1" {
			t.Errorf("%s: second message = %s %q, want complete 1", c.protocol, got.Type, got.ID)
		}
	}
}

func TestShutdownClosesSocketsAfterShuttingDown(t *testing.T) {
	g := startGateway(t, options{})
	clients := subscribeOnBothProtocols(t, g, "Stop")

	g.hub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := g.handler.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}

	for _, c := range clients {
		msg := c.readType()
		p := decodePayload(t, msg.Payload)
		if len(p.Errors) == 0 || p.Errors[0].Extensions["code"] != graph.CodeShuttingDown {
			t.Errorf("%s: first message %s %s, want an error with code %s",
				c.protocol, msg.Type, msg.Payload, graph.CodeShuttingDown)
		}
		if strings.Contains(string(msg.Payload), "live:") {
			t.Errorf("%s: message %s shows the package prefix live:", c.protocol, msg.Payload)
		}
		if got := c.readType(); got.Type != "complete" {
			t.Errorf("%s: second message = %s, want complete", c.protocol, got.Type)
		}
		if got := c.closeCode(); got != live.CloseGoingAway {
			t.Errorf("%s: close code = %d, want %d (going away)", c.protocol, got, live.CloseGoingAway)
		}
	}
}

func TestLegacyConnectionTerminateClosesNormally(t *testing.T) {
	g := startGateway(t, options{})
	c := dial(t, g, live.ProtocolLegacyWS, nil)
	c.init(nil)
	c.send(map[string]any{"type": "connection_terminate"})
	if got := c.closeCode(); got != websocket.CloseNormalClosure {
		t.Errorf("close code = %d, want %d", got, websocket.CloseNormalClosure)
	}
}

func TestLegacyStopIsAnsweredWithComplete(t *testing.T) {
	g := startGateway(t, options{})
	c := dial(t, g, live.ProtocolLegacyWS, nil)
	c.init(nil)
	c.subscribe("1", liveQuery, orgFilter("Legacy Stop"))
	waitFor(t, "the subscriber", func() bool { return g.hub.Stats().FeedSubscribers == 1 })

	c.stop("1")

	if got := c.readType(); got.Type != "complete" || got.ID != "1" {
		t.Errorf("after stop got %s %q, want complete 1", got.Type, got.ID)
	}
}
