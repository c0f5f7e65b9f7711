package cognism

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

var (
	endpointDocumentsJSON   = endpoint{"GET", "/api/v1/documents/json", authQuery}
	endpointDocumentsText   = endpoint{"GET", "/api/v1/documents/txt", authQuery}
	endpointDocumentsEntity = endpoint{"GET", "/api/v2/documents/search", authQuery}
)

// DocumentSearchOptions are the parameters of the keyword document search.
// Sources is required. A keyword containing "." needs every dot-separated
// part to appear. Annotations are "kind=label" filters such as
// "industry=AUT".
type DocumentSearchOptions struct {
	Keywords     []string
	Fields       []string
	Exclusions   []string
	OutputFields []string
	Sources      []string
	DateFrom     time.Time
	DateTo       time.Time
	Annotations  []string
}

// DocumentOutputFields lists the document fields that a keyword search's
// outputFields may name, in the order of a document's JSON.
var DocumentOutputFields = []string{
	"uid", "eid", "headline", "subHeadline", "abstract", "url", "date", "author", "source",
	"annotations", "photos", "videos", "entities", "quotations",
}

// ErrNoSources is returned for a document search without a source.
var ErrNoSources = errors.New("cognism: document search needs at least one source")

func (o DocumentSearchOptions) query() (url.Values, error) {
	if len(nonEmpty(o.Sources)) == 0 {
		return nil, ErrNoSources
	}
	q := url.Values{}
	setList(q, "keywords", o.Keywords)
	setList(q, "fields", o.Fields)
	setList(q, "exclusions", o.Exclusions)
	setList(q, "outputFields", o.OutputFields)
	setList(q, "source", o.Sources)
	setDate(q, "dateFrom", o.DateFrom)
	setDate(q, "dateTo", o.DateTo)
	for _, a := range nonEmpty(o.Annotations) {
		q.Add("annotation", a)
	}
	return q, nil
}

// SearchDocuments runs the keyword search and returns the JSON result.
func (c *Client) SearchDocuments(ctx context.Context, opts DocumentSearchOptions) (*DocumentSearch, error) {
	q, err := opts.query()
	if err != nil {
		return nil, err
	}

	var out DocumentSearch
	cl := call{endpoint: endpointDocumentsJSON, path: "/api/v1/documents/json", query: q}
	if err := c.getJSON(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DocumentsReportText runs the keyword search and returns the text report.
func (c *Client) DocumentsReportText(ctx context.Context, opts DocumentSearchOptions) (string, error) {
	q, err := opts.query()
	if err != nil {
		return "", err
	}
	cl := call{endpoint: endpointDocumentsText, path: "/api/v1/documents/txt", query: q}
	return c.getText(ctx, cl)
}

// DocumentsReport runs the keyword search and parses its text report.
func (c *Client) DocumentsReport(ctx context.Context, opts DocumentSearchOptions) (*Report, error) {
	text, err := c.DocumentsReportText(ctx, opts)
	if err != nil {
		return nil, err
	}
	report, err := ParseReport(text)
	if err != nil {
		return nil, &DecodeError{Endpoint: endpointDocumentsText.String(), Err: err}
	}
	return report, nil
}

// EntityTag is the kind of entity an entity search looks for.
type EntityTag string

// Entity tags accepted by the entity search.
const (
	TagOrganization EntityTag = "ORGANIZATION"
	TagPerson       EntityTag = "PERSON"
	TagLocation     EntityTag = "LOCATION"
)

// EntitySearchOptions are the parameters of the v2 entity search. Term,
// Sources, both dates, Page and Count are required by the vendor; a zero
// Count sends 20. Aboutness, from 1 to 10, is the least relevance of the
// entity in a document; zero leaves it out.
type EntitySearchOptions struct {
	Term      string
	Tag       EntityTag
	Sources   []string
	DateFrom  time.Time
	DateTo    time.Time
	Aboutness int
	Page      int
	Count     int
}

func (o EntitySearchOptions) query() (url.Values, error) {
	switch {
	case strings.TrimSpace(o.Term) == "":
		return nil, errors.New("cognism: entity search needs a term")
	case len(nonEmpty(o.Sources)) == 0:
		return nil, ErrNoSources
	case o.DateFrom.IsZero() || o.DateTo.IsZero():
		return nil, errors.New("cognism: entity search needs dateFrom and dateTo")
	case o.Aboutness < 0 || o.Aboutness > 10:
		return nil, fmt.Errorf("cognism: aboutness %d is out of range; use 1 to 10", o.Aboutness)
	case o.Page < 0 || o.Count < 0:
		return nil, fmt.Errorf("cognism: page %d / count %d must not be negative", o.Page, o.Count)
	}
	switch o.Tag {
	case "", TagOrganization, TagPerson, TagLocation:
	default:
		return nil, fmt.Errorf("cognism: unknown entity tag %q; use ORGANIZATION, PERSON or LOCATION", o.Tag)
	}

	q := url.Values{}
	setDate(q, "dateFrom", o.DateFrom)
	setDate(q, "dateTo", o.DateTo)
	setIfPresent(q, "tag", string(o.Tag))
	q.Set("term", o.Term)
	setList(q, "source", o.Sources)
	if o.Aboutness > 0 {
		q.Set("aboutness", strconv.Itoa(o.Aboutness))
	}
	count := o.Count
	if count == 0 {
		count = 20
	}
	q.Set("page", strconv.Itoa(o.Page))
	q.Set("count", strconv.Itoa(count))
	return q, nil
}

// SearchEntitiesText runs the v2 entity search and returns its text report.
func (c *Client) SearchEntitiesText(ctx context.Context, opts EntitySearchOptions) (string, error) {
	q, err := opts.query()
	if err != nil {
		return "", err
	}
	cl := call{endpoint: endpointDocumentsEntity, path: "/api/v2/documents/search", query: q}
	return c.getText(ctx, cl)
}

// SearchEntities runs the v2 entity search and parses its text report.
func (c *Client) SearchEntities(ctx context.Context, opts EntitySearchOptions) (*Report, error) {
	text, err := c.SearchEntitiesText(ctx, opts)
	if err != nil {
		return nil, err
	}
	report, err := ParseReport(text)
	if err != nil {
		return nil, &DecodeError{Endpoint: endpointDocumentsEntity.String(), Err: err}
	}
	return report, nil
}

func setList(q url.Values, key string, values []string) {
	if v := nonEmpty(values); len(v) > 0 {
		q.Set(key, strings.Join(v, ","))
	}
}

func setDate(q url.Values, key string, t time.Time) {
	if !t.IsZero() {
		q.Set(key, FormatDate(t))
	}
}

func nonEmpty(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
