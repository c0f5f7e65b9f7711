package sandbox

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	json "github.com/goccy/go-json"
	"github.com/google/uuid"

	"github.com/cognism/graphql-gateway/cognism"
)

var callbackMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

// accountIDs returns the idUser and idOrg shown on an account's
// subscriptions, derived from its access token so they stay stable.
func accountIDs(acct Account) (idUser, idOrg string) {
	sum := sha256.Sum256([]byte("ids:" + acct.AccessToken))
	user := 1000 + binary.BigEndian.Uint32(sum[:4])%9000
	org := 1 + uint32(sum[4])%50
	return strconv.FormatUint(uint64(user), 10), strconv.FormatUint(uint64(org), 10)
}

// readSubscriptionInput decodes and validates a create or modify body. When
// the body is unusable it writes the 406 or 400 response and returns false.
func (s *Server) readSubscriptionInput(w http.ResponseWriter, r *http.Request) (cognism.SubscriptionInput, bool) {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "reading the body failed: "+err.Error())
		return cognism.SubscriptionInput{}, false
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(data, &raw) != nil {
		writeError(w, http.StatusNotAcceptable, "body is not a JSON object: expected "+
			`{"name", "active", "pattern": {field: value}, "callback-http": {"method", "url", "headers"}}`)
		return cognism.SubscriptionInput{}, false
	}
	in, err := s.parseSubscriptionInput(raw)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return cognism.SubscriptionInput{}, false
	}
	return in, true
}

func (s *Server) parseSubscriptionInput(raw map[string]json.RawMessage) (cognism.SubscriptionInput, error) {
	var in cognism.SubscriptionInput
	fields := []struct {
		name, form string
		dst        any
	}{
		{"name", "a non-empty string", &in.Name},
		{"active", "true or false", &in.Active},
		{"pattern", `an object of event field paths to values, such as {"type": "310", "org": "IBM"}`, &in.Pattern},
		{"callback-http", `an object {"method": "POST", "url": "http://127.0.0.1:8080/hook", "headers": ["Name: value"]}`, &in.Callback},
	}
	for _, f := range fields {
		v, ok := raw[f.name]
		if !ok || string(v) == "null" {
			return in, fmt.Errorf("missing %s: expected %s", f.name, f.form)
		}
		if err := json.Unmarshal(v, f.dst); err != nil {
			return in, fmt.Errorf("invalid %s: expected %s", f.name, f.form)
		}
	}
	if strings.TrimSpace(in.Name) == "" {
		return in, errors.New("invalid name: expected a non-empty string")
	}
	if _, err := compilePatternObject(in.Pattern); err != nil {
		return in, fmt.Errorf("invalid pattern: %v", err)
	}
	return in, s.checkCallback(&in.Callback, raw["callback-http"])
}

// checkCallback validates callback-http and upper-cases its method.
func (s *Server) checkCallback(cb *cognism.Callback, raw json.RawMessage) error {
	var present map[string]json.RawMessage
	_ = json.Unmarshal(raw, &present)
	if _, ok := present["headers"]; !ok || cb.Headers == nil {
		return errors.New(`missing callback-http.headers: expected an array of "Name: value" strings, possibly empty`)
	}
	cb.Method = strings.ToUpper(strings.TrimSpace(cb.Method))
	if !slices.Contains(callbackMethods, cb.Method) {
		return fmt.Errorf("invalid callback-http.method %q: expected one of %s", cb.Method, strings.Join(callbackMethods, ", "))
	}
	u, err := url.Parse(cb.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("invalid callback-http.url %q: expected an absolute http or https URL", cb.URL)
	}
	if !s.callbackHostAllowed(u.Hostname()) {
		return fmt.Errorf("callback-http.url host %q is not allowed: the sandbox calls only loopback hosts "+
			"(127.0.0.1, ::1, localhost) and the hosts listed in SANDBOX_CALLBACK_ALLOW", u.Hostname())
	}
	for _, h := range cb.Headers {
		name, _, hasColon := strings.Cut(h, ":")
		if hasColon && !validHeaderName(strings.TrimSpace(name)) {
			return fmt.Errorf("invalid callback-http.headers line %q: expected \"Name: value\" with a valid header name", h)
		}
	}
	return nil
}

// callbackHostAllowed reports whether callbacks may go to host: loopback
// names and addresses, or a host listed in Config.CallbackAllow.
func (s *Server) callbackHostAllowed(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, allowed := range s.cfg.CallbackAllow {
		if strings.EqualFold(allowed, host) {
			return true
		}
	}
	return false
}

func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if r > 126 || r <= 32 || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// handleSubscriptionList serves GET /api/v1/subscription.
func (s *Server) handleSubscriptionList(w http.ResponseWriter, r *http.Request) {
	rows, err := s.db.QueryContext(r.Context(),
		"SELECT data FROM subscriptions WHERE account = ? ORDER BY created_at, id", accountID(accountFrom(r.Context())))
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	defer rows.Close()

	out := []json.RawMessage{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			s.internalError(w, r, err)
			return
		}
		out = append(out, json.RawMessage(data))
	}
	if err := rows.Err(); err != nil {
		s.internalError(w, r, err)
		return
	}
	writeRawArray(w, out)
}

// handleSubscriptionCreate serves POST /api/v1/subscription.
func (s *Server) handleSubscriptionCreate(w http.ResponseWriter, r *http.Request) {
	in, ok := s.readSubscriptionInput(w, r)
	if !ok {
		return
	}
	acct := accountFrom(r.Context())
	idUser, idOrg := accountIDs(acct)
	now := time.Now().UnixMilli()
	sub := cognism.Subscription{
		ID: uuid.NewString(), IDUser: cognism.FlexString(idUser), IDOrg: cognism.FlexString(idOrg),
		Name: in.Name, Active: in.Active, Pattern: in.Pattern, Callback: in.Callback,
		CreatedAt: cognism.FlexInt(now), UpdatedAt: cognism.FlexInt(now),
	}
	data, err := marshalText(sub)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	_, err = s.db.ExecContext(r.Context(),
		"INSERT INTO subscriptions (id, account, active, created_at, data) VALUES (?, ?, ?, ?, ?)",
		sub.ID, accountID(acct), sub.Active, now, data)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.live.subscriptionsChanged()
	writeJSON(w, http.StatusOK, sub)
}

// loadSubscription returns the account's subscription with that id, or
// sql.ErrNoRows.
func (s *Server) loadSubscription(ctx context.Context, acct Account, id string) (cognism.Subscription, error) {
	var data string
	var sub cognism.Subscription
	err := s.db.QueryRowContext(ctx, "SELECT data FROM subscriptions WHERE id = ? AND account = ?",
		id, accountID(acct)).Scan(&data)
	if err != nil {
		return sub, err
	}
	return sub, json.Unmarshal([]byte(data), &sub)
}

func writeSubscriptionNotFound(w http.ResponseWriter, id string) {
	writeError(w, http.StatusNotFound, "no subscription with id "+strconv.Quote(id)+
		" for this account; list them with GET /api/v1/subscription")
}

// handleSubscriptionGet serves GET /api/v1/subscription/{id}.
func (s *Server) handleSubscriptionGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	sub, err := s.loadSubscription(r.Context(), accountFrom(r.Context()), id)
	if errors.Is(err, sql.ErrNoRows) {
		writeSubscriptionNotFound(w, id)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sub)
}

// handleSubscriptionModify serves PUT /api/v1/subscription/{id}.
func (s *Server) handleSubscriptionModify(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	acct := accountFrom(r.Context())
	sub, err := s.loadSubscription(r.Context(), acct, id)
	if errors.Is(err, sql.ErrNoRows) {
		writeSubscriptionNotFound(w, id)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	in, ok := s.readSubscriptionInput(w, r)
	if !ok {
		return
	}

	sub.Name, sub.Active, sub.Pattern, sub.Callback = in.Name, in.Active, in.Pattern, in.Callback
	sub.UpdatedAt = cognism.FlexInt(time.Now().UnixMilli())
	data, err := marshalText(sub)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	_, err = s.db.ExecContext(r.Context(), "UPDATE subscriptions SET active = ?, data = ? WHERE id = ? AND account = ?",
		sub.Active, data, id, accountID(acct))
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.live.subscriptionsChanged()
	w.WriteHeader(http.StatusNoContent)
}

// handleSubscriptionDelete serves DELETE /api/v1/subscription/{id}.
func (s *Server) handleSubscriptionDelete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	res, err := s.db.ExecContext(r.Context(), "DELETE FROM subscriptions WHERE id = ? AND account = ?",
		id, accountID(accountFrom(r.Context())))
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if n, _ := res.RowsAffected(); n == 0 {
		writeSubscriptionNotFound(w, id)
		return
	}
	s.live.subscriptionsChanged()
	w.WriteHeader(http.StatusNoContent)
}

// activeSubscriptions returns every account's active subscriptions.
func (s *Server) activeSubscriptions(ctx context.Context) ([]cognism.Subscription, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT data FROM subscriptions WHERE active ORDER BY created_at, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var out []cognism.Subscription
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var sub cognism.Subscription
		if err := json.Unmarshal([]byte(data), &sub); err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}
