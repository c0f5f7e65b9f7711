package live

// seenSet remembers the most recent event ids, oldest evicted first.
type seenSet struct {
	ids  map[string]struct{}
	ring []string
	next int
}

func newSeenSet(capacity int) *seenSet {
	return &seenSet{ids: make(map[string]struct{}, capacity), ring: make([]string, capacity)}
}

func (s *seenSet) has(id string) bool {
	_, ok := s.ids[id]
	return ok
}

// add records id, evicting the oldest id once the set is full.
func (s *seenSet) add(id string) {
	if s.has(id) {
		return
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.ids, old)
	}
	s.ring[s.next] = id
	s.ids[id] = struct{}{}
	s.next = (s.next + 1) % len(s.ring)
}
