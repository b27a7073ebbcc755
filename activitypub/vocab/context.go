package vocab

// Namespace IRIs of the vocabularies this package understands.
const (
	// ActivityStreamsContext is the URL of the Activity Streams 2.0 context.
	ActivityStreamsContext = "https://www.w3.org/ns/activitystreams"
	// SecurityContext is the URL of the W3C security vocabulary v1 context
	// (publicKey, publicKeyPem, owner).
	SecurityContext = "https://w3id.org/security/v1"

	// NamespaceAS is the Activity Streams namespace ("as:").
	NamespaceAS = "https://www.w3.org/ns/activitystreams#"
	// NamespaceSecurity is the security vocabulary namespace ("sec:").
	NamespaceSecurity = "https://w3id.org/security#"
	// NamespaceToot is Mastodon's namespace ("toot:").
	NamespaceToot = "http://joinmastodon.org/ns#"
	// NamespaceSchema is schema.org as Mastodon spells it ("schema:").
	NamespaceSchema = "http://schema.org#"
	// NamespaceOStatus is the OStatus namespace ("ostatus:").
	NamespaceOStatus = "http://ostatus.org#"
	// NamespaceMisskey is Misskey's namespace ("misskey:").
	NamespaceMisskey = "https://misskey-hub.net/ns#"
	// NamespaceFedibird is Fedibird's namespace, home of quoteUri.
	NamespaceFedibird = "http://fedibird.com/ns#"
	// NamespaceFEP044f is the namespace of FEP-044f quote posts.
	NamespaceFEP044f = "https://w3id.org/fep/044f#"

	// PublicIRI is the special collection that makes an object public.
	PublicIRI = NamespaceAS + "Public"
)

// DefaultContext is the JSON value of the "@context" that the encoder writes
// on every top-level document that does not carry its own: the Activity
// Streams context, the security context, and one object declaring every
// extension term this package encodes.
//
// The extension object declares Mastodon's terms exactly as Mastodon
// declares them (app/lib/activitypub/adapter.rb), then the terms for Misskey
// content, quote posts (Misskey's quoteUrl, Fedibird's quoteUri, FEP-044f
// quote and quoteAuthorization) and FEP-521a Multikey verification methods.
// It always declares all of them, whether a document uses them or not, so
// that every document this package writes has the same context: a JSON-LD
// processor can compact any input against this one value and the result is
// exactly the form the decoder reads directly.
const DefaultContext = `["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1",{` +
	`"manuallyApprovesFollowers":"as:manuallyApprovesFollowers",` +
	`"sensitive":"as:sensitive",` +
	`"Hashtag":"as:Hashtag",` +
	`"quoteUrl":"as:quoteUrl",` +
	`"movedTo":{"@id":"as:movedTo","@type":"@id"},` +
	`"alsoKnownAs":{"@id":"as:alsoKnownAs","@type":"@id"},` +
	`"toot":"http://joinmastodon.org/ns#",` +
	`"Emoji":"toot:Emoji",` +
	`"featured":{"@id":"toot:featured","@type":"@id"},` +
	`"featuredTags":{"@id":"toot:featuredTags","@type":"@id"},` +
	`"discoverable":"toot:discoverable",` +
	`"indexable":"toot:indexable",` +
	`"memorial":"toot:memorial",` +
	`"suspended":"toot:suspended",` +
	`"blurhash":"toot:blurhash",` +
	`"focalPoint":{"@container":"@list","@id":"toot:focalPoint"},` +
	`"votersCount":"toot:votersCount",` +
	`"schema":"http://schema.org#",` +
	`"PropertyValue":"schema:PropertyValue",` +
	`"value":"schema:value",` +
	`"ostatus":"http://ostatus.org#",` +
	`"atomUri":"ostatus:atomUri",` +
	`"inReplyToAtomUri":"ostatus:inReplyToAtomUri",` +
	`"conversation":"ostatus:conversation",` +
	`"misskey":"https://misskey-hub.net/ns#",` +
	`"_misskey_content":"misskey:_misskey_content",` +
	`"_misskey_summary":"misskey:_misskey_summary",` +
	`"_misskey_quote":"misskey:_misskey_quote",` +
	`"_misskey_reaction":"misskey:_misskey_reaction",` +
	`"quoteUri":"http://fedibird.com/ns#quoteUri",` +
	`"quote":{"@id":"https://w3id.org/fep/044f#quote","@type":"@id"},` +
	`"quoteAuthorization":{"@id":"https://w3id.org/fep/044f#quoteAuthorization","@type":"@id"},` +
	`"QuoteAuthorization":"https://w3id.org/fep/044f#QuoteAuthorization",` +
	`"QuoteRequest":"https://w3id.org/fep/044f#QuoteRequest",` +
	`"Multikey":"sec:Multikey",` +
	`"controller":{"@id":"sec:controller","@type":"@id"},` +
	`"publicKeyMultibase":{"@id":"sec:publicKeyMultibase","@type":"sec:multibase"},` +
	`"assertionMethod":{"@id":"sec:assertionMethod","@type":"@id","@container":"@set"}` +
	`}]`
