package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
)

// Close codes of the graphql-transport-ws protocol. Sockets applies them to
// the legacy graphql-ws protocol too.
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

// SocketConfig configures Sockets. Zero durations take the defaults named
// on each.
type SocketConfig struct {
	Origins OriginPolicy
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

// Sockets accepts websockets for gqlgen's transport.Websocket and enforces
// the protocol rules that gqlgen v0.17.98 closes with a generic 1002 or not
// at all. They are a message before connection_init (4401), no
// connection_init in time (4408), a second one (4429), a reused operation
// id (4409) and an invalid message (4400). Every other message passes
// through unchanged. Set the transport's InitTimeout, KeepAlivePingInterval
// and PingPongInterval to zero, because Sockets times the init, the
// keep-alive messages and the pings itself, with a timer per connection
// instead of a goroutine per connection.
type Sockets struct {
	cfg      SocketConfig
	upgrader websocket.Upgrader
}

// socketReadBuffer is the read buffer of one connection. Larger messages
// are read in several steps.
const socketReadBuffer = 512

type upgradedKey struct{}

// WithUpgradeNotice returns a context for an upgrade request on which
// Sockets.Accept calls upgraded once the connection is taken over from
// net/http. From then on the request's ResponseWriter is no longer used, so
// its handler may return while another goroutine serves the websocket.
func WithUpgradeNotice(ctx context.Context, upgraded func()) context.Context {
	return context.WithValue(ctx, upgradedKey{}, upgraded)
}

// NewSockets returns a websocket implementation for transport.Websocket.
func NewSockets(cfg SocketConfig) *Sockets {
	cfg.setDefaults()
	return &Sockets{
		cfg: cfg,
		upgrader: websocket.Upgrader{
			HandshakeTimeout: 10 * time.Second,
			// A buffer of its own lets the 4 KiB one of net/http go once the
			// handler returns; client messages are mostly smaller than this.
			ReadBufferSize: socketReadBuffer,
			// Idle connections hold no write buffer.
			WriteBufferPool: &sync.Pool{},
			CheckOrigin:     cfg.Origins.Allow,
		},
	}
}

// Accept upgrades the request and starts the connection_init timer.
func (s *Sockets) Accept(
	w http.ResponseWriter,
	r *http.Request,
	opts transport.WebsocketAcceptOptions,
) (transport.WebsocketConn, error) {
	upgrader := s.upgrader
	upgrader.Subprotocols = opts.Subprotocols
	ws, err := upgrader.Upgrade(w, r, opts.ResponseHeader)
	if err != nil {
		return nil, err
	}
	if upgraded, ok := r.Context().Value(upgradedKey{}).(func()); ok {
		upgraded()
	}

	c := &socket{
		ws:       ws,
		cfg:      &s.cfg,
		remote:   r.RemoteAddr,
		protocol: ws.Subprotocol(),
		active:   make(map[string]struct{}),
		stopping: make(map[string]struct{}),
		errored:  make(map[string]struct{}),
	}
	c.mu.Lock()
	c.initTimer = time.AfterFunc(s.cfg.InitTimeout, c.initTimedOut)
	c.mu.Unlock()
	return c, nil
}

// socket is one accepted connection. Reads happen on the transport's
// reading goroutine only; writes are serialized by writeMu; close frames
// may be sent from any goroutine.
type socket struct {
	ws       *websocket.Conn
	cfg      *SocketConfig
	remote   string
	protocol string

	writeMu sync.Mutex

	mu        sync.Mutex
	initSeen  bool
	closing   bool                // our close frame was sent
	active    map[string]struct{} // operations the server has not ended
	stopping  map[string]struct{} // active operations the client stopped
	errored   map[string]struct{} // operations ended by an error message
	initTimer *time.Timer
	keepAlive *time.Timer // ka or ping after connection_ack; nil before
	gotPong   bool        // a pong arrived since the last ping
}

var (
	_ transport.WebsocketConn          = (*socket)(nil)
	_ transport.WebsocketReadLimiter   = (*socket)(nil)
	_ transport.WebsocketReadDeadliner = (*socket)(nil)
)

// NextReader returns the next message that passes the protocol rules.
// After a rule is broken it closes the socket with the rule's code and
// reads until the peer's close frame, returning transport.ErrWebsocketClosed.
func (c *socket) NextReader() (int, io.Reader, error) {
	for {
		kind, data, err := c.ws.ReadMessage()
		if err != nil {
			return kind, nil, c.readError(err)
		}
		if c.isClosing() {
			continue
		}
		if kind != websocket.TextMessage {
			c.reject(CloseInvalidMessage, "Binary messages are not supported")
			continue
		}
		if c.admit(data) {
			return kind, bytes.NewReader(data), nil
		}
	}
}

// readError ends the connection after a failed read. A close frame from the
// peer, or the end of our own close handshake, is a normal end.
func (c *socket) readError(err error) error {
	var closeErr *websocket.CloseError
	if c.isClosing() || errors.As(err, &closeErr) {
		_ = c.ws.Close()
		return transport.ErrWebsocketClosed
	}
	return err
}

// WriteJSON sends v as one text frame. Writes after the close frame are
// dropped, because the operation goroutines may still be finishing. On
// graphql-transport-ws, the complete that gqlgen v0.17.98 sends after an
// operation's error message is dropped too, because that protocol ends an
// operation with either message but not both.
func (c *socket) WriteJSON(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	id, kind := messageHeader(data)
	if c.endedByError(id, kind) {
		return nil
	}
	if err := c.write(data); err != nil {
		return err
	}
	c.sent(id, kind)
	if kind == "connection_ack" {
		c.startKeepAlive()
	}
	return nil
}

// write sends data as one text frame unless the close frame was sent.
func (c *socket) write(data []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.isClosing() {
		return nil
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout))
	if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		// NOTE: a peer that reads nothing for WriteTimeout is dropped
		// without a close frame (1006 at the client), because a frame may
		// be half written and the connection's buffers are full.
		_ = c.ws.Close()
		return err
	}
	return nil
}

// WriteClose sends a close frame with code and reason and starts the close
// handshake. Only the first close frame is sent.
func (c *socket) WriteClose(code int, reason string) error {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return nil
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
	return nil
}

// Close closes the connection at once unless a close handshake is under
// way. That handshake closes it when the peer's close frame arrives or
// CloseTimeout passes.
func (c *socket) Close() error {
	c.mu.Lock()
	closing := c.closing
	c.stopTimers()
	c.mu.Unlock()
	if closing {
		return nil
	}
	return c.ws.Close()
}

// Subprotocol returns the negotiated subprotocol.
func (c *socket) Subprotocol() string { return c.protocol }

// SetReadLimit caps the size of one message; a larger one closes the
// socket with 1009.
func (c *socket) SetReadLimit(limit int64) { c.ws.SetReadLimit(limit) }

// SetReadDeadline is the transport's pong deadline. It is ignored during a
// close handshake, which has its own.
func (c *socket) SetReadDeadline(t time.Time) error {
	if c.isClosing() {
		return nil
	}
	return c.ws.SetReadDeadline(t)
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
	_ = c.WriteClose(code, reason)
}

// messageHeader returns the id and type of a message to the client,
// without decoding the payload of the frequent next and data messages.
func messageHeader(data []byte) (id, kind string) {
	if bytes.HasSuffix(data, []byte(`"type":"next"}`)) || bytes.HasSuffix(data, []byte(`"type":"data"}`)) {
		return "", "next"
	}
	var msg struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	if json.Unmarshal(data, &msg) != nil {
		return "", ""
	}
	return msg.ID, msg.Type
}

// endedByError reports whether a complete follows an error message of the
// same operation on graphql-transport-ws, and clears that error if so.
func (c *socket) endedByError(id, kind string) bool {
	if kind != "complete" || c.protocol != ProtocolTransportWS {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.errored[id]; !ok {
		return false
	}
	delete(c.errored, id)
	return true
}

// sent updates the operation ids after a message to the client: complete
// and error end an operation, so its id may be used again.
func (c *socket) sent(id, kind string) {
	if kind != "complete" && kind != "error" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.active, id)
	delete(c.stopping, id)
	if kind == "error" {
		c.errored[id] = struct{}{}
	}
}
