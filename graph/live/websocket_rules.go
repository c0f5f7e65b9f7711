package live

import (
	"encoding/json"

	"github.com/gorilla/websocket"
)

// clientMessage is the envelope both protocols share.
type clientMessage struct {
	Type    string          `json:"type"`
	ID      *string         `json:"id"`
	Payload json.RawMessage `json:"payload"`
}

// Fixed messages to the client.
var (
	connectionAckMessage = []byte(`{"type":"connection_ack"}`)
	pongMessage          = []byte(`{"type":"pong"}`)
	pongPayloadPrefix    = []byte(`{"type":"pong","payload":`)
	connectionErrorStart = []byte(`{"type":"connection_error","payload":`)
	messageEnd           = []byte(`}`)
)

// handle checks one client message against the protocol rules and acts on
// it. A message that breaks a rule closes the socket with the rule's code:
// one before connection_init (4401), a second connection_init (4429), a
// reused operation id (4409) and an invalid message (4400).
func (c *socket) handle(data []byte) {
	var msg clientMessage
	if err := json.Unmarshal(data, &msg); err != nil || msg.Type == "" {
		c.reject(CloseInvalidMessage, "Invalid message received: send a JSON object with a type")
		return
	}

	transportWS := c.protocol == ProtocolTransportWS
	switch {
	case msg.Type == "connection_init":
		c.handleInit(msg)
	case transportWS && msg.Type == "ping":
		c.handlePing(msg)
	case transportWS && msg.Type == "pong":
		if c.initialized() {
			c.pongReceived()
		}
	case transportWS && msg.Type == "subscribe", !transportWS && msg.Type == "start":
		c.handleSubscribe(msg)
	case transportWS && msg.Type == "complete", !transportWS && msg.Type == "stop":
		c.handleStop(msg)
	case !transportWS && msg.Type == "connection_terminate":
		c.WriteClose(websocket.CloseNormalClosure, "terminated")
	default:
		c.reject(CloseInvalidMessage, "Invalid message received: unexpected type "+truncate(msg.Type, 40))
	}
}

func (c *socket) initialized() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.initSeen
}

// handleInit runs the Init check on connection_init and acknowledges the
// connection when it passes. Messages after this one are read only once
// the check is done, so no operation starts before connection_ack.
func (c *socket) handleInit(msg clientMessage) {
	c.mu.Lock()
	seen := c.initSeen
	c.initSeen = true
	c.initTimer.Stop()
	c.mu.Unlock()

	if seen {
		c.reject(CloseTooManyInits, "Too many initialisation requests")
		return
	}
	var payload map[string]any
	if len(msg.Payload) > 0 && json.Unmarshal(msg.Payload, &payload) != nil {
		c.reject(CloseInvalidMessage, "Invalid message received: connection_init payload must be an object")
		return
	}

	if c.cfg.Init != nil {
		ctx, err := c.cfg.Init(c.ctx, payload)
		if err != nil {
			c.refuseInit(err)
			return
		}
		c.ctx = ctx
	}
	if c.write(connectionAckMessage) == nil {
		c.startKeepAlive()
	}
}

// refuseInit closes the socket with CloseForbidden and err as the reason.
// The legacy protocol first gets a connection_error message with err.
func (c *socket) refuseInit(err error) {
	if c.protocol != ProtocolTransportWS {
		payload, _ := json.Marshal(map[string]string{"message": err.Error()})
		_ = c.writeParts(connectionErrorStart, payload, messageEnd)
	}
	c.WriteClose(CloseForbidden, err.Error())
}

// handlePing replies pong, with the ping's payload when it has one, also
// before connection_init as graphql-transport-ws allows.
func (c *socket) handlePing(msg clientMessage) {
	if len(msg.Payload) == 0 || string(msg.Payload) == "null" {
		_ = c.write(pongMessage)
		return
	}
	_ = c.writeParts(pongPayloadPrefix, msg.Payload, messageEnd)
}

func (c *socket) handleSubscribe(msg clientMessage) {
	if !c.initialized() {
		c.reject(CloseUnauthorized, "Unauthorized")
		return
	}
	if msg.ID == nil || *msg.ID == "" {
		c.reject(CloseInvalidMessage, "Invalid message received: "+msg.Type+" needs an id")
		return
	}
	if !validOperation(msg.Payload) {
		c.reject(CloseInvalidMessage, "Invalid message received: "+msg.Type+" payload needs a query string")
		return
	}

	op, err := c.register(*msg.ID)
	switch {
	case err == errOperationExists:
		c.reject(CloseSubscriberExists, "Subscriber for "+truncate(*msg.ID, 80)+" already exists")
	case err != nil:
		c.rejectOperation(*msg.ID, &LimitError{Limit: LimitSocketOperations, Max: c.cfg.MaxOperations})
	default:
		c.start(op, msg.Payload)
	}
}

// rejectOperation ends the operation id with an error message carrying err
// and code CodeTooManySubscriptions before it starts. Both protocols end an
// operation with that message, so no complete follows.
func (c *socket) rejectOperation(id string, err *LimitError) {
	c.cfg.Logger.Info("websocket operation rejected", "reason", err.Limit, "max", err.Max,
		"remote", c.remote, "subprotocol", c.protocol)
	payload := []map[string]any{{
		"message":    err.Error(),
		"extensions": map[string]any{"code": CodeTooManySubscriptions, "limit": err.Limit, "max": err.Max},
	}}
	data, _ := json.Marshal(map[string]any{"id": id, "type": "error", "payload": payload})
	_ = c.write(data)
}

// handleStop cancels the operation the client stopped. On
// graphql-transport-ws its id is free at once and no complete follows, as
// that protocol has it. On the legacy protocol the id stays taken until
// the operation has ended and sent complete, but it no longer counts
// against MaxOperations.
func (c *socket) handleStop(msg clientMessage) {
	if !c.initialized() {
		c.reject(CloseUnauthorized, "Unauthorized")
		return
	}
	if msg.ID == nil || *msg.ID == "" {
		c.reject(CloseInvalidMessage, "Invalid message received: "+msg.Type+" needs an id")
		return
	}

	c.mu.Lock()
	op := c.active[*msg.ID]
	switch {
	case op == nil || op.stopped.Load():
	case c.protocol == ProtocolTransportWS:
		// The id is free at once, as the client may reuse it, and the
		// operation sends nothing more, not even complete.
		op.stopped.Store(true)
		delete(c.active, op.id)
	default:
		op.stopped.Store(true)
		c.stopping++
	}
	c.mu.Unlock()
	if op != nil && op.cancel != nil {
		op.cancel()
	}
}

// validOperation reports whether raw is an object with a string query.
func validOperation(raw json.RawMessage) bool {
	var op struct {
		Query *string `json:"query"`
	}
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &op) != nil {
		return false
	}
	return op.Query != nil && *op.Query != ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
