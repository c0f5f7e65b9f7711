// Package queries holds the benchmark queries Q1 to Q3 and, for each, the
// fewest upstream calls that can resolve it: one per distinct key of each
// endpoint, computed from the query's own response.
package queries

import (
	"encoding/json"
	"slices"
	"strings"
)

// Upstream endpoints as the sandbox's request counters name them.
const (
	EndpointCompany      = "GET /api/v1/company/{name}"
	EndpointPeople       = "GET /api/v1/person"
	EndpointEvents       = "GET /api/v1/events/stream"
	EndpointEntitySearch = "GET /api/v2/documents/search"
	EndpointDocuments    = "GET /api/v1/documents/json"
)

// Query is one benchmark query.
type Query struct {
	Name string
	// Text is the GraphQL document. Besides the fields the benchmark is
	// about, it selects the plain fields that the join keys come from;
	// those cost no upstream call.
	Text string
	// Depth is the number of upstream round trips that must follow one
	// another: a join can only start once its parent is known.
	Depth int
	// Minimum returns the fewest calls per endpoint that can resolve the
	// query, from the data of its response.
	Minimum func(data json.RawMessage) (map[string]int, error)
}

// All lists Q1, Q2 and Q3.
var All = []Query{Q1, Q2, Q3}

// Q1 is 50 events with both companies and the person's current company.
var Q1 = Query{
	Name: "Q1",
	Text: `query Q1 {
  events(first: 50) {
    nodes {
      type
      organization
      previousOrganization
      employee { name firstName lastName organization previousOrganization }
      company { name }
      previousCompany { name }
      person { fullName currentEmployer currentCompany { name } }
    }
  }
}`,
	Depth:   3,
	Minimum: minimumQ1,
}

// Q2 is one company with its people, events with their people, and news
// with their organisations.
var Q2 = Query{
	Name: "Q2",
	Text: `query Q2 {
  company(name: "IBM") {
    name
    people(first: 20) { fullName }
    events(first: 20) {
      nodes {
        type
        organization
        previousOrganization
        employee { name firstName lastName organization previousOrganization }
        person { fullName currentEmployer }
      }
    }
    news(first: 10) {
      nodes { entities { type value } organizations { name } }
    }
  }
}`,
	Depth:   3,
	Minimum: minimumQ2,
}

// Q3 is a document search with each document's organisations and each
// quotation's speaker and organisation.
var Q3 = Query{
	Name: "Q3",
	Text: `query Q3 {
  documents(search: {sources: ["Financial Times", "Reuters", "Bloomberg", "The Guardian", "BBC News", "TechCrunch"], keywords: ["appoints"]}) {
    documents {
      entities { type value }
      organizations { name }
      quotations {
        speakerName
        speakerOrganization
        speaker { fullName }
        organization { name }
      }
    }
  }
}`,
	Depth:   2,
	Minimum: minimumQ3,
}

type employee struct {
	Name, FirstName, LastName, Organization, PreviousOrganization string
}

type event struct {
	Type                 string
	Organization         string
	PreviousOrganization string
	Employee             *employee
	Person               *struct{ CurrentEmployer string }
}

type entity struct{ Type, Value string }

// keySet counts distinct keys per endpoint.
type keySet map[string]map[string]bool

func (k keySet) add(endpoint, key string) {
	if key == "" || key == "\x00\x00" {
		return
	}
	if k[endpoint] == nil {
		k[endpoint] = map[string]bool{}
	}
	k[endpoint][key] = true
}

func (k keySet) counts() map[string]int {
	out := map[string]int{}
	for endpoint, keys := range k {
		out[endpoint] = len(keys)
	}
	return out
}

// companyKey folds a name as the company endpoint matches it.
func companyKey(name string) string {
	return strings.ToLower(name)
}

// personKey is the person search of an employee: first and last name and
// the organisation, as the gateway sends them.
func personKey(e *employee, org string) string {
	first, last := e.FirstName, e.LastName
	if first == "" || last == "" {
		first, last, _ = strings.Cut(strings.TrimSpace(e.Name), " ")
		last = strings.TrimSpace(last)
	}
	return first + "\x00" + last + "\x00" + org
}

// addEventPersonKeys adds the person searches the gateway makes for an
// event's person: one per organisation of the employee and the event, in
// order, until a search finds the person, whose current employer is then
// that organisation, and else one by name alone. For a job-leave event
// the gateway makes all of them at once.
func addEventPersonKeys(keys keySet, e event) {
	if e.Employee == nil {
		return
	}
	var orgs []string
	for _, org := range []string{
		e.Employee.Organization, e.Organization,
		e.Employee.PreviousOrganization, e.PreviousOrganization,
	} {
		org = strings.TrimSpace(org)
		if org != "" && !slices.ContainsFunc(orgs, func(o string) bool { return strings.EqualFold(o, org) }) {
			orgs = append(orgs, org)
		}
	}
	for _, org := range orgs {
		keys.add(EndpointPeople, personKey(e.Employee, org))
		if e.Type != "job-leave" && e.Person != nil && strings.EqualFold(e.Person.CurrentEmployer, org) {
			return
		}
	}
	keys.add(EndpointPeople, personKey(e.Employee, ""))
}

func minimumQ1(data json.RawMessage) (map[string]int, error) {
	var out struct {
		Events struct{ Nodes []event }
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	keys := keySet{}
	keys.add(EndpointEvents, "page")
	for _, e := range out.Events.Nodes {
		keys.add(EndpointCompany, companyKey(e.Organization))
		keys.add(EndpointCompany, companyKey(e.PreviousOrganization))
		addEventPersonKeys(keys, e)
		if e.Person != nil {
			keys.add(EndpointCompany, companyKey(e.Person.CurrentEmployer))
		}
	}
	return keys.counts(), nil
}

func minimumQ2(data json.RawMessage) (map[string]int, error) {
	var out struct {
		Company *struct {
			Name   string
			Events struct{ Nodes []event }
			News   struct {
				Nodes []struct{ Entities []entity }
			}
		}
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	keys := keySet{}
	keys.add(EndpointCompany, companyKey("IBM"))
	if out.Company == nil {
		return keys.counts(), nil
	}
	keys.add(EndpointPeople, "staff of "+companyKey(out.Company.Name))
	keys.add(EndpointEvents, "page")
	keys.add(EndpointEntitySearch, "page")
	for _, e := range out.Company.Events.Nodes {
		addEventPersonKeys(keys, e)
	}
	for _, d := range out.Company.News.Nodes {
		for _, en := range d.Entities {
			if en.Type == "ORGANIZATION" {
				keys.add(EndpointCompany, companyKey(en.Value))
			}
		}
	}
	return keys.counts(), nil
}

func minimumQ3(data json.RawMessage) (map[string]int, error) {
	var out struct {
		Documents struct {
			Documents []struct {
				Entities   []entity
				Quotations []struct{ SpeakerName, SpeakerOrganization string }
			}
		}
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	keys := keySet{}
	keys.add(EndpointDocuments, "search")
	for _, d := range out.Documents.Documents {
		for _, en := range d.Entities {
			if en.Type == "ORGANIZATION" {
				keys.add(EndpointCompany, companyKey(en.Value))
			}
		}
		for _, q := range d.Quotations {
			keys.add(EndpointCompany, companyKey(q.SpeakerOrganization))
			if q.SpeakerName != "" {
				keys.add(EndpointPeople, personKey(&employee{Name: q.SpeakerName}, q.SpeakerOrganization))
			}
		}
	}
	return keys.counts(), nil
}

// Total adds up calls over all endpoints.
func Total(calls map[string]int) int {
	n := 0
	for _, c := range calls {
		n += c
	}
	return n
}
