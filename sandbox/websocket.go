package sandbox

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"time"

	json "github.com/goccy/go-json"
	"github.com/google/uuid"
	"github.com/gorilla/websocket"
)

// Websocket close codes the sandbox sends.
const (
	websocketGoingAway   = websocket.CloseGoingAway
	websocketPolicy      = websocket.ClosePolicyViolation
	websocketQueueLength = 256 // messages buffered per session before it is closed as too slow
	websocketWriteWait   = 10 * time.Second
)

var upgrader = websocket.Upgrader{
	ReadBufferSize:  1024,
	WriteBufferSize: 4096,
	// Credentials travel in headers or the query, never in cookies, so a
	// cross-origin page gains nothing a direct client would not have.
	CheckOrigin: func(*http.Request) bool { return true },
}

// wsSession is one open websocket.
type wsSession struct {
	id      string
	account string
	conn    *websocket.Conn
	filter  *eventFilter
	queue   chan []byte
	done    chan struct{}
	once    sync.Once
	live    *live
}

// handleWebsocket serves GET /api/v1/websocket: after the upgrade the
// first frame is {"session": id}, then one frame per matching event.
func (s *Server) handleWebsocket(w http.ResponseWriter, r *http.Request) {
	filter, err := parsePattern(r.URL.Query().Get("pattern"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid pattern: "+err.Error()+
			`; expected rule clauses such as type=job-join;org=IBM or a JSON object such as {"type":"310"}`)
		return
	}
	if !websocket.IsWebSocketUpgrade(r) {
		writeError(w, http.StatusBadRequest, "this endpoint needs a websocket upgrade request")
		return
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has written the error response
	}

	sess := &wsSession{
		id: uuid.NewString(), account: accountID(accountFrom(r.Context())), conn: conn, filter: filter,
		queue: make(chan []byte, websocketQueueLength), done: make(chan struct{}), live: s.live,
	}
	hello, _ := json.Marshal(map[string]string{"session": sess.id})
	sess.queue <- hello
	if !s.live.addSession(sess) {
		sess.close(websocketGoingAway, "server shutting down")
		return
	}
	s.log.Debug("sandbox websocket opened", "session", sess.id)
	go sess.readLoop(s.cfg.PongTimeout)
	sess.writeLoop(s.cfg.PingInterval, s.faults)
	s.log.Debug("sandbox websocket closed", "session", sess.id)
}

func (l *live) addSession(sess *wsSession) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return false
	}
	l.sessions[sess.id] = sess
	l.wg.Add(1)
	l.updateDemandLocked()
	return true
}

func (l *live) removeSession(sess *wsSession) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.sessions[sess.id]; ok {
		delete(l.sessions, sess.id)
		l.wg.Done()
		l.updateDemandLocked()
	}
}

// session returns the account's open session with that id.
func (l *live) session(account, id string) *wsSession {
	l.mu.Lock()
	defer l.mu.Unlock()
	if sess := l.sessions[id]; sess != nil && sess.account == account {
		return sess
	}
	return nil
}

// enqueue hands a message to the session's writer; a session whose queue
// is full is closed rather than slowing the publisher down.
func (sess *wsSession) enqueue(msg []byte) {
	select {
	case <-sess.done:
	case sess.queue <- msg:
	default:
		sess.live.s.log.Warn("sandbox closes a websocket that does not keep up", "session", sess.id)
		sess.close(websocketPolicy, "client too slow")
	}
}

// close sends a close frame, closes the connection and removes the
// session from the server. Later calls do nothing.
func (sess *wsSession) close(code int, reason string) {
	sess.once.Do(func() {
		close(sess.done)
		msg := websocket.FormatCloseMessage(code, reason)
		_ = sess.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
		_ = sess.conn.Close()
		sess.live.removeSession(sess)
	})
}

// drop closes the connection without a close frame, as a network failure
// would.
func (sess *wsSession) drop() {
	sess.once.Do(func() {
		close(sess.done)
		_ = sess.conn.Close()
		sess.live.removeSession(sess)
	})
}

// readLoop discards client messages and ends the session when no pong or
// message arrives within timeout.
func (sess *wsSession) readLoop(timeout time.Duration) {
	sess.conn.SetReadLimit(1 << 16)
	_ = sess.conn.SetReadDeadline(time.Now().Add(timeout))
	sess.conn.SetPongHandler(func(string) error {
		return sess.conn.SetReadDeadline(time.Now().Add(timeout))
	})
	for {
		if _, _, err := sess.conn.NextReader(); err != nil {
			sess.drop()
			return
		}
		_ = sess.conn.SetReadDeadline(time.Now().Add(timeout))
	}
}

// writeLoop writes queued messages and pings until the session ends. With
// the websocket drop fault set, it drops the connection after every N
// messages past the session frame.
func (sess *wsSession) writeLoop(pingInterval time.Duration, f *faults) {
	ticker := time.NewTicker(pingInterval)
	defer ticker.Stop()
	sent := -1 // the session frame does not count
	for {
		select {
		case <-sess.done:
			return
		case msg := <-sess.queue:
			_ = sess.conn.SetWriteDeadline(time.Now().Add(websocketWriteWait))
			if err := sess.conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				sess.drop()
				return
			}
			sent++
			if n := f.get().WebsocketDropAfter; n > 0 && sent > 0 && sent%n == 0 {
				sess.drop()
				return
			}
		case <-ticker.C:
			if err := sess.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(websocketWriteWait)); err != nil {
				sess.drop()
				return
			}
		}
	}
}

// handleSessionPush serves POST /api/v1/websocket/session: the JSON body
// goes to the session as one text frame.
func (s *Server) handleSessionPush(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("session")
	if id == "" {
		writeError(w, http.StatusBadRequest, "missing session: expected ?session=<id> with the id of the websocket's first frame")
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "reading the body failed: "+err.Error())
		return
	}
	if !json.Valid(data) {
		writeError(w, http.StatusNotAcceptable, "body is not JSON: expected the JSON document to send to the session")
		return
	}
	sess := s.live.session(accountID(accountFrom(r.Context())), id)
	if sess == nil {
		writeError(w, http.StatusNotFound, "no open websocket session "+id+" for this account")
		return
	}
	sess.enqueue(compactJSON(data))
	w.WriteHeader(http.StatusNoContent)
}

func compactJSON(data []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return data
	}
	return buf.Bytes()
}
