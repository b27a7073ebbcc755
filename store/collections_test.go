package store_test

import (
	"context"
	"fmt"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// A collection pages newest first; a client walks it by the opaque Next
// cursor until it is empty.
func ExampleCollections() {
	ctx := context.Background()
	var c store.Collections = memory.New()
	const liked = "https://local.example/users/alice/liked"
	var added []bool
	for _, n := range []string{"a", "b", "c", "b"} { // the second "b" changes nothing
		ok, _ := c.AddToCollection(ctx, liked, "https://remote.example/notes/"+n)
		added = append(added, ok)
	}
	fmt.Println(added)
	for cursor, pages := "", 0; pages == 0 || cursor != ""; pages++ {
		page, err := c.CollectionPage(ctx, liked, cursor, 2)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(page.Items)
		cursor = page.Next
	}
	// Output:
	// [true true true false]
	// [https://remote.example/notes/c https://remote.example/notes/b]
	// [https://remote.example/notes/a]
}
