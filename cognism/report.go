package cognism

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Report layout: the title line, then column-0 section headers whose
// content lines are indented by two spaces.
const (
	reportTitle       = "Cognism Data Report"
	sectionQuery      = "Query Parameters:"
	sectionAbstract   = "Abstract:"
	sectionAnnotation = "Annotations:"
	sectionEntities   = "Named Entities:"
	sectionQuotations = "Quotations:"
	sectionPhotos     = "Photos:"
	refPrefix         = "Ref:"
)

// headerKeys are the fields of an item's "EID: … | Source: …" line, in order.
var headerKeys = []string{"EID", "UID", "Date", "Author", "Source"}

// String renders the report in the vendor's text layout. Sections with
// nothing in them are left out, except that an Extended report gives every
// item an Abstract: and a Photos: section. Line breaks inside values become
// spaces and values are trimmed, because the layout has one value per line.
// An item whose Number is zero or less is numbered by its position.
func (r *Report) String() string {
	var b strings.Builder
	b.WriteString(reportTitle + "\n")

	if len(r.Query) > 0 {
		b.WriteString("\n" + sectionQuery + "\n")
		for _, p := range r.Query {
			writeLine(&b, "  "+oneLine(p.Name)+" = "+oneLine(p.Value))
		}
	}
	for i, item := range r.Items {
		number := item.Number
		if number <= 0 {
			number = i + 1
		}
		b.WriteString("\n")
		r.writeItem(&b, number, &item.Document)
	}
	return b.String()
}

func (r *Report) writeItem(b *strings.Builder, number int, d *Document) {
	writeLine(b, "["+strconv.Itoa(number)+"] "+oneLine(d.Headline))
	values := []string{string(d.EID), string(d.UID), d.Date, d.Author, d.Source}
	parts := make([]string, len(headerKeys))
	for i, key := range headerKeys {
		parts[i] = key + ": " + oneLine(values[i])
	}
	writeLine(b, strings.Join(parts, " | "))
	writeLine(b, "URL: "+oneLine(d.URL))

	if r.Extended {
		b.WriteString("\n" + sectionAbstract + "\n")
		if abstract := oneLine(d.Abstract); abstract != "" {
			writeLine(b, "  "+abstract)
		}
	}
	if len(d.Annotations) > 0 {
		b.WriteString("\n" + sectionAnnotation + "\n")
		for _, a := range d.Annotations {
			writeLine(b, "  "+oneLine(a.Kind)+" => "+oneLine(a.Label))
		}
	}
	if len(d.Entities) > 0 {
		b.WriteString("\n" + sectionEntities + "\n")
		writeEntities(b, d.Entities, 0)
	}
	if len(d.Quotations) > 0 {
		b.WriteString("\n" + sectionQuotations + "\n")
		for _, q := range d.Quotations {
			writeLine(b, "  "+formatQuotation(q))
		}
	}
	if r.Extended {
		b.WriteString("\n" + sectionPhotos + "\n")
		for _, photo := range d.Photos {
			if photo = oneLine(photo); photo != "" {
				writeLine(b, "  "+photo)
			}
		}
	}
}

// writeEntities renders entities at depth 0 with a two-space indent and
// their references one level deeper each, prefixed by "Ref:".
func writeEntities(b *strings.Builder, entities []Entity, depth int) {
	indent := strings.Repeat("  ", depth+1)
	prefix := ""
	if depth > 0 {
		prefix = refPrefix + " "
	}
	for _, e := range entities {
		writeLine(b, indent+prefix+oneLine(e.Type)+"="+oneLine(e.Value)+" ("+formatRelevance(e.Relevance)+")")
		writeEntities(b, e.References, depth+1)
	}
}

// formatQuotation renders "speaker (title) @ organisation => quotation",
// leaving out the parts that are empty. The parentheses stay when the
// speaker ends with ")", so that the speaker is not read back as a title.
func formatQuotation(q Quotation) string {
	speaker := oneLine(q.SpeakerName)
	left := speaker
	if title := oneLine(q.SpeakerTitle); title != "" || strings.HasSuffix(speaker, ")") {
		left += " (" + title + ")"
	}
	if org := oneLine(q.SpeakerOrganization); org != "" {
		left += " @ " + org
	}
	left = strings.TrimSpace(left)
	if left == "" {
		return "=> " + oneLine(q.Quotation)
	}
	return left + " => " + oneLine(q.Quotation)
}

// formatRelevance writes the shortest decimal that reads back as r, with
// at least one fractional digit, as in "2.0".
func formatRelevance(r float64) string {
	s := strconv.FormatFloat(r, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func writeLine(b *strings.Builder, line string) {
	b.WriteString(strings.TrimRight(line, " "))
	b.WriteByte('\n')
}

var lineBreaks = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

// oneLine turns line breaks into spaces and trims the result.
func oneLine(s string) string {
	return strings.TrimSpace(lineBreaks.Replace(s))
}

// ReportError is a text report that could not be parsed.
type ReportError struct {
	Line   int // 1-based line number, or 0 for the whole text
	Reason string
}

// Error describes the problem and its line.
func (e *ReportError) Error() string {
	if e.Line == 0 {
		return "invalid report: " + e.Reason
	}
	return fmt.Sprintf("invalid report at line %d: %s", e.Line, e.Reason)
}

// ParseReport reads a text report of the document search or the entity
// search. It accepts CRLF or LF line ends, any number of blank lines, a
// missing query block, items without a header or URL line, sections in any
// order and "Ref:" entities nested to any depth by indentation. It sets
// Extended when any item has an Abstract: or Photos: section. Values are
// trimmed. Text that does not start with the report title, or holds a line
// that fits nowhere in the layout, is a *ReportError.
func ParseReport(text string) (*Report, error) {
	p := reportParser{report: &Report{}}
	text = strings.TrimPrefix(text, byteOrderMark)
	lines := strings.Split(normalizeNewlines(text), "\n")
	for i, raw := range lines {
		p.line = i + 1
		if err := p.parseLine(raw); err != nil {
			return nil, err
		}
	}
	if !p.sawTitle {
		return nil, &ReportError{Reason: "missing the title line " + strconv.Quote(reportTitle)}
	}
	return p.report, nil
}

// byteOrderMark is the UTF-8 encoding of U+FEFF, which some exporters put
// before the first line.
const byteOrderMark = "\ufeff"

func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// reportParser holds the state of ParseReport between lines.
type reportParser struct {
	report   *Report
	line     int
	sawTitle bool
	section  string
	item     *ReportItem
	// entityPath holds, per depth, the index of the last entity added at
	// that depth, so that a deeper line attaches to it.
	entityPath []int
}

func (p *reportParser) errorf(format string, args ...any) error {
	return &ReportError{Line: p.line, Reason: fmt.Sprintf(format, args...)}
}

func (p *reportParser) parseLine(raw string) error {
	content := strings.TrimSpace(raw)
	if content == "" {
		return nil
	}
	indent := len(raw) - len(strings.TrimLeft(raw, " \t"))

	if !p.sawTitle {
		if content != reportTitle {
			return p.errorf("expected the title %q, found %.60q", reportTitle, content)
		}
		p.sawTitle = true
		return nil
	}
	if indent > 0 {
		return p.parseContent(content, indent)
	}
	return p.parseTopLevel(content)
}

// parseTopLevel reads a column-0 line: a section header, an item's first
// line, its header line or its URL line.
func (p *reportParser) parseTopLevel(content string) error {
	if content == sectionQuery {
		p.section = sectionQuery
		return nil
	}
	if number, headline, ok := parseItemLine(content); ok {
		if number < 1 {
			return p.errorf("item number %d must be at least 1", number)
		}
		p.report.Items = append(p.report.Items, ReportItem{Number: number})
		p.item = &p.report.Items[len(p.report.Items)-1]
		p.item.Document.Headline = headline
		p.section = ""
		return nil
	}
	if p.item == nil {
		return p.errorf("expected %q or an item line such as \"[1] headline\", found %.60q",
			sectionQuery, content)
	}

	switch content {
	case sectionAbstract, sectionPhotos:
		p.report.Extended = true
		fallthrough
	case sectionAnnotation, sectionEntities, sectionQuotations:
		p.section = content
		p.entityPath = p.entityPath[:0]
		return nil
	}
	if value, ok := strings.CutPrefix(content, "URL:"); ok {
		p.item.Document.URL = strings.TrimSpace(value)
		p.section = ""
		return nil
	}
	if startsWithHeaderKey(content) {
		parseHeaderLine(content, &p.item.Document)
		p.section = ""
		return nil
	}
	return p.errorf("unexpected line %.60q", content)
}

// parseItemLine reads "[n] headline".
func parseItemLine(content string) (number int, headline string, ok bool) {
	rest, found := strings.CutPrefix(content, "[")
	if !found {
		return 0, "", false
	}
	digits, headline, found := strings.Cut(rest, "]")
	if !found || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, "", false
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0, "", false
	}
	return n, strings.TrimSpace(headline), true
}

func startsWithHeaderKey(content string) bool {
	for _, key := range headerKeys {
		if strings.HasPrefix(content, key+":") {
			return true
		}
	}
	return false
}

// headerSeparator finds the "|" that starts the next field of an item's
// header line, so that a value may itself contain "|".
var headerSeparator = regexp.MustCompile(`\|\s*(EID|UID|Date|Author|Source):`)

// parseHeaderLine reads "EID: e | UID: u | Date: d | Author: a | Source: s",
// whose fields may come in any order. content starts with a known key.
func parseHeaderLine(content string, d *Document) {
	values := map[string]string{}
	key, rest, _ := strings.Cut(content, ":")
	for {
		loc := headerSeparator.FindStringSubmatchIndex(rest)
		if loc == nil {
			values[key] = strings.TrimSpace(rest)
			break
		}
		values[key] = strings.TrimSpace(rest[:loc[0]])
		key = rest[loc[2]:loc[3]]
		rest = rest[loc[1]:]
	}

	d.EID = FlexString(values["EID"])
	d.UID = FlexString(values["UID"])
	d.Date = values["Date"]
	d.Author = values["Author"]
	d.Source = values["Source"]
}

// parseContent reads an indented line of the current section.
func (p *reportParser) parseContent(content string, indent int) error {
	switch p.section {
	case sectionQuery:
		name, value, _ := strings.Cut(content, "=")
		p.report.Query = append(p.report.Query, ReportParam{
			Name: strings.TrimSpace(name), Value: strings.TrimSpace(value),
		})
	case sectionAbstract:
		d := &p.item.Document
		if d.Abstract != "" {
			d.Abstract += " "
		}
		d.Abstract += content
	case sectionPhotos:
		p.item.Document.Photos = append(p.item.Document.Photos, content)
	case sectionAnnotation:
		kind, label, _ := strings.Cut(content, "=>")
		p.item.Document.Annotations = append(p.item.Document.Annotations, Annotation{
			Kind: strings.TrimSpace(kind), Label: strings.TrimSpace(label),
		})
	case sectionQuotations:
		p.item.Document.Quotations = append(p.item.Document.Quotations, parseQuotation(content))
	case sectionEntities:
		p.addEntity(content, indent)
	default:
		return p.errorf("indented line %.60q is outside any section", content)
	}
	return nil
}

// parseQuotation reads "speaker (title) @ organisation => quotation", any
// part of which may be missing.
func parseQuotation(content string) Quotation {
	left, quote, found := strings.Cut(content, "=>")
	if !found {
		return Quotation{Quotation: content}
	}
	q := Quotation{Quotation: strings.TrimSpace(quote)}

	left = strings.TrimSpace(left)
	if i := strings.LastIndex(left, " @ "); i >= 0 {
		q.SpeakerOrganization = strings.TrimSpace(left[i+3:])
		left = strings.TrimSpace(left[:i])
	} else if org, ok := strings.CutPrefix(left, "@ "); ok {
		q.SpeakerOrganization = strings.TrimSpace(org)
		left = ""
	}
	if strings.HasSuffix(left, ")") {
		if i := strings.LastIndex(left, "("); i >= 0 {
			q.SpeakerTitle = strings.TrimSpace(left[i+1 : len(left)-1])
			left = strings.TrimSpace(left[:i])
		}
	}
	q.SpeakerName = left
	return q
}

// addEntity reads "TYPE=value (relevance)", optionally after "Ref:", and
// places it by indentation: two spaces for a top-level entity and two more
// per level of reference. A line deeper than one level below the previous
// entity attaches to that entity.
func (p *reportParser) addEntity(content string, indent int) {
	depth := max(0, indent/2-1)
	isRef := false
	for {
		rest, ok := strings.CutPrefix(content, refPrefix)
		if !ok {
			break
		}
		content = strings.TrimSpace(rest)
		isRef = true
	}
	if isRef {
		depth = max(depth, 1)
	}
	depth = min(depth, len(p.entityPath))

	e := parseEntity(content)
	list := &p.item.Document.Entities
	for _, index := range p.entityPath[:depth] {
		list = &(*list)[index].References
	}
	*list = append(*list, e)
	p.entityPath = append(p.entityPath[:depth], len(*list)-1)
}

// parseEntity reads "TYPE=value (relevance)". A missing or unreadable
// relevance leaves it zero and the text in the value.
func parseEntity(content string) Entity {
	typ, value, found := strings.Cut(content, "=")
	if !found {
		typ, value = "", content
	}
	e := Entity{Type: strings.TrimSpace(typ), Value: strings.TrimSpace(value)}

	if !strings.HasSuffix(e.Value, ")") {
		return e
	}
	open := strings.LastIndex(e.Value, "(")
	if open < 0 {
		return e
	}
	relevance, err := strconv.ParseFloat(e.Value[open+1:len(e.Value)-1], 64)
	if err != nil || math.IsInf(relevance, 0) || math.IsNaN(relevance) {
		return e
	}
	e.Relevance = relevance
	e.Value = strings.TrimSpace(e.Value[:open])
	return e
}
