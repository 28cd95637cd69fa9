package web

import (
	"bytes"
	"context"
	"sync"

	"github.com/sharefair/sharefair"
)

// postsCache keeps pages of posts as rendered HTML, so the readers of a
// busy discussion do not each read and render the same fifty posts.
//
// An entry is the posts of one page of one thread, shown in one time zone,
// at one version of the thread (which grows with every post written or
// edited in it and every change of an author's name). It is used only:
//   - after the store has let this viewer read the thread, so an entry
//     holds nothing but posts the viewer may see, and
//   - for viewers who wrote nothing in the thread: the store shows a
//     post's hidden author, and the edit link, only to the post's author,
//     so for everyone else a page of posts is the same.
type postsCache struct {
	mu      sync.Mutex
	entries map[postsKey]postsEntry
	max     int
}

type postsKey struct {
	thread int64
	page   int
	zone   string
}

type postsEntry struct {
	version int64
	html    string
}

// maxCachedPages bounds the cache: about 50 KB a page of posts.
const maxCachedPages = 2000

func newPostsCache(max int) *postsCache {
	return &postsCache{entries: map[postsKey]postsEntry{}, max: max}
}

// get returns the rendering of a page at a version, if kept.
func (c *postsCache) get(k postsKey, version int64) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || e.version != version {
		return "", false
	}
	return e.html, true
}

// put keeps a rendering, replacing any of an older version.
func (c *postsCache) put(k postsKey, version int64, html string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok && len(c.entries) >= c.max {
		for old := range c.entries { // evict one, arbitrarily
			delete(c.entries, old)
			break
		}
	}
	c.entries[k] = postsEntry{version: version, html: html}
}

// renderPosts renders posts as the thread page shows them.
func renderPosts(ctx context.Context, p page, posts []*sharefair.Post) (string, error) {
	var buf bytes.Buffer
	buf.Grow(1024 * len(posts))
	for _, post := range posts {
		if err := postView(p, post).Render(ctx, &buf); err != nil {
			return "", err
		}
	}
	return buf.String(), nil
}
