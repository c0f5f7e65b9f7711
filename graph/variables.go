package graph

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// checkVariables rejects variables of op that are missing although
// required, or whose JSON value does not have the type of a built-in
// scalar variable: a number for a String, a fraction for an Int. The
// validator coerces such values silently or reports them without the
// value and the expected form.
func checkVariables(op *ast.OperationDefinition, values map[string]any) *gqlerror.Error {
	for _, def := range op.VariableDefinitions {
		value, present := values[def.Variable]
		if !present || value == nil {
			if def.Type.NonNull && def.DefaultValue == nil {
				return missingVariable(def, present)
			}
			continue
		}
		if def.Type.Elem != nil {
			continue
		}
		if expected := scalarMismatch(def.Type.NamedType, value); expected != "" {
			return variableError(def.Variable, "$%s is %s, not %s: pass %s",
				def.Variable, describeJSON(value), def.Type.NamedType, expected)
		}
	}
	return nil
}

// missingVariable rejects a required variable sent as null or not sent.
func missingVariable(def *ast.VariableDefinition, sentNull bool) *gqlerror.Error {
	if sentNull {
		return variableError(def.Variable, "$%s of type %s is null: send a value, as the type allows no null",
			def.Variable, def.Type)
	}
	return variableError(def.Variable, "$%s of type %s is missing: add %q to variables",
		def.Variable, def.Type, def.Variable)
}

// scalarMismatch returns the form a value of the built-in scalar named
// typeName must take when value does not take it, else "". Other types
// pass, because their own unmarshalers check them.
func scalarMismatch(typeName string, value any) string {
	switch typeName {
	case "String":
		if _, ok := value.(string); !ok {
			return "a JSON string"
		}
	case "ID":
		if _, ok := value.(string); !ok && !isInt(value, math.MinInt64, math.MaxInt64) {
			return "a JSON string or a whole number"
		}
	case "Int":
		if !isInt(value, math.MinInt32, math.MaxInt32) {
			return fmt.Sprintf("a whole number from %d to %d", math.MinInt32, math.MaxInt32)
		}
	case "Float":
		if _, ok := number(value); !ok {
			return "a JSON number"
		}
	case "Boolean":
		if _, ok := value.(bool); !ok {
			return "true or false"
		}
	}
	return ""
}

// isInt reports whether value is a JSON number with no fraction between lo
// and hi.
func isInt(value any, lo, hi float64) bool {
	f, ok := number(value)
	return ok && f == math.Trunc(f) && f >= lo && f <= hi
}

// number returns the value of a decoded JSON number.
func number(value any) (float64, bool) {
	switch v := value.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

// describeJSON writes a decoded JSON value back as JSON, for messages, cut
// to maxEchoedInput characters.
func describeJSON(value any) string {
	data, err := json.Marshal(value)
	if err != nil {
		data = []byte(fmt.Sprint(value))
	}
	if r := []rune(string(data)); len(r) > maxEchoedInput {
		return string(r[:maxEchoedInput]) + "..."
	}
	return string(data)
}

func variableError(name, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Path = ast.Path{ast.PathName("variable"), ast.PathName(name)}
	errcode.Set(err, errcode.ValidationFailed)
	return err
}
