package vocab

import (
	"strings"
	"time"
)

// NewNote returns a Note with an id, its author (attributedTo), HTML content
// and publication time. Chain the builder methods below to add mentions,
// hashtags, a content warning, attachments, custom emoji, the content's
// language and a reply target, then call Address and Create:
//
//	n := vocab.NewNote(id, alice, html, now).
//		Mention(bob, "@bob@example.org").
//		Hashtag("https://example.com/tags/go", "#go").
//		Language("en").
//		ReplyTo(parent)
//	n.Address(vocab.VisibilityPublic, alice+"/followers", n.Mentioned()...)
//	create := n.Create(id + "/activity")
func NewNote(id, author, content string, published time.Time) *Object {
	o := &Object{ID: id, Type: TypeNote, Content: content, Published: published}
	if author != "" {
		o.AttributedTo = []Ref{IRIRef(author)}
	}
	return o
}

// Mention tags o with a Mention of actor, named "@user@host" as Mastodon
// names mentions; a name without its leading "@" gets one.
func (o *Object) Mention(actor, name string) *Object {
	if name != "" && !strings.HasPrefix(name, "@") {
		name = "@" + name
	}
	o.Tag = append(o.Tag, ObjectRef(&Object{Type: TypeMention, Href: actor, Name: name}))
	return o
}

// Hashtag tags o with a Hashtag linking to href (the tag's page); a name
// without its leading "#" gets one.
func (o *Object) Hashtag(href, name string) *Object {
	if !strings.HasPrefix(name, "#") {
		name = "#" + name
	}
	o.Tag = append(o.Tag, ObjectRef(&Object{Type: TypeHashtag, Href: href, Name: name}))
	return o
}

// CustomEmoji tags o with a custom emoji: its id, its shortcode name
// (":blobcat:", colons added when missing) and its image.
func (o *Object) CustomEmoji(id, name, imageURL, mediaType string) *Object {
	if !strings.HasPrefix(name, ":") {
		name = ":" + name + ":"
	}
	icon := &Object{Type: TypeImage, MediaType: mediaType, URL: []Ref{IRIRef(imageURL)}}
	o.Tag = append(o.Tag, ObjectRef(&Object{ID: id, Type: TypeEmoji, Name: name, Icon: []Ref{ObjectRef(icon)}}))
	return o
}

// ContentWarning puts o's content behind a warning: summary is the warning
// text and sensitive is set, as Mastodon reads it.
func (o *Object) ContentWarning(text string) *Object {
	o.Summary = text
	t := true
	o.Sensitive = &t
	return o
}

// Media describes a media attachment.
type Media struct {
	// URL of the file; MediaType its MIME type ("image/jpeg").
	URL       string
	MediaType string
	// Alt is the description for people who cannot see it (written as
	// "name").
	Alt string
	// Blurhash is the placeholder hash; Width and Height are in pixels
	// (zero = unknown); FocalPoint is Mastodon's [x, y] in -1..1 (nil =
	// unset).
	Blurhash   string
	Width      int64
	Height     int64
	FocalPoint []float64
}

// Attach adds a media attachment, typed Document as Mastodon sends them.
func (o *Object) Attach(m Media) *Object {
	a := &Object{Type: TypeDocument, MediaType: m.MediaType, Name: m.Alt, Blurhash: m.Blurhash,
		FocalPoint: m.FocalPoint}
	if m.URL != "" {
		a.URL = []Ref{IRIRef(m.URL)}
	}
	if m.Width > 0 {
		w := m.Width
		a.Width = &w
	}
	if m.Height > 0 {
		h := m.Height
		a.Height = &h
	}
	o.Attachment = append(o.Attachment, ObjectRef(a))
	return o
}

// Language declares the language of o's content (a BCP 47 tag such as
// "en"), as Mastodon does: contentMap gets the content under that tag,
// beside the plain content that peers without language support read.
func (o *Object) Language(tag string) *Object {
	if tag != "" && o.Content != "" {
		o.ContentMap = map[string]string{tag: o.Content}
	}
	return o
}

// ReplyTo makes o a reply to the object iri.
func (o *Object) ReplyTo(iri string) *Object {
	o.InReplyTo = []Ref{IRIRef(iri)}
	return o
}

// Mentioned returns the actors o's Mention tags point at, in order.
func (o *Object) Mentioned() []string {
	var out []string
	for _, t := range o.Tag {
		if t.Object != nil && t.Object.Type == TypeMention && t.Object.Href != "" {
			out = append(out, t.Object.Href)
		}
	}
	return out
}

// Create wraps o in a Create activity with the given id, the author as its
// actor and o's addressing and publication time, as Mastodon sends posts.
func (o *Object) Create(id string) *Object {
	c := &Object{ID: id, Type: TypeCreate, Published: o.Published, Object: []Ref{ObjectRef(o)}}
	c.Actor = append(c.Actor, o.AttributedTo...)
	c.To = append(c.To, o.To...)
	c.Cc = append(c.Cc, o.Cc...)
	return c
}
