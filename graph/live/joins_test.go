package live_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/live"
)

// seededEvent returns an event of the seeded dataset whose organisation and
// employee the joins can find.
func seededEvent(t *testing.T, g *gateway) cognism.Event {
	t.Helper()
	events, err := g.client.EventStream(context.Background(), cognism.EventStreamOptions{
		Rule:  cognism.Rule{cognism.Values("type", "job-join")},
		Count: 50,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if ev.Org != "" && ev.Employee != nil && ev.Employee.Name != "" {
			return ev
		}
	}
	t.Fatal("no seeded job-join event with an organisation and an employee")
	return cognism.Event{}
}

func TestLiveEventJoinsNestedFields(t *testing.T) {
	g := startGateway(t, options{})
	seeded := seededEvent(t, g)
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("1", `subscription($filter: EventFilter) { liveEvents(filter: $filter) {
		id company { name } person { fullName currentCompany { name } } } }`, orgFilter(seeded.Org))
	receiveEvent(t, g, c, "1", seeded.Org)

	event := map[string]any{"type": "job-join", "org": seeded.Org, "employee": seeded.Employee}
	var payload struct {
		Data struct {
			LiveEvents struct {
				Company *struct{ Name string }
				Person  *struct {
					FullName       string
					CurrentCompany *struct{ Name string }
				}
			}
		}
		Errors []any
	}
	g.injectEvent(t, event)
	msg := c.readType()
	if msg.Type != "next" {
		t.Fatalf("message = %s %s, want next", msg.Type, msg.Payload)
	}
	if err := json.Unmarshal(msg.Payload, &payload); err != nil {
		t.Fatal(err)
	}
	got := payload.Data.LiveEvents
	if len(payload.Errors) > 0 {
		t.Errorf("errors: %v", payload.Errors)
	}
	if got.Company == nil || !strings.EqualFold(got.Company.Name, seeded.Org) {
		t.Errorf("company = %+v, want %q", got.Company, seeded.Org)
	}
	if got.Person == nil || got.Person.FullName != seeded.Employee.Name {
		t.Fatalf("person = %+v, want %q", got.Person, seeded.Employee.Name)
	}
	if got.Person.CurrentCompany == nil || got.Person.CurrentCompany.Name == "" {
		t.Errorf("person.currentCompany = %+v, want a company", got.Person.CurrentCompany)
	}
}

func TestLiveEventsGetFreshLoadersPerEvent(t *testing.T) {
	g := startGateway(t, options{})
	seeded := seededEvent(t, g)
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("1", `subscription($filter: EventFilter) { liveEvents(filter: $filter) { id company { name } } }`,
		orgFilter(seeded.Org))
	receiveEvent(t, g, c, "1", seeded.Org)

	const companyEndpoint = "GET /api/v1/company/{name}"
	before := g.sandbox.Stats().Endpoints[companyEndpoint]
	for i := 0; i < 3; i++ {
		g.inject(t, seeded.Org)
		if msg := c.readType(); msg.Type != "next" {
			t.Fatalf("message = %s %s, want next", msg.Type, msg.Payload)
		}
	}
	if calls := g.sandbox.Stats().Endpoints[companyEndpoint] - before; calls != 3 {
		t.Errorf("company calls for 3 events = %d, want 3 (one per event, none cached across events)", calls)
	}
}

func TestSubscribersShareOneExecutionPerEvent(t *testing.T) {
	g := startGateway(t, options{})
	seeded := seededEvent(t, g)
	query := `subscription($filter: EventFilter) { liveEvents(filter: $filter) { id company { name } } }`
	first := dial(t, g, live.ProtocolTransportWS, nil)
	first.init(nil)
	first.subscribe("1", query, orgFilter(seeded.Org))
	second := dial(t, g, live.ProtocolLegacyWS, nil)
	second.init(nil)
	second.subscribe("1", query, orgFilter(seeded.Org))
	waitFor(t, "two subscribers", func() bool { return g.hub.Stats().FeedSubscribers == 2 })
	receiveEvent(t, g, first, "1", seeded.Org)
	if msg := second.readType(); msg.Type != "data" {
		t.Fatalf("second subscriber got %s %s, want data", msg.Type, msg.Payload)
	}

	const companyEndpoint = "GET /api/v1/company/{name}"
	before := g.sandbox.Stats().Endpoints[companyEndpoint]
	for i := 0; i < 3; i++ {
		id := g.inject(t, seeded.Org)
		for _, c := range []*wsClient{first, second} {
			msg := c.readType()
			p := decodePayload(t, msg.Payload)
			if got := p.Data["liveEvents"].ID; got != id {
				t.Fatalf("%s subscriber got event %q, want %q", c.protocol, got, id)
			}
			if !strings.Contains(string(msg.Payload), `"company":{"name"`) {
				t.Errorf("%s subscriber payload %s has no company", c.protocol, msg.Payload)
			}
		}
	}
	if calls := g.sandbox.Stats().Endpoints[companyEndpoint] - before; calls != 3 {
		t.Errorf("company calls for 3 events and 2 subscribers = %d, want 3 (one execution per event)", calls)
	}
}

// The joins of a live event retry once, briefly: a failing upstream nulls
// the field quickly instead of holding the stream through the retries a
// query would make.
func TestLiveEventJoinsRetryOnce(t *testing.T) {
	var companyCalls atomic.Int64
	failCompanies := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/api/v1/company/") {
				companyCalls.Add(1)
				http.Error(w, `{"status":503,"error":"Service Unavailable","message":"down"}`, http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	g := startGateway(t, options{upstream: failCompanies})
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("1", `subscription($filter: EventFilter) { liveEvents(filter: $filter) { id company { name } } }`,
		orgFilter("Join Retry Ltd"))
	receiveEvent(t, g, c, "1", "Join Retry Ltd")

	companyCalls.Store(0)
	g.inject(t, "Join Retry Ltd")
	msg := c.readType()
	if msg.Type != "next" {
		t.Fatalf("got %s %s, want next", msg.Type, msg.Payload)
	}
	if !strings.Contains(string(msg.Payload), `"company":null`) {
		t.Errorf("payload %s, want company null with its error", msg.Payload)
	}
	if n := companyCalls.Load(); n != 2 {
		t.Errorf("company calls for one event = %d, want 2 (one retry)", n)
	}
}
