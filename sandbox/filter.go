package sandbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	json "github.com/goccy/go-json"

	"github.com/cognism/graphql-gateway/cognism"
)

// eventPaths are the event field paths that rules, patterns and pipeline
// stages may name. Any path below orgInfo is accepted too, because orgInfo
// is a free-form object.
var eventPaths = map[string]bool{}

func init() {
	for _, p := range []string{
		"id", "at", "date", "type", "typeName", "org", "source",
		"orgToInfo.name", "orgToInfo.type", "orgFromInfo.name", "orgFromInfo.type",
		"loc.country", "loc.state", "loc.city", "loc.region",
		"old_loc.country", "old_loc.state", "old_loc.city", "old_loc.region",
		"meta.datecreated",
		"employee.first_name", "employee.last_name", "employee.name", "employee.title",
		"employee.old_job_title", "employee.organisation", "employee.old_organisation",
		"employee.url", "employee.photo_url", "employee.city", "employee.state",
		"employee.country", "employee.age", "employee.previous.time_from",
		"employee.previous.time_to",
	} {
		eventPaths[p] = true
	}
}

func checkEventPath(path string) error {
	if eventPaths[path] || (strings.HasPrefix(path, "orgInfo.") && len(path) > len("orgInfo.")) {
		return nil
	}
	return fmt.Errorf("unknown event field %q: expected a path such as type, org, source, typeName, "+
		"loc.country, loc.city, employee.title or employee.country", path)
}

// valueGetter returns the text of an event field and whether it is present.
type valueGetter func(path string) (string, bool)

// fieldTest is one condition on one event field.
type fieldTest struct {
	path  string
	match func(value string, present bool) bool
}

// eventFilter is a compiled rule, pattern or pipeline. Conditions on the
// indexed type and org columns are also given as SQL, so the database
// narrows the rows first. Every condition is still checked in Go.
type eventFilter struct {
	tests    []fieldTest
	where    []string
	args     []any
	residual bool // some test is not covered by where
}

// paths lists the distinct field paths the filter reads.
func (f *eventFilter) paths() []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range f.tests {
		if !seen[t.path] {
			seen[t.path] = true
			out = append(out, t.path)
		}
	}
	return out
}

func (f *eventFilter) matches(get valueGetter) bool {
	for _, t := range f.tests {
		v, ok := get(t.path)
		if !t.match(v, ok) {
			return false
		}
	}
	return true
}

// eventFields returns a getter over the fields of an event's JSON text, so
// that several filters can test one event with a single decoding.
func eventFields(data string) valueGetter {
	var doc map[string]any
	if err := json.Unmarshal([]byte(data), &doc); err != nil {
		return func(string) (string, bool) { return "", false }
	}
	return func(path string) (string, bool) { return lookupPath(doc, path) }
}

// lookupPath walks a dotted path through decoded JSON objects.
func lookupPath(doc map[string]any, path string) (string, bool) {
	var cur any = doc
	for _, part := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return "", false
		}
		if cur, ok = obj[part]; !ok || cur == nil {
			return "", false
		}
	}
	return valueText(cur)
}

// valueText renders a JSON or SQL value as the text rules compare with.
func valueText(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", false
	case string:
		return v, true
	case []byte:
		return string(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	data, _ := json.Marshal(v)
	return string(data), true
}

// jsonPath quotes each segment of a dotted field path for json_extract.
func jsonPath(path string) string {
	var b strings.Builder
	b.WriteString("$")
	for _, part := range strings.Split(path, ".") {
		b.WriteString(`."` + part + `"`)
	}
	return b.String()
}

// compileRule turns a rule into a filter. Each clause holds when the field
// equals one of its alternatives, case-insensitively and on the whole value.
func compileRule(rule cognism.Rule) (*eventFilter, error) {
	f := &eventFilter{}
	for _, c := range rule {
		if err := checkEventPath(c.Field); err != nil {
			return nil, err
		}
		values, err := expandAlternatives(c)
		if err != nil {
			return nil, err
		}
		f.addEquals(c.Field, values)
	}
	return f, nil
}

// expandAlternatives returns a clause's literal values with its value lists
// replaced by their members.
func expandAlternatives(c cognism.Clause) ([]string, error) {
	var values []string
	for _, alt := range c.Alternatives {
		if alt.ValueList == "" {
			values = append(values, alt.Value)
			continue
		}
		list, ok := lookupValueList(alt.ValueList)
		if !ok {
			return nil, fmt.Errorf("unknown value list %q in clause %s: expected one of %s",
				alt.ValueList, c.Field, strings.Join(valueListNames(), ", "))
		}
		values = append(values, list...)
	}
	return values, nil
}

// addEquals requires the field to equal one of values.
func (f *eventFilter) addEquals(path string, values []string) {
	f.tests = append(f.tests, fieldTest{path: path, match: func(v string, ok bool) bool {
		return ok && equalsAny(v, values)
	}})
	column := map[string]string{"type": "type", "org": "org_fold"}[path]
	if column == "" {
		f.residual = true
		return
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(values)), ",")
	f.where = append(f.where, column+" IN ("+marks+")")
	for _, v := range values {
		f.args = append(f.args, fold(v))
	}
}

func equalsAny(v string, values []string) bool {
	for _, want := range values {
		if strings.EqualFold(v, want) {
			return true
		}
	}
	return false
}

// parsePattern reads a websocket pattern: JSON object form when it starts
// with "{", the rule language otherwise. An empty pattern matches all.
func parsePattern(text string) (*eventFilter, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "{") {
		var obj map[string]string
		if err := json.Unmarshal([]byte(text), &obj); err != nil {
			return nil, fmt.Errorf("pattern is not a JSON object of strings: %v", err)
		}
		return compilePatternObject(obj)
	}
	rule, err := cognism.ParseRule(text)
	if err != nil {
		return nil, err
	}
	return compileRule(rule)
}

// patternRule converts a JSON pattern object, whose values are one rule
// clause's alternatives each, to a rule. Keys are taken in sorted order.
func patternRule(obj map[string]string) (cognism.Rule, error) {
	var rule cognism.Rule
	for _, field := range sortedKeys(obj) {
		parsed, err := cognism.ParseRule(field + "=" + obj[field])
		if err != nil {
			return nil, fmt.Errorf("pattern field %q: %v", field, err)
		}
		if len(parsed) != 1 || parsed[0].Field != strings.TrimSpace(field) {
			return nil, fmt.Errorf("pattern field %q: the value must be one clause's alternatives, "+
				"such as job-join|job-leave; escape ';' as \\;", field)
		}
		rule = append(rule, parsed[0])
	}
	return rule, nil
}

func compilePatternObject(obj map[string]string) (*eventFilter, error) {
	rule, err := patternRule(obj)
	if err != nil {
		return nil, err
	}
	return compileRule(rule)
}

// parseDayBounds reads optional dd.MM.yyyy dateFrom and dateTo values and
// returns the Unix millisecond range [from, to) they cover, both days
// included. Open bounds are the extremes of int64.
func parseDayBounds(dateFrom, dateTo string) (from, to int64, err error) {
	from, to = -1<<63, 1<<63-1
	if dateFrom != "" {
		t, err := cognism.ParseDate(dateFrom)
		if err != nil {
			return 0, 0, fmt.Errorf("invalid dateFrom %q: expected dd.MM.yyyy such as 20.04.2016", dateFrom)
		}
		from = t.UnixMilli()
	}
	if dateTo != "" {
		t, err := cognism.ParseDate(dateTo)
		if err != nil {
			return 0, 0, fmt.Errorf("invalid dateTo %q: expected dd.MM.yyyy such as 20.04.2016", dateTo)
		}
		to = t.Add(24 * time.Hour).UnixMilli()
	}
	if from >= to {
		return 0, 0, fmt.Errorf("dateFrom %s is after dateTo %s: expected dateFrom <= dateTo", dateFrom, dateTo)
	}
	return from, to, nil
}
