package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/model"
	"github.com/cognism/graphql-gateway/graph/scalar"
)

// patternFromJSON reads a trigger pattern: a JSON object whose values are
// strings (one rule clause's alternatives, such as "job-join|job-leave") or
// arrays of strings (literal values, escaped and joined with "|").
func patternFromJSON(raw scalar.JSON) (map[string]string, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, inputErrorf("input.pattern", "expected a JSON object such as {\"type\": \"310\", \"org\": \"IBM\"}")
	}

	pattern := make(map[string]string, len(fields))
	for field, value := range fields {
		text, err := patternValue(value)
		if err != nil {
			return nil, inputErrorf("input.pattern."+field, "%s", err)
		}
		clauses, err := cognism.ParseRule(field + "=" + text)
		if err != nil {
			return nil, inputErrorf("input.pattern", "field %q: %s", field, err)
		}
		if len(clauses) != 1 {
			return nil, inputErrorf("input.pattern", "field %q: the value must be one clause; escape ';' as '\\;'", field)
		}
		pattern[field] = text
	}
	return pattern, nil
}

// errPatternValue rejects a pattern value that would match nothing, or
// every event once stored as an empty string.
var errPatternValue = errors.New("expected a non-empty string or array of strings")

// patternValue renders one pattern value as clause alternatives. Null, an
// empty string, an empty array and an array holding an empty string are
// rejected.
func patternValue(value json.RawMessage) (string, error) {
	if string(value) == "null" {
		return "", errPatternValue
	}
	var text string
	if err := json.Unmarshal(value, &text); err == nil {
		if strings.TrimSpace(text) == "" {
			return "", errPatternValue
		}
		return text, nil
	}
	var values []string
	if err := json.Unmarshal(value, &values); err != nil || len(values) == 0 ||
		slices.ContainsFunc(values, func(v string) bool { return strings.TrimSpace(v) == "" }) {
		return "", errPatternValue
	}
	rendered := cognism.Rule{cognism.Values("f", values...)}.String()
	return strings.TrimPrefix(rendered, "f="), nil
}

// patternRule turns a stored pattern into a rule, one clause per field in
// field order. Each value is read as one clause, so a ";" in it cannot add
// another.
func patternRule(pattern scalar.JSON) (cognism.Rule, error) {
	var fields map[string]string
	if err := json.Unmarshal(pattern, &fields); err != nil {
		return nil, fmt.Errorf("trigger subscription pattern is not an object of strings: %w", err)
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)

	var rule cognism.Rule
	for _, name := range names {
		clause, err := cognism.ParseRule(name + "=" + fields[name])
		if err != nil {
			return nil, err
		}
		if len(clause) != 1 {
			return nil, fmt.Errorf("trigger subscription pattern field %q contains more than one clause", name)
		}
		rule = append(rule, clause[0])
	}
	return rule, nil
}

// subscriptionInput builds the upstream body of a create or update. Without
// a callback it points at the gateway's webhook URL for id.
func (r *Resolver) subscriptionInput(in model.TriggerSubscriptionInput, id string) (cognism.SubscriptionInput, error) {
	if strings.TrimSpace(in.Name) == "" {
		return cognism.SubscriptionInput{}, inputErrorf("input.name", "must not be empty")
	}
	pattern, err := patternFromJSON(in.Pattern)
	if err != nil {
		return cognism.SubscriptionInput{}, err
	}
	callback, err := r.callback(in.Callback, id)
	if err != nil {
		return cognism.SubscriptionInput{}, err
	}
	return cognism.SubscriptionInput{
		Name:     in.Name,
		Active:   in.Active,
		Pattern:  pattern,
		Callback: callback,
	}, nil
}

func (r *Resolver) callback(in *model.CallbackInput, id string) (cognism.Callback, error) {
	if in == nil {
		if r.WebhookCallbackURL == nil {
			return cognism.Callback{}, inputErrorf("input.callback",
				"is required because this gateway has no webhook endpoint configured")
		}
		return cognism.Callback{Method: "POST", URL: r.WebhookCallbackURL(id), Headers: []string{}}, nil
	}

	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cognism.Callback{}, inputErrorf("input.callback.url", "%.80q is not an absolute http or https URL", in.URL)
	}
	method := strings.ToUpper(strings.TrimSpace(in.Method))
	if method == "" || strings.ContainsAny(method, " \t\r\n") {
		return cognism.Callback{}, inputErrorf("input.callback.method", "%.20q is not an HTTP method", in.Method)
	}
	for _, h := range in.Headers {
		if strings.ContainsAny(h, "\r\n") {
			return cognism.Callback{}, inputErrorf("input.callback.headers", "a header line must not contain a line break")
		}
	}
	return cognism.Callback{Method: method, URL: in.URL, Headers: list(in.Headers)}, nil
}

// createTrigger creates a trigger subscription. Without a callback, the
// webhook URL must carry the id that upstream assigns, so the subscription
// is created with a placeholder URL and then pointed at its own URL. When
// that second call fails, the subscription is deleted again.
func (r *Resolver) createTrigger(ctx context.Context, in model.TriggerSubscriptionInput) (*model.TriggerSubscription, error) {
	body, err := r.subscriptionInput(in, "pending")
	if err != nil {
		return nil, err
	}
	created, err := r.Client.CreateSubscription(ctx, body)
	if err != nil {
		return nil, err
	}
	if in.Callback != nil {
		out := triggerFromUpstream(*created)
		return &out, nil
	}

	body.Callback.URL = r.WebhookCallbackURL(created.ID)
	if err := r.Client.ModifySubscription(ctx, created.ID, body); err != nil {
		_ = r.Client.DeleteSubscription(context.WithoutCancel(ctx), created.ID)
		return nil, err
	}
	created.Callback = body.Callback
	out := triggerFromUpstream(*created)
	return &out, nil
}

// checkSubscriptionID rejects an empty trigger subscription id.
func checkSubscriptionID(id string) error {
	if strings.TrimSpace(id) == "" {
		return inputErrorf("id", "must not be empty; pass the id of a trigger subscription, "+
			"as triggerSubscriptions lists them")
	}
	return nil
}
