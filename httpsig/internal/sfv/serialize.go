package sfv

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// Writer is what the serializer writes to: a *strings.Builder or a
// *bytes.Buffer.
type Writer interface {
	WriteByte(c byte) error
	WriteString(s string) (int, error)
}

// WriteInnerList writes the canonical form of an Inner List to w.
func WriteInnerList(w Writer, l InnerList) error { return writeInnerList(w, l) }

// SerializeItem returns the canonical form of an Item (RFC 8941 §4.1.3).
func SerializeItem(it Item) (string, error) {
	var b strings.Builder
	if err := writeItem(&b, it); err != nil {
		return "", err
	}
	return b.String(), nil
}

// SerializeInnerList returns the canonical form of an Inner List
// (RFC 8941 §4.1.1.1).
func SerializeInnerList(l InnerList) (string, error) {
	var b strings.Builder
	if err := writeInnerList(&b, l); err != nil {
		return "", err
	}
	return b.String(), nil
}

// SerializeList returns the canonical form of a List (RFC 8941 §4.1.1).
func SerializeList(l List) (string, error) {
	var b strings.Builder
	for i, m := range l {
		if i > 0 {
			b.WriteString(", ")
		}
		if err := writeMember(&b, m); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// SerializeDictionary returns the canonical form of a Dictionary
// (RFC 8941 §4.1.2). A member whose value is the Boolean true is written as
// its key alone.
func SerializeDictionary(d Dictionary) (string, error) {
	var b strings.Builder
	for i, m := range d {
		if i > 0 {
			b.WriteString(", ")
		}
		if err := writeKey(&b, m.Key); err != nil {
			return "", err
		}
		if it, ok := m.Value.(Item); ok && it.Value == true {
			if err := writeParams(&b, it.Params); err != nil {
				return "", err
			}
			continue
		}
		b.WriteByte('=')
		if err := writeMember(&b, m.Value); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// SerializeMember returns the canonical form of a List or Dictionary member
// value: an Item or an Inner List.
func SerializeMember(m Member) (string, error) {
	var b strings.Builder
	if err := writeMember(&b, m); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeMember(b Writer, m Member) error {
	switch v := m.(type) {
	case Item:
		return writeItem(b, v)
	case InnerList:
		return writeInnerList(b, v)
	default:
		return fmt.Errorf("%w: member of type %T", ErrValue, m)
	}
}

func writeInnerList(b Writer, l InnerList) error {
	b.WriteByte('(')
	for i, it := range l.Items {
		if i > 0 {
			b.WriteByte(' ')
		}
		if err := writeItem(b, it); err != nil {
			return err
		}
	}
	b.WriteByte(')')
	return writeParams(b, l.Params)
}

func writeItem(b Writer, it Item) error {
	if err := writeBareItem(b, it.Value); err != nil {
		return err
	}
	return writeParams(b, it.Params)
}

func writeParams(b Writer, params Params) error {
	for _, p := range params {
		b.WriteByte(';')
		if err := writeKey(b, p.Key); err != nil {
			return err
		}
		if p.Value == true {
			continue
		}
		b.WriteByte('=')
		if err := writeBareItem(b, p.Value); err != nil {
			return err
		}
	}
	return nil
}

func writeKey(b Writer, key string) error {
	if key == "" || (!isLCAlpha(key[0]) && key[0] != '*') {
		return fmt.Errorf("%w: key %q", ErrValue, key)
	}
	for i := 0; i < len(key); i++ {
		if !isKeyChar(key[i]) {
			return fmt.Errorf("%w: key %q", ErrValue, key)
		}
	}
	b.WriteString(key)
	return nil
}

func writeBareItem(b Writer, v any) error {
	switch v := v.(type) {
	case int64:
		return writeInteger(b, v)
	case int:
		return writeInteger(b, int64(v))
	case Decimal:
		return writeDecimal(b, v)
	case string:
		return writeString(b, v)
	case Token:
		return writeToken(b, v)
	case []byte:
		b.WriteByte(':')
		b.WriteString(base64.StdEncoding.EncodeToString(v))
		b.WriteByte(':')
		return nil
	case bool:
		if v {
			b.WriteString("?1")
		} else {
			b.WriteString("?0")
		}
		return nil
	default:
		return fmt.Errorf("%w: bare item of type %T", ErrValue, v)
	}
}

func writeInteger(b Writer, v int64) error {
	if v < -maxInteger || v > maxInteger {
		return fmt.Errorf("%w: integer %d out of range", ErrValue, v)
	}
	b.WriteString(strconv.FormatInt(v, 10))
	return nil
}

func writeDecimal(b Writer, d Decimal) error {
	v := int64(d)
	if v < -maxDecimal || v > maxDecimal {
		return fmt.Errorf("%w: decimal out of range", ErrValue)
	}
	if v < 0 {
		b.WriteByte('-')
		v = -v
	}
	b.WriteString(strconv.FormatInt(v/1000, 10))
	b.WriteByte('.')
	frac := fmt.Sprintf("%03d", v%1000)
	frac = strings.TrimRight(frac, "0")
	if frac == "" {
		frac = "0"
	}
	b.WriteString(frac)
	return nil
}

func writeString(b Writer, s string) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("%w: string with byte %#x", ErrValue, c)
		}
	}
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return nil
}

func writeToken(b Writer, t Token) error {
	if t == "" || (!isAlpha(t[0]) && t[0] != '*') {
		return fmt.Errorf("%w: token %q", ErrValue, string(t))
	}
	for i := 1; i < len(t); i++ {
		if c := t[i]; !isTChar(c) && c != ':' && c != '/' {
			return fmt.Errorf("%w: token %q", ErrValue, string(t))
		}
	}
	b.WriteString(string(t))
	return nil
}
