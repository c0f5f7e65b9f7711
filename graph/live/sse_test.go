package live_test

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/graph"
)

// An SSE client that stops reading while large events pile up, then
// leaves, must not take the gateway down: the keep-alive may still try to
// write after the stream ended.
func TestStalledSSEClientLeavesGatewayServing(t *testing.T) {
	g := startGateway(t, options{sockets: graph.SocketTimings{KeepAlive: 20 * time.Millisecond}})
	conn, err := net.Dial("tcp", strings.TrimPrefix(g.server.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	body := `{"query":"subscription { liveEvents(filter: {organizations: [\"Stall Ltd\"]}) { id employee { title } } }"}`
	fmt.Fprintf(conn, "POST /query HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"+
		"Accept: text/event-stream\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	waitFor(t, "the SSE subscription", func() bool { return g.hub.Stats().FeedSubscribers == 1 })

	title := strings.Repeat("x", 30000)
	for range 400 {
		g.injectEvent(t, map[string]any{"type": "job-join", "org": "Stall Ltd", "employee": map[string]any{"title": title}})
	}
	time.Sleep(200 * time.Millisecond) // keep-alive ticks while the writes are blocked
	conn.Close()
	time.Sleep(300 * time.Millisecond)

	var out struct{ Company *struct{ Name string } }
	g.graphql(t, `{ company(name: "IBM") { name } }`, nil, &out)
	if out.Company == nil {
		t.Error("the gateway no longer answers queries")
	}
}
