// Package vocab is the Activity Streams 2.0 vocabulary as plain Go types,
// with the extensions that federating servers actually send (Mastodon,
// GoToSocial, Misskey, Akkoma, Pixelfed, Lemmy, PeerTube, Threads).
//
// It depends on the standard library only.
package vocab
