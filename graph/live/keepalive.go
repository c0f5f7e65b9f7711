package live

import "time"

// Keep-alive messages of the two protocols.
var (
	kaMessage   = []byte(`{"type":"ka"}`)
	pingMessage = []byte(`{"type":"ping"}`)
)

// startKeepAlive starts the keep-alive of a connection once its
// connection_ack is sent. The legacy protocol gets a "ka" at once and then
// every KeepAlive. graphql-transport-ws gets a ping every PingInterval and
// a read deadline of two periods, which each pong moves on. A timer rather
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
		c.setReadDeadline(time.Now().Add(2 * period))
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
// next.
func (c *socket) keepAliveTick(period time.Duration) {
	if c.protocol == ProtocolTransportWS {
		_ = c.write(pingMessage)
	} else {
		_ = c.write(kaMessage)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closing {
		c.keepAlive.Reset(period)
	}
}

// pongReceived moves the read deadline two ping periods on, so a peer that
// sends no more pongs is disconnected two periods after its last one.
func (c *socket) pongReceived() {
	if c.cfg.PingInterval > 0 {
		c.setReadDeadline(time.Now().Add(2 * c.cfg.PingInterval))
	}
}
