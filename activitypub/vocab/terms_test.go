package vocab

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestResolveKey(t *testing.T) {
	for in, want := range map[string]string{
		"sensitive": "sensitive", "as:sensitive": "sensitive",
		"https://www.w3.org/ns/activitystreams#sensitive": "sensitive",
		"http://www.w3.org/ns/activitystreams#content":    "content",
		"toot:blurhash": "blurhash", "https://joinmastodon.org/ns#blurhash": "blurhash",
		"http://schema.org/value": "value", "sec:publicKeyPem": "publicKeyPem",
		"ldp:inbox": "inbox", "misskey:_misskey_content": "_misskey_content",
		"@id": "id", "@type": "type", "orderedItems": "orderedItems",
		"isCat": "", "as:Note": "", "Note": "", "ex:sensitive": "", "https://x.example/#sensitive": "",
	} {
		assert.Equal(t, lookupTerm([]byte(want)), resolveKey([]byte(in)), in)
	}
}

func TestTypeName(t *testing.T) {
	for in, want := range map[string]string{
		"Note": "Note", "as:Note": "Note", "toot:Emoji": "Emoji",
		"https://www.w3.org/ns/activitystreams#Create": "Create",
		"schema:PropertyValue":                         "PropertyValue", "litepub:EmojiReact": "EmojiReact",
		"https://w3id.org/fep/044f#QuoteAuthorization": "QuoteAuthorization",
		"ex:Thing": "ex:Thing", "Sparkle": "Sparkle",
	} {
		assert.Equal(t, want, typeName(in), in)
	}
}

// Every term DefaultContext declares is one the decoder reads into a field.
func TestDefaultContextTermsAreKnown(t *testing.T) {
	for _, term := range []string{"manuallyApprovesFollowers", "sensitive", "Hashtag", "movedTo",
		"alsoKnownAs", "Emoji", "featured", "featuredTags", "discoverable", "indexable", "memorial",
		"suspended", "blurhash", "focalPoint", "votersCount", "PropertyValue", "value", "atomUri",
		"inReplyToAtomUri", "conversation", "_misskey_content", "_misskey_quote", "quoteUrl",
		"quoteUri", "quote", "quoteAuthorization", "Multikey", "controller", "publicKeyMultibase",
		"assertionMethod"} {
		assert.NotEmpty(t, termNamespace(term), term)
	}
}
