package corpus

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// values returns everything found at a dotted path, looking through arrays
// at every step, so "tag.type" yields the type of each tag.
func values(v any, path string) []any {
	if path == "" {
		if a, ok := v.([]any); ok {
			return a
		}
		return []any{v}
	}
	key, rest, _ := strings.Cut(path, ".")
	var out []any
	switch x := v.(type) {
	case map[string]any:
		if next, ok := x[key]; ok {
			out = append(out, values(next, rest)...)
		}
	case []any:
		for _, el := range x {
			out = append(out, values(el, path)...)
		}
	}
	return out
}

// predicate reports whether a decoded document shows a feature.
type predicate func(doc map[string]any) bool

// has: the path exists (with any value, null included).
func has(path string) predicate {
	return func(doc map[string]any) bool { return len(values(doc, path)) > 0 }
}

// is: some value at path equals want.
func is(path string, want any) predicate {
	return func(doc map[string]any) bool {
		return slices.ContainsFunc(values(doc, path), func(v any) bool { return v == want })
	}
}

// contains: some string at path contains sub.
func contains(path, sub string) predicate {
	return func(doc map[string]any) bool {
		return slices.ContainsFunc(values(doc, path), func(v any) bool {
			s, ok := v.(string)
			return ok && strings.Contains(s, sub)
		})
	}
}

// isString: the value at path is a plain string, not an array or object.
func isString(path string) predicate {
	return func(doc map[string]any) bool {
		m := doc
		parts := strings.Split(path, ".")
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				return false
			}
			m = next
		}
		_, ok := m[parts[len(parts)-1]].(string)
		return ok
	}
}

// isObject: the value at the top-level key is a JSON object.
func isObject(key string) predicate {
	return func(doc map[string]any) bool { _, ok := doc[key].(map[string]any); return ok }
}

// not negates a predicate.
func not(p predicate) predicate {
	return func(doc map[string]any) bool { return !p(doc) }
}

// all requires every predicate.
func all(ps ...predicate) predicate {
	return func(doc map[string]any) bool {
		for _, p := range ps {
			if !p(doc) {
				return false
			}
		}
		return true
	}
}

func minLen(path string, n int) predicate {
	return func(doc map[string]any) bool { return len(values(doc, path)) >= n }
}

// coverage ties every feature the corpus promises to the documents that show
// it, and checks that each named document really does.
var coverage = []struct {
	feature string
	docs    []string
	check   predicate
}{
	// Actors.
	{"Person actor", []string{"mastodon-actor-person", "gotosocial-actor-person", "misskey-actor-cat", "akkoma-actor", "pixelfed-actor", "wordpress-actor-person", "threads-actor", "bridgyfed-actor"}, is("type", "Person")},
	{"Service actor", []string{"mastodon-actor-service"}, is("type", "Service")},
	{"Application actor", []string{"mastodon-actor-application"}, is("type", "Application")},
	{"Group actor", []string{"lemmy-group-community", "peertube-group-channel"}, is("type", "Group")},
	{"publicKey", []string{"mastodon-actor-person", "gotosocial-actor-person", "misskey-actor-cat", "lemmy-group-community", "peertube-group-channel", "threads-actor"}, all(has("publicKey.id"), has("publicKey.owner"), contains("publicKey.publicKeyPem", "BEGIN PUBLIC KEY"))},
	{"endpoints.sharedInbox", []string{"mastodon-actor-person", "akkoma-actor", "lemmy-group-community", "threads-actor"}, has("endpoints.sharedInbox")},
	{"featured", []string{"mastodon-actor-person", "gotosocial-actor-person", "lemmy-group-community"}, isString("featured")},
	{"featured as embedded collection", []string{"bridgyfed-actor"}, isObject("featured")},
	{"featuredTags", []string{"mastodon-actor-person", "wordpress-actor-person"}, has("featuredTags")},
	{"manuallyApprovesFollowers true", []string{"mastodon-actor-service"}, is("manuallyApprovesFollowers", true)},
	{"manuallyApprovesFollowers false", []string{"mastodon-actor-person", "gotosocial-actor-person"}, is("manuallyApprovesFollowers", false)},
	{"discoverable", []string{"mastodon-actor-person", "misskey-actor-cat"}, has("discoverable")},
	{"indexable", []string{"mastodon-actor-person", "pixelfed-actor"}, has("indexable")},
	{"memorial", []string{"mastodon-actor-moved"}, is("memorial", true)},
	{"suspended", []string{"mastodon-actor-suspended"}, is("suspended", true)},
	{"alsoKnownAs", []string{"mastodon-actor-person", "gotosocial-actor-person", "bridgyfed-actor"}, has("alsoKnownAs")},
	{"movedTo", []string{"mastodon-actor-moved"}, has("movedTo")},
	{"icon and image", []string{"mastodon-actor-person", "lemmy-group-community"}, all(has("icon.url"), has("image.url"))},
	{"icon as array", []string{"peertube-group-channel", "peertube-video"}, minLen("icon", 2)},
	{"attachment PropertyValue", []string{"mastodon-actor-person", "gotosocial-actor-person", "misskey-actor-cat", "akkoma-actor"}, all(is("attachment.type", "PropertyValue"), has("attachment.value"))},
	{"tag Emoji on actor", []string{"mastodon-actor-person", "gotosocial-actor-person", "misskey-actor-cat"}, all(is("tag.type", "Emoji"), has("tag.icon.url"))},
	{"keyId without fragment", []string{"gotosocial-actor-person", "gotosocial-actor-key-stub"}, all(contains("publicKey.id", "/main-key"), not(contains("publicKey.id", "#")))},

	// Objects.
	{"Note with mentions", []string{"mastodon-note-mentions", "mastodon-note-direct", "lemmy-note-comment"}, is("tag.type", "Mention")},
	{"Note with hashtags", []string{"mastodon-note-mentions", "gotosocial-note"}, is("tag.type", "Hashtag")},
	{"Note with custom emoji", []string{"mastodon-note-mentions", "gotosocial-note"}, is("tag.type", "Emoji")},
	{"Document with blurhash, focalPoint and alt text", []string{"mastodon-note-mentions"}, all(is("attachment.type", "Document"), has("attachment.blurhash"), minLen("attachment.focalPoint", 2), has("attachment.name"))},
	{"content warning", []string{"mastodon-note-content-warning", "pixelfed-note-image"}, all(is("sensitive", true), not(is("summary", nil)), not(is("summary", "")))},
	{"contentMap", []string{"mastodon-note-mentions", "gotosocial-note", "wordpress-article"}, has("contentMap")},
	{"replies collection", []string{"mastodon-note-mentions", "gotosocial-note", "wordpress-article"}, all(is("replies.type", "Collection"), is("replies.first.type", "CollectionPage"))},
	{"Question oneOf", []string{"mastodon-question-oneof", "misskey-question"}, all(is("type", "Question"), has("oneOf.name"), has("oneOf.replies.totalItems"))},
	{"Question anyOf", []string{"mastodon-question-anyof"}, all(is("type", "Question"), has("anyOf.name"))},
	{"GoToSocial Note with interactionPolicy", []string{"gotosocial-note", "gotosocial-note-followers-only"}, all(is("type", "Note"), has("interactionPolicy.canReply.automaticApproval"))},
	{"GoToSocial interactionPolicy with canQuote", []string{"gotosocial-note-followers-only"}, has("interactionPolicy.canQuote.automaticApproval")},
	{"Misskey extensions", []string{"misskey-note-quote"}, all(has("_misskey_content"), has("_misskey_quote"), has("quoteUrl"), is("source.mediaType", "text/x.misskeymarkdown"))},
	{"Misskey isCat", []string{"misskey-actor-cat"}, is("isCat", true)},
	{"Akkoma quoteUri", []string{"akkoma-note-quote"}, has("quoteUri")},
	{"FEP-044f quote", []string{"mastodon-note-quote"}, all(has("quote"), has("quoteAuthorization"))},
	{"Pixelfed attachment array", []string{"pixelfed-create-note-album"}, all(minLen("object.attachment", 3), is("object.attachment.type", "Image"))},
	{"Pixelfed Image post", []string{"pixelfed-note-image"}, is("attachment.type", "Image")},
	{"Lemmy Page post", []string{"lemmy-page-post"}, all(is("type", "Page"), has("name"))},
	{"Lemmy comment with inReplyTo", []string{"lemmy-note-comment"}, all(is("type", "Note"), has("inReplyTo"))},
	{"PeerTube Video", []string{"peertube-video"}, all(is("type", "Video"), has("uuid"), minLen("url", 2))},
	{"WordPress Article", []string{"wordpress-article"}, is("type", "Article")},
	{"Threads ids", []string{"threads-actor", "threads-note"}, contains("id", "https://threads.example/ap/users/")},
	{"Bridgy Fed did: and at:// ids", []string{"bridgyfed-actor"}, all(contains("id", "/ap/did:plc:"), contains("alsoKnownAs", "did:plc:"), contains("alsoKnownAs", "at://"))},
	{"Bridgy Fed at:// object id", []string{"bridgyfed-create-note"}, contains("object.id", "at://did:plc:")},

	{"contentMap without content", []string{"generic-contentmap-only"}, all(has("contentMap"), not(has("content")), minLen("contentMap", 1))},
	{"standalone Tombstone", []string{"generic-tombstone"}, all(is("type", "Tombstone"), has("formerType"), has("deleted"))},
	{"Event with Place and Link", []string{"generic-event"}, all(is("type", "Event"), is("location.type", "Place"), is("url.type", "Link"))},
	{"PeerTube comment", []string{"peertube-comment-note"}, all(is("type", "Note"), contains("inReplyTo", "/videos/watch/"))},

	// Activities.
	{"Create", []string{"mastodon-create-note-unlisted", "akkoma-create-note", "pixelfed-create-note-album", "bridgyfed-create-note"}, all(is("type", "Create"), isObject("object"))},
	{"Update of a Note", []string{"mastodon-update-note"}, all(is("type", "Update"), is("object.type", "Note"), has("object.updated"))},
	{"Update of an actor", []string{"mastodon-update-actor"}, all(is("type", "Update"), is("object.type", "Person"))},
	{"Delete with Tombstone", []string{"mastodon-delete-tombstone"}, all(is("type", "Delete"), is("object.type", "Tombstone"))},
	{"Delete of an actor", []string{"mastodon-delete-actor"}, func(doc map[string]any) bool { return doc["type"] == "Delete" && doc["actor"] == doc["object"] }},
	{"Follow", []string{"mastodon-follow"}, all(is("type", "Follow"), isString("object"))},
	{"Accept of an embedded Follow", []string{"mastodon-accept-follow"}, all(is("type", "Accept"), is("object.type", "Follow"))},
	{"Reject of an embedded Follow", []string{"mastodon-reject-follow"}, all(is("type", "Reject"), is("object.type", "Follow"))},
	{"Undo of an embedded Follow", []string{"mastodon-undo-follow"}, all(is("type", "Undo"), is("object.type", "Follow"))},
	{"Undo of an embedded Announce", []string{"mastodon-undo-announce"}, all(is("type", "Undo"), is("object.type", "Announce"))},
	{"Like", []string{"mastodon-like", "lemmy-like-vote"}, all(is("type", "Like"), isString("object"))},
	{"Like as emoji reaction", []string{"misskey-like-reaction", "misskey-like-unicode"}, all(is("type", "Like"), has("content"), has("_misskey_reaction"))},
	{"EmojiReact", []string{"akkoma-emojireact"}, all(is("type", "EmojiReact"), has("content"), is("tag.type", "Emoji"))},
	{"Announce", []string{"mastodon-announce", "gotosocial-announce"}, is("type", "Announce")},
	{"Announce wrapping Create", []string{"lemmy-announce-create-page"}, all(is("type", "Announce"), is("object.type", "Create"), is("object.object.type", "Page"))},
	{"Block", []string{"mastodon-block"}, is("type", "Block")},
	{"Flag", []string{"mastodon-flag"}, all(is("type", "Flag"), minLen("object", 2))},
	{"Move", []string{"mastodon-move"}, all(is("type", "Move"), has("target"))},
	{"Add to featured", []string{"mastodon-add-featured"}, all(is("type", "Add"), contains("target", "/collections/featured"))},
	{"Remove from featured", []string{"mastodon-remove-featured"}, all(is("type", "Remove"), contains("target", "/collections/featured"))},
	{"LD signature", []string{"mastodon-delete-tombstone", "mastodon-delete-actor"}, is("signature.type", "RsaSignature2017")},

	// Collections.
	{"OrderedCollection outbox", []string{"mastodon-outbox"}, all(is("type", "OrderedCollection"), has("totalItems"), isString("first"))},
	{"OrderedCollectionPage", []string{"mastodon-outbox-page", "mastodon-followers-page"}, all(is("type", "OrderedCollectionPage"), has("orderedItems"), has("partOf"))},
	{"Collection of followers", []string{"lemmy-group-followers"}, all(is("type", "Collection"), has("totalItems"))},
	{"Collection without id", []string{"gotosocial-followers"}, all(is("type", "Collection"), has("items"), not(has("id")))},
	{"CollectionPage", []string{"mastodon-replies-page"}, all(is("type", "CollectionPage"), has("items"))},

	// Addressing.
	{"public", []string{"mastodon-note-mentions", "gotosocial-note"}, is("to", PublicIRI)},
	{"unlisted", []string{"mastodon-create-note-unlisted", "misskey-note-quote", "wordpress-note-quiet-public"}, all(is("cc", PublicIRI), not(is("to", PublicIRI)))},
	{"followers-only", []string{"mastodon-note-content-warning", "gotosocial-note-followers-only", "pixelfed-note-image"}, all(contains("to", "/followers"), not(is("to", PublicIRI)), not(is("cc", PublicIRI)))},
	{"direct", []string{"mastodon-note-direct"}, all(is("tag.type", "Mention"), not(contains("to", "followers")), not(is("to", PublicIRI)), not(has("cc.0")))},
	{"Public as full IRI", []string{"mastodon-announce"}, is("to", PublicIRI)},
	{"Public as as:Public", []string{"generic-public-as-prefixed"}, all(is("to", "as:Public"), is("object.to", "as:Public"))},
	{"Public as bare term", []string{"generic-public-bare"}, is("cc", "Public")},

	// Shapes a decoder must tolerate.
	{"single value where arrays are usual", []string{"gotosocial-note", "generic-public-bare"}, isString("to")},
	{"single object where arrays are usual", []string{"gotosocial-note-followers-only", "generic-public-bare", "gotosocial-actor-person"}, isObject("tag")},
	{"embedded actor", []string{"generic-like-embedded"}, all(isObject("actor"), isObject("object"))},
	{"embedded objects in attributedTo", []string{"peertube-video"}, is("attributedTo.type", "Group")},
	{"prefixed terms", []string{"generic-prefixed-terms"}, all(has("as:sensitive"), is("tag.type", "toot:Emoji"), has("attachment.toot:blurhash"))},
	{"full IRIs as keys", []string{"generic-full-iri-terms"}, func(doc map[string]any) bool {
		_, ok := doc["https://www.w3.org/ns/activitystreams#sensitive"]
		return ok
	}},
	{"@context as the last key", []string{"generic-actor-pkcs1-context-last"}, has("@context")}, // order checked in TestContextLast
	{"PKCS#1 public key", []string{"generic-actor-pkcs1-context-last"}, contains("publicKey.publicKeyPem", "BEGIN RSA PUBLIC KEY")},
	{"actor without outbox and followers", []string{"threads-actor-vanity"}, all(has("inbox"), not(has("outbox")), not(has("followers")))},
	{"missing @context", []string{"generic-no-context"}, not(has("@context"))},
	{"extra unknown @context object", []string{"generic-extra-context-object"}, has("@context.mood")},
	{"unknown @context object next to an unknown URL", []string{"generic-unknown-context"}, has("@context.forecast")},
	{"unknown context URL", []string{"generic-unknown-context", "akkoma-note-quote", "wordpress-actor-person"}, func(doc map[string]any) bool {
		for _, v := range values(doc, "@context") {
			if s, ok := v.(string); ok && !slices.Contains(KnownContexts(), s) {
				return true
			}
		}
		return false
	}},
	{"litepub context", []string{"akkoma-note-quote", "akkoma-emojireact", "akkoma-actor"}, contains("@context", "/schemas/litepub-0.1.jsonld")},
	{"unknown properties", []string{"generic-unknown-context", "generic-extra-context-object"}, func(doc map[string]any) bool {
		return doc["x-station-firmware"] != nil || doc["undeclaredProperty"] != nil
	}},
	{"PeerTube context with two objects", []string{"peertube-video", "peertube-group-channel"}, is("@context.RsaSignature2017", "https://w3id.org/security#RsaSignature2017")},
}

func TestCoverage(t *testing.T) {
	for _, c := range coverage {
		t.Run(c.feature, func(t *testing.T) {
			require.NotEmpty(t, c.docs)
			for _, name := range c.docs {
				d, ok := Get(name)
				if !assert.True(t, ok, "no document %q", name) {
					continue
				}
				var doc map[string]any
				require.NoError(t, json.Unmarshal(d.Data, &doc), name)
				assert.True(t, c.check(doc), "%s does not show %s", name, c.feature)
			}
		})
	}
}

// TestContextLast: a document whose @context comes after every other member.
func TestContextLast(t *testing.T) {
	d, ok := Get("generic-actor-pkcs1-context-last")
	require.True(t, ok)
	dec := json.NewDecoder(bytes.NewReader(d.Data))
	_, err := dec.Token() // {
	require.NoError(t, err)
	var last string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		key, ok := tok.(string)
		require.True(t, ok, "member name expected, got %v", tok)
		last = key
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	assert.Equal(t, "@context", last)
}
