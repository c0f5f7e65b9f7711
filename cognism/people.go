package cognism

import (
	"context"
	"errors"
	"net/url"
)

var (
	endpointPersonSearch = endpoint{"GET", "/api/v1/person", authHeader}
	endpointPersonEnrich = endpoint{"GET", "/api/v1/person/enrich", authHeader}
)

// PersonSearch selects people by name and current employer. At least one
// field must be set; matching is case-insensitive.
type PersonSearch struct {
	FirstName string
	LastName  string
	Company   string
}

// ErrEmptyPersonSearch is returned when a PersonSearch has no field set.
var ErrEmptyPersonSearch = errors.New("cognism: person search needs firstName, lastName or company")

// SearchPeople returns the people matching s.
func (c *Client) SearchPeople(ctx context.Context, s PersonSearch) ([]Person, error) {
	if s.FirstName == "" && s.LastName == "" && s.Company == "" {
		return nil, ErrEmptyPersonSearch
	}
	q := url.Values{}
	setIfPresent(q, "firstName", s.FirstName)
	setIfPresent(q, "lastName", s.LastName)
	setIfPresent(q, "company", s.Company)

	var out struct {
		Items []Person `json:"items"`
	}
	cl := call{endpoint: endpointPersonSearch, path: "/api/v1/person", query: q}
	if err := c.getJSON(ctx, cl, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// PersonEnrichment describes a person to look up. FirstName, LastName and
// Company are required; PartialDetails is a free-text hint.
type PersonEnrichment struct {
	PartialDetails string
	FirstName      string
	LastName       string
	Company        string
	City           string
	Country        string
	JobTitle       string
	Email          string
}

// ErrIncompleteEnrichment is returned when a PersonEnrichment lacks a
// required field.
var ErrIncompleteEnrichment = errors.New("cognism: person enrichment needs firstName, lastName and company")

// EnrichPerson returns the people matching e, best match first. An empty
// slice means no match.
func (c *Client) EnrichPerson(ctx context.Context, e PersonEnrichment) ([]Person, error) {
	if e.FirstName == "" || e.LastName == "" || e.Company == "" {
		return nil, ErrIncompleteEnrichment
	}
	q := url.Values{}
	q.Set("partialDetails", e.PartialDetails)
	q.Set("firstName", e.FirstName)
	q.Set("lastName", e.LastName)
	q.Set("company", e.Company)
	setIfPresent(q, "city", e.City)
	setIfPresent(q, "country", e.Country)
	setIfPresent(q, "jobTitle", e.JobTitle)
	setIfPresent(q, "email", e.Email)

	var out struct {
		Items []Person `json:"items"`
	}
	cl := call{endpoint: endpointPersonEnrich, path: "/api/v1/person/enrich", query: q}
	if err := c.getJSON(ctx, cl, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}
