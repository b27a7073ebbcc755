package gofedpub

import (
	"encoding/json"
	"fmt"
)

// NotePublished is the publication time CreateNoteJSON writes, so that the
// same arguments always give the same bytes.
const NotePublished = "2026-01-01T00:00:00Z"

// CreateNoteJSON returns a public Create(Note) by actorIRI, as a Mastodon
// server delivers it to a follower's inbox: the Note has the id id, the
// Create the id id+"/activity", both addressed to the public collection
// with the actor's followers in cc.
func CreateNoteJSON(actorIRI, id string) []byte {
	followers := actorIRI + "/followers"
	doc := createDoc{
		Context:   "https://www.w3.org/ns/activitystreams",
		ID:        id + "/activity",
		Type:      "Create",
		Actor:     actorIRI,
		Published: NotePublished,
		To:        []string{publicIRI},
		Cc:        []string{followers},
		Object: noteDoc{
			ID:           id,
			Type:         "Note",
			AttributedTo: actorIRI,
			Published:    NotePublished,
			URL:          id,
			To:           []string{publicIRI},
			Cc:           []string{followers},
			Content:      "<p>Hello, fediverse! This note is a benchmark payload.</p>",
		},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		// Only strings and slices of strings: marshalling cannot fail.
		panic(fmt.Sprintf("gofedpub: marshal Create: %v", err))
	}
	return b
}

const publicIRI = "https://www.w3.org/ns/activitystreams#Public"

type createDoc struct {
	Context   string   `json:"@context"`
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Actor     string   `json:"actor"`
	Published string   `json:"published"`
	To        []string `json:"to"`
	Cc        []string `json:"cc"`
	Object    noteDoc  `json:"object"`
}

type noteDoc struct {
	ID           string   `json:"id"`
	Type         string   `json:"type"`
	AttributedTo string   `json:"attributedTo"`
	Published    string   `json:"published"`
	URL          string   `json:"url"`
	To           []string `json:"to"`
	Cc           []string `json:"cc"`
	Content      string   `json:"content"`
}
