package vocab

import "strings"

// Visibility is the audience of a post as Mastodon and its peers present it.
type Visibility int

// Visibilities, from widest to narrowest.
const (
	// VisibilityDirect: only the addressed (mentioned) actors.
	VisibilityDirect Visibility = iota
	// VisibilityFollowers: the author's followers (and mentioned actors).
	VisibilityFollowers
	// VisibilityUnlisted: public, but kept off public timelines (Public in
	// cc).
	VisibilityUnlisted
	// VisibilityPublic: Public in to.
	VisibilityPublic
)

// String returns "direct", "followers", "unlisted" or "public".
func (v Visibility) String() string {
	switch v {
	case VisibilityPublic:
		return "public"
	case VisibilityUnlisted:
		return "unlisted"
	case VisibilityFollowers:
		return "followers"
	default:
		return "direct"
	}
}

// Visibility reads the audience from o's addressing (to, cc, bto, bcc,
// audience), as Mastodon does: Public in to is public; Public in cc or
// audience is unlisted; the author's followers collection is
// followers-only; anything else is direct. followers is the author's
// followers collection; when empty, any addressee ending in "/followers" is
// taken for it. Public is recognised in all three spellings.
//
// For a Create or Update of an embedded object, the object's addressing
// decides when it has any, as Mastodon reads it: a Create addressed to
// Public around a followers-only Note is followers-only. Any other activity
// (an Announce, say) is read by its own addressing, or, when it has none,
// by its embedded object's.
func (o *Object) Visibility(followers string) Visibility {
	if o == nil {
		return VisibilityDirect
	}
	if o.IsActivity() && len(o.Object) == 1 && o.Object[0].Object != nil {
		inner := o.Object[0].Object
		if inner.addressed() && (o.Type == TypeCreate || o.Type == TypeUpdate || !o.addressed()) {
			return inner.visibility(followers)
		}
	}
	return o.visibility(followers)
}

// visibility reads o's own addressing.
func (o *Object) visibility(followers string) Visibility {
	for _, r := range o.To {
		if IsPublic(r.ID()) {
			return VisibilityPublic
		}
	}
	for _, list := range [][]Ref{o.Cc, o.Audience, o.Bto, o.Bcc} {
		for _, r := range list {
			if IsPublic(r.ID()) {
				return VisibilityUnlisted
			}
		}
	}
	for _, list := range [][]Ref{o.To, o.Cc, o.Bto, o.Bcc, o.Audience} {
		for _, r := range list {
			id := r.ID()
			if (followers != "" && id == followers) ||
				(followers == "" && strings.HasSuffix(id, "/followers")) {
				return VisibilityFollowers
			}
		}
	}
	return VisibilityDirect
}

func (o *Object) addressed() bool {
	return len(o.To)+len(o.Cc)+len(o.Bto)+len(o.Bcc)+len(o.Audience) > 0
}

// Address sets o's to and cc for visibility v the way Mastodon writes them:
//
//	public:    to [Public]     cc [followers, mentioned...]
//	unlisted:  to [followers]  cc [Public, mentioned...]
//	followers: to [followers]  cc [mentioned...]
//	direct:    to [mentioned...]
//
// followers is the author's followers collection; mentioned are the actor
// IRIs mentioned in the post. Empty IRIs are skipped.
func (o *Object) Address(v Visibility, followers string, mentioned ...string) {
	o.To, o.Cc = nil, nil
	add := func(dst *[]Ref, iris ...string) {
		for _, iri := range iris {
			if iri != "" {
				*dst = append(*dst, IRIRef(iri))
			}
		}
	}
	switch v {
	case VisibilityPublic:
		add(&o.To, PublicIRI)
		add(&o.Cc, followers)
		add(&o.Cc, mentioned...)
	case VisibilityUnlisted:
		add(&o.To, followers)
		add(&o.Cc, PublicIRI)
		add(&o.Cc, mentioned...)
	case VisibilityFollowers:
		add(&o.To, followers)
		add(&o.Cc, mentioned...)
	default:
		add(&o.To, mentioned...)
	}
}

// Recipients returns the distinct IRIs of to, cc, bto, bcc and audience in
// that order, without the public collection: the actors and collections a
// server delivers o to.
func (o *Object) Recipients() []string {
	var out []string
	seen := make(map[string]bool)
	for _, list := range [][]Ref{o.To, o.Cc, o.Bto, o.Bcc, o.Audience} {
		for _, r := range list {
			id := r.ID()
			if id == "" || IsPublic(id) || seen[id] {
				continue
			}
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
