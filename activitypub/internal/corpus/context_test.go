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

// as2Terms lists the terms the Activity Streams 2.0 context defines with an
// IRI in the as: namespace (the Activity Vocabulary and the ActivityPub
// additions). Mapping one of them to another IRI makes a context unusual.
var as2Terms = strings.Fields(`
Object Link Activity IntransitiveActivity Collection OrderedCollection CollectionPage OrderedCollectionPage
Accept TentativeAccept Add Arrive Create Delete Follow Ignore Join Leave Like Offer Invite Reject
TentativeReject Remove Undo Update View Listen Read Move Travel Announce Block Flag Dislike Question
Application Group Organization Person Service Article Audio Document Event Image Note Page Place Profile
Relationship Tombstone Video Mention IsFollowing IsFollowedBy IsContact IsMember Public
subject relationship actor attributedTo attachment bcc bto cc context current first generator icon image
inReplyTo items instrument orderedItems last location next object oneOf anyOf closed origin accuracy prev
preview result replies tag target to url altitude content contentMap name nameMap duration endTime height
href hreflang latitude longitude mediaType published radius rel startIndex startTime summary summaryMap
totalItems units updated width describes formerType deleted partOf
inbox outbox following followers liked likes shares streams preferredUsername endpoints proxyUrl
uploadMedia oauthAuthorizationEndpoint oauthTokenEndpoint provideClientKey signClientKey sharedInbox source`)

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
	prefixes := map[string]string{"as": asNS}
	for k, v := range defs {
		if s := stringOf(v); strings.HasSuffix(s, "#") || strings.HasSuffix(s, "/") {
			prefixes[k] = s
		}
	}
	for _, term := range as2Terms {
		v, ok := defs[term]
		if !ok {
			continue
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
		if iri != asNS+term {
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
