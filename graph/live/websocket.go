package live

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/gorilla/websocket"
)

// Close codes of the graphql-transport-ws protocol. Transport applies them
// to the legacy graphql-ws protocol too.
const (
	CloseInvalidMessage   = 4400
	CloseUnauthorized     = 4401
	CloseForbidden        = 4403
	CloseInitTimeout      = 4408
	CloseSubscriberExists = 4409
	CloseTooManyInits     = 4429
)

// Subprotocol names as clients send them.
const (
	ProtocolTransportWS = "graphql-transport-ws" // the graphql-ws library
	ProtocolLegacyWS    = "graphql-ws"           // subscriptions-transport-ws
)

// DefaultSocketReadLimit is the default maximum size of one client message.
const DefaultSocketReadLimit = 1 << 20

// InitFunc checks the payload of connection_init, which is nil when the
// client sent none, and returns the context that the connection's
// operations run on, derived from ctx. An error closes the socket with
// CloseForbidden and the error's text as the reason.
type InitFunc func(ctx context.Context, payload map[string]any) (context.Context, error)

// SocketConfig configures Transport. Zero durations take the defaults named
// on each.
type SocketConfig struct {
	Origins OriginPolicy
	// Init checks each connection_init. Nil accepts every connection.
	Init InitFunc
	// ReadLimit is the maximum size of one client message. A larger one
	// closes the socket with 1009. Default DefaultSocketReadLimit.
	ReadLimit int64
	// InitTimeout is how long a client has to send connection_init before
	// the socket is closed with 4408. Default 10 s.
	InitTimeout time.Duration
	// WriteTimeout bounds one frame write; a peer that does not read for
	// that long is disconnected. Default 10 s.
	WriteTimeout time.Duration
	// CloseTimeout is how long to wait for the peer's close frame after
	// sending ours. Default 2 s.
	CloseTimeout time.Duration
	// KeepAlive is the period of "ka" messages on the legacy graphql-ws
	// protocol, the first sent right after connection_ack. Zero sends none.
	KeepAlive time.Duration
	// PingInterval is the period of pings on graphql-transport-ws, from
	// connection_ack on. A peer that sends no pong for two periods is
	// disconnected. Zero sends none.
	PingInterval time.Duration
	// MaxOperations is the maximum number of operations one connection
	// runs at a time. A subscribe beyond it gets an error message with
	// code CodeTooManySubscriptions and the others continue. Default
	// DefaultMaxSocketOperations.
	MaxOperations int
	Logger        *slog.Logger
}

func (c *SocketConfig) setDefaults() {
	if c.ReadLimit <= 0 {
		c.ReadLimit = DefaultSocketReadLimit
	}
	if c.InitTimeout <= 0 {
		c.InitTimeout = 10 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.CloseTimeout <= 0 {
		c.CloseTimeout = 2 * time.Second
	}
	if c.MaxOperations <= 0 {
		c.MaxOperations = DefaultMaxSocketOperations
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Transport is a gqlgen transport for GraphQL over websockets, on both
// graphql-transport-ws and the legacy graphql-ws protocol of
// subscriptions-transport-ws, chosen by the subprotocol the client offers
// (the legacy one when it offers neither).
//
// Each connection has one goroutine that reads its messages, and each
// running operation one more that waits for its next response. Timers, not
// goroutines, wait for connection_init and send the keep-alive messages. A
// subscription response that several subscribers share (the same
// *graphql.Response) is encoded once, so each further delivery is a copy
// and one frame write.
type Transport struct {
	cfg       SocketConfig
	upgrader  websocket.Upgrader
	encodings *encodingCache

	mu      sync.Mutex
	sockets map[*socket]struct{} // open connections, for Shutdown
	open    sync.WaitGroup
}

var _ graphql.Transport = (*Transport)(nil)

// socketReadBuffer is the read buffer of one connection. Larger messages
// are read in several steps.
const socketReadBuffer = 512

// NewTransport returns a websocket transport configured by cfg.
func NewTransport(cfg SocketConfig) *Transport {
	cfg.setDefaults()
	return &Transport{
		cfg: cfg,
		upgrader: websocket.Upgrader{
			HandshakeTimeout: 10 * time.Second,
			// A buffer of its own lets the 4 KiB one of net/http go once the
			// handler returns; client messages are mostly smaller than this.
			ReadBufferSize: socketReadBuffer,
			// Idle connections hold no write buffer.
			WriteBufferPool: &sync.Pool{},
			CheckOrigin:     cfg.Origins.Allow,
			Subprotocols:    []string{ProtocolLegacyWS, ProtocolTransportWS},
		},
		encodings: newEncodingCache(),
		sockets:   make(map[*socket]struct{}),
	}
}

// CloseGoingAway is the close code of connections the server ends because
// it is stopping.
const CloseGoingAway = websocket.CloseGoingAway

// Shutdown ends every open connection as the server stops. It waits, until
// drain passes, for the operations to send what ends them (such as the
// error of a subscription the hub ended), then closes each connection with
// 1001 and waits for the close handshakes until ctx ends.
func (t *Transport) Shutdown(ctx context.Context, drain time.Duration) error {
	deadline := time.Now().Add(drain)
	for t.busy() && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}

	t.mu.Lock()
	open := make([]*socket, 0, len(t.sockets))
	for c := range t.sockets {
		open = append(open, c)
	}
	t.mu.Unlock()
	for _, c := range open {
		c.WriteClose(CloseGoingAway, "the server is restarting; reconnect")
	}

	done := make(chan struct{})
	go func() {
		t.open.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// busy reports whether a connection still runs an operation.
func (t *Transport) busy() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for c := range t.sockets {
		if c.running() {
			return true
		}
	}
	return false
}

func (t *Transport) track(c *socket) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sockets[c] = struct{}{}
	t.open.Add(1)
}

func (t *Transport) untrack(c *socket) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.sockets[c]; ok {
		delete(t.sockets, c)
		t.open.Done()
	}
}

// Supports reports whether r requests a protocol upgrade.
func (t *Transport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") != ""
}

// Do upgrades the request and serves the websocket on a goroutine of its
// own. The handler then returns at once, so net/http frees its connection
// state, its buffers and the handler goroutine's stack, which idle
// websockets would otherwise hold for their lifetime. A request from a
// disallowed origin gets 403 before any upgrade.
func (t *Transport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if !t.cfg.Origins.Allow(r) {
		http.Error(w, "websocket origin not allowed; add it to ALLOWED_ORIGINS", http.StatusForbidden)
		return
	}
	ws, err := t.upgrader.Upgrade(w, r, nil)
	if err != nil {
		// The upgrader has already sent the client an error status.
		t.cfg.Logger.InfoContext(r.Context(), "websocket upgrade failed", "error", err,
			"remote", r.RemoteAddr)
		return
	}
	ws.SetReadLimit(t.cfg.ReadLimit)

	// net/http cancels the request's context when the handler returns, so
	// the connection has a context of its own, cancelled when it ends.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	c := &socket{
		transport: t,
		ws:        ws,
		cfg:       &t.cfg,
		encodings: t.encodings,
		exec:      exec,
		ctx:       ctx,
		cancel:    cancel,
		remote:    r.RemoteAddr,
		protocol:  ws.Subprotocol(),
		active:    make(map[string]*operation),
	}
	c.mu.Lock()
	c.initTimer = time.AfterFunc(t.cfg.InitTimeout, c.initTimedOut)
	c.mu.Unlock()
	t.track(c)
	go c.serve()
}

// socket is one accepted connection. Only its serve goroutine reads, and
// writeMu serializes writes. Close frames may be sent from any goroutine.
type socket struct {
	transport *Transport
	ws        *websocket.Conn
	cfg       *SocketConfig
	encodings *encodingCache
	exec      graphql.GraphExecutor
	remote    string
	protocol  string

	// ctx is the connection's context, replaced by the one Init returns.
	// Only the serve goroutine writes it, before any operation starts.
	ctx    context.Context
	cancel context.CancelFunc

	writeMu sync.Mutex

	mu        sync.Mutex
	initSeen  bool
	closing   bool                  // our close frame was sent
	active    map[string]*operation // operations the server has not ended
	stopping  int                   // active operations the client stopped
	initTimer *time.Timer
	keepAlive *time.Timer // ka or ping after connection_ack; nil before
}

// serve reads and handles the client's messages until the connection ends,
// then ends its operations.
func (c *socket) serve() {
	defer c.shutdown()
	defer func() {
		// net/http does not recover a panic on this goroutine, so the
		// process would end; log it as net/http would instead.
		if p := recover(); p != nil {
			c.cfg.Logger.Error("websocket connection panicked", "panic", p, "stack", string(debug.Stack()))
		}
	}()

	for {
		kind, data, err := c.ws.ReadMessage()
		if errors.Is(err, websocket.ErrReadLimit) {
			c.drainOversized()
			return
		}
		if err != nil {
			c.logReadError(err)
			return
		}
		if c.isClosing() {
			continue
		}
		if kind != websocket.TextMessage {
			c.reject(CloseInvalidMessage, "Binary messages are not supported")
			continue
		}
		c.handle(data)
	}
}

// maxDrained bounds what drainOversized reads of a message over the limit.
const maxDrained = 64 << 20

// drainOversized handles a message over the read limit. gorilla/websocket
// has sent the 1009 close frame; the rest of the message is read and
// dropped, for up to CloseTimeout, before the connection closes. Closing
// with that data unread would reset the connection, and the client would
// see 1006 instead of the close frame.
func (c *socket) drainOversized() {
	c.mu.Lock()
	c.closing = true
	c.stopTimers()
	c.mu.Unlock()
	c.cfg.Logger.Info("websocket closed: message over the read limit",
		"limit", c.cfg.ReadLimit, "remote", c.remote)

	conn := c.ws.NetConn()
	_ = conn.SetReadDeadline(time.Now().Add(c.cfg.CloseTimeout))
	_, _ = io.Copy(io.Discard, io.LimitReader(conn, maxDrained))
}

// logReadError logs a read that ended the connection other than by a close
// frame or the end of our own close handshake.
func (c *socket) logReadError(err error) {
	var closeErr *websocket.CloseError
	if c.isClosing() || errors.As(err, &closeErr) {
		c.cfg.Logger.Debug("websocket connection closed", "remote", c.remote, "error", err)
		return
	}
	c.cfg.Logger.Info("websocket connection failed", "remote", c.remote, "subprotocol", c.protocol,
		"error", err)
}

// shutdown cancels the connection's context, which ends its operations,
// and closes the connection.
func (c *socket) shutdown() {
	c.cancel()
	c.mu.Lock()
	c.closing = true // no more writes, and no timer is armed again
	c.stopTimers()
	c.mu.Unlock()
	_ = c.ws.Close()
	c.transport.untrack(c)
}

// running reports whether an operation of c has not ended.
func (c *socket) running() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.active) > c.stopping
}

// write sends data as one text frame unless the close frame was sent.
func (c *socket) write(data []byte) error {
	return c.writeParts(data, nil, nil)
}

// writeParts sends the concatenation of its arguments as one message
// unless the close frame was sent. The parts go straight into the frame
// buffer, so a delivery allocates nothing of its own.
func (c *socket) writeParts(first, second, third []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.isClosing() {
		return nil
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout))
	err := c.writeFrame(first, second, third)
	if err != nil {
		// NOTE: a peer that reads nothing for WriteTimeout is dropped
		// without a close frame (1006 at the client), because a frame may
		// be half written and the connection's buffers are full.
		_ = c.ws.Close()
	}
	return err
}

func (c *socket) writeFrame(first, second, third []byte) error {
	w, err := c.ws.NextWriter(websocket.TextMessage)
	if err != nil {
		return err
	}
	for _, part := range [...][]byte{first, second, third} {
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	return w.Close()
}

// WriteClose sends a close frame with code and reason and starts the close
// handshake. Only the first close frame is sent.
func (c *socket) WriteClose(code int, reason string) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	c.closing = true
	c.stopTimers()
	c.mu.Unlock()

	if len(reason) > 123 { // a close frame's payload is at most 125 bytes
		reason = reason[:123]
	}
	deadline := time.Now().Add(c.cfg.WriteTimeout)
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), deadline)
	_ = c.ws.SetReadDeadline(time.Now().Add(c.cfg.CloseTimeout))
	time.AfterFunc(c.cfg.CloseTimeout, func() { _ = c.ws.Close() })
}

// setReadDeadline sets the pong deadline. It is ignored during a close
// handshake, which has its own.
func (c *socket) setReadDeadline(t time.Time) {
	if !c.isClosing() {
		_ = c.ws.SetReadDeadline(t)
	}
}

// stopTimers stops the init and keep-alive timers; c.mu is held.
func (c *socket) stopTimers() {
	c.initTimer.Stop()
	if c.keepAlive != nil {
		c.keepAlive.Stop()
	}
}

func (c *socket) isClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}

func (c *socket) initTimedOut() {
	c.mu.Lock()
	seen := c.initSeen
	c.mu.Unlock()
	if !seen {
		c.reject(CloseInitTimeout, "Connection initialisation timeout")
	}
}

// reject closes the socket for a broken protocol rule and logs it.
func (c *socket) reject(code int, reason string) {
	c.cfg.Logger.Info("websocket closed for a protocol violation",
		"code", code, "reason", reason, "remote", c.remote, "subprotocol", c.protocol)
	c.WriteClose(code, reason)
}
