package loader

import (
	"context"
	"strings"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

// PersonKey selects people by name and current employer, as the person
// search does. Empty fields are left out of the search.
type PersonKey struct {
	FirstName string
	LastName  string
	Company   string
}

// EventsKey is one page of the event stream. Rule is the rendered rule, so
// that equal rules share a key.
type EventsKey struct {
	Rule     string
	DateFrom time.Time
	DateTo   time.Time
	Page     int
	Count    int
}

// DocumentsKey is one page of the entity search. Sources is the source
// names joined by commas, as upstream takes them.
type DocumentsKey struct {
	Term      string
	Tag       cognism.EntityTag
	Sources   string
	DateFrom  time.Time
	DateTo    time.Time
	Aboutness int
	Page      int
	Count     int
}

// fetcher makes the upstream call behind each loader for one key.
type fetcher struct {
	client *cognism.Client
	names  *spellings
}

func (f fetcher) companies(ctx context.Context, folded string) ([]cognism.Company, error) {
	return f.client.CompanyByName(ctx, f.names.original(folded))
}

func (f fetcher) people(ctx context.Context, key PersonKey) ([]cognism.Person, error) {
	return f.client.SearchPeople(ctx, cognism.PersonSearch(key))
}

func (f fetcher) staff(ctx context.Context, folded string) ([]cognism.Person, error) {
	return f.client.SearchPeople(ctx, cognism.PersonSearch{Company: f.names.original(folded)})
}

func (f fetcher) events(ctx context.Context, key EventsKey) ([]cognism.Event, error) {
	rule, err := cognism.ParseRule(key.Rule)
	if err != nil {
		return nil, err
	}
	return f.client.EventStream(ctx, cognism.EventStreamOptions{
		DateFrom: key.DateFrom,
		DateTo:   key.DateTo,
		Rule:     rule,
		Page:     key.Page,
		Count:    key.Count,
	})
}

func (f fetcher) documents(ctx context.Context, key DocumentsKey) (*cognism.Report, error) {
	return f.client.SearchEntities(ctx, cognism.EntitySearchOptions{
		Term:      key.Term,
		Tag:       key.Tag,
		Sources:   strings.Split(key.Sources, ","),
		DateFrom:  key.DateFrom,
		DateTo:    key.DateTo,
		Aboutness: key.Aboutness,
		Page:      key.Page,
		Count:     key.Count,
	})
}
