package live

// seenSet remembers the most recent event ids, up to a capacity, evicting
// the oldest first. It grows as ids arrive, so an idle feed holds little.
type seenSet struct {
	ids      map[string]struct{}
	ring     []string
	next     int
	capacity int
}

func newSeenSet(capacity int) *seenSet {
	return &seenSet{ids: make(map[string]struct{}), capacity: capacity}
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
	s.ids[id] = struct{}{}
	if len(s.ring) < s.capacity {
		s.ring = append(s.ring, id)
		return
	}
	delete(s.ids, s.ring[s.next])
	s.ring[s.next] = id
	s.next = (s.next + 1) % s.capacity
}
