package cognism

import (
	"context"
	"errors"
	"fmt"
)

var (
	endpointSubscriptionList   = endpoint{"GET", "/api/v1/subscription", authHeader}
	endpointSubscriptionCreate = endpoint{"POST", "/api/v1/subscription", authHeader}
	endpointSubscriptionGet    = endpoint{"GET", "/api/v1/subscription/{id}", authHeader}
	endpointSubscriptionModify = endpoint{"PUT", "/api/v1/subscription/{id}", authHeader}
	endpointSubscriptionDelete = endpoint{"DELETE", "/api/v1/subscription/{id}", authHeader}
)

// Validate reports a missing name, callback method or callback URL, or a
// pattern whose clause names are not event paths.
func (in SubscriptionInput) Validate() error {
	switch {
	case in.Name == "":
		return errors.New("cognism: subscription needs a name")
	case in.Callback.Method == "":
		return errors.New("cognism: subscription callback needs a method")
	case in.Callback.URL == "":
		return errors.New("cognism: subscription callback needs a URL")
	}
	for field := range in.Pattern {
		if err := validateField(field); err != nil {
			return fmt.Errorf("cognism: subscription pattern: %w", err)
		}
	}
	return nil
}

// ListSubscriptions returns the account's trigger subscriptions.
func (c *Client) ListSubscriptions(ctx context.Context) ([]Subscription, error) {
	var subs []Subscription
	cl := call{endpoint: endpointSubscriptionList, path: "/api/v1/subscription"}
	if err := c.getJSON(ctx, cl, &subs); err != nil {
		return nil, err
	}
	return subs, nil
}

// CreateSubscription creates a trigger subscription and returns it with the
// fields the server sets. It is a POST and so is never retried.
func (c *Client) CreateSubscription(ctx context.Context, in SubscriptionInput) (*Subscription, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	in = in.normalized()

	var sub Subscription
	cl := call{endpoint: endpointSubscriptionCreate, path: "/api/v1/subscription", body: in}
	if err := c.getJSON(ctx, cl, &sub); err != nil {
		return nil, err
	}
	return &sub, nil
}

// GetSubscription returns one trigger subscription; an unknown id is an
// error matching ErrNotFound.
func (c *Client) GetSubscription(ctx context.Context, id string) (*Subscription, error) {
	if id == "" {
		return nil, ErrEmptySubscriptionID
	}
	var sub Subscription
	cl := call{endpoint: endpointSubscriptionGet, path: subscriptionPath(id)}
	if err := c.getJSON(ctx, cl, &sub); err != nil {
		return nil, err
	}
	return &sub, nil
}

// ModifySubscription replaces a trigger subscription's name, state, pattern
// and callback.
func (c *Client) ModifySubscription(ctx context.Context, id string, in SubscriptionInput) error {
	if id == "" {
		return ErrEmptySubscriptionID
	}
	if err := in.Validate(); err != nil {
		return err
	}
	cl := call{endpoint: endpointSubscriptionModify, path: subscriptionPath(id), body: in.normalized()}
	return c.getJSON(ctx, cl, nil)
}

// DeleteSubscription removes a trigger subscription.
func (c *Client) DeleteSubscription(ctx context.Context, id string) error {
	if id == "" {
		return ErrEmptySubscriptionID
	}
	cl := call{endpoint: endpointSubscriptionDelete, path: subscriptionPath(id)}
	return c.getJSON(ctx, cl, nil)
}

func subscriptionPath(id string) string {
	return "/api/v1/subscription/" + pathSegment(id)
}

// ErrEmptySubscriptionID is returned for a subscription call without an id.
var ErrEmptySubscriptionID = errors.New("cognism: subscription id is empty")

// normalized fills nil collections so the body carries [] and {} rather
// than null.
func (in SubscriptionInput) normalized() SubscriptionInput {
	if in.Pattern == nil {
		in.Pattern = map[string]string{}
	}
	if in.Callback.Headers == nil {
		in.Callback.Headers = []string{}
	}
	return in
}
