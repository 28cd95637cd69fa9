package web

import (
	"bytes"
	"context"
	"strings"
	"sync"

	"github.com/sharefair/sharefair"
)

// postsCache keeps pages of posts as rendered HTML, so the readers of a
// busy discussion do not each read and render the same fifty posts.
//
// An entry is the posts of one page of one thread, shown in one time zone,
// at one version of the thread (which grows with every post written or
// edited in it and every change of an author's name, handle or
// organisation, which show beside posts with the avatar drawn from them),
// rendered as they show
// to a reader who wrote none of them. It is used only after the store has
// let this viewer read the thread, so an entry holds nothing but posts the
// viewer may see. The store shows a post's hidden author, and its edit
// link, to the post's author alone; so for a viewer who wrote some of the
// page's posts, those are asked of the store and rendered afresh.
type postsCache struct {
	mu      sync.Mutex
	entries map[postsKey]*postsEntry
	max     int
}

// postsKey names an entry. readers is the thread's ReadersKey, which the
// store's access rules compute: what, beside the version, the rendering
// depends on for the viewer. Viewers whose keys differ never share an
// entry, so one kind of reader's view (a moderator's, with hidden posts'
// words) is never served to another; a viewer whose key is "" (a flagger)
// is rendered for alone and never kept.
type postsKey struct {
	thread  int64
	page    int
	zone    string
	readers string
}

type postsEntry struct {
	version int64
	posts   []renderedPost
	html    string // the posts joined, as the page shows them
	gz      compressedPosts
}

// compressed returns the posts as a piece of a deflate stream (see
// renderStitched), compressed on first use.
func (e *postsEntry) compressed() []byte {
	e.gz.once.Do(func() {
		var b bytes.Buffer
		if err := deflatePiece(&b, []byte(e.html), sharedLevel, false); err != nil {
			panic(err) // writing to memory does not fail
		}
		e.gz.deflate = b.Bytes()
	})
	return e.gz.deflate
}

// renderedPost is one post's HTML.
type renderedPost struct {
	id   int64
	html string
}

// maxCachedPages bounds the cache: about 50 KB a page of posts.
const maxCachedPages = 2000

func newPostsCache(max int) *postsCache {
	return &postsCache{entries: map[postsKey]*postsEntry{}, max: max}
}

// get returns the rendering of a page at a version, if kept. The entry
// is shared: callers must not change it.
func (c *postsCache) get(k postsKey, version int64) (*postsEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || e.version != version {
		return nil, false
	}
	return e, true
}

// put keeps a rendering, replacing any of an older version, and returns
// its entry.
func (c *postsCache) put(k postsKey, version int64, posts []renderedPost) *postsEntry {
	e := &postsEntry{version: version, posts: posts, html: joinPosts(posts, nil)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok && len(c.entries) >= c.max {
		for old := range c.entries { // evict one, arbitrarily
			delete(c.entries, old)
			break
		}
	}
	c.entries[k] = e
	return e
}

// renderPosts renders posts as the thread page shows them.
func renderPosts(ctx context.Context, p page, posts []*sharefair.Post) ([]renderedPost, error) {
	out := make([]renderedPost, len(posts))
	var buf bytes.Buffer
	for i, post := range posts {
		buf.Reset()
		if err := postView(p, post).Render(ctx, &buf); err != nil {
			return nil, err
		}
		out[i] = renderedPost{id: post.ID, html: buf.String()}
	}
	return out, nil
}

// joinPosts puts a page's posts together, with the viewer's own (rendered
// afresh) in place of the shared renderings.
func joinPosts(posts []renderedPost, own []renderedPost) string {
	mine := make(map[int64]string, len(own))
	size := 0
	for _, p := range own {
		mine[p.id] = p.html
	}
	for _, p := range posts {
		size += len(p.html)
	}
	var b strings.Builder
	b.Grow(size + 512*len(own))
	for _, p := range posts {
		if h, ok := mine[p.id]; ok {
			b.WriteString(h)
		} else {
			b.WriteString(p.html)
		}
	}
	return b.String()
}
