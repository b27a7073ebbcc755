package vocab_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
)

func TestRefID(t *testing.T) {
	assert.Equal(t, "https://a.example/1", vocab.IRIRef("https://a.example/1").ID())
	assert.Equal(t, "https://a.example/2", vocab.ObjectRef(&vocab.Object{ID: "https://a.example/2"}).ID())
	assert.Equal(t, "https://a.example/3", vocab.ObjectRef(&vocab.Object{Type: vocab.TypeLink, Href: "https://a.example/3"}).ID())
	assert.Equal(t, "", vocab.First(nil).ID())
	assert.Nil(t, vocab.IDs(nil))
}

func TestObjectKinds(t *testing.T) {
	var nilObj *vocab.Object
	assert.False(t, nilObj.IsActor())
	assert.False(t, nilObj.HasType(vocab.TypeNote))
	assert.True(t, (&vocab.Object{Type: vocab.TypeService}).IsBot())
	assert.True(t, (&vocab.Object{Type: vocab.TypeApplication}).IsActor())
	assert.True(t, (&vocab.Object{Type: vocab.TypeLike}).IsActivity())
	assert.True(t, (&vocab.Object{Type: vocab.TypeOrderedCollectionPage}).IsCollection())
	assert.True(t, (&vocab.Object{Type: vocab.TypeMention}).IsLink())
	assert.False(t, (&vocab.Object{Type: vocab.TypePerson}).IsBot())
}

func TestLanguagePick(t *testing.T) {
	o := &vocab.Object{ContentMap: map[string]string{"de": "hallo", "en": "hello"}}
	assert.Equal(t, "hallo", o.ContentIn("de"))
	assert.Equal(t, "hallo", o.ContentIn("fr"), "smallest tag when none matches")
	o.Content = "plain"
	assert.Equal(t, "plain", o.ContentIn("fr"))
	assert.Equal(t, "hello", o.ContentIn("en"))
	assert.Equal(t, "", (&vocab.Object{}).NameIn("en"))
}

func TestDeliveryInbox(t *testing.T) {
	a := &vocab.Object{Inbox: "https://a.example/u/inbox"}
	assert.Equal(t, "https://a.example/u/inbox", a.DeliveryInbox())
	a.Endpoints = &vocab.Object{SharedInbox: "https://a.example/inbox"}
	assert.Equal(t, "https://a.example/inbox", a.DeliveryInbox())
	var nilObj *vocab.Object
	assert.Equal(t, "", nilObj.DeliveryInbox())
}

func TestKey(t *testing.T) {
	a, err := vocab.Unmarshal([]byte(`{"type":"Person","id":"https://a.example/u",
		"publicKey":{"id":"https://a.example/u#main-key","owner":"https://a.example/u","publicKeyPem":"PEM"},
		"assertionMethod":[{"id":"https://a.example/u#ed","type":"Multikey","publicKeyMultibase":"z6Mk"}]}`))
	require.NoError(t, err)
	assert.Equal(t, "PEM", a.Key("https://a.example/u#main-key").PublicKeyPem)
	assert.Equal(t, "PEM", a.Key("").PublicKeyPem)
	assert.Equal(t, "z6Mk", a.Key("https://a.example/u#ed").PublicKeyMultibase)
	assert.Nil(t, a.Key("https://a.example/u#other"))
}
