package cognism

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

var (
	endpointEventStream = endpoint{"GET", "/api/v1/events/stream", authHeader}
	endpointEventsCSV   = endpoint{"GET", "/api/v1/events/stream/csv", authQuery}
	endpointEventSearch = endpoint{"POST", "/api/v1/events/stream/search", authQuery}
)

// MaxEventCount is the largest page size the event endpoints accept.
const MaxEventCount = 500

// EventStreamOptions filters and pages the event stream. Zero dates leave
// that bound open; Page is zero-based; a zero Count means the upstream
// default of 50.
type EventStreamOptions struct {
	DateFrom time.Time
	DateTo   time.Time
	Rule     Rule
	Page     int
	Count    int
}

func (o EventStreamOptions) query() (url.Values, error) {
	if err := o.Rule.Validate(); err != nil {
		return nil, err
	}
	if o.Page < 0 {
		return nil, fmt.Errorf("cognism: page %d is negative; pages start at 0", o.Page)
	}
	if o.Count < 0 || o.Count > MaxEventCount {
		return nil, fmt.Errorf("cognism: count %d is out of range; use 1 to %d", o.Count, MaxEventCount)
	}

	q := url.Values{}
	if !o.DateFrom.IsZero() {
		q.Set("dateFrom", FormatDate(o.DateFrom))
	}
	if !o.DateTo.IsZero() {
		q.Set("dateTo", FormatDate(o.DateTo))
	}
	if len(o.Rule) > 0 {
		q.Set("rule", o.Rule.String())
	}
	if o.Page > 0 {
		q.Set("page", strconv.Itoa(o.Page))
	}
	if o.Count > 0 {
		q.Set("count", strconv.Itoa(o.Count))
	}
	return q, nil
}

// EventStream returns one page of events matching opts, newest first.
func (c *Client) EventStream(ctx context.Context, opts EventStreamOptions) ([]Event, error) {
	q, err := opts.query()
	if err != nil {
		return nil, err
	}

	var events []Event
	cl := call{endpoint: endpointEventStream, path: "/api/v1/events/stream", query: q}
	if err := c.getJSON(ctx, cl, &events); err != nil {
		return nil, err
	}
	return events, nil
}

// EventsCSVText returns one page of events matching opts as the vendor's
// semicolon-separated CSV export.
func (c *Client) EventsCSVText(ctx context.Context, opts EventStreamOptions) (string, error) {
	q, err := opts.query()
	if err != nil {
		return "", err
	}
	cl := call{endpoint: endpointEventsCSV, path: "/api/v1/events/stream/csv", query: q}
	return c.getText(ctx, cl)
}

// EventsCSV returns one page of events matching opts, parsed from the CSV
// export.
func (c *Client) EventsCSV(ctx context.Context, opts EventStreamOptions) (*EventsCSV, error) {
	text, err := c.EventsCSVText(ctx, opts)
	if err != nil {
		return nil, err
	}
	parsed, err := ParseEventsCSV(text)
	if err != nil {
		return nil, &DecodeError{Endpoint: endpointEventsCSV.String(), Err: err}
	}
	return parsed, nil
}

// PipelineOperator compares an event field with a stage's values.
type PipelineOperator string

// Pipeline operators. Eq and In match any of the values; Nin matches none;
// Contains is a case-insensitive substring test; the ordering operators
// compare numbers or dd.MM.yyyy dates.
const (
	OpEq       PipelineOperator = "eq"
	OpNe       PipelineOperator = "ne"
	OpIn       PipelineOperator = "in"
	OpNin      PipelineOperator = "nin"
	OpContains PipelineOperator = "contains"
	OpGt       PipelineOperator = "gt"
	OpGte      PipelineOperator = "gte"
	OpLt       PipelineOperator = "lt"
	OpLte      PipelineOperator = "lte"
)

// Valid reports whether op is one of the documented operators.
func (op PipelineOperator) Valid() bool {
	switch op {
	case OpEq, OpNe, OpIn, OpNin, OpContains, OpGt, OpGte, OpLt, OpLte:
		return true
	}
	return false
}

// PipelineStage is one filter of an event search.
type PipelineStage struct {
	Name     string           `json:"name"` // event field path
	Operator PipelineOperator `json:"operator"`
	Values   []string         `json:"values"`
	Phase    string           `json:"phase"` // always "match"
}

// EventSearch is the body of the pipeline search. Page is zero-based and
// Count is required by the vendor; a zero Count sends 50.
type EventSearch struct {
	DateFrom time.Time
	DateTo   time.Time
	Page     int
	Count    int
	Pipeline []PipelineStage
}

// ErrEmptyPipeline is returned for an EventSearch without stages.
var ErrEmptyPipeline = errors.New("cognism: event search needs at least one pipeline stage")

// SearchEvents runs a pipeline search and returns one page of events.
// It is a POST and so is never retried.
func (c *Client) SearchEvents(ctx context.Context, s EventSearch) ([]Event, error) {
	body, err := s.body()
	if err != nil {
		return nil, err
	}

	var events []Event
	cl := call{endpoint: endpointEventSearch, path: "/api/v1/events/stream/search", body: body}
	if err := c.getJSON(ctx, cl, &events); err != nil {
		return nil, err
	}
	return events, nil
}

type eventSearchBody struct {
	DateFrom string          `json:"dateFrom,omitempty"`
	DateTo   string          `json:"dateTo,omitempty"`
	Page     int             `json:"page"`
	Count    int             `json:"count"`
	Pipeline []PipelineStage `json:"pipeline"`
}

func (s EventSearch) body() (eventSearchBody, error) {
	if len(s.Pipeline) == 0 {
		return eventSearchBody{}, ErrEmptyPipeline
	}
	if s.Page < 0 || s.Count < 0 || s.Count > MaxEventCount {
		return eventSearchBody{}, fmt.Errorf("cognism: page %d / count %d out of range; pages start at 0, count is 1 to %d",
			s.Page, s.Count, MaxEventCount)
	}

	b := eventSearchBody{Page: s.Page, Count: s.Count}
	if b.Count == 0 {
		b.Count = 50
	}
	if !s.DateFrom.IsZero() {
		b.DateFrom = FormatDate(s.DateFrom)
	}
	if !s.DateTo.IsZero() {
		b.DateTo = FormatDate(s.DateTo)
	}
	for _, st := range s.Pipeline {
		if !st.Operator.Valid() {
			return eventSearchBody{}, fmt.Errorf("cognism: unknown pipeline operator %q", st.Operator)
		}
		if err := validateField(st.Name); err != nil {
			return eventSearchBody{}, fmt.Errorf("cognism: pipeline stage: %w", err)
		}
		if st.Phase == "" {
			st.Phase = "match"
		}
		b.Pipeline = append(b.Pipeline, st)
	}
	return b, nil
}
