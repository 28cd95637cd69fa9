package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestThreadPageReuse checks that a thread page's posts, rendered once and
// reused for other readers, never show anyone a stale post, another
// person's edit links, the wrong time zone, or a thread they may not read.
func TestThreadPageReuse(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			cat := testutil.MustCreateMember(t, s.DB, "cat", sharefair.RoleMember)
			outsider := testutil.MustCreateMember(t, s.DB, "out", sharefair.RoleMember)
			for _, m := range []*sharefair.Member{ann, bob, cat} {
				testutil.MustJoin(t, s.DB, m, rome)
			}
			zone := "Asia/Bangkok"
			if _, err := s.DB.UpdateMember(testutil.As(cat), cat.ID, sharefair.MemberUpdate{TimeZone: &zone}); err != nil {
				t.Fatal(err)
			}
			th := testutil.MustCreateThread(t, s.DB, ann, rome, "Reused", "The *original* words")
			path := "/threads/" + strconv.FormatInt(th.ID, 10)
			a, b, c := s.Browser(t, ann), s.Browser(t, bob), s.Browser(t, cat)

			body := func(c *http.Client) string {
				t.Helper()
				r := get(t, c, s, path+"?page=1")
				wantStatus(t, r, http.StatusOK)
				return r.Doc.Find(".post").First().Text()
			}
			if got := body(b); !strings.Contains(got, "original") || strings.Contains(got, "Edit") {
				t.Fatalf("bob's first view: %q", got)
			}
			// Ann wrote the post: she sees her edit link, though bob's
			// view of the same page was kept.
			if got := body(a); !strings.Contains(got, "Edit") {
				t.Fatalf("ann's view lacks her edit link: %q", got)
			}
			// An edit shows at once.
			posts, _, _ := s.DB.FindPosts(testutil.As(ann), th.ID, sharefair.Page{})
			if _, err := s.DB.UpdatePost(testutil.As(ann), posts[0].ID, "The *revised* words"); err != nil {
				t.Fatal(err)
			}
			if got := body(b); !strings.Contains(got, "revised") || !strings.Contains(got, "(edited)") {
				t.Fatalf("bob sees a stale post after the edit: %q", got)
			}
			// So does the author's new name.
			name := "Ann Renamed"
			if _, err := s.DB.UpdateMember(testutil.As(ann), ann.ID, sharefair.MemberUpdate{Name: &name}); err != nil {
				t.Fatal(err)
			}
			if got := body(b); !strings.Contains(got, "Ann Renamed") {
				t.Fatalf("bob sees the old author name: %q", got)
			}
			// And a reply.
			wantRedirect(t, post(t, c, s, path+"/posts", url.Values{"body": {"A reply from Bangkok"}}), path)
			r := get(t, b, s, path+"?page=1")
			if n := r.Doc.Find(".post").Length(); n != 2 {
				t.Fatalf("bob sees %d posts after a reply, want 2", n)
			}
			// Each writer sees an edit link on their own posts only, though
			// bob's reading of the page is kept.
			get(t, b, s, path+"?page=1")
			for _, tc := range []struct {
				c    *http.Client
				mine int // which post (0 or 1) is theirs
			}{{a, 0}, {c, 1}} {
				posts := get(t, tc.c, s, path+"?page=1").Doc.Find(".post")
				for i := 0; i < 2; i++ {
					edit := posts.Eq(i).Find(`a[href$="/edit"]`).Length() == 1
					if edit != (i == tc.mine) {
						t.Fatalf("post %d shows an edit link: %v, want %v", i, edit, i == tc.mine)
					}
				}
			}
			// Times are shown in each reader's own time zone.
			bobTime := get(t, b, s, path+"?page=1").Doc.Find(".post time").First().Text()
			catTime := get(t, s.Browser(t, cat), s, path+"?page=1").Doc.Find(".post time").First().Text()
			if bobTime == catTime {
				t.Fatalf("UTC and Bangkok readers see the same time %q", bobTime)
			}
			// Someone outside the hub gets nothing, kept or not.
			r = get(t, s.Browser(t, outsider), s, path+"?page=1")
			wantStatus(t, r, http.StatusNotFound)
			if strings.Contains(r.Body, "revised") || strings.Contains(r.Body, "Bangkok") {
				t.Fatal("a page of posts leaked to someone outside the hub")
			}
		})
	}
}

// TestAuthorFirstSharesNothingOfTheirs checks that when a thread's author
// reads its page before anyone else, the rendering kept for other readers
// holds none of what only the author sees.
func TestAuthorFirstSharesNothingOfTheirs(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			th := testutil.MustCreateThread(t, s.DB, ann, nil, "Author first", "Opening words")
			if _, err := s.DB.CreatePost(testutil.As(bob), th.ID, "A reply by bob"); err != nil {
				t.Fatal(err)
			}
			path := "/threads/" + strconv.FormatInt(th.ID, 10)
			for i, tc := range []struct {
				c    *http.Client
				mine int // which post is theirs
			}{{s.Browser(t, ann), 0}, {s.Browser(t, bob), 1}, {s.Browser(t, ann), 0}} {
				posts := get(t, tc.c, s, path+"?page=1").Doc.Find(".post")
				if posts.Length() != 2 {
					t.Fatalf("visit %d: %d posts, want 2", i, posts.Length())
				}
				for j := 0; j < 2; j++ {
					edit := posts.Eq(j).Find(`a[href$="/edit"]`).Length() == 1
					if edit != (j == tc.mine) {
						t.Fatalf("visit %d: post %d shows an edit link: %v, want %v", i, j, edit, j == tc.mine)
					}
				}
			}
		})
	}
}

// TestThreadPageStitchedGzip checks that a thread page whose shared posts
// were compressed once is a valid gzip stream of exactly the page served
// uncompressed, for the reader who shares it and for the author who does
// not, on a cold and a warm cache.
func TestThreadPageStitchedGzip(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			th := testutil.MustCreateThread(t, s.DB, ann, nil, "Stitched", strings.Repeat("Words that *repeat* and compress. ", 40))
			for i := 0; i < 5; i++ {
				if _, err := s.DB.CreatePost(testutil.As(ann), th.ID, "Reply "+strconv.Itoa(i)+": "+strings.Repeat("more words ", 30)); err != nil {
					t.Fatal(err)
				}
			}
			path := "/threads/" + strconv.FormatInt(th.ID, 10)
			fetch := func(c *http.Client, encoding string) (*http.Response, []byte) {
				t.Helper()
				req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
				req.Header.Set("Accept", "text/html")
				req.Header.Set("Accept-Encoding", encoding)
				res, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, err := io.ReadAll(res.Body)
				if err != nil || res.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d, %v", path, res.StatusCode, err)
				}
				return res, b
			}
			for _, m := range []*sharefair.Member{bob, bob, ann, bob} {
				c := s.Browser(t, m)
				c.Transport = &http.Transport{DisableCompression: true}
				_, plain := fetch(c, "identity")
				res, body := fetch(c, "gzip")
				if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
					t.Fatalf("%s: headers %v, want gzip varying on Accept-Encoding", m.Handle, res.Header)
				}
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("%s: %v", m.Handle, err)
				}
				got, err := io.ReadAll(zr) // checks the trailer's checksum and size
				if err != nil {
					t.Fatalf("%s: the gzip stream is broken: %v", m.Handle, err)
				}
				if !bytes.Equal(got, plain) {
					t.Fatalf("%s: the gzipped page differs from the plain one:\n%s\n----\n%s", m.Handle, got, plain)
				}
				if !bytes.Contains(got, []byte("Reply 4")) || !bytes.Contains(got, []byte("</html>")) {
					t.Fatalf("%s: the page is incomplete", m.Handle)
				}
			}
		})
	}
}

// TestThreadPageReuseByModerators checks that a thread's moderators share
// their rendering of its posts (hidden words, moderation links) among
// themselves and never with its readers, in whichever order they come,
// and that a flagger's view is kept for nobody.
func TestThreadPageReuseByModerators(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			cora := testutil.MustCreateMember(t, s.DB, "cora", sharefair.RoleMember)
			fay := testutil.MustCreateMember(t, s.DB, "fay", sharefair.RoleMember)
			for _, m := range []*sharefair.Member{ann, bob, cora, fay} {
				testutil.MustJoin(t, s.DB, m, rome)
			}
			if _, err := s.DB.SetCoordinator(testutil.As(s.Admin), rome.Slug, "cora", true); err != nil {
				t.Fatal(err)
			}
			th := testutil.MustCreateThread(t, s.DB, ann, rome, "Talk", "Kind words.")
			rude, err := s.DB.CreatePost(testutil.As(bob), th.ID, "Rude words.")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.HidePost(testutil.As(cora), rude.ID, sharefair.FlagAbusive); err != nil {
				t.Fatal(err)
			}
			other, err := s.DB.CreatePost(testutil.As(ann), th.ID, "More words.")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.FlagPost(testutil.As(fay), other.ID, sharefair.NewFlag{Reason: sharefair.FlagSpam}); err != nil {
				t.Fatal(err)
			}
			path := "/threads/" + strconv.FormatInt(th.ID, 10)
			reader := testutil.MustCreateMember(t, s.DB, "reader", sharefair.RoleMember)
			testutil.MustJoin(t, s.DB, reader, rome)
			view := func(m *sharefair.Member) string {
				t.Helper()
				r := get(t, s.Browser(t, m), s, path+"?page=1")
				wantStatus(t, r, http.StatusOK)
				main, _ := r.Doc.Find("main").Html()
				return main
			}
			moderates := func(who string, page string, want bool) {
				t.Helper()
				shown := strings.Contains(page, "Rude words.") || strings.Contains(page, `/moderate"`)
				if shown != want {
					t.Errorf("%s's view shows the moderators' (hidden words, moderation links): %v, want %v: %q", who, shown, want, page)
				}
			}
			// Each order: a reader first, then moderators; a moderator
			// first, then readers.
			moderates("reader", view(reader), false)
			moderates("cora", view(cora), true)
			moderates("the admin", view(s.Admin), true)
			moderates("reader", view(reader), false)
			if _, err := s.DB.UpdatePost(testutil.As(ann), other.ID, "More words, edited."); err != nil {
				t.Fatal(err)
			}
			moderates("the admin", view(s.Admin), true)
			moderates("reader", view(reader), false)
			moderates("cora", view(cora), true)
			// The flagger sees their flag; nobody else is told of it.
			if page := view(fay); !strings.Contains(page, "You flagged this post") || strings.Contains(page, "Rude words.") {
				t.Errorf("fay's view: %q", page)
			}
			for who, m := range map[string]*sharefair.Member{"reader": reader, "cora": cora, "bob": bob} {
				if page := view(m); strings.Contains(page, "You flagged this post") {
					t.Errorf("%s is shown fay's flag: %q", who, page)
				}
			}
		})
	}
}
