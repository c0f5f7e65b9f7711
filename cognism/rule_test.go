package cognism

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRuleStringEscapesValues(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		rule Rule
		want string
	}{
		{
			name: "reference example",
			rule: Rule{
				Values("type", "job-join", "job-leave"),
				Values("org", "IBM"),
				{Field: "employee.title", Alternatives: []Alternative{ValueList("cxo-titles")}},
			},
			want: "type=job-join|job-leave;org=IBM;employee.title=valuelist(cxo-titles)",
		},
		{
			name: "injected clause stays one value",
			rule: Rule{Values("org", "AT&T; type=x")},
			want: `org=AT&T\; type\=x`,
		},
		{
			name: "alternative separator and backslash",
			rule: Rule{Values("org", `a|b\c`)},
			want: `org=a\|b\\c`,
		},
		{
			name: "literal that looks like a value list",
			rule: Rule{Values("org", "valuelist(cxo-titles)")},
			want: `org=valuelist\(cxo-titles\)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := tt.rule.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRuleRoundTrip(t *testing.T) {
	t.Parallel()

	rules := map[string]Rule{
		"plain":                  {Values("type", "job-join", "job-leave"), Values("loc.country", "United Kingdom")},
		"special characters":     {Values("org", "AT&T; type=x", `a|b\c`, "(x)", "Société Générale 🚀", "%#? ")},
		"value list":             {{Field: "employee.title", Alternatives: []Alternative{ValueList("cxo titles"), {Value: "CEO"}}}},
		"list name with escapes": {{Field: "org", Alternatives: []Alternative{ValueList(`a\`), ValueList("b);c")}}},
		"empty value":            {Values("org", "")},
		"invalid UTF-8":          {Values("org", "\xff;\xfe")},
	}
	for name, want := range rules {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			got, err := ParseRule(want.String())
			if err != nil {
				t.Fatalf("ParseRule(%q): %v", want.String(), err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round trip of %q mismatch (-want +got):\n%s", want.String(), diff)
			}
		})
	}
}

func TestParseRuleErrors(t *testing.T) {
	t.Parallel()

	tests := map[string]string{
		"no equals sign":     "type",
		"empty field":        "=x",
		"invalid field":      "a b=x",
		"trailing backslash": `org=x\`,
		"empty list name":    "org=valuelist( )",
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			_, err := ParseRule(text)
			var ruleErr *RuleError
			if !errors.As(err, &ruleErr) {
				t.Errorf("ParseRule(%q) error = %v, want a *RuleError", text, err)
			}
		})
	}
}

func TestParseRuleSkipsEmptyClauses(t *testing.T) {
	t.Parallel()

	got, err := ParseRule(" ;type=job-join;; org = IBM ;")
	if err != nil {
		t.Fatalf("ParseRule: %v", err)
	}
	want := Rule{Values("type", "job-join"), Values("org", " IBM ")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseRule mismatch (-want +got):\n%s", diff)
	}
}

func TestRuleValidate(t *testing.T) {
	t.Parallel()

	if err := (Rule{Values("loc.country", "UK")}).Validate(); err != nil {
		t.Errorf("Validate of a valid rule: %v", err)
	}
	if err := (Rule{Values("loc..country", "UK")}).Validate(); err == nil {
		t.Error("Validate accepted a field with an empty path segment")
	}
	if err := (Rule{{Field: "org"}}).Validate(); err == nil {
		t.Error("Validate accepted a clause without values")
	}
}

func FuzzParseRule(f *testing.F) {
	f.Add("type=job-join|job-leave;org=IBM;employee.title=valuelist(cxo-titles)")
	f.Add(`org=AT\;T|a\|b\\c;x=valuelist(a\\)`)
	f.Add(`org=valuelist\(x\)|valuelist(a)b)`)
	f.Add(" ;; a = b ;c=|\xff\\=")
	f.Add(`x=valuelist(\)`)

	f.Fuzz(func(t *testing.T, text string) {
		first, err := ParseRule(text)
		if err != nil {
			return
		}
		rendered := first.String()
		second, err := ParseRule(rendered)
		if err != nil {
			t.Fatalf("ParseRule of rendered rule: %v\ninput: %q\nrendered: %q", err, text, rendered)
		}
		if diff := cmp.Diff(first, second); diff != "" {
			t.Fatalf("round trip mismatch (-first +second):\n%s\ninput: %q\nrendered: %q",
				diff, text, rendered)
		}
	})
}
