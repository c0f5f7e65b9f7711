package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/brianvoe/gofakeit/v7"
	"golang.org/x/text/unicode/norm"

	"github.com/cognism/graphql-gateway/cognism"
)

// Full-scale row counts of the seeded dataset.
const (
	seedCompanies = 500
	seedPeople    = 10_000
	seedEvents    = 50_000
	seedDocuments = 5_000
)

// The seeded events and documents fall between these instants.
var (
	seedStart = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	seedEnd   = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
)

// seedCounts are the row counts for one scale.
type seedCounts struct {
	Companies, People, Events, Documents int
}

func countsFor(scale float64) seedCounts {
	n := func(full int) int { return max(1, int(math.Round(float64(full)*scale))) }
	return seedCounts{
		Companies: max(len(realCompanies)+20, n(seedCompanies)),
		People:    max(50, n(seedPeople)),
		Events:    n(seedEvents),
		Documents: n(seedDocuments),
	}
}

// seedPerson holds the facts about a seeded person that events and
// documents use.
type seedPerson struct {
	UID, First, Last, Title, OldTitle string
	Current, Previous                 *seedCompany
	Place                             place
	BirthYear                         int
}

func (p *seedPerson) name() string { return p.First + " " + p.Last }

// generator builds the dataset from one deterministic random source.
type generator struct {
	f         *gofakeit.Faker
	companies []*seedCompany
	weights   []int // employment weight per company, aligned with companies
	total     int
	people    []*seedPerson
}

// newGenerator returns a generator for seed. gofakeit.New treats seed 0 as
// "random", so the source is built directly to keep every seed
// deterministic.
func newGenerator(seed int64) *generator {
	src := rand.NewPCG(uint64(seed), 0x5eed)
	return &generator{f: gofakeit.NewFaker(src, false)}
}

// seedIfEmpty fills an empty database from the seed and records the seed;
// a database that already holds a seed is left as it is.
func seedIfEmpty(ctx context.Context, db *sql.DB, seed int64, scale float64) (bool, error) {
	if _, ok, err := getMeta(ctx, db, "seed"); err != nil || ok {
		return false, err
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()

	g := newGenerator(seed)
	counts := countsFor(scale)
	steps := []func(context.Context, *sql.Tx, seedCounts) error{
		g.insertCompanies, g.insertPeople, g.insertEvents, g.insertDocuments,
	}
	for _, step := range steps {
		if err := step(ctx, tx, counts); err != nil {
			return false, fmt.Errorf("seeding: %w", err)
		}
	}

	meta := map[string]string{"seed": strconv.FormatInt(seed, 10), "scale": strconv.FormatFloat(scale, 'g', -1, 64)}
	for k, v := range meta {
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?)", k, v); err != nil {
			return false, err
		}
	}
	return true, tx.Commit()
}

func (g *generator) insertCompanies(ctx context.Context, tx *sql.Tx, counts seedCounts) error {
	stmt, err := tx.PrepareContext(ctx,
		"INSERT INTO companies (id, name_fold, path, founded, data) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer stmt.Close()

	paths := map[string]bool{}
	for i := range realCompanies {
		c := realCompanies[i]
		g.addCompany(&c, 10)
		paths[c.Path] = true
	}
	g.weights[0] = 40 // IBM, first in realCompanies, gets the most people.
	g.total += 30

	names := map[string]bool{}
	for _, c := range g.companies {
		names[fold(c.Name)] = true
	}
	for _, c := range nameClashCompanies {
		names[fold(c.Name)] = true
		paths[c.Path] = true
	}
	for id := 2000; len(g.companies) < counts.Companies; id++ {
		c := g.fictionalCompany(id)
		if names[fold(c.Name)] || paths[c.Path] {
			continue // names stay unique, so joins by name find one company
		}
		names[fold(c.Name)] = true
		paths[c.Path] = true
		g.addCompany(c, 1)
	}
	// The name clash pair is added last with weight 0: nobody works there,
	// and every other seeded row is the same as without it.
	for i := range nameClashCompanies {
		c := nameClashCompanies[i]
		g.addCompany(&c, 0)
	}

	for _, c := range g.companies {
		data, err := marshalText(c.Company)
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, string(c.ID), fold(c.Name), fold(c.Path), c.Founded, data); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) addCompany(c *seedCompany, weight int) {
	g.companies = append(g.companies, c)
	g.weights = append(g.weights, weight)
	g.total += weight
}

// companyKinds pair a name suffix with the industries it suits.
var companyKinds = []struct {
	Suffix     string
	Industries []string
}{
	{"Analytics", []string{"Information Technology and Services", "Computer Software"}},
	{"Software", []string{"Computer Software"}},
	{"Labs", []string{"Computer Software", "Internet"}},
	{"Systems", []string{"Information Technology and Services", "Telecommunications"}},
	{"Capital", []string{"Financial Services", "Banking"}},
	{"Insurance", []string{"Insurance"}},
	{"Health", []string{"Hospital & Health Care", "Pharmaceuticals"}},
	{"Energy", []string{"Oil & Energy", "Renewables & Environment"}},
	{"Foods", []string{"Food & Beverages"}},
	{"Retail", []string{"Retail"}},
	{"Logistics", []string{"Logistics and Supply Chain"}},
	{"Media", []string{"Media Production", "Marketing and Advertising"}},
	{"Consulting", []string{"Management Consulting", "Staffing and Recruiting"}},
	{"Motors", []string{"Automotive"}},
	{"Group", industries},
	{"Holdings", industries},
}

// fictionalCompany builds a company with a made-up name, such as
// "Kessler Analytics" or "Hartmann & Blake", and attributes to match. The
// fake-data library's own company names are real organisations, so they
// are not used.
func (g *generator) fictionalCompany(id int) *seedCompany {
	f := g.f
	kind := companyKinds[f.IntN(len(companyKinds))]
	name := f.LastName() + " " + kind.Suffix
	if f.IntN(5) == 0 {
		name = f.LastName() + " & " + f.LastName()
	}
	slug := slugify(name)
	p := places[f.IntN(len(places))]
	return &seedCompany{
		Company: cognism.Company{
			ID:            cognism.FlexString(strconv.Itoa(id)),
			Name:          name,
			Path:          slug,
			Type:          companyTypes[f.IntN(len(companyTypes))],
			Industry:      kind.Industries[f.IntN(len(kind.Industries))],
			Size:          sizeBands[f.IntN(len(sizeBands))],
			Site:          "https://www." + slug + ".example",
			StreetAddress: cognism.StringList{f.StreetNumber() + " " + f.StreetName() + " " + f.StreetSuffix()},
			City:          p.City,
			Region:        p.State,
			Zip:           f.Zip(),
			Country:       p.Country,
		},
		Founded: strconv.Itoa(f.IntRange(1850, 2020)),
	}
}

// pickCompany returns a company with probability proportional to its
// employment weight.
func (g *generator) pickCompany() *seedCompany {
	n := g.f.IntN(g.total)
	for i, w := range g.weights {
		if n < w {
			return g.companies[i]
		}
		n -= w
	}
	return g.companies[len(g.companies)-1]
}

// pickOtherCompany returns a company other than c.
func (g *generator) pickOtherCompany(c *seedCompany) *seedCompany {
	for {
		if other := g.pickCompany(); other != c {
			return other
		}
	}
}

func (g *generator) pick(list []string) string {
	return list[g.f.IntN(len(list))]
}

// fold is the case-insensitive form under which names are indexed and
// compared.
func fold(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// slugify makes a lower-case ASCII path from a name: accents are dropped
// and other characters become "-".
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}
