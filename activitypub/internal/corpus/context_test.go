package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const asNS = "https://www.w3.org/ns/activitystreams#"

// as2Terms lists the terms the Activity Streams 2.0 context maps to as:<term>.
// Mapping one of them to another IRI makes a context unusual; as2Special
// holds the terms it maps elsewhere.
var as2Terms = strings.Fields(`
Accept Activity IntransitiveActivity Add Announce Application Arrive Article Audio Block Collection
CollectionPage Relationship Create Delete Dislike Document Event Follow Flag Group Ignore Image Invite Join
Leave Like Link Mention Note Object Offer OrderedCollection OrderedCollectionPage Organization Page Person
Place Profile Question Reject Remove Service TentativeAccept TentativeReject Tombstone Undo Update Video View
Listen Read Move Travel IsFollowing IsFollowedBy IsContact IsMember subject relationship actor attributedTo
attachment bcc bto cc context current first generator icon image inReplyTo items instrument last location next
object oneOf anyOf closed origin accuracy prev preview replies result audience partOf tag target to url
altitude content name duration endTime height href hreflang latitude longitude mediaType published radius rel
startIndex startTime summary totalItems units updated width describes formerType deleted outbox following
followers streams preferredUsername endpoints uploadMedia proxyUrl liked oauthAuthorizationEndpoint
oauthTokenEndpoint provideClientKey signClientKey sharedInbox Public source likes shares alsoKnownAs`)

var as2Special = map[string]string{
	"id":           "@id",
	"type":         "@type",
	"orderedItems": asNS + "items",
	"contentMap":   asNS + "content",
	"nameMap":      asNS + "name",
	"summaryMap":   asNS + "summary",
	"inbox":        "http://www.w3.org/ns/ldp#inbox",
}

// unusualContext applies the rule documented on Expect.UnusualContext.
func unusualContext(raw json.RawMessage) (bool, error) {
	raw = bytes.TrimSpace(raw)
	var items []json.RawMessage
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &items); err != nil {
			return false, err
		}
	} else {
		items = []json.RawMessage{raw}
	}
	known := KnownContexts()
	for _, it := range items {
		it = bytes.TrimSpace(it)
		switch {
		case len(it) > 0 && it[0] == '"':
			if !slices.Contains(known, stringOf(it)) {
				return true, nil
			}
		case len(it) > 0 && it[0] == '{':
			var defs map[string]json.RawMessage
			if err := json.Unmarshal(it, &defs); err != nil {
				return false, err
			}
			if redefinesAS2(defs) {
				return true, nil
			}
		case string(it) == "null":
		default:
			return false, fmt.Errorf("unexpected context entry %s", it)
		}
	}
	return false, nil
}

// redefinesAS2 reports whether a context object maps an Activity Streams
// term to an IRI other than its own, or sets @vocab.
func redefinesAS2(defs map[string]json.RawMessage) bool {
	if _, ok := defs["@vocab"]; ok {
		return true
	}
	prefixes := map[string]string{"as": asNS, "ldp": "http://www.w3.org/ns/ldp#"}
	for k, v := range defs {
		if s := stringOf(v); strings.HasSuffix(s, "#") || strings.HasSuffix(s, "/") {
			prefixes[k] = s
		}
	}
	for term, v := range defs {
		want, ok := as2Special[term]
		if !ok {
			if !slices.Contains(as2Terms, term) {
				continue
			}
			want = asNS + term
		}
		iri := stringOf(v)
		if iri == "" {
			var def struct {
				ID string `json:"@id"`
			}
			if json.Unmarshal(v, &def) == nil {
				iri = def.ID
			}
		}
		if pfx, local, found := strings.Cut(iri, ":"); found {
			if ns, ok := prefixes[pfx]; ok {
				iri = ns + local
			}
		}
		if iri != want {
			return true
		}
	}
	return false
}

func TestUnusualContext(t *testing.T) {
	tests := []struct {
		name string
		ctx  string
		want bool
	}{
		{"AS2 alone", `"https://www.w3.org/ns/activitystreams"`, false},
		{"AS2 and security", `["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1"]`, false},
		{"Mastodon extensions", `["https://www.w3.org/ns/activitystreams",{"toot":"http://joinmastodon.org/ns#","Emoji":"toot:Emoji","sensitive":"as:sensitive"}]`, false},
		{"same IRI spelled in full", `[{"Note":"https://www.w3.org/ns/activitystreams#Note"}]`, false},
		{"same IRI as object", `[{"url":{"@id":"as:url","@type":"@id"}}]`, false},
		{"unknown URL", `["https://www.w3.org/ns/activitystreams","https://example.org/schemas/litepub-0.1.jsonld"]`, true},
		{"AS2 term moved", `["https://www.w3.org/ns/activitystreams",{"sc":"http://schema.org/","icon":"sc:image"}]`, true},
		{"AS2 term as object moved", `[{"summary":{"@id":"http://schema.org/description"}}]`, true},
		{"vocab", `[{"@vocab":"http://example.org/ns#"}]`, true},
		{"language only", `["https://www.w3.org/ns/activitystreams",{"@language":"und"}]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := unusualContext(json.RawMessage(tt.ctx))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := unusualContext(json.RawMessage(`[42]`))
	assert.Error(t, err)
}
