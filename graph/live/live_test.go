package live_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/graph/live"
	"github.com/cognism/graphql-gateway/sandbox"
)

// orgFilter is the liveEvents variables for one organisation.
func orgFilter(org string) map[string]any {
	return map[string]any{"filter": map[string]any{"organizations": []string{org}}}
}

// awaitFeed injects marker events until c receives one on operation id, so
// that the upstream socket is known to be open.
func awaitFeed(t *testing.T, g *gateway, c *wsClient, id, org string) {
	t.Helper()
	receiveEvent(t, g, c, id, org)
}

func TestLiveEventsOverEachProtocol(t *testing.T) {
	g := startGateway(t, options{})
	for _, protocol := range []string{live.ProtocolTransportWS, live.ProtocolLegacyWS} {
		t.Run(protocol, func(t *testing.T) {
			org := "Live Test " + protocol
			c := dial(t, g, protocol, nil)
			c.init(nil)
			c.subscribe("1", liveQuery, orgFilter(org))
			got := receiveEvent(t, g, c, "1", org)
			if got.Data["liveEvents"].Organization != org {
				t.Errorf("organization = %q, want %q", got.Data["liveEvents"].Organization, org)
			}
		})
	}
}

// receiveEvent injects events for org every 100 ms until c receives one on
// operation id, and returns its payload.
func receiveEvent(t *testing.T, g *gateway, c *wsClient, id, org string) eventPayload {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		g.inject(t, org)
		msg, err := c.tryRead(100 * time.Millisecond)
		for err == nil {
			if msg.ID == id && (msg.Type == "next" || msg.Type == "data") {
				return decodePayload(t, msg.Payload)
			}
			if msg.ID == id {
				t.Fatalf("operation ended with %s %s", msg.Type, msg.Payload)
			}
			if msg.Type == "ping" {
				c.send(message{Type: "pong"})
			}
			msg, err = c.tryRead(10 * time.Millisecond)
		}
		if !errors.Is(err, errReadTimeout) {
			t.Fatalf("reading: %v", err)
		}
	}
	t.Fatal("no event within a minute")
	return eventPayload{}
}

func TestSubscribersOfOneFilterShareOneUpstreamSocket(t *testing.T) {
	g := startGateway(t, options{})
	spellings := []string{"Acme Corp", "acme corp", "ACME CORP"}
	for i := 0; i < 9; i++ {
		c := dial(t, g, live.ProtocolTransportWS, nil)
		c.init(nil)
		c.subscribe("1", liveQuery, orgFilter(spellings[i%len(spellings)]))
	}
	waitFor(t, "nine subscribers", func() bool { return g.hub.Stats().FeedSubscribers == 9 })
	if got := g.hub.Stats().Feeds; got != 1 {
		t.Errorf("upstream sockets = %d, want 1", got)
	}
}

func TestUpstreamSocketClosesAfterLastSubscriber(t *testing.T) {
	g := startGateway(t, options{})
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("1", liveQuery, nil)
	waitFor(t, "the subscriber", func() bool { return g.hub.Stats().FeedSubscribers == 1 })

	c.stop("1")
	waitFor(t, "the upstream socket to close", func() bool { return g.hub.Stats().Feeds == 0 })
}

func TestSubscribeCyclesLeaveNoGoroutines(t *testing.T) {
	g := startGateway(t, options{})
	warm := dial(t, g, live.ProtocolTransportWS, nil)
	warm.init(nil)
	warm.conn.Close()
	time.Sleep(100 * time.Millisecond)
	before := runtime.NumGoroutine()

	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	for i := 0; i < 1000; i++ {
		c.subscribe("1", liveQuery, orgFilter(fmt.Sprintf("Cycle %d", i%7)))
		c.stop("1")
	}
	// The id is free after each complete and none is sent back, so one
	// more subscription under it receives events and nothing else.
	c.subscribe("1", liveQuery, orgFilter("Cycle end"))
	receiveEvent(t, g, c, "1", "Cycle end")
	c.stop("1")
	c.conn.Close()

	waitFor(t, "upstream sockets to close", func() bool { return g.hub.Stats().Feeds == 0 })
	var now int
	waitFor(t, "the goroutine count to return", func() bool {
		now = runtime.NumGoroutine()
		return now <= before
	})
}

func TestSlowSubscriberEndedWithoutDelayingOthers(t *testing.T) {
	g := startGateway(t, options{hub: live.Config[*graph.LiveEvent]{Buffer: 64}})
	org := "Slow Test"
	fast := dial(t, g, live.ProtocolTransportWS, nil)
	fast.init(nil)
	fast.subscribe("1", liveQuery, orgFilter(org))
	awaitFeed(t, g, fast, "1", org)

	// The slow client has a tiny receive buffer and reads nothing until the
	// hub has ended its subscriber.
	slow := dialWith(t, g, &websocket.Dialer{NetDialContext: smallReceiveBuffer}, live.ProtocolTransportWS, nil)
	slow.initWithoutReader()
	slow.subscribe("1", fatQuery(), orgFilter(org))
	waitFor(t, "two subscribers", func() bool { return g.hub.Stats().FeedSubscribers == 2 })

	// Injection waits whenever the fast client is 32 events behind, so it
	// stays within its buffer however busy the machine is.
	const events = 3000
	var fastIDs []string
	var fastErr error
	var fastCount atomic.Int64
	fastDone := make(chan struct{})
	go func() {
		defer close(fastDone)
		for len(fastIDs) < events {
			msg, err := fast.tryRead(time.Minute)
			if err != nil {
				fastErr = err
				return
			}
			switch msg.Type {
			case "next":
				var p eventPayload
				if err := json.Unmarshal(msg.Payload, &p); err != nil || len(p.Errors) > 0 {
					fastErr = fmt.Errorf("payload with errors: %s", msg.Payload)
					return
				}
				fastIDs = append(fastIDs, p.Data["liveEvents"].ID)
				fastCount.Add(1)
			case "ping":
				_ = fast.conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"pong"}`))
			case "complete", "error":
				fastErr = fmt.Errorf("operation ended with %s %s", msg.Type, msg.Payload)
				return
			}
		}
	}()

	var injected []string
	for i := 0; i < events; i++ {
		for int64(i)-fastCount.Load() > 32 {
			select {
			case <-fastDone:
				t.Fatalf("fast subscriber failed after %d events: %v", len(fastIDs), fastErr)
			case <-time.After(time.Millisecond):
			}
		}
		injected = append(injected, g.inject(t, org))
	}
	<-fastDone
	if fastErr != nil {
		t.Fatalf("fast subscriber failed after %d events: %v", len(fastIDs), fastErr)
	}
	if !equalIDs(afterFirst(fastIDs, injected[0]), injected) {
		t.Errorf("fast subscriber: %s", describeDiff(afterFirst(fastIDs, injected[0]), injected))
	}
	if got := g.hub.Stats().FeedSubscribers; got != 1 {
		t.Errorf("subscribers after the burst = %d, want 1 (the slow one ended)", got)
	}
	if code := readUntilError(t, slow, "1"); code != "SLOW_SUBSCRIBER" {
		t.Errorf("slow subscriber ended with code %q, want SLOW_SUBSCRIBER", code)
	}
	if got := slow.readType(); got.Type != "complete" || got.ID != "1" {
		t.Errorf("after the error the slow subscriber got %s %q, want complete 1", got.Type, got.ID)
	}
}

// fatQuery selects the organisation under 200 aliases, so that each event
// message is several kilobytes and a client that does not read fills the
// socket buffers after a few hundred events.
func fatQuery() string {
	var b strings.Builder
	b.WriteString(`subscription($filter: EventFilter) { liveEvents(filter: $filter) { id organization`)
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, " organization%d: organization", i)
	}
	b.WriteString(" } }")
	return b.String()
}

// smallReceiveBuffer dials with a 4 KiB socket receive buffer, so that a
// client that does not read fills it quickly.
func smallReceiveBuffer(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var sockErr error
		err := rc.Control(func(fd uintptr) {
			sockErr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
		if err != nil {
			return err
		}
		return sockErr
	}}
	return d.DialContext(ctx, network, addr)
}

// readUntilError reads operation id until a payload with errors and
// returns the first error's code.
func readUntilError(t *testing.T, c *wsClient, id string) string {
	t.Helper()
	for {
		msg := c.readType()
		if msg.ID != id {
			continue
		}
		switch msg.Type {
		case "next", "data":
			p := decodePayload(t, msg.Payload)
			if len(p.Errors) > 0 {
				code, _ := p.Errors[0].Extensions["code"].(string)
				if len(p.Errors[0].Path) == 0 {
					t.Errorf("error %q has no path", p.Errors[0].Message)
				}
				return code
			}
		default:
			t.Fatalf("operation ended with %s %s before an error", msg.Type, msg.Payload)
		}
	}
}

func equalIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEveryEventOnceInOrderWhileUpstreamDrops(t *testing.T) {
	g := startGateway(t, options{})
	org := "Loss Test"
	const subscribers = 4
	const events = 1000

	clients := make([]*wsClient, subscribers)
	for i := range clients {
		protocol := live.ProtocolTransportWS
		if i%2 == 1 {
			protocol = live.ProtocolLegacyWS
		}
		clients[i] = dial(t, g, protocol, nil)
		clients[i].init(nil)
		clients[i].subscribe("1", liveQuery, orgFilter(org))
	}
	waitFor(t, "every subscriber", func() bool { return g.hub.Stats().FeedSubscribers == subscribers })
	awaitFeed(t, g, clients[0], "1", org)

	if err := g.sandbox.SetFaults(sandbox.FaultConfig{WebsocketDropAfter: 50}); err != nil {
		t.Fatal(err)
	}
	joinsBefore := g.sandbox.Stats().Endpoints["GET /api/v1/websocket"]

	var last atomic.Value
	last.Store("")
	received := make([][]string, subscribers)
	counts := make([]atomic.Int64, subscribers)
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			received[i] = collectUntil(t, c, "1", &counts[i], func() string { return last.Load().(string) })
		}()
	}

	// Injection waits while a subscriber is 100 events behind, so that no
	// subscriber overflows its buffer of 256 however busy the machine is.
	injected := make([]string, 0, events)
	for i := 0; i < events; i++ {
		waitFor(t, "subscribers to catch up", func() bool {
			for j := range counts {
				if int64(i)-counts[j].Load() > 100 {
					return false
				}
			}
			return true
		})
		injected = append(injected, g.inject(t, org))
	}
	last.Store(injected[events-1])
	wg.Wait()

	for i, ids := range received {
		ids = afterFirst(ids, injected[0])
		if !equalIDs(ids, injected) {
			t.Errorf("subscriber %d received %d events (%s); want the %d injected, once each and in order",
				i, len(ids), describeDiff(ids, injected), events)
		}
	}
	if joins := g.sandbox.Stats().Endpoints["GET /api/v1/websocket"] - joinsBefore; joins < 3 {
		t.Errorf("upstream websocket joins during the test = %d, want at least 3 from the drop fault", joins)
	}
}

// collectUntil reads the event ids of operation id until it has received
// the id that last returns.
func collectUntil(t *testing.T, c *wsClient, id string, count *atomic.Int64, last func() string) []string {
	var ids []string
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if want := last(); want != "" && containsID(ids, want) {
			return ids
		}
		msg, err := c.tryRead(200 * time.Millisecond)
		if errors.Is(err, errReadTimeout) {
			continue
		}
		if err != nil {
			t.Errorf("reading after %d events: %v", len(ids), err)
			return ids
		}
		switch {
		case msg.Type == "ping":
			_ = c.conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"pong"}`))
		case msg.ID == id && (msg.Type == "next" || msg.Type == "data"):
			var p eventPayload
			if err := json.Unmarshal(msg.Payload, &p); err != nil || len(p.Errors) > 0 {
				t.Errorf("subscription failed after %d events: %s", len(ids), msg.Payload)
				return ids
			}
			ids = append(ids, p.Data["liveEvents"].ID)
			count.Add(1)
		case msg.ID == id:
			t.Errorf("subscription ended with %s after %d events", msg.Type, len(ids))
			return ids
		}
	}
	t.Errorf("last event not received within 2 minutes; got %d events", len(ids))
	return ids
}

func containsID(ids []string, id string) bool {
	for i := len(ids) - 1; i >= 0; i-- {
		if ids[i] == id {
			return true
		}
	}
	return false
}

// afterFirst drops the marker events received before first.
func afterFirst(ids []string, first string) []string {
	for i, id := range ids {
		if id == first {
			return ids[i:]
		}
	}
	return ids
}

func describeDiff(got, want []string) string {
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	missing, dup := 0, 0
	for _, id := range want {
		if seen[id] == 0 {
			missing++
		}
	}
	for _, n := range seen {
		if n > 1 {
			dup += n - 1
		}
	}
	return fmt.Sprintf("%d missing, %d duplicated", missing, dup)
}

func TestSSEReceivesLiveEvents(t *testing.T) {
	g := startGateway(t, options{})
	org := "SSE Test"
	body, _ := json.Marshal(map[string]any{"query": liveQuery, "variables": orgFilter(org)})
	req, _ := http.NewRequest("POST", g.server.URL+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type = %q, want text/event-stream", ct)
	}

	events := make(chan string, 16)
	go func() {
		scanner := bufio.NewScanner(resp.Body)
		for scanner.Scan() {
			if data, ok := strings.CutPrefix(scanner.Text(), "data: "); ok {
				events <- data
			}
		}
		close(events)
	}()

	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	deadline := time.After(time.Minute)
	for {
		select {
		case data, ok := <-events:
			if !ok {
				t.Fatal("event stream ended before an event")
			}
			p := decodePayload(t, json.RawMessage(data))
			if p.Data["liveEvents"].Organization != org {
				t.Fatalf("event %s, want organization %q", data, org)
			}
			return
		case <-ticker.C:
			g.inject(t, org)
		case <-deadline:
			t.Fatal("no event within a minute")
		}
	}
}

func TestSlowSubscriberErrorSkipsUnreadEvents(t *testing.T) {
	g := startGateway(t, options{hub: live.Config[*graph.LiveEvent]{Buffer: 4}})
	org := "Unread Test"
	creds := cognism.Credentials{AccessToken: sandbox.DefaultAccessToken, SecretKey: sandbox.DefaultSecretKey}
	sub, err := g.hub.Subscribe(creds, cognism.Rule{cognism.Values("org", org)})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()

	// Events flow once one injected event arrives.
	waitFor(t, "the upstream socket", func() bool {
		g.inject(t, org)
		select {
		case <-sub.Events():
			return true
		case <-time.After(100 * time.Millisecond):
			return false
		}
	})
	waitFor(t, "the subscriber to fall behind", func() bool {
		g.inject(t, org)
		return g.hub.Stats().FeedSubscribers == 0
	})

	ev, open := <-sub.Events()
	if open {
		t.Errorf("received event %s after the subscriber fell behind, want the channel closed", ev.Event.ID)
	}
	if err := sub.Err(); !errors.Is(err, live.ErrSlowSubscriber) {
		t.Errorf("Err = %v, want ErrSlowSubscriber", err)
	}
}

// A backfill longer than a subscriber's buffer is handed over as the
// subscriber reads, not all at once, which would end it as slow.
func TestBackfillLongerThanBufferReachesReadingSubscriber(t *testing.T) {
	g := startGateway(t, options{hub: live.Config[*graph.LiveEvent]{Buffer: 8}})
	org := "Gap Test"
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("1", liveQuery, orgFilter(org))
	waitFor(t, "the subscriber", func() bool { return g.hub.Stats().FeedSubscribers == 1 })
	awaitFeed(t, g, c, "1", org)

	// The socket drops after its next message, and every reconnect fails
	// until the faults are cleared.
	err := g.sandbox.SetFaults(sandbox.FaultConfig{ErrorRate: 1, ErrorStatus: 503, WebsocketDropAfter: 1})
	if err != nil {
		t.Fatal(err)
	}
	const missed = 40
	injected := make([]string, 0, missed+1)
	for range missed + 1 {
		injected = append(injected, g.inject(t, org))
	}
	if err := g.sandbox.SetFaults(sandbox.FaultConfig{}); err != nil {
		t.Fatal(err)
	}

	var count atomic.Int64
	received := collectUntil(t, c, "1", &count, func() string { return injected[missed] })
	received = afterFirst(received, injected[0])
	if !equalIDs(received, injected) {
		t.Errorf("received %d events (%s); want the %d injected, once each and in order",
			len(received), describeDiff(received, injected), len(injected))
	}
}
