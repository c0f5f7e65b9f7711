package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	json "github.com/goccy/go-json"

	"github.com/cognism/graphql-gateway/cognism"
)

// insertEventSQL stores one event; seeding and live events share it.
const insertEventSQL = "INSERT INTO events (id, at, type, org_fold, data) VALUES (?, ?, ?, ?, ?)"

func (g *generator) insertEvents(ctx context.Context, tx *sql.Tx, counts seedCounts) error {
	stmt, err := tx.PrepareContext(ctx, insertEventSQL)
	if err != nil {
		return err
	}
	defer stmt.Close()

	for i := range counts.Events {
		p := g.people[g.f.IntN(len(g.people))]
		kind := eventTypes[i%len(eventTypes)]
		ev := g.event(p, kind.Type, g.timeBetween(seedStart, seedEnd))
		if err := execInsertEvent(ctx, stmt, ev); err != nil {
			return err
		}
	}
	return nil
}

func execInsertEvent(ctx context.Context, stmt *sql.Stmt, ev cognism.Event) error {
	data, err := marshalText(ev)
	if err != nil {
		return err
	}
	_, err = stmt.ExecContext(ctx, string(ev.ID), int64(ev.At), fold(string(ev.Type)), fold(ev.Org), data)
	return err
}

// typeName returns the label of an event type.
func typeName(eventType string) string {
	for _, t := range eventTypes {
		if t.Type == eventType {
			return t.Name
		}
	}
	return ""
}

// event builds an event of the given type about p at the instant at. Its
// org, orgFromInfo and employee name a seeded company and person.
func (g *generator) event(p *seedPerson, eventType string, at time.Time) cognism.Event {
	f := g.f
	org, from := p.Current, p.Previous
	if eventType == "job-leave" {
		org = p.Previous
	}
	if eventType == "310" || eventType == "330" {
		org = g.pickCompany()
	}

	ev := cognism.Event{
		ID:       cognism.FlexString(f.UUID()),
		At:       cognism.FlexInt(at.UnixMilli()),
		Date:     cognism.FormatDate(at),
		Type:     cognism.FlexString(eventType),
		TypeName: typeName(eventType),
		Org:      org.Name,
		OrgInfo:  orgInfo(org),
		Loc:      &cognism.Location{Country: p.Place.Country, State: p.Place.State, City: p.Place.City, Region: p.Place.Region},
		Source:   g.eventSource(eventType),
		Meta:     &cognism.EventMeta{DateCreated: at.Add(time.Duration(f.IntRange(1, 3600)) * time.Second).Format("2006-01-02T15:04:05.000000")},
		Employee: g.employee(p, at),
	}

	switch eventType {
	case "job-join":
		ev.OrgToInfo = &cognism.OrgRef{Name: org.Name, Type: ""}
		ev.OrgFromInfo = &cognism.OrgRef{Name: from.Name, Type: ""}
		ev.OldLoc = ev.Loc
	case "job-leave":
		// employee.organisation names the organisation left. The person
		// has worked at p.Current since, so a person search by company
		// finds them under p.Current and lists org in their experience.
		ev.OrgFromInfo = &cognism.OrgRef{Name: from.Name, Type: ""}
		ev.Employee.Organisation = org.Name
		ev.Employee.OldOrganisation = org.Name
	case "job-move":
		ev.OrgToInfo = &cognism.OrgRef{Name: org.Name, Type: ""}
		ev.OrgFromInfo = &cognism.OrgRef{Name: org.Name, Type: ""}
		ev.Employee.OldOrganisation = org.Name
	case "location-move":
		old := places[f.IntN(len(places))]
		ev.OldLoc = &cognism.Location{Country: old.Country, State: old.State, City: old.City, Region: old.Region}
		ev.Employee.OldJobTitle = ""
		ev.Employee.OldOrganisation = ""
	default:
		ev.Employee.OldJobTitle = ""
		ev.Employee.OldOrganisation = ""
		ev.Employee.Previous = nil
	}
	return ev
}

func orgInfo(c *seedCompany) json.RawMessage {
	data, _ := marshalText(map[string]string{
		"id": string(c.ID), "industry": c.Industry, "size": c.Size, "website": c.Site,
	})
	return json.RawMessage(data)
}

func (g *generator) eventSource(eventType string) string {
	switch eventType {
	case "job-join", "job-leave", "job-move", "location-move":
		return "social"
	case "330":
		return g.pick(eventSources)
	}
	return "news"
}

func (g *generator) employee(p *seedPerson, at time.Time) *cognism.Employee {
	age := cognism.FlexInt(at.Year() - p.BirthYear)
	left := at.AddDate(0, -g.f.IntRange(0, 3), 0)
	started := left.AddDate(-g.f.IntRange(1, 6), -g.f.IntRange(0, 11), 0)
	return &cognism.Employee{
		FirstName:       p.First,
		LastName:        p.Last,
		Name:            p.name(),
		Title:           p.Title,
		OldJobTitle:     p.OldTitle,
		Organisation:    p.Current.Name,
		OldOrganisation: p.Previous.Name,
		URL:             "https://profiles.example.com/" + p.UID,
		PhotoURL:        "https://img.example.com/" + p.UID + ".jpg",
		City:            p.Place.City,
		State:           p.Place.State,
		Country:         p.Place.Country,
		Age:             &age,
		Previous: &cognism.Previous{
			TimeFrom: cognism.FlexString(fmt.Sprintf("%04d%02d", started.Year(), started.Month())),
			TimeTo:   cognism.FlexString(fmt.Sprintf("%04d%02d", left.Year(), left.Month())),
		},
	}
}
