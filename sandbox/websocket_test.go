package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/cognism/graphql-gateway/cognism"
)

// noGeneratedEvents keeps the generator quiet so that tests see only the
// events they inject.
func noGeneratedEvents(c *Config) { c.EventInterval = time.Hour }

// nextEvent waits up to five seconds for the stream's next event.
func nextEvent(t *testing.T, stream *cognism.LiveStream) cognism.Event {
	t.Helper()
	waitCtx, cancel := contextWithTimeout(5 * time.Second)
	defer cancel()
	ev, err := stream.Next(waitCtx)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return ev
}

func TestWebsocketSendsMatchingEvents(t *testing.T) {
	ts := newTestSandbox(t, noGeneratedEvents)
	for _, pattern := range []string{"type=job-join;org=IBM", `{"type":"job-join","org":"ibm"}`} {
		t.Run(pattern, func(t *testing.T) {
			stream, err := ts.client.JoinWebsocket(ctx, pattern)
			if err != nil {
				t.Fatal(err)
			}
			defer stream.Close()
			if stream.SessionID() == "" {
				t.Error("no session id in the first frame")
			}

			ts.inject(t, cognism.Event{Type: "job-leave", Org: "IBM"})
			ts.inject(t, cognism.Event{Type: "job-join", Org: "Microsoft"})
			want := ts.inject(t, cognism.Event{Type: "job-join", Org: "IBM"})
			got := nextEvent(t, stream)
			if got.ID != want.ID {
				t.Errorf("first event %s (%s at %s), want %s", got.ID, got.Type, got.Org, want.ID)
			}
		})
	}
}

func TestWebsocketEmptyPatternMatchesAll(t *testing.T) {
	ts := newTestSandbox(t, noGeneratedEvents)
	stream, err := ts.client.JoinWebsocket(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	for _, typ := range []string{"quote", "330"} {
		want := ts.inject(t, cognism.Event{Type: cognism.FlexString(typ), Org: "SAP"})
		if got := nextEvent(t, stream); got.ID != want.ID {
			t.Errorf("got %s, want %s", got.ID, want.ID)
		}
	}
}

func TestWebsocketInvalidPatternIsBadRequest(t *testing.T) {
	ts := newTestSandbox(t)
	_, err := ts.client.JoinWebsocket(ctx, "colour=red")
	var apiErr *cognism.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || !strings.Contains(apiErr.Message, "colour") {
		t.Fatalf("err = %v, want 400 naming colour", err)
	}
}

func TestWebsocketNeedsCredentials(t *testing.T) {
	ts := newTestSandbox(t)
	_, err := newTestClient(t, ts.http.URL, DefaultAccessToken, "wrong").JoinWebsocket(ctx, "")
	if !errors.Is(err, cognism.ErrUnauthorized) {
		t.Errorf("wrong secret: %v, want unauthorized", err)
	}

	// The query form carries both credentials for clients that cannot set
	// headers on a websocket handshake.
	q := url.Values{"accessToken": {DefaultAccessToken}, "secretKey": {DefaultSecretKey}}
	conn, _, err := websocket.DefaultDialer.Dial(wsURL(ts.http.URL)+"/api/v1/websocket?"+q.Encode(), nil)
	if err != nil {
		t.Fatalf("query credentials: %v", err)
	}
	conn.Close()
}

func wsURL(httpURL string) string {
	return "ws" + strings.TrimPrefix(httpURL, "http")
}

func TestSessionPushReachesSocket(t *testing.T) {
	ts := newTestSandbox(t, noGeneratedEvents)
	pushed := make(chan json.RawMessage, 1)
	stream, err := ts.client.JoinWebsocket(ctx, "", cognism.WithMessageHandler(func(data json.RawMessage) {
		pushed <- data
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()

	if err := ts.client.PushToSession(ctx, stream.SessionID(), json.RawMessage(`{ "note": "hello" }`)); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-pushed:
		if string(got) != `{"note":"hello"}` {
			t.Errorf("pushed frame = %s", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("pushed frame did not arrive")
	}
}

func TestSessionPushErrors(t *testing.T) {
	ts := newTestSandbox(t, func(c *Config) {
		noGeneratedEvents(c)
		c.Accounts = []Account{{AccessToken: DefaultAccessToken, SecretKey: DefaultSecretKey}, {AccessToken: "other", SecretKey: "s"}}
	})
	err := ts.client.PushToSession(ctx, "no-such-session", json.RawMessage(`{}`))
	if !errors.Is(err, cognism.ErrNotFound) {
		t.Errorf("unknown session: %v, want not found", err)
	}

	stream, err := ts.client.JoinWebsocket(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	other := newTestClient(t, ts.http.URL, "other", "s")
	if err := other.PushToSession(ctx, stream.SessionID(), json.RawMessage(`{}`)); !errors.Is(err, cognism.ErrNotFound) {
		t.Errorf("another account's session: %v, want not found", err)
	}

	resp, body := ts.do(t, "POST", "/api/v1/websocket/session?session="+stream.SessionID(), "{not json", nil)
	wantStatus(t, resp, body, http.StatusNotAcceptable, "JSON")
	resp, body = ts.do(t, "POST", "/api/v1/websocket/session", "{}", nil)
	wantStatus(t, resp, body, http.StatusBadRequest, "session")
}

func TestWebsocketClosedWithoutPong(t *testing.T) {
	ts := newTestSandbox(t, func(c *Config) {
		noGeneratedEvents(c)
		c.PingInterval = 20 * time.Millisecond
		c.PongTimeout = 200 * time.Millisecond
	})
	header := http.Header{"X-API-AccessToken": {DefaultAccessToken}, "X-API-SecretKey": {DefaultSecretKey}}
	conn, _, err := websocket.DefaultDialer.Dial(wsURL(ts.http.URL)+"/api/v1/websocket", header)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	// A connection that does not read never sends a pong.
	time.Sleep(600 * time.Millisecond)
	conn.SetPingHandler(func(string) error { return nil })
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			var netErr interface{ Timeout() bool }
			if errors.As(err, &netErr) && netErr.Timeout() {
				t.Fatal("the server kept a connection that answered no ping")
			}
			return
		}
	}
}

func TestWebsocketKeptAliveByPongs(t *testing.T) {
	ts := newTestSandbox(t, func(c *Config) {
		noGeneratedEvents(c)
		c.PingInterval = 20 * time.Millisecond
		c.PongTimeout = 200 * time.Millisecond
	})
	stream, err := ts.client.JoinWebsocket(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()

	time.Sleep(600 * time.Millisecond)
	want := ts.inject(t, cognism.Event{Type: "quote", Org: "IBM"})
	if got := nextEvent(t, stream); got.ID != want.ID {
		t.Errorf("got %s, want %s", got.ID, want.ID)
	}
}

func TestGeneratorRunsWhileSocketOpen(t *testing.T) {
	ts := newTestSandbox(t, func(c *Config) { c.EventInterval = 5 * time.Millisecond })
	if ts.srv.live.generating() {
		t.Fatal("generator runs with nobody listening")
	}
	stream, err := ts.client.JoinWebsocket(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	ev := nextEvent(t, stream)
	if ev.Employee == nil || ev.Employee.Name == "" || ev.Org == "" || typeName(string(ev.Type)) == "" {
		t.Errorf("generated event is incomplete: %+v", ev)
	}
	companies, err := ts.client.CompanyByName(ctx, ev.Org)
	if err != nil || len(companies) == 0 {
		t.Errorf("generated event names company %q that does not resolve: %v", ev.Org, err)
	}

	stored, err := ts.client.EventStream(ctx, cognism.EventStreamOptions{Rule: cognism.Rule{cognism.Values("id", string(ev.ID))}})
	if err != nil || len(stored) != 1 {
		t.Errorf("generated event %s not stored: %v, %v", ev.ID, stored, err)
	}

	stream.Close()
	waitFor(t, "the generator to stop", func() bool { return !ts.srv.live.generating() })
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestInjectEventMethod(t *testing.T) {
	ts := newTestSandbox(t, noGeneratedEvents)
	stream, err := ts.client.JoinWebsocket(ctx, "type=310")
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()

	stored, err := ts.srv.InjectEvent(ctx, cognism.Event{Type: "310", Org: "IBM"})
	if err != nil {
		t.Fatal(err)
	}
	if stored.ID == "" || stored.At == 0 || stored.Date == "" || stored.TypeName != "Article Mention" {
		t.Errorf("stored event not completed: %+v", stored)
	}
	if got := nextEvent(t, stream); got.ID != stored.ID {
		t.Errorf("socket got %s, want %s", got.ID, stored.ID)
	}
	if _, err := ts.srv.InjectEvent(ctx, cognism.Event{Org: "IBM"}); err == nil {
		t.Error("an event without a type was accepted")
	}
}

func TestInjectEventDuplicateIDIsBadRequest(t *testing.T) {
	ts := newTestSandbox(t, noGeneratedEvents)
	stored := ts.inject(t, cognism.Event{Type: "quote", Org: "IBM"})
	resp, body := ts.do(t, "POST", "/_sandbox/events", `{"id":"`+string(stored.ID)+`","type":"quote"}`, nil)
	wantStatus(t, resp, body, http.StatusBadRequest, "id", string(stored.ID))
	resp, body = ts.do(t, "POST", "/_sandbox/events", `{"org":"IBM"}`, nil)
	wantStatus(t, resp, body, http.StatusBadRequest, "type")
	resp, body = ts.do(t, "POST", "/_sandbox/events", `{"type":`, nil)
	wantStatus(t, resp, body, http.StatusNotAcceptable, "Event JSON")
}
