package store

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/crc64"
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
	// derives from the listing's arguments. It may be any string. The
	// encoded cursor does not carry it, only a checksum over it, so a
	// cursor stays short however long the scope is, and a cursor presented
	// to another scope is invalid.
	Scope string
	// Position is the sequence number of the last entry already returned.
	// It is positive.
	Position int64
}

// cursorVersion is the version of the encoding [EncodeCursor] writes.
// Version 1 carried the scope itself, which made cursors of long
// collection IRIs longer than [MaxCursorLength]; it is no longer read.
const cursorVersion = 2

// cursorWire is the JSON shape inside an encoded cursor.
type cursorWire struct {
	V int    `json:"v"`
	P int64  `json:"p"`
	C uint64 `json:"c"`
}

// cursorCheck is the checksum that binds a cursor to its scope and makes
// every accidental change to it detectable: CRC-64 of the position and
// scope. A CRC catches every change of up to 64 adjacent bits for certain,
// so each single-character change of a cursor is refused.
func cursorCheck(c Cursor) uint64 {
	b := strconv.AppendInt(nil, c.Position, 10)
	b = append(b, 0)
	b = append(b, c.Scope...)
	return crc64.Checksum(b, crc64.MakeTable(crc64.ECMA)) // the ECMA table is built once and cached
}

// EncodeCursor returns c as an opaque, URL-safe string of at most 75
// characters whatever the scope: base64url (no padding) of a small JSON
// object carrying a version, the position and a checksum over position
// and scope.
func EncodeCursor(c Cursor) string {
	b, _ := json.Marshal(cursorWire{V: cursorVersion, P: c.Position, C: cursorCheck(c)}) // cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor made by [EncodeCursor] for scope. Validation
// is strict: the string must be exactly the encoding EncodeCursor produces
// for some Cursor of that scope with a positive Position, so any altered
// character, padding, truncation, extra field or foreign scope is rejected
// with an error wrapping [ErrInvalidCursor]. The returned Cursor's Scope is
// scope.
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
	c := Cursor{Scope: scope, Position: w.P}
	switch {
	case w.V != cursorVersion:
		return Cursor{}, fmt.Errorf("%w: unknown version", ErrInvalidCursor)
	case w.P <= 0:
		return Cursor{}, fmt.Errorf("%w: bad position", ErrInvalidCursor)
	case w.C != cursorCheck(c):
		return Cursor{}, fmt.Errorf("%w: altered or from another listing", ErrInvalidCursor)
	case EncodeCursor(c) != s:
		return Cursor{}, fmt.Errorf("%w: not in canonical form", ErrInvalidCursor)
	}
	return c, nil
}
