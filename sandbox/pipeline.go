package sandbox

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	json "github.com/goccy/go-json"

	"github.com/cognism/graphql-gateway/cognism"
)

// pipelineStage is one stage of an event search body as received.
type pipelineStage struct {
	Name     string   `json:"name"`
	Operator string   `json:"operator"`
	Values   []string `json:"values"`
	Phase    string   `json:"phase"`
}

// operators lists the pipeline operators for error messages.
const operators = "eq, ne, in, nin, contains, gt, gte, lt, lte"

// compilePipeline turns pipeline stages into a filter; all stages must hold.
func compilePipeline(stages []pipelineStage) (*eventFilter, error) {
	f := &eventFilter{}
	for i, st := range stages {
		if err := f.addStage(st); err != nil {
			return nil, fmt.Errorf("pipeline stage %d: %v", i, err)
		}
	}
	return f, nil
}

func (f *eventFilter) addStage(st pipelineStage) error {
	if err := checkEventPath(st.Name); err != nil {
		return err
	}
	if st.Phase != "" && st.Phase != "match" {
		return fmt.Errorf("phase %q is not supported: expected \"match\"", st.Phase)
	}
	if len(st.Values) == 0 {
		return fmt.Errorf("values is empty: expected at least one value for %s", st.Name)
	}

	values := st.Values
	switch op := strings.ToLower(st.Operator); op {
	case "eq", "in":
		f.addEquals(st.Name, values)
	case "ne", "nin":
		f.addTest(st.Name, func(v string, ok bool) bool { return !ok || !equalsAny(v, values) })
	case "contains":
		f.addTest(st.Name, func(v string, ok bool) bool { return ok && containsAny(v, values) })
	case "gt", "gte", "lt", "lte":
		if len(values) != 1 {
			return fmt.Errorf("operator %s takes exactly one value, got %d", op, len(values))
		}
		bound, err := parseOrdered(values[0])
		if err != nil {
			return fmt.Errorf("operator %s: %v", op, err)
		}
		f.addTest(st.Name, func(v string, ok bool) bool { return ok && compareHolds(op, v, bound) })
	default:
		return fmt.Errorf("unknown operator %q: expected one of %s", st.Operator, operators)
	}
	return nil
}

func (f *eventFilter) addTest(path string, match func(string, bool) bool) {
	f.tests = append(f.tests, fieldTest{path: path, match: match})
	f.residual = true
}

func containsAny(v string, values []string) bool {
	v = strings.ToLower(v)
	for _, want := range values {
		if strings.Contains(v, strings.ToLower(want)) {
			return true
		}
	}
	return false
}

// ordered is a number or a date that the comparison operators accept.
type ordered struct {
	number float64
	isDate bool
}

// parseOrdered reads a number, or a dd.MM.yyyy date as its Unix seconds.
func parseOrdered(s string) (ordered, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		return ordered{number: n}, nil
	}
	if t, err := cognism.ParseDate(s); err == nil {
		return ordered{number: float64(t.Unix()), isDate: true}, nil
	}
	return ordered{}, fmt.Errorf("value %q is neither a number nor a dd.MM.yyyy date", s)
}

// compareHolds compares an event value with the bound of gt, gte, lt or
// lte. Values that are not of the bound's kind never match.
func compareHolds(op, v string, bound ordered) bool {
	got, err := parseOrdered(v)
	if err != nil || got.isDate != bound.isDate {
		return false
	}
	c := cmp.Compare(got.number, bound.number)
	switch op {
	case "gt":
		return c > 0
	case "gte":
		return c >= 0
	case "lt":
		return c < 0
	}
	return c <= 0
}

// eventSearchBody is the parsed body of POST /api/v1/events/stream/search.
type eventSearchBody struct {
	DateFrom, DateTo string
	Page, Count      int
	Stages           []pipelineStage
}

// parseEventSearch decodes the search body field by field, so that each
// error names the field at fault. A body that is not a JSON object is
// reported with ok false.
func parseEventSearch(data []byte) (body eventSearchBody, ok bool, err error) {
	var raw map[string]json.RawMessage
	if json.Unmarshal(data, &raw) != nil {
		return body, false, nil
	}

	for _, field := range []struct {
		name string
		dst  *string
	}{{"dateFrom", &body.DateFrom}, {"dateTo", &body.DateTo}} {
		if v, present := raw[field.name]; present && string(v) != "null" {
			if err := json.Unmarshal(v, field.dst); err != nil {
				return body, true, fmt.Errorf("invalid %s: expected a dd.MM.yyyy string", field.name)
			}
		}
	}
	if body.Page, err = requiredInt(raw, "page"); err != nil {
		return body, true, err
	}
	if body.Count, err = requiredInt(raw, "count"); err != nil {
		return body, true, err
	}
	v, present := raw["pipeline"]
	if !present || string(v) == "null" {
		return body, true, fmt.Errorf("missing pipeline: expected an array of {name, operator, values, phase} stages")
	}
	if err := json.Unmarshal(v, &body.Stages); err != nil {
		return body, true, fmt.Errorf("invalid pipeline: expected an array of "+
			`{"name": field, "operator": op, "values": [strings], "phase": "match"} stages: %v`, err)
	}
	return body, true, nil
}

// requiredInt reads a field that must be present and hold a non-negative
// integer, as a JSON number or a numeric string: 5 or "5", but not 0.5,
// 1e2 or -1.
func requiredInt(raw map[string]json.RawMessage, name string) (int, error) {
	const form = "expected a non-negative integer, as a number or numeric string"
	v, present := raw[name]
	if !present || string(v) == "null" {
		return 0, fmt.Errorf("missing %s: %s", name, form)
	}
	text := string(v)
	var s string
	if json.Unmarshal(v, &s) == nil {
		text = s
	}
	if text == "" || strings.Trim(text, "0123456789") != "" {
		return 0, fmt.Errorf("invalid %s %s: %s", name, v, form)
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		return 0, fmt.Errorf("invalid %s %s: %s up to %d", name, v, form, math.MaxInt)
	}
	return n, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
