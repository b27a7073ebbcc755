package gofed_test

// gofedCannot lists the corpus documents go-fed v1.0.0 fails to parse, and
// why. TestOracle asserts that each still fails, so the list stays honest.
var gofedCannot = map[string]string{
	"akkoma-emojireact":  "EmojiReact is not in go-fed's generated vocabulary",
	"generic-no-context": "streams.ToType refuses a document without @context",
}
