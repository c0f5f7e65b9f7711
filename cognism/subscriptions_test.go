package cognism

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// referenceSubscription is the subscription example of the API reference.
const referenceSubscription = `{"_id": "9d363669-c334-4307-8c62-5cf1fc49e28b", "idUser": "2280", "idOrg": "2",
 "name": "ibm-mentions", "active": false,
 "pattern": {"type": "310", "org": "IBM"},
 "callback-http": {"method": "POST", "url": "https://hooks.example.com/cognism", "headers": ["articles"]},
 "createdAt": 1472649167365, "updatedAt": 1472649167365}`

func referenceSubscriptionValue() Subscription {
	return Subscription{
		ID: "9d363669-c334-4307-8c62-5cf1fc49e28b", IDUser: "2280", IDOrg: "2",
		Name: "ibm-mentions", Pattern: map[string]string{"type": "310", "org": "IBM"},
		Callback:  Callback{Method: "POST", URL: "https://hooks.example.com/cognism", Headers: []string{"articles"}},
		CreatedAt: 1472649167365, UpdatedAt: 1472649167365,
	}
}

var testSubscriptionInput = SubscriptionInput{
	Name: "ibm-mentions", Active: true,
	Pattern:  map[string]string{"type": "310", "org": "AT&T|IBM"},
	Callback: Callback{Method: "POST", URL: "https://hooks.example.com/cognism?x=1&y=2"},
}

const testSubscriptionBody = `{"name": "ibm-mentions", "active": true,
	"pattern": {"type": "310", "org": "AT&T|IBM"},
	"callback-http": {"method": "POST", "url": "https://hooks.example.com/cognism?x=1&y=2", "headers": []}}`

func TestListSubscriptionsDecoding(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testPath(t, r, "/prefix/api/v1/subscription")
		testQuery(t, r, nil)
		_, _ = io.WriteString(w, "["+referenceSubscription+"]")
	})
	subs, err := c.ListSubscriptions(context.Background())
	if err != nil {
		t.Fatalf("ListSubscriptions: %v", err)
	}
	if diff := cmp.Diff([]Subscription{referenceSubscriptionValue()}, subs); diff != "" {
		t.Errorf("subscriptions mismatch (-want +got):\n%s", diff)
	}
}

func TestCreateSubscriptionBody(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "POST")
		testPath(t, r, "/prefix/api/v1/subscription")
		testBody(t, r, testSubscriptionBody)
		_, _ = io.WriteString(w, referenceSubscription)
	})
	sub, err := c.CreateSubscription(context.Background(), testSubscriptionInput)
	if err != nil {
		t.Fatalf("CreateSubscription: %v", err)
	}
	if diff := cmp.Diff(referenceSubscriptionValue(), *sub); diff != "" {
		t.Errorf("subscription mismatch (-want +got):\n%s", diff)
	}
}

func TestCreateSubscriptionValidatesInput(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("an invalid subscription reached the server")
	})
	tests := map[string]func(in *SubscriptionInput){
		"no name":            func(in *SubscriptionInput) { in.Name = "" },
		"no callback method": func(in *SubscriptionInput) { in.Callback.Method = "" },
		"no callback URL":    func(in *SubscriptionInput) { in.Callback.URL = "" },
		"invalid field":      func(in *SubscriptionInput) { in.Pattern = map[string]string{"a b": "x"} },
	}
	for name, change := range tests {
		in := testSubscriptionInput
		change(&in)
		if _, err := c.CreateSubscription(context.Background(), in); err == nil {
			t.Errorf("%s: CreateSubscription succeeded, want an error", name)
		}
	}
}

func TestGetSubscriptionEscapesID(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testPath(t, r, "/prefix/api/v1/subscription/a%2Fb%3Fc%23d%25")
		_, _ = io.WriteString(w, referenceSubscription)
	})
	sub, err := c.GetSubscription(context.Background(), "a/b?c#d%")
	if err != nil {
		t.Fatalf("GetSubscription: %v", err)
	}
	if sub.Name != "ibm-mentions" {
		t.Errorf("Name = %q, want %q", sub.Name, "ibm-mentions")
	}
}

func TestGetSubscriptionNotFound(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"status": 404, "error": "Not Found", "message": "no subscription s9"}`)
	})
	_, err := c.GetSubscription(context.Background(), "s9")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("GetSubscription error = %v, want ErrNotFound", err)
	}
}

func TestModifySubscriptionBody(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "PUT")
		testPath(t, r, "/prefix/api/v1/subscription/9d363669-c334-4307-8c62-5cf1fc49e28b")
		testBody(t, r, testSubscriptionBody)
		w.WriteHeader(http.StatusNoContent)
	})
	err := c.ModifySubscription(context.Background(), "9d363669-c334-4307-8c62-5cf1fc49e28b", testSubscriptionInput)
	if err != nil {
		t.Fatalf("ModifySubscription: %v", err)
	}
}

func TestDeleteSubscription(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "DELETE")
		testPath(t, r, "/prefix/api/v1/subscription/s%201")
		if r.ContentLength > 0 {
			t.Errorf("DELETE carries a body of %d bytes", r.ContentLength)
		}
		w.WriteHeader(http.StatusNoContent)
	})
	if err := c.DeleteSubscription(context.Background(), "s 1"); err != nil {
		t.Fatalf("DeleteSubscription: %v", err)
	}
}

func TestSubscriptionCallsRejectEmptyID(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("a call without an id reached the server")
	})
	ctx := context.Background()
	if _, err := c.GetSubscription(ctx, ""); !errors.Is(err, ErrEmptySubscriptionID) {
		t.Errorf("GetSubscription error = %v, want ErrEmptySubscriptionID", err)
	}
	if err := c.ModifySubscription(ctx, "", testSubscriptionInput); !errors.Is(err, ErrEmptySubscriptionID) {
		t.Errorf("ModifySubscription error = %v, want ErrEmptySubscriptionID", err)
	}
	if err := c.DeleteSubscription(ctx, ""); !errors.Is(err, ErrEmptySubscriptionID) {
		t.Errorf("DeleteSubscription error = %v, want ErrEmptySubscriptionID", err)
	}
}
