package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/activitypub/vocab"

	_ "modernc.org/sqlite" // the blog's own database/sql driver
)

// schema is the blog's own: it existed before federation and knows nothing
// of ActivityPub. Starling keeps its state (keys, followers, the delivery
// queue) in a store of its own.
const schema = `
CREATE TABLE IF NOT EXISTS users (
	username     TEXT PRIMARY KEY,
	display_name TEXT NOT NULL,
	bio          TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
	slug         TEXT PRIMARY KEY,
	author       TEXT NOT NULL REFERENCES users(username),
	title        TEXT NOT NULL,
	body         TEXT NOT NULL,  -- HTML written by the author
	published_at INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS comments (
	id           INTEGER PRIMARY KEY,
	article      TEXT NOT NULL REFERENCES articles(slug),
	remote_id    TEXT NOT NULL UNIQUE, -- the reply's IRI on the fediverse
	author_id    TEXT NOT NULL,
	author_name  TEXT NOT NULL,
	text         TEXT NOT NULL,        -- plain text: remote HTML is never trusted
	published_at INTEGER NOT NULL
);`

// articlePath is where articles live, as HTML pages and as ActivityPub
// objects alike: the Federation's handler answers a GET of any path on the
// origin that Config.Objects knows, when ActivityPub is asked for, and
// hands HTML requests to the blog's own pages.
const articlePath = "/articles/"

// Blog is the CMS: its tables, and the Federation that makes its users
// actors and its articles fediverse posts.
type Blog struct {
	db     *sql.DB
	fed    *activitypub.Federation
	origin string
}

// Article is a row of articles.
type Article struct {
	Slug, Author, Title, Body string
	Published, Updated        time.Time
}

// Comment is a row of comments: a reply from the fediverse.
type Comment struct {
	AuthorID, AuthorName, Text string
	Published                  time.Time
}

// openDB opens the blog's database and creates its tables.
func openDB(ctx context.Context, path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("blog: creating tables: %w", err)
	}
	return db, nil
}

// AddUser adds an account to the blog.
func (b *Blog) AddUser(ctx context.Context, username, displayName, bio string) error {
	_, err := b.db.ExecContext(ctx,
		`INSERT INTO users (username, display_name, bio, created_at) VALUES (?, ?, ?, ?)
		 ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, bio = excluded.bio`,
		username, displayName, bio, time.Now().Unix())
	return err
}

// actor is the Federation's Config.Actors: the blog's users, as actors.
func (b *Blog) actor(ctx context.Context, username string) (*activitypub.Actor, error) {
	var a activitypub.Actor
	var created int64
	err := b.db.QueryRowContext(ctx, `SELECT username, display_name, bio, created_at FROM users WHERE username = ?`, username).
		Scan(&a.Username, &a.Name, &a.Summary, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: no user %q", activitypub.ErrNotFound, username)
	}
	if err != nil {
		return nil, err
	}
	a.Summary = "<p>" + html.EscapeString(a.Summary) + "</p>"
	a.URL = b.origin + "/"
	a.Published = time.Unix(created, 0).UTC()
	return &a, nil
}

// object is the Federation's Config.Objects: the blog's articles, as
// ActivityPub Articles, served from the blog's own table.
func (b *Blog) object(ctx context.Context, iri string) (*vocab.Object, error) {
	slug, ok := b.slugOf(iri)
	if !ok {
		return nil, activitypub.ErrNotFound
	}
	a, err := b.Article(ctx, slug)
	if err != nil {
		return nil, err
	}
	return b.asObject(a), nil
}

// slugOf returns the slug of an article IRI.
func (b *Blog) slugOf(iri string) (string, bool) {
	slug, ok := strings.CutPrefix(iri, b.origin+articlePath)
	return slug, ok && slug != "" && !strings.ContainsAny(slug, "/?#")
}

// articleIRI is an article's IRI, which is also its page.
func (b *Blog) articleIRI(slug string) string { return b.origin + articlePath + slug }

// asObject turns an article into the Article its followers receive.
func (b *Blog) asObject(a *Article) *vocab.Object {
	author := b.fed.ActorIRI(a.Author)
	o := &vocab.Object{
		ID:           b.articleIRI(a.Slug),
		Type:         vocab.TypeArticle,
		Name:         a.Title,
		Content:      a.Body,
		AttributedTo: []vocab.Ref{vocab.IRIRef(author)},
		URL:          []vocab.Ref{vocab.IRIRef(b.articleIRI(a.Slug))},
		Published:    a.Published,
		Updated:      a.Updated,
	}
	o.Address(vocab.VisibilityPublic, b.fed.FollowersIRI(a.Author))
	return o
}

// Article reads an article.
func (b *Blog) Article(ctx context.Context, slug string) (*Article, error) {
	a := &Article{Slug: slug}
	var pub, upd int64
	err := b.db.QueryRowContext(ctx, `SELECT author, title, body, published_at, updated_at FROM articles WHERE slug = ?`, slug).
		Scan(&a.Author, &a.Title, &a.Body, &pub, &upd)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: no article %q", activitypub.ErrNotFound, slug)
	}
	if err != nil {
		return nil, err
	}
	a.Published = time.Unix(pub, 0).UTC()
	if upd != 0 {
		a.Updated = time.Unix(upd, 0).UTC()
	}
	return a, nil
}

// Articles lists the articles, newest first.
func (b *Blog) Articles(ctx context.Context) ([]Article, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT slug, author, title, published_at FROM articles ORDER BY published_at DESC, slug`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		var a Article
		var pub int64
		if err := rows.Scan(&a.Slug, &a.Author, &a.Title, &pub); err != nil {
			return nil, err
		}
		a.Published = time.Unix(pub, 0).UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// Comments lists an article's comments, oldest first.
func (b *Blog) Comments(ctx context.Context, slug string) ([]Comment, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT author_id, author_name, text, published_at FROM comments WHERE article = ? ORDER BY published_at, id`, slug)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		var pub int64
		if err := rows.Scan(&c.AuthorID, &c.AuthorName, &c.Text, &pub); err != nil {
			return nil, err
		}
		c.Published = time.Unix(pub, 0).UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

var validSlug = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,79}$`)

// ErrInvalidSlug is returned for a slug that is not lower-case letters,
// digits and dashes.
var ErrInvalidSlug = errors.New("blog: a slug is 1 to 80 lower-case letters, digits and dashes")

// Publish writes a new article, or edits an existing one, and tells the
// author's followers: a Create for a new article, an Update for an edit.
func (b *Blog) Publish(ctx context.Context, author, slug, title, body string) error {
	if !validSlug.MatchString(slug) {
		return ErrInvalidSlug
	}
	now := time.Now().Unix()
	var existing string
	err := b.db.QueryRowContext(ctx, `SELECT author FROM articles WHERE slug = ?`, slug).Scan(&existing)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := b.db.ExecContext(ctx,
			`INSERT INTO articles (slug, author, title, body, published_at) VALUES (?, ?, ?, ?, ?)`,
			slug, author, title, body, now); err != nil {
			return err
		}
		a, err := b.Article(ctx, slug)
		if err != nil {
			return err
		}
		_, err = b.fed.Publish(ctx, author, b.asObject(a))
		return err
	case err != nil:
		return err
	case existing != author:
		return fmt.Errorf("blog: article %q belongs to %s", slug, existing)
	}
	if _, err := b.db.ExecContext(ctx,
		`UPDATE articles SET title = ?, body = ?, updated_at = ? WHERE slug = ?`, title, body, now, slug); err != nil {
		return err
	}
	a, err := b.Article(ctx, slug)
	if err != nil {
		return err
	}
	_, err = b.fed.UpdatePost(ctx, author, b.asObject(a))
	return err
}

// onCreate is the Create hook: a reply to one of the blog's articles
// becomes a comment on it.
func (b *Blog) onCreate(ctx context.Context, in *activitypub.Inbound) error {
	post := in.Object
	if post == nil || post.ID == "" {
		return nil
	}
	// The article's page is public: only public (or unlisted) replies
	// become comments. A direct or followers-only reply stays private.
	if v := post.Visibility(in.Actor.Followers); v != vocab.VisibilityPublic && v != vocab.VisibilityUnlisted {
		return nil
	}
	for _, parent := range vocab.IDs(post.InReplyTo) {
		slug, ok := b.slugOf(parent)
		if !ok {
			continue
		}
		if _, err := b.Article(ctx, slug); errors.Is(err, activitypub.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		published := post.Published
		if published.IsZero() {
			published = in.Received
		}
		_, err := b.db.ExecContext(ctx,
			`INSERT INTO comments (article, remote_id, author_id, author_name, text, published_at)
			 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (remote_id) DO NOTHING`,
			slug, post.ID, in.Actor.ID, authorName(in.Actor), plainText(post.Content), published.Unix())
		return err
	}
	return nil
}

// onDelete is the Delete hook: a deleted reply leaves the comments.
func (b *Blog) onDelete(ctx context.Context, in *activitypub.Inbound) error {
	ids := vocab.IDs(in.Activity.Object)
	if in.Object != nil && in.Object.ID != "" && !slices.Contains(ids, in.Object.ID) {
		ids = append(ids, in.Object.ID)
	}
	for _, id := range ids {
		// Only the reply's author may delete it; the Federation checked that
		// the Delete comes from the object's origin, and the author id says who.
		if _, err := b.db.ExecContext(ctx, `DELETE FROM comments WHERE remote_id = ? AND author_id = ?`, id, in.Actor.ID); err != nil {
			return err
		}
	}
	return nil
}

// authorName is how a comment's author is shown: "Name (@user@host)".
func authorName(actor *vocab.Object) string {
	host := actor.ID
	if _, rest, ok := strings.Cut(host, "://"); ok {
		host, _, _ = strings.Cut(rest, "/")
	}
	handle := "@" + actor.PreferredUsername + "@" + host
	if actor.Name == "" {
		return handle
	}
	return actor.Name + " (" + handle + ")"
}

var (
	breaks = regexp.MustCompile(`(?i)<br\s*/?>|</?(p|div|li|blockquote)\b[^>]*>`)
	tags   = regexp.MustCompile(`<[^>]*>`)
)

// plainText turns remote HTML into text (paragraphs and line breaks become
// spaces); the page escapes it when shown.
func plainText(content string) string {
	s := tags.ReplaceAllString(breaks.ReplaceAllString(content, " "), "")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}
