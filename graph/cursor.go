package graph

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// maxCursorOffset bounds the offsets of cursors, far past any result the
// upstream pages through, so that the page computed from one cannot overflow.
const maxCursorOffset = 1 << 30

// cursorPrefix marks the offset-only cursors of earlier versions, which
// are still accepted.
const cursorPrefix = "cursor:v1:"

// anchoredPrefix marks cursors that store the offset and the id of their
// item, as in "cursor:v2:41:<event id>".
const anchoredPrefix = "cursor:v2:"

// maxCursorID bounds the length of the item id in a cursor, in bytes.
const maxCursorID = 256

// encodeCursor returns the opaque cursor of the item at offset whose id is
// id. An item with no id, or one longer than maxCursorID, gets an
// offset-only cursor.
func encodeCursor(offset int, id string) string {
	text := cursorPrefix + strconv.Itoa(offset)
	if id != "" && len(id) <= maxCursorID {
		text = anchoredPrefix + strconv.Itoa(offset) + ":" + id
	}
	return base64.RawURLEncoding.EncodeToString([]byte(text))
}

// decodeCursor returns the offset of the item after the cursor and the id
// of the cursor's item: zero and no id for no cursor, and no id for an
// offset-only cursor.
func decodeCursor(after *string) (int, string, error) {
	if after == nil {
		return 0, "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*after)
	if err != nil {
		return 0, "", invalidCursor(*after)
	}
	text := string(raw)
	var offsetText, id string
	switch {
	case strings.HasPrefix(text, cursorPrefix):
		offsetText = strings.TrimPrefix(text, cursorPrefix)
	case strings.HasPrefix(text, anchoredPrefix):
		var found bool
		offsetText, id, found = strings.Cut(strings.TrimPrefix(text, anchoredPrefix), ":")
		if !found || id == "" || len(id) > maxCursorID {
			return 0, "", invalidCursor(*after)
		}
	default:
		return 0, "", invalidCursor(*after)
	}
	offset, err := strconv.Atoi(offsetText)
	if err != nil || offset < 0 || offset >= maxCursorOffset {
		return 0, "", invalidCursor(*after)
	}
	return offset + 1, id, nil
}

// invalidCursor returns the error for an after argument that is no cursor
// of this API.
func invalidCursor(after string) error {
	return inputErrorf("after", "%.40q is not a cursor of this API; pass a pageInfo.endCursor", after)
}
