package cognism

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// referencePeople is the person search example of the API reference.
const referencePeople = `{"items": [{"uid": "priyalindqvist", "full_name": "Priya Lindqvist",
  "full_name_normalized": "priya lindqvist", "city": "London",
  "state": "Hampshire", "country": "United Kingdom", "cc": "uk",
  "current": "IBM", "birth_date": 662688000, "vc": 1463147456, "ver": 1,
  "skills": ["Data Management", "Big Data"], "groups": ["IBM Ecosystem ISV and MSP"],
  "topcard": {"full_name": "Priya Lindqvist", "headline": "Big Data Technical Specialist at IBM",
    "locality": "Hursley, Hampshire, United Kingdom",
    "industry": "Information Technology and Services", "current": ["IBM"],
    "member-connections": "500+"},
  "experience": [{"name": "Big Data Technical Sales Specialist", "company": "IBM",
    "from": "September 2015", "description": "Pre-sales for analytics platforms."},
    {"name": "Data Analyst", "company": "IBM", "from": "January 2015", "to": "September 2015"}],
  "certifications": [{"name": "PureData System for Analytics V1", "company": "IBM", "from": "October 2015"}],
  "education": [{"name": "University of Newcastle", "company": "BSc Natural Sciences",
    "from": "2009", "to": "2013"}]}]}`

func TestSearchPeopleQueryAndDecoding(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testPath(t, r, "/prefix/api/v1/person")
		testQuery(t, r, url.Values{"firstName": {"Priya"}, "lastName": {"O'Brien #2"}, "company": {"AT&T?"}})
		_, _ = io.WriteString(w, referencePeople)
	})

	people, err := c.SearchPeople(context.Background(), PersonSearch{
		FirstName: "Priya", LastName: "O'Brien #2", Company: "AT&T?",
	})
	if err != nil {
		t.Fatalf("SearchPeople: %v", err)
	}
	if len(people) != 1 {
		t.Fatalf("SearchPeople returned %d people, want 1", len(people))
	}

	p := people[0]
	birth, vc, ver := FlexInt(662688000), FlexInt(1463147456), FlexInt(1)
	want := Person{
		UID: "priyalindqvist", FullName: "Priya Lindqvist", FullNameNormalized: "priya lindqvist",
		City: "London", State: "Hampshire", Country: "United Kingdom", CountryCode: "uk",
		Current: "IBM", BirthDate: &birth, VC: &vc, Version: &ver,
		Skills: StringList{"Data Management", "Big Data"}, Groups: StringList{"IBM Ecosystem ISV and MSP"},
		Topcard: &Topcard{
			FullName: "Priya Lindqvist", Headline: "Big Data Technical Specialist at IBM",
			Locality: "Hursley, Hampshire, United Kingdom",
			Industry: "Information Technology and Services", Current: StringList{"IBM"},
			MemberConnections: "500+",
		},
		Experience: []Position{
			{
				Name: "Big Data Technical Sales Specialist", Company: "IBM", From: "September 2015",
				Description: "Pre-sales for analytics platforms.",
			},
			{Name: "Data Analyst", Company: "IBM", From: "January 2015", To: "September 2015"},
		},
		Certifications: []Position{{Name: "PureData System for Analytics V1", Company: "IBM", From: "October 2015"}},
		Education:      []Position{{Name: "University of Newcastle", Company: "BSc Natural Sciences", From: "2009", To: "2013"}},
	}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("person mismatch (-want +got):\n%s", diff)
	}
}

func TestSearchPeopleSendsOnlySetFields(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"company": {"Société Générale"}})
		_, _ = io.WriteString(w, `{"items": []}`)
	})
	if _, err := c.SearchPeople(context.Background(), PersonSearch{Company: "Société Générale"}); err != nil {
		t.Fatalf("SearchPeople: %v", err)
	}
}

func TestSearchPeopleRejectsEmptySearch(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("an empty search reached the server")
	})
	if _, err := c.SearchPeople(context.Background(), PersonSearch{}); !errors.Is(err, ErrEmptyPersonSearch) {
		t.Errorf("SearchPeople error = %v, want ErrEmptyPersonSearch", err)
	}
}

func TestEnrichPersonQuery(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testPath(t, r, "/prefix/api/v1/person/enrich")
		testQuery(t, r, url.Values{
			"partialDetails": {"data & analytics, 100%"},
			"firstName":      {"Priya"},
			"lastName":       {"Lindqvist"},
			"company":        {"AC/DC"},
			"city":           {"London"},
			"jobTitle":       {"Head of #data"},
			"email":          {"p+l@example.com"},
		})
		_, _ = io.WriteString(w, referencePeople)
	})

	people, err := c.EnrichPerson(context.Background(), PersonEnrichment{
		PartialDetails: "data & analytics, 100%", FirstName: "Priya", LastName: "Lindqvist",
		Company: "AC/DC", City: "London", JobTitle: "Head of #data", Email: "p+l@example.com",
	})
	if err != nil {
		t.Fatalf("EnrichPerson: %v", err)
	}
	if len(people) != 1 || people[0].UID != "priyalindqvist" {
		t.Errorf("EnrichPerson = %+v, want the reference person", people)
	}
}

func TestEnrichPersonRequiresNameAndCompany(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("an incomplete enrichment reached the server")
	})
	_, err := c.EnrichPerson(context.Background(), PersonEnrichment{FirstName: "Priya", LastName: "Lindqvist"})
	if !errors.Is(err, ErrIncompleteEnrichment) {
		t.Errorf("EnrichPerson error = %v, want ErrIncompleteEnrichment", err)
	}
}
