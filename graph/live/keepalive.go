package live

import "time"

// Keep-alive messages as gqlgen v0.17.98 sends them.
var (
	kaMessage   = []byte(`{"type":"ka"}`)
	pingMessage = []byte(`{"type":"ping"}`)
)

// startKeepAlive starts the keep-alive of a connection once its
// connection_ack is sent. The legacy protocol gets a "ka" at once and then
// every KeepAlive. graphql-transport-ws gets a ping every PingInterval and
// a read deadline of two periods, which each pong renews. A timer rather
// than a goroutine waits between messages, so an idle connection holds no
// stack for its keep-alive.
func (c *socket) startKeepAlive() {
	period := c.cfg.KeepAlive
	if c.protocol == ProtocolTransportWS {
		period = c.cfg.PingInterval
	}
	if period <= 0 {
		return
	}

	if c.protocol == ProtocolTransportWS {
		_ = c.SetReadDeadline(time.Now().Add(2 * period))
	} else {
		_ = c.write(kaMessage)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || c.keepAlive != nil {
		return
	}
	c.keepAlive = time.AfterFunc(period, func() { c.keepAliveTick(period) })
}

// keepAliveTick sends one keep-alive message and arms the timer for the
// next. On graphql-transport-ws, a pong since the last ping moves the read
// deadline two periods on. Without one, the earlier deadline is kept and
// ends the connection when it passes.
func (c *socket) keepAliveTick(period time.Duration) {
	if c.protocol != ProtocolTransportWS {
		_ = c.write(kaMessage)
	} else {
		_ = c.write(pingMessage)
		c.mu.Lock()
		renew := c.gotPong
		c.gotPong = false
		c.mu.Unlock()
		if renew {
			_ = c.SetReadDeadline(time.Now().Add(2 * period))
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closing {
		c.keepAlive.Reset(period)
	}
}

// pongReceived records a pong for the next keep-alive tick.
func (c *socket) pongReceived() {
	c.mu.Lock()
	c.gotPong = true
	c.mu.Unlock()
}
