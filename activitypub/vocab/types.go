package vocab

// Object types.
const (
	TypeObject       = "Object"
	TypeNote         = "Note"
	TypeArticle      = "Article"
	TypePage         = "Page"
	TypeQuestion     = "Question"
	TypeImage        = "Image"
	TypeVideo        = "Video"
	TypeAudio        = "Audio"
	TypeDocument     = "Document"
	TypeEvent        = "Event"
	TypePlace        = "Place"
	TypeTombstone    = "Tombstone"
	TypeProfile      = "Profile"
	TypeRelationship = "Relationship"
)

// Link types. Hashtag is Mastodon's (as:Hashtag).
const (
	TypeLink    = "Link"
	TypeMention = "Mention"
	TypeHashtag = "Hashtag"
)

// Extension object types.
const (
	TypeEmoji              = "Emoji"              // toot:Emoji, a custom emoji
	TypePropertyValue      = "PropertyValue"      // schema:PropertyValue, a profile field
	TypeMultikey           = "Multikey"           // FEP-521a verification method
	TypeQuoteAuthorization = "QuoteAuthorization" // FEP-044f
)

// Actor types.
const (
	TypePerson       = "Person"
	TypeService      = "Service"
	TypeApplication  = "Application"
	TypeGroup        = "Group"
	TypeOrganization = "Organization"
)

// Activity types: all of Activity Streams 2.0, plus the extensions that
// servers send (EmojiReact from Pleroma/Akkoma, QuoteRequest from FEP-044f).
const (
	TypeActivity        = "Activity"
	TypeAccept          = "Accept"
	TypeAdd             = "Add"
	TypeAnnounce        = "Announce"
	TypeArrive          = "Arrive"
	TypeBlock           = "Block"
	TypeCreate          = "Create"
	TypeDelete          = "Delete"
	TypeDislike         = "Dislike"
	TypeFlag            = "Flag"
	TypeFollow          = "Follow"
	TypeIgnore          = "Ignore"
	TypeInvite          = "Invite"
	TypeJoin            = "Join"
	TypeLeave           = "Leave"
	TypeLike            = "Like"
	TypeListen          = "Listen"
	TypeMove            = "Move"
	TypeOffer           = "Offer"
	TypeRead            = "Read"
	TypeReject          = "Reject"
	TypeRemove          = "Remove"
	TypeTentativeAccept = "TentativeAccept"
	TypeTentativeReject = "TentativeReject"
	TypeTravel          = "Travel"
	TypeUndo            = "Undo"
	TypeUpdate          = "Update"
	TypeView            = "View"
	TypeEmojiReact      = "EmojiReact"
	TypeQuoteRequest    = "QuoteRequest"
)

// Collection types.
const (
	TypeCollection            = "Collection"
	TypeOrderedCollection     = "OrderedCollection"
	TypeCollectionPage        = "CollectionPage"
	TypeOrderedCollectionPage = "OrderedCollectionPage"
)

// IsActorType reports whether t is one of the five actor types.
func IsActorType(t string) bool {
	switch t {
	case TypePerson, TypeService, TypeApplication, TypeGroup, TypeOrganization:
		return true
	}
	return false
}

// IsActivityType reports whether t is an activity type (Question counts:
// it is both an activity and, in practice, a poll object).
func IsActivityType(t string) bool {
	switch t {
	case TypeActivity, TypeAccept, TypeAdd, TypeAnnounce, TypeArrive, TypeBlock, TypeCreate,
		TypeDelete, TypeDislike, TypeFlag, TypeFollow, TypeIgnore, TypeInvite, TypeJoin,
		TypeLeave, TypeLike, TypeListen, TypeMove, TypeOffer, TypeQuestion, TypeRead,
		TypeReject, TypeRemove, TypeTentativeAccept, TypeTentativeReject, TypeTravel,
		TypeUndo, TypeUpdate, TypeView, TypeEmojiReact, TypeQuoteRequest:
		return true
	}
	return false
}

// IsCollectionType reports whether t is a collection or collection page type.
func IsCollectionType(t string) bool {
	switch t {
	case TypeCollection, TypeOrderedCollection, TypeCollectionPage, TypeOrderedCollectionPage:
		return true
	}
	return false
}

// IsLinkType reports whether t is Link or one of its kinds.
func IsLinkType(t string) bool {
	switch t {
	case TypeLink, TypeMention, TypeHashtag:
		return true
	}
	return false
}
