package graph_test

import (
	"os"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/cognism/graphql-gateway/graph/generated"
)

func TestEverySchemaElementHasDescription(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	for name, def := range schema.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		if strings.TrimSpace(def.Description) == "" {
			t.Errorf("type %s has no description", name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if strings.TrimSpace(f.Description) == "" {
				t.Errorf("field %s.%s has no description", name, f.Name)
			}
			for _, a := range f.Arguments {
				if strings.TrimSpace(a.Description) == "" {
					t.Errorf("argument %s.%s(%s) has no description", name, f.Name, a.Name)
				}
			}
		}
		for _, v := range def.EnumValues {
			if strings.TrimSpace(v.Description) == "" {
				t.Errorf("enum value %s.%s has no description", name, v.Name)
			}
		}
	}
}

// TestContractNamesAreKept checks that every type, field, argument and enum
// value of the public contract, testdata/contract.graphqls, exists in the
// schema with the same type. Clients and outside checks rely on those names.
func TestContractNamesAreKept(t *testing.T) {
	text, err := os.ReadFile("testdata/contract.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	contract, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "contract", Input: string(text)})
	if gqlErr != nil {
		t.Fatalf("parsing the contract: %v", gqlErr)
	}
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()

	for name, want := range contract.Types {
		if want.BuiltIn {
			continue
		}
		got := schema.Types[name]
		if got == nil {
			t.Errorf("type %s is missing", name)
			continue
		}
		if got.Kind != want.Kind {
			t.Errorf("type %s is a %s, want %s", name, got.Kind, want.Kind)
		}
		for _, wf := range want.Fields {
			if strings.HasPrefix(wf.Name, "__") {
				continue
			}
			gf := got.Fields.ForName(wf.Name)
			if gf == nil {
				t.Errorf("field %s.%s is missing", name, wf.Name)
				continue
			}
			if gf.Type.String() != wf.Type.String() {
				t.Errorf("field %s.%s is %s, want %s", name, wf.Name, gf.Type, wf.Type)
			}
			for _, wa := range wf.Arguments {
				ga := gf.Arguments.ForName(wa.Name)
				if ga == nil {
					t.Errorf("argument %s.%s(%s) is missing", name, wf.Name, wa.Name)
					continue
				}
				if ga.Type.String() != wa.Type.String() {
					t.Errorf("argument %s.%s(%s) is %s, want %s", name, wf.Name, wa.Name, ga.Type, wa.Type)
				}
				if (ga.DefaultValue == nil) != (wa.DefaultValue == nil) ||
					(wa.DefaultValue != nil && ga.DefaultValue.String() != wa.DefaultValue.String()) {
					t.Errorf("argument %s.%s(%s) default = %v, want %v", name, wf.Name, wa.Name,
						ga.DefaultValue, wa.DefaultValue)
				}
			}
		}
		for _, wv := range want.EnumValues {
			if got.EnumValues.ForName(wv.Name) == nil {
				t.Errorf("enum value %s.%s is missing", name, wv.Name)
			}
		}
	}
}
