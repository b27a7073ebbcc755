package webfinger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"slices"
	"strings"
)

// Media types and link relations used in WebFinger and by fediverse
// servers.
const (
	MediaTypeJRD      = "application/jrd+json"      // RFC 7033 JSON Resource Descriptor
	MediaTypeXRD      = "application/xrd+xml"       // host-meta
	MediaTypeActivity = "application/activity+json" // an ActivityPub actor

	RelSelf        = "self"                                    // the actor document
	RelProfilePage = "http://webfinger.net/rel/profile-page"   // the HTML profile
	RelSubscribe   = "http://ostatus.org/schema/1.0/subscribe" // remote follow template
	RelLRDD        = "lrdd"                                    // host-meta's WebFinger template

	// WellKnownPath is where WebFinger is served.
	WellKnownPath = "/.well-known/webfinger"
	// HostMetaPath is where host-meta (XRD) is served; HostMetaPath+".json"
	// serves the JSON form.
	HostMetaPath = "/.well-known/host-meta"
)

// JRD is a JSON Resource Descriptor (RFC 7033 §4.4).
type JRD struct {
	Subject    string             `json:"subject,omitempty"`
	Aliases    []string           `json:"aliases,omitempty"`
	Properties map[string]*string `json:"properties,omitempty"` // values may be null
	Links      []Link             `json:"links,omitempty"`
}

// Link is one link of a JRD (RFC 7033 §4.4.4). Template is not in the RFC
// but is what OStatus's subscribe relation carries.
type Link struct {
	Rel        string             `json:"rel"`
	Type       string             `json:"type,omitempty"`
	Href       string             `json:"href,omitempty"`
	Template   string             `json:"template,omitempty"`
	Titles     map[string]string  `json:"titles,omitempty"`
	Properties map[string]*string `json:"properties,omitempty"`
}

// DecodeJRD parses and checks a JRD: it must be one JSON object whose
// members have the RFC's types and whose links each have a rel. Errors
// wrap [ErrBadResponse].
func DecodeJRD(data []byte) (*JRD, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, fmt.Errorf("%w: JRD is not a JSON object", ErrBadResponse)
	}
	var j JRD
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("%w: JRD: %v", ErrBadResponse, err)
	}
	for i, l := range j.Links {
		if l.Rel == "" {
			return nil, fmt.Errorf("%w: JRD link %d has no rel", ErrBadResponse, i)
		}
	}
	return &j, nil
}

// Link returns the first link with relation rel, or nil.
func (j *JRD) Link(rel string) *Link {
	for i := range j.Links {
		if j.Links[i].Rel == rel {
			return &j.Links[i]
		}
	}
	return nil
}

// ActorIRI returns the href of the first "self" link whose type is an
// ActivityPub media type (application/activity+json, or
// application/ld+json with the ActivityStreams profile), or "".
func (j *JRD) ActorIRI() string {
	for _, l := range j.Links {
		if l.Rel == RelSelf && l.Href != "" && IsActivityPubType(l.Type) {
			return l.Href
		}
	}
	return ""
}

// ProfilePage returns the href of the profile-page link, or "".
func (j *JRD) ProfilePage() string {
	if l := j.Link(RelProfilePage); l != nil {
		return l.Href
	}
	return ""
}

// SubscribeTemplate returns the OStatus subscribe template (with "{uri}"),
// or "".
func (j *JRD) SubscribeTemplate() string {
	if l := j.Link(RelSubscribe); l != nil {
		return l.Template
	}
	return ""
}

// FilterRels returns a copy of j keeping only links whose rel is in rels
// (RFC 7033 §4.3); subject, aliases and properties stay. With no rels it
// returns an unfiltered copy.
func (j *JRD) FilterRels(rels []string) *JRD {
	out := *j
	out.Aliases = slices.Clone(j.Aliases)
	out.Links = nil
	for _, l := range j.Links {
		if len(rels) == 0 || slices.Contains(rels, l.Rel) {
			out.Links = append(out.Links, l)
		}
	}
	return &out
}

// IsActivityPubType reports whether a media type names an ActivityPub
// document: application/activity+json, or application/ld+json with the
// ActivityStreams profile.
func IsActivityPubType(t string) bool {
	mt, params, err := mime.ParseMediaType(t)
	if err != nil {
		return false
	}
	switch mt {
	case MediaTypeActivity:
		return true
	case "application/ld+json":
		return slices.Contains(strings.Fields(params["profile"]), "https://www.w3.org/ns/activitystreams")
	}
	return false
}

// NewActorJRD builds the JRD Mastodon and GoToSocial expect for an actor:
// subject "acct:user@host", the profile page and actor id as aliases, and
// links to the profile page (text/html), the actor (self,
// application/activity+json) and the subscribe template. acct may be
// written "user@host" or "acct:user@host"; profileURL and
// subscribeTemplate may be empty to leave their parts out. A subscribe
// template holds "{uri}", as in
// "https://social.example.com/authorize_interaction?uri={uri}".
func NewActorJRD(acct, actorIRI, profileURL, subscribeTemplate string) *JRD {
	subject := acct
	if r, err := ParseResource(acct); err == nil && r.IsAccount() {
		subject = r.URI
	}
	j := &JRD{Subject: subject}
	if profileURL != "" && profileURL != actorIRI {
		j.Aliases = append(j.Aliases, profileURL)
	}
	if actorIRI != "" {
		j.Aliases = append(j.Aliases, actorIRI)
	}
	if profileURL != "" {
		j.Links = append(j.Links, Link{Rel: RelProfilePage, Type: "text/html", Href: profileURL})
	}
	if actorIRI != "" {
		j.Links = append(j.Links, Link{Rel: RelSelf, Type: MediaTypeActivity, Href: actorIRI})
	}
	if subscribeTemplate != "" {
		j.Links = append(j.Links, Link{Rel: RelSubscribe, Template: subscribeTemplate})
	}
	return j
}
