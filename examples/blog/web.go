package main

import (
	"crypto/subtle"
	"errors"
	"html/template"
	"net/http"

	"github.com/starling-fed/starling/activitypub"
)

var pages = template.Must(template.New("").Parse(`
{{define "index"}}<!doctype html>
<html lang="en"><meta charset="utf-8"><title>A tiny blog</title>
<h1>A tiny blog</h1>
<ul>{{range .}}<li><a href="/articles/{{.Slug}}">{{.Title}}</a> by {{.Author}}, {{.Published.Format "2 Jan 2006"}}</li>
{{else}}<li>Nothing yet.</li>{{end}}</ul>
</html>{{end}}

{{define "article"}}<!doctype html>
<html lang="en"><meta charset="utf-8"><title>{{.Article.Title}}</title>
<article>
<h1>{{.Article.Title}}</h1>
<p>by {{.Article.Author}}, {{.Article.Published.Format "2 Jan 2006"}}{{if not .Article.Updated.IsZero}} (edited {{.Article.Updated.Format "2 Jan 2006"}}){{end}}</p>
{{.Body}}
</article>
<section id="comments">
<h2>Comments from the fediverse ({{len .Comments}})</h2>
{{range .Comments}}<div class="comment"><p><a href="{{.AuthorID}}" rel="nofollow">{{.AuthorName}}</a>:</p><p>{{.Text}}</p></div>
{{else}}<p>Reply to this article from any fediverse account to comment.</p>{{end}}
</section>
</html>{{end}}
`))

// pagesHandler serves the blog's own HTML pages. The Federation's handler
// sits in front of it and passes on every request it does not serve,
// including article URLs asked for as HTML.
func (b *Blog) pagesHandler(password string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		list, err := b.Articles(r.Context())
		if err != nil {
			http.Error(w, "cannot list articles", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		pages.ExecuteTemplate(w, "index", list)
	})
	mux.HandleFunc("GET "+articlePath+"{slug}", func(w http.ResponseWriter, r *http.Request) {
		a, err := b.Article(r.Context(), r.PathValue("slug"))
		if errors.Is(err, activitypub.ErrNotFound) {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, "cannot read the article", http.StatusInternalServerError)
			return
		}
		comments, err := b.Comments(r.Context(), a.Slug)
		if err != nil {
			http.Error(w, "cannot read the comments", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		pages.ExecuteTemplate(w, "article", struct {
			Article  *Article
			Body     template.HTML // written by the blog's own authors
			Comments []Comment
		}{a, template.HTML(a.Body), comments})
	})
	// Publishing: POST author, slug, title and body (HTML) with the
	// password. A slug that exists is an edit.
	mux.HandleFunc("POST /admin/articles", func(w http.ResponseWriter, r *http.Request) {
		if password == "" || subtle.ConstantTimeCompare([]byte(r.FormValue("password")), []byte(password)) != 1 {
			http.Error(w, "wrong password", http.StatusForbidden)
			return
		}
		author, slug := r.FormValue("author"), r.FormValue("slug")
		if _, err := b.actor(r.Context(), author); err != nil {
			http.Error(w, "unknown author", http.StatusBadRequest)
			return
		}
		err := b.Publish(r.Context(), author, slug, r.FormValue("title"), r.FormValue("body"))
		if errors.Is(err, ErrInvalidSlug) {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err != nil {
			http.Error(w, "cannot publish: "+err.Error(), http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, articlePath+slug, http.StatusSeeOther)
	})
	return mux
}
