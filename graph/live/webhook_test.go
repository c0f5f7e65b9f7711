package live_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/graph/live"
)

func TestWebhookResponses(t *testing.T) {
	g := startGateway(t, options{})
	id := "9d363669-c334-4307-8c62-5cf1fc49e28b"
	good := g.webhooks.CallbackURL(id)
	event := `{"id":"e1","at":1471732633672,"type":"job-join","org":"IBM"}`

	cases := []struct {
		name   string
		method string
		url    string
		body   string
		want   int
	}{
		{"valid callback", "POST", good, event, http.StatusNoContent},
		{"wrong token", "POST", g.server.URL + live.WebhookPath + id + "?token=" + strings.Repeat("ab", 32), event, http.StatusUnauthorized},
		{"token of another id", "POST", strings.Replace(good, id, "other", 1), event, http.StatusUnauthorized},
		{"missing token", "POST", g.server.URL + live.WebhookPath + id, event, http.StatusUnauthorized},
		{"token not hex", "POST", g.server.URL + live.WebhookPath + id + "?token=zz", event, http.StatusUnauthorized},
		{"PUT", "PUT", good, event, http.StatusNoContent},
		{"GET", "GET", good, "", http.StatusMethodNotAllowed},
		{"DELETE", "DELETE", good, "", http.StatusMethodNotAllowed},
		{"no id", "POST", g.server.URL + live.WebhookPath + "?token=x", event, http.StatusNotFound},
		{"body not JSON", "POST", good, "not json", http.StatusBadRequest},
		{"event without id", "POST", good, `{"at":1,"type":"job-join"}`, http.StatusBadRequest},
		{"event without type", "POST", good, `{"id":"e1","at":1}`, http.StatusBadRequest},
		{"two events", "POST", good, event + event, http.StatusBadRequest},
		{"event without at", "POST", good, `{"id":"e1","type":"job-join"}`, http.StatusBadRequest},
		{"at negative", "POST", good, `{"id":"e1","at":-1,"type":"job-join"}`, http.StatusBadRequest},
		{"at after year 9999", "POST", good, `{"id":"e1","at":253402300800000,"type":"job-join"}`, http.StatusBadRequest},
		{"at far future", "POST", good, `{"id":"e1","at":99999999999999999,"type":"job-join"}`, http.StatusBadRequest},
		{"at last ms of 9999", "POST", good, `{"id":"e9","at":253402300799999,"type":"job-join"}`, http.StatusNoContent},
		{"body over 1 MiB", "POST", good, `{"id":"e1","at":1,"type":"x","org":"` + strings.Repeat("a", 1<<20) + `"}`, http.StatusRequestEntityTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, tc.url, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.want)
			}
			if allow := resp.Header.Get("Allow"); tc.want == http.StatusMethodNotAllowed && allow != "POST, PUT" {
				t.Errorf("Allow = %q, want %q", allow, "POST, PUT")
			}
		})
	}
}

func TestWebhookPublishesToTriggerSubscribers(t *testing.T) {
	g := startGateway(t, options{})
	sub, err := g.hub.SubscribeTrigger("trigger-1")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	other, err := g.hub.SubscribeTrigger("trigger-2")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	body := `{"id":"e1","at":1471732633672,"type":"job-join","org":"IBM (Contract)"}`
	resp, err := http.Post(g.webhooks.CallbackURL("trigger-1"), "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	select {
	case ev := <-sub.Events():
		if ev.Event.ID != "e1" || ev.Event.Organization == nil || *ev.Event.Organization != "IBM (Contract)" {
			t.Errorf("event = %+v, want e1 at IBM (Contract)", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("trigger subscriber received nothing")
	}
	select {
	case ev := <-other.Events():
		t.Errorf("subscriber of another trigger received %+v", ev)
	default:
	}
}

func TestWebhookInvalidAtNamesField(t *testing.T) {
	g := startGateway(t, options{})
	body := `{"id":"e1","at":99999999999999999,"type":"job-join"}`
	resp, err := http.Post(g.webhooks.CallbackURL("trigger-1"), "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)

	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", resp.StatusCode)
	}
	for _, want := range []string{"invalid at ", "Unix milliseconds", "1970 to 9999"} {
		if !strings.Contains(string(msg), want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
}

func TestWebhookDeliversEventIdOnce(t *testing.T) {
	g := startGateway(t, options{})
	sub, err := g.hub.SubscribeTrigger("trigger-1")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	other, err := g.hub.SubscribeTrigger("trigger-2")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	post := func(trigger, id string) {
		t.Helper()
		body := `{"id":"` + id + `","at":1471732633672,"type":"job-join","org":"IBM"}`
		resp, err := http.Post(g.webhooks.CallbackURL(trigger), "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Errorf("POST %s to %s: status = %d, want 204", id, trigger, resp.StatusCode)
		}
	}
	post("trigger-1", "e1")
	post("trigger-1", "e1")
	post("trigger-2", "e1")
	post("trigger-1", "e2")

	// Publishing is synchronous, so a repeated e1 would arrive before e2.
	for _, want := range []string{"e1", "e2"} {
		if got := nextTriggerEvent(t, sub.Events()); got != want {
			t.Errorf("trigger-1 event = %s, want %s", got, want)
		}
	}
	if got := nextTriggerEvent(t, other.Events()); got != "e1" {
		t.Errorf("trigger-2 event = %s, want e1 delivered to each trigger", got)
	}
}

// nextTriggerEvent returns the id of the next event on events, failing
// after a minute.
func nextTriggerEvent(t *testing.T, events <-chan *graph.LiveEvent) string {
	t.Helper()
	select {
	case ev := <-events:
		return ev.Event.ID
	case <-time.After(time.Minute):
		t.Fatal("trigger subscriber received nothing")
		return ""
	}
}

func TestCallbackURL(t *testing.T) {
	w, err := live.NewWebhooks(nil, []byte("secret"), "http://127.0.0.1:8080/", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := w.CallbackURL("a b")
	want := "http://127.0.0.1:8080/webhooks/cognism/a%20b?token=" + w.Token("a b")
	if got != want {
		t.Errorf("CallbackURL = %q, want %q", got, want)
	}
	if len(w.Token("a b")) != 64 {
		t.Errorf("token %q is not a hex SHA-256", w.Token("a b"))
	}
	if w.Token("a") == w.Token("b") {
		t.Error("two ids got the same token")
	}
}

func TestNewWebhooksRejectsRelativePublicURL(t *testing.T) {
	if _, err := live.NewWebhooks(nil, []byte("secret"), "/gateway", nil); err == nil {
		t.Error("NewWebhooks accepted a relative public URL")
	}
}

func TestDefaultPublicURL(t *testing.T) {
	cases := map[string]string{
		":8080":          "http://127.0.0.1:8080",
		"0.0.0.0:9000":   "http://127.0.0.1:9000",
		"[::]:8080":      "http://127.0.0.1:8080",
		"localhost:3000": "http://localhost:3000",
		"10.1.2.3:80":    "http://10.1.2.3:80",
	}
	for addr, want := range cases {
		if got := live.DefaultPublicURL(addr); got != want {
			t.Errorf("DefaultPublicURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestLoadOrCreateSecretPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "webhook-secret")
	first, err := live.LoadOrCreateSecret(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("secret file mode = %o, want 600", mode)
	}
	second, err := live.LoadOrCreateSecret(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("second load returned another secret")
	}
	if len(first) < 32 {
		t.Errorf("secret has %d bytes, want at least 32", len(first))
	}
}

func TestLoadOrCreateSecretRejectsGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "webhook-secret")
	if err := os.WriteFile(path, []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := live.LoadOrCreateSecret(path); err == nil {
		t.Error("LoadOrCreateSecret accepted a file that is not a hex secret")
	}
}

func TestTriggerFiredEndToEnd(t *testing.T) {
	g := startGateway(t, options{})
	org := "Trigger Test Org"
	var created struct {
		CreateTriggerSubscription struct {
			ID       string
			Callback struct{ URL string }
		}
	}
	g.graphql(t, `mutation($input: TriggerSubscriptionInput!) {
		createTriggerSubscription(input: $input) { id callback { url } }
	}`, map[string]any{"input": map[string]any{
		"name": "live-test", "active": true, "pattern": map[string]any{"org": org},
	}}, &created)
	trigger := created.CreateTriggerSubscription
	wantPrefix := g.server.URL + live.WebhookPath + trigger.ID + "?token="
	if !strings.HasPrefix(trigger.Callback.URL, wantPrefix) {
		t.Fatalf("callback URL = %q, want prefix %q", trigger.Callback.URL, wantPrefix)
	}

	for _, protocol := range []string{live.ProtocolTransportWS, live.ProtocolLegacyWS} {
		t.Run(protocol, func(t *testing.T) {
			c := dial(t, g, protocol, nil)
			c.init(nil)
			c.subscribe("t", `subscription($id: ID!) { triggerFired(subscriptionId: $id) { id organization } }`,
				map[string]any{"id": trigger.ID})
			waitFor(t, "the trigger subscriber", func() bool { return g.hub.Stats().TriggerSubscribers == 1 })

			id := g.inject(t, org)
			msg := c.readType()
			p := decodePayload(t, msg.Payload)
			if got := p.Data["triggerFired"]; got.ID != id || got.Organization != org {
				t.Errorf("triggerFired = %+v, want event %s at %s", got, id, org)
			}
			c.stop("t")
			waitFor(t, "the trigger subscriber to leave", func() bool { return g.hub.Stats().TriggerSubscribers == 0 })
		})
	}
}

func TestTriggerFiredUnknownTriggerIsNotFound(t *testing.T) {
	g := startGateway(t, options{})
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(nil)
	c.subscribe("t", `subscription { triggerFired(subscriptionId: "00000000-0000-0000-0000-000000000000") { id } }`, nil)
	msg := c.readType()
	if msg.Type != "next" && msg.Type != "error" {
		t.Fatalf("message = %s %s, want an error", msg.Type, msg.Payload)
	}
	if !strings.Contains(string(msg.Payload), "NOT_FOUND") {
		t.Errorf("payload %s does not carry NOT_FOUND", msg.Payload)
	}
	if !strings.Contains(string(msg.Payload), "triggerSubscriptions query") {
		t.Errorf("payload %s does not point to the triggerSubscriptions query", msg.Payload)
	}
}

func TestForbiddenUpstreamEndsSubscription(t *testing.T) {
	accounts := []sandboxAccount{
		{AccessToken: "events-only", SecretKey: "events-only-secret", Areas: []string{"events"}},
	}
	g := startGateway(t, options{sandbox: sandboxWithAccounts(accounts)})
	c := dial(t, g, live.ProtocolTransportWS, nil)
	c.init(map[string]any{"accessToken": "events-only", "secretKey": "events-only-secret"})
	c.subscribe("1", liveQuery, nil)
	if code := readUntilError(t, c, "1"); code != "FORBIDDEN" {
		t.Errorf("error code = %q, want FORBIDDEN", code)
	}
	if got := c.readType(); got.Type != "complete" {
		t.Errorf("after the error got %s, want complete", got.Type)
	}
}

func TestRulesWithTheSameMeaningAreCanonical(t *testing.T) {
	a := cognism.Rule{cognism.Values("type", "job-join", "Job-Leave"), cognism.Values("org", "IBM")}
	b := cognism.Rule{cognism.Values("org", "ibm"), cognism.Values("type", "job-leave", "job-join", "job-join")}
	if ca, cb := live.CanonicalRule(a).String(), live.CanonicalRule(b).String(); ca != cb {
		t.Errorf("canonical rules differ: %q and %q", ca, cb)
	}
	c := cognism.Rule{cognism.Values("type", "job-join"), cognism.Values("type", "job-leave")}
	if got := live.CanonicalRule(c).String(); got != "type=job-join;type=job-leave" {
		t.Errorf("canonical rule = %q; two clauses on one field must stay two clauses", got)
	}
}

func TestWebhookRejectionsLogAtMostOncePerSecond(t *testing.T) {
	var logs bytes.Buffer
	w, err := live.NewWebhooks(nil, []byte("secret"), "http://127.0.0.1:8080/",
		slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}

	for range 50 {
		req := httptest.NewRequest(http.MethodPost, live.WebhookPath+"trigger-1?token=forged", strings.NewReader("{}"))
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("forged token got %d, want 401", rec.Code)
		}
	}

	if lines := strings.Count(logs.String(), "invalid token"); lines != 1 {
		t.Errorf("50 rejections in a burst logged %d lines, want 1:\n%s", lines, logs.String())
	}
}
