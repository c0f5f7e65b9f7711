package graph

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/loader"
	"github.com/cognism/graphql-gateway/graph/model"
	"github.com/cognism/graphql-gateway/graph/scalar"
)

// eventQuery is an event stream request built from an EventFilter.
type eventQuery struct {
	rule cognism.Rule
	key  loader.EventsKey // rule and dates; page and count are set per page
}

// BuildRule turns an EventFilter into a rule with every value escaped, then
// appends the clauses of its raw rule. argument names the filter in error
// messages.
func BuildRule(f *model.EventFilter, argument string) (cognism.Rule, error) {
	if f == nil {
		return nil, nil
	}
	var rule cognism.Rule
	for _, c := range []struct {
		field, input string
		values       []string
	}{
		{"type", "types", f.Types},
		{"org", "organizations", f.Organizations},
		{"employee.title", "employeeTitles", f.EmployeeTitles},
		{"loc.country", "countries", f.Countries},
		{"source", "sources", f.Sources},
	} {
		if i := slices.IndexFunc(c.values, isBlank); i >= 0 {
			return nil, inputErrorf(fmt.Sprintf("%s.%s[%d]", argument, c.input, i),
				"must not be empty; pass a value or leave it out of the list")
		}
		if len(c.values) > 0 {
			rule = append(rule, cognism.Values(c.field, c.values...))
		}
	}
	if f.Rule != nil && strings.TrimSpace(*f.Rule) != "" {
		raw, err := cognism.ParseRule(*f.Rule)
		if err != nil {
			return nil, inputErrorf(argument+".rule", "%s", err)
		}
		rule = rule.And(raw...)
	}
	return rule, nil
}

// isBlank reports an empty or whitespace-only string.
func isBlank(s string) bool {
	return strings.TrimSpace(s) == ""
}

// newEventQuery builds the rule and date bounds of a filter, with extra
// clauses appended.
func newEventQuery(f *model.EventFilter, argument string, extra ...cognism.Clause) (eventQuery, error) {
	rule, err := BuildRule(f, argument)
	if err != nil {
		return eventQuery{}, err
	}
	rule = rule.And(extra...)
	if err := rule.Validate(); err != nil {
		return eventQuery{}, inputErrorf(argument, "%s", err)
	}

	q := eventQuery{rule: rule, key: loader.EventsKey{Rule: rule.String()}}
	if f != nil {
		q.key.DateFrom = scalar.TimeOf(f.DateFrom)
		q.key.DateTo = scalar.TimeOf(f.DateTo)
		if err := checkDateRange(argument, q.key.DateFrom, q.key.DateTo); err != nil {
			return eventQuery{}, err
		}
	}
	return q, nil
}

// checkDateRange rejects a dateTo before dateFrom of the input argument,
// with both dates as the caller sent them. Zero times are unset bounds.
func checkDateRange(argument string, from, to time.Time) error {
	if from.IsZero() || to.IsZero() || !to.Before(from) {
		return nil
	}
	return inputErrorf(argument+".dateTo", "%s is before %s.dateFrom %s; swap them",
		to.Format(time.DateOnly), argument, from.Format(time.DateOnly))
}

// options returns the stream options of one upstream page.
func (q eventQuery) options(p upstreamPage) cognism.EventStreamOptions {
	return cognism.EventStreamOptions{
		DateFrom: q.key.DateFrom,
		DateTo:   q.key.DateTo,
		Rule:     q.rule,
		Page:     p.page,
		Count:    p.count,
	}
}

// eventsConnection pages the query through the request's events loader.
func (r *Resolver) eventsConnection(ctx context.Context, q eventQuery, w window) (*model.EventConnection, error) {
	loaders := r.loaders(ctx)
	fetch := func(p upstreamPage) ([]cognism.Event, error) {
		key := q.key
		key.Page, key.Count = p.page, p.count
		return loaders.Events(ctx, key)
	}
	page, err := fetchWindow(w, cognism.MaxEventCount, eventID, fetch)
	if err != nil {
		return nil, err
	}
	conn := eventConnection(page)
	r.prefetchEventJoins(ctx, conn.Nodes, connectionNodes)
	return conn, nil
}

// eventsCSV returns the CSV export of the window. When the window is one
// whole upstream page and its cursor stores no event id, the text passes
// through as it is. Otherwise the pages are parsed, cut to the window,
// which starts after the cursor's event as fetchWindow finds it, and
// rendered again.
func (r *Resolver) eventsCSV(ctx context.Context, q eventQuery, w window) (string, error) {
	if w.anchor == "" && w.offset%w.first == 0 {
		opts := q.options(upstreamPage{page: w.offset / w.first, count: w.first})
		return r.Client.EventsCSVText(ctx, opts)
	}

	var header *cognism.EventsCSV
	fetch := func(p upstreamPage) ([]cognism.EventsCSVRow, error) {
		parsed, err := r.Client.EventsCSV(ctx, q.options(p))
		if err != nil {
			return nil, err
		}
		header = parsed
		return parsed.Rows, nil
	}
	page, err := fetchWindow(w, cognism.MaxEventCount, csvRowID, fetch)
	if err != nil {
		return "", err
	}
	out := cognism.EventsCSV{Rule: header.Rule, Rows: page.items}
	return out.String(), nil
}

// csvRowID returns the id of the event of a CSV row.
func csvRowID(row cognism.EventsCSVRow) string { return row.EventID }

// pipelineStages checks the GraphQL pipeline and converts it to upstream
// stages.
func pipelineStages(stages []model.PipelineStageInput) ([]cognism.PipelineStage, error) {
	out := make([]cognism.PipelineStage, 0, len(stages))
	for i, s := range stages {
		if !isEventPath(s.Name) {
			return nil, inputErrorf(fmt.Sprintf("search.pipeline[%d].name", i),
				"%.60q is not an event field path such as type or employee.title", s.Name)
		}
		values := list(s.Values)
		if s.Name == eventDateField {
			var err error
			if values, err = upstreamDates(values); err != nil {
				return nil, inputErrorf(fmt.Sprintf("search.pipeline[%d].values", i), "%s", err)
			}
		}
		out = append(out, cognism.PipelineStage{
			Name:     s.Name,
			Operator: cognism.PipelineOperator(strings.ToLower(string(s.Operator))),
			Values:   values,
			Phase:    "match",
		})
	}
	return out, nil
}

// eventDateField is the event field holding the event's day, which the
// upstream writes and compares as dd.MM.yyyy.
const eventDateField = "date"

// isoDateShape matches values written as an ISO 8601 date, valid or not.
var isoDateShape = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// upstreamDates writes ISO 8601 dates among values in the upstream's
// dd.MM.yyyy form, so that callers may compare the event date as they
// write dates everywhere else. Other values stay as they are, and a value
// shaped like an ISO date that is no day of the calendar is an error.
func upstreamDates(values []string) ([]string, error) {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = v
		v = strings.TrimSpace(v)
		if !isoDateShape.MatchString(v) {
			continue
		}
		day, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return nil, fmt.Errorf("%q is not a date of the calendar; use YYYY-MM-DD, such as 2024-02-29", v)
		}
		out[i] = day.Format("02.01.2006")
	}
	return out, nil
}

// isEventPath reports whether name is a dotted event field path, as the
// rule language reads a clause's field.
func isEventPath(name string) bool {
	rule, err := cognism.ParseRule(name + "=x")
	return err == nil && len(rule) == 1 && rule[0].Field == name
}

// splitName splits a full name into a first name and the rest.
func splitName(full string) (first, last string) {
	full = strings.TrimSpace(full)
	first, last, _ = strings.Cut(full, " ")
	return first, strings.TrimSpace(last)
}

// personKey returns the person search of a name and organisation, using the
// given first and last names when both are known.
func personKey(fullName, firstName, lastName, organization string) (loader.PersonKey, bool) {
	if firstName == "" || lastName == "" {
		firstName, lastName = splitName(fullName)
	}
	if firstName == "" && lastName == "" {
		return loader.PersonKey{}, false
	}
	return loader.PersonKey{FirstName: firstName, LastName: lastName, Company: organization}, true
}

// employeeOrganizations returns the organisations to search an event's
// employee at, in order: the employee's, the event's, then the previous
// ones, which job-leave events fill instead. Repeats and empty names are
// left out.
func employeeOrganizations(ev *model.Event) []string {
	var candidates []string
	if e := ev.Employee; e != nil {
		candidates = append(candidates, deref(e.Organization))
	}
	candidates = append(candidates, deref(ev.Organization))
	if e := ev.Employee; e != nil {
		candidates = append(candidates, deref(e.PreviousOrganization))
	}
	candidates = append(candidates, deref(ev.PreviousOrganization))

	var orgs []string
	for _, org := range candidates {
		org = strings.TrimSpace(org)
		if org == "" || slices.ContainsFunc(orgs, func(o string) bool { return strings.EqualFold(o, org) }) {
			continue
		}
		orgs = append(orgs, org)
	}
	return orgs
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
