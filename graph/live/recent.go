package live

import (
	"container/list"
	"crypto/sha256"
	"sync"
)

// Bounds of webhook deduplication.
const (
	// recentPerTrigger is how many event ids are remembered per trigger.
	recentPerTrigger = 1024
	// recentTriggers is how many triggers have ids remembered at once.
	// NOTE: with more triggers receiving callbacks, a retry may reach a
	// trigger whose ids were evicted and be delivered twice.
	recentTriggers = 1024
)

// idKey is a digest of an event id, so that long ids cost no more memory
// than short ones.
type idKey [16]byte

func keyOf(id string) idKey {
	sum := sha256.Sum256([]byte(id))
	return idKey(sum[:16])
}

// lru is a set of keys that evicts the least recently used one beyond its
// capacity.
type lru[K comparable] struct {
	capacity int
	order    *list.List // front is the most recently used
	elements map[K]*list.Element
}

func newLRU[K comparable](capacity int) *lru[K] {
	return &lru[K]{capacity: capacity, order: list.New(), elements: make(map[K]*list.Element)}
}

// touch marks key as the most recently used, adding it when absent, and
// reports whether it was present. It returns the key evicted to make room,
// if any.
func (l *lru[K]) touch(key K) (present bool, evicted K, didEvict bool) {
	if e, ok := l.elements[key]; ok {
		l.order.MoveToFront(e)
		return true, evicted, false
	}
	l.elements[key] = l.order.PushFront(key)
	if l.order.Len() <= l.capacity {
		return false, evicted, false
	}

	oldest := l.order.Back()
	l.order.Remove(oldest)
	evicted = oldest.Value.(K)
	delete(l.elements, evicted)
	return false, evicted, true
}

// recentEvents remembers the latest event ids delivered per trigger, so
// that a callback the upstream retries is delivered once. Both the ids of
// a trigger and the triggers are bounded, each evicting the least recently
// used.
type recentEvents struct {
	mu       sync.Mutex
	triggers *lru[string]
	ids      map[string]*lru[idKey]
}

func newRecentEvents() *recentEvents {
	return &recentEvents{triggers: newLRU[string](recentTriggers), ids: make(map[string]*lru[idKey])}
}

// firstDelivery records event id for trigger and reports whether it is new
// within the window.
func (r *recentEvents) firstDelivery(trigger, id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()

	if _, evicted, ok := r.triggers.touch(trigger); ok {
		delete(r.ids, evicted)
	}
	ids := r.ids[trigger]
	if ids == nil {
		ids = newLRU[idKey](recentPerTrigger)
		r.ids[trigger] = ids
	}
	present, _, _ := ids.touch(keyOf(id))
	return !present
}
