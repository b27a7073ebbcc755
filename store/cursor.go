package store

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"strconv"
)

// MaxCursorLength is the longest cursor string [DecodeCursor] looks at.
const MaxCursorLength = 2 * MaxIRILength

// Cursor is the position a page listing resumes from, as carried inside the
// opaque cursor strings of [Page] and [FollowPage]. Backends are free to use
// another cursor format; this one is offered so they need not invent one.
//
// A cursor is bound to the listing it came from (Scope, e.g. the collection
// IRI) and names the last position already returned (Position, a
// backend-assigned, strictly increasing insertion sequence). Listings run
// newest first, so the next page holds the entries whose position is lower.
type Cursor struct {
	// Scope names the listing: the collection IRI, or a string a backend
	// derives from the listing's arguments. A cursor presented to another
	// scope is invalid.
	Scope string
	// Position is the sequence number of the last entry already returned.
	// It is positive.
	Position int64
}

// cursorWire is the JSON shape inside an encoded cursor.
type cursorWire struct {
	V int    `json:"v"`
	S string `json:"s"`
	P int64  `json:"p"`
	C uint32 `json:"c"`
}

// cursorCheck is the checksum that makes every accidental change to a
// cursor detectable: CRC-32 of the position and scope.
func cursorCheck(c Cursor) uint32 {
	b := strconv.AppendInt(nil, c.Position, 10)
	b = append(b, 0)
	b = append(b, c.Scope...)
	return crc32.ChecksumIEEE(b)
}

// EncodeCursor returns c as an opaque, URL-safe string: base64url (no
// padding) of a small JSON object carrying a version, the scope, the
// position and a checksum.
func EncodeCursor(c Cursor) string {
	b, _ := json.Marshal(cursorWire{V: 1, S: c.Scope, P: c.Position, C: cursorCheck(c)}) // cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor made by [EncodeCursor] and checks that it
// belongs to scope. Validation is strict: the string must be exactly the
// encoding EncodeCursor produces for some Cursor with a positive Position,
// with a matching checksum, so any altered character, padding, truncation,
// extra field or foreign scope is rejected with an error wrapping
// [ErrInvalidCursor].
//
// The checksum is not a secret: a client that knows the format can forge a
// well-formed cursor for the same scope, which only moves it within a
// listing it may read anyway.
func DecodeCursor(s, scope string) (Cursor, error) {
	if s == "" || len(s) > MaxCursorLength {
		return Cursor{}, fmt.Errorf("%w: bad length", ErrInvalidCursor)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return Cursor{}, fmt.Errorf("%w: not base64url", ErrInvalidCursor)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var w cursorWire
	if err := dec.Decode(&w); err != nil {
		return Cursor{}, fmt.Errorf("%w: malformed", ErrInvalidCursor)
	}
	c := Cursor{Scope: w.S, Position: w.P}
	switch {
	case w.V != 1:
		return Cursor{}, fmt.Errorf("%w: unknown version", ErrInvalidCursor)
	case w.P <= 0:
		return Cursor{}, fmt.Errorf("%w: bad position", ErrInvalidCursor)
	case w.C != cursorCheck(c):
		return Cursor{}, fmt.Errorf("%w: checksum mismatch", ErrInvalidCursor)
	case EncodeCursor(c) != s:
		return Cursor{}, fmt.Errorf("%w: not in canonical form", ErrInvalidCursor)
	case w.S != scope:
		return Cursor{}, fmt.Errorf("%w: belongs to another listing", ErrInvalidCursor)
	}
	return c, nil
}
