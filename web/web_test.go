package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/server"
)

// response is a fetched page.
type response struct {
	*http.Response
	Doc  *goquery.Document
	Body string
}

// get fetches a page with c.
func get(t *testing.T, c *http.Client, s *testutil.Server, path string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	req.Header.Set("Accept", "text/html")
	return do(t, c, req)
}

// post submits a form with c, from the site's own origin as a browser would.
func post(t *testing.T, c *http.Client, s *testutil.Server, path string, form url.Values) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Origin", s.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return do(t, c, req)
}

func do(t *testing.T, c *http.Client, req *http.Request) response {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return response{Response: res, Doc: doc, Body: string(b)}
}

func wantStatus(t *testing.T, r response, status int) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, strings.TrimSpace(r.Doc.Find("main").Text()))
	}
}

func wantRedirect(t *testing.T, r response, prefix string) string {
	t.Helper()
	wantStatus(t, r, http.StatusSeeOther)
	loc := r.Header.Get("Location")
	if !strings.HasPrefix(loc, prefix) {
		t.Fatalf("redirect to %q, want %q…", loc, prefix)
	}
	return loc
}

// fieldError returns the message shown beside a form field.
func fieldError(r response, name string) string {
	return strings.TrimSpace(r.Doc.Find("#f-" + name + "-error").Text())
}

// setupForm is the setup form TestSetup sends, with a wrong code.
func setupForm() url.Values {
	return url.Values{"code": {"WRONG"}, "network_name": {"KM Rome"}, "name": {"Ada"}, "handle": {"ada"},
		"email": {"ada@example.org"}, "password": {"a long password"}}
}

// setupFixture starts a network waiting to be set up, with its setup code
// prepared, and (when done) sets it up by the request OK checks.
func setupFixture(t *testing.T, e testutil.Engine, done bool) *testutil.Server {
	t.Helper()
	s := testutil.NewServer(t, e, testutil.WithoutAdmin())
	if ok, err := s.DB.PrepareSetup(context.Background(), "ABCD-EFGH-JKLM"); err != nil || !ok {
		t.Fatalf("PrepareSetup = %v, %v", ok, err)
	}
	if done {
		form := setupForm()
		form.Set("code", "abcd efgh jklm")
		wantRedirectExact(t, post(t, s.Browser(t, nil), s, "/setup", form), "/")
	}
	return s
}

func TestSetup(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			// A network no subtest sets up; those that set it up, or need
			// it set up, start their own (setupFixture).
			s := setupFixture(t, e, false)
			c := s.Browser(t, nil)
			wantRedirect(t, get(t, c, s, "/"), "/setup")
			wantRedirect(t, get(t, c, s, "/signin"), "/setup")
			form := setupForm()

			t.Run("ErrWrongCode", func(t *testing.T) {
				r := post(t, c, s, "/setup", form)
				wantStatus(t, r, http.StatusUnauthorized)
				if fieldError(r, "code") == "" {
					t.Fatal("no error beside the code field")
				}
				if v, _ := r.Doc.Find("#f-network_name").Attr("value"); v != "KM Rome" {
					t.Fatalf("network name not kept: %q", v)
				}
				if v, _ := r.Doc.Find("#f-password").Attr("value"); v != "" {
					t.Fatal("password echoed back")
				}
			})
			t.Run("ErrInvalid", func(t *testing.T) {
				bad := url.Values{"code": {"ABCD-EFGH-JKLM"}, "network_name": {" "}, "handle": {"a"}, "email": {"x"}, "password": {"short"}}
				r := post(t, c, s, "/setup", bad)
				wantStatus(t, r, http.StatusUnprocessableEntity)
				for _, f := range []string{"network_name", "name", "handle", "email", "password"} {
					if fieldError(r, f) == "" {
						t.Errorf("no error beside %s", f)
					}
					if _, ok := r.Doc.Find("#f-" + f).Attr("aria-invalid"); !ok {
						t.Errorf("%s not marked aria-invalid", f)
					}
				}
			})
			t.Run("OK", func(t *testing.T) {
				s := setupFixture(t, e, false)
				c := s.Browser(t, nil)
				form := setupForm()
				form.Set("code", "abcd efgh jklm")
				r := post(t, c, s, "/setup", form)
				wantRedirectExact(t, r, "/")
				r = get(t, c, s, "/")
				wantStatus(t, r, http.StatusOK)
				if got := r.Doc.Find(".brand").Text(); got != "KM Rome" {
					t.Fatalf("brand = %q", got)
				}
			})
			t.Run("ErrAlreadySetUp", func(t *testing.T) {
				s := setupFixture(t, e, true)
				form := setupForm()
				form.Set("code", "abcd efgh jklm")
				wantRedirect(t, get(t, s.Browser(t, nil), s, "/setup"), "/signin")
				r := post(t, s.Browser(t, nil), s, "/setup", form)
				wantStatus(t, r, http.StatusConflict)
			})
		})
	}
}

func TestSignIn(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e, testutil.WithSignInRates(auth.Rate{Events: 3, Per: time.Hour}, auth.Rate{Events: 100, Per: time.Hour}))
			testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			c := s.Browser(t, nil)
			wantRedirect(t, get(t, c, s, "/threads"), "/signin?next=%2Fthreads")

			r := post(t, c, s, "/signin", url.Values{"email": {"bob@example.org"}, "password": {"wrong"}, "next": {"/threads"}})
			wantStatus(t, r, http.StatusUnauthorized)
			if !strings.Contains(r.Doc.Find(".problem").Text(), "do not match") {
				t.Fatalf("problem = %q", r.Doc.Find(".problem").Text())
			}
			if v, _ := r.Doc.Find("#f-email").Attr("value"); v != "bob@example.org" {
				t.Fatalf("email not kept: %q", v)
			}

			// A stale session cookie is replaced at sign-in: the session id
			// is renewed.
			old := "stale-session-id"
			u, _ := url.Parse(s.URL)
			c.Jar.SetCookies(u, []*http.Cookie{{Name: server.SessionCookie, Value: old, Path: "/"}})
			r = post(t, c, s, "/signin", url.Values{"email": {"BOB@example.org"}, "password": {"correct horse battery"}, "next": {"/threads"}})
			wantRedirect(t, r, "/threads")
			var sc *http.Cookie
			for _, ck := range r.Cookies() {
				if ck.Name == server.SessionCookie {
					sc = ck
				}
			}
			if sc == nil || sc.Value == old || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Secure {
				t.Fatalf("session cookie = %+v", sc)
			}
			wantStatus(t, get(t, c, s, "/threads"), http.StatusOK)

			t.Run("OffSiteNextIgnored", func(t *testing.T) {
				r := post(t, s.Browser(t, nil), s, "/signin", url.Values{"email": {"bob@example.org"}, "password": {"correct horse battery"}, "next": {"//evil.example/x"}})
				if loc := r.Header.Get("Location"); loc != "/" {
					t.Fatalf("redirect to %q, want /", loc)
				}
			})
			t.Run("SignOut", func(t *testing.T) {
				wantRedirect(t, post(t, c, s, "/signout", nil), "/signin")
				wantRedirect(t, get(t, c, s, "/threads"), "/signin")
			})
			t.Run("RateLimited", func(t *testing.T) {
				// A browser that never signed in as bob guesses; with the
				// wrong password above, that makes three.
				guesser := s.Browser(t, nil)
				for i := 0; i < 2; i++ {
					wantStatus(t, post(t, guesser, s, "/signin", url.Values{"email": {"bob@example.org"}, "password": {"wrong"}}),
						http.StatusUnauthorized)
				}
				r := post(t, guesser, s, "/signin", url.Values{"email": {"bob@example.org"}, "password": {"correct horse battery"}})
				wantStatus(t, r, http.StatusTooManyRequests)
				if r.Header.Get("Retry-After") == "" {
					t.Fatal("no Retry-After")
				}
				// Bob's own browser signed in before: it is not locked out.
				wantRedirect(t, post(t, c, s, "/signin", url.Values{"email": {"bob@example.org"}, "password": {"correct horse battery"}}), "/")
				s.Clock.Advance(time.Hour)
				wantRedirect(t, post(t, guesser, s, "/signin", url.Values{"email": {"bob@example.org"}, "password": {"correct horse battery"}}), "/")
			})
		})
	}
}

func TestInvitationFlow(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			coord := testutil.MustCreateMember(t, s.DB, "coord", sharefair.RoleMember)
			if _, err := s.DB.SetCoordinator(testutil.As(s.Admin), rome.Slug, "coord", true); err != nil {
				t.Fatal(err)
			}
			c := s.Browser(t, coord)

			r := post(t, c, s, "/invitations", url.Values{"email": {"not an email"}, "hub": {"rome"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "email") == "" {
				t.Fatal("no error beside email")
			}
			wantRedirect(t, post(t, c, s, "/invitations", url.Values{"email": {"Carla@example.org"}, "hub": {"rome"}}), "/invitations")
			r = get(t, c, s, "/invitations")
			flash := r.Doc.Find(".flash").Text()
			i := strings.Index(flash, s.URL+"/join/")
			if i < 0 {
				t.Fatalf("flash has no absolute invitation link: %q", flash)
			}
			link := strings.Fields(flash[i:])[0]
			if !strings.Contains(r.Doc.Find("table").Text(), "carla@example.org") {
				t.Fatal("invitation not listed")
			}
			if get(t, c, s, "/invitations").Doc.Find(".flash").Length() != 0 {
				t.Fatal("flash shown twice")
			}

			guest := s.Browser(t, nil)
			path := strings.TrimPrefix(link, s.URL)
			r = get(t, guest, s, path)
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(r.Doc.Find("main").Text(), "carla@example.org") {
				t.Fatal("join page does not name the invited address")
			}
			r = post(t, guest, s, path, url.Values{"name": {"Carla"}, "handle": {"coord"}, "password": {"long enough pw"}})
			wantStatus(t, r, http.StatusConflict)
			if fieldError(r, "handle") == "" {
				t.Fatal("taken handle not shown beside the field")
			}
			wantRedirect(t, post(t, guest, s, path, url.Values{"name": {"Carla"}, "handle": {"carla"}, "password": {"long enough pw"}}), "/welcome")
			r = get(t, guest, s, "/members/carla")
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(r.Doc.Find(".facts").Text(), "Rome") {
				t.Fatal("new member is not in the hub they were invited to")
			}
			wantStatus(t, get(t, s.Browser(t, nil), s, path), http.StatusNotFound)
		})
	}
}

func TestDiscussions(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			testutil.MustJoin(t, s.DB, ann, rome)
			a, b := s.Browser(t, ann), s.Browser(t, bob)

			r := post(t, a, s, "/threads", url.Values{"title": {""}, "audience": {"hub:rome"}, "body": {"Kept *text*"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "title") == "" || r.Doc.Find("#f-body").Text() != "Kept *text*" {
				t.Fatalf("title error %q, body kept %q", fieldError(r, "title"), r.Doc.Find("#f-body").Text())
			}
			if v, _ := r.Doc.Find("#f-audience option[selected]").Attr("value"); v != "hub:rome" {
				t.Fatalf("audience not kept: %q", v)
			}
			r = post(t, b, s, "/threads", url.Values{"title": {"x"}, "audience": {"hub:rome"}, "body": {"y"}})
			wantStatus(t, r, http.StatusForbidden)
			if fieldError(r, "audience") == "" {
				t.Fatal("no error beside audience for a hub the member has not joined")
			}

			loc := wantRedirect(t, post(t, a, s, "/threads", url.Values{"title": {"Venue for the next meetup"}, "audience": {"hub:rome"},
				"body": {"Somewhere near *Termini*? cc @bob"}}), "/threads/")
			threadPath := loc
			r = get(t, a, s, threadPath)
			wantStatus(t, r, http.StatusOK)
			if r.Doc.Find("h1").Text() != "Venue for the next meetup" || r.Doc.Find(".post em").Text() != "Termini" {
				t.Fatalf("thread page: %s", r.Doc.Find("main").Text())
			}
			if href, _ := r.Doc.Find(".post a.mention").Attr("href"); href != "/members/bob" {
				t.Fatalf("mention link = %q", href)
			}

			// Bob is not in the hub: the thread does not exist for him.
			for _, p := range []string{threadPath, threadPath + "/edit", "/posts/1", "/posts/1/edit"} {
				wantStatus(t, get(t, b, s, p), http.StatusNotFound)
			}
			r = post(t, b, s, threadPath+"/posts", url.Values{"body": {"let me in"}})
			wantStatus(t, r, http.StatusNotFound)
			for _, p := range []string{"/", "/threads", "/hubs/rome", "/members/ann"} {
				r := get(t, b, s, p)
				wantStatus(t, r, http.StatusOK)
				if strings.Contains(r.Body, "Venue for the next meetup") || strings.Contains(r.Body, threadPath+`"`) {
					t.Fatalf("%s leaks the hub thread to a non-member", p)
				}
			}
			if strings.Contains(get(t, b, s, "/hubs/rome").Doc.Find(".pages").Text(), "2") {
				t.Fatal("hub page shows pagination of hidden threads")
			}
			r = get(t, s.Browser(t, s.Admin), s, threadPath)
			wantStatus(t, r, http.StatusOK)

			// Replies, pagination and editing.
			for i := 0; i < sharefair.PostsPerPage; i++ {
				if _, err := s.DB.CreatePost(testutil.As(ann), threadIDFrom(t, threadPath), "reply "+strconv.Itoa(i)); err != nil {
					t.Fatal(err)
				}
			}
			r = post(t, a, s, threadPath+"/posts", url.Values{"body": {"  "}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "body") == "" {
				t.Fatal("empty reply not refused beside the field")
			}
			loc = wantRedirect(t, post(t, a, s, threadPath+"/posts", url.Values{"body": {"The **last** word"}}), threadPath+"?page=2#p")
			r = get(t, a, s, strings.Split(loc, "#")[0])
			wantStatus(t, r, http.StatusOK)
			if n := r.Doc.Find(".post").Length(); n != 2 {
				t.Fatalf("page 2 has %d posts, want 2", n)
			}
			if r.Doc.Find(".pages [aria-current]").First().Text() != "2" {
				t.Fatal("pagination does not mark page 2")
			}
			wantStatus(t, get(t, a, s, threadPath+"?page=3"), http.StatusNotFound)

			last := r.Doc.Find(".post").Last()
			id, _ := last.Attr("id")
			editPath := "/posts/" + strings.TrimPrefix(id, "p") + "/edit"
			r = get(t, a, s, editPath)
			if r.Doc.Find("#f-body").Text() != "The **last** word" {
				t.Fatalf("edit form source = %q", r.Doc.Find("#f-body").Text())
			}
			wantStatus(t, get(t, s.Browser(t, s.Admin), s, editPath), http.StatusForbidden)
			wantRedirect(t, post(t, a, s, editPath, url.Values{"body": {"The *final* word"}}), threadPath+"?page=2#"+id)
			r = get(t, a, s, threadPath+"?page=2")
			edited := r.Doc.Find("#" + id)
			if edited.Find(".edited").Length() != 1 || edited.Find("em").Text() != "final" {
				t.Fatalf("edited post: %s", edited.Text())
			}

			wantRedirect(t, post(t, a, s, threadPath+"/edit", url.Values{"title": {"Venue: Trastevere"}}), threadPath)
			if get(t, a, s, threadPath).Doc.Find("h1").Text() != "Venue: Trastevere" {
				t.Fatal("title not changed")
			}
		})
	}
}

func threadIDFrom(t *testing.T, path string) int64 {
	t.Helper()
	var id int64
	for _, c := range strings.TrimPrefix(path, "/threads/") {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + int64(c-'0')
	}
	if id == 0 {
		t.Fatalf("no thread id in %q", path)
	}
	return id
}
