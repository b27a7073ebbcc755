package vocab

import "strings"

// Namespaces of terms outside the contexts above that still have a known
// meaning.
const (
	nsLDP     = "http://www.w3.org/ns/ldp#"
	nsLitePub = "http://litepub.social/ns#"
)

// termNamespace returns the namespace IRI of a known compact term (property
// or type name), or "" for an unknown one. The term's full IRI is the
// namespace followed by the term.
func termNamespace(term string) string {
	switch term {
	case "name", "summary", "content", "mediaType", "source", "attributedTo", "inReplyTo",
		"url", "context", "generator", "location", "preview", "icon", "image", "tag",
		"attachment", "replies", "likes", "shares", "to", "cc", "bto", "bcc", "audience",
		"published", "updated", "startTime", "endTime", "deleted", "duration", "formerType",
		"sensitive", "href", "rel", "hreflang", "width", "height", "latitude", "longitude",
		"preferredUsername", "outbox", "followers", "following", "liked", "endpoints",
		"sharedInbox", "manuallyApprovesFollowers", "alsoKnownAs", "movedTo", "actor",
		"object", "target", "result", "origin", "instrument", "oneOf", "anyOf", "closed",
		"totalItems", "items", "first", "last", "current", "next", "prev", "partOf",
		"startIndex", "describes", "quoteUrl",
		TypeObject, TypeNote, TypeArticle, TypePage, TypeQuestion, TypeImage, TypeVideo,
		TypeAudio, TypeDocument, TypeEvent, TypePlace, TypeTombstone, TypeProfile,
		TypeRelationship, TypeLink, TypeMention, TypeHashtag, TypePerson, TypeService,
		TypeApplication, TypeGroup, TypeOrganization, TypeActivity, TypeAccept, TypeAdd,
		TypeAnnounce, TypeArrive, TypeBlock, TypeCreate, TypeDelete, TypeDislike, TypeFlag,
		TypeFollow, TypeIgnore, TypeInvite, TypeJoin, TypeLeave, TypeLike, TypeListen,
		TypeMove, TypeOffer, TypeRead, TypeReject, TypeRemove, TypeTentativeAccept,
		TypeTentativeReject, TypeTravel, TypeUndo, TypeUpdate, TypeView, TypeCollection,
		TypeOrderedCollection, TypeCollectionPage, TypeOrderedCollectionPage,
		"IntransitiveActivity", "Public":
		return NamespaceAS
	case "inbox":
		return nsLDP
	case "featured", "featuredTags", "discoverable", "indexable", "memorial", "suspended",
		"blurhash", "focalPoint", "votersCount", TypeEmoji:
		return NamespaceToot
	case "publicKey", "owner", "publicKeyPem", "controller", "publicKeyMultibase",
		"assertionMethod", TypeMultikey:
		return NamespaceSecurity
	case "value", TypePropertyValue:
		return NamespaceSchema
	case "atomUri", "inReplyToAtomUri", "conversation":
		return NamespaceOStatus
	case "_misskey_content", "_misskey_summary", "_misskey_quote", "_misskey_reaction":
		return NamespaceMisskey
	case "quoteUri":
		return NamespaceFedibird
	case "quote", "quoteAuthorization", TypeQuoteAuthorization, TypeQuoteRequest:
		return NamespaceFEP044f
	case TypeEmojiReact:
		return nsLitePub
	}
	return ""
}

// prefixNamespace returns the namespace of a well-known prefix, or "".
func prefixNamespace(prefix string) string {
	switch prefix {
	case "as":
		return NamespaceAS
	case "toot":
		return NamespaceToot
	case "sec":
		return NamespaceSecurity
	case "schema":
		return NamespaceSchema
	case "ostatus":
		return NamespaceOStatus
	case "misskey":
		return NamespaceMisskey
	case "ldp":
		return nsLDP
	case "litepub":
		return nsLitePub
	}
	return ""
}

// canonicalNamespace maps the spellings of a namespace seen in the wild
// (http versus https, schema.org with "/" or "#") to the one this package
// uses, so that they compare equal.
func canonicalNamespace(ns string) string {
	switch ns {
	case "http://www.w3.org/ns/activitystreams#":
		return NamespaceAS
	case "https://joinmastodon.org/ns#":
		return NamespaceToot
	case "https://schema.org#", "http://schema.org/", "https://schema.org/":
		return NamespaceSchema
	case "http://w3id.org/security#":
		return NamespaceSecurity
	case "https://ostatus.org#":
		return NamespaceOStatus
	case "https://fedibird.com/ns#":
		return NamespaceFedibird
	case "https://litepub.social/ns#":
		return nsLitePub
	}
	return ns
}

// termOfIRI returns the compact term whose full IRI is iri, or "".
func termOfIRI(iri string) string {
	i := strings.LastIndexAny(iri, "#/")
	if i < 0 || i == len(iri)-1 {
		return ""
	}
	ns, local := canonicalNamespace(iri[:i+1]), iri[i+1:]
	if termNamespace(local) == ns {
		return local
	}
	return ""
}

// expandWellKnown expands a compact IRI with a well-known prefix; anything
// else is returned as is.
func expandWellKnown(s string) string {
	i := strings.IndexByte(s, ':')
	if i <= 0 || strings.HasPrefix(s[i:], "://") {
		return s
	}
	if ns := prefixNamespace(s[:i]); ns != "" {
		return ns + s[i+1:]
	}
	return s
}

// resolveKey maps a property name as written (compact, prefixed or a full
// IRI) to the compact term this package decodes it as, or "" when unknown.
func resolveKey(key []byte) string {
	switch string(key) {
	case "id", "@id":
		return "id"
	case "type", "@type":
		return "type"
	case "@context", "nameMap", "summaryMap", "contentMap", "orderedItems":
		return string(key)
	}
	if t := knownTerm(key); t != "" {
		return t
	}
	if !strings.Contains(string(key), ":") {
		return ""
	}
	t := termOfIRI(expandWellKnown(string(key)))
	if t == "" || (t[0] >= 'A' && t[0] <= 'Z') {
		return ""
	}
	return t
}

// knownTerm returns the compact property term key spells, or "" when it is
// not one this package decodes into a field. It hands back constants, so
// it never allocates.
func knownTerm(key []byte) string {
	switch string(key) {
	case "name":
		return "name"
	case "summary":
		return "summary"
	case "content":
		return "content"
	case "mediaType":
		return "mediaType"
	case "source":
		return "source"
	case "attributedTo":
		return "attributedTo"
	case "inReplyTo":
		return "inReplyTo"
	case "url":
		return "url"
	case "context":
		return "context"
	case "generator":
		return "generator"
	case "location":
		return "location"
	case "preview":
		return "preview"
	case "icon":
		return "icon"
	case "image":
		return "image"
	case "tag":
		return "tag"
	case "attachment":
		return "attachment"
	case "replies":
		return "replies"
	case "likes":
		return "likes"
	case "shares":
		return "shares"
	case "to":
		return "to"
	case "cc":
		return "cc"
	case "bto":
		return "bto"
	case "bcc":
		return "bcc"
	case "audience":
		return "audience"
	case "published":
		return "published"
	case "updated":
		return "updated"
	case "startTime":
		return "startTime"
	case "endTime":
		return "endTime"
	case "deleted":
		return "deleted"
	case "duration":
		return "duration"
	case "formerType":
		return "formerType"
	case "sensitive":
		return "sensitive"
	case "href":
		return "href"
	case "rel":
		return "rel"
	case "hreflang":
		return "hreflang"
	case "width":
		return "width"
	case "height":
		return "height"
	case "latitude":
		return "latitude"
	case "longitude":
		return "longitude"
	case "preferredUsername":
		return "preferredUsername"
	case "inbox":
		return "inbox"
	case "outbox":
		return "outbox"
	case "followers":
		return "followers"
	case "following":
		return "following"
	case "liked":
		return "liked"
	case "endpoints":
		return "endpoints"
	case "sharedInbox":
		return "sharedInbox"
	case "manuallyApprovesFollowers":
		return "manuallyApprovesFollowers"
	case "alsoKnownAs":
		return "alsoKnownAs"
	case "movedTo":
		return "movedTo"
	case "actor":
		return "actor"
	case "object":
		return "object"
	case "target":
		return "target"
	case "result":
		return "result"
	case "origin":
		return "origin"
	case "instrument":
		return "instrument"
	case "oneOf":
		return "oneOf"
	case "anyOf":
		return "anyOf"
	case "closed":
		return "closed"
	case "totalItems":
		return "totalItems"
	case "items":
		return "items"
	case "first":
		return "first"
	case "last":
		return "last"
	case "current":
		return "current"
	case "next":
		return "next"
	case "prev":
		return "prev"
	case "partOf":
		return "partOf"
	case "startIndex":
		return "startIndex"
	case "describes":
		return "describes"
	case "quoteUrl":
		return "quoteUrl"
	case "featured":
		return "featured"
	case "featuredTags":
		return "featuredTags"
	case "discoverable":
		return "discoverable"
	case "indexable":
		return "indexable"
	case "memorial":
		return "memorial"
	case "suspended":
		return "suspended"
	case "blurhash":
		return "blurhash"
	case "focalPoint":
		return "focalPoint"
	case "votersCount":
		return "votersCount"
	case "publicKey":
		return "publicKey"
	case "owner":
		return "owner"
	case "publicKeyPem":
		return "publicKeyPem"
	case "controller":
		return "controller"
	case "publicKeyMultibase":
		return "publicKeyMultibase"
	case "assertionMethod":
		return "assertionMethod"
	case "value":
		return "value"
	case "atomUri":
		return "atomUri"
	case "inReplyToAtomUri":
		return "inReplyToAtomUri"
	case "conversation":
		return "conversation"
	case "_misskey_content":
		return "_misskey_content"
	case "_misskey_summary":
		return "_misskey_summary"
	case "_misskey_quote":
		return "_misskey_quote"
	case "_misskey_reaction":
		return "_misskey_reaction"
	case "quoteUri":
		return "quoteUri"
	case "quote":
		return "quote"
	case "quoteAuthorization":
		return "quoteAuthorization"
	}
	return ""
}

// typeName shortens a type written prefixed or as a full IRI to its plain
// name when the type is known; unknown types are kept as written.
func typeName(t string) string {
	if !strings.Contains(t, ":") {
		return t
	}
	if n := termOfIRI(expandWellKnown(t)); n != "" {
		return n
	}
	return t
}
