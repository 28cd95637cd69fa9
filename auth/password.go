// Package auth provides what signing in needs besides storage: password
// hashing with argon2id and rate limits on attempts.
package auth

import (
	"fmt"

	"github.com/alexedwards/argon2id"
)

// HashParams are the argon2id cost settings. Production defaults follow
// OWASP's guidance; tests lower them through the same settings.
type HashParams struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
	// Concurrent bounds how many hashes run at once, so a burst of sign-ins
	// cannot exhaust memory (MemoryKiB each).
	Concurrent int
}

// DefaultHashParams: 19 MiB, 2 iterations, 1 lane (OWASP's argon2id
// minimum), at most 4 hashes at a time.
var DefaultHashParams = HashParams{MemoryKiB: 19 * 1024, Iterations: 2, Parallelism: 1, Concurrent: 4}

// Hasher hashes and verifies passwords. Safe for concurrent use.
type Hasher struct {
	params *argon2id.Params
	slots  chan struct{}
}

// NewHasher returns a Hasher with the given costs.
func NewHasher(p HashParams) *Hasher {
	if p.Concurrent < 1 {
		p.Concurrent = 1
	}
	if p.Parallelism < 1 {
		p.Parallelism = 1
	}
	if p.MemoryKiB < 8*uint32(p.Parallelism) {
		p.MemoryKiB = 8 * uint32(p.Parallelism)
	}
	if p.Iterations < 1 {
		p.Iterations = 1
	}
	return &Hasher{
		params: &argon2id.Params{Memory: p.MemoryKiB, Iterations: p.Iterations, Parallelism: p.Parallelism,
			SaltLength: 16, KeyLength: 32},
		slots: make(chan struct{}, p.Concurrent),
	}
}

// Hash returns the encoded argon2id hash of password.
func (h *Hasher) Hash(password string) (string, error) {
	h.slots <- struct{}{}
	defer func() { <-h.slots }()
	s, err := argon2id.CreateHash(password, h.params)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return s, nil
}

// Verify reports whether password matches an encoded hash.
func (h *Hasher) Verify(password, hash string) (bool, error) {
	h.slots <- struct{}{}
	defer func() { <-h.slots }()
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	return ok, nil
}
