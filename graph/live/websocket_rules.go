package live

import (
	"encoding/json"
	"time"

	"github.com/gorilla/websocket"
)

// clientMessage is the envelope both protocols share.
type clientMessage struct {
	Type    string          `json:"type"`
	ID      *string         `json:"id"`
	Payload json.RawMessage `json:"payload"`
}

// admit checks one client message against the protocol rules. It returns
// true to pass the message to the transport, and false after replying to
// it or closing the socket.
func (c *socket) admit(data []byte) bool {
	var msg clientMessage
	if err := json.Unmarshal(data, &msg); err != nil || msg.Type == "" {
		c.reject(CloseInvalidMessage, "Invalid message received")
		return false
	}

	switch {
	case msg.Type == "connection_init":
		return c.admitInit(msg)
	case c.protocol == ProtocolTransportWS && (msg.Type == "ping" || msg.Type == "pong"):
		return c.admitPing(msg)
	case c.protocol == ProtocolTransportWS && msg.Type == "subscribe",
		c.protocol != ProtocolTransportWS && msg.Type == "start":
		return c.admitSubscribe(msg)
	case c.protocol == ProtocolTransportWS && msg.Type == "complete",
		c.protocol != ProtocolTransportWS && msg.Type == "stop":
		return c.admitStop(msg)
	case c.protocol != ProtocolTransportWS && msg.Type == "connection_terminate":
		return true
	}
	c.reject(CloseInvalidMessage, "Invalid message received: unexpected type "+truncate(msg.Type, 40))
	return false
}

func (c *socket) admitInit(msg clientMessage) bool {
	c.mu.Lock()
	seen := c.initSeen
	c.initSeen = true
	c.initTimer.Stop()
	c.mu.Unlock()

	if seen {
		c.reject(CloseTooManyInits, "Too many initialisation requests")
		return false
	}
	if !isObjectOrNull(msg.Payload) {
		c.reject(CloseInvalidMessage, "Invalid message received: connection_init payload must be an object")
		return false
	}
	return true
}

// admitPing replies pong to a ping sent before connection_init, because
// the transport accepts only connection_init then. Later pings pass
// through, and later pongs renew the keep-alive deadline and pass through.
func (c *socket) admitPing(msg clientMessage) bool {
	c.mu.Lock()
	seen := c.initSeen
	c.mu.Unlock()
	if seen {
		if msg.Type == "pong" {
			c.pongReceived()
		}
		return true
	}
	if msg.Type == "ping" {
		c.writeMu.Lock()
		_ = c.ws.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout))
		_ = c.ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"pong"}`))
		c.writeMu.Unlock()
	}
	return false
}

func (c *socket) admitSubscribe(msg clientMessage) bool {
	c.mu.Lock()
	seen := c.initSeen
	c.mu.Unlock()
	if !seen {
		c.reject(CloseUnauthorized, "Unauthorized")
		return false
	}
	if msg.ID == nil || *msg.ID == "" {
		c.reject(CloseInvalidMessage, "Invalid message received: "+msg.Type+" needs an id")
		return false
	}
	if !validOperation(msg.Payload) {
		c.reject(CloseInvalidMessage, "Invalid message received: "+msg.Type+" payload needs a query string")
		return false
	}

	c.mu.Lock()
	_, exists := c.active[*msg.ID]
	full := !exists && len(c.active)-len(c.stopping) >= c.cfg.MaxOperations
	if !full {
		c.active[*msg.ID] = struct{}{}
		// A new operation with this id gets its own complete, so a
		// complete still owed to an earlier one is no longer dropped.
		delete(c.errored, *msg.ID)
	}
	c.mu.Unlock()
	if exists {
		c.reject(CloseSubscriberExists, "Subscriber for "+truncate(*msg.ID, 80)+" already exists")
		return false
	}
	if full {
		c.rejectOperation(*msg.ID, &LimitError{Limit: LimitSocketOperations, Max: c.cfg.MaxOperations})
		return false
	}
	return true
}

// rejectOperation ends the operation id with an error message carrying err
// and code CodeTooManySubscriptions, before the transport receives it. Both
// protocols end an operation with that message, so no complete follows.
func (c *socket) rejectOperation(id string, err *LimitError) {
	c.cfg.Logger.Info("websocket operation rejected", "reason", err.Limit, "max", err.Max,
		"remote", c.remote, "subprotocol", c.protocol)
	payload := []map[string]any{{
		"message":    err.Error(),
		"extensions": map[string]any{"code": CodeTooManySubscriptions, "limit": err.Limit, "max": err.Max},
	}}
	data, _ := json.Marshal(map[string]any{"id": id, "type": "error", "payload": payload})

	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.isClosing() {
		return
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout))
	if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		_ = c.ws.Close()
	}
}

func (c *socket) admitStop(msg clientMessage) bool {
	c.mu.Lock()
	seen := c.initSeen
	c.mu.Unlock()
	if !seen {
		c.reject(CloseUnauthorized, "Unauthorized")
		return false
	}
	if msg.ID == nil || *msg.ID == "" {
		c.reject(CloseInvalidMessage, "Invalid message received: "+msg.Type+" needs an id")
		return false
	}

	// The operation no longer counts against MaxOperations, although its id
	// stays taken until the server ends it.
	c.mu.Lock()
	if _, ok := c.active[*msg.ID]; ok {
		c.stopping[*msg.ID] = struct{}{}
	}
	c.mu.Unlock()
	return true
}

func isObjectOrNull(raw json.RawMessage) bool {
	if len(raw) == 0 || string(raw) == "null" {
		return true
	}
	var obj map[string]json.RawMessage
	return json.Unmarshal(raw, &obj) == nil
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
