package graph

import (
	"context"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"golang.org/x/sync/errgroup"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/loader"
	"github.com/cognism/graphql-gateway/graph/model"
	"github.com/cognism/graphql-gateway/graph/scalar"
)

// NewsDefaults fills the arguments of Company.news that a query leaves out.
type NewsDefaults struct {
	// Sources are searched when the query names none.
	Sources []string
	// Window is how far before dateTo the search starts when dateFrom is
	// left out; zero means ten years.
	Window time.Duration
}

// companyByName loads the companies listed for name, without its
// surrounding whitespace, and picks one: the exact case-insensitive match,
// else the first, else nil.
func (r *Resolver) companyByName(ctx context.Context, name string) (*model.Company, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, nil
	}
	companies, err := r.loaders(ctx).Companies(ctx, name)
	if err != nil {
		return nil, err
	}
	return pickCompany(companies, name), nil
}

// companiesByName resolves several names at once, so the loader receives
// them in one batch. Names without a company are left out, and so are names
// whose lookup failed: each failure is reported as its own error at the
// field, so one failed name does not null the list and, through it, its
// parents.
func (r *Resolver) companiesByName(ctx context.Context, names []string) ([]model.Company, error) {
	wait := r.loaders(ctx).CompaniesLater(ctx, names)

	out := make([]model.Company, 0, len(names))
	for i, name := range names {
		companies, err := wait[i]()
		if err != nil {
			graphql.AddError(ctx, err)
			continue
		}
		if c := pickCompany(companies, strings.TrimSpace(name)); c != nil {
			out = append(out, *c)
		}
	}
	return out, nil
}

// personByName loads the people a search by name and organisation lists and
// picks the one whose full name matches, else the first, else nil.
func (r *Resolver) personByName(ctx context.Context, fullName, first, last, org string) (*model.Person, error) {
	key, ok := personKey(fullName, first, last, org)
	if !ok {
		return nil, nil
	}
	people, err := r.loaders(ctx).People(ctx, key)
	if err != nil {
		return nil, err
	}
	if fullName == "" {
		fullName = strings.TrimSpace(first + " " + last)
	}
	return pickPerson(people, fullName), nil
}

// personByUniqueName searches people by name alone and returns the one
// whose full name matches, or nil when none or several do, because a name
// alone does not tell namesakes apart.
func (r *Resolver) personByUniqueName(ctx context.Context, fullName, first, last string) (*model.Person, error) {
	key, ok := personKey(fullName, first, last, "")
	if !ok {
		return nil, nil
	}
	people, err := r.loaders(ctx).People(ctx, key)
	if err != nil {
		return nil, err
	}
	if fullName == "" {
		fullName = strings.TrimSpace(first + " " + last)
	}
	return pickUniquePerson(people, fullName), nil
}

// jobLeaveType is the event type of an employee leaving the event's
// organisation.
const jobLeaveType = "job-leave"

// personAfterLeave finds the employee of a job-leave event. The search by
// organisation matches current employers, so it rarely finds someone who
// left, and the searches by each organisation and by name alone run at
// once, in one round of upstream calls, instead of one after another. The
// first organisation that finds the person wins, else a unique name match.
func (r *Resolver) personAfterLeave(ctx context.Context, fullName, first, last string, orgs []string) (*model.Person, error) {
	found := make([]*model.Person, len(orgs)+1)
	var g errgroup.Group
	for i, org := range orgs {
		g.Go(func() (err error) {
			found[i], err = r.personByName(ctx, fullName, first, last, org)
			return err
		})
	}
	g.Go(func() (err error) {
		found[len(orgs)], err = r.personByUniqueName(ctx, fullName, first, last)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}

	for _, person := range found {
		if person != nil {
			return person, nil
		}
	}
	return nil, nil
}

// newsKey builds the entity search of a company's news.
func (r *Resolver) newsKey(name string, aboutness *int, sources []string, from, to *scalar.Date) (loader.DocumentsKey, error) {
	key := loader.DocumentsKey{Term: name, Tag: cognism.TagOrganization}
	if len(sources) == 0 {
		sources = r.News.Sources
	}
	if len(sources) == 0 {
		return key, inputErrorf("sources", "no default news sources are configured; pass sources")
	}
	if err := checkListValues("sources", sources); err != nil {
		return key, err
	}
	key.Sources = strings.Join(sources, ",")

	if aboutness != nil {
		if *aboutness < 1 || *aboutness > 10 {
			return key, inputErrorf("aboutness", "%d is out of range; use 1 to 10", *aboutness)
		}
		key.Aboutness = *aboutness
	}

	key.DateTo = scalar.TimeOf(to)
	if to == nil {
		key.DateTo = scalar.NewDate(time.Now()).Time
	}
	key.DateFrom = scalar.TimeOf(from)
	if from == nil {
		window := r.News.Window
		if window <= 0 {
			window = 10 * 365 * 24 * time.Hour
		}
		key.DateFrom = scalar.NewDate(key.DateTo.Add(-window)).Time
	}
	if from != nil && to != nil && key.DateTo.Before(key.DateFrom) {
		return key, inputErrorf("dateTo", "%s is before dateFrom %s; swap them",
			key.DateTo.Format(time.DateOnly), key.DateFrom.Format(time.DateOnly))
	}
	return key, nil
}

// documentsConnection pages an entity search through the request's
// documents loader.
func (r *Resolver) documentsConnection(ctx context.Context, key loader.DocumentsKey, w window) (*model.DocumentConnection, error) {
	loaders := r.loaders(ctx)
	fetch := func(p upstreamPage) ([]cognism.Document, error) {
		k := key
		k.Page, k.Count = p.page, p.count
		report, err := loaders.Documents(ctx, k)
		if err != nil {
			return nil, err
		}
		return reportDocuments(report), nil
	}
	page, err := fetchWindow(w, maxEntityCount, documentID, fetch)
	if err != nil {
		return nil, err
	}
	return documentConnection(page), nil
}

// maxEntityCount is the largest page the gateway requests from the entity
// search.
const maxEntityCount = 500

func reportDocuments(report *cognism.Report) []cognism.Document {
	if report == nil {
		return nil
	}
	docs := make([]cognism.Document, 0, len(report.Items))
	for _, item := range report.Items {
		docs = append(docs, item.Document)
	}
	return docs
}

// organizationNames lists the distinct ORGANIZATION entities of a document
// in order.
func organizationNames(entities []model.Entity) []string {
	seen := map[string]bool{}
	var names []string
	for _, e := range entities {
		if e.Type != string(cognism.TagOrganization) || e.Value == "" {
			continue
		}
		key := strings.ToLower(e.Value)
		if seen[key] {
			continue
		}
		seen[key] = true
		names = append(names, e.Value)
	}
	return names
}

// checkCompanyName rejects an empty company name argument.
func checkCompanyName(name string) error {
	if strings.TrimSpace(name) == "" {
		return inputErrorf("name", "must not be empty; pass a company name or part of one")
	}
	return nil
}
