package gofed_test

// gofedCannot lists the corpus documents go-fed v1.0.0 fails to parse, and
// why. TestOracle asserts that each still fails, so the list stays honest.
var gofedCannot = map[string]string{
	"akkoma-emojireact":  "EmojiReact is not in go-fed's generated vocabulary",
	"generic-no-context": "streams.ToType refuses a document without @context",
}

// vocabRefuses lists the corpus documents vocab declines to read, even with
// JSON-LD normalization, and why. go-fed reads them, ignoring "@context",
// and so misreads them.
var vocabRefuses = map[string]string{
	"generic-unknown-context": "its context URL is neither known nor embedded, and is never fetched; " +
		"it maps icon to another IRI, which go-fed would take for as:icon",
}
