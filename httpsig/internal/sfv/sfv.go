// Package sfv parses and serializes Structured Field Values for HTTP
// (RFC 8941): Items, Lists, Inner Lists, Dictionaries and Parameters with
// every bare item type (Integer, Decimal, String, Token, Byte Sequence and
// Boolean).
//
// Parsing follows the algorithms of RFC 8941 §4.2 to the letter and fails on
// anything they reject; serialization follows §4.1, so serializing a parsed
// value yields its canonical form. Inputs, member counts and parameter counts
// are bounded so hostile headers cost little.
package sfv

import (
	"errors"
)

// Limits on what the parser accepts.
const (
	// MaxInput is the longest field value parsed, in bytes.
	MaxInput = 64 << 10
	// MaxMembers is the most members a List or Dictionary may have.
	MaxMembers = 1024
	// MaxInnerItems is the most items an Inner List may have.
	MaxInnerItems = 256
	// MaxParams is the most parameters an Item or Inner List may have.
	MaxParams = 256
)

// Integer and Decimal bounds (RFC 8941 §3.3.1, §3.3.2).
const (
	maxInteger = 999_999_999_999_999
	maxDecimal = 999_999_999_999_999 // in thousandths: 999,999,999,999.999
)

// Errors returned by the parser and serializer.
var (
	// ErrSyntax: the input is not a valid structured field value.
	ErrSyntax = errors.New("sfv: invalid structured field")
	// ErrTooLarge: the input exceeds one of the parser's limits.
	ErrTooLarge = errors.New("sfv: structured field too large")
	// ErrDuplicateKey: a strict parse met a repeated dictionary or parameter key.
	ErrDuplicateKey = errors.New("sfv: duplicate key")
	// ErrValue: a value cannot be serialized (out of range, bad token or key,
	// non-ASCII string, unknown Go type).
	ErrValue = errors.New("sfv: value cannot be serialized")
)

// Token is a Token bare item (RFC 8941 §3.3.4), e.g. the foo in a=foo.
type Token string

// Decimal is a Decimal bare item (RFC 8941 §3.3.2) held in thousandths, so
// Decimal(1500) is 1.5. Its range is ±999,999,999,999.999.
type Decimal int64

// A bare item value is one of: int64 (Integer), Decimal, string (String),
// Token, []byte (Byte Sequence) or bool (Boolean).

// Param is one parameter: a key and a bare item value.
type Param struct {
	Key   string
	Value any
}

// Params is an ordered list of parameters.
type Params []Param

// Get returns the value of the parameter key and whether it is present.
func (p Params) Get(key string) (any, bool) {
	for _, kv := range p {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return nil, false
}

// Member is a member of a List or Dictionary: an [Item] or an [InnerList].
type Member interface {
	// Parameters returns the member's parameters.
	Parameters() Params
	member()
}

// Item is a bare item value with parameters.
type Item struct {
	Value  any
	Params Params
}

// Parameters returns the item's parameters.
func (i Item) Parameters() Params { return i.Params }

func (Item) member() {}

// InnerList is a parenthesized list of items with parameters.
type InnerList struct {
	Items  []Item
	Params Params
}

// Parameters returns the inner list's parameters.
func (l InnerList) Parameters() Params { return l.Params }

func (InnerList) member() {}

// List is a List structured field.
type List []Member

// DictMember is one key and value of a Dictionary.
type DictMember struct {
	Key   string
	Value Member
}

// Dictionary is a Dictionary structured field, in order.
type Dictionary []DictMember

// Get returns the value of key and whether it is present.
func (d Dictionary) Get(key string) (Member, bool) {
	for _, m := range d {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}
