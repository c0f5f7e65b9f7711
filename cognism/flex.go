package cognism

import (
	"bytes"
	"fmt"
	"strconv"

	json "github.com/goccy/go-json"
)

// FlexString is a string that the vendor sometimes sends as a JSON number,
// such as a company id documented as an integer and sent as "1009".
type FlexString string

// UnmarshalJSON accepts a JSON string, number, boolean or null.
func (s *FlexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*s = ""
	case len(data) > 0 && data[0] == '"':
		var v string
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		*s = FlexString(v)
	case len(data) > 0 && (data[0] == '-' || (data[0] >= '0' && data[0] <= '9')):
		*s = FlexString(data)
	case bytes.Equal(data, []byte("true")) || bytes.Equal(data, []byte("false")):
		*s = FlexString(data)
	default:
		return fmt.Errorf("cognism: expected a string or number, got %.40s", data)
	}
	return nil
}

// FlexInt is an integer that the vendor sometimes sends as a numeric string,
// such as "page": "2".
type FlexInt int64

// UnmarshalJSON accepts a JSON number, a numeric string, an empty string or
// null (both zero).
func (n *FlexInt) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		*n = 0
		return nil
	}
	text := string(data)
	if len(data) > 0 && data[0] == '"' {
		if err := json.Unmarshal(data, &text); err != nil {
			return err
		}
	}
	if text == "" {
		*n = 0
		return nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return fmt.Errorf("cognism: expected an integer, got %.40q", text)
	}
	*n = FlexInt(f)
	return nil
}

// MarshalJSON writes the value as a JSON number.
func (n FlexInt) MarshalJSON() ([]byte, error) {
	return strconv.AppendInt(nil, int64(n), 10), nil
}

// StringList is a list of strings that the vendor sends either as an array
// or as a single string, such as a company's street_address.
type StringList []string

// UnmarshalJSON accepts an array of strings, a single string or null.
// A single empty string becomes an empty list.
func (l *StringList) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*l = nil
	case len(data) > 0 && data[0] == '"':
		var v string
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		*l = nil
		if v != "" {
			*l = StringList{v}
		}
	case len(data) > 0 && data[0] == '[':
		var items []FlexString
		if err := json.Unmarshal(data, &items); err != nil {
			return err
		}
		out := make(StringList, 0, len(items))
		for _, item := range items {
			out = append(out, string(item))
		}
		*l = out
	default:
		return fmt.Errorf("cognism: expected a string or an array of strings, got %.40s", data)
	}
	return nil
}
