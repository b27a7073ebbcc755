package activitypub

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/starling-fed/starling/activitypub/nodeinfo"
	"github.com/starling-fed/starling/webfinger"
)

// modulePath is the module whose version NodeInfo reports.
const modulePath = "github.com/starling-fed/starling"

// webFingerLookup answers WebFinger for the local actors and the instance
// actor: acct:username@host on this server's host, or an actor IRI.
func (f *Federation) webFingerLookup(ctx context.Context, res webfinger.Resource) (*webfinger.JRD, error) {
	var name string
	switch {
	case res.IsAccount():
		if !f.isOwnHost(res.Host) {
			return nil, webfinger.ErrNotFound
		}
		u, err := url.PathUnescape(res.User)
		if err != nil || u == "" {
			return nil, webfinger.ErrNotFound
		}
		if strings.EqualFold(u, f.cfg.InstanceUsername) {
			return f.instanceJRD(), nil
		}
		name = u
	case res.IsURL():
		if res.URI == f.InstanceActorIRI() {
			return f.instanceJRD(), nil
		}
		u, ok := f.Username(res.URI)
		if !ok {
			return f.profileJRD(ctx, res.URI)
		}
		name = u
	default:
		return nil, webfinger.ErrNotFound
	}
	// WebFinger finds the account as the host's lookup does (ignoring
	// case, say) and answers with its own spelling, the one actor served.
	a, err := f.lookupActor(ctx, name)
	switch {
	case errors.Is(err, ErrGone):
		return nil, webfinger.ErrGone
	case errors.Is(err, ErrNotFound):
		return nil, webfinger.ErrNotFound
	case err != nil:
		return nil, err
	}
	id := f.ActorIRI(a.Username)
	profile := a.URL
	if profile == "" {
		profile = id
	}
	return webfinger.NewActorJRD("acct:"+a.Username+"@"+f.host, id, profile, ""), nil
}

// profileJRD answers WebFinger for a profile page URL on this server
// whose last path segment names the user, as "/@alice" or "/u/alice" do:
// the user's Actor.URL must be that very URL.
func (f *Federation) profileJRD(ctx context.Context, profile string) (*webfinger.JRD, error) {
	u, err := url.Parse(profile)
	if err != nil || !f.IsLocal(profile) {
		return nil, webfinger.ErrNotFound
	}
	seg := u.EscapedPath()
	seg = strings.TrimPrefix(seg[strings.LastIndex(seg, "/")+1:], "@")
	name, err := url.PathUnescape(seg)
	if err != nil || name == "" {
		return nil, webfinger.ErrNotFound
	}
	a, err := f.LocalActor(ctx, name)
	if err != nil || a.URL != profile {
		return nil, webfinger.ErrNotFound
	}
	id := f.ActorIRI(a.Username)
	return webfinger.NewActorJRD("acct:"+a.Username+"@"+f.host, id, a.URL, ""), nil
}

// instanceJRD is the WebFinger answer for the instance actor.
func (f *Federation) instanceJRD() *webfinger.JRD {
	return webfinger.NewActorJRD("acct:"+f.cfg.InstanceUsername+"@"+f.host, f.InstanceActorIRI(), f.cfg.Origin+"/", "")
}

// isOwnHost reports whether the host of an acct: resource is this server's:
// the Origin's host, with its port as in the Origin or without one.
func (f *Federation) isOwnHost(host string) bool {
	host = strings.ToLower(host)
	return host == f.host || host == strings.ToLower(f.origin.Hostname())
}

// nodeInfoDocument is the NodeInfo document served: Config.NodeInfo's, or
// one naming Starling with zero usage.
func (f *Federation) nodeInfoDocument(ctx context.Context) (*nodeinfo.Document, error) {
	if f.cfg.NodeInfo != nil {
		d, err := f.cfg.NodeInfo(ctx)
		if err != nil {
			return nil, err
		}
		if d == nil {
			return nil, fmt.Errorf("activitypub: Config.NodeInfo returned no document")
		}
		return d, nil
	}
	return &nodeinfo.Document{
		Software:  nodeinfo.Software{Name: "starling", Version: starlingVersion()},
		Protocols: []string{nodeinfo.ProtocolActivityPub},
		Metadata:  map[string]any{},
	}, nil
}

// starlingVersion is the version of this module in the running binary, or
// "0.0.0-dev" when it is not known (a development build).
var starlingVersion = sync.OnceValue(func() string {
	const dev = "0.0.0-dev"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return dev
	}
	v := ""
	if bi.Main.Path == modulePath {
		v = bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == modulePath {
			v = d.Version
			if d.Replace != nil {
				v = d.Replace.Version
			}
		}
	}
	if v == "" || v == "(devel)" {
		return dev
	}
	return strings.TrimPrefix(v, "v")
})
