package cognism

// Report is a parsed text report of the document endpoints: the query block
// and one item per document.
type Report struct {
	// Extended marks the entity search layout, whose items also carry
	// Abstract: and Photos: sections.
	Extended bool
	Query    []ReportParam
	Items    []ReportItem
}

// ReportParam is one "Name = value" line of a report's query block, in the
// order the report lists them.
type ReportParam struct {
	Name  string
	Value string
}

// ReportItem is one "[n] headline" block of a report.
type ReportItem struct {
	Number   int
	Document Document
}

// EventsCSV is a parsed events CSV export.
type EventsCSV struct {
	Rule string // from the "Data returned with rule" line
	Rows []EventsCSVRow
}

// EventsCSVRow is one event row of the CSV export, in column order.
type EventsCSVRow struct {
	EventID              string
	Date                 string
	EventType            string
	EmployeeName         string
	EmployeeJobTitle     string
	EmployeeEstimatedAge string
	EmployeeURL          string
	OrganizationName     string
	OrganizationID       string
	ClientOrganizationID string
	OrganizationIndustry string
	OrganizationWebsite  string
	OrganizationFounded  string
	OrganizationType     string
	OrganizationSize     string
	Region               string
	Country              string
	State                string
	City                 string
}
