package main

import (
	"context"
	"crypto/subtle"
	"html"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/starling-fed/starling/activitypub/vocab"
)

// maxPost caps a post's length, in bytes of text.
const maxPost = 5000

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Name}}</title>
<h1>{{.Name}}</h1>
<p>Follow <strong>{{.Address}}</strong> from any fediverse server.</p>
{{if .CanPost}}<form method="post" action="/post">
<p><textarea name="text" rows="4" cols="60" maxlength="5000" required></textarea></p>
<p><input type="password" name="password" placeholder="password" required> <button>Post</button></p>
</form>{{end}}
{{range .Posts}}<article><p>{{.Content}}</p><p><small><a href="{{.ID}}">{{.Published.Format "2 Jan 2006 15:04 MST"}}</a></small></p></article>
{{else}}<p>No posts yet.</p>{{end}}
</html>`))

// post is a published post as the page shows it.
type post struct {
	ID        string
	Content   template.HTML // written by the owner, escaped when posted
	Published time.Time
}

// pages serves the page of posts and the post form; the Federation's
// handler passes it everything it does not serve itself.
func (s *server) pages() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		posts, err := s.recent(r.Context(), 20)
		if err != nil {
			s.cfg.Logger.ErrorContext(r.Context(), "listing posts", "error", err)
			http.Error(w, "cannot list the posts", http.StatusInternalServerError)
			return
		}
		name := s.cfg.Name
		if name == "" {
			name = s.cfg.User
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page.Execute(w, struct {
			Name, Address string
			CanPost       bool
			Posts         []post
		}{name, "@" + s.cfg.User + "@" + s.cfg.Domain, s.cfg.Password != "", posts})
	})
	mux.HandleFunc("POST /post", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 4*maxPost)
		if s.cfg.Password == "" || subtle.ConstantTimeCompare([]byte(r.PostFormValue("password")), []byte(s.cfg.Password)) != 1 {
			http.Error(w, "wrong password", http.StatusForbidden)
			return
		}
		text := strings.TrimSpace(r.PostFormValue("text"))
		if text == "" || len(text) > maxPost {
			http.Error(w, "a post is 1 to 5000 bytes of text", http.StatusBadRequest)
			return
		}
		if err := s.publish(r.Context(), text); err != nil {
			s.cfg.Logger.ErrorContext(r.Context(), "publishing", "error", err)
			http.Error(w, "cannot publish", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	return mux
}

// publish posts text, as public, to the user's followers.
func (s *server) publish(ctx context.Context, text string) error {
	var b strings.Builder
	for _, para := range strings.Split(text, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(para), "\n", "<br>") + "</p>")
		}
	}
	me := s.fed.ActorIRI(s.cfg.User)
	note := vocab.NewNote("", me, b.String(), time.Now())
	note.Address(vocab.VisibilityPublic, s.fed.FollowersIRI(s.cfg.User))
	_, err := s.fed.Publish(ctx, s.cfg.User, note)
	return err
}

// recent returns the user's latest posts, from the outbox the Federation
// keeps in the store.
func (s *server) recent(ctx context.Context, n int) ([]post, error) {
	page, err := s.st.CollectionPage(ctx, s.fed.OutboxIRI(s.cfg.User), "", n)
	if err != nil {
		return nil, err
	}
	var out []post
	for _, id := range page.Items {
		act, err := s.fed.Fetch(ctx, id) // a local IRI: read from the store, no HTTP
		if err != nil || act.Type != vocab.TypeCreate {
			continue // deleted, or not a post
		}
		o := vocab.First(act.Object).Object
		if o == nil {
			if o, err = s.fed.Fetch(ctx, vocab.First(act.Object).ID()); err != nil {
				continue
			}
		}
		out = append(out, post{ID: o.ID, Content: template.HTML(o.Content), Published: o.Published})
	}
	return out, nil
}
