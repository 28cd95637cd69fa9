package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/markdown"
	"github.com/sharefair/sharefair/store"
)

// wideTable is the reported attack: 8,400 characters of table with 1,400
// columns, which once rendered to 19.6 MB.
var wideTable = "|" + strings.Repeat("a|", 1400) + "\n|" + strings.Repeat("-|", 1400) + "\n" + strings.Repeat("a\n", 1400)

// Markdown that would render past a limit is refused on every write that
// renders it, as an invalid body saying the limit, and nothing is written.
func TestPostRenderLimits(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		th := testutil.MustCreateThread(t, db, ann, nil, "Tables", "A first post.")
		as := testutil.As(ann)
		posts, _, err := db.FindPosts(as, th.ID, sharefair.Page{})
		if err != nil || len(posts) != 1 {
			t.Fatalf("posts = %v, %v", posts, err)
		}
		first := posts[0]

		for _, c := range []struct {
			name, body, want string
		}{
			{"WideTable", wideTable, "The post has a table with more than 50 columns."},
			{"DeepQuotes", strings.Repeat(">", 5000), "The post nests quotes or lists more than 16 levels deep."},
			{"ReferenceBomb", "[r]: /" + strings.Repeat("x", 5000) + "\n\n" + strings.Repeat("[a][r]", 100), "reference links"},
			{"ManyMentions", mentions(markdown.MaxMentions + 1), "mentions more than 50 different members"},
		} {
			t.Run(c.name, func(t *testing.T) {
				check := func(what string, err error) {
					t.Helper()
					testutil.AssertCode(t, err, sharefair.EINVALID)
					if f := sharefair.ErrorFields(err); len(f) != 1 || !strings.Contains(f["body"], c.want) {
						t.Errorf("%s: fields = %v, want body: %q", what, f, c.want)
					}
				}
				start := time.Now()
				_, err := db.CreateThread(as, sharefair.NewThread{Title: "Wide", Body: c.body})
				check("CreateThread", err)
				_, err = db.CreatePost(as, th.ID, c.body)
				check("CreatePost", err)
				_, err = db.UpdatePost(as, first.ID, c.body)
				check("UpdatePost", err)
				t.Logf("three refusals in %v", time.Since(start))

				threads, total, err := db.FindThreads(as, sharefair.ThreadFilter{})
				if err != nil || total != 1 || len(threads) != 1 || threads[0].PostCount != 1 {
					t.Errorf("threads = %v (total %d), %v; want only the first, with its one post", threads, total, err)
				}
				posts, _, err := db.FindPosts(as, th.ID, sharefair.Page{})
				if err != nil || len(posts) != 1 || posts[0].Source != first.Source || posts[0].HTML != first.HTML || posts[0].EditedAt != nil {
					t.Errorf("posts = %+v, %v; want the first post unchanged", posts, err)
				}
			})
		}
	})
}

// mentions returns n different @handles.
func mentions(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("@member" + strings.Repeat("x", i%5) + string(rune('a'+i/5%26)) + string(rune('a'+i%26)) + " ")
	}
	return b.String()
}
