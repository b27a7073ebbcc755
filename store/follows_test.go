package store_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/starling-fed/starling/store"
)

func TestFollowDeliveryInbox(t *testing.T) {
	f := store.Follow{Inbox: "https://a.example/users/x/inbox"}
	assert.Equal(t, f.Inbox, f.DeliveryInbox())
	f.SharedInbox = "https://a.example/inbox"
	assert.Equal(t, f.SharedInbox, f.DeliveryInbox())
}

func TestFollowStateValid(t *testing.T) {
	assert.True(t, store.FollowPending.Valid())
	assert.True(t, store.FollowAccepted.Valid())
	assert.False(t, store.FollowState("").Valid())
	assert.False(t, store.FollowState("rejected").Valid())
}
