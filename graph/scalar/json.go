package scalar

import (
	"encoding/json"
	"io"
)

// JSON is any JSON value, kept as its encoding.
type JSON json.RawMessage

// MarshalGQL writes the value, or null when it is empty or not valid JSON.
func (j JSON) MarshalGQL(w io.Writer) {
	if len(j) == 0 || !json.Valid(j) {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = w.Write(j)
}

// UnmarshalGQL encodes the decoded GraphQL value as JSON.
func (j *JSON) UnmarshalGQL(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return &InputError{Scalar: "JSON", Value: v, Expected: "a value that encodes as JSON"}
	}
	*j = data
	return nil
}
