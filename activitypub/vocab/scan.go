package vocab

import (
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner is a validating, allocation-frugal JSON reader over a byte slice.
// It reads one value at a time, tracks nesting depth and the property path
// (for errors) and enforces the Decoder's bounds.
type scanner struct {
	data     []byte
	pos      int
	depth    int
	maxDepth int
	maxArray int
	// objects counts the Objects made so far, up to maxObjects.
	objects, maxObjects int
	path                []pathElem

	// docStr is data as a string, made once per document, so that strings
	// without escapes are substrings of it instead of allocations each.
	docStr string
	// The span of the last string read, and whether the bytes returned
	// for it alias data there (no escapes).
	strStart, strEnd int
	strAliased       bool

	// slab holds Objects allocated ahead (see newObject).
	slab []Object
}

// pathElem is one step of the path to the value being read: a property name
// or, when key is nil, an array index.
type pathElem struct {
	key []byte
	idx int
}

func (s *scanner) pathString() string {
	var b strings.Builder
	for _, p := range s.path {
		if p.key != nil {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(clip(string(p.key)))
		} else {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.idx))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func (s *scanner) fail(err error, detail string) *DecodeError {
	return &DecodeError{Path: s.pathString(), Offset: s.pos, Detail: clip(detail), Err: err}
}

// maxErrorText bounds each piece of input (a property name, an offending
// value) quoted in a DecodeError, so that a hostile document cannot make
// error messages, and the log lines they end up in, as large as itself.
const maxErrorText = 100

// clip shortens s to about maxErrorText bytes, cutting on a character
// boundary and marking the cut.
func clip(s string) string {
	if len(s) <= maxErrorText {
		return s
	}
	n := maxErrorText
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the first byte of the next value after white space, or 0 at
// the end of input.
func (s *scanner) peek() byte {
	s.ws()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		return s.fail(ErrInvalidJSON, "expected "+strconv.QuoteRune(rune(c)))
	}
	s.pos++
	return nil
}

// kindName names the JSON type starting with c, for error details.
func kindName(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case 0:
		return "end of input"
	default:
		return "number"
	}
}

func (s *scanner) wrongType(want string) error {
	switch c := s.peek(); {
	case c == 0:
		return s.fail(ErrInvalidJSON, "unexpected end of input")
	case c == '{', c == '[', c == '"', c == 't', c == 'f', c == 'n', c == '-', c >= '0' && c <= '9':
		return s.fail(ErrWrongType, "want "+want+", have "+kindName(c))
	default:
		return s.fail(ErrInvalidJSON, "unexpected character "+strconv.QuoteRune(rune(c)))
	}
}

// plainStringByte[c] is 1 for the bytes that need no attention inside a JSON
// string: ASCII other than control characters, '"' and '\\'.
const plainStringByte = "" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x01\x01\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" +
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" +
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" +
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x01\x01\x01" +
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" +
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"

// readStringBytes reads a JSON string. When the string has no escapes the
// result aliases the input; otherwise it is a new unescaped buffer.
func (s *scanner) readStringBytes() ([]byte, error) {
	if s.peek() != '"' {
		return nil, s.wrongType("string")
	}
	s.pos++
	start := s.pos
	for {
		s.skipPlain()
		if s.pos >= len(s.data) {
			return nil, s.fail(ErrInvalidJSON, "unterminated string")
		}
		switch c := s.data[s.pos]; {
		case c == '"':
			b := s.data[start:s.pos]
			s.strStart, s.strEnd, s.strAliased = start, s.pos, true
			s.pos++
			return b, nil
		case c == '\\':
			s.strAliased = false
			return s.readEscaped(start)
		case c < 0x20:
			return nil, s.fail(ErrInvalidJSON, "control character in string")
		default:
			r, n := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && n <= 1 {
				return nil, s.fail(ErrInvalidUTF8, "")
			}
			s.pos += n
		}
	}
}

// skipPlain advances over bytes that need no attention inside a string,
// eight at a time while it can.
func (s *scanner) skipPlain() {
	for s.pos+8 <= len(s.data) && !special8(binary.LittleEndian.Uint64(s.data[s.pos:])) {
		s.pos += 8
	}
	for s.pos < len(s.data) && plainStringByte[s.data[s.pos]] == 1 {
		s.pos++
	}
}

// special8 reports whether any of the eight bytes packed in w needs
// attention inside a string: a control character, '"', '\\' or a byte of a
// multi-byte UTF-8 sequence. It uses the classic SWAR tests: (x - ones*n) &^
// x & highs is non-zero exactly when some byte of x is below n (for bytes
// under 0x80; higher ones are caught by w & highs), and x = w ^ ones*v has
// a zero byte exactly when w has a byte equal to v.
func special8(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := w ^ (ones * '"')
	backslash := w ^ (ones * '\\')
	return ((w-ones*0x20)&^w|
		(quote-ones)&^quote|
		(backslash-ones)&^backslash|
		w)&highs != 0
}

// readEscaped continues readStringBytes from the first backslash.
func (s *scanner) readEscaped(start int) ([]byte, error) {
	// The unescaped string is no longer than the escaped one: find where
	// that ends and allocate once.
	end := s.pos
	for end < len(s.data) && s.data[end] != '"' {
		if s.data[end] == '\\' {
			end++
		}
		end++
	}
	buf := make([]byte, 0, min(end, len(s.data))-start)
	buf = append(buf, s.data[start:s.pos]...)
	for s.pos < len(s.data) {
		run := s.pos
		s.skipPlain()
		buf = append(buf, s.data[run:s.pos]...)
		if s.pos >= len(s.data) {
			break
		}
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return buf, nil
		case c == '\\':
			if s.pos+1 >= len(s.data) {
				return nil, s.fail(ErrInvalidJSON, "unterminated string")
			}
			e := s.data[s.pos+1]
			s.pos += 2
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := s.hex4()
				if !ok {
					return nil, s.fail(ErrInvalidJSON, "bad \\u escape")
				}
				if utf16.IsSurrogate(r) {
					r2 := unicode16Replacement
					if s.pos+1 < len(s.data) && s.data[s.pos] == '\\' && s.data[s.pos+1] == 'u' {
						save := s.pos
						s.pos += 2
						lo, ok := s.hex4()
						if ok {
							r2 = utf16.DecodeRune(r, lo)
						}
						if !ok || r2 == unicode16Replacement {
							s.pos = save
							r2 = unicode16Replacement
						}
					}
					r = r2
				}
				buf = utf8.AppendRune(buf, r)
			default:
				return nil, s.fail(ErrInvalidJSON, "bad escape")
			}
		case c < 0x20:
			return nil, s.fail(ErrInvalidJSON, "control character in string")
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			s.pos++
		default:
			r, n := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && n <= 1 {
				return nil, s.fail(ErrInvalidUTF8, "")
			}
			buf = append(buf, s.data[s.pos:s.pos+n]...)
			s.pos += n
		}
	}
	return nil, s.fail(ErrInvalidJSON, "unterminated string")
}

const unicode16Replacement = '\uFFFD'

func (s *scanner) hex4() (rune, bool) {
	if s.pos+4 > len(s.data) {
		return 0, false
	}
	var r rune
	for _, c := range s.data[s.pos : s.pos+4] {
		r <<= 4
		switch {
		case '0' <= c && c <= '9':
			r |= rune(c - '0')
		case 'a' <= c && c <= 'f':
			r |= rune(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	s.pos += 4
	return r, true
}

func (s *scanner) readString() (string, error) {
	b, err := s.readStringBytes()
	if err != nil {
		return "", err
	}
	return s.stringOf(b), nil
}

// stringOf returns b, just returned by readStringBytes, as a string: a
// substring of the document when it can be, else a copy.
func (s *scanner) stringOf(b []byte) string {
	if s.strAliased && s.docStr != "" {
		return s.docStr[s.strStart:s.strEnd]
	}
	return string(b)
}

// readNumberBytes reads and validates a JSON number.
func (s *scanner) readNumberBytes() ([]byte, error) {
	c := s.peek()
	if c != '-' && (c < '0' || c > '9') {
		return nil, s.wrongType("number")
	}
	start := s.pos
	if s.data[s.pos] == '-' {
		s.pos++
	}
	digits := func() int {
		n := 0
		for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
			s.pos++
			n++
		}
		return n
	}
	if s.pos < len(s.data) && s.data[s.pos] == '0' {
		s.pos++
	} else if digits() == 0 {
		return nil, s.fail(ErrInvalidJSON, "bad number")
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if digits() == 0 {
			return nil, s.fail(ErrInvalidJSON, "bad number")
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if digits() == 0 {
			return nil, s.fail(ErrInvalidJSON, "bad number")
		}
	}
	return s.data[start:s.pos], nil
}

func (s *scanner) readFloat() (float64, error) {
	b, err := s.readNumberBytes()
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, s.fail(ErrInvalidValue, "number out of range")
	}
	return f, nil
}

func (s *scanner) readInt() (int64, error) {
	b, err := s.readNumberBytes()
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		// Accept integral floats such as 3.0 or 1e3.
		f, ferr := strconv.ParseFloat(string(b), 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, s.fail(ErrInvalidValue, "not an integer: "+string(b))
		}
		return int64(f), nil
	}
	return n, nil
}

func (s *scanner) literal(word string) bool {
	if strings.HasPrefix(string(s.data[s.pos:min(len(s.data), s.pos+len(word))]), word) {
		s.pos += len(word)
		return true
	}
	return false
}

func (s *scanner) readBool() (bool, error) {
	switch s.peek() {
	case 't':
		if s.literal("true") {
			return true, nil
		}
	case 'f':
		if s.literal("false") {
			return false, nil
		}
	default:
		return false, s.wrongType("boolean")
	}
	return false, s.fail(ErrInvalidJSON, "bad literal")
}

// null consumes a null if one comes next.
func (s *scanner) null() (bool, error) {
	if s.peek() != 'n' {
		return false, nil
	}
	if !s.literal("null") {
		return false, s.fail(ErrInvalidJSON, "bad literal")
	}
	return true, nil
}

func (s *scanner) enter() error {
	s.depth++
	if s.depth > s.maxDepth {
		return s.fail(ErrTooDeep, "limit "+strconv.Itoa(s.maxDepth))
	}
	return nil
}

// object reads a JSON object, calling fn for each property with the scanner
// positioned at its value; fn must consume the value.
func (s *scanner) object(fn func(key []byte) error) error {
	if s.peek() != '{' {
		return s.wrongType("object")
	}
	if err := s.enter(); err != nil {
		return err
	}
	s.pos++
	if s.peek() == '}' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		key, err := s.readStringBytes()
		if err != nil {
			if de, ok := err.(*DecodeError); ok && de.Err == ErrWrongType {
				return s.fail(ErrInvalidJSON, "expected property name")
			}
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		s.path = append(s.path, pathElem{key: key})
		if err := fn(key); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			s.depth--
			return nil
		default:
			return s.fail(ErrInvalidJSON, "expected ',' or '}'")
		}
	}
}

// array reads a JSON array, calling fn for each element.
func (s *scanner) array(fn func(i int) error) error {
	if s.peek() != '[' {
		return s.wrongType("array")
	}
	if err := s.enter(); err != nil {
		return err
	}
	s.pos++
	if s.peek() == ']' {
		s.pos++
		s.depth--
		return nil
	}
	for i := 0; ; i++ {
		if i >= s.maxArray {
			return s.fail(ErrTooLong, "limit "+strconv.Itoa(s.maxArray))
		}
		s.path = append(s.path, pathElem{idx: i})
		if err := fn(i); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			s.depth--
			return nil
		default:
			return s.fail(ErrInvalidJSON, "expected ',' or ']'")
		}
	}
}

// skip reads and validates any value.
func (s *scanner) skip() error {
	switch c := s.peek(); c {
	case '{':
		return s.object(func([]byte) error { return s.skip() })
	case '[':
		return s.array(func(int) error { return s.skip() })
	case '"':
		_, err := s.readStringBytes()
		return err
	case 't', 'f':
		_, err := s.readBool()
		return err
	case 'n':
		_, err := s.null()
		return err
	case 0:
		return s.fail(ErrInvalidJSON, "unexpected end of input")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			_, err := s.readNumberBytes()
			return err
		}
		return s.fail(ErrInvalidJSON, "unexpected character "+strconv.QuoteRune(rune(c)))
	}
}

// raw reads and validates any value and returns a copy of its bytes.
func (s *scanner) raw() ([]byte, error) {
	s.ws()
	start := s.pos
	if err := s.skip(); err != nil {
		return nil, err
	}
	return append([]byte(nil), s.data[start:s.pos]...), nil
}
