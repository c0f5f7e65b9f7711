package sandbox

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

func (g *generator) insertPeople(ctx context.Context, tx *sql.Tx, counts seedCounts) error {
	stmt, err := tx.PrepareContext(ctx,
		"INSERT INTO people (uid, first_fold, last_fold, current_fold, data) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer stmt.Close()

	uids := map[string]bool{}
	for range counts.People {
		sp, person := g.person(uids)
		data, err := marshalText(person)
		if err != nil {
			return err
		}
		_, err = stmt.ExecContext(ctx, sp.UID, fold(sp.First), fold(sp.Last), fold(sp.Current.Name), data)
		if err != nil {
			return err
		}
		g.people = append(g.people, sp)
	}
	return nil
}

// person generates one fictional person and the profile served for them.
func (g *generator) person(uids map[string]bool) (*seedPerson, cognism.Person) {
	f := g.f
	sp := &seedPerson{First: f.FirstName(), Last: f.LastName()}
	sp.UID = uniqueUID(slugify(sp.First)+slugify(sp.Last), uids)
	sp.Current = g.pickCompany()
	sp.Previous = g.pickOtherCompany(sp.Current)
	sp.Place = places[f.IntN(len(places))]
	sp.BirthYear = f.IntRange(1955, 2001)
	sp.Title = g.jobTitle()
	sp.OldTitle = g.jobTitle()

	experience := g.experience(sp)
	birth := time.Date(sp.BirthYear, time.Month(f.IntRange(1, 12)), f.IntRange(1, 28), 0, 0, 0, 0, time.UTC)
	vc := g.timeBetween(seedStart, seedEnd).Unix()
	version := cognism.FlexInt(f.IntRange(1, 5))
	name := sp.name()

	p := cognism.Person{
		UID:                cognism.FlexString(sp.UID),
		FullName:           name,
		FullNameNormalized: strings.ToLower(name),
		City:               sp.Place.City,
		State:              sp.Place.State,
		Country:            sp.Place.Country,
		CountryCode:        sp.Place.CC,
		Current:            sp.Current.Name,
		BirthDate:          ptr(cognism.FlexInt(birth.Unix())),
		VC:                 ptr(cognism.FlexInt(vc)),
		Version:            &version,
		Skills:             g.sample(skillNames, f.IntRange(2, 6)),
		Groups:             g.sample(groupNames, f.IntRange(0, 2)),
		Topcard: &cognism.Topcard{
			FullName:          name,
			Headline:          sp.Title + " at " + sp.Current.Name,
			Locality:          sp.Place.City + ", " + sp.Place.State + ", " + sp.Place.Country,
			Industry:          sp.Current.Industry,
			Current:           cognism.StringList{sp.Current.Name},
			MemberConnections: cognism.FlexString(g.connections()),
		},
		Experience:     experience,
		Certifications: g.certifications(sp),
		Education:      g.education(sp),
	}
	return sp, p
}

func uniqueUID(base string, uids map[string]bool) string {
	uid := base
	for n := 2; uids[uid]; n++ {
		uid = base + strconv.Itoa(n)
	}
	uids[uid] = true
	return uid
}

func ptr[T any](v T) *T { return &v }

// jobTitle returns an executive title for about one person in ten and a
// seniority, function and role such as "Senior Data Analyst" for the rest.
func (g *generator) jobTitle() string {
	if g.f.IntN(10) == 0 {
		return g.pick(cxoTitles)
	}
	return g.pick(seniorities) + g.pick(jobFunctions) + " " + g.pick(jobRoles)
}

func (g *generator) connections() string {
	n := g.f.IntRange(20, 900)
	if n > 500 {
		return "500+"
	}
	return strconv.Itoa(n)
}

// sample returns n distinct items of list in list order.
func (g *generator) sample(list []string, n int) cognism.StringList {
	picked := map[int]bool{}
	for len(picked) < min(n, len(list)) {
		picked[g.f.IntN(len(list))] = true
	}
	out := cognism.StringList{}
	for i, item := range list {
		if picked[i] {
			out = append(out, item)
		}
	}
	return out
}

// experience lists the current role (no end) and the previous one.
func (g *generator) experience(sp *seedPerson) []cognism.Position {
	f := g.f
	start := f.IntRange(2008, 2024)
	switched := start - f.IntRange(1, 6)
	current := cognism.Position{
		Name:    sp.Title,
		Company: sp.Current.Name,
		From:    cognism.FlexString(g.monthYear(start)),
	}
	if f.IntN(2) == 0 {
		current.Description = f.Sentence()
	}
	previous := cognism.Position{
		Name:    sp.OldTitle,
		Company: sp.Previous.Name,
		From:    cognism.FlexString(g.monthYear(switched)),
		To:      current.From,
	}
	return []cognism.Position{current, previous}
}

func (g *generator) monthYear(year int) string {
	return g.pick(months) + " " + strconv.Itoa(year)
}

func (g *generator) education(sp *seedPerson) []cognism.Position {
	from := sp.BirthYear + 18
	out := []cognism.Position{{
		Name:    g.pick(universities),
		Company: g.pick(programmes),
		From:    cognism.FlexString(strconv.Itoa(from)),
		To:      cognism.FlexString(strconv.Itoa(from + 3 + g.f.IntN(2))),
	}}
	if g.f.IntN(4) == 0 {
		out = append(out, cognism.Position{Name: g.pick(universities), Company: "MBA"})
	}
	return out
}

func (g *generator) certifications(sp *seedPerson) []cognism.Position {
	out := []cognism.Position{}
	for range g.f.IntN(3) {
		out = append(out, cognism.Position{
			Name:    g.pick(certificationNames),
			Company: sp.Current.Name,
			From:    cognism.FlexString(g.monthYear(g.f.IntRange(2010, 2026))),
		})
	}
	return out
}

// timeBetween returns a random instant in [from, to), to the millisecond.
func (g *generator) timeBetween(from, to time.Time) time.Time {
	span := to.Sub(from).Milliseconds()
	return from.Add(time.Duration(g.f.Rand.Uint64()%uint64(span)) * time.Millisecond).UTC()
}
