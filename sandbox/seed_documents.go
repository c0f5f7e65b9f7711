package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"regexp"
	"strings"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

// firstDocumentUID is the uid of the first seeded document.
const firstDocumentUID = 100_000

// documentStory is one kind of news item: its headline, sub-headline and
// abstract with %[1]s for the company, %[2]s for the person, %[3]s for the
// person's title, %[4]s for a second company and %[5]s for a city.
type documentStory struct {
	Headline, SubHeadline, Abstract, Subject string
}

var documentStories = []documentStory{
	{
		"%[1]s appoints %[2]s as %[3]s",
		"The former executive of %[4]s takes up the role in %[5]s",
		"<p>%[1]s has appointed %[2]s as %[3]s. %[2]s joins from %[4]s and will be based in %[5]s.</p>",
		"PER",
	},
	{
		"%[1]s appoints new chief marketing officer",
		"%[2]s leaves %[4]s to lead marketing",
		"%[1]s named %[2]s chief marketing officer, effective immediately, after a search that began in %[5]s.",
		"PER",
	},
	{
		"%[1]s reports quarterly results ahead of forecasts",
		"Revenue grew in every region, %[3]s %[2]s said",
		"<p>%[1]s beat analyst expectations for the quarter. %[2]s, %[3]s, credited demand in %[5]s.</p>",
		"ECO",
	},
	{
		"%[1]s to acquire %[4]s",
		"The deal extends %[1]s's reach in %[5]s",
		"%[1]s agreed to buy %[4]s. %[2]s, %[3]s of %[1]s, said the companies share customers.",
		"ORG",
	},
	{
		"%[1]s opens new office in %[5]s",
		"The site in %[5]s will employ several hundred people",
		"<p>%[1]s is opening an office in %[5]s, led by %[2]s.</p>",
		"ORG",
	},
	{
		"%[2]s to step down as %[3]s of %[1]s",
		"A successor from %[4]s is expected to be named",
		"%[2]s will leave %[1]s at the end of the year. The board has begun a search in %[5]s.",
		"PER",
	},
	{
		"%[1]s and %[4]s announce partnership",
		"The companies will sell a joint offering from %[5]s",
		"<p>%[1]s and %[4]s signed a partnership. %[2]s, %[3]s, will oversee it.</p>",
		"ORG",
	},
}

var (
	documentGenres = []string{"News", "News", "News", "Opinion", "Press Release", "Analysis"}
	htmlTag        = regexp.MustCompile(`<[^>]*>`)
)

func (g *generator) insertDocuments(ctx context.Context, tx *sql.Tx, counts seedCounts) error {
	stmts, err := prepareDocumentStatements(ctx, tx)
	if err != nil {
		return err
	}
	defer stmts.close()

	for i := range counts.Documents {
		doc := g.document(firstDocumentUID + i)
		if err := stmts.insert(ctx, doc); err != nil {
			return err
		}
	}
	return nil
}

// documentStatements insert a document into its table, the full-text index,
// the annotation index and the entity index.
type documentStatements struct {
	doc, fts, annotation, entity *sql.Stmt
}

func prepareDocumentStatements(ctx context.Context, tx *sql.Tx) (*documentStatements, error) {
	queries := []string{
		"INSERT INTO documents (uid, day, source_fold, data) VALUES (?, ?, ?, ?)",
		"INSERT INTO documents_fts (rowid, articleName, subHeadline, abstract) VALUES (?, ?, ?, ?)",
		"INSERT INTO document_annotations (uid, kind_fold, label_fold) VALUES (?, ?, ?)",
		"INSERT INTO document_entities (uid, type, value_fold, relevance) VALUES (?, ?, ?, ?)",
	}
	var stmts []*sql.Stmt
	for _, q := range queries {
		stmt, err := tx.PrepareContext(ctx, q)
		if err != nil {
			for _, s := range stmts {
				s.Close()
			}
			return nil, err
		}
		stmts = append(stmts, stmt)
	}
	return &documentStatements{stmts[0], stmts[1], stmts[2], stmts[3]}, nil
}

func (s *documentStatements) close() {
	for _, stmt := range []*sql.Stmt{s.doc, s.fts, s.annotation, s.entity} {
		stmt.Close()
	}
}

func (s *documentStatements) insert(ctx context.Context, doc cognism.Document) error {
	uid := string(doc.UID)
	day, err := cognism.ParseDate(doc.Date)
	if err != nil {
		return err
	}
	data, err := marshalText(doc)
	if err != nil {
		return err
	}

	if _, err := s.doc.ExecContext(ctx, uid, dayNumber(day), fold(doc.Source), data); err != nil {
		return err
	}
	_, err = s.fts.ExecContext(ctx, uid, doc.Headline, doc.SubHeadline, plainText(doc.Abstract))
	if err != nil {
		return err
	}
	for _, a := range doc.Annotations {
		if _, err := s.annotation.ExecContext(ctx, uid, fold(a.Kind), fold(a.Label)); err != nil {
			return err
		}
	}
	for _, e := range doc.Entities {
		if _, err := s.entity.ExecContext(ctx, uid, e.Type, fold(e.Value), e.Relevance); err != nil {
			return err
		}
	}
	return nil
}

// dayNumber counts days since the Unix epoch, so that date bounds compare
// as integers.
func dayNumber(t time.Time) int64 {
	return t.Unix() / 86400
}

// plainText strips HTML tags and entities from an abstract before indexing.
func plainText(s string) string {
	return html.UnescapeString(htmlTag.ReplaceAllString(s, " "))
}

// document generates one news item about a seeded company and person.
func (g *generator) document(uid int) cognism.Document {
	f := g.f
	p := g.people[f.IntN(len(g.people))]
	company, other := p.Current, g.pickOtherCompany(p.Current)
	city := p.Place.City
	story := documentStories[f.IntN(len(documentStories))]
	fill := func(format string) string {
		return fmt.Sprintf(format, company.Name, p.name(), p.Title, other.Name, city)
	}
	at := g.timeBetween(seedStart, seedEnd)
	source := g.pick(documentSources)

	doc := cognism.Document{
		UID:         cognism.FlexString(fmt.Sprint(uid)),
		EID:         cognism.FlexString(fmt.Sprintf("%016x", f.Rand.Uint64())),
		Headline:    fill(story.Headline),
		SubHeadline: fill(story.SubHeadline),
		Abstract:    fill(story.Abstract) + " " + f.Sentence(),
		URL:         fmt.Sprintf("https://news.example.com/%s/%d", slugify(source), uid),
		Date:        cognism.FormatDate(at),
		Author:      f.FirstName() + " " + f.LastName(),
		Source:      source,
		Annotations: []cognism.Annotation{
			{Kind: "genre", Label: g.pick(documentGenres)},
			{Kind: "subject", Label: story.Subject},
			{Kind: "industry", Label: industryCode(company.Industry)},
			{Kind: "language", Label: "en"},
		},
		Photos:     g.mediaURLs("https://img.example.com/news/%d-%d.jpg", uid, f.IntN(3)),
		Videos:     g.mediaURLs("https://video.example.com/news/%d-%d.mp4", uid, f.IntN(4)/3),
		Entities:   g.entities(p, company, other, city),
		Quotations: g.quotations(p, company),
	}
	return doc
}

func (g *generator) mediaURLs(format string, uid, n int) cognism.StringList {
	out := cognism.StringList{}
	for i := range n {
		out = append(out, fmt.Sprintf(format, uid, i+1))
	}
	return out
}

// entities lists the document's company first and most relevant, the
// person with their title as a nested reference, the second company and the
// city, and sometimes an email address.
func (g *generator) entities(p *seedPerson, company, other *seedCompany, city string) []cognism.Entity {
	f := g.f
	relevance := func(lo, hi int) float64 { return float64(f.IntRange(lo, hi)) }
	out := []cognism.Entity{
		{Type: "ORGANIZATION", Value: company.Name, Relevance: relevance(6, 10)},
		{
			Type: "PERSON", Value: p.name(), Relevance: relevance(2, 9),
			References: []cognism.Entity{{
				Type: "TITLE", Value: p.Title, Relevance: 1,
				References: []cognism.Entity{{Type: "ORGANIZATION", Value: company.Name, Relevance: 1}},
			}},
		},
		{Type: "ORGANIZATION", Value: other.Name, Relevance: relevance(1, 5)},
		{Type: "LOCATION", Value: city, Relevance: relevance(1, 4)},
	}
	if f.IntN(5) == 0 {
		out = append(out, cognism.Entity{Type: "EMAIL", Value: "press@" + slugify(company.Name) + ".example", Relevance: 1})
	}
	return out
}

func (g *generator) quotations(p *seedPerson, company *seedCompany) []cognism.Quotation {
	if g.f.IntN(3) == 0 {
		return []cognism.Quotation{}
	}
	text := strings.TrimSuffix(g.f.Sentence(), ".")
	return []cognism.Quotation{{
		SpeakerName:         p.name(),
		SpeakerTitle:        p.Title,
		SpeakerOrganization: company.Name,
		Quotation:           text + ".",
	}}
}
