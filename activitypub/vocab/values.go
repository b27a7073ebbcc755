package vocab

import (
	"encoding/json"
	"strconv"
	"time"
)

// The readers below decode one property value each, accepting every shape
// the wire allows for it; null always means absent. A property given twice
// (a duplicate key, or one term in two spellings) keeps its last value, as
// encoding/json and JSON parsers elsewhere do: list readers start afresh
// rather than append to the earlier value.

// keepExtra keeps the raw value of a property whose field holds only part
// of it (an embedded object's id), under the property's compact name so
// that it overrides the field when encoding.
func (o *Object) keepExtra(key []byte, raw []byte) {
	if o.Extra == nil {
		o.Extra = make(map[string]json.RawMessage, 4)
	}
	o.Extra[compactName(key)] = append(json.RawMessage(nil), raw...)
}

// dropExtra forgets what keepExtra kept for key, once a later value of the
// property replaced it.
func (o *Object) dropExtra(key []byte) {
	if o.Extra != nil {
		delete(o.Extra, compactName(key))
		if len(o.Extra) == 0 {
			o.Extra = nil
		}
	}
}

// iriProp decodes a property whose value is an IRI. Peers sometimes embed
// the object instead (a followers collection with its totalItems, say); the
// field then gets the embedded id, and the whole value is kept in Extra so
// that encoding writes it back unchanged.
func (s *scanner) iriProp(o *Object, key []byte, dst *string) error {
	switch s.peek() {
	case '{':
		start := s.pos
		id, err := s.embeddedID()
		if err != nil {
			return err
		}
		*dst = id
		o.keepExtra(key, s.data[start:s.pos])
		return nil
	case '[':
		o.dropExtra(key)
		*dst = ""
		// A one-element array holding the IRI.
		n := 0
		return s.array(func(int) error {
			n++
			if n > 1 {
				return s.fail(ErrWrongType, "want one IRI, have several")
			}
			return s.iri(dst)
		})
	}
	o.dropExtra(key)
	*dst = ""
	return s.iri(dst)
}

func (s *scanner) str(dst *string) error {
	if s.peek() == '{' {
		return s.unwrap(func() error { return s.str(dst) })
	}
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	v, err := s.readString()
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

func (s *scanner) strs(dst *[]string) error {
	*dst = nil
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	if s.peek() != '[' {
		var v string
		if err := s.str(&v); err != nil {
			return err
		}
		*dst = append(*dst, v)
		return nil
	}
	return s.array(func(int) error {
		v, err := s.readString()
		if err != nil {
			return err
		}
		*dst = append(*dst, v)
		return nil
	})
}

// natural decodes name, summary or content: a string, a language map (as
// a JSON-LD processor may write it) or a JSON-LD value object
// ({"@value": "...", "@language": "en"}).
func (s *scanner) natural(dst *string, m *map[string]string) error {
	if s.peek() == '{' {
		return s.langValues(dst, m)
	}
	return s.str(dst)
}

// langMap decodes nameMap, summaryMap or contentMap.
func (s *scanner) langMap(dst *map[string]string) error {
	return s.langValues(nil, dst)
}

// langValues reads a language map into m, or a value object: into m under
// its "@language", else into plain (a value object without a language is
// wrong where there is no plain value, as in contentMap).
func (s *scanner) langValues(plain *string, m *map[string]string) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	var value, lang string
	var isValue bool
	set := func(k, v string) {
		if *m == nil {
			*m = make(map[string]string, 2)
		}
		(*m)[k] = v
	}
	err := s.object(func(key []byte) error {
		if isNull, err := s.null(); isNull || err != nil {
			return err
		}
		switch string(key) {
		case "@value":
			isValue = true
			v, err := s.readString()
			value = v
			return err
		case "@language":
			v, err := s.readString()
			lang = v
			return err
		case "@type", "@direction", "@index":
			return s.skip()
		}
		v, err := s.readString()
		if err != nil {
			return err
		}
		set(string(key), v)
		return nil
	})
	switch {
	case err != nil || !isValue:
		return err
	case lang != "":
		set(lang, value)
	case plain != nil:
		*plain = value
	default:
		return s.fail(ErrWrongType, "want a language map, have a value without a language")
	}
	return nil
}

func (s *scanner) boolean(dst **bool) error {
	if s.peek() == '{' {
		return s.unwrap(func() error { return s.boolean(dst) })
	}
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	v, err := s.readBool()
	if err != nil {
		return err
	}
	*dst = &v
	return nil
}

func (s *scanner) integer(dst **int64) error {
	if s.peek() == '{' {
		return s.unwrap(func() error { return s.integer(dst) })
	}
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	v, err := s.readInt()
	if err != nil {
		return err
	}
	*dst = &v
	return nil
}

func (s *scanner) float(dst **float64) error {
	if s.peek() == '{' {
		return s.unwrap(func() error { return s.float(dst) })
	}
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	if s.peek() == '"' {
		// Pixelfed writes coordinates as strings.
		b, err := s.readStringBytes()
		if err != nil {
			return err
		}
		v, perr := strconv.ParseFloat(string(b), 64)
		if perr != nil {
			return s.fail(ErrInvalidValue, "not a number: "+strconv.Quote(string(b)))
		}
		*dst = &v
		return nil
	}
	v, err := s.readFloat()
	if err != nil {
		return err
	}
	*dst = &v
	return nil
}

func (s *scanner) floats(dst *[]float64) error {
	if s.peek() == '{' {
		return s.unwrap(func() error { return s.floats(dst) })
	}
	*dst = nil
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	return s.array(func(int) error {
		v, err := s.readFloat()
		if err != nil {
			return err
		}
		*dst = append(*dst, v)
		return nil
	})
}

func (s *scanner) time(dst *time.Time) error {
	if s.peek() == '{' {
		return s.unwrap(func() error { return s.time(dst) })
	}
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	b, err := s.readStringBytes()
	if err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return s.fail(ErrInvalidValue, "not an RFC 3339 date-time: "+string(b))
	}
	if _, off := t.Zone(); off == 0 {
		t = t.UTC()
	}
	*dst = t
	return nil
}

// types decodes "type": one name or several.
func (s *scanner) types(o *Object) error {
	add := func() error {
		t, err := s.readString()
		if err != nil {
			return err
		}
		t = typeName(t)
		if o.Type == "" {
			o.Type = t
		} else {
			o.MoreTypes = append(o.MoreTypes, t)
		}
		return nil
	}
	o.Type, o.MoreTypes = "", nil
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	if s.peek() == '[' {
		return s.array(func(int) error { return add() })
	}
	return add()
}

// iri decodes a string that must be an IRI. The three spellings of the
// public collection become PublicIRI.
func (s *scanner) iri(dst *string) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	b, err := s.readStringBytes()
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return nil // an empty IRI is taken for an absent one
	}
	if v, ok := publicSpelling(b); ok {
		*dst = v
		return nil
	}
	v := s.stringOf(b)
	if !validIRI(v) {
		return s.fail(ErrInvalidIRI, strconv.Quote(v))
	}
	*dst = v
	return nil
}

// iris decodes a property holding IRIs (alsoKnownAs). An embedded object
// contributes its id, and, as with iriProp, the whole value is then kept in
// Extra so that encoding writes it back unchanged.
func (s *scanner) iris(o *Object, key []byte, dst *[]string) error {
	*dst = nil
	o.dropExtra(key)
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	start, embedded := s.pos, false
	one := func() error {
		if s.peek() == '{' {
			id, err := s.embeddedID()
			if err != nil {
				return err
			}
			if id == "" {
				return s.fail(ErrWrongType, "embedded object without id")
			}
			embedded = true
			*dst = append(*dst, id)
			return nil
		}
		var v string
		if err := s.iri(&v); err != nil {
			return err
		}
		if v != "" {
			*dst = append(*dst, v)
		}
		return nil
	}
	var err error
	if s.peek() == '[' {
		err = s.array(func(int) error { return one() })
	} else {
		err = one()
	}
	if err == nil && embedded {
		o.keepExtra(key, s.data[start:s.pos])
	}
	return err
}

// embeddedID reads an object given where an IRI is usual and returns its
// id. The rest is checked as JSON but not decoded: the whole value is kept
// raw in Extra, so decoding it into an Object, whose own embedded values
// would be copied again, is wasted work, and in a document nesting such
// values it would copy the innermost bytes once per level.
func (s *scanner) embeddedID() (string, error) {
	var id string
	err := s.object(func(key []byte) error {
		if resolveKey(key) == tID {
			return s.iri(&id)
		}
		return s.skip()
	})
	return id, err
}

// embedded decodes a property holding one embedded object.
func (s *scanner) embedded(dst **Object) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	o, err := s.objectValue()
	if err != nil {
		return err
	}
	*dst = o
	return nil
}

// refValue decodes one IRI or embedded object.
func (s *scanner) refValue() (Ref, error) {
	switch s.peek() {
	case '{':
		o, err := s.objectValue()
		return Ref{Object: o}, err
	case '"':
		var r Ref
		err := s.iri(&r.IRI)
		return r, err
	}
	return Ref{}, s.wrongType("IRI or object")
}

// refs decodes a property that may hold one or several IRIs or objects.
func (s *scanner) refs(dst *[]Ref) error {
	*dst = nil
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	if s.peek() != '[' {
		r, err := s.refValue()
		if err != nil || r == (Ref{}) {
			return err
		}
		if *dst == nil {
			*dst = []Ref{r}
			return nil
		}
		*dst = append(*dst, r)
		return nil
	}
	return s.array(func(int) error {
		if isNull, err := s.null(); isNull || err != nil {
			return err
		}
		r, err := s.refValue()
		if err != nil || r == (Ref{}) {
			return err
		}
		if *dst == nil {
			// Most arrays are short: one allocation instead of three.
			*dst = make([]Ref, 0, 4)
		}
		*dst = append(*dst, r)
		return nil
	})
}

// ref decodes a functional property: one IRI or object.
func (s *scanner) ref(dst **Ref) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	if s.peek() == '[' {
		var rs []Ref
		if err := s.refs(&rs); err != nil {
			return err
		}
		switch len(rs) {
		case 0:
			return nil
		case 1:
			*dst = &rs[0]
			return nil
		}
		return s.fail(ErrWrongType, "want one value, have several")
	}
	r, err := s.refValue()
	if err != nil || r == (Ref{}) {
		return err
	}
	*dst = &r
	return nil
}

// unwrap reads a JSON-LD value or list object ({"@value": v} or
// {"@list": [...]}, as expanded documents write them) and calls fn at the
// value inside.
func (s *scanner) unwrap(fn func() error) error {
	found := false
	err := s.object(func(k []byte) error {
		switch string(k) {
		case "@value", "@list", "@set":
			if found {
				return s.fail(ErrWrongType, "several values")
			}
			found = true
			return fn()
		case "@type", "@language", "@direction", "@index":
			return s.skip()
		}
		return s.fail(ErrWrongType, "want a value, have an object")
	})
	if err == nil && !found {
		return s.fail(ErrWrongType, "want a value, have an object")
	}
	return err
}
