package nodeinfo

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Schema versions served and understood.
const (
	Version20 = "2.0"
	Version21 = "2.1"
)

// SchemaPrefix followed by a version is the link relation naming that
// version in the discovery document, e.g.
// "http://nodeinfo.diaspora.software/ns/schema/2.1".
const SchemaPrefix = "http://nodeinfo.diaspora.software/ns/schema/"

// ProtocolActivityPub is the protocols entry of an ActivityPub server.
const ProtocolActivityPub = "activitypub"

// Rel returns the discovery link relation of a schema version.
func Rel(version string) string { return SchemaPrefix + version }

// ContentType returns the Content-Type a document of the given version is
// served with: application/json with the schema as profile.
func ContentType(version string) string {
	return `application/json; profile="` + SchemaPrefix + version + `#"`
}

// ErrInvalidDocument: a document breaks the NodeInfo schema. Errors from
// [Document.Validate] wrap it.
var ErrInvalidDocument = errors.New("nodeinfo: invalid document")

// Document is a NodeInfo document, schema 2.0 or 2.1. Fields are those of
// schema 2.1; Software.Repository and Software.Homepage are left out when
// a 2.0 document is encoded.
type Document struct {
	// Version is "2.0" or "2.1". The Handler sets it per request.
	Version string
	// Software names the server software.
	Software Software
	// Protocols lists the federation protocols, e.g. ["activitypub"]. At
	// least one; values from the schema's list.
	Protocols []string
	// Services lists third-party sites the server connects to; values from
	// the schema's lists. Usually empty.
	Services Services
	// OpenRegistrations reports whether anyone may sign up.
	OpenRegistrations bool
	// Usage holds the usage figures.
	Usage Usage
	// Metadata holds free-form, software-specific values (Mastodon puts
	// "nodeName" and "nodeDescription" here). Nil encodes as {}.
	Metadata map[string]any
}

// Software describes the server software.
type Software struct {
	// Name matches ^[a-z0-9-]+$, e.g. "mastodon" or "starling".
	Name string `json:"name"`
	// Version is the software's version string.
	Version string `json:"version"`
	// Repository is the source repository's URL (2.1 only).
	Repository string `json:"repository,omitempty"`
	// Homepage is the software's home page URL (2.1 only).
	Homepage string `json:"homepage,omitempty"`
}

// Services lists third-party sites the server reads from and posts to.
type Services struct {
	Inbound  []string `json:"inbound"`
	Outbound []string `json:"outbound"`
}

// Usage holds usage statistics. Users' three figures are always sent, as
// Mastodon expects; the post and comment counts only when set.
type Usage struct {
	Users         Users  `json:"users"`
	LocalPosts    *int64 `json:"localPosts,omitempty"`
	LocalComments *int64 `json:"localComments,omitempty"`
}

// Users counts registered and active users.
type Users struct {
	Total          int64 `json:"total"`
	ActiveHalfyear int64 `json:"activeHalfyear"` // signed in within 180 days
	ActiveMonth    int64 `json:"activeMonth"`    // signed in within 30 days
}

// wireDocument is the JSON shape, key order as in the schema.
type wireDocument struct {
	Version           string         `json:"version"`
	Software          Software       `json:"software"`
	Protocols         []string       `json:"protocols"`
	Services          Services       `json:"services"`
	OpenRegistrations bool           `json:"openRegistrations"`
	Usage             Usage          `json:"usage"`
	Metadata          map[string]any `json:"metadata"`
}

// MarshalJSON encodes d with every required key present: nil lists as [],
// nil metadata as {}, and for version 2.0 without the 2.1-only software
// fields.
func (d Document) MarshalJSON() ([]byte, error) {
	w := wireDocument{
		Version:           d.Version,
		Software:          d.Software,
		Protocols:         nonNil(d.Protocols),
		Services:          Services{Inbound: nonNil(d.Services.Inbound), Outbound: nonNil(d.Services.Outbound)},
		OpenRegistrations: d.OpenRegistrations,
		Usage:             d.Usage,
		Metadata:          d.Metadata,
	}
	if w.Metadata == nil {
		w.Metadata = map[string]any{}
	}
	if d.Version == Version20 {
		w.Software.Repository, w.Software.Homepage = "", ""
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes a document. It is lenient, as documents from other
// servers often stretch the schema; call Validate to check strictly.
func (d *Document) UnmarshalJSON(data []byte) error {
	var w wireDocument
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*d = Document(w)
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// The schema's enumerations, identical in 2.0 and 2.1.

func knownProtocol(s string) bool {
	switch s {
	case "activitypub", "buddycloud", "dfrn", "diaspora", "libertree",
		"ostatus", "pumpio", "tent", "xmpp", "zot":
		return true
	}
	return false
}

func knownInbound(s string) bool {
	switch s {
	case "atom1.0", "gnusocial", "imap", "pnut", "pop3", "pumpio", "rss2.0", "twitter":
		return true
	}
	return false
}

func knownOutbound(s string) bool {
	switch s {
	case "atom1.0", "blogger", "buddycloud", "diaspora", "dreamwidth", "drupal",
		"facebook", "friendica", "gnusocial", "google", "insanejournal", "libertree",
		"linkedin", "livejournal", "mediagoblin", "myspace", "pinterest", "pnut",
		"posterous", "pumpio", "redmatrix", "rss2.0", "smtp", "tent", "tumblr",
		"twitter", "wordpress", "xmpp":
		return true
	}
	return false
}

// Validate checks d against the NodeInfo schema of its version: a known
// version, a software name matching ^[a-z0-9-]+$, at least one protocol,
// protocols and services from the schema's lists, and no negative
// figures. Errors wrap [ErrInvalidDocument].
func (d *Document) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidDocument}, args...)...)
	}
	if d.Version != Version20 && d.Version != Version21 {
		return bad("version %q is not 2.0 or 2.1", d.Version)
	}
	if !validSoftwareName(d.Software.Name) {
		return bad("software name %q does not match ^[a-z0-9-]+$", d.Software.Name)
	}
	if len(d.Protocols) == 0 {
		return bad("no protocols")
	}
	for _, p := range d.Protocols {
		if !knownProtocol(p) {
			return bad("unknown protocol %q", p)
		}
	}
	for _, s := range d.Services.Inbound {
		if !knownInbound(s) {
			return bad("unknown inbound service %q", s)
		}
	}
	for _, s := range d.Services.Outbound {
		if !knownOutbound(s) {
			return bad("unknown outbound service %q", s)
		}
	}
	u := d.Usage
	if u.Users.Total < 0 || u.Users.ActiveHalfyear < 0 || u.Users.ActiveMonth < 0 {
		return bad("negative user count")
	}
	if u.LocalPosts != nil && *u.LocalPosts < 0 || u.LocalComments != nil && *u.LocalComments < 0 {
		return bad("negative post or comment count")
	}
	return nil
}

func validSoftwareName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
