package live_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/graph/live"
)

// readOperationError reads until operation id ends with an error, as an
// error message or as a payload with errors, and returns the first error's
// extensions.
func readOperationError(t *testing.T, c *wsClient, id string) map[string]any {
	t.Helper()
	for {
		msg := c.readType()
		if msg.ID != id {
			continue
		}
		switch msg.Type {
		case "error":
			return readOperationErrorPayload(t, msg.Payload)
		case "next", "data":
			p := decodePayload(t, msg.Payload)
			if len(p.Errors) == 0 {
				t.Fatalf("operation %s received an event, want an error: %s", id, msg.Payload)
			}
			return p.Errors[0].Extensions
		default:
			t.Fatalf("operation %s ended with %s before an error", id, msg.Type)
		}
	}
}

func TestSocketOperationLimit(t *testing.T) {
	g := startGateway(t, options{maxOperations: 3})
	for _, protocol := range []string{live.ProtocolTransportWS, live.ProtocolLegacyWS} {
		t.Run(protocol, func(t *testing.T) {
			c := dial(t, g, protocol, nil)
			c.init(nil)
			for i := 1; i <= 3; i++ {
				c.subscribe(fmt.Sprint(i), liveQuery, orgFilter(fmt.Sprintf("Limit %s %d", protocol, i)))
			}
			c.subscribe("4", liveQuery, orgFilter("Limit "+protocol+" 4"))
			ext := readOperationError(t, c, "4")
			if ext["code"] != graph.CodeTooManySubscriptions {
				t.Errorf("code = %v, want %s", ext["code"], graph.CodeTooManySubscriptions)
			}
			if ext["limit"] != string(live.LimitSocketOperations) {
				t.Errorf("limit = %v, want %q", ext["limit"], live.LimitSocketOperations)
			}

			receiveEvent(t, g, c, "1", "Limit "+protocol+" 1")

			c.stop("1")
			c.subscribe("5", liveQuery, orgFilter("Limit "+protocol+" 5"))
			receiveEvent(t, g, c, "5", "Limit "+protocol+" 5")
		})
	}
}

func TestUpstreamStreamLimits(t *testing.T) {
	cases := []struct {
		name  string
		hub   live.Config[*graph.LiveEvent]
		limit live.Limit
	}{
		{"per credential", live.Config[*graph.LiveEvent]{MaxFeedsPerCredential: 2}, live.LimitFeedsPerCredential},
		{"gateway", live.Config[*graph.LiveEvent]{MaxFeeds: 2}, live.LimitFeeds},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := startGateway(t, options{hub: tc.hub})
			c := dial(t, g, live.ProtocolTransportWS, nil)
			c.init(nil)
			c.subscribe("1", liveQuery, orgFilter("Streams 1"))
			c.subscribe("2", liveQuery, orgFilter("Streams 2"))
			waitFor(t, "two subscribers", func() bool { return g.hub.Stats().FeedSubscribers == 2 })

			c.subscribe("3", liveQuery, orgFilter("Streams 3"))
			ext := readOperationError(t, c, "3")
			if ext["code"] != graph.CodeTooManySubscriptions {
				t.Errorf("code = %v, want %s", ext["code"], graph.CodeTooManySubscriptions)
			}
			if ext["limit"] != string(tc.limit) {
				t.Errorf("limit = %v, want %q", ext["limit"], tc.limit)
			}
			if got := g.hub.Stats().Feeds; got != 2 {
				t.Errorf("upstream sockets = %d, want 2", got)
			}

			// A filter already in use needs no new socket, and the
			// subscriptions already running keep receiving events.
			c.subscribe("4", liveQuery, orgFilter("streams 1"))
			receiveEvent(t, g, c, "4", "Streams 1")
			receiveEvent(t, g, c, "2", "Streams 2")
		})
	}
}

func TestIdleUpstreamStreamMakesRoom(t *testing.T) {
	g := startGateway(t, options{hub: live.Config[*graph.LiveEvent]{
		MaxFeedsPerCredential: 1,
		Grace:                 time.Hour,
	}})
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("1", liveQuery, orgFilter("Idle 1"))
	waitFor(t, "the subscriber", func() bool { return g.hub.Stats().FeedSubscribers == 1 })
	c.stop("1")
	waitFor(t, "the subscriber to leave", func() bool { return g.hub.Stats().FeedSubscribers == 0 })

	c.subscribe("2", liveQuery, orgFilter("Idle 2"))
	receiveEvent(t, g, c, "2", "Idle 2")
	if got := g.hub.Stats().Feeds; got != 1 {
		t.Errorf("upstream sockets = %d, want 1 after the idle one closed", got)
	}
}

func TestSSEUpstreamStreamLimit(t *testing.T) {
	g := startGateway(t, options{hub: live.Config[*graph.LiveEvent]{MaxFeedsPerCredential: 1}})
	first := openSSE(t, g, orgFilter("SSE Limit 1"))
	defer first.Close()
	waitFor(t, "the first subscriber", func() bool { return g.hub.Stats().FeedSubscribers == 1 })

	second := openSSE(t, g, orgFilter("SSE Limit 2"))
	defer second.Close()
	scanner := bufio.NewScanner(second)
	for scanner.Scan() {
		data, ok := strings.CutPrefix(scanner.Text(), "data: ")
		if !ok {
			continue
		}
		p := decodePayload(t, json.RawMessage(data))
		if len(p.Errors) == 0 {
			t.Fatalf("second stream received %s, want an error", data)
		}
		if code := p.Errors[0].Extensions["code"]; code != graph.CodeTooManySubscriptions {
			t.Errorf("code = %v, want %s", code, graph.CodeTooManySubscriptions)
		}
		return
	}
	t.Fatalf("second stream ended without an error: %v", scanner.Err())
}

// openSSE starts a liveEvents subscription over SSE and returns its body.
func openSSE(t *testing.T, g *gateway, variables map[string]any) io.ReadCloser {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": liveQuery, "variables": variables})
	req, _ := http.NewRequest("POST", g.server.URL+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Body
}

func TestOneConnectionCannotExhaustUpstreamStreams(t *testing.T) {
	g := startGateway(t, options{})
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	const subscribes = 500
	for i := 0; i < subscribes; i++ {
		c.subscribe(fmt.Sprint(i), `subscription($filter: EventFilter) { liveEvents(filter: $filter) { id } }`,
			orgFilter(fmt.Sprintf("Org%d", i)))
	}

	rejected := 0
	for rejected < subscribes-live.DefaultMaxFeedsPerCredential {
		msg := c.readType()
		var codes []any
		switch msg.Type {
		case "error":
			codes = append(codes, readOperationErrorPayload(t, msg.Payload)["code"])
		case "next":
			for _, e := range decodePayload(t, msg.Payload).Errors {
				codes = append(codes, e.Extensions["code"])
			}
		default:
			continue
		}
		if len(codes) == 0 {
			t.Fatalf("operation %s received an event, want no events at all: %s", msg.ID, msg.Payload)
		}
		if codes[0] != graph.CodeTooManySubscriptions {
			t.Fatalf("operation %s failed with %v, want %s", msg.ID, codes[0], graph.CodeTooManySubscriptions)
		}
		rejected++
	}
	if got := g.hub.Stats().Feeds; got != live.DefaultMaxFeedsPerCredential {
		t.Errorf("upstream sockets = %d, want %d", got, live.DefaultMaxFeedsPerCredential)
	}
}

// readOperationErrorPayload returns the extensions of the first error of an
// error message's payload.
func readOperationErrorPayload(t *testing.T, payload json.RawMessage) map[string]any {
	t.Helper()
	var errs []struct {
		Extensions map[string]any `json:"extensions"`
	}
	if err := json.Unmarshal(payload, &errs); err != nil || len(errs) == 0 {
		t.Fatalf("error message payload %s is not a list of errors", payload)
	}
	return errs[0].Extensions
}
