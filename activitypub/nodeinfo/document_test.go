package nodeinfo

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func validDoc(version string) Document {
	return Document{
		Version:           version,
		Software:          Software{Name: "starling", Version: "0.1.0", Repository: "https://example.com/starling.git", Homepage: "https://example.com/"},
		Protocols:         []string{ProtocolActivityPub},
		OpenRegistrations: true,
		Usage: Usage{
			Users:      Users{Total: 12, ActiveHalfyear: 7, ActiveMonth: 3},
			LocalPosts: new(int64(1234)),
		},
		Metadata: map[string]any{"nodeName": "Starling test"},
	}
}

var documentTests = []struct {
	name   string
	mutate func(*Document)
	valid  bool
}{
	{"full", func(*Document) {}, true},
	{"minimal", func(d *Document) {
		*d = Document{Version: d.Version, Software: Software{Name: "x", Version: ""}, Protocols: []string{"activitypub"}}
	}, true},
	{"services", func(d *Document) {
		d.Services = Services{Inbound: []string{"rss2.0"}, Outbound: []string{"smtp", "atom1.0"}}
	}, true},
	{"several protocols", func(d *Document) { d.Protocols = []string{"activitypub", "diaspora", "ostatus"} }, true},
	{"zero figures", func(d *Document) { d.Usage = Usage{LocalPosts: new(int64(0)), LocalComments: new(int64(0))} }, true},
	{"nil metadata", func(d *Document) { d.Metadata = nil }, true},
	{"name with digits and dashes", func(d *Document) { d.Software.Name = "go-fed-2" }, true},
	{"uppercase name", func(d *Document) { d.Software.Name = "Starling" }, false},
	{"name with space", func(d *Document) { d.Software.Name = "my app" }, false},
	{"name with dot", func(d *Document) { d.Software.Name = "app.v2" }, false},
	{"empty name", func(d *Document) { d.Software.Name = "" }, false},
	{"unicode name", func(d *Document) { d.Software.Name = "stärling" }, false},
	{"no protocols", func(d *Document) { d.Protocols = nil }, false},
	{"unknown protocol", func(d *Document) { d.Protocols = []string{"activitypub", "nostr"} }, false},
	{"unknown inbound", func(d *Document) { d.Services.Inbound = []string{"mastodon"} }, false},
	{"unknown outbound", func(d *Document) { d.Services.Outbound = []string{"bluesky"} }, false},
	{"negative users", func(d *Document) { d.Usage.Users.Total = -1 }, false},
	{"negative month", func(d *Document) { d.Usage.Users.ActiveMonth = -5 }, false},
	{"negative posts", func(d *Document) { d.Usage.LocalPosts = new(int64(-1)) }, false},
	{"negative comments", func(d *Document) { d.Usage.LocalComments = new(int64(-1)) }, false},
	{"bad version", func(d *Document) { d.Version = "2.2" }, false},
}

// TestDocumentValidAgainstSchema encodes each table document in both
// versions and checks that Validate agrees with the published JSON schema.
func TestDocumentValidAgainstSchema(t *testing.T) {
	for _, version := range []string{Version20, Version21} {
		for _, tt := range documentTests {
			t.Run(version+"/"+tt.name, func(t *testing.T) {
				d := validDoc(version)
				tt.mutate(&d)
				err := d.Validate()
				data, mErr := json.Marshal(d)
				require.NoError(t, mErr)
				schemaVersion := version
				violations := checkJSON(t, schemaVersion, data)
				if tt.valid {
					require.NoError(t, err)
					assert.Empty(t, violations, string(data))
				} else {
					require.ErrorIs(t, err, ErrInvalidDocument)
					assert.NotEmpty(t, violations, "schema must reject it too: %s", data)
				}
			})
		}
	}
}

func TestMarshalVersionSpecific(t *testing.T) {
	d := validDoc(Version20)
	data, err := json.Marshal(d)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "repository", "2.0 has no software.repository")
	assert.NotContains(t, string(data), "homepage")

	d = validDoc(Version21)
	d.Metadata = nil
	data, err = json.Marshal(d)
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"version":"2.1",
		"software":{"name":"starling","version":"0.1.0","repository":"https://example.com/starling.git","homepage":"https://example.com/"},
		"protocols":["activitypub"],
		"services":{"inbound":[],"outbound":[]},
		"openRegistrations":true,
		"usage":{"users":{"total":12,"activeHalfyear":7,"activeMonth":3},"localPosts":1234},
		"metadata":{}
	}`, string(data))
}

func TestDecodeSpecExamples(t *testing.T) {
	for _, v := range []string{Version20, Version21} {
		t.Run(v, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "example-"+v+".json"))
			require.NoError(t, err)
			var d Document
			require.NoError(t, json.Unmarshal(data, &d))
			require.NoError(t, d.Validate())
			assert.Equal(t, "diaspora", d.Software.Name)
			assert.Equal(t, int64(123), d.Usage.Users.Total)
			assert.Equal(t, int64(1000), *d.Usage.LocalComments)
			out, err := json.Marshal(d)
			require.NoError(t, err)
			assert.JSONEq(t, string(data), string(out), "round trip")
		})
	}
}

func TestRelAndContentType(t *testing.T) {
	assert.Equal(t, "http://nodeinfo.diaspora.software/ns/schema/2.1", Rel(Version21))
	assert.Equal(t, `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.0#"`, ContentType(Version20))
}

func FuzzDocument(f *testing.F) {
	for _, v := range []string{Version20, Version21} {
		data, err := os.ReadFile(filepath.Join("testdata", "example-"+v+".json"))
		require.NoError(f, err)
		f.Add(data)
		for _, tt := range documentTests {
			d := validDoc(v)
			tt.mutate(&d)
			data, err := json.Marshal(d)
			require.NoError(f, err)
			f.Add(data)
		}
	}
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"version":2.1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var d Document
		if json.Unmarshal(data, &d) != nil {
			return
		}
		if d.Validate() != nil {
			return
		}
		// Whatever Validate accepts encodes to a schema-valid document.
		out, err := json.Marshal(d)
		require.NoError(t, err)
		require.Empty(t, checkJSON(t, d.Version, out), string(out))
	})
}

func BenchmarkMarshalDocument(b *testing.B) {
	d := validDoc(Version21)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(d); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEnumsMatchSchema checks the hand-written enumerations against the
// schema files, so neither can drift.
func TestEnumsMatchSchema(t *testing.T) {
	for _, v := range []string{Version20, Version21} {
		s := loadSchema(t, v)
		lists := []struct {
			name  string
			enum  []any
			known func(string) bool
		}{
			{"protocols", s.Properties["protocols"].Items.Enum, knownProtocol},
			{"inbound", s.Properties["services"].Properties["inbound"].Items.Enum, knownInbound},
			{"outbound", s.Properties["services"].Properties["outbound"].Items.Enum, knownOutbound},
		}
		for _, l := range lists {
			require.NotEmpty(t, l.enum, l.name)
			for _, e := range l.enum {
				assert.True(t, l.known(e.(string)), "%s %s: %v", v, l.name, e)
			}
			assert.False(t, l.known("nostr"), l.name)
		}
	}
}
