package web_test

import (
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/prose"
	"github.com/sharefair/sharefair/internal/testutil"
)

// Page weight budgets from the product's promise to slow connections:
// what a member downloads, gzipped, including the stylesheet and the icon
// sprite.
const (
	pageBudget = 30 << 10 // home, hub, first page of a 200-reply thread
	// Every page of that thread, read by a member who wrote none of it,
	// with the stylesheet and the icon sprite counted once. It was 60 KiB
	// until every post offered its readers a Flag link, about 4 bytes
	// gzipped a post.
	threadBudget = 62 << 10
	// The same for a member who wrote on every page: their pages are
	// rendered for them alone and compressed fast, at about 1.3 KiB more a
	// page (web/gzpage.go), a price of the server's throughput.
	authorThreadBudget = 68 << 10
)

// gzipSize fetches path as a browser that accepts gzip and returns the
// bytes on the wire.
func gzipSize(t *testing.T, c *http.Client, s *testutil.Server, path string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("GET %s: not gzipped (Content-Encoding %q)", path, res.Header.Get("Content-Encoding"))
	}
	return len(b)
}

func TestPageWeight(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			rng := rand.New(rand.NewPCG(1, 2))
			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			testutil.MustCreateHub(t, s.DB, s.Admin, "Nairobi")
			var members []*sharefair.Member
			var handles []string
			for i := 0; i < 30; i++ {
				m := testutil.MustCreateMember(t, s.DB, "member"+strconv.Itoa(i), sharefair.RoleMember)
				testutil.MustJoin(t, s.DB, m, rome)
				members, handles = append(members, m), append(handles, m.Handle)
			}
			for i := 0; i < 25; i++ {
				hub := rome
				if i%2 == 0 {
					hub = nil
				}
				testutil.MustCreateThread(t, s.DB, members[i], hub, prose.Title(rng), prose.Post(rng, 500, handles))
			}
			written := []string{prose.Post(rng, 500, handles)}
			long := testutil.MustCreateThread(t, s.DB, members[0], rome, "What would you do facing this, in my context?", written[0])
			for i := 0; i < 200; i++ {
				written = append(written, prose.Post(rng, 500, handles))
				if _, err := s.DB.CreatePost(testutil.As(members[i%len(members)]), long.ID, written[i+1]); err != nil {
					t.Fatal(err)
				}
			}
			// The weights are honest only if the posts compress as
			// members' writing does.
			for _, part := range []struct {
				name  string
				posts []string
			}{{"first page", written[:sharefair.PostsPerPage]}, {"whole thread", written}} {
				if r := prose.Ratio(strings.Join(part.posts, "\n\n")); r > prose.MaxRatio {
					t.Fatalf("the thread's %s compresses %.2f:1 with gzip, better than English's %.0f:1", part.name, r, prose.MaxRatio)
				}
			}

			// Two readers: a member of the hub who wrote none of the
			// thread, as most of its readers are, whose pages stitch in the
			// shared posts compressed once and hard; and one who wrote on
			// every page, whose pages are rendered for them alone and
			// compressed fast (web/gzpage.go). Both stay within the page
			// budget; the whole thread's budget is the first reader's.
			reader := testutil.MustCreateMember(t, s.DB, "reader", sharefair.RoleMember)
			testutil.MustJoin(t, s.DB, reader, rome)
			thread := "/threads/" + strconv.FormatInt(long.ID, 10)
			pages := sharefair.PageCount(201, sharefair.PostsPerPage)
			var home response
			for _, v := range []struct {
				name   string
				m      *sharefair.Member
				budget int
			}{{"a reader", reader, threadBudget}, {"an author on every page", members[1], authorThreadBudget}} {
				c := s.Browser(t, v.m)
				c.Transport = &http.Transport{DisableCompression: true}
				home = get(t, c, s, "/")
				// The stylesheet and the icon sprite, fetched once and kept.
				css, _ := home.Doc.Find(`link[rel="stylesheet"]`).Attr("href")
				sprite, _ := home.Doc.Find(`svg.icon use`).Attr("href")
				sprite, _, _ = strings.Cut(sprite, "#")
				if css == "" || sprite == "" {
					t.Fatalf("the home page links no stylesheet (%q) or no icon sprite (%q)", css, sprite)
				}
				cssSize := gzipSize(t, c, s, css) + gzipSize(t, c, s, sprite)
				for _, p := range []string{"/", "/hubs/rome", thread + "?page=1"} {
					n := gzipSize(t, c, s, p)
					t.Logf("%s, for %s: %d bytes gzipped + %d stylesheet and icons", p, v.name, n, cssSize)
					if n+cssSize > pageBudget {
						t.Errorf("%s weighs %d bytes for %s with its stylesheet and icons, over the %d budget", p, n+cssSize, v.name, pageBudget)
					}
				}
				total := cssSize
				for n := 1; n <= pages; n++ {
					path := thread + "?page=" + strconv.Itoa(n)
					total += gzipSize(t, c, s, path)
				}
				t.Logf("whole thread (%d pages), for %s: %d bytes gzipped with the stylesheet and icons", pages, v.name, total)
				if total > v.budget {
					t.Errorf("reading the whole thread weighs %d bytes for %s, over the %d budget", total, v.name, v.budget)
				}
			}
			c := s.Browser(t, reader)
			// The thread really holds what was measured.
			last := get(t, c, s, thread+"?page="+strconv.Itoa(pages))
			if got := last.Doc.Find(".post").Length(); got != 201-(pages-1)*sharefair.PostsPerPage {
				t.Fatalf("last page has %d posts", got)
			}
			if !strings.Contains(home.Body, "What would you do facing this") {
				t.Fatal("home page does not list the long thread")
			}
		})
	}
}
