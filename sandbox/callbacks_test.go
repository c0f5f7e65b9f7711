package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

// delivery is one request a callback receiver got.
type delivery struct {
	method string
	header http.Header
	event  cognism.Event
}

// receiver is a loopback callback endpoint that fails the first failFirst
// requests with 500.
type receiver struct {
	*httptest.Server
	mu         sync.Mutex
	failFirst  int
	attempts   int
	deliveries chan delivery
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	r := &receiver{failFirst: failFirst, deliveries: make(chan delivery, 16)}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.attempts++
		fail := r.attempts <= r.failFirst
		r.mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		data, _ := io.ReadAll(req.Body)
		var ev cognism.Event
		if err := json.Unmarshal(data, &ev); err != nil {
			t.Errorf("callback body is not an event: %s", data)
		}
		r.deliveries <- delivery{method: req.Method, header: req.Header.Clone(), event: ev}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) next(t *testing.T) delivery {
	t.Helper()
	select {
	case d := <-r.deliveries:
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no callback delivery arrived")
		return delivery{}
	}
}

func (r *receiver) expectNone(t *testing.T, wait time.Duration) {
	t.Helper()
	select {
	case d := <-r.deliveries:
		t.Errorf("unexpected delivery of %s %s", d.event.Type, d.event.Org)
	case <-time.After(wait):
	}
}

func fastRetries(c *Config) {
	noGeneratedEvents(c)
	c.CallbackRetryDelay = 5 * time.Millisecond
}

func TestCallbackDeliversMatchingEvents(t *testing.T) {
	ts := newTestSandbox(t, fastRetries)
	recv := newReceiver(t, 0)
	in := cognism.SubscriptionInput{
		Name: "ibm-mentions", Active: true, Pattern: map[string]string{"type": "310|330", "org": "IBM"},
		Callback: cognism.Callback{Method: "PUT", URL: recv.URL + "/hook", Headers: []string{"X-Hook-Token: abc", "articles"}},
	}
	if _, err := ts.client.CreateSubscription(ctx, in); err != nil {
		t.Fatal(err)
	}

	ts.inject(t, cognism.Event{Type: "quote", Org: "IBM"})
	want := ts.inject(t, cognism.Event{Type: "330", Org: "ibm"})
	got := recv.next(t)
	if got.event.ID != want.ID {
		t.Errorf("delivered %s (%s), want %s", got.event.ID, got.event.Type, want.ID)
	}
	if got.method != http.MethodPut || got.header.Get("X-Hook-Token") != "abc" || got.header.Get("Content-Type") != "application/json" {
		t.Errorf("delivery method %s headers %v", got.method, got.header)
	}
	recv.expectNone(t, 100*time.Millisecond)
}

func TestCallbackRetriesAfterFailures(t *testing.T) {
	ts := newTestSandbox(t, fastRetries)
	recv := newReceiver(t, 2)
	in := cognism.SubscriptionInput{
		Name: "joins", Active: true, Pattern: map[string]string{"type": "job-join"},
		Callback: cognism.Callback{Method: "POST", URL: recv.URL, Headers: []string{}},
	}
	if _, err := ts.client.CreateSubscription(ctx, in); err != nil {
		t.Fatal(err)
	}
	want := ts.inject(t, cognism.Event{Type: "job-join", Org: "SAP"})
	if got := recv.next(t); got.event.ID != want.ID {
		t.Errorf("delivered %s, want %s", got.event.ID, want.ID)
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if recv.attempts != 3 {
		t.Errorf("%d attempts, want 3", recv.attempts)
	}
}

func TestCallbackSkipsInactiveAndDeleted(t *testing.T) {
	ts := newTestSandbox(t, fastRetries)
	recv := newReceiver(t, 0)
	in := cognism.SubscriptionInput{
		Name: "quiet", Active: false, Pattern: map[string]string{},
		Callback: cognism.Callback{Method: "POST", URL: recv.URL, Headers: []string{}},
	}
	sub, err := ts.client.CreateSubscription(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if ts.srv.live.generating() {
		t.Error("generator runs for an inactive subscription")
	}
	ts.inject(t, cognism.Event{Type: "quote", Org: "IBM"})
	recv.expectNone(t, 100*time.Millisecond)

	in.Active = true
	if err := ts.client.ModifySubscription(ctx, sub.ID, in); err != nil {
		t.Fatal(err)
	}
	if !ts.srv.live.generating() {
		t.Error("generator stopped with an active subscription")
	}
	want := ts.inject(t, cognism.Event{Type: "quote", Org: "IBM"})
	if got := recv.next(t); got.event.ID != want.ID {
		t.Errorf("delivered %s, want %s", got.event.ID, want.ID)
	}

	if err := ts.client.DeleteSubscription(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	if ts.srv.live.generating() {
		t.Error("generator runs after the last subscription was deleted")
	}
	ts.inject(t, cognism.Event{Type: "quote", Org: "IBM"})
	recv.expectNone(t, 100*time.Millisecond)
}

func TestCallbackClientRefusesRemoteHosts(t *testing.T) {
	client := newCallbackClient(func(string) bool { return false })
	req, _ := http.NewRequest("POST", "http://192.0.2.1:9/hook", nil)
	if _, err := client.Do(req); err == nil {
		t.Fatal("callback client dialled a non-loopback address")
	}
}
