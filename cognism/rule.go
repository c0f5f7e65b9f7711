package cognism

import (
	"fmt"
	"strings"
)

// Rule is a filter in the event stream's rule language: clauses separated by
// ";", all of which must hold. Build one from typed clauses and render it
// with String, which escapes every value so that no value can add or change
// a clause.
type Rule []Clause

// Clause requires the event field at Field to equal one of Alternatives,
// case-insensitively and on the whole value.
type Clause struct {
	Field        string // event path such as "type", "org" or "loc.country"
	Alternatives []Alternative
}

// Alternative is one accepted value of a clause: a literal Value, or every
// value of the named ValueList when ValueList is set.
type Alternative struct {
	Value     string
	ValueList string
}

// Values returns a clause that accepts any of the literal values.
func Values(field string, values ...string) Clause {
	c := Clause{Field: field}
	for _, v := range values {
		c.Alternatives = append(c.Alternatives, Alternative{Value: v})
	}
	return c
}

// ValueList returns an alternative that matches any value of the named list.
func ValueList(name string) Alternative {
	return Alternative{ValueList: name}
}

// RuleError is a rule that could not be parsed or rendered.
type RuleError struct {
	Offset int // byte offset in the rule text, or -1
	Reason string
}

// Error describes the problem and where it is.
func (e *RuleError) Error() string {
	if e.Offset < 0 {
		return "invalid rule: " + e.Reason
	}
	return fmt.Sprintf("invalid rule at byte %d: %s", e.Offset, e.Reason)
}

// String renders the rule, escaping ";", "|", "=", "\" and the "(" of a
// literal value that would otherwise read as valuelist(NAME).
func (r Rule) String() string {
	var b strings.Builder
	for i, c := range r {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(c.Field)
		b.WriteByte('=')
		for j, alt := range c.Alternatives {
			if j > 0 {
				b.WriteByte('|')
			}
			if alt.ValueList != "" {
				b.WriteString("valuelist(" + escapeRuleValue(alt.ValueList) + ")")
				continue
			}
			b.WriteString(escapeLiteral(alt.Value))
		}
	}
	return b.String()
}

// Validate reports the first clause whose field is not a valid event path
// or that has no alternatives.
func (r Rule) Validate() error {
	for i, c := range r {
		if err := validateField(c.Field); err != nil {
			return &RuleError{Offset: -1, Reason: fmt.Sprintf("clause %d: %s", i+1, err)}
		}
		if len(c.Alternatives) == 0 {
			return &RuleError{Offset: -1, Reason: fmt.Sprintf("clause %d (%s) has no values", i+1, c.Field)}
		}
	}
	return nil
}

// And returns a rule with the clauses of r followed by those of other.
func (r Rule) And(other ...Clause) Rule {
	out := make(Rule, 0, len(r)+len(other))
	out = append(out, r...)
	return append(out, other...)
}

func escapeRuleValue(v string) string {
	if !strings.ContainsAny(v, `;|=\()`) {
		return v
	}
	// Bytes, not runes: every special character is ASCII, and invalid UTF-8
	// must pass through unchanged for the value to read back the same.
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case ';', '|', '=', '\\', '(', ')':
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

func escapeLiteral(v string) string {
	escaped := escapeRuleValue(v)
	return escaped
}

// validateField accepts dotted paths of letters, digits, "_" and "-".
func validateField(field string) error {
	if field == "" {
		return fmt.Errorf("empty field name")
	}
	for _, part := range strings.Split(field, ".") {
		if part == "" {
			return fmt.Errorf("field %q has an empty path segment", field)
		}
		for _, r := range part {
			ok := r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
				(r >= '0' && r <= '9')
			if !ok {
				return fmt.Errorf("field %q contains %q; use letters, digits, '_', '-' and '.'", field, r)
			}
		}
	}
	return nil
}

// ParseRule reads a rule in the rule language. Empty clauses (";;" or a
// trailing ";") are skipped; spaces around a field name are ignored, but a
// value is kept exactly. A backslash makes the next character literal.
func ParseRule(text string) (Rule, error) {
	var rule Rule
	for offset := 0; offset <= len(text); {
		end := scanUnescaped(text, offset, ';')
		clauseText := text[offset:end]
		if strings.TrimSpace(clauseText) != "" {
			clause, err := parseClause(clauseText, offset)
			if err != nil {
				return nil, err
			}
			rule = append(rule, clause)
		}
		offset = end + 1
	}
	return rule, nil
}

// scanUnescaped returns the index of the first sep at or after start that a
// backslash does not escape, or len(s).
func scanUnescaped(s string, start int, sep byte) int {
	for i := start; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			return i
		}
	}
	return len(s)
}

func parseClause(text string, offset int) (Clause, error) {
	eq := scanUnescaped(text, 0, '=')
	if eq == len(text) {
		return Clause{}, &RuleError{Offset: offset, Reason: fmt.Sprintf("clause %q has no '='; write field=value", text)}
	}
	field := strings.TrimSpace(text[:eq])
	if err := validateField(field); err != nil {
		return Clause{}, &RuleError{Offset: offset, Reason: err.Error()}
	}

	clause := Clause{Field: field}
	rest := text[eq+1:]
	for start := 0; start <= len(rest); {
		end := scanUnescaped(rest, start, '|')
		alt, err := parseAlternative(rest[start:end], offset+eq+1+start)
		if err != nil {
			return Clause{}, err
		}
		clause.Alternatives = append(clause.Alternatives, alt)
		start = end + 1
	}
	return clause, nil
}

// parseAlternative reads one value. Only an unescaped valuelist(NAME) is a
// value list reference.
func parseAlternative(raw string, offset int) (Alternative, error) {
	if inner, ok := valueListName(raw); ok {
		name, err := unescapeRuleValue(inner, offset)
		if err != nil {
			return Alternative{}, err
		}
		if strings.TrimSpace(name) == "" {
			return Alternative{}, &RuleError{Offset: offset, Reason: "valuelist() needs a list name"}
		}
		return Alternative{ValueList: name}, nil
	}
	value, err := unescapeRuleValue(raw, offset)
	if err != nil {
		return Alternative{}, err
	}
	return Alternative{Value: value}, nil
}

// valueListName returns the escaped NAME of "valuelist(NAME)". The closing
// parenthesis counts only when no backslash escapes it, so that
// valuelist(a\\) names the list "a\".
func valueListName(raw string) (string, bool) {
	inner, ok := strings.CutPrefix(raw, "valuelist(")
	if !ok {
		return "", false
	}
	inner, ok = strings.CutSuffix(inner, ")")
	if !ok {
		return "", false
	}
	trailing := len(inner) - len(strings.TrimRight(inner, `\`))
	return inner, trailing%2 == 0
}

func unescapeRuleValue(raw string, offset int) (string, error) {
	if !strings.Contains(raw, `\`) {
		return raw, nil
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			b.WriteByte(raw[i])
			continue
		}
		if i+1 == len(raw) {
			return "", &RuleError{Offset: offset + i, Reason: `a trailing '\' escapes nothing; write '\\' for a backslash`}
		}
		i++
		b.WriteByte(raw[i])
	}
	return b.String(), nil
}
