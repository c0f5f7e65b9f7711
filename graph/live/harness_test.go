package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/graph/live"
	"github.com/cognism/graphql-gateway/sandbox"
)

// testScale keeps seeding quick; the live tests inject their own events.
const testScale = 0.01

// gateway is a sandbox and the GraphQL gateway on one loopback server,
// wired as the gateway binary wires them: /query, /sandbox/ and the webhook
// endpoint.
type gateway struct {
	server   *httptest.Server
	sandbox  *sandbox.Server
	handler  *graph.Handler
	hub      *graph.LiveHub
	webhooks *live.Webhooks
	client   *cognism.Client
}

// options tunes a test gateway.
type options struct {
	sandbox sandbox.Config
	hub     live.Config[*graph.LiveEvent]
	sockets graph.SocketTimings
	origins []string
	// maxOperations caps the operations of one websocket; zero keeps the
	// default.
	maxOperations int
	// upstream, when set, wraps the sandbox's handler, to fail some of its
	// requests.
	upstream func(http.Handler) http.Handler
}

func quietLogger() *slog.Logger {
	if os.Getenv("LIVE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// startGateway starts a gateway whose sandbox generates no events of its
// own unless opts sets an event interval.
func startGateway(t testing.TB, opts options) *gateway {
	t.Helper()
	logger := quietLogger()

	sbCfg := opts.sandbox
	sbCfg.DBPath = ":memory:"
	if sbCfg.Scale == 0 {
		sbCfg.Scale = testScale
	}
	if sbCfg.EventInterval == 0 {
		sbCfg.EventInterval = time.Hour
	}
	sbCfg.Logger = logger
	sb, err := sandbox.New(context.Background(), sbCfg)
	if err != nil {
		t.Fatalf("starting sandbox: %v", err)
	}

	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	client, err := cognism.NewClient(ts.URL+"/sandbox", cognism.WithDefaultCredentials(cognism.Credentials{
		AccessToken: sandbox.DefaultAccessToken,
		SecretKey:   sandbox.DefaultSecretKey,
	}))
	if err != nil {
		t.Fatal(err)
	}

	hubCfg := opts.hub
	hubCfg.Logger = logger
	if hubCfg.Grace == 0 {
		hubCfg.Grace = 50 * time.Millisecond
	}
	if hubCfg.Backoff.Base == 0 {
		hubCfg.Backoff = live.Backoff{Base: 20 * time.Millisecond, Max: 200 * time.Millisecond}
	}
	hub, err := graph.NewLiveHub(client, hubCfg)
	if err != nil {
		t.Fatal(err)
	}
	webhooks, err := live.NewWebhooks(hub, []byte("test webhook secret"), ts.URL, logger)
	if err != nil {
		t.Fatal(err)
	}

	gql, err := graph.NewHandler(graph.Config{
		Client:              client,
		DefaultCredentials:  cognism.Credentials{AccessToken: sandbox.DefaultAccessToken, SecretKey: sandbox.DefaultSecretKey},
		Live:                hub,
		WebhookCallbackURL:  webhooks.CallbackURL,
		AllowedOrigins:      opts.origins,
		Sockets:             opts.sockets,
		MaxSocketOperations: opts.maxOperations,
		Logger:              logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/query", gql)
	var api http.Handler = sb.Handler()
	if opts.upstream != nil {
		api = opts.upstream(api)
	}
	mux.Handle("/sandbox/", http.StripPrefix("/sandbox", api))
	mux.Handle(live.WebhookPath, webhooks)

	t.Cleanup(func() {
		ts.CloseClientConnections()
		ts.Close()
		hub.Close()
		_ = sb.Close()
	})
	return &gateway{server: ts, sandbox: sb, handler: gql, hub: hub, webhooks: webhooks, client: client}
}

func (g *gateway) socketURL() string {
	return "ws" + strings.TrimPrefix(g.server.URL, "http") + "/query"
}

// inject makes the sandbox emit one event now and returns its id.
func (g *gateway) inject(t testing.TB, org string) string {
	t.Helper()
	return g.injectEvent(t, map[string]any{"type": "job-join", "org": org})
}

// injectEvent makes the sandbox emit the event now and returns its id.
func (g *gateway) injectEvent(t testing.TB, event map[string]any) string {
	t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	body := g.post(t, "/sandbox/_sandbox/events", event)
	if err := json.Unmarshal(body, &out); err != nil || out.ID == "" {
		t.Fatalf("injected event has no id: %s", body)
	}
	return out.ID
}

func (g *gateway) post(t testing.TB, path string, body any) []byte {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(g.server.URL+path, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, out)
	}
	return out
}

// graphql runs a query or mutation over HTTP and fails on errors.
func (g *gateway) graphql(t testing.TB, query string, variables map[string]any, out any) {
	t.Helper()
	body := g.post(t, "/query", map[string]any{"query": query, "variables": variables})
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("decoding response: %v: %s", err, body)
	}
	if len(resp.Errors) > 0 {
		t.Fatalf("GraphQL errors: %s", body)
	}
	if out != nil {
		if err := json.Unmarshal(resp.Data, out); err != nil {
			t.Fatal(err)
		}
	}
}

// wsClient is a raw GraphQL websocket client that speaks either protocol.
// Its reads go through one background reader, started by the first read,
// because a gorilla connection cannot read again after a read deadline.
type wsClient struct {
	t        testing.TB
	conn     *websocket.Conn
	protocol string

	startOnce sync.Once
	msgs      chan message
	errs      chan error
	readErr   error
}

// message is a protocol message in either direction.
type message struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

var errReadTimeout = errors.New("no message before the timeout")

func dial(t testing.TB, g *gateway, protocol string, header http.Header) *wsClient {
	t.Helper()
	return dialWith(t, g, &websocket.Dialer{HandshakeTimeout: 10 * time.Second}, protocol, header)
}

func dialWith(t testing.TB, g *gateway, dialer *websocket.Dialer, protocol string, header http.Header) *wsClient {
	t.Helper()
	dialer.Subprotocols = []string{protocol}
	conn, resp, err := dialer.Dial(g.socketURL(), header)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dialing %s: %v (status %d)", protocol, err, status)
	}
	t.Cleanup(func() { conn.Close() })
	return &wsClient{
		t: t, conn: conn, protocol: protocol,
		msgs: make(chan message, 8192), errs: make(chan error, 1),
	}
}

func (c *wsClient) send(msg any) {
	c.t.Helper()
	var data []byte
	switch m := msg.(type) {
	case string:
		data = []byte(m)
	default:
		var err error
		if data, err = json.Marshal(m); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := c.conn.WriteMessage(websocket.TextMessage, data); err != nil {
		c.t.Fatalf("writing %s: %v", data, err)
	}
}

func (c *wsClient) readLoop() {
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			c.errs <- err
			return
		}
		var msg message
		if err := json.Unmarshal(data, &msg); err != nil {
			c.errs <- fmt.Errorf("decoding %s: %w", data, err)
			return
		}
		c.msgs <- msg
	}
}

// read returns the next message, failing after a minute.
func (c *wsClient) read() message {
	c.t.Helper()
	msg, err := c.tryRead(time.Minute)
	if err != nil {
		c.t.Fatalf("reading: %v", err)
	}
	return msg
}

// tryRead returns the next message, the error that ended reading, or
// errReadTimeout.
func (c *wsClient) tryRead(timeout time.Duration) (message, error) {
	c.startOnce.Do(func() { go c.readLoop() })
	if c.readErr != nil {
		return message{}, c.readErr
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case msg := <-c.msgs:
		return msg, nil
	case err := <-c.errs:
		// The read loop sent its messages before the error, but select
		// may pick either, so the messages come first.
		select {
		case msg := <-c.msgs:
			c.errs <- err
			return msg, nil
		default:
		}
		c.readErr = err
		return message{}, err
	case <-timer.C:
		return message{}, errReadTimeout
	}
}

// readType skips keep-alive messages, replies pong to pings, and returns
// the next other message, failing when none arrives within a minute.
func (c *wsClient) readType() message {
	c.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		msg, err := c.tryRead(time.Until(deadline))
		if err != nil {
			c.t.Fatalf("reading: %v", err)
		}
		switch msg.Type {
		case "ka", "pong":
			continue
		case "ping":
			c.send(message{Type: "pong"})
			continue
		}
		return msg
	}
}

// init sends connection_init and expects connection_ack.
func (c *wsClient) init(payload map[string]any) {
	c.t.Helper()
	msg := map[string]any{"type": "connection_init"}
	if payload != nil {
		msg["payload"] = payload
	}
	c.send(msg)
	if got := c.readType(); got.Type != "connection_ack" {
		c.t.Fatalf("after connection_init got %s %s, want connection_ack", got.Type, got.Payload)
	}
}

// initWithoutReader is init for a client that must not read in the
// background yet.
func (c *wsClient) initWithoutReader() {
	c.t.Helper()
	c.send(map[string]any{"type": "connection_init"})
	_ = c.conn.SetReadDeadline(time.Now().Add(time.Minute))
	_, data, err := c.conn.ReadMessage()
	if err != nil || !bytes.Contains(data, []byte(`"connection_ack"`)) {
		c.t.Fatalf("after connection_init got %s, %v; want connection_ack", data, err)
	}
	_ = c.conn.SetReadDeadline(time.Time{})
}

// subscribe starts an operation with the protocol's start message.
func (c *wsClient) subscribe(id, query string, variables map[string]any) {
	c.t.Helper()
	kind := "subscribe"
	if c.protocol == live.ProtocolLegacyWS {
		kind = "start"
	}
	c.send(map[string]any{"id": id, "type": kind, "payload": map[string]any{"query": query, "variables": variables}})
}

// stop ends an operation with the protocol's stop message.
func (c *wsClient) stop(id string) {
	c.t.Helper()
	kind := "complete"
	if c.protocol == live.ProtocolLegacyWS {
		kind = "stop"
	}
	c.send(map[string]any{"id": id, "type": kind})
}

// closeCode reads until the server closes the socket and returns the code.
func (c *wsClient) closeCode() int {
	c.t.Helper()
	return c.closeFrame().Code
}

// closeFrame reads until the server closes the socket and returns the
// close frame, failing when a connection_ack arrives first.
func (c *wsClient) closeFrame() *websocket.CloseError {
	c.t.Helper()
	for {
		msg, err := c.tryRead(time.Minute)
		if err == nil {
			if msg.Type == "connection_ack" {
				c.t.Fatal("got connection_ack, want the socket closed")
			}
			continue
		}
		var closeErr *websocket.CloseError
		if errors.As(err, &closeErr) {
			return closeErr
		}
		c.t.Fatalf("socket ended without a close frame: %v", err)
	}
}

// eventPayload is the data of a liveEvents or triggerFired message.
type eventPayload struct {
	Data map[string]struct {
		ID           string `json:"id"`
		Organization string `json:"organization"`
	} `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func decodePayload(t testing.TB, raw json.RawMessage) eventPayload {
	t.Helper()
	var p eventPayload
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("decoding payload %s: %v", raw, err)
	}
	return p
}

// waitFor polls cond until it holds, failing after a minute.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const liveQuery = `subscription($filter: EventFilter) { liveEvents(filter: $filter) { id organization } }`

type sandboxAccount = sandbox.Account

// sandboxWithAccounts returns a sandbox configuration accepting the default
// account and accounts.
func sandboxWithAccounts(accounts []sandbox.Account) sandbox.Config {
	all := append([]sandbox.Account{{AccessToken: sandbox.DefaultAccessToken, SecretKey: sandbox.DefaultSecretKey}}, accounts...)
	return sandbox.Config{Accounts: all}
}
