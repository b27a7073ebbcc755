package jsonld

import (
	"embed"
	"strings"
)

// contextFiles holds the context documents served offline. It is read-only.
//
//go:embed contexts/*.jsonld
var contextFiles embed.FS

// URLs of the context documents the package embeds. Each is also accepted
// with http instead of https, with a trailing slash, or with a ".jsonld" or
// ".json" suffix.
const (
	// ActivityStreamsURL is the Activity Streams 2.0 context.
	ActivityStreamsURL = "https://www.w3.org/ns/activitystreams"
	// SecurityV1URL is the security vocabulary v1 context (publicKey,
	// publicKeyPem, owner, RsaSignature2017's terms).
	SecurityV1URL = "https://w3id.org/security/v1"
	// DataIntegrityV1URL is the Data Integrity v1 context (DataIntegrityProof).
	DataIntegrityV1URL = "https://w3id.org/security/data-integrity/v1"
	// MultikeyV1URL is the Multikey v1 context (publicKeyMultibase).
	MultikeyV1URL = "https://w3id.org/security/multikey/v1"
	// IdentityV1URL is the identity v1 context.
	IdentityV1URL = "https://w3id.org/identity/v1"
	// GoToSocialURL is GoToSocial's namespace context (interaction policies).
	GoToSocialURL = "https://gotosocial.org/ns"
	// LemmyURL is Lemmy's federation context.
	LemmyURL = "https://join-lemmy.org/context.json"
	// WebFingerURL is the SWICG context for an actor's "webfinger" address,
	// which WordPress and newer Pleroma versions reference.
	WebFingerURL = "https://purl.archive.org/socialweb/webfinger"
	// LitepubURL is the Litepub context as litepub.social names it. Pleroma
	// and Akkoma reference their own copy at
	// https://<host>/schemas/litepub-0.1.jsonld; every URL of that shape
	// resolves to the same embedded document.
	LitepubURL = "https://litepub.social/context.jsonld"
)

// litepubPath is the path at which Pleroma and Akkoma serve the Litepub context.
const litepubPath = "/schemas/litepub-0.1"

// knownContext is one embedded context document.
type knownContext struct {
	url  string // canonical URL, reported as the document's URL
	file string // path inside contextFiles
}

// embeddedContexts lists every embedded document by its lookup key (see
// contextKey).
func embeddedContexts() map[string]knownContext {
	return map[string]knownContext{
		"www.w3.org/ns/activitystreams":        {ActivityStreamsURL, "contexts/activitystreams.jsonld"},
		"w3id.org/security/v1":                 {SecurityV1URL, "contexts/security-v1.jsonld"},
		"w3id.org/security/data-integrity/v1":  {DataIntegrityV1URL, "contexts/data-integrity-v1.jsonld"},
		"w3id.org/security/multikey/v1":        {MultikeyV1URL, "contexts/multikey-v1.jsonld"},
		"w3id.org/identity/v1":                 {IdentityV1URL, "contexts/identity-v1.jsonld"},
		"gotosocial.org/ns":                    {GoToSocialURL, "contexts/gotosocial.jsonld"},
		"join-lemmy.org/context":               {LemmyURL, "contexts/lemmy.jsonld"},
		"purl.archive.org/socialweb/webfinger": {WebFingerURL, "contexts/webfinger.jsonld"},
		"litepub.social/context":               {LitepubURL, "contexts/litepub-0.1.jsonld"},
		litepubKey:                             {LitepubURL, "contexts/litepub-0.1.jsonld"},
	}
}

// litepubKey is the lookup key every host's Litepub URL maps to.
const litepubKey = "*" + litepubPath

// contextKey reduces a context URL to the key embedded documents are filed
// under: scheme, fragment, a trailing slash and a ".jsonld" or ".json" suffix
// are dropped and the host is lower-cased, so that the spellings peers use
// for one context meet. Any host's Litepub path becomes litepubKey. ok is
// false for anything but an absolute http or https URL.
func contextKey(u string) (key string, ok bool) {
	rest, found := cutPrefixFold(u, "https://")
	if !found {
		rest, found = cutPrefixFold(u, "http://")
	}
	if !found || rest == "" {
		return "", false
	}
	if i := strings.IndexAny(rest, "#?"); i >= 0 {
		rest = rest[:i]
	}
	rest = strings.TrimSuffix(rest, "/")
	if s, cut := strings.CutSuffix(rest, ".jsonld"); cut {
		rest = s
	} else if s, cut := strings.CutSuffix(rest, ".json"); cut {
		rest = s
	}
	host, path, _ := strings.Cut(rest, "/")
	if host == "" {
		return "", false
	}
	if path != "" && "/"+path == litepubPath {
		return litepubKey, true
	}
	if path == "" {
		return strings.ToLower(host), true
	}
	return strings.ToLower(host) + "/" + path, true
}

// cutPrefixFold is strings.CutPrefix ignoring ASCII case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// isActivityStreams reports whether u names the Activity Streams context.
func isActivityStreams(u string) bool {
	k, ok := contextKey(u)
	return ok && k == "www.w3.org/ns/activitystreams"
}

// isSecurityV1 reports whether u names the security v1 context.
func isSecurityV1(u string) bool {
	k, ok := contextKey(u)
	return ok && k == "w3id.org/security/v1"
}
