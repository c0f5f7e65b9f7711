package cognism

import (
	"encoding/json"
	"strings"
	"time"
)

// DateLayout is the upstream date format dd.MM.yyyy in Go's layout notation.
const DateLayout = "02.01.2006"

// FormatDate renders t in the upstream dd.MM.yyyy form.
func FormatDate(t time.Time) string {
	return t.Format(DateLayout)
}

// ParseDate reads an upstream dd.MM.yyyy date as midnight UTC.
func ParseDate(s string) (time.Time, error) {
	return time.ParseInLocation(DateLayout, strings.TrimSpace(s), time.UTC)
}

// Company is an organisation as returned by the company endpoint.
type Company struct {
	ID            FlexString `json:"id"`
	Name          string     `json:"name"`
	Path          string     `json:"path,omitempty"`
	Type          string     `json:"type,omitempty"`
	Industry      string     `json:"industry,omitempty"`
	Size          string     `json:"size,omitempty"`
	Site          string     `json:"site,omitempty"`
	StreetAddress StringList `json:"street_address"`
	City          string     `json:"city,omitempty"`
	Region        string     `json:"region,omitempty"`
	Zip           string     `json:"zip,omitempty"`
	Country       string     `json:"country,omitempty"`
}

// Person is a professional profile as returned by person search and
// enrichment.
type Person struct {
	UID                FlexString `json:"uid"`
	FullName           string     `json:"full_name"`
	FullNameNormalized string     `json:"full_name_normalized,omitempty"`
	City               string     `json:"city,omitempty"`
	State              string     `json:"state,omitempty"`
	Country            string     `json:"country,omitempty"`
	CountryCode        string     `json:"cc,omitempty"`
	Current            string     `json:"current,omitempty"`
	BirthDate          *FlexInt   `json:"birth_date,omitempty"` // Unix seconds
	VC                 *FlexInt   `json:"vc,omitempty"`         // Unix seconds of this record
	Version            *FlexInt   `json:"ver,omitempty"`
	Skills             StringList `json:"skills"`
	Groups             StringList `json:"groups"`
	Topcard            *Topcard   `json:"topcard,omitempty"`
	Experience         []Position `json:"experience"`
	Certifications     []Position `json:"certifications"`
	Education          []Position `json:"education"`
}

// Topcard is the summary block at the top of a person's profile.
type Topcard struct {
	FullName          string     `json:"full_name,omitempty"`
	Headline          string     `json:"headline,omitempty"`
	Locality          string     `json:"locality,omitempty"`
	Industry          string     `json:"industry,omitempty"`
	Current           StringList `json:"current"`
	MemberConnections FlexString `json:"member-connections,omitempty"`
}

// Position is one entry of a person's experience, certifications or
// education. In experience Name is the job title and a missing To marks the
// current role; in education Name is the institution and Company the
// programme. From and To are free text such as "September 2015".
type Position struct {
	Name        string     `json:"name,omitempty"`
	Company     string     `json:"company,omitempty"`
	From        FlexString `json:"from,omitempty"`
	To          FlexString `json:"to,omitempty"`
	Description string     `json:"description,omitempty"`
}

// Event is one item of the event stream and of the live websocket.
type Event struct {
	ID          FlexString      `json:"id"`
	At          FlexInt         `json:"at"` // Unix milliseconds
	Date        string          `json:"date,omitempty"`
	Type        FlexString      `json:"type"`
	TypeName    string          `json:"typeName,omitempty"`
	Org         string          `json:"org,omitempty"`
	OrgInfo     json.RawMessage `json:"orgInfo,omitempty"`
	OrgToInfo   *OrgRef         `json:"orgToInfo,omitempty"`
	OrgFromInfo *OrgRef         `json:"orgFromInfo,omitempty"`
	Loc         *Location       `json:"loc,omitempty"`
	OldLoc      *Location       `json:"old_loc,omitempty"`
	Source      string          `json:"source,omitempty"`
	Meta        *EventMeta      `json:"meta,omitempty"`
	Employee    *Employee       `json:"employee,omitempty"`
}

// OrgRef names an organisation an event moves to or from.
type OrgRef struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Location is a place attached to an event.
type Location struct {
	Country string `json:"country,omitempty"`
	State   string `json:"state,omitempty"`
	City    string `json:"city,omitempty"`
	Region  string `json:"region,omitempty"`
}

// EventMeta holds bookkeeping about an event record.
type EventMeta struct {
	DateCreated string `json:"datecreated,omitempty"` // ISO 8601 without zone
}

// Employee is the person an event is about.
type Employee struct {
	FirstName       string    `json:"first_name,omitempty"`
	LastName        string    `json:"last_name,omitempty"`
	Name            string    `json:"name,omitempty"`
	Title           string    `json:"title,omitempty"`
	OldJobTitle     string    `json:"old_job_title,omitempty"`
	Organisation    string    `json:"organisation,omitempty"`
	OldOrganisation string    `json:"old_organisation,omitempty"`
	URL             string    `json:"url,omitempty"`
	PhotoURL        string    `json:"photo_url,omitempty"`
	City            string    `json:"city,omitempty"`
	State           string    `json:"state,omitempty"`
	Country         string    `json:"country,omitempty"`
	Age             *FlexInt  `json:"age,omitempty"`
	Previous        *Previous `json:"previous,omitempty"`
}

// Previous is the span of an employee's previous role, as yyyyMM strings.
type Previous struct {
	TimeFrom FlexString `json:"time_from,omitempty"`
	TimeTo   FlexString `json:"time_to,omitempty"`
}

// Document is one news item of the document search.
type Document struct {
	UID         FlexString   `json:"uid"`
	EID         FlexString   `json:"eid,omitempty"`
	Headline    string       `json:"headline,omitempty"`
	SubHeadline string       `json:"subHeadline,omitempty"`
	Abstract    string       `json:"abstract,omitempty"`
	URL         string       `json:"url,omitempty"`
	Date        string       `json:"date,omitempty"`
	Author      string       `json:"author,omitempty"`
	Source      string       `json:"source,omitempty"`
	Annotations []Annotation `json:"annotations"`
	Photos      StringList   `json:"photos"`
	Videos      StringList   `json:"videos"`
	Entities    []Entity     `json:"entities"`
	Quotations  []Quotation  `json:"quotations"`
}

// Annotation classifies a document, such as genre => News.
type Annotation struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
}

// Entity is a named entity found in a document. References holds the nested
// entities that text reports list under "Ref:".
type Entity struct {
	Type       string   `json:"type"`
	Value      string   `json:"value"`
	Relevance  float64  `json:"relevance"`
	References []Entity `json:"references,omitempty"`
}

// Quotation is a quote found in a document with its speaker.
type Quotation struct {
	SpeakerName         string `json:"speakerName,omitempty"`
	SpeakerTitle        string `json:"speakerTitle,omitempty"`
	SpeakerOrganization string `json:"speakerOrganization,omitempty"`
	Quotation           string `json:"quotation"`
}

// DocumentSearch is the JSON result of the document search.
type DocumentSearch struct {
	Query     DocumentQuery `json:"query"`
	Documents []Document    `json:"documents"`
}

// DocumentQuery echoes the parameters a document search ran with.
type DocumentQuery struct {
	Keywords     StringList `json:"keywords"`
	SearchFields StringList `json:"searchFields"`
	OutputFields StringList `json:"outputFields"`
	Exclusions   StringList `json:"exclusions"`
	DateFrom     string     `json:"dateFrom,omitempty"`
	DateTo       string     `json:"dateTo,omitempty"`
	Annotation   StringList `json:"annotation"`
	Source       StringList `json:"source"`
}

// Subscription is a webhook trigger: the vendor calls Callback when an event
// matching Pattern arrives while Active is true.
type Subscription struct {
	ID        string            `json:"_id"`
	IDUser    FlexString        `json:"idUser,omitempty"`
	IDOrg     FlexString        `json:"idOrg,omitempty"`
	Name      string            `json:"name"`
	Active    bool              `json:"active"`
	Pattern   map[string]string `json:"pattern"`
	Callback  Callback          `json:"callback-http"`
	CreatedAt FlexInt           `json:"createdAt,omitempty"` // Unix milliseconds
	UpdatedAt FlexInt           `json:"updatedAt,omitempty"` // Unix milliseconds
}

// Callback is the delivery target of a trigger subscription: the HTTP method
// and URL it calls with each matching event. Headers
// holds "Name: value" lines.
type Callback struct {
	Method  string   `json:"method"`
	URL     string   `json:"url"`
	Headers []string `json:"headers"`
}

// SubscriptionInput is the body of a subscription create or modify call.
type SubscriptionInput struct {
	Name     string            `json:"name"`
	Active   bool              `json:"active"`
	Pattern  map[string]string `json:"pattern"`
	Callback Callback          `json:"callback-http"`
}
