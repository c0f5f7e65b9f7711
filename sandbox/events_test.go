package sandbox

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

func TestEventStreamDefaultsNewestFirst(t *testing.T) {
	ts := newTestSandbox(t)
	events, err := ts.client.EventStream(ctx, cognism.EventStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != defaultEventCount {
		t.Fatalf("got %d events, want the default page of %d", len(events), defaultEventCount)
	}
	for i := 1; i < len(events); i++ {
		if events[i].At > events[i-1].At {
			t.Fatalf("event %d (at %d) is newer than event %d (at %d)", i, events[i].At, i-1, events[i-1].At)
		}
	}

	next, err := ts.client.EventStream(ctx, cognism.EventStreamOptions{Page: 1, Count: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(next) != 10 || next[0].ID != events[10].ID {
		t.Errorf("page 1 of 10 starts with %v, want event %s", next[0].ID, events[10].ID)
	}
}

func TestEventStreamRuleFiltersTypeAndOrg(t *testing.T) {
	ts := newTestSandbox(t)
	rule := cognism.Rule{cognism.Values("type", "job-join", "job-leave"), cognism.Values("org", "ibm")}
	events, err := ts.client.EventStream(ctx, cognism.EventStreamOptions{Rule: rule, Count: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 {
		t.Fatal("no IBM joins or leaves")
	}
	for _, ev := range events {
		if ev.Org != "IBM" || (ev.Type != "job-join" && ev.Type != "job-leave") {
			t.Errorf("event %s has type %s org %q", ev.ID, ev.Type, ev.Org)
		}
	}
}

func TestEventStreamValueListRule(t *testing.T) {
	ts := newTestSandbox(t)
	rule := cognism.Rule{
		{Field: "employee.title", Alternatives: []cognism.Alternative{cognism.ValueList("cxo-titles")}},
		cognism.Values("loc.region", "emea"),
	}
	events, err := ts.client.EventStream(ctx, cognism.EventStreamOptions{Rule: rule, Count: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 {
		t.Fatal("no executives in EMEA")
	}
	for _, ev := range events {
		if !slices.Contains(cxoTitles, ev.Employee.Title) || ev.Loc.Region != "EMEA" {
			t.Errorf("event %s: title %q region %q", ev.ID, ev.Employee.Title, ev.Loc.Region)
		}
	}
}

func TestEventStreamRuleEscapedSemicolon(t *testing.T) {
	ts := newTestSandbox(t)
	stored := ts.inject(t, cognism.Event{Type: "310", Org: "AT;T Labs|East"})

	rule := cognism.Rule{cognism.Values("org", "at;t labs|east")}
	events, err := ts.client.EventStream(ctx, cognism.EventStreamOptions{Rule: rule})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].ID != stored.ID {
		t.Fatalf("got %+v, want only the injected event %s", events, stored.ID)
	}

	q := url.Values{"rule": {`org=AT\;T Labs\|East`}}
	resp, body := ts.do(t, "GET", "/api/v1/events/stream?"+q.Encode(), "", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, string(stored.ID)) {
		t.Errorf("hand-escaped rule: status %d body %.200s", resp.StatusCode, body)
	}
}

func TestEventStreamDateBoundsInclusive(t *testing.T) {
	ts := newTestSandbox(t)
	all, err := ts.client.EventStream(ctx, cognism.EventStreamOptions{Count: 100})
	if err != nil {
		t.Fatal(err)
	}
	day, err := cognism.ParseDate(all[len(all)-1].Date)
	if err != nil {
		t.Fatal(err)
	}
	events, err := ts.client.EventStream(ctx, cognism.EventStreamOptions{DateFrom: day, DateTo: day, Count: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 {
		t.Fatal("no events on the day of a known event")
	}
	for _, ev := range events {
		if ev.Date != cognism.FormatDate(day) {
			t.Errorf("event %s dated %s, want %s", ev.ID, ev.Date, cognism.FormatDate(day))
		}
	}
}

func TestEventStreamBadParameters(t *testing.T) {
	ts := newTestSandbox(t)
	cases := []struct {
		query string
		words []string
	}{
		{"count=501", []string{"count", "500"}},
		{"count=0", []string{"count"}},
		{"page=-1", []string{"page"}},
		{"page=two", []string{"page", "integer"}},
		{"page=9223372036854775807&count=500", []string{"page", "1000000"}},
		{"page=1000001", []string{"page", "1000000"}},
		{"dateFrom=2016-04-20", []string{"dateFrom", "dd.MM.yyyy"}},
		{"dateFrom=21.04.2016&dateTo=20.04.2016", []string{"dateFrom", "dateTo"}},
		{"rule=" + url.QueryEscape("colour=red"), []string{"colour"}},
		{"rule=" + url.QueryEscape("type"), []string{"rule", "="}},
		{"rule=" + url.QueryEscape("employee.title=valuelist(no-such-list)"), []string{"no-such-list", "cxo-titles"}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			resp, body := ts.do(t, "GET", "/api/v1/events/stream?"+c.query, "", nil)
			wantStatus(t, resp, body, http.StatusBadRequest, c.words...)
		})
	}
}

func TestValueListsListed(t *testing.T) {
	ts := newTestSandbox(t)
	resp, body := ts.do(t, "GET", "/api/v1/valuelists", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, name := range valueListNames() {
		if !strings.Contains(body, `"`+name+`"`) {
			t.Errorf("value list %s not listed", name)
		}
	}
}

func TestEventsCSVRowsMatchStream(t *testing.T) {
	ts := newTestSandbox(t)
	opts := cognism.EventStreamOptions{Rule: cognism.Rule{cognism.Values("org", "IBM")}, Count: 20}
	events, err := ts.client.EventStream(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	export, err := ts.client.EventsCSV(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if export.Rule != "org=IBM" {
		t.Errorf("rule line = %q, want org=IBM", export.Rule)
	}
	if len(export.Rows) != len(events) {
		t.Fatalf("%d rows, want %d", len(export.Rows), len(events))
	}
	for i, row := range export.Rows {
		ev := events[i]
		if row.EventID != string(ev.ID) || row.Date != ev.Date || row.EmployeeName != ev.Employee.Name {
			t.Errorf("row %d = %+v, want event %+v", i, row, ev)
		}
		if row.OrganizationID != "1009" || row.OrganizationFounded != "1911" || row.OrganizationWebsite != "http://www.ibm.com" {
			t.Errorf("row %d organization = %s %s %s, want IBM's", i, row.OrganizationID, row.OrganizationFounded, row.OrganizationWebsite)
		}
	}
}

func TestEventsCSVAcceptsQueryCredentials(t *testing.T) {
	ts := newTestSandbox(t)
	q := url.Values{"accessToken": {DefaultAccessToken}, "count": {"3"}}
	resp, body := ts.do(t, "GET", "/api/v1/events/stream/csv?"+q.Encode(), "", http.Header{"X-Api-Accesstoken": {""}})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "Data returned with rule") || !strings.HasPrefix(lines[1], "Event ID;Date;") {
		t.Errorf("CSV = %q", body)
	}
}

func TestSearchEventsOperators(t *testing.T) {
	ts := newTestSandbox(t)
	stage := func(name string, op cognism.PipelineOperator, values ...string) cognism.PipelineStage {
		return cognism.PipelineStage{Name: name, Operator: op, Values: values}
	}
	cases := []struct {
		name  string
		stage cognism.PipelineStage
		holds func(cognism.Event) bool
	}{
		{"eq", stage("type", cognism.OpEq, "quote"), func(e cognism.Event) bool { return e.Type == "quote" }},
		{"in", stage("source", cognism.OpIn, "news", "blog"), func(e cognism.Event) bool { return e.Source == "news" || e.Source == "blog" }},
		{"ne", stage("source", cognism.OpNe, "social"), func(e cognism.Event) bool { return e.Source != "social" }},
		{"nin", stage("type", cognism.OpNin, "310", "330", "quote"), func(e cognism.Event) bool {
			return !slices.Contains([]string{"310", "330", "quote"}, string(e.Type))
		}},
		{"contains", stage("employee.title", cognism.OpContains, "CHIEF"), func(e cognism.Event) bool {
			return strings.Contains(strings.ToLower(e.Employee.Title), "chief")
		}},
		{"gt", stage("employee.age", cognism.OpGt, "60"), func(e cognism.Event) bool { return *e.Employee.Age > 60 }},
		{"gte", stage("employee.age", cognism.OpGte, "60"), func(e cognism.Event) bool { return *e.Employee.Age >= 60 }},
		{"lt", stage("employee.age", cognism.OpLt, "25"), func(e cognism.Event) bool { return *e.Employee.Age < 25 }},
		{"lte date", stage("date", cognism.OpLte, "31.12.2015"), func(e cognism.Event) bool { return e.At < 1451606400000 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			events, err := ts.client.SearchEvents(ctx, cognism.EventSearch{Count: 200, Pipeline: []cognism.PipelineStage{c.stage}})
			if err != nil {
				t.Fatal(err)
			}
			if len(events) == 0 {
				t.Fatal("no events matched")
			}
			for _, ev := range events {
				if !c.holds(ev) {
					t.Errorf("event %s does not satisfy %s: %+v", ev.ID, c.name, ev)
				}
			}
		})
	}
}

func TestSearchEventsAllStagesAndDates(t *testing.T) {
	ts := newTestSandbox(t)
	from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)
	events, err := ts.client.SearchEvents(ctx, cognism.EventSearch{
		DateFrom: from, DateTo: to, Count: 500,
		Pipeline: []cognism.PipelineStage{
			{Name: "type", Operator: cognism.OpEq, Values: []string{"job-join"}},
			{Name: "loc.region", Operator: cognism.OpEq, Values: []string{"AMERICAS"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 {
		t.Fatal("no joins in the Americas in 2020 and 2021")
	}
	for _, ev := range events {
		at := time.UnixMilli(int64(ev.At))
		if ev.Type != "job-join" || ev.Loc.Region != "AMERICAS" || at.Before(from) || !at.Before(to.AddDate(0, 0, 1)) {
			t.Errorf("event %s: %s %s %s", ev.ID, ev.Type, ev.Loc.Region, ev.Date)
		}
	}
}

func TestSearchEventsBodyErrors(t *testing.T) {
	ts := newTestSandbox(t)
	path := "/api/v1/events/stream/search"
	stage := `{"name":"type","operator":"eq","values":["quote"],"phase":"match"}`
	cases := []struct {
		name, body string
		status     int
		words      []string
	}{
		{"not JSON", `{"page":`, http.StatusNotAcceptable, []string{"JSON"}},
		{"missing page", `{"count":5,"pipeline":[` + stage + `]}`, http.StatusBadRequest, []string{"page"}},
		{"missing count", `{"page":0,"pipeline":[` + stage + `]}`, http.StatusBadRequest, []string{"count"}},
		{"count too large", `{"page":0,"count":501,"pipeline":[` + stage + `]}`, http.StatusBadRequest, []string{"count", "500"}},
		{"page not numeric", `{"page":"x","count":5,"pipeline":[` + stage + `]}`, http.StatusBadRequest, []string{"page"}},
		{"page fraction", `{"page":0.5,"count":5,"pipeline":[` + stage + `]}`, http.StatusBadRequest, []string{"page", "non-negative integer"}},
		{"page fraction string", `{"page":"0.5","count":5,"pipeline":[` + stage + `]}`, http.StatusBadRequest, []string{"page", "non-negative integer"}},
		{"page exponent", `{"page":1e2,"count":5,"pipeline":[` + stage + `]}`, http.StatusBadRequest, []string{"page", "non-negative integer"}},
		{"count fraction", `{"page":0,"count":2.5,"pipeline":[` + stage + `]}`, http.StatusBadRequest, []string{"count", "non-negative integer"}},
		{"page overflow", `{"page":9223372036854775807,"count":500,"pipeline":[` + stage + `]}`, http.StatusBadRequest, []string{"page", "1000000"}},
		{"missing pipeline", `{"page":0,"count":5}`, http.StatusBadRequest, []string{"pipeline"}},
		{"phase", `{"page":0,"count":5,"pipeline":[{"name":"type","operator":"eq","values":["quote"],"phase":"group"}]}`, http.StatusBadRequest, []string{"phase", "match"}},
		{"operator", `{"page":0,"count":5,"pipeline":[{"name":"type","operator":"like","values":["quote"]}]}`, http.StatusBadRequest, []string{"like", "contains"}},
		{"field", `{"page":0,"count":5,"pipeline":[{"name":"colour","operator":"eq","values":["red"]}]}`, http.StatusBadRequest, []string{"colour"}},
		{"gt bound", `{"page":0,"count":5,"pipeline":[{"name":"employee.age","operator":"gt","values":["old"]}]}`, http.StatusBadRequest, []string{"old", "number"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := ts.do(t, "POST", path, c.body, nil)
			wantStatus(t, resp, body, c.status, c.words...)
		})
	}
}

func TestSearchEventsNumericStrings(t *testing.T) {
	ts := newTestSandbox(t)
	body := `{"page":"1","count":"3","pipeline":[{"name":"type","operator":"eq","values":["quote"],"phase":"match"}]}`
	resp, got := ts.do(t, "POST", "/api/v1/events/stream/search", body, nil)
	if resp.StatusCode != 200 || strings.Count(got, `"type":"quote"`) != 3 {
		t.Errorf("status %d body %.300s", resp.StatusCode, got)
	}
}

func BenchmarkEventStream(b *testing.B) {
	srv, err := New(ctx, Config{DBPath: ":memory:", Seed: 1, Scale: 0.2, EventInterval: time.Hour, Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	handler := srv.Handler()
	for _, rule := range []string{"", "org=IBM", "employee.title=valuelist(cxo-titles)"} {
		b.Run("rule="+rule, func(b *testing.B) {
			target := "/api/v1/events/stream?count=100&rule=" + url.QueryEscape(rule)
			for b.Loop() {
				req := httptest.NewRequest("GET", target, nil)
				req.Header.Set("X-API-AccessToken", DefaultAccessToken)
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

func TestJobLeaveNamesOrganisationLeft(t *testing.T) {
	ts := newTestSandbox(t)
	opts := cognism.EventStreamOptions{Rule: cognism.Rule{cognism.Values("type", "job-leave")}, Count: 20}
	events, err := ts.client.EventStream(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 {
		t.Fatal("no job-leave events")
	}

	for _, ev := range events {
		emp := ev.Employee
		if emp.Organisation != ev.Org {
			t.Errorf("event %s: employee.organisation = %q, want the organisation left %q", ev.ID, emp.Organisation, ev.Org)
		}
		if ev.OrgFromInfo == nil || ev.OrgFromInfo.Name != ev.Org {
			t.Errorf("event %s: orgFromInfo = %+v, want %q", ev.ID, ev.OrgFromInfo, ev.Org)
		}
		people, err := ts.client.SearchPeople(ctx, cognism.PersonSearch{FirstName: emp.FirstName, LastName: emp.LastName})
		if err != nil {
			t.Fatal(err)
		}
		found := slices.ContainsFunc(people, func(p cognism.Person) bool {
			return slices.ContainsFunc(p.Experience, func(pos cognism.Position) bool {
				return pos.Company == ev.Org && pos.To != ""
			})
		})
		if !found {
			t.Errorf("event %s: no person named %q has a past position at %q", ev.ID, emp.Name, ev.Org)
		}
	}
}
