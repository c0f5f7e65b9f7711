package cognism

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const (
	testToken  = "tok-9f8e7d"
	testSecret = "sec-1a2b3c"
)

// testWait bounds waits that only a broken implementation would reach.
const testWait = 10 * time.Second

// websocketScript plays the server's side of one upgraded connection.
type websocketScript func(t *testing.T, conn *websocket.Conn, r *http.Request)

// newWebsocketServer serves the live endpoint under /prefix and runs script
// on each upgraded connection; the connection closes when script returns.
func newWebsocketServer(t *testing.T, script websocketScript) *Client {
	t.Helper()

	upgrader := websocket.Upgrader{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /prefix/api/v1/websocket", func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			t.Errorf("upgrade: %v", err)
			return
		}
		defer conn.Close()
		script(t, conn, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	c, err := NewClient(srv.URL+"/prefix", WithDefaultCredentials(Credentials{testToken, testSecret}))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func writeJSON(t *testing.T, conn *websocket.Conn, v any) {
	t.Helper()
	if err := conn.WriteJSON(v); err != nil {
		t.Errorf("write frame: %v", err)
	}
}

// waitForClose reads until the client closes the connection and returns
// the read error.
func waitForClose(conn *websocket.Conn) error {
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			return err
		}
	}
}

func join(t *testing.T, c *Client, opts ...StreamOption) *LiveStream {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	s, err := c.JoinWebsocket(ctx, "type=job-join;org=AT\\;T", opts...)
	if err != nil {
		t.Fatalf("JoinWebsocket: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func next(t *testing.T, s *LiveStream) (Event, error) {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	return s.Next(ctx)
}

func TestJoinWebsocketSessionAndEvents(t *testing.T) {
	t.Parallel()

	c := newWebsocketServer(t, func(t *testing.T, conn *websocket.Conn, r *http.Request) {
		if got := r.Header.Get("X-API-AccessToken"); got != testToken {
			t.Errorf("X-API-AccessToken = %q, want %q", got, testToken)
		}
		if got := r.Header.Get("X-API-SecretKey"); got != testSecret {
			t.Errorf("X-API-SecretKey = %q, want %q", got, testSecret)
		}
		if got := r.URL.Query().Get("pattern"); got != "type=job-join;org=AT\\;T" {
			t.Errorf("pattern = %q, want the rule unchanged", got)
		}
		if q := r.URL.Query(); q.Has("accessToken") || q.Has("secretKey") {
			t.Errorf("query %q carries credentials", r.URL.RawQuery)
		}

		writeJSON(t, conn, map[string]string{"session": "s-42"})
		writeJSON(t, conn, map[string]any{"id": "e1", "at": 1471732633672, "type": "job-join"})
		writeJSON(t, conn, map[string]any{"pushed": true})
		writeJSON(t, conn, []int{1, 2})
		writeJSON(t, conn, map[string]any{"id": 2, "at": "1471732633673", "type": 310})
		writeJSON(t, conn, map[string]any{"id": "e3", "org": "AT&T"})
		_ = waitForClose(conn)
	})

	var mu sync.Mutex
	var messages []string
	s := join(t, c, WithMessageHandler(func(data json.RawMessage) {
		mu.Lock()
		defer mu.Unlock()
		messages = append(messages, string(data))
	}))

	if got := s.SessionID(); got != "s-42" {
		t.Errorf("SessionID() = %q, want %q", got, "s-42")
	}
	wantIDs := []string{"e1", "2", "e3"}
	for _, want := range wantIDs {
		ev, err := next(t, s)
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if string(ev.ID) != want {
			t.Errorf("event id = %q, want %q", ev.ID, want)
		}
	}

	mu.Lock()
	defer mu.Unlock()
	wantMessages := []string{`{"pushed":true}`, `[1,2]`}
	if strings.Join(messages, " ") != strings.Join(wantMessages, " ") {
		t.Errorf("message handler got %q, want %q", messages, wantMessages)
	}
}

func TestLiveStreamAnswersPing(t *testing.T) {
	t.Parallel()

	pong := make(chan string, 1)
	c := newWebsocketServer(t, func(t *testing.T, conn *websocket.Conn, r *http.Request) {
		conn.SetPongHandler(func(data string) error {
			pong <- data
			return nil
		})
		writeJSON(t, conn, map[string]string{"session": "s-1"})
		if err := conn.WriteControl(websocket.PingMessage, []byte("ping-1"), time.Now().Add(testWait)); err != nil {
			t.Errorf("write ping: %v", err)
		}
		go func() { _ = waitForClose(conn) }()

		select {
		case <-pong:
			writeJSON(t, conn, map[string]string{"id": "after-pong"})
		case <-time.After(testWait):
			t.Error("client did not answer the ping")
		}
		time.Sleep(100 * time.Millisecond)
	})
	s := join(t, c)

	ev, err := next(t, s)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	if ev.ID != "after-pong" {
		t.Errorf("event id = %q, want %q", ev.ID, "after-pong")
	}
}

func TestLiveStreamCloseIsClean(t *testing.T) {
	t.Parallel()

	serverErr := make(chan error, 1)
	c := newWebsocketServer(t, func(t *testing.T, conn *websocket.Conn, r *http.Request) {
		writeJSON(t, conn, map[string]string{"session": "s-1"})
		serverErr <- waitForClose(conn)
	})
	s := join(t, c)

	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := next(t, s); !errors.Is(err, ErrStreamClosed) {
		t.Errorf("Next after Close error = %v, want ErrStreamClosed", err)
	}
	select {
	case <-s.readerDone:
	default:
		t.Error("the reading goroutine still runs after Close returned")
	}

	err := <-serverErr
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("server read error = %v, want a normal close frame", err)
	}
}

func TestLiveStreamDropIsStreamError(t *testing.T) {
	t.Parallel()

	c := newWebsocketServer(t, func(t *testing.T, conn *websocket.Conn, r *http.Request) {
		writeJSON(t, conn, map[string]string{"session": "s-drop"})
		writeJSON(t, conn, map[string]string{"id": "e1"})
		// Closing the TCP connection sends no close frame.
		conn.NetConn().Close()
	})
	s := join(t, c)

	if ev, err := next(t, s); err != nil || ev.ID != "e1" {
		t.Fatalf("first Next = %q, %v; want the event sent before the drop", ev.ID, err)
	}
	_, err := next(t, s)
	var streamErr *StreamError
	if !errors.As(err, &streamErr) {
		t.Fatalf("Next after drop error = %v (%T), want a *StreamError", err, err)
	}
	if errors.Is(err, io.EOF) {
		t.Errorf("Next after drop error %v matches io.EOF", err)
	}
	if streamErr.Session != "s-drop" {
		t.Errorf("StreamError.Session = %q, want %q", streamErr.Session, "s-drop")
	}
	if _, again := next(t, s); !errors.As(again, &streamErr) {
		t.Errorf("second Next after drop error = %v, want the *StreamError again", again)
	}
}

func TestLiveStreamServerCloseIsStreamError(t *testing.T) {
	t.Parallel()

	c := newWebsocketServer(t, func(t *testing.T, conn *websocket.Conn, r *http.Request) {
		writeJSON(t, conn, map[string]string{"session": "s-1"})
		msg := websocket.FormatCloseMessage(websocket.CloseGoingAway, "restarting")
		_ = conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(testWait))
		_ = waitForClose(conn)
	})
	s := join(t, c)

	_, err := next(t, s)
	var streamErr *StreamError
	if !errors.As(err, &streamErr) {
		t.Fatalf("Next error = %v, want a *StreamError", err)
	}
	if streamErr.Code != websocket.CloseGoingAway {
		t.Errorf("StreamError.Code = %d, want %d", streamErr.Code, websocket.CloseGoingAway)
	}
	if !strings.Contains(err.Error(), "restarting") {
		t.Errorf("error %q does not carry the server's close reason", err)
	}
}

func TestLiveStreamReadLimit(t *testing.T) {
	t.Parallel()

	c := newWebsocketServer(t, func(t *testing.T, conn *websocket.Conn, r *http.Request) {
		writeJSON(t, conn, map[string]string{"session": "s-1"})
		writeJSON(t, conn, map[string]string{"id": "small"})
		writeJSON(t, conn, map[string]string{"id": "big", "org": strings.Repeat("x", 2048)})
		_ = waitForClose(conn)
	})
	s := join(t, c, WithReadLimit(1024))

	if ev, err := next(t, s); err != nil || ev.ID != "small" {
		t.Fatalf("first Next = %q, %v; want the small event", ev.ID, err)
	}
	_, err := next(t, s)
	var streamErr *StreamError
	if !errors.As(err, &streamErr) {
		t.Fatalf("Next error = %v, want a *StreamError", err)
	}
	if !errors.Is(err, websocket.ErrReadLimit) {
		t.Errorf("Next error = %v, want it to wrap websocket.ErrReadLimit", err)
	}
}

func TestLiveStreamGarbageFrame(t *testing.T) {
	t.Parallel()

	c := newWebsocketServer(t, func(t *testing.T, conn *websocket.Conn, r *http.Request) {
		writeJSON(t, conn, map[string]string{"session": "s-1"})
		_ = conn.WriteMessage(websocket.TextMessage, []byte("<html>oops</html>"))
		_ = waitForClose(conn)
	})
	s := join(t, c)

	_, err := next(t, s)
	var streamErr *StreamError
	if !errors.As(err, &streamErr) {
		t.Fatalf("Next error = %v, want a *StreamError", err)
	}
	if !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("error %q does not say the frame is not JSON", err)
	}
}

func TestLiveStreamReadTimeout(t *testing.T) {
	t.Parallel()

	c := newWebsocketServer(t, func(t *testing.T, conn *websocket.Conn, r *http.Request) {
		writeJSON(t, conn, map[string]string{"session": "s-1"})
		_ = waitForClose(conn)
	})
	s := join(t, c, WithReadTimeout(50*time.Millisecond))

	_, err := next(t, s)
	var streamErr *StreamError
	if !errors.As(err, &streamErr) {
		t.Fatalf("Next error = %v, want a *StreamError", err)
	}
	if !strings.Contains(streamErr.Reason, "no frame or ping") {
		t.Errorf("StreamError.Reason = %q, want it to name the silence", streamErr.Reason)
	}
}

func TestLiveStreamNextHonoursContext(t *testing.T) {
	t.Parallel()

	release := make(chan struct{})
	c := newWebsocketServer(t, func(t *testing.T, conn *websocket.Conn, r *http.Request) {
		writeJSON(t, conn, map[string]string{"session": "s-1"})
		<-release
		writeJSON(t, conn, map[string]string{"id": "later"})
		_ = waitForClose(conn)
	})
	s := join(t, c)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Next with a cancelled context error = %v, want context.Canceled", err)
	}

	close(release)
	ev, err := next(t, s)
	if err != nil {
		t.Fatalf("Next after a cancelled call: %v", err)
	}
	if ev.ID != "later" {
		t.Errorf("event id = %q, want %q", ev.ID, "later")
	}
}

func TestJoinWebsocketContextEndsWaitForSession(t *testing.T) {
	t.Parallel()

	c := newWebsocketServer(t, func(t *testing.T, conn *websocket.Conn, r *http.Request) {
		_ = waitForClose(conn)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()

	_, err := c.JoinWebsocket(ctx, "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("JoinWebsocket error = %v, want context.DeadlineExceeded", err)
	}
}

func TestJoinWebsocketUnauthorized(t *testing.T) {
	t.Parallel()

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		token := r.Header.Get("X-API-AccessToken")
		_, _ = io.WriteString(w, `{"status": 401, "error": "Unauthorized", "message": "bad token `+token+`"}`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL+"/prefix", WithDefaultCredentials(Credentials{testToken, testSecret}))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}

	_, err = c.JoinWebsocket(context.Background(), "org=IBM")
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("JoinWebsocket error = %v, want ErrUnauthorized", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("JoinWebsocket error = %T, want *APIError", err)
	}
	if apiErr.Message != "bad token REDACTED" {
		t.Errorf("Message = %q, want %q", apiErr.Message, "bad token REDACTED")
	}
	if apiErr.Path != "/prefix/api/v1/websocket?pattern=org%3DIBM" {
		t.Errorf("Path = %q, want the websocket path and pattern", apiErr.Path)
	}
	assertNoSecrets(t, err)
}

func TestJoinWebsocketRefusedConnection(t *testing.T) {
	t.Parallel()

	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	c, err := NewClient(base, WithDefaultCredentials(Credentials{testToken, testSecret}))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}

	_, err = c.JoinWebsocket(context.Background(), "")
	if err == nil {
		t.Fatal("JoinWebsocket to a closed port succeeded")
	}
	assertNoSecrets(t, err)
}

// assertNoSecrets fails when err's text contains a test credential.
func assertNoSecrets(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, secret := range []string{testToken, testSecret} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains the credential %q", err, secret)
		}
	}
}

func TestJoinWebsocketOverTLS(t *testing.T) {
	t.Parallel()

	upgrader := websocket.Upgrader{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			t.Errorf("upgrade: %v", err)
			return
		}
		defer conn.Close()
		writeJSON(t, conn, map[string]string{"session": "s-tls"})
		_ = waitForClose(conn)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)

	// The test server's client trusts its certificate and offers HTTP/2.
	c, err := NewClient(srv.URL, WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	s := join(t, c)
	if got := s.SessionID(); got != "s-tls" {
		t.Errorf("SessionID() = %q, want %q", got, "s-tls")
	}
}

func TestPushToSessionRequest(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "POST")
		testPath(t, r, "/prefix/api/v1/websocket/session")
		testQuery(t, r, url.Values{"session": {"s 1&x=2"}})
		testBody(t, r, `{"hello": ["world", 1]}`)
		w.WriteHeader(http.StatusNoContent)
	})
	err := c.PushToSession(context.Background(), "s 1&x=2", json.RawMessage(`{"hello": ["world", 1]}`))
	if err != nil {
		t.Fatalf("PushToSession: %v", err)
	}
}

func TestPushToSessionErrors(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"status": 404, "error": "Not Found", "message": "no session s-9"}`)
	})
	ctx := context.Background()
	if err := c.PushToSession(ctx, "s-9", json.RawMessage(`{}`)); !errors.Is(err, ErrNotFound) {
		t.Errorf("PushToSession to an unknown session error = %v, want ErrNotFound", err)
	}
	if err := c.PushToSession(ctx, "", json.RawMessage(`{}`)); err == nil {
		t.Error("PushToSession without a session succeeded")
	}
	if err := c.PushToSession(ctx, "s-1", json.RawMessage(`{oops`)); err == nil {
		t.Error("PushToSession with invalid JSON succeeded")
	}
}

func TestJoinWebsocketTokenWithoutSecret(t *testing.T) {
	t.Parallel()

	c := newWebsocketServer(t, func(t *testing.T, conn *websocket.Conn, r *http.Request) {
		if got := r.Header.Get("X-API-AccessToken"); got != "only-token" {
			t.Errorf("X-API-AccessToken = %q, want %q", got, "only-token")
		}
		if r.Header.Values("X-API-SecretKey") != nil {
			t.Error("handshake carries a secret key although none was given")
		}
		if r.URL.Query().Has("pattern") {
			t.Errorf("query %q has a pattern, want none for an empty pattern", r.URL.RawQuery)
		}
		writeJSON(t, conn, map[string]string{"session": "s-1"})
		_ = waitForClose(conn)
	})
	ctx := WithCredentials(context.Background(), Credentials{AccessToken: "only-token"})
	s, err := c.JoinWebsocket(ctx, "")
	if err != nil {
		t.Fatalf("JoinWebsocket: %v", err)
	}
	s.Close()
}
