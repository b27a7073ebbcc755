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

// term identifies a property this package decodes into a field; 0 is
// none. Dispatching on a small integer is cheaper than on the name.
type term uint8

// The terms, one per property decoded into a field.
const (
	tNone term = iota
	tAtContext
	tID
	tType
	tName
	tNameMap
	tSummary
	tSummaryMap
	tContent
	tContentMap
	tMediaType
	tSource
	tAttributedTo
	tInReplyTo
	tUrl
	tContext
	tGenerator
	tLocation
	tPreview
	tIcon
	tImage
	tTag
	tAttachment
	tReplies
	tLikes
	tShares
	tTo
	tCc
	tBto
	tBcc
	tAudience
	tPublished
	tUpdated
	tStartTime
	tEndTime
	tDeleted
	tDuration
	tFormerType
	tSensitive
	tHref
	tRel
	tHreflang
	tWidth
	tHeight
	tBlurhash
	tFocalPoint
	tLatitude
	tLongitude
	tValue
	tPreferredUsername
	tInbox
	tOutbox
	tFollowers
	tFollowing
	tLiked
	tFeatured
	tFeaturedTags
	tSharedInbox
	tMovedTo
	tOwner
	tController
	tEndpoints
	tPublicKey
	tAssertionMethod
	tManuallyApprovesFollowers
	tDiscoverable
	tIndexable
	tMemorial
	tSuspended
	tAlsoKnownAs
	tPublicKeyPem
	tPublicKeyMultibase
	tActor
	tObject
	tTarget
	tResult
	tOrigin
	tInstrument
	tOneOf
	tAnyOf
	tClosed
	tVotersCount
	tTotalItems
	tStartIndex
	tItems
	tOrderedItems
	tFirst
	tLast
	tCurrent
	tNext
	tPrev
	tPartOf
	tDescribes
	tAtomUri
	tInReplyToAtomUri
	tConversation
	tMisskeyContent
	tMisskeySummary
	tMisskeyQuote
	tMisskeyReaction
	tQuoteUrl
	tQuoteUri
	tQuote
	tQuoteAuthorization
)

// lookupTerm returns the term key spells in compact form (or as a JSON-LD
// keyword, for id and type), or tNone.
func lookupTerm(key []byte) term {
	switch string(key) {
	case "@id":
		return tID
	case "@type":
		return tType
	case "@context":
		return tAtContext
	case "id":
		return tID
	case "type":
		return tType
	case "name":
		return tName
	case "nameMap":
		return tNameMap
	case "summary":
		return tSummary
	case "summaryMap":
		return tSummaryMap
	case "content":
		return tContent
	case "contentMap":
		return tContentMap
	case "mediaType":
		return tMediaType
	case "source":
		return tSource
	case "attributedTo":
		return tAttributedTo
	case "inReplyTo":
		return tInReplyTo
	case "url":
		return tUrl
	case "context":
		return tContext
	case "generator":
		return tGenerator
	case "location":
		return tLocation
	case "preview":
		return tPreview
	case "icon":
		return tIcon
	case "image":
		return tImage
	case "tag":
		return tTag
	case "attachment":
		return tAttachment
	case "replies":
		return tReplies
	case "likes":
		return tLikes
	case "shares":
		return tShares
	case "to":
		return tTo
	case "cc":
		return tCc
	case "bto":
		return tBto
	case "bcc":
		return tBcc
	case "audience":
		return tAudience
	case "published":
		return tPublished
	case "updated":
		return tUpdated
	case "startTime":
		return tStartTime
	case "endTime":
		return tEndTime
	case "deleted":
		return tDeleted
	case "duration":
		return tDuration
	case "formerType":
		return tFormerType
	case "sensitive":
		return tSensitive
	case "href":
		return tHref
	case "rel":
		return tRel
	case "hreflang":
		return tHreflang
	case "width":
		return tWidth
	case "height":
		return tHeight
	case "blurhash":
		return tBlurhash
	case "focalPoint":
		return tFocalPoint
	case "latitude":
		return tLatitude
	case "longitude":
		return tLongitude
	case "value":
		return tValue
	case "preferredUsername":
		return tPreferredUsername
	case "inbox":
		return tInbox
	case "outbox":
		return tOutbox
	case "followers":
		return tFollowers
	case "following":
		return tFollowing
	case "liked":
		return tLiked
	case "featured":
		return tFeatured
	case "featuredTags":
		return tFeaturedTags
	case "sharedInbox":
		return tSharedInbox
	case "movedTo":
		return tMovedTo
	case "owner":
		return tOwner
	case "controller":
		return tController
	case "endpoints":
		return tEndpoints
	case "publicKey":
		return tPublicKey
	case "assertionMethod":
		return tAssertionMethod
	case "manuallyApprovesFollowers":
		return tManuallyApprovesFollowers
	case "discoverable":
		return tDiscoverable
	case "indexable":
		return tIndexable
	case "memorial":
		return tMemorial
	case "suspended":
		return tSuspended
	case "alsoKnownAs":
		return tAlsoKnownAs
	case "publicKeyPem":
		return tPublicKeyPem
	case "publicKeyMultibase":
		return tPublicKeyMultibase
	case "actor":
		return tActor
	case "object":
		return tObject
	case "target":
		return tTarget
	case "result":
		return tResult
	case "origin":
		return tOrigin
	case "instrument":
		return tInstrument
	case "oneOf":
		return tOneOf
	case "anyOf":
		return tAnyOf
	case "closed":
		return tClosed
	case "votersCount":
		return tVotersCount
	case "totalItems":
		return tTotalItems
	case "startIndex":
		return tStartIndex
	case "items":
		return tItems
	case "orderedItems":
		return tOrderedItems
	case "first":
		return tFirst
	case "last":
		return tLast
	case "current":
		return tCurrent
	case "next":
		return tNext
	case "prev":
		return tPrev
	case "partOf":
		return tPartOf
	case "describes":
		return tDescribes
	case "atomUri":
		return tAtomUri
	case "inReplyToAtomUri":
		return tInReplyToAtomUri
	case "conversation":
		return tConversation
	case "_misskey_content":
		return tMisskeyContent
	case "_misskey_summary":
		return tMisskeySummary
	case "_misskey_quote":
		return tMisskeyQuote
	case "_misskey_reaction":
		return tMisskeyReaction
	case "quoteUrl":
		return tQuoteUrl
	case "quoteUri":
		return tQuoteUri
	case "quote":
		return tQuote
	case "quoteAuthorization":
		return tQuoteAuthorization
	}
	return tNone
}

// resolveKey maps a property name as written (compact, prefixed or a full
// IRI) to the term this package decodes it as, or tNone when unknown.
func resolveKey(key []byte) term {
	if t := lookupTerm(key); t != tNone {
		return t
	}
	if !strings.Contains(string(key), ":") {
		return tNone
	}
	t := termOfIRI(expandWellKnown(string(key)))
	if t == "" || (t[0] >= 'A' && t[0] <= 'Z') {
		return tNone
	}
	return lookupTerm([]byte(t))
}

// compactName returns the compact term a known property name stands for
// ("toot:featured" is "featured"); other names are returned as written.
func compactName(key []byte) string {
	if strings.IndexByte(string(key), ':') < 0 {
		return string(key)
	}
	if t := termOfIRI(expandWellKnown(string(key))); t != "" {
		return t
	}
	return string(key)
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
