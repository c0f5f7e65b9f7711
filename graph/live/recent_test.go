package live

import (
	"strconv"
	"testing"
)

func TestRecentEventsForgetsLeastRecentlyUsedId(t *testing.T) {
	r := newRecentEvents()
	for i := range recentPerTrigger {
		r.firstDelivery("t", strconv.Itoa(i))
	}
	if r.firstDelivery("t", "0") {
		t.Fatal("id 0 counted as new while the window contains it")
	}

	// Id 0 is now the most recently used, so id 1 is evicted first.
	r.firstDelivery("t", "new")
	if !r.firstDelivery("t", "1") {
		t.Error("id 1 still remembered after eviction")
	}
	if r.firstDelivery("t", "0") {
		t.Error("id 0 forgotten although it was used recently")
	}
}

func TestRecentEventsBoundsTriggers(t *testing.T) {
	r := newRecentEvents()
	for i := range recentTriggers + 1 {
		r.firstDelivery(strconv.Itoa(i), "e")
	}

	if got := len(r.ids); got != recentTriggers {
		t.Errorf("triggers remembered = %d, want %d", got, recentTriggers)
	}
	if !r.firstDelivery("0", "e") {
		t.Error("event of the evicted trigger 0 counted as a repeat")
	}
}
