package graph_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cognism/graphql-gateway/graph"
)

// The tests in this file resolve every field of the public contract against
// the seeded sandbox.

const allSources = `["Financial Times", "Reuters", "Bloomberg", "The Guardian", "BBC News", "TechCrunch"]`

func TestCompanyAllFields(t *testing.T) {
	g := newGateway(t)
	var data struct {
		Company struct {
			ID, Name, Path, Type, Industry, Size, Website string
			StreetAddress                                 []string
			City, Region, Zip, Country                    string
			People                                        []struct{ FullName, CurrentEmployer string }
			Events                                        struct {
				Edges []struct {
					Cursor string
					Node   struct{ Organization string }
				}
				Nodes    []struct{ Organization string }
				PageInfo struct{ HasNextPage, HasPreviousPage bool }
			}
			News struct {
				Nodes []struct {
					Headline      string
					Organizations []struct{ Name string }
				}
			}
		}
		Companies []struct{ Name string }
	}
	g.query(`{
		company(name: "IBM") {
			id name path type industry size website streetAddress city region zip country
			people(first: 3) { fullName currentEmployer }
			events(first: 3) {
				edges { cursor node { organization } }
				nodes { organization }
				pageInfo { hasNextPage hasPreviousPage }
			}
			news(first: 2) { nodes { headline organizations { name } } }
		}
		companies(name: "IBM") { name }
	}`, nil, &data)

	c := data.Company
	if c.ID != "1009" || c.Path != "ibm" || c.Type == "" || c.Industry == "" || c.Size == "" {
		t.Errorf("company fields = %+v, want IBM's id 1009, path ibm, type, industry and size", c)
	}
	if len(c.StreetAddress) == 0 || c.City == "" || c.Country == "" {
		t.Errorf("company address = %v, %q, %q; want street, city and country", c.StreetAddress, c.City, c.Country)
	}
	if len(c.People) != 3 {
		t.Errorf("people(first: 3) returned %d people", len(c.People))
	}
	for _, p := range c.People {
		if !strings.EqualFold(p.CurrentEmployer, "IBM") {
			t.Errorf("person %s works at %q, want IBM", p.FullName, p.CurrentEmployer)
		}
	}
	if len(c.Events.Nodes) != 3 || len(c.Events.Edges) != 3 {
		t.Errorf("events(first: 3) returned %d nodes and %d edges", len(c.Events.Nodes), len(c.Events.Edges))
	}
	for _, e := range c.Events.Nodes {
		if !strings.EqualFold(e.Organization, "IBM") {
			t.Errorf("company event at %q, want IBM", e.Organization)
		}
	}
	if c.Events.PageInfo.HasPreviousPage {
		t.Error("first page of events has a previous page")
	}
	if len(c.News.Nodes) == 0 {
		t.Error("IBM has no news in the sandbox")
	}
	for _, d := range c.News.Nodes {
		if !hasName(d.Organizations, "IBM") {
			t.Errorf("news %q does not name IBM among %v", d.Headline, d.Organizations)
		}
	}
	if len(data.Companies) == 0 || data.Companies[0].Name != "IBM" {
		t.Errorf("companies(IBM) = %v, want IBM", data.Companies)
	}
}

func TestCompanyUnknownNameIsNull(t *testing.T) {
	g := newGateway(t)
	var data struct {
		Company   *struct{ Name string }
		Companies []struct{ Name string }
	}
	g.query(`{ company(name: "No Such Company Ltd") { name } companies(name: "No Such Company Ltd") { name } }`,
		nil, &data)

	if data.Company != nil {
		t.Errorf("company = %+v, want null", data.Company)
	}
	if len(data.Companies) != 0 {
		t.Errorf("companies = %v, want empty", data.Companies)
	}
}

func TestCompanyNameWithSpecialCharacters(t *testing.T) {
	g := newGateway(t)
	for _, name := range []string{"AT&T", "Société Générale", "L'Oréal"} {
		var data struct{ Company *struct{ Name string } }
		g.query(`query ($n: String!) { company(name: $n) { name } }`, map[string]any{"n": name}, &data)
		if data.Company == nil || data.Company.Name != name {
			t.Errorf("company(%q) = %+v, want that company", name, data.Company)
		}
	}
}

func TestPersonAllFields(t *testing.T) {
	g := newGateway(t)
	var data struct {
		People []struct {
			ID, FullName, FullNameNormalized, Headline, Locality, Industry, Connections string
			City, State, Country, CountryCode, CurrentEmployer                          string
			CurrentCompany                                                              *struct{ Name string }
			BirthDate, UpdatedAt                                                        string
			Version                                                                     *int
			Skills, Groups                                                              []string
			Experience                                                                  []struct {
				Title, Employer, From, To, Description string
				Current                                bool
				Company                                *struct{ Name string }
			}
			Certifications []struct{ Name, Authority, From, To, Description string }
			Education      []struct{ Institution, Programme, From, To, Description string }
			Events         []struct{ Employee struct{ Name string } }
		}
	}
	g.query(`{
		people(company: "IBM") {
			id fullName fullNameNormalized headline locality industry connections
			city state country countryCode currentEmployer currentCompany { name }
			birthDate updatedAt version skills groups
			experience { title employer company { name } from to current description }
			certifications { name authority from to description }
			education { institution programme from to description }
			events(first: 2) { employee { name } }
		}
	}`, nil, &data)

	if len(data.People) == 0 {
		t.Fatal("people(company: IBM) is empty")
	}
	p := data.People[0]
	if p.ID == "" || p.FullName == "" || p.FullNameNormalized != strings.ToLower(p.FullName) {
		t.Errorf("person identity = %q %q %q", p.ID, p.FullName, p.FullNameNormalized)
	}
	if p.Headline == "" || p.Locality == "" || p.Connections == "" || p.CountryCode == "" {
		t.Errorf("topcard fields missing: %+v", p)
	}
	if p.CurrentCompany == nil || p.CurrentCompany.Name != "IBM" {
		t.Errorf("currentCompany = %+v, want IBM", p.CurrentCompany)
	}
	if !isISODate(p.BirthDate) {
		t.Errorf("birthDate = %q, want an ISO 8601 date", p.BirthDate)
	}
	if !strings.HasSuffix(p.UpdatedAt, "Z") || len(p.UpdatedAt) != len("2016-05-13T13:50:56.000Z") {
		t.Errorf("updatedAt = %q, want RFC 3339 UTC with milliseconds", p.UpdatedAt)
	}
	if p.Version == nil || len(p.Skills) == 0 {
		t.Errorf("version %v or skills %v missing", p.Version, p.Skills)
	}
	if len(p.Experience) == 0 {
		t.Fatal("experience is empty")
	}
	current := 0
	for _, pos := range p.Experience {
		if pos.Current != (pos.To == "") {
			t.Errorf("position %q: current = %v with to = %q", pos.Title, pos.Current, pos.To)
		}
		if pos.Current {
			current++
		}
		if pos.Employer != "" && pos.Company == nil {
			t.Logf("position employer %q has no company in the sandbox", pos.Employer)
		}
	}
	if current == 0 {
		t.Error("no current position in experience")
	}
	for _, e := range p.Events {
		if e.Employee.Name != p.FullName {
			t.Errorf("person event is about %q, want %q", e.Employee.Name, p.FullName)
		}
	}
	withEducation := false
	for _, q := range data.People {
		if len(q.Education) > 0 && q.Education[0].Institution != "" {
			withEducation = true
		}
	}
	if !withEducation {
		t.Error("no IBM person has education with an institution")
	}
}

func TestEnrichPersonFindsBestMatch(t *testing.T) {
	g := newGateway(t)
	var people struct {
		People []struct{ FullName, CurrentEmployer string }
	}
	g.query(`{ people(company: "Oracle") { fullName currentEmployer } }`, nil, &people)
	if len(people.People) == 0 {
		t.Fatal("no Oracle people to enrich")
	}
	want := people.People[0]
	first, last, _ := strings.Cut(want.FullName, " ")

	var data struct {
		EnrichPerson *struct{ FullName string }
		Nobody       *struct{ FullName string }
	}
	g.query(`query ($f: String!, $l: String!, $c: String!) {
		enrichPerson(input: {firstName: $f, lastName: $l, company: $c}) { fullName }
		nobody: enrichPerson(input: {firstName: "Zzyzx", lastName: "Nobody", company: $c}) { fullName }
	}`, map[string]any{"f": first, "l": last, "c": want.CurrentEmployer}, &data)

	if data.EnrichPerson == nil || data.EnrichPerson.FullName != want.FullName {
		t.Errorf("enrichPerson = %+v, want %s", data.EnrichPerson, want.FullName)
	}
	if data.Nobody != nil {
		t.Errorf("enrichPerson of an unknown person = %+v, want null", data.Nobody)
	}
}

func TestPeopleWithoutArgumentsIsBadInput(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`{ people { fullName } }`, nil, nil)

	if resp.code() != graph.CodeBadUserInput {
		t.Errorf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeBadUserInput, resp.Errors)
	}
}

func TestEventAllFields(t *testing.T) {
	g := newGateway(t)
	var data struct {
		Events struct {
			Nodes []struct {
				ID, At, Date, Type, TypeName, Organization string
				Company                                    *struct{ Name string }
				PreviousOrganization                       *string
				PreviousCompany                            *struct{ Name string }
				Location, PreviousLocation                 *struct{ Country, State, City, Region string }
				Source, RecordedAt                         string
				OrgInfo                                    json.RawMessage
				Employee                                   *struct {
					Name, FirstName, LastName, Title, PreviousTitle, Organization string
					PreviousOrganization, ProfileURL, PhotoURL, City, State       *string
					Country                                                       string
					Age                                                           *int
					PreviousFrom, PreviousTo                                      *string
				}
				Person *struct{ FullName string }
			}
		}
	}
	g.query(`{
		events(first: 50, filter: {types: ["job-move"]}) {
			nodes {
				id at date type typeName organization company { name }
				previousOrganization previousCompany { name }
				location { country state city region }
				previousLocation { country state city region }
				source recordedAt orgInfo
				employee {
					name firstName lastName title previousTitle organization previousOrganization
					profileUrl photoUrl city state country age previousFrom previousTo
				}
				person { fullName }
			}
		}
	}`, nil, &data)

	nodes := data.Events.Nodes
	if len(nodes) == 0 {
		t.Fatal("no job-move events")
	}
	var withPrevious, withPerson, withCompany int
	for _, e := range nodes {
		if e.Type != "job-move" || e.ID == "" || e.TypeName == "" {
			t.Errorf("event %s has type %q, typeName %q", e.ID, e.Type, e.TypeName)
		}
		if !strings.HasSuffix(e.At, "Z") || !isISODate(e.Date) {
			t.Errorf("event %s: at %q, date %q; want RFC 3339 UTC and ISO 8601", e.ID, e.At, e.Date)
		}
		if e.Location == nil || e.Employee == nil || e.RecordedAt == "" || len(e.OrgInfo) == 0 {
			t.Errorf("event %s lacks location, employee, recordedAt or orgInfo", e.ID)
		}
		if e.Company != nil && strings.EqualFold(e.Company.Name, e.Organization) {
			withCompany++
		}
		if e.PreviousCompany != nil && e.PreviousOrganization != nil {
			withPrevious++
		}
		if e.Person != nil && e.Employee != nil && e.Person.FullName == e.Employee.Name {
			withPerson++
		}
	}
	if withCompany == 0 || withPrevious == 0 || withPerson == 0 {
		t.Errorf("joins among %d events: %d company, %d previousCompany, %d person; want some of each",
			len(nodes), withCompany, withPrevious, withPerson)
	}
}

func TestSearchEventsPipeline(t *testing.T) {
	g := newGateway(t)
	var data struct {
		SearchEvents struct {
			Nodes    []struct{ Type, Organization string }
			PageInfo struct{ HasNextPage bool }
		}
	}
	g.query(`{
		searchEvents(first: 5, search: {
			dateFrom: "2015-01-01", dateTo: "2026-12-31",
			pipeline: [{name: "type", operator: IN, values: ["job-join", "job-leave"]}]
		}) { nodes { type organization } pageInfo { hasNextPage } }
	}`, nil, &data)

	if len(data.SearchEvents.Nodes) != 5 {
		t.Fatalf("searchEvents(first: 5) returned %d events", len(data.SearchEvents.Nodes))
	}
	for _, e := range data.SearchEvents.Nodes {
		if e.Type != "job-join" && e.Type != "job-leave" {
			t.Errorf("event type %q does not pass the pipeline", e.Type)
		}
	}
	if !data.SearchEvents.PageInfo.HasNextPage {
		t.Error("hasNextPage = false, want true with more matching events")
	}
}

func TestSearchEventsComparesISODates(t *testing.T) {
	g := newGateway(t)
	var data struct {
		SearchEvents struct {
			Nodes []struct{ Date string }
		}
	}
	g.query(`{
		searchEvents(first: 20, search: {
			dateFrom: "2015-01-01", dateTo: "2026-12-31",
			pipeline: [{name: "date", operator: GTE, values: ["2024-06-01"]}]
		}) { nodes { date } }
	}`, nil, &data)

	if len(data.SearchEvents.Nodes) == 0 {
		t.Fatal("no event on or after 2024-06-01")
	}
	for _, e := range data.SearchEvents.Nodes {
		if e.Date < "2024-06-01" {
			t.Errorf("event of %s passed date GTE 2024-06-01", e.Date)
		}
	}
}

func TestSearchEventsMatchesISODate(t *testing.T) {
	g := newGateway(t)
	var day struct {
		SearchEvents struct{ Nodes []struct{ Date string } }
	}
	g.query(`{ searchEvents(first: 1, search: {dateFrom: "2015-01-01", dateTo: "2026-12-31",
		pipeline: [{name: "type", operator: NE, values: ["none"]}]}) { nodes { date } } }`, nil, &day)
	if len(day.SearchEvents.Nodes) == 0 {
		t.Fatal("no event to take a date from")
	}
	date := day.SearchEvents.Nodes[0].Date

	var data struct {
		SearchEvents struct{ Nodes []struct{ Date string } }
	}
	g.query(`query ($d: String!) { searchEvents(first: 20, search: {dateFrom: "2015-01-01", dateTo: "2026-12-31",
		pipeline: [{name: "date", operator: EQ, values: [$d]}]}) { nodes { date } } }`,
		map[string]any{"d": date}, &data)

	if len(data.SearchEvents.Nodes) == 0 {
		t.Fatalf("no event on %s with date EQ %s", date, date)
	}
	for _, e := range data.SearchEvents.Nodes {
		if e.Date != date {
			t.Errorf("event of %s passed date EQ %s", e.Date, date)
		}
	}
}

func TestSearchEventsRejectsImpossibleDate(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`{ searchEvents(search: {dateFrom: "2015-01-01", dateTo: "2026-12-31",
		pipeline: [{name: "date", operator: GT, values: ["2020-02-30"]}]}) { nodes { id } } }`, nil, nil)

	if resp.code() != graph.CodeBadUserInput {
		t.Fatalf("errors %+v, want %s", resp.Errors, graph.CodeBadUserInput)
	}
	if msg := resp.Errors[0].Message; !strings.Contains(msg, "YYYY-MM-DD") {
		t.Errorf("message %q does not give the date form", msg)
	}
}

func TestEventsCsv(t *testing.T) {
	g := newGateway(t)
	var data struct{ EventsCsv string }
	g.query(`{ eventsCsv(first: 3, filter: {types: ["job-join"]}) }`, nil, &data)

	lines := strings.Split(strings.TrimRight(data.EventsCsv, "\r\n"), "\n")
	if !strings.HasPrefix(lines[0], "Data returned with rule") {
		t.Errorf("first line = %q, want the rule line", lines[0])
	}
	if len(lines) != 5 {
		t.Errorf("eventsCsv(first: 3) has %d lines, want rule, header and 3 rows", len(lines))
	}
}

func TestEventsCsvPagesLikeEvents(t *testing.T) {
	g := newGateway(t)
	var page struct {
		Events struct {
			Nodes    []struct{ ID string }
			PageInfo struct{ EndCursor string }
		}
	}
	g.query(`{ events(first: 2) { nodes { id } pageInfo { endCursor } } }`, nil, &page)
	var next struct {
		Events    struct{ Nodes []struct{ ID string } }
		EventsCsv string
	}
	g.query(`query ($after: String) {
		events(first: 3, after: $after) { nodes { id } }
		eventsCsv(first: 3, after: $after)
	}`, map[string]any{"after": page.Events.PageInfo.EndCursor}, &next)

	for _, e := range next.Events.Nodes {
		if !strings.Contains(next.EventsCsv, e.ID) {
			t.Errorf("eventsCsv page lacks event %s of the same events page", e.ID)
		}
	}
	if n := strings.Count(strings.TrimSpace(next.EventsCsv), "\n") + 1; n != 5 {
		t.Errorf("eventsCsv(first: 3, after) has %d lines, want 5", n)
	}
}

func TestDocumentsAllFields(t *testing.T) {
	g := newGateway(t)
	var data struct {
		Documents struct {
			Query struct {
				Keywords, SearchFields, OutputFields, Exclusions, Annotations, Sources []string
				DateFrom, DateTo                                                       string
			}
			Documents []struct {
				ID, ExternalID, Headline, SubHeadline, Abstract, URL, Date, Author, Source string
				Annotations                                                                []struct{ Kind, Label string }
				Photos, Videos                                                             []string
				Entities                                                                   []struct {
					Type, Value string
					Relevance   *float64
					References  []struct{ Type, Value string }
				}
				Quotations []struct {
					SpeakerName, SpeakerTitle, SpeakerOrganization, Quotation string
					Speaker                                                   *struct{ FullName string }
					Organization                                              *struct{ Name string }
				}
				Organizations []struct{ Name string }
			}
		}
		DocumentsReport string
	}
	g.query(`{
		documents(search: {sources: `+allSources+`, dateFrom: "2015-01-01", dateTo: "2026-12-31"}) {
			query { keywords searchFields outputFields exclusions dateFrom dateTo annotations sources }
			documents {
				id externalId headline subHeadline abstract url date author source
				annotations { kind label } photos videos
				entities { type value relevance references { type value } }
				quotations {
					speakerName speakerTitle speakerOrganization quotation
					speaker { fullName } organization { name }
				}
				organizations { name }
			}
		}
		documentsReport(search: {sources: ["Reuters"], keywords: ["partnership"]})
	}`, nil, &data)

	q := data.Documents.Query
	if q.DateFrom != "2015-01-01" || q.DateTo != "2026-12-31" || len(q.Sources) != 6 {
		t.Errorf("query echo = %+v, want the dates and six sources", q)
	}
	docs := data.Documents.Documents
	if len(docs) == 0 {
		t.Fatal("no documents")
	}
	var quotes, speakers, orgs, refs int
	for _, d := range docs {
		if d.ID == "" || d.Headline == "" || !isISODate(d.Date) || d.Source == "" {
			t.Errorf("document %q lacks id, headline, date or source", d.ID)
		}
		for _, e := range d.Entities {
			refs += len(e.References)
		}
		for _, qt := range d.Quotations {
			quotes++
			if qt.Speaker != nil && qt.Speaker.FullName == qt.SpeakerName {
				speakers++
			}
			if qt.Organization != nil {
				orgs++
			}
		}
		for _, o := range d.Organizations {
			if !hasEntity(d.Entities, o.Name) {
				t.Errorf("document %s: organization %q is not one of its entities", d.ID, o.Name)
			}
		}
	}
	if quotes == 0 || speakers == 0 || orgs == 0 || refs == 0 {
		t.Errorf("%d quotations, %d speakers, %d organisations, %d references; want some of each",
			quotes, speakers, orgs, refs)
	}
	if !strings.HasPrefix(data.DocumentsReport, "Cognism Data Report") {
		t.Errorf("documentsReport starts %.40q, want the report title", data.DocumentsReport)
	}
}

func TestDocumentsByEntity(t *testing.T) {
	g := newGateway(t)
	var data struct {
		DocumentsByEntity struct {
			Nodes []struct {
				Headline string
				Entities []struct{ Type, Value string }
				Photos   []string
			}
			Edges []struct {
				Cursor string
				Node   struct{ ID string }
			}
			PageInfo struct {
				HasNextPage            bool
				StartCursor, EndCursor string
			}
		}
	}
	g.query(`{
		documentsByEntity(first: 2, search: {
			term: "Google", tag: ORGANIZATION, sources: `+allSources+`,
			dateFrom: "2015-01-01", dateTo: "2026-12-31"
		}) {
			edges { cursor node { id } }
			nodes { headline entities { type value } photos }
			pageInfo { hasNextPage startCursor endCursor }
		}
	}`, nil, &data)

	nodes := data.DocumentsByEntity.Nodes
	if len(nodes) != 2 || len(data.DocumentsByEntity.Edges) != 2 {
		t.Fatalf("documentsByEntity(first: 2) returned %d nodes and %d edges",
			len(nodes), len(data.DocumentsByEntity.Edges))
	}
	info := data.DocumentsByEntity.PageInfo
	if info.StartCursor != data.DocumentsByEntity.Edges[0].Cursor ||
		info.EndCursor != data.DocumentsByEntity.Edges[1].Cursor {
		t.Errorf("pageInfo cursors %+v do not match the edges", info)
	}
	if !info.HasNextPage {
		t.Error("hasNextPage = false, want more Google documents")
	}
	for _, d := range nodes {
		found := false
		for _, e := range d.Entities {
			if e.Type == "ORGANIZATION" && e.Value == "Google" {
				found = true
			}
		}
		if !found {
			t.Errorf("document %q does not name Google", d.Headline)
		}
	}
}

func isISODate(s string) bool {
	return len(s) == len("2016-04-20") && s[4] == '-' && s[7] == '-'
}

func hasName(items []struct{ Name string }, name string) bool {
	for _, it := range items {
		if strings.EqualFold(it.Name, name) {
			return true
		}
	}
	return false
}

func hasEntity(entities []struct {
	Type, Value string
	Relevance   *float64
	References  []struct{ Type, Value string }
}, name string,
) bool {
	for _, e := range entities {
		if e.Type == "ORGANIZATION" && strings.EqualFold(e.Value, name) {
			return true
		}
	}
	return false
}

func TestJobLeaveEventsJoinPerson(t *testing.T) {
	g := newGateway(t)
	var data struct {
		Events struct {
			Nodes []struct {
				ID       string
				Employee struct{ Name string }
				Person   *struct{ FullName string }
			}
		}
	}

	g.query(`{ events(first: 20, filter: {types: ["job-leave"]}) {
		nodes { id employee { name } person { fullName } } } }`, nil, &data)

	nodes := data.Events.Nodes
	if len(nodes) == 0 {
		t.Fatal("no job-leave events")
	}
	for _, n := range nodes {
		if n.Person == nil {
			t.Errorf("event %s: person of %q is null", n.ID, n.Employee.Name)
			continue
		}
		if !strings.EqualFold(n.Person.FullName, n.Employee.Name) {
			t.Errorf("event %s: person = %q, want %q", n.ID, n.Person.FullName, n.Employee.Name)
		}
	}
}
