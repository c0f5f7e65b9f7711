package graph

import (
	"encoding/json"
	"strings"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/model"
	"github.com/cognism/graphql-gateway/graph/scalar"
)

// optional returns nil for an empty string, so GraphQL shows null.
func optional[S ~string](s S) *string {
	if s == "" {
		return nil
	}
	v := string(s)
	return &v
}

func optionalInt(n *cognism.FlexInt) *int {
	if n == nil {
		return nil
	}
	v := int(*n)
	return &v
}

// list returns an empty slice for nil, because list fields are non-null.
func list(items []string) []string {
	if items == nil {
		return []string{}
	}
	return items
}

func companyFromUpstream(c cognism.Company) model.Company {
	return model.Company{
		ID:            string(c.ID),
		Name:          c.Name,
		Path:          optional(c.Path),
		Type:          optional(c.Type),
		Industry:      optional(c.Industry),
		Size:          optional(c.Size),
		Website:       optional(c.Site),
		StreetAddress: list(c.StreetAddress),
		City:          optional(c.City),
		Region:        optional(c.Region),
		Zip:           optional(c.Zip),
		Country:       optional(c.Country),
	}
}

func personFromUpstream(p cognism.Person) model.Person {
	out := model.Person{
		ID:                 string(p.UID),
		FullName:           p.FullName,
		FullNameNormalized: optional(p.FullNameNormalized),
		City:               optional(p.City),
		State:              optional(p.State),
		Country:            optional(p.Country),
		CountryCode:        optional(p.CountryCode),
		CurrentEmployer:    optional(p.Current),
		Version:            optionalInt(p.Version),
		Skills:             list(p.Skills),
		Groups:             list(p.Groups),
		Experience:         positionsFromUpstream(p.Experience),
		Certifications:     certificationsFromUpstream(p.Certifications),
		Education:          educationFromUpstream(p.Education),
	}
	if p.BirthDate != nil {
		if at := scalar.FromUnixSeconds(int64(*p.BirthDate)); at != nil {
			date := scalar.NewDate(at.Time)
			out.BirthDate = &date
		}
	}
	if p.VC != nil {
		out.UpdatedAt = scalar.FromUnixSeconds(int64(*p.VC))
	}
	if t := p.Topcard; t != nil {
		out.Headline = optional(t.Headline)
		out.Locality = optional(t.Locality)
		out.Industry = optional(t.Industry)
		out.Connections = optional(t.MemberConnections)
	}
	return out
}

func positionsFromUpstream(items []cognism.Position) []model.Position {
	out := make([]model.Position, 0, len(items))
	for _, p := range items {
		out = append(out, model.Position{
			Title:       p.Name,
			Employer:    optional(p.Company),
			From:        optional(p.From),
			To:          optional(p.To),
			Current:     p.To == "",
			Description: optional(p.Description),
		})
	}
	return out
}

func certificationsFromUpstream(items []cognism.Position) []model.Certification {
	out := make([]model.Certification, 0, len(items))
	for _, p := range items {
		out = append(out, model.Certification{
			Name:        p.Name,
			Authority:   optional(p.Company),
			From:        optional(p.From),
			To:          optional(p.To),
			Description: optional(p.Description),
		})
	}
	return out
}

func educationFromUpstream(items []cognism.Position) []model.Education {
	out := make([]model.Education, 0, len(items))
	for _, p := range items {
		out = append(out, model.Education{
			Institution: p.Name,
			Programme:   optional(p.Company),
			From:        optional(p.From),
			To:          optional(p.To),
			Description: optional(p.Description),
		})
	}
	return out
}

// EventFromUpstream converts an upstream event to its GraphQL form. An
// unreadable date is left null rather than failing the event.
func EventFromUpstream(e cognism.Event) model.Event {
	out := model.Event{
		ID:               string(e.ID),
		Type:             string(e.Type),
		TypeName:         optional(e.TypeName),
		Organization:     optional(e.Org),
		Location:         locationFromUpstream(e.Loc),
		PreviousLocation: locationFromUpstream(e.OldLoc),
		Source:           optional(e.Source),
		Employee:         employeeFromUpstream(e.Employee),
	}
	if at := scalar.FromUnixMilli(int64(e.At)); at != nil {
		out.At = *at
	}
	out.Date, _ = scalar.ParseUpstreamDate(e.Date)
	if e.OrgFromInfo != nil {
		out.PreviousOrganization = optional(e.OrgFromInfo.Name)
	}
	if e.Meta != nil {
		out.RecordedAt = optional(e.Meta.DateCreated)
	}
	if len(e.OrgInfo) > 0 && string(e.OrgInfo) != "null" {
		out.OrgInfo = scalar.JSON(e.OrgInfo)
	}
	return out
}

func locationFromUpstream(l *cognism.Location) *model.Location {
	if l == nil {
		return nil
	}
	return &model.Location{
		Country: optional(l.Country),
		State:   optional(l.State),
		City:    optional(l.City),
		Region:  optional(l.Region),
	}
}

func employeeFromUpstream(e *cognism.Employee) *model.Employee {
	if e == nil {
		return nil
	}
	out := &model.Employee{
		Name:                 optional(e.Name),
		FirstName:            optional(e.FirstName),
		LastName:             optional(e.LastName),
		Title:                optional(e.Title),
		PreviousTitle:        optional(e.OldJobTitle),
		Organization:         optional(e.Organisation),
		PreviousOrganization: optional(e.OldOrganisation),
		ProfileURL:           optional(e.URL),
		PhotoURL:             optional(e.PhotoURL),
		City:                 optional(e.City),
		State:                optional(e.State),
		Country:              optional(e.Country),
		Age:                  optionalInt(e.Age),
	}
	if e.Previous != nil {
		out.PreviousFrom = optional(e.Previous.TimeFrom)
		out.PreviousTo = optional(e.Previous.TimeTo)
	}
	return out
}

func documentFromUpstream(d cognism.Document) model.Document {
	out := model.Document{
		ID:          string(d.UID),
		ExternalID:  optional(d.EID),
		Headline:    optional(d.Headline),
		SubHeadline: optional(d.SubHeadline),
		Abstract:    optional(d.Abstract),
		URL:         optional(d.URL),
		Author:      optional(d.Author),
		Source:      optional(d.Source),
		Photos:      list(d.Photos),
		Videos:      list(d.Videos),
		Entities:    entitiesFromUpstream(d.Entities),
		Annotations: make([]model.Annotation, 0, len(d.Annotations)),
		Quotations:  make([]model.Quotation, 0, len(d.Quotations)),
	}
	out.Date, _ = scalar.ParseUpstreamDate(d.Date)
	for _, a := range d.Annotations {
		out.Annotations = append(out.Annotations, model.Annotation{Kind: a.Kind, Label: a.Label})
	}
	for _, q := range d.Quotations {
		out.Quotations = append(out.Quotations, model.Quotation{
			SpeakerName:         optional(q.SpeakerName),
			SpeakerTitle:        optional(q.SpeakerTitle),
			SpeakerOrganization: optional(q.SpeakerOrganization),
			Quotation:           q.Quotation,
		})
	}
	return out
}

func entitiesFromUpstream(items []cognism.Entity) []model.Entity {
	out := make([]model.Entity, 0, len(items))
	for _, e := range items {
		relevance := e.Relevance
		out = append(out, model.Entity{
			Type:       e.Type,
			Value:      e.Value,
			Relevance:  &relevance,
			References: entitiesFromUpstream(e.References),
		})
	}
	return out
}

func documentSearchFromUpstream(s *cognism.DocumentSearch) *model.DocumentSearch {
	q := s.Query
	echo := &model.DocumentQueryEcho{
		Keywords:     list(q.Keywords),
		SearchFields: list(q.SearchFields),
		OutputFields: list(q.OutputFields),
		Exclusions:   list(q.Exclusions),
		Annotations:  list(q.Annotation),
		Sources:      list(q.Source),
	}
	echo.DateFrom, _ = scalar.ParseUpstreamDate(q.DateFrom)
	echo.DateTo, _ = scalar.ParseUpstreamDate(q.DateTo)
	return &model.DocumentSearch{Query: echo, Documents: convertAll(s.Documents, documentFromUpstream)}
}

func triggerFromUpstream(s cognism.Subscription) model.TriggerSubscription {
	pattern, err := json.Marshal(s.Pattern)
	if err != nil || s.Pattern == nil {
		pattern = []byte("{}")
	}
	return model.TriggerSubscription{
		ID:             s.ID,
		Name:           s.Name,
		Active:         s.Active,
		Pattern:        scalar.JSON(pattern),
		Callback:       &model.Callback{Method: s.Callback.Method, URL: s.Callback.URL, Headers: list(s.Callback.Headers)},
		UserID:         optional(s.IDUser),
		OrganizationID: optional(s.IDOrg),
		CreatedAt:      scalar.FromUnixMilli(int64(s.CreatedAt)),
		UpdatedAt:      scalar.FromUnixMilli(int64(s.UpdatedAt)),
	}
}

// pickCompany returns the company whose name equals name case-insensitively,
// else the first one, else nil.
func pickCompany(companies []cognism.Company, name string) *model.Company {
	best, ok := pickByName(companies, name, func(c cognism.Company) string { return c.Name })
	if !ok {
		return nil
	}
	out := companyFromUpstream(best)
	return &out
}

// pickPerson returns the person whose full name equals name
// case-insensitively, else the first one, else nil.
func pickPerson(people []cognism.Person, name string) *model.Person {
	best, ok := pickByName(people, name, func(p cognism.Person) string { return p.FullName })
	if !ok {
		return nil
	}
	out := personFromUpstream(best)
	return &out
}

// pickByName returns the first item whose nameOf equals name
// case-insensitively, else the first item with a name. Items without a
// name, such as a null in the upstream list, are never picked, and false
// means no item was.
func pickByName[T any](items []T, name string, nameOf func(T) string) (T, bool) {
	var first *T
	for i, item := range items {
		itemName := nameOf(item)
		if strings.TrimSpace(itemName) == "" {
			continue
		}
		if strings.EqualFold(itemName, name) {
			return item, true
		}
		if first == nil {
			first = &items[i]
		}
	}
	if first == nil {
		var zero T
		return zero, false
	}
	return *first, true
}

// pickUniquePerson returns the one person whose full name matches name,
// or nil when none or several do.
func pickUniquePerson(people []cognism.Person, name string) *model.Person {
	var match *cognism.Person
	for i, p := range people {
		if !strings.EqualFold(p.FullName, name) {
			continue
		}
		if match != nil {
			return nil
		}
		match = &people[i]
	}
	if match == nil {
		return nil
	}
	out := personFromUpstream(*match)
	return &out
}

// convertAll applies convert to each item, returning an empty, non-nil
// slice for no items so that list fields render as [].
func convertAll[From, To any](items []From, convert func(From) To) []To {
	out := make([]To, 0, len(items))
	for _, item := range items {
		out = append(out, convert(item))
	}
	return out
}
