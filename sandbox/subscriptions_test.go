package sandbox

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cognism/graphql-gateway/cognism"
)

func subscriptionInput(name string) cognism.SubscriptionInput {
	return cognism.SubscriptionInput{
		Name: name, Active: false,
		Pattern:  map[string]string{"type": "310", "org": "IBM"},
		Callback: cognism.Callback{Method: "POST", URL: "http://127.0.0.1:9/hook", Headers: []string{"X-Hook: 1"}},
	}
}

func TestSubscriptionLifecycle(t *testing.T) {
	ts := newTestSandbox(t)
	created, err := ts.client.CreateSubscription(ctx, subscriptionInput("ibm-mentions"))
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.IDUser == "" || created.IDOrg == "" || created.CreatedAt == 0 || created.UpdatedAt != created.CreatedAt {
		t.Errorf("server fields not set: %+v", created)
	}

	got, err := ts.client.GetSubscription(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(created, got); diff != "" {
		t.Errorf("get differs from create (-create +get):\n%s", diff)
	}

	changed := subscriptionInput("ibm-joins")
	changed.Active = true
	changed.Pattern = map[string]string{"type": "job-join|job-leave"}
	if err := ts.client.ModifySubscription(ctx, created.ID, changed); err != nil {
		t.Fatal(err)
	}
	got, err = ts.client.GetSubscription(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "ibm-joins" || !got.Active || got.Pattern["type"] != "job-join|job-leave" || got.CreatedAt != created.CreatedAt {
		t.Errorf("after modify: %+v", got)
	}

	list, err := ts.client.ListSubscriptions(ctx)
	if err != nil || len(list) != 1 || list[0].ID != created.ID {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if err := ts.client.DeleteSubscription(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.client.GetSubscription(ctx, created.ID); !errors.Is(err, cognism.ErrNotFound) {
		t.Errorf("get after delete: %v, want not found", err)
	}
	if err := ts.client.DeleteSubscription(ctx, created.ID); !errors.Is(err, cognism.ErrNotFound) {
		t.Errorf("second delete: %v, want not found", err)
	}
	if err := ts.client.ModifySubscription(ctx, created.ID, changed); !errors.Is(err, cognism.ErrNotFound) {
		t.Errorf("modify after delete: %v, want not found", err)
	}
}

func TestSubscriptionsScopedPerAccount(t *testing.T) {
	ts := newTestSandbox(t, func(c *Config) {
		c.Accounts = []Account{{AccessToken: "alice", SecretKey: "a-secret"}, {AccessToken: "bob", SecretKey: "b-secret"}}
	})
	alice := newTestClient(t, ts.http.URL, "alice", "a-secret")
	bob := newTestClient(t, ts.http.URL, "bob", "b-secret")

	sub, err := alice.CreateSubscription(ctx, subscriptionInput("alice's"))
	if err != nil {
		t.Fatal(err)
	}
	list, err := bob.ListSubscriptions(ctx)
	if err != nil || len(list) != 0 {
		t.Errorf("bob lists %+v, %v; want none", list, err)
	}
	if _, err := bob.GetSubscription(ctx, sub.ID); !errors.Is(err, cognism.ErrNotFound) {
		t.Errorf("bob gets alice's subscription: %v", err)
	}
	if err := bob.DeleteSubscription(ctx, sub.ID); !errors.Is(err, cognism.ErrNotFound) {
		t.Errorf("bob deletes alice's subscription: %v", err)
	}
	if _, err := alice.GetSubscription(ctx, sub.ID); err != nil {
		t.Errorf("alice lost her subscription: %v", err)
	}
}

func TestSubscriptionValidation(t *testing.T) {
	ts := newTestSandbox(t)
	valid := `"name":"n","active":true,"pattern":{"type":"310"}`
	callback := `"callback-http":{"method":"POST","url":"http://127.0.0.1:9/x","headers":[]}`
	cases := []struct {
		name, body string
		status     int
		words      []string
	}{
		{"not JSON", `name=n`, http.StatusNotAcceptable, []string{"JSON"}},
		{"missing name", `{"active":true,"pattern":{},` + callback + `}`, http.StatusBadRequest, []string{"name"}},
		{"empty name", `{"name":" ","active":true,"pattern":{},` + callback + `}`, http.StatusBadRequest, []string{"name"}},
		{"missing active", `{"name":"n","pattern":{},` + callback + `}`, http.StatusBadRequest, []string{"active"}},
		{"active not boolean", `{"name":"n","active":"yes","pattern":{},` + callback + `}`, http.StatusBadRequest, []string{"active", "true or false"}},
		{"missing pattern", `{"name":"n","active":true,` + callback + `}`, http.StatusBadRequest, []string{"pattern"}},
		{"unknown field", `{"name":"n","active":true,"pattern":{"colour":"red"},` + callback + `}`, http.StatusBadRequest, []string{"colour"}},
		{"two clauses", `{"name":"n","active":true,"pattern":{"type":"310;org=IBM"},` + callback + `}`, http.StatusBadRequest, []string{"type"}},
		{"missing callback", `{` + valid + `}`, http.StatusBadRequest, []string{"callback-http"}},
		{"method", `{` + valid + `,"callback-http":{"method":"SEND","url":"http://127.0.0.1/x","headers":[]}}`, http.StatusBadRequest, []string{"SEND", "POST"}},
		{"relative url", `{` + valid + `,"callback-http":{"method":"POST","url":"/x","headers":[]}}`, http.StatusBadRequest, []string{"url"}},
		{"remote host", `{` + valid + `,"callback-http":{"method":"POST","url":"https://hooks.example.com/x","headers":[]}}`, http.StatusBadRequest, []string{"hooks.example.com", "SANDBOX_CALLBACK_ALLOW"}},
		{"missing headers", `{` + valid + `,"callback-http":{"method":"POST","url":"http://127.0.0.1/x"}}`, http.StatusBadRequest, []string{"headers"}},
		{"bad header", `{` + valid + `,"callback-http":{"method":"POST","url":"http://127.0.0.1/x","headers":["Bad Name: v"]}}`, http.StatusBadRequest, []string{"Bad Name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := ts.do(t, "POST", "/api/v1/subscription", c.body, nil)
			wantStatus(t, resp, body, c.status, c.words...)
		})
	}
}

func TestSubscriptionAllowedCallbackHost(t *testing.T) {
	ts := newTestSandbox(t, func(c *Config) { c.CallbackAllow = []string{"hooks.example.com"} })
	in := subscriptionInput("remote")
	in.Callback.URL = "https://hooks.example.com/cognism"
	in.Callback.Headers = []string{"articles"}
	if _, err := ts.client.CreateSubscription(ctx, in); err != nil {
		t.Fatalf("allowed host rejected: %v", err)
	}
}

func TestSubscriptionNeedsSecretKey(t *testing.T) {
	ts := newTestSandbox(t)
	noSecret := newTestClient(t, ts.http.URL, DefaultAccessToken, "")
	_, err := noSecret.ListSubscriptions(ctx)
	var apiErr *cognism.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized || !strings.Contains(apiErr.Message, "X-API-SecretKey") {
		t.Fatalf("err = %v, want 401 naming X-API-SecretKey", err)
	}
}
