package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// wideTable is the reported attack: 8,400 characters of table with 1,400
// columns, which once rendered to 19.6 MB.
var wideTable = "|" + strings.Repeat("a|", 1400) + "\n|" + strings.Repeat("-|", 1400) + "\n" + strings.Repeat("a\n", 1400)

// A post that would render past a limit is refused on each form that takes
// one, with the limit said beside the body, the text kept, and nothing saved.
func TestPostRenderLimitsOnForms(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			th := testutil.MustCreateThread(t, s.DB, ann, nil, "Tables", "A first post.")
			posts, _, err := s.DB.FindPosts(testutil.As(ann), th.ID, sharefair.Page{})
			if err != nil || len(posts) != 1 {
				t.Fatalf("posts = %v, %v", posts, err)
			}
			threadPath := "/threads/" + itoa(th.ID)
			editPath := "/posts/" + itoa(posts[0].ID) + "/edit"
			a := s.Browser(t, ann)

			for _, c := range []struct {
				name, body, want string
			}{
				{"WideTable", wideTable, "The post has a table with more than 50 columns."},
				{"DeepQuotes", strings.Repeat("> ", 5000), "The post nests quotes or lists more than 16 levels deep."},
				{"ManyLinks", strings.Repeat("www.example.org ", 600), "The post has more than 500 links and images."},
			} {
				for _, f := range []struct {
					path string
					vals url.Values
				}{
					{"/threads", url.Values{"title": {"Wide"}, "audience": {"network"}, "body": {c.body}}},
					{threadPath + "/posts", url.Values{"body": {c.body}}},
					{editPath, url.Values{"body": {c.body}}},
				} {
					t.Run(c.name+f.path, func(t *testing.T) {
						start := time.Now()
						r := post(t, a, s, f.path, f.vals)
						t.Logf("POST %s refused in %v", f.path, time.Since(start))
						wantStatus(t, r, http.StatusUnprocessableEntity)
						if got := fieldError(r, "body"); got != c.want {
							t.Errorf("beside the body: %q, want %q", got, c.want)
						}
						if got := r.Doc.Find("#f-body").Text(); got != c.body {
							t.Errorf("the form shows back %d characters, want the %d written", len(got), len(c.body))
						}
						if id, _ := r.Doc.Find("#f-body").Attr("aria-describedby"); !strings.Contains(id, "f-body-error") {
							t.Errorf("the body's aria-describedby = %q, want it to point at its error", id)
						}
					})
				}
			}
			threads, total, err := s.DB.FindThreads(testutil.As(ann), sharefair.ThreadFilter{})
			if err != nil || total != 1 || threads[0].PostCount != 1 {
				t.Errorf("threads = %v (total %d), %v; want the first alone, with one post", threads, total, err)
			}
			if got, _ := s.DB.FindPostByID(testutil.As(ann), posts[0].ID); got == nil || got.Source != "A first post." || got.EditedAt != nil {
				t.Errorf("first post = %+v, want it unchanged", got)
			}
		})
	}
}

// itoa writes an id as in a path.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
