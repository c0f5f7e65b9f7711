package live

import (
	"errors"
	"testing"
)

func joinInts(buffer int) (*topic[int], *Subscription[int]) {
	tp := newTopic[int](buffer)
	sub := tp.join(func(s *Subscription[int]) { tp.remove(s) })
	return tp, sub
}

// readAll reads events until the channel closes.
func readAll(sub *Subscription[int]) []int {
	var got []int
	for ev := range sub.Events() {
		got = append(got, ev)
	}
	return got
}

func TestBacklogBeyondChannelArrivesInOrder(t *testing.T) {
	tp, sub := joinInts(100)
	for i := range 100 {
		if tp.publish(i) != 1 {
			t.Fatalf("event %d not delivered to a subscriber with room in its buffer", i)
		}
	}
	for want := range 100 {
		if got := <-sub.Events(); got != want {
			t.Fatalf("event %d arrived as %d", want, got)
		}
	}
	if tp.publish(100) != 1 {
		t.Fatal("event after the backlog was read not delivered")
	}
	if got := <-sub.Events(); got != 100 {
		t.Fatalf("event after the backlog arrived as %d", got)
	}
}

func TestFullBufferEndsSubscriberAndDropsUnread(t *testing.T) {
	tp, sub := joinInts(20)
	for i := range 21 {
		tp.publish(i)
	}
	if got := readAll(sub); len(got) != 0 {
		t.Errorf("slow subscriber read %d unread events before its error, want none", len(got))
	}
	if !errors.Is(sub.Err(), ErrSlowSubscriber) {
		t.Errorf("Err() = %v, want ErrSlowSubscriber", sub.Err())
	}
}

func TestEndDeliversBacklogBeforeClosing(t *testing.T) {
	tp, sub := joinInts(100)
	for i := range 30 {
		tp.publish(i)
	}
	failed := errors.New("upstream failed")
	tp.end(failed)
	if got := readAll(sub); len(got) != 30 {
		t.Errorf("read %d events before the end, want 30", len(got))
	}
	if !errors.Is(sub.Err(), failed) {
		t.Errorf("Err() = %v, want the topic's error", sub.Err())
	}
}

func TestCloseWithBacklogClosesEvents(t *testing.T) {
	for _, ended := range []bool{false, true} {
		tp, sub := joinInts(100)
		for i := range 30 {
			tp.publish(i)
		}
		if ended {
			tp.end(errors.New("upstream failed"))
		}
		sub.Close()
		readAll(sub) // returns once the pump closes the channel

		tp.mu.Lock()
		pumping := sub.pumping
		tp.mu.Unlock()
		if pumping {
			t.Errorf("ended before Close = %v: pump still running after the channel closed", ended)
		}
	}
}
