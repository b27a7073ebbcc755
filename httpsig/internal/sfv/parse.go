package sfv

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// Parser parses structured fields. Its zero value follows RFC 8941 exactly,
// where a repeated dictionary or parameter key overwrites the earlier value.
type Parser struct {
	// RejectDuplicates makes a repeated dictionary or parameter key an error
	// wrapping ErrDuplicateKey instead of an overwrite. Signature headers use
	// it: a repeated parameter there is an attack or a bug.
	RejectDuplicates bool
}

// ParseItem parses s as an Item with RFC 8941 semantics.
func ParseItem(s string) (Item, error) { return Parser{}.ParseItem(s) }

// ParseList parses s as a List with RFC 8941 semantics.
func ParseList(s string) (List, error) { return Parser{}.ParseList(s) }

// ParseDictionary parses s as a Dictionary with RFC 8941 semantics.
func ParseDictionary(s string) (Dictionary, error) { return Parser{}.ParseDictionary(s) }

// ParseItem parses s as an Item (RFC 8941 §4.2.3).
func (p Parser) ParseItem(s string) (Item, error) {
	st, err := p.start(s)
	if err != nil {
		return Item{}, err
	}
	it, err := st.item()
	if err != nil {
		return Item{}, err
	}
	return it, st.finish()
}

// ParseList parses s as a List (RFC 8941 §4.2.1).
func (p Parser) ParseList(s string) (List, error) {
	st, err := p.start(s)
	if err != nil {
		return nil, err
	}
	var out List
	for !st.empty() {
		if len(out) == MaxMembers {
			return nil, fmt.Errorf("%w: more than %d list members", ErrTooLarge, MaxMembers)
		}
		m, err := st.itemOrInnerList()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
		if done, err := st.nextMember(); done || err != nil {
			return out, err
		}
	}
	return out, st.finish()
}

// ParseDictionary parses s as a Dictionary (RFC 8941 §4.2.2).
func (p Parser) ParseDictionary(s string) (Dictionary, error) {
	st, err := p.start(s)
	if err != nil {
		return nil, err
	}
	out := make(Dictionary, 0, 2)
	for !st.empty() {
		key, err := st.key()
		if err != nil {
			return nil, err
		}
		var m Member
		if st.peek() == '=' {
			st.pos++
			if m, err = st.itemOrInnerList(); err != nil {
				return nil, err
			}
		} else {
			params, err := st.params()
			if err != nil {
				return nil, err
			}
			m = Item{Value: true, Params: params}
		}
		if out, err = p.setMember(out, key, m); err != nil {
			return nil, err
		}
		if done, err := st.nextMember(); done || err != nil {
			return out, err
		}
	}
	return out, st.finish()
}

// setMember adds or overwrites key in d.
func (p Parser) setMember(d Dictionary, key string, m Member) (Dictionary, error) {
	for i := range d {
		if d[i].Key == key {
			if p.RejectDuplicates {
				return nil, fmt.Errorf("%w: %q", ErrDuplicateKey, key)
			}
			d[i].Value = m
			return d, nil
		}
	}
	if len(d) == MaxMembers {
		return nil, fmt.Errorf("%w: more than %d dictionary members", ErrTooLarge, MaxMembers)
	}
	return append(d, DictMember{Key: key, Value: m}), nil
}

// state is a parse in progress.
type state struct {
	p   Parser
	s   string
	pos int
}

func (p Parser) start(s string) (state, error) {
	if len(s) > MaxInput {
		return state{}, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(s))
	}
	st := state{p: p, s: s}
	st.skipSP()
	return st, nil
}

func (st *state) empty() bool { return st.pos >= len(st.s) }

func (st *state) peek() byte {
	if st.empty() {
		return 0
	}
	return st.s[st.pos]
}

func (st *state) skipSP() {
	for !st.empty() && st.s[st.pos] == ' ' {
		st.pos++
	}
}

func (st *state) skipOWS() {
	for !st.empty() && (st.s[st.pos] == ' ' || st.s[st.pos] == '\t') {
		st.pos++
	}
}

// finish checks that nothing but spaces remains.
func (st *state) finish() error {
	st.skipSP()
	if !st.empty() {
		return st.fail("trailing characters")
	}
	return nil
}

// nextMember consumes the separator after a List or Dictionary member. It
// reports done when the input ended.
func (st *state) nextMember() (done bool, err error) {
	st.skipOWS()
	if st.empty() {
		return true, nil
	}
	if st.s[st.pos] != ',' {
		return false, st.fail("expected ','")
	}
	st.pos++
	st.skipOWS()
	if st.empty() {
		return false, st.fail("trailing ','")
	}
	return false, nil
}

func (st *state) fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrSyntax, what, st.pos)
}

// itemOrInnerList parses one List or Dictionary member value.
func (st *state) itemOrInnerList() (Member, error) {
	if st.peek() == '(' {
		return st.innerList()
	}
	return st.item()
}

// innerList parses an Inner List (RFC 8941 §4.2.1.2).
func (st *state) innerList() (InnerList, error) {
	if st.peek() != '(' {
		return InnerList{}, st.fail("expected '('")
	}
	st.pos++
	l := InnerList{Items: make([]Item, 0, 8)}
	for !st.empty() {
		st.skipSP()
		if st.peek() == ')' {
			st.pos++
			params, err := st.params()
			if err != nil {
				return InnerList{}, err
			}
			l.Params = params
			return l, nil
		}
		if len(l.Items) == MaxInnerItems {
			return InnerList{}, fmt.Errorf("%w: more than %d inner list items", ErrTooLarge, MaxInnerItems)
		}
		it, err := st.item()
		if err != nil {
			return InnerList{}, err
		}
		l.Items = append(l.Items, it)
		if c := st.peek(); c != ' ' && c != ')' {
			return InnerList{}, st.fail("expected ' ' or ')' in inner list")
		}
	}
	return InnerList{}, st.fail("unterminated inner list")
}

// item parses an Item (RFC 8941 §4.2.3).
func (st *state) item() (Item, error) {
	v, err := st.bareItem()
	if err != nil {
		return Item{}, err
	}
	params, err := st.params()
	if err != nil {
		return Item{}, err
	}
	return Item{Value: v, Params: params}, nil
}

// params parses Parameters (RFC 8941 §4.2.3.2).
func (st *state) params() (Params, error) {
	if st.peek() != ';' {
		return nil, nil
	}
	out := make(Params, 0, 4)
	for st.peek() == ';' {
		st.pos++
		st.skipSP()
		key, err := st.key()
		if err != nil {
			return nil, err
		}
		var v any = true
		if st.peek() == '=' {
			st.pos++
			if v, err = st.bareItem(); err != nil {
				return nil, err
			}
		}
		replaced := false
		for i := range out {
			if out[i].Key == key {
				if st.p.RejectDuplicates {
					return nil, fmt.Errorf("%w: parameter %q", ErrDuplicateKey, key)
				}
				out[i].Value = v
				replaced = true
			}
		}
		if !replaced {
			if len(out) == MaxParams {
				return nil, fmt.Errorf("%w: more than %d parameters", ErrTooLarge, MaxParams)
			}
			out = append(out, Param{Key: key, Value: v})
		}
	}
	return out, nil
}

// key parses a Key (RFC 8941 §4.2.3.3).
func (st *state) key() (string, error) {
	c := st.peek()
	if !isLCAlpha(c) && c != '*' {
		return "", st.fail("expected key")
	}
	start := st.pos
	for !st.empty() && isKeyChar(st.s[st.pos]) {
		st.pos++
	}
	return st.s[start:st.pos], nil
}

// bareItem parses a Bare Item (RFC 8941 §4.2.3.1).
func (st *state) bareItem() (any, error) {
	c := st.peek()
	switch {
	case c == '-' || isDigit(c):
		return st.number()
	case c == '"':
		return st.str()
	case c == '*' || isAlpha(c):
		return st.token(), nil
	case c == ':':
		return st.byteSeq()
	case c == '?':
		return st.boolean()
	default:
		return nil, st.fail("expected bare item")
	}
}

// number parses an Integer or Decimal (RFC 8941 §4.2.4).
func (st *state) number() (any, error) {
	neg := false
	if st.peek() == '-' {
		neg = true
		st.pos++
	}
	if !isDigit(st.peek()) {
		return nil, st.fail("expected digit")
	}
	start := st.pos
	dot := -1
	for !st.empty() {
		c := st.s[st.pos]
		if isDigit(c) {
			st.pos++
		} else if c == '.' && dot < 0 {
			if st.pos-start > 12 {
				return nil, st.fail("decimal with more than 12 integer digits")
			}
			dot = st.pos
			st.pos++
		} else {
			break
		}
		n := st.pos - start
		if dot < 0 && n > 15 {
			return nil, st.fail("integer with more than 15 digits")
		}
		if dot >= 0 && n > 16 {
			return nil, st.fail("decimal with more than 16 characters")
		}
	}
	num := st.s[start:st.pos]
	if dot < 0 {
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return nil, st.fail("bad integer")
		}
		if neg {
			v = -v
		}
		return v, nil
	}
	intPart, frac := st.s[start:dot], st.s[dot+1:st.pos]
	if len(frac) == 0 {
		return nil, st.fail("decimal ends with '.'")
	}
	if len(frac) > 3 {
		return nil, st.fail("decimal with more than 3 fractional digits")
	}
	ip, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return nil, st.fail("bad decimal")
	}
	fp, err := strconv.ParseInt(frac+strings.Repeat("0", 3-len(frac)), 10, 64)
	if err != nil {
		return nil, st.fail("bad decimal")
	}
	v := ip*1000 + fp
	if neg {
		v = -v
	}
	return Decimal(v), nil
}

// str parses a String (RFC 8941 §4.2.5).
func (st *state) str() (string, error) {
	st.pos++ // the opening quote
	// Fast path: no escapes before the closing quote.
	for i := st.pos; i < len(st.s); i++ {
		c := st.s[i]
		if c == '"' {
			out := st.s[st.pos:i]
			st.pos = i + 1
			return out, nil
		}
		if c == '\\' || c < 0x20 || c > 0x7e {
			break
		}
	}
	var b strings.Builder
	for !st.empty() {
		c := st.s[st.pos]
		st.pos++
		switch {
		case c == '\\':
			if st.empty() {
				return "", st.fail("unterminated escape")
			}
			n := st.s[st.pos]
			if n != '"' && n != '\\' {
				return "", st.fail("bad escape")
			}
			b.WriteByte(n)
			st.pos++
		case c == '"':
			return b.String(), nil
		case c < 0x20 || c > 0x7e:
			st.pos--
			return "", st.fail("non-printable character in string")
		default:
			b.WriteByte(c)
		}
	}
	return "", st.fail("unterminated string")
}

// token parses a Token (RFC 8941 §4.2.6); the first character is checked.
func (st *state) token() Token {
	start := st.pos
	st.pos++
	for !st.empty() {
		c := st.s[st.pos]
		if !isTChar(c) && c != ':' && c != '/' {
			break
		}
		st.pos++
	}
	return Token(st.s[start:st.pos])
}

// byteSeq parses a Byte Sequence (RFC 8941 §4.2.7). Missing '=' padding is
// tolerated, as the RFC recommends.
func (st *state) byteSeq() ([]byte, error) {
	st.pos++ // the opening colon
	end := strings.IndexByte(st.s[st.pos:], ':')
	if end < 0 {
		return nil, st.fail("unterminated byte sequence")
	}
	enc := st.s[st.pos : st.pos+end]
	for i := 0; i < len(enc); i++ {
		if c := enc[i]; !isAlpha(c) && !isDigit(c) && c != '+' && c != '/' && c != '=' {
			st.pos += i
			return nil, st.fail("bad character in byte sequence")
		}
	}
	st.pos += end + 1
	var (
		out []byte
		err error
	)
	if strings.HasSuffix(enc, "=") || len(enc)%4 == 0 {
		out, err = base64.StdEncoding.DecodeString(enc)
	} else {
		out, err = base64.RawStdEncoding.DecodeString(enc)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: bad base64 in byte sequence", ErrSyntax)
	}
	if out == nil {
		out = []byte{}
	}
	return out, nil
}

// boolean parses a Boolean (RFC 8941 §4.2.8).
func (st *state) boolean() (bool, error) {
	st.pos++ // the question mark
	switch st.peek() {
	case '1':
		st.pos++
		return true, nil
	case '0':
		st.pos++
		return false, nil
	default:
		return false, st.fail("expected '0' or '1' after '?'")
	}
}

func isDigit(c byte) bool   { return '0' <= c && c <= '9' }
func isLCAlpha(c byte) bool { return 'a' <= c && c <= 'z' }
func isAlpha(c byte) bool   { return isLCAlpha(c) || ('A' <= c && c <= 'Z') }

func isKeyChar(c byte) bool {
	return isLCAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*'
}

// isTChar reports whether c is a tchar (RFC 9110 §5.6.2).
func isTChar(c byte) bool {
	if isAlpha(c) || isDigit(c) {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
