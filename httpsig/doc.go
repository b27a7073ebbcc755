// Package httpsig signs and verifies HTTP requests the way fediverse servers
// do: draft-cavage-http-signatures-12, which Mastodon, GoToSocial, Misskey,
// Akkoma and Threads send and expect, and RFC 9421 HTTP Message Signatures,
// which Mastodon verifies since 4.5. It also reads and writes the keys
// actors publish (PEM and FEP-521a Multikey) and the body digests that go
// with signatures (Digest, RFC 3230; Content-Digest, RFC 9530).
//
// The package stands alone: it knows nothing of ActivityPub documents. Keys
// are found through a [KeyResolver] the host provides, typically one that
// fetches the actor named by a key id, wrapped in a [CachingResolver].
//
// To start, put a [Verifier] in front of an inbox and a [Transport] under
// the http.Client that delivers:
//
//	v := &httpsig.Verifier{Resolver: &httpsig.CachingResolver{Resolver: actorKeys}}
//	mux.Handle("POST /users/{name}/inbox", v.Middleware(inbox))
//
//	client := &http.Client{Transport: &httpsig.Transport{
//		Base: safeTransport,
//		Key:  httpsig.SigningKey{KeyID: "https://example.com/users/alice#main-key", Key: privateKey},
//	}}
//
// # Signing
//
// [SignCavage] adds a draft-cavage Signature header to a request, signing
// "(request-target)", "host" and "date", and "digest" for a request with a
// body, whose Digest header ("SHA-256=…", upper case, which Threads
// insists on) it sets. The header names the algorithm "hs2019"; keys are
// RSA (what Mastodon verifies) or Ed25519. Signing goes through
// go-fed/httpsig, each call with its own signer, so it is safe for
// concurrent use.
//
// [SignRFC9421] adds Signature-Input and Signature headers covering
// "@method", "@target-uri" and "date", and for a request with a body
// "content-digest" (set from the body) and "content-type" when present;
// [RFC9421Options] chooses other components, a label, expiry, nonce or tag. [SignResponseRFC9421] signs a
// response. All five RFC 9421 algorithms are supported: rsa-v1_5-sha256,
// rsa-pss-sha512, ecdsa-p256-sha256, ed25519 and hmac-sha256.
//
// [DigestHeader] and [ContentDigest] compute the body digests the two
// families sign; [VerifyDigest] and [VerifyContentDigest] check them.
//
// Most hosts never call these directly: [Transport] calls them for every
// request it sends, GETs included, as servers with authorized fetch require.
//
// # Verifying
//
// [Verifier.Verify] checks an incoming request: it reads the body (at most
// MaxBodyBytes, 1 MiB by default) and puts it back, picks RFC 9421 when the
// request has Signature-Input and draft-cavage otherwise, and returns a
// [Verified] naming the key and its owner. [Verifier.Middleware] wraps a
// handler with it, storing the result for [FromContext] and answering 401
// (413 for a body too large) with a short reason from [PublicReason].
//
// The defaults are Mastodon's rules. For draft-cavage ([CavagePolicy],
// [VerifyCavage]): algorithm "rsa-sha256" or "hs2019" (or none, meaning
// hs2019, verified by the key's type: RSA-SHA256, then RSA-SHA512 as
// GoToSocial may sign, or Ed25519); "(request-target)", "host" and "date"
// (or "(created)") signed, plus "digest" for POST, PUT and PATCH and any
// request with a body; a Digest carrying exactly one SHA-256 value that
// matches the body; a signed
// Content-Length (Akkoma signs it) equal to the body's length; a Date from
// one hour ahead of the clock to 1 h 05 min behind it; "(created)" and
// "(expires)" only with hs2019; and "(request-target)" tried with the query
// string and then without, a quirk some senders need. For RFC 9421
// ([RFC9421Policy], [VerifyRFC9421]): one signature, with keyid and
// created, covering "@method" and "@target-uri", and "content-digest" when
// there is a body. [VerifyResponseRFC9421] checks signed responses.
//
// "@target-uri" needs the scheme the client used, which a server behind a
// TLS-terminating proxy cannot see: set RFC9421Policy.Scheme to "https"
// there. X-Forwarded-Proto, which any client can send, is believed only
// with TrustForwardedProto, and the scheme of an absolute-form request line
// never.
//
// A failure is a [*VerifyError] whose Err wraps one sentinel saying what
// went wrong — [ErrNoSignature], [ErrMalformed], [ErrUnknownAlgorithm],
// [ErrMissingComponent], [ErrMissingHeader], [ErrDigestMismatch],
// [ErrExpired], [ErrNotYetValid], [ErrUnknownKey], [ErrKeyType],
// [ErrBadSignature], [ErrTooManySignatures] or [ErrBodyTooLarge] — for
// errors.Is, or, when the key could not be fetched, the resolver's own
// error, so that an outage is not mistaken for a key that does not exist.
// When a signature fails with a key that came from a
// [Refresher] such as [CachingResolver], the Verifier fetches the key once
// more and retries: the sender may have rotated its key.
//
// # Double-knocking
//
// Peers differ in which family they accept, and say so only by refusing.
// [Transport] signs with RFC 9421 first; when the peer answers 400 or 401,
// or 404 before the host is known (Threads refuses that way), it signs the
// request again with draft-cavage and sends it once more. It remembers per
// host which family worked, so later requests need one round trip; set
// PreferCavage to try draft-cavage first, which saves a round trip with
// most of today's fediverse. The request body is read once (at most
// MaxBodyBytes) and replayed, and every attempt gets a fresh Date and
// signature.
//
// # Keys
//
// [GenerateKey] makes RSA-2048 keys (the default, and what Mastodon
// requires) or Ed25519 and P-256 keys. [ParsePublicKeyPEM] reads the
// publicKeyPem of an actor (SPKI, or PKCS#1 "RSA PUBLIC KEY");
// [ParsePrivateKeyPEM] reads PKCS#8, PKCS#1 and SEC 1 private keys. RSA
// keys larger than [MaxRSABits] are refused, when read and when verified
// with: each verification with one would cost far more than it costs the
// peer to send.
// [MarshalPublicKeyPEM], [MarshalPrivateKeyPEM] and [MarshalRSAPrivateKeyPEM]
// write them. [EncodeMultikey] and [DecodeMultikey] convert Ed25519 and RSA
// public keys to and from the publicKeyMultibase of FEP-521a ("z6Mk…" for
// Ed25519). A [SigningKey] pairs a private key with the key id peers look
// it up by; a [VerificationKey] is what a [KeyResolver] returns: the public
// key and the actor that owns it.
package httpsig
