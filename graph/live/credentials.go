package live

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

// ErrInvalidCredentials rejects a websocket whose credentials the upstream
// refused with 401.
var ErrInvalidCredentials = errors.New("live: the upstream rejected the access token or secret key")

// CredentialCheck verifies credentials with one small upstream call and
// remembers the verdict for a while, so that many sockets with the same
// credentials cost one call.
type CredentialCheck struct {
	upstream Upstream
	ttl      time.Duration
	salt     []byte

	mu       sync.Mutex
	verdicts map[string]verdict
}

type verdict struct {
	valid   bool
	expires time.Time
}

// NewCredentialCheck returns a check over upstream that remembers each
// verdict for ttl.
func NewCredentialCheck(upstream Upstream, ttl time.Duration) *CredentialCheck {
	salt := make([]byte, 32)
	_, _ = rand.Read(salt)
	return &CredentialCheck{upstream: upstream, ttl: ttl, salt: salt, verdicts: make(map[string]verdict)}
}

// Check returns ErrInvalidCredentials when the upstream responds 401 to an
// event stream page of one event. Any other status, 403 included, counts as
// valid, because 403 means the credentials are good but limited to other
// endpoints. Transport failures are returned and not remembered.
func (c *CredentialCheck) Check(ctx context.Context, creds cognism.Credentials) error {
	if creds.AccessToken == "" {
		return ErrInvalidCredentials
	}
	key := c.key(creds)
	now := time.Now()

	c.mu.Lock()
	v, ok := c.verdicts[key]
	c.mu.Unlock()
	if ok && now.Before(v.expires) {
		return verdictError(v.valid)
	}

	_, err := c.upstream.EventStream(cognism.WithCredentials(ctx, creds), cognism.EventStreamOptions{Count: 1})
	valid := !errors.Is(err, cognism.ErrUnauthorized)
	if err != nil && valid && !isAPIError(err) {
		return err
	}

	c.mu.Lock()
	c.verdicts[key] = verdict{valid: valid, expires: now.Add(c.ttl)}
	if len(c.verdicts) > 10_000 {
		c.pruneLocked(now)
	}
	c.mu.Unlock()
	return verdictError(valid)
}

func (c *CredentialCheck) key(creds cognism.Credentials) string {
	return fingerprint(c.salt, creds)
}

func (c *CredentialCheck) pruneLocked(now time.Time) {
	for k, v := range c.verdicts {
		if now.After(v.expires) {
			delete(c.verdicts, k)
		}
	}
}

func verdictError(valid bool) error {
	if valid {
		return nil
	}
	return ErrInvalidCredentials
}

func isAPIError(err error) bool {
	var apiErr *cognism.APIError
	return errors.As(err, &apiErr)
}
