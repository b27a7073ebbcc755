package vocab_test

import (
	"errors"
	"fmt"

	"github.com/starling-fed/starling/activitypub/vocab"
)

// A bad document fails with a *DecodeError that says what and where.
func ExampleDecodeError() {
	_, err := vocab.Unmarshal([]byte(`{"type":"Note","tag":[{"type":"Mention","id":"/users/bob"}]}`))
	var de *vocab.DecodeError
	if errors.As(err, &de) {
		fmt.Println(errors.Is(err, vocab.ErrInvalidIRI), de.Path)
	}

	// A context that redefines a term the document uses needs JSON-LD.
	_, err = vocab.Unmarshal([]byte(`{
	  "@context": ["https://www.w3.org/ns/activitystreams", {"sensitive": "https://x.example/ns#nsfw"}],
	  "type": "Note", "sensitive": true}`))
	fmt.Println(errors.Is(err, vocab.ErrNeedsJSONLD))
	// Output:
	// true tag[0].id
	// true
}
