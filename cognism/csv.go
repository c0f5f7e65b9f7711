package cognism

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ruleLinePrefix starts the first line of an events CSV export.
const ruleLinePrefix = "Data returned with rule"

// EventsCSVColumns are the header names of the events CSV export, in
// column order.
var EventsCSVColumns = []string{
	"Event ID", "Date", "Event Type", "Employee Name", "Employee Job Title",
	"Employee Estimated Age", "Employee URL", "Organization Name", "Organization ID",
	"Client Organization ID", "Organization Industry", "Organization Website",
	"Organization Founded", "Organization Type", "Organization Size", "Region",
	"Country", "State", "City",
}

// fields returns pointers to the row's values in column order.
func (r *EventsCSVRow) fields() []*string {
	return []*string{
		&r.EventID, &r.Date, &r.EventType, &r.EmployeeName, &r.EmployeeJobTitle,
		&r.EmployeeEstimatedAge, &r.EmployeeURL, &r.OrganizationName, &r.OrganizationID,
		&r.ClientOrganizationID, &r.OrganizationIndustry, &r.OrganizationWebsite,
		&r.OrganizationFounded, &r.OrganizationType, &r.OrganizationSize, &r.Region,
		&r.Country, &r.State, &r.City,
	}
}

// String renders the export: the rule line, the header and one row per
// event, separated by ";". Fields that contain ";", a quote or a line break
// are quoted, as are fields that start with a space. A rule that contains a
// line break or starts with a quote is quoted the same way.
func (e *EventsCSV) String() string {
	var b strings.Builder
	b.WriteString(ruleLinePrefix)
	if e.Rule != "" {
		b.WriteString(" " + quoteRule(e.Rule))
	}
	b.WriteString("\n")

	w := csv.NewWriter(&b)
	w.Comma = ';'
	// Writes to a strings.Builder cannot fail, and ';' is a valid Comma.
	_ = w.Write(EventsCSVColumns)
	for i := range e.Rows {
		fields := e.Rows[i].fields()
		record := make([]string, len(fields))
		for j, f := range fields {
			record[j] = *f
		}
		_ = w.Write(record)
	}
	w.Flush()
	return b.String()
}

func quoteRule(rule string) string {
	if !strings.ContainsAny(rule, "\r\n") && !strings.HasPrefix(rule, `"`) {
		return rule
	}
	return `"` + strings.ReplaceAll(rule, `"`, `""`) + `"`
}

// CSVError is an events CSV export that could not be parsed.
type CSVError struct {
	Line   int // 1-based line number, or 0 for the whole text
	Reason string
}

// Error describes the problem and its line.
func (e *CSVError) Error() string {
	if e.Line == 0 {
		return "invalid events CSV: " + e.Reason
	}
	return fmt.Sprintf("invalid events CSV at line %d: %s", e.Line, e.Reason)
}

// ParseEventsCSV reads an events CSV export. It accepts CRLF or LF line
// ends, blank lines, short rows, and header columns in any order, ignoring
// unknown ones. The rule line may be missing when the header comes first.
// The header may be missing after the rule line, and the columns are then
// in the standard order.
// Values are kept exactly as quoted, except that CSV reading turns a CRLF
// inside a quoted field into LF.
func ParseEventsCSV(text string) (*EventsCSV, error) {
	text = strings.TrimPrefix(text, byteOrderMark)
	out := &EventsCSV{}

	rest, skipped := skipBlankLines(text)
	rule, body, ruleLines, found, err := cutRuleLine(rest)
	if err != nil {
		return nil, &CSVError{Line: skipped + 1, Reason: err.Error()}
	}
	if found {
		out.Rule = rule
		rest = body
	}

	r := csv.NewReader(strings.NewReader(rest))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	records, err := r.ReadAll()
	if err != nil {
		return nil, &CSVError{Reason: offsetLines(err, skipped+ruleLines).Error()}
	}
	if !found && (len(records) == 0 || !isHeader(records[0])) {
		return nil, &CSVError{Line: skipped + 1, Reason: fmt.Sprintf(
			"expected %q or a header line with the column %q", ruleLinePrefix, EventsCSVColumns[0])}
	}

	columns := standardColumns()
	if len(records) > 0 && isHeader(records[0]) {
		columns = headerColumns(records[0])
		records = records[1:]
	}
	for _, record := range records {
		out.Rows = append(out.Rows, rowFromRecord(record, columns))
	}
	return out, nil
}

// skipBlankLines drops leading lines that hold only white space and
// returns how many it dropped.
func skipBlankLines(text string) (string, int) {
	count := 0
	for {
		line, rest, found := strings.Cut(text, "\n")
		if !found || strings.TrimSpace(line) != "" {
			return text, count
		}
		text = rest
		count++
	}
}

// cutRuleLine reads the "Data returned with rule <rule>" line at the start
// of text and returns the rule, the text after the line and how many lines
// the rule took. found is false when text does not start with that line.
func cutRuleLine(text string) (rule, rest string, lines int, found bool, err error) {
	after, ok := strings.CutPrefix(text, ruleLinePrefix)
	if !ok {
		return "", text, 0, false, nil
	}
	switch {
	case after == "" || after[0] == '\n':
		return "", strings.TrimPrefix(after, "\n"), 1, true, nil
	case strings.HasPrefix(after, "\r\n") || after == "\r":
		return "", strings.TrimPrefix(after[1:], "\n"), 1, true, nil
	case after[0] != ' ':
		return "", text, 0, false, nil
	}

	after = after[1:]
	if strings.HasPrefix(after, `"`) {
		return cutQuotedRule(after)
	}
	line, rest, _ := strings.Cut(after, "\n")
	return strings.TrimSuffix(line, "\r"), rest, 1, true, nil
}

// cutQuotedRule reads a rule written as a quoted CSV field, which may span
// lines, up to the end of its line.
func cutQuotedRule(text string) (rule, rest string, lines int, found bool, err error) {
	var b strings.Builder
	for i := 1; i < len(text); i++ {
		c := text[i]
		if c != '"' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(text) && text[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		tail, rest, _ := strings.Cut(text[i+1:], "\n")
		if strings.TrimSuffix(tail, "\r") != "" {
			return "", "", 0, false, fmt.Errorf("unexpected %.40q after the quoted rule", tail)
		}
		return b.String(), rest, strings.Count(text[:i], "\n") + 1, true, nil
	}
	return "", "", 0, false, errors.New("the quoted rule has no closing quote")
}

// offsetLines shifts the line numbers of a CSV parse error by the lines
// read before the CSV part.
func offsetLines(err error, lines int) error {
	var parseErr *csv.ParseError
	if errors.As(err, &parseErr) {
		shifted := *parseErr
		shifted.StartLine += lines
		shifted.Line += lines
		return &shifted
	}
	return err
}

// isHeader reports whether a record is the header line, which is known by
// its "Event ID" column in any position.
func isHeader(record []string) bool {
	for _, name := range record {
		if normalizeColumn(name) == normalizeColumn(EventsCSVColumns[0]) {
			return true
		}
	}
	return false
}

func normalizeColumn(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}

// standardColumns maps each position to the column of the same position.
func standardColumns() []int {
	columns := make([]int, len(EventsCSVColumns))
	for i := range columns {
		columns[i] = i
	}
	return columns
}

// headerColumns maps each position of the header to a column index, or -1
// for an unknown or repeated name.
func headerColumns(header []string) []int {
	known := make(map[string]int, len(EventsCSVColumns))
	for i, name := range EventsCSVColumns {
		known[normalizeColumn(name)] = i
	}
	columns := make([]int, len(header))
	for i, name := range header {
		key := normalizeColumn(name)
		index, ok := known[key]
		if !ok {
			columns[i] = -1
			continue
		}
		columns[i] = index
		delete(known, key)
	}
	return columns
}

func rowFromRecord(record []string, columns []int) EventsCSVRow {
	var row EventsCSVRow
	fields := row.fields()
	for i, value := range record {
		if i < len(columns) && columns[i] >= 0 {
			*fields[columns[i]] = value
		}
	}
	return row
}

// NewEventsCSVRow returns the CSV row for an event. The organisation
// columns other than the name come from the event's orgInfo object, read at
// the keys id, client_id, industry, website, founded, type and size. A
// missing key leaves its column empty.
func NewEventsCSVRow(e Event) EventsCSVRow {
	row := EventsCSVRow{
		EventID:          string(e.ID),
		Date:             e.Date,
		EventType:        string(e.Type),
		OrganizationName: e.Org,
	}
	if emp := e.Employee; emp != nil {
		row.EmployeeName = emp.Name
		if row.EmployeeName == "" {
			row.EmployeeName = strings.TrimSpace(emp.FirstName + " " + emp.LastName)
		}
		row.EmployeeJobTitle = emp.Title
		row.EmployeeURL = emp.URL
		if emp.Age != nil {
			row.EmployeeEstimatedAge = strconv.FormatInt(int64(*emp.Age), 10)
		}
	}
	if loc := e.Loc; loc != nil {
		row.Region, row.Country, row.State, row.City = loc.Region, loc.Country, loc.State, loc.City
	}

	info := orgInfoFields(e.OrgInfo)
	row.OrganizationID = info["id"]
	row.ClientOrganizationID = info["client_id"]
	row.OrganizationIndustry = info["industry"]
	row.OrganizationWebsite = info["website"]
	row.OrganizationFounded = info["founded"]
	row.OrganizationType = info["type"]
	row.OrganizationSize = info["size"]
	return row
}

// orgInfoFields reads the string and number members of an orgInfo object;
// other members, and anything that is not an object, yield nothing.
func orgInfoFields(raw json.RawMessage) map[string]string {
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil {
		return nil
	}
	out := make(map[string]string, len(members))
	for key, value := range members {
		var s FlexString
		if json.Unmarshal(value, &s) == nil {
			out[key] = string(s)
		}
	}
	return out
}
