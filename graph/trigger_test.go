package graph_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/sandbox"
)

type triggerFields struct {
	ID, Name string
	Active   bool
	Pattern  map[string]string
	Callback struct {
		Method, URL string
		Headers     []string
	}
	UserID         string
	OrganizationID string
	CreatedAt      string
	UpdatedAt      string
	RecentEvents   struct {
		Nodes []struct{ Type, Organization string }
	}
}

const triggerSelection = `id name active pattern callback { method url headers } userId organizationId
	createdAt updatedAt recentEvents(first: 3) { nodes { type organization } }`

func TestTriggerSubscriptionLifecycle(t *testing.T) {
	g := newGateway(t)

	var created struct{ CreateTriggerSubscription triggerFields }
	g.query(`mutation {
		createTriggerSubscription(input: {
			name: "ibm-joins", active: false,
			pattern: {type: "job-join", org: "IBM"},
			callback: {method: "post", url: "http://127.0.0.1:9/hook", headers: ["X-Team: data"]}
		}) { `+triggerSelection+` }
	}`, nil, &created)
	sub := created.CreateTriggerSubscription
	if sub.ID == "" || sub.Name != "ibm-joins" || sub.Active {
		t.Fatalf("created = %+v", sub)
	}
	if sub.Callback.Method != "POST" || sub.Callback.URL != "http://127.0.0.1:9/hook" || len(sub.Callback.Headers) != 1 {
		t.Errorf("callback = %+v", sub.Callback)
	}
	if sub.Pattern["org"] != "IBM" || sub.Pattern["type"] != "job-join" {
		t.Errorf("pattern = %v", sub.Pattern)
	}
	if sub.UserID == "" || sub.OrganizationID == "" || !strings.HasSuffix(sub.CreatedAt, "Z") {
		t.Errorf("server-set fields = %q %q %q", sub.UserID, sub.OrganizationID, sub.CreatedAt)
	}
	for _, e := range sub.RecentEvents.Nodes {
		if e.Type != "job-join" || !strings.EqualFold(e.Organization, "IBM") {
			t.Errorf("recent event %+v does not match the pattern", e)
		}
	}

	var listed struct{ TriggerSubscriptions []struct{ ID string } }
	g.query(`{ triggerSubscriptions { id } }`, nil, &listed)
	if !containsID(listed.TriggerSubscriptions, sub.ID) {
		t.Errorf("triggerSubscriptions lacks %s", sub.ID)
	}

	var updated struct{ UpdateTriggerSubscription triggerFields }
	g.query(`mutation ($id: ID!) {
		updateTriggerSubscription(id: $id, input: {
			name: "ibm-moves", active: true, pattern: {type: ["job-move", "job-join"]},
			callback: {method: "PUT", url: "http://127.0.0.1:9/other"}
		}) { `+triggerSelection+` }
	}`, map[string]any{"id": sub.ID}, &updated)
	u := updated.UpdateTriggerSubscription
	if u.Name != "ibm-moves" || !u.Active || u.Callback.Method != "PUT" {
		t.Errorf("updated = %+v", u)
	}
	if u.Pattern["type"] != "job-move|job-join" {
		t.Errorf("pattern type = %q, want job-move|job-join", u.Pattern["type"])
	}

	var deleted struct{ DeleteTriggerSubscription string }
	g.query(`mutation ($id: ID!) { deleteTriggerSubscription(id: $id) }`, map[string]any{"id": sub.ID}, &deleted)
	if deleted.DeleteTriggerSubscription != sub.ID {
		t.Errorf("deleteTriggerSubscription = %q, want %s", deleted.DeleteTriggerSubscription, sub.ID)
	}

	var gone struct{ TriggerSubscription *triggerFields }
	g.query(`query ($id: ID!) { triggerSubscription(id: $id) { id } }`, map[string]any{"id": sub.ID}, &gone)
	if gone.TriggerSubscription != nil {
		t.Errorf("triggerSubscription of a deleted id = %+v, want null", gone.TriggerSubscription)
	}
}

func TestTriggerWithoutCallbackUsesWebhook(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) {
		c.WebhookCallbackURL = func(id string) string { return "http://127.0.0.1:9/webhooks/cognism/" + id }
	})

	var created struct{ CreateTriggerSubscription triggerFields }
	g.query(`mutation {
		createTriggerSubscription(input: {name: "hooked", active: false, pattern: {type: "quote"}}) {
			id callback { method url }
		}
	}`, nil, &created)
	sub := created.CreateTriggerSubscription
	t.Cleanup(func() {
		g.do(`mutation ($id: ID!) { deleteTriggerSubscription(id: $id) }`, map[string]any{"id": sub.ID}, nil)
	})

	if want := "http://127.0.0.1:9/webhooks/cognism/" + sub.ID; sub.Callback.URL != want {
		t.Errorf("callback url = %q, want %q", sub.Callback.URL, want)
	}
	var stored struct{ TriggerSubscription triggerFields }
	g.query(`query ($id: ID!) { triggerSubscription(id: $id) { callback { url } } }`,
		map[string]any{"id": sub.ID}, &stored)
	if !strings.HasSuffix(stored.TriggerSubscription.Callback.URL, "/"+sub.ID) {
		t.Errorf("stored callback url = %q, want it to end with the id", stored.TriggerSubscription.Callback.URL)
	}
}

func TestTriggerWithoutCallbackOrWebhookIsBadInput(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`mutation {
		createTriggerSubscription(input: {name: "x", active: false, pattern: {type: "quote"}}) { id }
	}`, nil, nil)

	if resp.code() != graph.CodeBadUserInput {
		t.Errorf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeBadUserInput, resp.Errors)
	}
}

func TestTriggerInputChecks(t *testing.T) {
	g := newGateway(t)
	cases := map[string]string{
		"pattern not an object": `{name: "x", active: false, pattern: "type=quote", callback: {method: "POST", url: "http://127.0.0.1:9/"}}`,
		"bad pattern field":     `{name: "x", active: false, pattern: {type: "quote", org: {nested: "x"}}, callback: {method: "POST", url: "http://127.0.0.1:9/"}}`,
		"second clause":         `{name: "x", active: false, pattern: {type: "quote;org=IBM"}, callback: {method: "POST", url: "http://127.0.0.1:9/"}}`,
		"relative url":          `{name: "x", active: false, pattern: {type: "quote"}, callback: {method: "POST", url: "/hook"}}`,
		"header line break":     `{name: "x", active: false, pattern: {type: "quote"}, callback: {method: "POST", url: "http://127.0.0.1:9/", headers: ["A: b\r\nC: d"]}}`,
		"empty name":            `{name: "", active: false, pattern: {type: "quote"}, callback: {method: "POST", url: "http://127.0.0.1:9/"}}`,
		"empty pattern array":   `{name: "x", active: false, pattern: {type: []}, callback: {method: "POST", url: "http://127.0.0.1:9/"}}`,
		"empty pattern string":  `{name: "x", active: false, pattern: {type: ""}, callback: {method: "POST", url: "http://127.0.0.1:9/"}}`,
		"null pattern value":    `{name: "x", active: false, pattern: {type: null}, callback: {method: "POST", url: "http://127.0.0.1:9/"}}`,
		"empty pattern item":    `{name: "x", active: false, pattern: {type: ["quote", ""]}, callback: {method: "POST", url: "http://127.0.0.1:9/"}}`,
	}
	for name, input := range cases {
		t.Run(name, func(t *testing.T) {
			resp := g.do(`mutation { createTriggerSubscription(input: `+input+`) { id } }`, nil, nil)
			if resp.code() != graph.CodeBadUserInput {
				t.Errorf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeBadUserInput, resp.Errors)
			}
		})
	}
}

func TestTriggerSubscriptionUnknownIsNull(t *testing.T) {
	g := newGateway(t)
	var data struct{ TriggerSubscription *triggerFields }

	g.query(`{ triggerSubscription(id: "00000000-0000-0000-0000-000000000000") { id } }`, nil, &data)

	if data.TriggerSubscription != nil {
		t.Errorf("triggerSubscription = %+v, want null", data.TriggerSubscription)
	}
}

func TestDeleteUnknownTriggerIsNotFound(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`mutation { deleteTriggerSubscription(id: "00000000-0000-0000-0000-000000000000") }`, nil, nil)

	if resp.code() != graph.CodeNotFound {
		t.Errorf("code = %q, want %s", resp.code(), graph.CodeNotFound)
	}
}

func TestPushToUnknownSessionIsNotFound(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`mutation { pushToSession(session: "no-such-session", data: {hello: "world"}) }`, nil, nil)

	if resp.code() != graph.CodeNotFound {
		t.Errorf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeNotFound, resp.Errors)
	}
}

func containsID(items []struct{ ID string }, id string) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}

func TestPushToSessionReachesWebsocket(t *testing.T) {
	g := newGateway(t)
	header := http.Header{}
	header.Set("X-API-AccessToken", sandbox.DefaultAccessToken)
	header.Set("X-API-SecretKey", sandbox.DefaultSecretKey)
	wsURL := "ws" + strings.TrimPrefix(sharedAPI.URL, "http") + "/api/v1/websocket?pattern=" +
		url.QueryEscape("type=no-such-type")
	conn, _, err := websocket.DefaultDialer.Dial(wsURL, header)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var hello struct{ Session string }
	if err := conn.ReadJSON(&hello); err != nil || hello.Session == "" {
		t.Fatalf("first frame = %+v, %v; want the session id", hello, err)
	}

	var data struct{ PushToSession bool }
	g.query(`mutation ($s: String!) { pushToSession(session: $s, data: {greeting: "hello"}) }`,
		map[string]any{"s": hello.Session}, &data)

	if !data.PushToSession {
		t.Error("pushToSession = false, want true")
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var pushed map[string]string
	if err := conn.ReadJSON(&pushed); err != nil || pushed["greeting"] != "hello" {
		t.Errorf("websocket received %v, %v; want the pushed data", pushed, err)
	}
}

func TestEmptyArgumentsAreBadInput(t *testing.T) {
	g := newGateway(t)
	cases := []struct {
		query, argument string
	}{
		{`{ triggerSubscription(id: "") { id } }`, "id"},
		{`mutation { deleteTriggerSubscription(id: "") }`, "id"},
		{`mutation { updateTriggerSubscription(id: " ", input: {name: "n", active: true, pattern: {type: "job-join"}}) { id } }`, "id"},
		{`{ companies(name: "") { name } }`, "name"},
		{`{ documentsByEntity(search: {term: "", sources: ["Reuters"], dateFrom: "2020-01-01", dateTo: "2021-01-01"}) { nodes { id } } }`, "search.term"},
	}
	for _, tc := range cases {
		resp := g.do(tc.query, nil, nil)

		if resp.code() != graph.CodeBadUserInput {
			t.Errorf("%s: code = %q, want %s (errors %+v)", tc.query, resp.code(), graph.CodeBadUserInput, resp.Errors)
			continue
		}
		if msg := resp.Errors[0].Message; !strings.Contains(msg, "invalid argument "+tc.argument+":") {
			t.Errorf("%s: message %q does not name %s", tc.query, msg, tc.argument)
		}
	}
}

func TestEmptyPatternValueNamesField(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`mutation { createTriggerSubscription(input: {name: "x", active: false, pattern: {type: []},
		callback: {method: "POST", url: "http://127.0.0.1:9/"}}) { id } }`, nil, nil)

	if len(resp.Errors) == 0 {
		t.Fatal("an empty pattern array was accepted")
	}
	want := "invalid argument input.pattern.type: expected a non-empty string or array of strings"
	if msg := resp.Errors[0].Message; msg != want {
		t.Errorf("message = %q, want %q", msg, want)
	}
}
