package web_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/internal/testutil"
)

// syncBuffer is a log sink the server writes from its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// requestLine waits for the log line of the request with X-Request-Id id
// (the server logs it once the response is written).
func requestLine(t *testing.T, logs *syncBuffer, id string) string {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "request_id="+id) && strings.Contains(l, "msg=request") {
				return l
			}
		}
	}
	t.Fatalf("no log line for request %s in:\n%s", id, logs.String())
	return ""
}

// The sentinel's identity: none of it may show where their authorship is
// hidden.
var sentinel = struct{ name, handle, org, email string }{
	"Zyxwarbleton Sentinel", "zyxsentinel", "Quorvex Holdings", "zyx.sentinel@quorvex.example"}

var sentinelRE = regexp.MustCompile(`(?i)zyxwarbleton|zyxsentinel|quorvex|Sentinel`)

// wantNoSentinel fails if the sentinel shows in a response's body or headers.
func wantNoSentinel(t *testing.T, what string, header http.Header, body string) {
	t.Helper()
	if m := sentinelRE.FindString(body); m != "" {
		i := strings.Index(body, m)
		t.Errorf("%s: body shows %q: …%s…", what, m, body[max(0, i-200):min(len(body), i+100)])
	}
	for k, vs := range header {
		for _, v := range vs {
			if sentinelRE.MatchString(v) {
				t.Errorf("%s: header %s shows the sentinel: %q", what, k, v)
			}
		}
	}
}

// TestAttributionHidesAuthor: a sentinel member writes an anonymous reply,
// starts a Chatham House thread and posts in another; every page and API
// answer that shows those posts, to another member, a coordinator and a
// network admin, holds nothing of the sentinel, while the sentinel sees
// their own posts as theirs. Pseudonyms follow the order of first posts,
// stay stable within a thread and differ across threads; times of hidden
// posts are given to the day. The request log does not tie those writes to
// a client address.
func TestAttributionHidesAuthor(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			logs := &syncBuffer{}
			s := testutil.NewServer(t, e, testutil.WithConfig(func(c *app.Config) {
				c.Logger = slog.New(slog.NewTextHandler(logs, nil))
			}))
			// The sentinel writes at 16:49 UTC, others at other times, so
			// that a time of day of theirs would show.
			s.Clock.T = time.Date(2026, 3, 5, 14, 37, 21, 0, time.UTC)
			atSentinelTime := func() { s.Clock.T = time.Date(2026, 3, 5, 16, 49, 7, 0, time.UTC) }
			atOtherTime := func() { s.Clock.T = time.Date(2026, 3, 5, 17, 5, 0, 0, time.UTC) }
			sent, err := s.DB.CreateMember(testutil.Operator(), sharefair.NewMember{Email: sentinel.email,
				Handle: sentinel.handle, Name: sentinel.name, Password: "correct horse battery", Role: sharefair.RoleMember})
			if err != nil {
				t.Fatal(err)
			}
			org := sentinel.org
			if sent, err = s.DB.UpdateMember(testutil.As(sent), sent.ID, sharefair.MemberUpdate{Organisation: &org}); err != nil {
				t.Fatal(err)
			}
			other := mustMember(t, s, "olive", "Olive Other")
			coord := mustMember(t, s, "cora", "Cora Coordinator")
			hub := testutil.MustCreateHub(t, s.DB, s.Admin, "Harbour")
			for _, m := range []*sharefair.Member{sent, other, coord} {
				testutil.MustJoin(t, s.DB, m, hub)
			}
			if _, err := s.DB.SetCoordinator(testutil.As(s.Admin), hub.Slug, coord.Handle, true); err != nil {
				t.Fatal(err)
			}
			named := testutil.MustCreateThread(t, s.DB, other, nil, "Named thread", "Olive opens, under her name.")
			me := s.Browser(t, sent)

			// An anonymous reply, through the form.
			atSentinelTime()
			r := post(t, me, s, "/threads/"+itoa(named.ID)+"/posts", url.Values{"body": {"An anonymous word."}, "attribution": {"anonymous"}})
			anonLoc := wantRedirect(t, r, "/threads/"+itoa(named.ID))
			anonPost := anonLoc[strings.Index(anonLoc, "#p")+2:]
			line := requestLine(t, logs, r.Header.Get("X-Request-Id"))
			if strings.Contains(line, "client=") || strings.Contains(line, "127.0.0.1") || !strings.Contains(line, "unattributed=true") {
				t.Errorf("the anonymous write's log line ties it to a client: %s", line)
			}
			// While it is the latest post, the thread's latest activity is
			// given to the day.
			if r := get(t, s.Browser(t, coord), s, "/threads"); strings.Contains(r.Body, "16:49") || !strings.Contains(r.Body, `datetime="2026-03-05"`) {
				t.Errorf("the list gives the anonymous reply's time of day as the latest activity")
			}
			if _, body := apiGet(t, s, s.Token(t, coord), "/threads/"+itoa(named.ID)); !strings.Contains(body, `"last_activity_at":"2026-03-05T00:00:00Z"`) {
				t.Errorf("the API gives the anonymous reply's time as the latest activity: %s", body)
			}
			// A named write is logged with its client, as before.
			atOtherTime()
			r = post(t, s.Browser(t, other), s, "/threads/"+itoa(named.ID)+"/posts", url.Values{"body": {"Olive again."}})
			wantRedirect(t, r, "/threads/"+itoa(named.ID))
			if line := requestLine(t, logs, r.Header.Get("X-Request-Id")); !strings.Contains(line, "client=127.0.0.1") {
				t.Errorf("a named write's log line lost its client: %s", line)
			}

			// A Chatham House thread for the hub, started by the sentinel
			// through the form.
			atSentinelTime()
			r = post(t, me, s, "/threads", url.Values{"title": {"Frank talk"}, "audience": {"hub:" + hub.Slug},
				"rule": {"chatham"}, "attribution": {"named"}, "body": {"First words under the rule."}})
			chPath := wantRedirect(t, r, "/threads/")
			ch := threadIDFrom(t, chPath)
			chPath = "/threads/" + itoa(ch)
			if line := requestLine(t, logs, r.Header.Get("X-Request-Id")); strings.Contains(line, "client=") {
				t.Errorf("the Chatham House thread's log line ties it to a client: %s", line)
			}
			atOtherTime()
			r = post(t, s.Browser(t, other), s, "/threads/"+itoa(ch)+"/posts", url.Values{"body": {"Olive answers."}})
			wantRedirect(t, r, chPath)
			if line := requestLine(t, logs, r.Header.Get("X-Request-Id")); strings.Contains(line, "client=") {
				t.Errorf("a reply in a Chatham House thread ties it to a client: %s", line)
			}
			atSentinelTime()
			for _, p := range []struct{ body, attr string }{{"Back again, still under the rule.", ""}, {"Said with no pseudonym.", "anonymous"}} {
				r = post(t, me, s, "/threads/"+itoa(ch)+"/posts", url.Values{"body": {p.body}, "attribution": {p.attr}})
				wantRedirect(t, r, chPath)
			}
			// A second Chatham House thread where the sentinel speaks second.
			atOtherTime()
			r = post(t, s.Browser(t, other), s, "/threads", url.Values{"title": {"Second frank talk"}, "audience": {"network"},
				"rule": {"chatham"}, "body": {"Olive first here."}})
			ch2Path := wantRedirect(t, r, "/threads/")
			ch2 := threadIDFrom(t, ch2Path)
			ch2Path = "/threads/" + itoa(ch2)
			atSentinelTime()
			r = post(t, me, s, "/threads/"+itoa(ch2)+"/posts", url.Values{"body": {"Second voice here."}})
			atOtherTime()
			wantRedirect(t, r, ch2Path)

			// What others see.
			pages := []string{"/", "/threads", "/threads/" + itoa(named.ID) + "?page=1", chPath + "?page=1", ch2Path + "?page=1",
				"/members/" + other.Handle, "/members/" + coord.Handle, "/posts/" + anonPost}
			apis := []string{"/threads", "/threads/" + itoa(named.ID), "/threads/" + itoa(named.ID) + "/posts",
				"/threads/" + itoa(ch), "/threads/" + itoa(ch) + "/posts", "/threads/" + itoa(ch2) + "/posts",
				"/hubs/" + hub.Slug + "/threads", "/posts/" + anonPost}
			for _, v := range []*sharefair.Member{other, coord, s.Admin} {
				c := s.Browser(t, v)
				for _, p := range pages {
					r := get(t, c, s, p)
					if !strings.HasPrefix(p, "/posts/") {
						wantStatus(t, r, 200)
					}
					wantNoSentinel(t, v.Handle+" GET "+p, r.Header, r.Body)
					if strings.Contains(r.Body, "16:49") || strings.Contains(r.Body, "T16:49") {
						t.Errorf("%s GET %s shows a hidden post's time of day", v.Handle, p)
					}
				}
				// The hub's page lists the sentinel as a member, which
				// they are, but its discussions show nothing of them.
				r := get(t, c, s, "/hubs/"+hub.Slug)
				wantStatus(t, r, 200)
				if r.Doc.Find("ul.threads").Length() != 1 {
					t.Fatalf("the hub page lists no discussions")
				}
				threads, _ := r.Doc.Find("ul.threads").Html()
				wantNoSentinel(t, v.Handle+" hub discussions", nil, threads)
				// The sentinel's profile lists none of the discussions.
				r = get(t, c, s, "/members/"+sent.Handle)
				for _, title := range []string{"Named thread", "Frank talk"} {
					if strings.Contains(r.Body, title) {
						t.Errorf("%s sees %q on the sentinel's profile", v.Handle, title)
					}
				}
				token := s.Token(t, v)
				for _, p := range apis {
					h, body := apiGet(t, s, token, p)
					wantNoSentinel(t, v.Handle+" API "+p, h, body)
					if strings.Contains(body, "T16:49") {
						t.Errorf("%s API %s shows a hidden post's time of day", v.Handle, p)
					}
					if strings.Contains(body, strconv.Quote(itoa(sent.ID))) || strings.Contains(body, `"id":`+itoa(sent.ID)+`,"handle"`) {
						t.Errorf("%s API %s shows the sentinel's id", v.Handle, p)
					}
				}
				// Pseudonyms, to any reader: the sentinel is Participant 1
				// then Participant 2 in the other thread; the anonymous
				// post has none.
				olive := map[bool]string{true: "You, as ", false: ""}[v == other]
				r = get(t, c, s, chPath)
				wantSignatures(t, r.Doc.Find(".post .by > span").Map(trimText), "Participant 1", olive+"Participant 2", "Participant 1", "Anonymous")
				if !strings.Contains(r.Doc.Find(".thread-head").Text(), "Chatham House rule") {
					t.Errorf("the thread page does not say it is under the Chatham House rule")
				}
				if !strings.Contains(get(t, c, s, "/threads").Body, "Chatham House rule") {
					t.Errorf("the list does not say the thread is under the Chatham House rule")
				}
				r = get(t, c, s, ch2Path)
				wantSignatures(t, r.Doc.Find(".post .by > span").Map(trimText), olive+"Participant 1", "Participant 2")
				// Hidden posts' times, to the day.
				_, body := apiGet(t, s, token, "/threads/"+itoa(ch)+"/posts")
				if strings.Count(body, `"created_at":"2026-03-05T00:00:00Z"`) < 3 {
					t.Errorf("API times of hidden posts are not to the day: %s", body)
				}
			}

			// The sentinel sees their own posts as theirs.
			r = get(t, me, s, chPath+"?page=1")
			wantSignatures(t, r.Doc.Find(".post .by > span").Map(trimText), "You, as Participant 1", "Participant 2", "You, as Participant 1", "You, anonymously")
			if r.Doc.Find(`.post a[href$="/edit"]`).Length() != 3 {
				t.Errorf("the sentinel has %d edit links, want 3", r.Doc.Find(`.post a[href$="/edit"]`).Length())
			}
			r = get(t, me, s, "/threads/"+itoa(named.ID)+"?page=1")
			wantSignatures(t, r.Doc.Find(".post .by > :first-child").Map(trimText), "Olive Other", "You, anonymously", "Olive Other")
			// And, afterwards, others still see nothing of them (the
			// author's rendering is not shared).
			r = get(t, s.Browser(t, other), s, chPath)
			wantNoSentinel(t, "after the author's visit", r.Header, r.Body)
			wantSignatures(t, r.Doc.Find(".post .by > span").Map(trimText), "Participant 1", "You, as Participant 2", "Participant 1", "Anonymous")
		})
	}
}

func trimText(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) }

func wantSignatures(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("posts signed %q, want %q", got, want)
	}
}

// apiGet reads an API answer with a token.
func apiGet(t *testing.T, s *testutil.Server, token, path string) (http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v1"+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return res.Header, string(b)
}

// TestAttributionFormErrors: an unknown attribution or rule is refused
// with 422 and a message by the field, and nothing is written.
func TestAttributionFormErrors(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			th := testutil.MustCreateThread(t, s.DB, s.Admin, nil, "Ask", "Opening.")
			c := s.Browser(t, s.Admin)
			r := post(t, c, s, "/threads/"+itoa(th.ID)+"/posts", url.Values{"body": {"Hello"}, "attribution": {"pseudonymous"}})
			wantStatus(t, r, 422)
			if fieldError(r, "attribution") == "" {
				t.Errorf("no message by the attribution field")
			}
			r = post(t, c, s, "/threads", url.Values{"title": {"T"}, "audience": {"network"}, "body": {"B"}, "attribution": {"chatham"}})
			wantStatus(t, r, 422)
			if fieldError(r, "attribution") == "" {
				t.Errorf("no message by the attribution field of a new thread")
			}
			r = post(t, c, s, "/threads", url.Values{"title": {"T"}, "audience": {"network"}, "body": {"B"}, "rule": {"secret"}})
			wantStatus(t, r, 422)
			if fieldError(r, "rule") == "" {
				t.Errorf("no message by the rule field")
			}
			t2, n, err := s.DB.FindThreads(testutil.As(s.Admin), sharefair.ThreadFilter{})
			if err != nil || n != 1 || len(t2) != 1 || t2[0].PostCount != 1 {
				t.Errorf("refused forms wrote something: %d threads, err %v", n, err)
			}
		})
	}
}
