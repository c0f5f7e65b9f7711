// Package scalar holds the custom GraphQL scalars of the gateway: Date,
// DateTime and JSON.
package scalar

import (
	"fmt"
)

// InputError is a scalar input value that does not have the expected form.
// The gateway reports it as a BAD_USER_INPUT error at the argument's path.
type InputError struct {
	Scalar   string // such as "Date"
	Value    any    // the value as received
	Expected string // such as "an ISO 8601 date like 2016-04-20"
}

// Error names the scalar, the rejected value and the expected form.
func (e *InputError) Error() string {
	return fmt.Sprintf("invalid %s %s: expected %s", e.Scalar, describe(e.Value), e.Expected)
}

// describe quotes strings and shortens long values for error messages.
func describe(v any) string {
	text := fmt.Sprintf("%v", v)
	if s, ok := v.(string); ok {
		text = fmt.Sprintf("%q", s)
	}
	if len(text) > 60 {
		text = text[:57] + "..."
	}
	return text
}
