package cognism

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

var (
	endpointWebsocket   = endpoint{"GET", "/api/v1/websocket", authHeader}
	endpointSessionPush = endpoint{"POST", "/api/v1/websocket/session", authHeader}
)

// Live stream defaults. The server pings every 30 s and drops a client that
// sends no pong within 60 s, so 75 s without any frame or ping means the
// connection is gone.
const (
	DefaultStreamReadLimit   = 1 << 20
	DefaultStreamReadTimeout = 75 * time.Second
	streamBuffer             = 64
	closeWait                = time.Second
)

// ErrStreamClosed is returned by LiveStream.Next after Close.
var ErrStreamClosed = errors.New("cognism: live stream closed")

// StreamError ends a live stream that the client did not close: the
// connection dropped, the server closed it, no frame or ping arrived in
// time, or a frame was not JSON or too large.
type StreamError struct {
	Session string // session id, empty when the first frame never came
	Code    int    // websocket close code, or 0 when the server sent none
	Reason  string
	Err     error
}

// Error describes why the stream ended.
func (e *StreamError) Error() string {
	msg := "cognism: live stream"
	if e.Session != "" {
		msg += " " + e.Session
	}
	msg += ": " + e.Reason
	if e.Code != 0 {
		msg += fmt.Sprintf(" (close code %d)", e.Code)
	}
	return msg
}

// Unwrap returns the underlying connection or decoding error.
func (e *StreamError) Unwrap() error { return e.Err }

// StreamOption configures a live stream.
type StreamOption func(*streamConfig)

type streamConfig struct {
	readLimit   int64
	readTimeout time.Duration
	onMessage   func(json.RawMessage)
}

// WithReadLimit sets the largest frame in bytes the stream accepts; a
// larger frame ends the stream with a *StreamError. The default is
// DefaultStreamReadLimit (1 MiB).
func WithReadLimit(n int64) StreamOption {
	return func(c *streamConfig) { c.readLimit = n }
}

// WithReadTimeout sets how long the stream waits for any frame or ping
// before it ends with a *StreamError. The default is
// DefaultStreamReadTimeout.
func WithReadTimeout(d time.Duration) StreamOption {
	return func(c *streamConfig) { c.readTimeout = d }
}

// WithMessageHandler sets a function called with each JSON frame that is
// not an event (an object without "id", an array or a scalar), such as data
// sent with PushToSession. It runs on the stream's reading goroutine, so it
// must return quickly. Without a handler such frames are dropped.
func WithMessageHandler(h func(data json.RawMessage)) StreamOption {
	return func(c *streamConfig) { c.onMessage = h }
}

// LiveStream is an open websocket session of the live event endpoint.
// Next returns its events in order, and Close must be called when done. A
// goroutine reads frames ahead into a buffer of 64 events. While that
// buffer is full nothing is read, so pings go unanswered and the server
// drops a consumer that stops calling Next for about a minute. Next and
// Close may be called from different goroutines.
type LiveStream struct {
	conn    *websocket.Conn
	config  streamConfig
	session string

	events     chan Event
	done       chan struct{} // closed by Close
	readerDone chan struct{} // closed when the reading goroutine returns
	err        error         // error that ended reading, valid once events is closed

	closeOnce sync.Once
	closeErr  error
}

// JoinWebsocket opens the live event websocket for events matching pattern.
// The pattern is in the rule language or a JSON pattern object, and an
// empty pattern matches every event. Credentials travel as headers, never
// in the URL. A rejected handshake returns the *APIError that CheckResponse
// builds from the response, so a 401 matches ErrUnauthorized. The context
// bounds the handshake and the wait for the first frame, which carries the
// session id, but not the stream. The handshake is not retried.
func (c *Client) JoinWebsocket(
	ctx context.Context, pattern string, opts ...StreamOption,
) (*LiveStream, error) {
	config := streamConfig{readLimit: DefaultStreamReadLimit, readTimeout: DefaultStreamReadTimeout}
	for _, opt := range opts {
		opt(&config)
	}

	conn, err := c.dialWebsocket(ctx, pattern)
	if err != nil {
		return nil, err
	}
	s := &LiveStream{
		conn:       conn,
		config:     config,
		events:     make(chan Event, streamBuffer),
		done:       make(chan struct{}),
		readerDone: make(chan struct{}),
	}
	conn.SetReadLimit(config.readLimit)
	defaultPing := conn.PingHandler()
	conn.SetPingHandler(func(data string) error {
		s.extendDeadline()
		return defaultPing(data)
	})

	first, err := s.readFirstFrame(ctx)
	if err != nil {
		conn.Close()
		return nil, err
	}
	go s.readLoop(first)
	return s, nil
}

// dialWebsocket performs the upgrade handshake.
func (c *Client) dialWebsocket(ctx context.Context, pattern string) (*websocket.Conn, error) {
	u := *c.baseURL
	u.Path = c.baseURL.Path + endpointWebsocket.template
	u.RawPath = ""
	if c.baseURL.RawPath != "" {
		u.RawPath = c.baseURL.RawPath + endpointWebsocket.template
	}
	u.Scheme = "ws"
	if c.baseURL.Scheme == "https" {
		u.Scheme = "wss"
	}
	u.RawQuery = ""
	if pattern != "" {
		u.RawQuery = url.Values{"pattern": {pattern}}.Encode()
	}

	header := http.Header{}
	header.Set("User-Agent", c.userAgent)
	creds := c.credentialsFor(ctx)
	setHeaderIfPresent(header, "X-API-AccessToken", creds.AccessToken)
	setHeaderIfPresent(header, "X-API-SecretKey", creds.SecretKey)

	conn, resp, err := c.websocketDialer().DialContext(ctx, u.String(), header)
	if err == nil {
		return conn, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, ctxErr
	}
	if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
		if resp.Request == nil {
			resp.Request = &http.Request{Method: http.MethodGet, URL: &u}
		}
		if apiErr := CheckResponse(resp); apiErr != nil {
			return nil, apiErr
		}
	}
	return nil, newTransportError(endpointWebsocket, c.baseURL.Host, 1, err)
}

// websocketDialer dials the way the client's HTTP transport does, when it
// is an *http.Transport: the same proxy, dialer and TLS configuration, but
// without HTTP/2 in ALPN, because the upgrade needs HTTP/1.1.
func (c *Client) websocketDialer() *websocket.Dialer {
	d := &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 45 * time.Second}
	transport := c.httpClient.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	t, ok := transport.(*http.Transport)
	if !ok {
		return d
	}

	// Clone reads the fields under the transport's own synchronisation.
	t = t.Clone()
	d.Proxy = t.Proxy
	d.NetDialContext = t.DialContext
	if t.TLSClientConfig != nil {
		d.TLSClientConfig = t.TLSClientConfig.Clone()
		d.TLSClientConfig.NextProtos = nil
	}
	return d
}

// SessionID returns the session id from the first frame, which
// PushToSession takes; it is empty when the server sent none.
func (s *LiveStream) SessionID() string {
	return s.session
}

// Next returns the next event. When ctx ends first it returns ctx.Err() and
// the stream stays open. After Close it returns ErrStreamClosed. When the
// stream ends any other way, Next returns every event received before the
// end and then a *StreamError.
func (s *LiveStream) Next(ctx context.Context) (Event, error) {
	select {
	case <-s.done:
		return Event{}, ErrStreamClosed
	default:
	}

	select {
	case ev, ok := <-s.events:
		if !ok {
			return Event{}, s.err
		}
		return ev, nil
	case <-s.done:
		return Event{}, ErrStreamClosed
	case <-ctx.Done():
		return Event{}, ctx.Err()
	}
}

// Close sends a normal close frame, waits briefly for the server's reply
// and closes the connection. Next then returns ErrStreamClosed. Close may
// be called more than once.
func (s *LiveStream) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
		err := s.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(closeWait))
		if err == nil {
			timer := time.NewTimer(closeWait)
			select {
			case <-s.readerDone:
			case <-timer.C:
			}
			timer.Stop()
		}
		if closeErr := s.conn.Close(); closeErr != nil && !errors.Is(closeErr, net.ErrClosed) {
			s.closeErr = closeErr
		}
		<-s.readerDone
	})
	return s.closeErr
}

func (s *LiveStream) extendDeadline() {
	if s.config.readTimeout > 0 {
		_ = s.conn.SetReadDeadline(time.Now().Add(s.config.readTimeout))
	}
}

// readFirstFrame reads the frame that carries the session id. A first frame
// without one is returned to be handled like any later frame.
func (s *LiveStream) readFirstFrame(ctx context.Context) ([]byte, error) {
	s.extendDeadline()
	// Ending the context, by cancel or deadline, interrupts the read.
	stop := context.AfterFunc(ctx, func() { _ = s.conn.SetReadDeadline(time.Now()) })

	_, data, err := s.conn.ReadMessage()
	if !stop() || ctx.Err() != nil {
		// The context ended, and the deadline it set may still be in force.
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, s.streamError(err)
	}

	var hello struct {
		Session *string         `json:"session"`
		ID      json.RawMessage `json:"id"`
	}
	if json.Unmarshal(data, &hello) == nil && hello.Session != nil && hello.ID == nil {
		s.session = *hello.Session
		return nil, nil
	}
	return data, nil
}

// readLoop reads frames until the connection ends, sending events to
// s.events and recording why it ended in s.err.
func (s *LiveStream) readLoop(first []byte) {
	defer close(s.readerDone)
	defer close(s.events)

	s.err = s.readFrames(first)
	select {
	case <-s.done:
		s.err = ErrStreamClosed
	default:
	}
}

func (s *LiveStream) readFrames(first []byte) error {
	data := first
	for {
		if data != nil {
			ev, isEvent, err := s.decodeFrame(data)
			if err != nil {
				// The server sent something this client cannot read, so the
				// connection is of no further use.
				msg := websocket.FormatCloseMessage(websocket.CloseUnsupportedData, "unreadable frame")
				_ = s.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(closeWait))
				s.conn.Close()
				return err
			}
			if isEvent {
				select {
				case s.events <- ev:
				case <-s.done:
					return ErrStreamClosed
				}
			}
		}

		s.extendDeadline()
		var err error
		_, data, err = s.conn.ReadMessage()
		if err != nil {
			return s.streamError(err)
		}
	}
}

// decodeFrame reads one frame: an object with an "id" member is an event,
// any other JSON goes to the message handler, and anything else is a
// *StreamError.
func (s *LiveStream) decodeFrame(data []byte) (Event, bool, error) {
	trimmed := bytes.TrimSpace(data)
	if !json.Valid(trimmed) {
		return Event{}, false, &StreamError{
			Session: s.session,
			Reason:  fmt.Sprintf("received a frame that is not JSON: %.40q", trimmed),
		}
	}

	var probe struct {
		ID json.RawMessage `json:"id"`
	}
	if trimmed[0] != '{' || json.Unmarshal(trimmed, &probe) != nil || probe.ID == nil {
		if s.config.onMessage != nil {
			s.config.onMessage(json.RawMessage(trimmed))
		}
		return Event{}, false, nil
	}

	var ev Event
	if err := json.Unmarshal(trimmed, &ev); err != nil {
		return Event{}, false, &StreamError{
			Session: s.session,
			Reason:  "received a malformed event: " + err.Error(),
			Err:     err,
		}
	}
	return ev, true, nil
}

// streamError describes a read error of the connection.
func (s *LiveStream) streamError(err error) error {
	se := &StreamError{Session: s.session, Err: err}
	var closeErr *websocket.CloseError
	var netErr net.Error
	switch {
	case errors.As(err, &closeErr) && closeErr.Code == websocket.CloseAbnormalClosure:
		se.Reason = "connection dropped without a close frame"
	case errors.As(err, &closeErr):
		se.Code = closeErr.Code
		se.Reason = "server closed the connection"
		if closeErr.Text != "" {
			se.Reason += ": " + closeErr.Text
		}
	case errors.Is(err, websocket.ErrReadLimit):
		se.Reason = fmt.Sprintf("received a frame larger than the read limit of %d bytes", s.config.readLimit)
	case errors.As(err, &netErr) && netErr.Timeout():
		se.Reason = fmt.Sprintf("no frame or ping within %s", s.config.readTimeout)
	default:
		se.Reason = "connection failed: " + err.Error()
	}
	return se
}

// PushToSession sends data as one JSON text frame to the open websocket
// session with that id. An unknown session is an error matching
// ErrNotFound. It is a POST and so is never retried.
func (c *Client) PushToSession(ctx context.Context, session string, data json.RawMessage) error {
	if session == "" {
		return errors.New("cognism: push needs a session id")
	}
	if !json.Valid(data) {
		return errors.New("cognism: push data is not valid JSON")
	}
	q := url.Values{"session": {session}}
	cl := call{endpoint: endpointSessionPush, path: "/api/v1/websocket/session", query: q, body: data}
	return c.getJSON(ctx, cl, nil)
}
