package server

import (
	"context"
	"sync/atomic"
)

// unattributedKey holds, in a request's context, the mark that the request
// writes something whose author is hidden (an anonymous post, a post in a
// Chatham House thread).
type unattributedKey struct{}

// withUnattributedMark gives ctx a mark that Unattributed can set.
func withUnattributedMark(ctx context.Context) context.Context {
	return context.WithValue(ctx, unattributedKey{}, new(atomic.Bool))
}

// Unattributed marks the request in ctx as writing content whose author is
// hidden: its log line then leaves out the client's address (the log never
// names the member), so that nothing in the log ties the write to who made
// it. Handlers call it as soon as they know, before or after the write.
func Unattributed(ctx context.Context) {
	if m, ok := ctx.Value(unattributedKey{}).(*atomic.Bool); ok {
		m.Store(true)
	}
}

// isUnattributed reports whether the request in ctx was marked.
func isUnattributed(ctx context.Context) bool {
	m, ok := ctx.Value(unattributedKey{}).(*atomic.Bool)
	return ok && m.Load()
}

// withoutClient returns the log attributes attrs (key, value pairs) without
// the client's address.
func withoutClient(attrs []any) []any {
	out := attrs[:0:0]
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i] != "client" {
			out = append(out, attrs[i], attrs[i+1])
		}
	}
	return out
}
