package live

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/cognism/graphql-gateway/cognism"
)

// WebhookPath is the path prefix of trigger callbacks; the trigger
// subscription id follows it.
const WebhookPath = "/webhooks/cognism/"

// maxWebhookBody caps the size of one callback body.
const maxWebhookBody = 1 << 20

// maxEventAt is the last millisecond of the year 9999, the latest event
// time that RFC 3339 can write.
var maxEventAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() - 1

// secretSize is the length in bytes of a generated webhook secret.
const secretSize = 32

// Webhooks receives trigger callbacks and publishes their events to the
// hub's triggerFired subscribers. Each callback URL carries a token, the
// hex HMAC-SHA256 of the trigger id under a secret, so that only holders of
// the URL can post events for that id. The upstream returns the URL, token
// included, in the trigger subscription's callback, so every client with
// the credentials that can read the subscription can post to its id. A
// token is valid for its own id only.
type Webhooks struct {
	hub       TriggerPublisher
	secret    []byte
	publicURL string
	log       *slog.Logger
	recent    *recentEvents

	// rejectLog paces the log lines of rejected callbacks, which anyone
	// who can reach the endpoint may send in bulk.
	rejectLog  rate.Sometimes
	suppressed atomic.Int64
}

// TriggerPublisher delivers a trigger's event to its subscribers; *Hub
// implements it.
type TriggerPublisher interface {
	PublishTrigger(id string, ev *cognism.Event) int
}

// NewWebhooks returns the webhook intake for hub. publicURL is the base URL
// under which the upstream reaches the gateway, such as
// http://127.0.0.1:8080.
func NewWebhooks(hub TriggerPublisher, secret []byte, publicURL string, logger *slog.Logger) (*Webhooks, error) {
	if len(secret) == 0 {
		return nil, errors.New("live: webhook secret is empty")
	}
	u, err := url.Parse(publicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("live: invalid public URL %q: use an absolute http or https URL", publicURL)
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Webhooks{
		hub: hub, secret: secret, publicURL: strings.TrimRight(publicURL, "/"), log: logger,
		recent: newRecentEvents(), rejectLog: rate.Sometimes{Interval: time.Second},
	}, nil
}

// Token returns the callback token of trigger id.
func (w *Webhooks) Token(id string) string {
	mac := hmac.New(sha256.New, w.secret)
	mac.Write([]byte(id))
	return hex.EncodeToString(mac.Sum(nil))
}

// CallbackURL returns the URL to give the upstream as the callback of
// trigger id.
func (w *Webhooks) CallbackURL(id string) string {
	return w.publicURL + WebhookPath + url.PathEscape(id) + "?token=" + w.Token(id)
}

// validToken compares in constant time.
func (w *Webhooks) validToken(id, token string) bool {
	got, err := hex.DecodeString(token)
	if err != nil {
		return false
	}
	want, _ := hex.DecodeString(w.Token(id))
	return hmac.Equal(got, want)
}

// webhookMethods are the methods ServeHTTP accepts, because a trigger's
// callback method is the user's choice.
const webhookMethods = "POST, PUT"

// ServeHTTP accepts POST or PUT /webhooks/cognism/{id}?token=... with an
// Event JSON body and responds 204. Another method gets 405, a bad token
// 401 and an invalid body 400. An event id already delivered to the same
// trigger among its last recentPerTrigger ids gets 204 and is not
// delivered again, because the upstream retries callbacks.
func (w *Webhooks) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		rw.Header().Set("Allow", webhookMethods)
		http.Error(rw, "webhook callbacks must be POST or PUT requests", http.StatusMethodNotAllowed)
		return
	}
	id, ok := webhookID(r.URL)
	if !ok {
		http.Error(rw, "webhook path must be "+WebhookPath+"{subscription id}", http.StatusNotFound)
		return
	}
	if !w.validToken(id, r.URL.Query().Get("token")) {
		w.logRejected("webhook callback rejected: invalid token", "trigger", id, "remote", r.RemoteAddr)
		http.Error(rw, "invalid or missing webhook token", http.StatusUnauthorized)
		return
	}

	ev, err := decodeEvent(http.MaxBytesReader(rw, r.Body, maxWebhookBody))
	if err != nil {
		w.logRejected("webhook callback rejected: invalid event", "trigger", id, "error", err)
		status := http.StatusBadRequest
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		http.Error(rw, err.Error(), status)
		return
	}

	if !w.recent.firstDelivery(id, string(ev.ID)) {
		w.log.Debug("webhook callback repeats a delivered event", "trigger", id, "event", string(ev.ID))
		rw.WriteHeader(http.StatusNoContent)
		return
	}
	n := w.hub.PublishTrigger(id, ev)
	w.log.Debug("webhook callback received", "trigger", id, "event", string(ev.ID), "subscribers", n)
	rw.WriteHeader(http.StatusNoContent)
}

// logRejected logs a rejected callback at most once per second, with the
// number of rejections left unlogged since the last line.
func (w *Webhooks) logRejected(msg string, args ...any) {
	logged := false
	w.rejectLog.Do(func() {
		logged = true
		w.log.Warn(msg, append(args, "unlogged_rejections", w.suppressed.Swap(0))...)
	})
	if !logged {
		w.suppressed.Add(1)
	}
}

// webhookID returns the unescaped trigger id of a callback URL.
func webhookID(u *url.URL) (string, bool) {
	rest, ok := strings.CutPrefix(u.EscapedPath(), WebhookPath)
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return "", false
	}
	id, err := url.PathUnescape(rest)
	return id, err == nil && id != ""
}

// decodeEvent reads one Event object and checks the fields every event has.
func decodeEvent(body io.Reader) (*cognism.Event, error) {
	dec := json.NewDecoder(body)
	var ev cognism.Event
	if err := dec.Decode(&ev); err != nil {
		return nil, fmt.Errorf("webhook body is not an event JSON object: %w", err)
	}
	if dec.More() {
		return nil, errors.New("webhook body has data after the event object")
	}
	switch {
	case ev.ID == "":
		return nil, errors.New("webhook event has no id")
	case ev.Type == "":
		return nil, errors.New("webhook event has no type")
	case ev.At <= 0 || int64(ev.At) > maxEventAt:
		return nil, fmt.Errorf("webhook event has invalid at %d: expected Unix milliseconds "+
			"of a time in the years 1970 to 9999, such as 1471732633672", int64(ev.At))
	}
	return &ev, nil
}

// LoadOrCreateSecret returns the webhook secret stored at path, creating
// it with a random value and file mode 0600 when the file does not exist,
// so that callback URLs stay valid across restarts.
func LoadOrCreateSecret(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		secret, decodeErr := hex.DecodeString(strings.TrimSpace(string(data)))
		if decodeErr != nil || len(secret) < 16 {
			return nil, fmt.Errorf("live: webhook secret file %s is not a hex secret of 16 bytes or more; delete it to make a new one", path)
		}
		return secret, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("live: reading webhook secret: %w", err)
	}

	secret := make([]byte, secretSize)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("live: creating webhook secret directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateSecret(path) // another process created it first
	}
	if err != nil {
		return nil, fmt.Errorf("live: creating webhook secret: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(secret) + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("live: writing webhook secret: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("live: writing webhook secret: %w", err)
	}
	return secret, nil
}

// DefaultPublicURL returns the base URL for the listen address addr, with
// an unspecified or empty host replaced by 127.0.0.1, such as
// http://127.0.0.1:8080 for ":8080".
func DefaultPublicURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
