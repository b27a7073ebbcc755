package safehttp

import (
	"fmt"
	"io"
	"math"
)

// LimitBody wraps body so that reading past limit bytes fails with an
// error wrapping [ErrBodyTooLarge] instead of returning the excess. A
// limit of zero or less returns body unchanged.
func LimitBody(body io.ReadCloser, limit int64) io.ReadCloser {
	if limit <= 0 {
		return body
	}
	return &limitedBody{rc: body, limit: limit, left: limit}
}

type limitedBody struct {
	rc    io.ReadCloser
	limit int64
	left  int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.tooLarge()
	}
	// Read one byte beyond the limit so a body of exactly limit bytes passes
	// and a longer one is detected.
	if b.left < math.MaxInt64 && int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		n = int(b.left)
		b.left = -1
		return n, b.tooLarge()
	}
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) tooLarge() error {
	return fmt.Errorf("%w (limit %d bytes)", ErrBodyTooLarge, b.limit)
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// ReadAll reads r to the end, failing with an error wrapping
// [ErrBodyTooLarge] once more than limit bytes arrive. A limit of zero or
// less means no limit.
func ReadAll(r io.Reader, limit int64) ([]byte, error) {
	if limit <= 0 || limit == math.MaxInt64 {
		return io.ReadAll(r)
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return data, err
	}
	if int64(len(data)) > limit {
		return data[:limit], fmt.Errorf("%w (limit %d bytes)", ErrBodyTooLarge, limit)
	}
	return data, nil
}
