package live_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cognism/graphql-gateway/graph/live"
)

func TestLiveEventsRejectInvalidDateBounds(t *testing.T) {
	g := startGateway(t, options{})
	cases := []struct {
		name   string
		filter map[string]any
		want   string
	}{
		{"dateTo in the past", map[string]any{"dateTo": "2020-01-01"}, "2020-01-01 is in the past"},
		{"dateTo before dateFrom", map[string]any{"dateFrom": "2031-02-01", "dateTo": "2031-01-01"}, "before dateFrom"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, g, live.ProtocolTransportWS, nil)
			c.init(nil)
			c.subscribe("1", liveQuery, map[string]any{"filter": tc.filter})
			msg := c.readType()
			if msg.Type != "next" {
				t.Fatalf("message = %s %s, want next with an error", msg.Type, msg.Payload)
			}
			p := decodePayload(t, msg.Payload)
			if len(p.Errors) == 0 {
				t.Fatalf("payload %s has no error", msg.Payload)
			}
			if code := p.Errors[0].Extensions["code"]; code != "BAD_USER_INPUT" {
				t.Errorf("code = %v, want BAD_USER_INPUT", code)
			}
			if !strings.Contains(p.Errors[0].Message, tc.want) {
				t.Errorf("message = %q, want it to contain %q", p.Errors[0].Message, tc.want)
			}
			if got := c.readType(); got.Type != "complete" {
				t.Errorf("after the error got %s, want complete", got.Type)
			}
		})
	}
}

func TestLiveEventsDeliverOnlyEventsWithinDates(t *testing.T) {
	g := startGateway(t, options{})
	org := "Dated Test"
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("all", liveQuery, orgFilter(org))
	awaitFeed(t, g, c, "all", org)

	filter := orgFilter(org)
	filter["filter"].(map[string]any)["dateFrom"] = "2030-01-01"
	filter["filter"].(map[string]any)["dateTo"] = "2030-12-31"
	c.subscribe("dated", liveQuery, filter)
	waitFor(t, "two subscribers", func() bool { return g.hub.Stats().FeedSubscribers == 2 })

	g.injectEvent(t, map[string]any{"type": "job-join", "org": org, "date": "01.06.2020"})
	g.injectEvent(t, map[string]any{"type": "job-join", "org": org, "date": "01.01.2031"})
	want := g.injectEvent(t, map[string]any{"type": "job-join", "org": org, "date": "01.06.2030"})
	for i := 0; ; i++ {
		if i > 100 {
			t.Fatal("no event for the dated operation among 100 messages")
		}
		msg := c.readType()
		if msg.ID != "dated" {
			continue
		}
		if msg.Type != "next" {
			t.Fatalf("dated operation ended with %s %s", msg.Type, msg.Payload)
		}
		if got := decodePayload(t, msg.Payload).Data["liveEvents"].ID; got != want {
			t.Errorf("first dated event = %s, want %s, the only one dated within the bounds", got, want)
		}
		return
	}
}

func TestLiveEventsAtPastYear9999IsError(t *testing.T) {
	g := startGateway(t, options{})
	org := "Far Future Test"
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("1", liveQuery, orgFilter(org))
	awaitFeed(t, g, c, "1", org)

	c.subscribe("at", `subscription($filter: EventFilter) { liveEvents(filter: $filter) { id at } }`,
		orgFilter(org))
	waitFor(t, "two subscribers", func() bool { return g.hub.Stats().FeedSubscribers == 2 })
	g.injectEvent(t, map[string]any{"type": "job-join", "org": org, "at": 99999999999999999})

	msg := c.readType()
	for msg.ID != "at" {
		msg = c.readType()
	}
	if strings.Contains(string(msg.Payload), "3170843") {
		t.Errorf("payload %s contains a DateTime past the year 9999", msg.Payload)
	}
	p := decodePayload(t, msg.Payload)
	if len(p.Errors) == 0 {
		t.Fatalf("payload %s has no error for the unwritable at", msg.Payload)
	}
	if got := fmt.Sprint(p.Errors[0].Path); !strings.Contains(got, "at") {
		t.Errorf("error path = %s, want one ending at at", got)
	}
}
