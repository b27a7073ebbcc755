package activitypub

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRevAPIFeaturedLongerThanAPage: every featured post can be reached,
// however many there are: inline while they fit one page, paged after.
func TestRevAPIFeaturedLongerThanAPage(t *testing.T) {
	n := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}}, Configure: func(c *Config) { c.PageSize = 2 }})
	ctx := context.Background()
	alice := n.F.ActorIRI("alice")
	featured := n.F.FeaturedIRI("alice")
	var pinned []string
	for i := range 5 {
		o := note(n.F.ObjectIRI(fmt.Sprintf("pin-%d", i)), alice, publicIRI)
		putLocal(t, n, o)
		_, err := n.Store.AddToCollection(ctx, featured, o.ID)
		require.NoError(t, err)
		pinned = append([]string{o.ID}, pinned...) // newest first
		if i == 1 {
			c := get(t, featured, apAccept, noKey).JSON(t)
			assert.Equal(t, pinned, ids(t, c["orderedItems"]), "one page: inline")
			assert.Nil(t, c["first"])
		}
	}
	c, items, pages := walk(t, featured, noKey)
	assert.EqualValues(t, 5, c["totalItems"])
	assert.Equal(t, pinned, items)
	assert.Equal(t, 3, pages)
	assert.Nil(t, c["orderedItems"], "items are on the pages, not half inline")
	assert.Equal(t, http.StatusOK, get(t, featured+"?page=true", apAccept, noKey).Status)
}
