package cognism

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// referenceEvents is the event stream example of the API reference.
const referenceEvents = `[{"id": "9c9567cf-10a1-4b4d-b553-77b83f5de16a", "at": 1471732633672,
  "date": "20.08.2016", "type": "job-join", "typeName": "External Movement",
  "org": "IBM (Contract)", "orgInfo": {},
  "orgToInfo": {"name": "IBM (Contract)", "type": ""},
  "orgFromInfo": {"name": "Hewlett Packard Enterprise (Contract)", "type": ""},
  "loc": {"country": "United States", "state": "Colorado", "city": "Colorado Springs", "region": "AMERICAS"},
  "old_loc": {"country": "United States", "state": "Colorado", "city": "Colorado Springs"},
  "source": "social", "meta": {"datecreated": "2016-08-20T22:32:21.989658"},
  "employee": {"first_name": "Tomas", "last_name": "Reyner", "name": "Tomas Reyner",
    "title": "Sourcing Recruiter", "old_job_title": "Senior Sourcing Recruiter",
    "organisation": "IBM (Contract)", "old_organisation": "Hewlett Packard Enterprise (Contract)",
    "url": "https://profiles.example.com/tomasreyner", "photo_url": "https://img.example.com/tr.jpg",
    "city": "Colorado Springs", "state": "Colorado", "country": "United States", "age": 39,
    "previous": {"time_from": "201405", "time_to": "201608"}}}]`

func referenceEvent() Event {
	age := FlexInt(39)
	return Event{
		ID: "9c9567cf-10a1-4b4d-b553-77b83f5de16a", At: 1471732633672, Date: "20.08.2016",
		Type: "job-join", TypeName: "External Movement", Org: "IBM (Contract)",
		OrgInfo:     []byte("{}"),
		OrgToInfo:   &OrgRef{Name: "IBM (Contract)"},
		OrgFromInfo: &OrgRef{Name: "Hewlett Packard Enterprise (Contract)"},
		Loc:         &Location{Country: "United States", State: "Colorado", City: "Colorado Springs", Region: "AMERICAS"},
		OldLoc:      &Location{Country: "United States", State: "Colorado", City: "Colorado Springs"},
		Source:      "social",
		Meta:        &EventMeta{DateCreated: "2016-08-20T22:32:21.989658"},
		Employee: &Employee{
			FirstName: "Tomas", LastName: "Reyner", Name: "Tomas Reyner",
			Title: "Sourcing Recruiter", OldJobTitle: "Senior Sourcing Recruiter",
			Organisation: "IBM (Contract)", OldOrganisation: "Hewlett Packard Enterprise (Contract)",
			URL: "https://profiles.example.com/tomasreyner", PhotoURL: "https://img.example.com/tr.jpg",
			City: "Colorado Springs", State: "Colorado", Country: "United States", Age: &age,
			Previous: &Previous{TimeFrom: "201405", TimeTo: "201608"},
		},
	}
}

func TestEventStreamQueryAndDecoding(t *testing.T) {
	t.Parallel()

	rule := Rule{Values("org", "AT&T; type=x"), Values("type", "job-join", "job-leave")}
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testPath(t, r, "/prefix/api/v1/events/stream")
		testQuery(t, r, url.Values{
			"dateFrom": {"20.04.2016"},
			"dateTo":   {"21.08.2016"},
			"rule":     {`org=AT&T\; type\=x;type=job-join|job-leave`},
			"page":     {"2"},
			"count":    {"500"},
		})
		_, _ = io.WriteString(w, referenceEvents)
	})

	events, err := c.EventStream(context.Background(), EventStreamOptions{
		DateFrom: testDate, DateTo: time.Date(2016, 8, 21, 0, 0, 0, 0, time.UTC),
		Rule: rule, Page: 2, Count: 500,
	})
	if err != nil {
		t.Fatalf("EventStream: %v", err)
	}
	if diff := cmp.Diff([]Event{referenceEvent()}, events); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
}

func TestEventStreamDefaultsSendNoQuery(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" {
			t.Errorf("query = %q, want none", r.URL.RawQuery)
		}
		_, _ = io.WriteString(w, "[]")
	})
	if _, err := c.EventStream(context.Background(), EventStreamOptions{}); err != nil {
		t.Fatalf("EventStream: %v", err)
	}
}

func TestEventStreamRejectsBadOptions(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("invalid options reached the server")
	})
	tests := map[string]EventStreamOptions{
		"negative page":   {Page: -1},
		"count above 500": {Count: 501},
		"invalid field":   {Rule: Rule{Values("bad field", "x")}},
		"clause no value": {Rule: Rule{{Field: "org"}}},
	}
	for name, opts := range tests {
		if _, err := c.EventStream(context.Background(), opts); err == nil {
			t.Errorf("%s: EventStream succeeded, want an error", name)
		}
	}
}

func TestEventsCSVQueryCredentialsAndParsing(t *testing.T) {
	t.Parallel()

	csvText := sampleEventsCSV().String()
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testPath(t, r, "/prefix/api/v1/events/stream/csv")
		testQuery(t, r, url.Values{"rule": {`org=AT\;T`}, "count": {"10"}})
		testCredentials(t, r, authQuery, Credentials{testToken, testSecret})
		w.Header().Set("Content-Type", "text/csv")
		_, _ = io.WriteString(w, csvText)
	})
	opts := EventStreamOptions{Rule: Rule{Values("org", "AT;T")}, Count: 10}

	text, err := c.EventsCSVText(context.Background(), opts)
	if err != nil {
		t.Fatalf("EventsCSVText: %v", err)
	}
	if text != csvText {
		t.Errorf("EventsCSVText = %q, want the body unchanged", text)
	}
	parsed, err := c.EventsCSV(context.Background(), opts)
	if err != nil {
		t.Fatalf("EventsCSV: %v", err)
	}
	if diff := cmp.Diff(sampleEventsCSV(), parsed); diff != "" {
		t.Errorf("EventsCSV mismatch (-want +got):\n%s", diff)
	}
}

func TestSearchEventsBody(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "POST")
		testPath(t, r, "/prefix/api/v1/events/stream/search")
		testQuery(t, r, nil)
		testBody(t, r, `{"dateFrom": "20.04.2016", "dateTo": "20.04.2016", "page": 1, "count": 50,
			"pipeline": [
				{"name": "type", "operator": "eq", "values": ["310", "330"], "phase": "match"},
				{"name": "org", "operator": "contains", "values": ["AT&T; x"], "phase": "match"}]}`)
		_, _ = io.WriteString(w, referenceEvents)
	})

	events, err := c.SearchEvents(context.Background(), EventSearch{
		DateFrom: testDate, DateTo: testDate, Page: 1,
		Pipeline: []PipelineStage{
			{Name: "type", Operator: OpEq, Values: []string{"310", "330"}},
			{Name: "org", Operator: OpContains, Values: []string{"AT&T; x"}},
		},
	})
	if err != nil {
		t.Fatalf("SearchEvents: %v", err)
	}
	if len(events) != 1 || events[0].ID != "9c9567cf-10a1-4b4d-b553-77b83f5de16a" {
		t.Errorf("SearchEvents = %+v, want the reference event", events)
	}
}

func TestSearchEventsRejectsBadSearch(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("an invalid search reached the server")
	})
	stage := PipelineStage{Name: "type", Operator: OpEq, Values: []string{"310"}}
	tests := map[string]EventSearch{
		"no stages":        {},
		"unknown operator": {Pipeline: []PipelineStage{{Name: "type", Operator: "regex"}}},
		"invalid field":    {Pipeline: []PipelineStage{{Name: "a b", Operator: OpEq}}},
		"count above 500":  {Count: 501, Pipeline: []PipelineStage{stage}},
	}
	for name, s := range tests {
		if _, err := c.SearchEvents(context.Background(), s); err == nil {
			t.Errorf("%s: SearchEvents succeeded, want an error", name)
		}
	}
	if _, err := c.SearchEvents(context.Background(), EventSearch{}); !errors.Is(err, ErrEmptyPipeline) {
		t.Errorf("SearchEvents without stages error = %v, want ErrEmptyPipeline", err)
	}
}

func TestPipelineOperatorValid(t *testing.T) {
	t.Parallel()

	for _, op := range []PipelineOperator{OpEq, OpNe, OpIn, OpNin, OpContains, OpGt, OpGte, OpLt, OpLte} {
		if !op.Valid() {
			t.Errorf("%q.Valid() = false, want true", op)
		}
	}
	if PipelineOperator("regex").Valid() {
		t.Error(`"regex".Valid() = true, want false`)
	}
}
