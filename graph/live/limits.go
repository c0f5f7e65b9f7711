package live

import "fmt"

// CodeTooManySubscriptions is the GraphQL error code of an operation
// rejected because a subscription limit was reached.
const CodeTooManySubscriptions = "TOO_MANY_SUBSCRIPTIONS"

// Defaults of the subscription limits.
const (
	DefaultMaxFeedsPerCredential = 50
	DefaultMaxFeeds              = 1000
	DefaultMaxSocketOperations   = 100
)

// Limit names a subscription limit in a LimitError.
type Limit string

// The limits that reject an operation. Reaching one leaves the operations
// already running unaffected.
const (
	// LimitFeedsPerCredential caps the upstream sockets, one per distinct
	// filter, that one set of credentials holds.
	LimitFeedsPerCredential Limit = "upstream event streams per credential"
	// LimitFeeds caps the upstream sockets the gateway holds in all.
	LimitFeeds Limit = "upstream event streams of the gateway"
	// LimitSocketOperations caps the operations one websocket runs at a
	// time.
	LimitSocketOperations Limit = "operations per websocket connection"
)

// LimitError rejects a subscription that would exceed a limit.
type LimitError struct {
	Limit Limit
	Max   int
}

// Error names the limit and what the client can do.
func (e *LimitError) Error() string {
	switch e.Limit {
	case LimitFeedsPerCredential:
		return fmt.Sprintf("too many subscriptions: these credentials already hold %d upstream event "+
			"streams, the maximum, one per distinct filter; end a subscription or subscribe with a "+
			"filter already in use", e.Max)
	case LimitFeeds:
		return fmt.Sprintf("too many subscriptions: the gateway already holds %d upstream event "+
			"streams, its maximum; retry later or subscribe with a filter already in use", e.Max)
	case LimitSocketOperations:
		return fmt.Sprintf("too many subscriptions: this connection already runs %d operations, "+
			"the maximum; complete one or open another connection", e.Max)
	}
	return fmt.Sprintf("too many subscriptions: limit of %d %s reached", e.Max, e.Limit)
}

// admitFeed makes room for a new upstream socket of fingerprint, closing an
// idle socket in its grace period when only such sockets fill the limit.
// It returns a *LimitError when no room can be made. The caller holds h.mu.
func (h *Hub[T]) admitFeed(fingerprint string) error {
	if h.cfg.MaxFeedsPerCredential > 0 && h.countFeeds(fingerprint) >= h.cfg.MaxFeedsPerCredential {
		if !h.evictIdleFeed(fingerprint) {
			return &LimitError{Limit: LimitFeedsPerCredential, Max: h.cfg.MaxFeedsPerCredential}
		}
	}
	if h.cfg.MaxFeeds > 0 && len(h.feeds) >= h.cfg.MaxFeeds {
		if !h.evictIdleFeed("") {
			return &LimitError{Limit: LimitFeeds, Max: h.cfg.MaxFeeds}
		}
	}
	return nil
}

// countFeeds returns the number of upstream sockets of fingerprint. The
// caller holds h.mu.
func (h *Hub[T]) countFeeds(fingerprint string) int {
	n := 0
	for key := range h.feeds {
		if key.fingerprint == fingerprint {
			n++
		}
	}
	return n
}

// evictIdleFeed closes one upstream socket without subscribers, of
// fingerprint or of any credentials when fingerprint is empty, and reports
// whether it found one. The caller holds h.mu.
func (h *Hub[T]) evictIdleFeed(fingerprint string) bool {
	for key, f := range h.feeds {
		if (fingerprint == "" || key.fingerprint == fingerprint) && f.size() == 0 {
			f.stopGrace()
			delete(h.feeds, key)
			f.cancel()
			return true
		}
	}
	return false
}
