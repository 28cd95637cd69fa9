package web

import "testing"

// TestPostsCacheReadersKey checks that two viewers whose readers keys
// differ never share a rendering, however alike the rest of the key.
func TestPostsCacheReadersKey(t *testing.T) {
	c := newPostsCache(10)
	a := postsKey{thread: 1, page: 1, zone: "UTC", readers: "readers"}
	b := a
	b.readers = "moderator"
	c.put(a, 7, []renderedPost{{id: 1, html: "<p>as readers see it</p>"}})
	if _, ok := c.get(b, 7); ok {
		t.Fatal("a viewer with another readers key was served the entry")
	}
	if e, ok := c.get(a, 7); !ok || e.html == "" {
		t.Fatal("the same key missed its entry")
	}
}
