package jsonld

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/piprate/json-gold/ld"

	"github.com/starling-fed/starling/internal/safehttp"
)

// Defaults of a Loader whose fields are zero.
const (
	// DefaultCacheSize is how many fetched contexts a Loader keeps.
	DefaultCacheSize = 64
	// DefaultFetchTimeout bounds one context fetch when Loader.HTTPClient is nil.
	DefaultFetchTimeout = 10 * time.Second
)

// Loader resolves context URLs for the JSON-LD processor. It implements
// json-gold's ld.DocumentLoader.
//
// By default it serves only the contexts embedded in this package (see
// ActivityStreamsURL and the other URL constants) plus those in Extra, and
// refuses every other URL with an error wrapping ErrContextNotAllowed
// without sending any request. The zero value is ready to use and safe for
// concurrent use; do not change its fields after first use.
type Loader struct {
	// InsecureAllowNetwork lets the loader fetch contexts it does not hold over
	// HTTP(S). Leave it false unless you must process documents whose
	// contexts you cannot embed: every fetch is slow, fails whenever the
	// context's host is down, and lets a document's author make your
	// server send requests where they choose.
	InsecureAllowNetwork bool
	// HTTPClient sends context fetches when InsecureAllowNetwork is set. If
	// nil, a client with a DefaultFetchTimeout timeout is used that refuses
	// https-less URLs and private, loopback and reserved addresses.
	HTTPClient *http.Client
	// Extra adds context documents served offline, keyed by URL. Keys match
	// the way embedded URLs do (http or https, optional ".jsonld"/".json"
	// suffix); an Extra document takes precedence over an embedded one.
	// Each value must be a JSON object with an "@context" member.
	Extra map[string][]byte
	// CacheSize is how many fetched contexts are kept, least recently used
	// evicted first. Zero means DefaultCacheSize. Embedded and Extra
	// contexts are always held and do not count.
	CacheSize int
	// MaxContextBytes caps the size of a fetched context. Zero means
	// DefaultMaxContextBytes.
	MaxContextBytes int64
	// Logger receives a debug record per network fetch. Nil discards.
	Logger *slog.Logger

	once    sync.Once
	static  map[string]*contextDoc // embedded and Extra documents by contextKey (or "=" + URL)
	initErr error
	client  *http.Client
	log     *slog.Logger

	mu       sync.Mutex
	lru      *list.List               // of *cacheEntry, most recently used first
	cache    map[string]*list.Element // by contextKey
	inflight map[string]*fetchCall    // by contextKey
}

var _ ld.DocumentLoader = (*Loader)(nil)

// contextDoc is a parsed context document. It is shared and never modified.
type contextDoc struct {
	url       string         // URL reported to the processor
	doc       map[string]any // the document, {"@context": ...}
	refs      []string       // context URLs its top-level @context names
	hasImport bool           // whether any key is "@import"
	scoped    int            // entries of the scoped contexts it defines
	embedded  bool           // one of the package's own documents
}

type cacheEntry struct {
	key string
	doc *contextDoc
}

type fetchCall struct {
	done      chan struct{}
	doc       *contextDoc
	err       error
	abandoned bool // the fetching caller's context ended before the fetch did
}

// LoadDocument implements ld.DocumentLoader. It returns a private copy of
// the document, which the caller may modify.
func (l *Loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	d, err := l.lookup(context.Background(), u)
	if err != nil {
		return nil, err
	}
	return &ld.RemoteDocument{DocumentURL: d.url, Document: ld.CloneDocument(d.doc)}, nil
}

// init parses the embedded and Extra documents once.
func (l *Loader) init() {
	l.log = l.Logger
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	l.client = l.HTTPClient
	if l.client == nil {
		// An empty Config cannot be invalid, so New does not fail here.
		l.client, _ = safehttp.New(safehttp.Config{Timeout: DefaultFetchTimeout})
	}
	l.lru = list.New()
	l.cache = make(map[string]*list.Element)
	l.inflight = make(map[string]*fetchCall)
	l.static = make(map[string]*contextDoc)

	byFile := make(map[string]*contextDoc)
	for key, kc := range embeddedContexts() {
		d, ok := byFile[kc.file]
		if !ok {
			data, err := contextFiles.ReadFile(kc.file)
			if err != nil {
				l.initErr = fmt.Errorf("jsonld: reading embedded %s: %w", kc.file, err)
				return
			}
			if d, err = parseContextDoc(kc.url, data); err != nil {
				l.initErr = fmt.Errorf("jsonld: embedded %s: %w", kc.file, err)
				return
			}
			d.embedded = true
			byFile[kc.file] = d
		}
		l.static[key] = d
	}
	for u, data := range l.Extra {
		d, err := parseContextDoc(u, data)
		if err != nil {
			l.initErr = fmt.Errorf("jsonld: Loader.Extra[%q]: %w", u, err)
			return
		}
		if key, ok := contextKey(u); ok {
			l.static[key] = d
		} else {
			l.static["="+u] = d
		}
	}
}

// lookup returns the parsed document for u: embedded, Extra, cached, or (if
// allowed) fetched.
func (l *Loader) lookup(ctx context.Context, u string) (*contextDoc, error) {
	l.once.Do(l.init)
	if l.initErr != nil {
		return nil, l.initErr
	}
	key, ok := contextKey(u)
	if ok {
		if d := l.static[key]; d != nil {
			return d, nil
		}
	}
	if d := l.static["="+u]; d != nil {
		return d, nil
	}
	if !ok {
		return nil, fmt.Errorf("%w: %q is not an http(s) URL", ErrContextNotAllowed, u)
	}
	if !l.InsecureAllowNetwork {
		return nil, fmt.Errorf("%w: %s is not embedded and network fetches are off", ErrContextNotAllowed, u)
	}
	return l.fetchCached(ctx, key, u)
}

// fetchCached returns the cached document for key or fetches it, letting
// concurrent callers for the same key share one fetch.
func (l *Loader) fetchCached(ctx context.Context, key, u string) (*contextDoc, error) {
	l.mu.Lock()
	if el, ok := l.cache[key]; ok {
		l.lru.MoveToFront(el)
		d := el.Value.(*cacheEntry).doc
		l.mu.Unlock()
		return d, nil
	}
	if c, ok := l.inflight[key]; ok {
		l.mu.Unlock()
		select {
		case <-c.done:
			if c.abandoned && ctx.Err() == nil {
				// The fetch was abandoned by its own caller; ours still wants it.
				return l.fetchCached(ctx, key, u)
			}
			return c.doc, c.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c := &fetchCall{done: make(chan struct{})}
	l.inflight[key] = c
	l.mu.Unlock()

	c.doc, c.err = l.fetch(ctx, u)
	c.abandoned = c.err != nil && ctx.Err() != nil

	l.mu.Lock()
	delete(l.inflight, key)
	if c.err == nil {
		l.cache[key] = l.lru.PushFront(&cacheEntry{key: key, doc: c.doc})
		size := l.CacheSize
		if size <= 0 {
			size = DefaultCacheSize
		}
		for l.lru.Len() > size {
			oldest := l.lru.Back()
			l.lru.Remove(oldest)
			delete(l.cache, oldest.Value.(*cacheEntry).key)
		}
	}
	l.mu.Unlock()
	close(c.done)
	return c.doc, c.err
}

// fetch retrieves and parses one context over the network.
func (l *Loader) fetch(ctx context.Context, u string) (*contextDoc, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &FetchError{URL: u, Err: err}
	}
	req.Header.Set("Accept", "application/ld+json, application/json;q=0.9")
	resp, err := l.client.Do(req)
	if err != nil {
		return nil, &FetchError{URL: u, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &FetchError{URL: u, StatusCode: resp.StatusCode}
	}
	limit := l.MaxContextBytes
	if limit <= 0 {
		limit = DefaultMaxContextBytes
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, &FetchError{URL: u, Err: err}
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: context %s exceeds %d bytes", ErrTooLarge, u, limit)
	}
	d, err := parseContextDoc(u, data)
	if err != nil {
		return nil, fmt.Errorf("context %s: %w", u, err)
	}
	l.log.DebugContext(ctx, "jsonld: fetched context", "url", u, "bytes", len(data))
	return d, nil
}

// parseContextDoc parses a context document: a JSON object with "@context".
func parseContextDoc(u string, data []byte) (*contextDoc, error) {
	if err := checkDepth(data, DefaultMaxDepth); err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidContext, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: not a JSON object", ErrInvalidContext)
	}
	c, ok := m["@context"]
	if !ok {
		return nil, fmt.Errorf("%w: no @context member", ErrInvalidContext)
	}
	var stats docStats
	stats.prepare(c, 1)
	d := &contextDoc{url: u, doc: m, hasImport: stats.hasImport, scoped: stats.scopedTerms}
	switch c := c.(type) {
	case string:
		d.refs = []string{c}
	case []any:
		for _, e := range c {
			if s, ok := e.(string); ok {
				d.refs = append(d.refs, s)
			}
		}
	}
	return d, nil
}

// opLoader is the ld.DocumentLoader for one operation: it carries the
// operation's context.Context, counts loads, detects context cycles and
// hands out private copies when the operation may modify them.
type opLoader struct {
	ctx    context.Context
	l      *Loader
	clone  bool     // return copies: the operation uses @import, which writes into the imported document
	stats  docStats // of the document being processed
	loads  int      // remote contexts loaded so far
	scoped int      // scoped term definitions loaded so far
	err    error    // first error returned, reported in place of the processor's wrapping
}

// LoadDocument implements ld.DocumentLoader.
func (o *opLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	d, err := o.load(u)
	if err != nil {
		if o.err == nil {
			o.err = err
		}
		return nil, err
	}
	if d.hasImport {
		o.clone = true
	}
	var doc any = d.doc
	if o.clone {
		doc = ld.CloneDocument(d.doc)
	}
	return &ld.RemoteDocument{DocumentURL: d.url, Document: doc}, nil
}

func (o *opLoader) load(u string) (*contextDoc, error) {
	if err := o.ctx.Err(); err != nil {
		return nil, err
	}
	o.loads++
	if o.loads > maxContextLoads {
		return nil, fmt.Errorf("%w: more than %d in one document", ErrTooManyContexts, maxContextLoads)
	}
	d, err := o.l.lookup(o.ctx, u)
	if err != nil {
		return nil, err
	}
	if !d.embedded && len(d.refs) > 0 {
		if err := o.checkCycle(d, []string{d.url}); err != nil {
			return nil, err
		}
	}
	if d.scoped > 0 {
		o.scoped += d.scoped
		if w := o.stats.scopedWork(o.scoped + o.stats.scopedTerms); w > maxScopedWork {
			return nil, fmt.Errorf("%w: contexts define %d scoped terms for %d objects", ErrTooComplex, o.scoped+o.stats.scopedTerms, o.stats.nodes)
		}
	}
	return d, nil
}

// checkCycle follows the context URLs d names, depth first, and reports
// ErrContextCycle if one leads back to a document on path.
func (o *opLoader) checkCycle(d *contextDoc, path []string) error {
	if len(path) > 16 {
		return fmt.Errorf("%w: contexts nested more than 16 deep", ErrTooManyContexts)
	}
	for _, ref := range d.refs {
		rk, _ := contextKey(ref)
		for _, p := range path {
			if pk, _ := contextKey(p); ref == p || (rk != "" && rk == pk) {
				return fmt.Errorf("%w: %s", ErrContextCycle, joinPath(append(path, ref)))
			}
		}
		next, err := o.l.lookup(o.ctx, ref)
		if err != nil {
			if errors.Is(err, ErrContextNotAllowed) {
				// Reported when the processor itself loads ref.
				continue
			}
			return err
		}
		if next.embedded {
			continue
		}
		if err := o.checkCycle(next, append(path, ref)); err != nil {
			return err
		}
	}
	return nil
}

func joinPath(p []string) string {
	s := ""
	for i, e := range p {
		if i > 0 {
			s += " -> "
		}
		s += e
	}
	return s
}
