package web_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/avatar"
	"github.com/sharefair/sharefair/internal/testutil"
)

// rawExec runs a statement on the server's database directly, for states
// the services cannot produce yet (posts with hidden authors).
func rawExec(t *testing.T, s *testutil.Server, e testutil.Engine, query string, args ...any) {
	t.Helper()
	driver := "sqlite"
	if e == testutil.Postgres {
		driver = "pgx"
	}
	db, err := sql.Open(driver, s.App.Config.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatal(err)
	}
}

// avatarOf describes the avatar an element holds: its colour class
// ("c3"; "" for the neutral face) and its initials.
func avatarOf(sel *goquery.Selection) (colour, initials string) {
	for _, c := range strings.Fields(sel.AttrOr("class", "")) {
		if len(c) > 1 && c[0] == 'c' && c[1] >= '0' && c[1] <= '9' {
			colour = c
		}
	}
	return colour, sel.Find("text").Text()
}

func colourClass(id int64) string { return "c" + strconv.Itoa(avatar.Index(id)) }

func mustMember(t *testing.T, s *testutil.Server, handle, name string) *sharefair.Member {
	t.Helper()
	m := testutil.MustCreateMember(t, s.DB, handle, sharefair.RoleMember)
	m, err := s.DB.UpdateMember(testutil.As(m), m.ID, sharefair.MemberUpdate{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestAvatarHiddenAuthor: a post whose author is hidden from the viewer
// shows a neutral avatar, with neither the author's initials nor their
// colour, also when the page comes from the shared cache; its author sees
// their own.
func TestAvatarHiddenAuthor(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			ann := mustMember(t, s, "ann", "Quentin Zed")
			var bob *sharefair.Member
			// bob's colour (his own avatar is in the header) must differ
			// from ann's, or the page would show it for his sake.
			for i := 0; bob == nil || colourClass(bob.ID) == colourClass(ann.ID) || colourClass(bob.ID) == colourClass(s.Admin.ID); i++ {
				bob = mustMember(t, s, "bob"+strconv.Itoa(i), "Bob Brown")
			}
			th := testutil.MustCreateThread(t, s.DB, s.Admin, nil, "Ask anything", "Opening post by the admin.")
			hidden, err := s.DB.CreatePost(testutil.As(ann), th.ID, "Said under the Chatham House rule.")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.CreatePost(testutil.As(bob), th.ID, "Bob answers."); err != nil {
				t.Fatal(err)
			}
			rawExec(t, s, e, `UPDATE posts SET attribution = 'chatham' WHERE id = $1`, hidden.ID)
			path := "/threads/" + strconv.FormatInt(th.ID, 10)
			anchor := "#p" + strconv.FormatInt(hidden.ID, 10)

			// ann first: she sees herself, and the page's rendering for
			// other readers is kept.
			own := get(t, s.Browser(t, ann), s, path+"?page=1")
			wantStatus(t, own, 200)
			colour, initials := avatarOf(own.Doc.Find(anchor + " .by svg.av"))
			if colour != colourClass(ann.ID) || initials != "QZ" {
				t.Fatalf("ann sees her own post with avatar %q %q, want %q QZ", colour, initials, colourClass(ann.ID))
			}
			for _, viewer := range []*sharefair.Member{bob, bob} { // the second from the cache
				r := get(t, s.Browser(t, viewer), s, path+"?page=1")
				wantStatus(t, r, 200)
				svg := r.Doc.Find(anchor + " .by svg.av")
				if svg.Length() != 1 {
					t.Fatalf("the hidden author's post has %d avatars", svg.Length())
				}
				if colour, initials := avatarOf(svg); colour != "" || initials != "" {
					t.Fatalf("hidden author's avatar shows colour %q, initials %q", colour, initials)
				}
				r.Doc.Find("svg.av").Each(func(_ int, a *goquery.Selection) {
					colour, initials := avatarOf(a)
					if colour == colourClass(ann.ID) || strings.Contains(initials, "Q") {
						t.Errorf("the page shows an avatar %q %q of the hidden author", colour, initials)
					}
				})
				if strings.Contains(r.Body, "Quentin") || strings.Contains(r.Body, `"/members/ann"`) {
					t.Fatal("the page names the hidden author")
				}
				// The others are shown as themselves.
				if colour, initials := avatarOf(r.Doc.Find(".post:last-of-type .by svg.av")); colour != colourClass(bob.ID) || initials != "BB" {
					t.Fatalf("bob's post shows avatar %q %q", colour, initials)
				}
				if colour, _ := avatarOf(r.Doc.Find("header.top svg.av")); colour != colourClass(bob.ID) {
					t.Fatalf("the header shows avatar %q for bob, want %q", colour, colourClass(bob.ID))
				}
			}
		})
	}
}

// TestOrganisationOnPosts: each post shows its author's organisation after
// the name, and a change of it reaches the kept rendering of the page.
func TestOrganisationOnPosts(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			ann := mustMember(t, s, "ann", "Ann Aho")
			bob := mustMember(t, s, "bob", "Bob Brown")
			org := "FAO"
			if _, err := s.DB.UpdateMember(testutil.As(ann), ann.ID, sharefair.MemberUpdate{Organisation: &org}); err != nil {
				t.Fatal(err)
			}
			th := testutil.MustCreateThread(t, s.DB, ann, nil, "Orgs", "By ann.")
			if _, err := s.DB.CreatePost(testutil.As(s.Admin), th.ID, "By the admin, who gave none."); err != nil {
				t.Fatal(err)
			}
			path := "/threads/" + strconv.FormatInt(th.ID, 10)
			c := s.Browser(t, bob)
			orgs := func() []string {
				t.Helper()
				r := get(t, c, s, path+"?page=1")
				wantStatus(t, r, 200)
				var out []string
				r.Doc.Find(".post .by").Each(func(_ int, by *goquery.Selection) {
					out = append(out, strings.TrimSpace(by.Find(".org").Text()))
				})
				return out
			}
			if got := orgs(); len(got) != 2 || got[0] != "FAO" || got[1] != "" {
				t.Fatalf("organisations shown %q, want [FAO, none]", got)
			}
			orgs() // now from the kept rendering
			// ann changes it through her settings, as a person does.
			r := get(t, s.Browser(t, ann), s, "/settings")
			values := formValues(r.Doc.Find(`form[action="/settings"]`))
			values.Set("organisation", "IFAD")
			wantRedirect(t, post(t, s.Browser(t, ann), s, "/settings", values), "/members/ann")
			if got := orgs(); len(got) != 2 || got[0] != "IFAD" || got[1] != "" {
				t.Fatalf("after the change, organisations shown %q, want [IFAD, none]", got)
			}
			// The directory row shows it too.
			dir := get(t, c, s, "/members?q=ann")
			if got := strings.TrimSpace(dir.Doc.Find("ul.cards li .org").First().Text()); got != "IFAD" {
				t.Fatalf("directory shows organisation %q", got)
			}
		})
	}
}

// formValues collects what a form would submit as it stands.
func formValues(f *goquery.Selection) url.Values {
	v := url.Values{}
	f.Find("input[name], textarea[name], select[name]").Each(func(_ int, in *goquery.Selection) {
		name := in.AttrOr("name", "")
		switch {
		case goquery.NodeName(in) == "textarea":
			v[name] = append(v[name], strings.TrimPrefix(in.Text(), "\n"))
		case goquery.NodeName(in) == "select":
			in.Find("option[selected]").Each(func(_ int, o *goquery.Selection) { v[name] = append(v[name], o.AttrOr("value", "")) })
		case in.AttrOr("type", "") == "checkbox" || in.AttrOr("type", "") == "radio":
			if _, ok := in.Attr("checked"); ok {
				v[name] = append(v[name], in.AttrOr("value", "on"))
			}
		case in.AttrOr("type", "") != "submit":
			v[name] = append(v[name], in.AttrOr("value", ""))
		}
	})
	return v
}

// arabic reports whether s holds Arabic letters.
func arabic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Arabic, r) })
}

// TestDirAuto renders the main pages with Arabic content and checks each
// piece of it, and each field holding it, takes its direction from itself:
// the nearest element with a dir attribute has dir="auto".
func TestDirAuto(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			admin := testutil.As(s.Admin)
			netName, netDesc := "شبكة المعرفة", "نتبادل الخبرات في إدارة المعرفة."
			if _, err := s.DB.UpdateNetwork(admin, sharefair.NetworkUpdate{Name: &netName, Description: &netDesc}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.CreateHub(admin, sharefair.NewHub{Name: "القاهرة", Slug: "cairo", City: "القاهرة",
				Description: "مركز **القاهرة** للممارسين."}); err != nil {
				t.Fatal(err)
			}
			layla := testutil.MustCreateMember(t, s.DB, "layla", sharefair.RoleMember)
			u := sharefair.MemberUpdate{Name: ptr("ليلى"), Organisation: ptr("منظمة الأغذية"), Title: ptr("مديرة المعرفة"),
				City: ptr("الإسكندرية"), Bio: ptr("اسألني عن التعلم من التجارب."), Expertise: &[]string{"تيسير"}}
			if _, err := s.DB.UpdateMember(testutil.As(layla), layla.ID, u); err != nil {
				t.Fatal(err)
			}
			// layla coordinates the hub, then asks people to request to
			// join; omar does.
			if _, err := s.DB.JoinHub(testutil.As(layla), "cairo"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.SetCoordinator(admin, "cairo", "layla", true); err != nil {
				t.Fatal(err)
			}
			byRequest := sharefair.JoinByRequest
			if _, err := s.DB.UpdateHub(testutil.As(layla), "cairo", sharefair.HubUpdate{JoinPolicy: &byRequest}); err != nil {
				t.Fatal(err)
			}
			omar := mustMember(t, s, "omar", "عمر")
			if _, err := s.DB.JoinHub(testutil.As(omar), "cairo"); err != nil {
				t.Fatal(err)
			}
			th, err := s.DB.CreateThread(testutil.As(layla), sharefair.NewThread{Title: "كيف نوثق الدروس المستفادة؟",
				Body: "نحتاج إلى طريقة بسيطة.\n\nما رأيكم؟", Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceHub, Hub: "cairo"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.CreatePost(admin, th.ID, "فكرة جيدة، لنجرب."); err != nil {
				t.Fatal(err)
			}
			_, token, err := s.DB.CreateInvitation(testutil.As(layla), sharefair.NewInvitation{Email: "sara@example.org",
				Hub: "cairo", Name: "سارة", Message: "انضمي إلينا في القاهرة."})
			if err != nil {
				t.Fatal(err)
			}
			// What members wrote, above; the language list's native names
			// are the product's, not theirs.
			written := []string{netName, netDesc, "القاهرة", "مركز", "ليلى", "منظمة الأغذية", "مديرة المعرفة",
				"الإسكندرية", "اسألني", "تيسير", "عمر", "كيف نوثق", "نحتاج", "ما رأيكم", "فكرة جيدة", "سارة", "انضمي"}
			ours := func(text string) bool {
				for _, w := range written {
					if strings.Contains(text, w) {
						return true
					}
				}
				return false
			}
			thread := "/threads/" + strconv.FormatInt(th.ID, 10)
			pages := []struct {
				who  *sharefair.Member
				path string
			}{
				{layla, "/"}, {layla, "/threads"}, {layla, thread + "?page=1"}, {layla, "/hubs"}, {layla, "/hubs/cairo"},
				{s.Admin, "/hubs/cairo/coordinators"}, {layla, "/hubs/cairo/requests"}, {layla, "/members"},
				{layla, "/members?q=" + url.QueryEscape("ليلى")}, {s.Admin, "/members/layla"},
				{layla, "/settings"}, {layla, "/invitations"}, {s.Admin, "/network"},
				{layla, thread + "/edit"}, {nil, "/join/" + token}, {nil, "/signin"},
				{layla, "/welcome"}, {layla, "/hubs/cairo/manage"}, {s.Admin, "/hubs/cairo/manage"},
			}
			for _, pg := range pages {
				r := get(t, s.Browser(t, pg.who), s, pg.path)
				wantStatus(t, r, 200)
				doc, err := html.Parse(strings.NewReader(r.Body))
				if err != nil {
					t.Fatal(err)
				}
				found := 0
				var walk func(n *html.Node)
				walk = func(n *html.Node) {
					if n.Type == html.ElementNode {
						switch n.Data {
						case "svg", "title", "option", "head":
							// initials (aria-hidden), the tab's title, a
							// select's choices: not laid out in the page
							return
						case "input", "textarea":
							v := attr(n, "value")
							if n.Data == "textarea" && n.FirstChild != nil {
								v = n.FirstChild.Data
							}
							if arabic(v) {
								found++
								if attr(n, "dir") != "auto" {
									t.Errorf("%s: <%s name=%q> holding %q has dir=%q", pg.path, n.Data, attr(n, "name"), v, attr(n, "dir"))
								}
							}
						}
					}
					if n.Type == html.TextNode && arabic(n.Data) && ours(n.Data) {
						found++
						if d := nearestDir(n); d != "auto" {
							t.Errorf("%s: %q in <%s> takes dir %q", pg.path, strings.TrimSpace(n.Data), n.Parent.Data, d)
						}
					}
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						walk(c)
					}
				}
				walk(doc)
				if found < 2 {
					t.Errorf("%s: only %d pieces of Arabic found; the page does not show what it should", pg.path, found)
				}
			}
		})
	}
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// nearestDir returns the dir of the nearest element around n that has one.
func nearestDir(n *html.Node) string {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode {
			for _, a := range p.Attr {
				if a.Key == "dir" {
					return a.Val
				}
			}
		}
	}
	return ""
}

// TestAvatarStylesheet: the stylesheet draws each palette colour for its
// class, so what the avatar package tests (the contrast) is what shows.
func TestAvatarStylesheet(t *testing.T) {
	css, err := os.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	rules := regexp.MustCompile(`\.c(\d+)\{background:(#[0-9a-f]+)\}`).FindAllStringSubmatch(string(css), -1)
	if len(rules) != len(avatar.Palette) {
		t.Fatalf("the stylesheet has %d avatar colours, the palette %d", len(rules), len(avatar.Palette))
	}
	for _, r := range rules {
		i, _ := strconv.Atoi(r[1])
		if i >= len(avatar.Palette) || avatar.Palette[i] != r[2] {
			t.Errorf(".c%s draws %s, the palette's colour is not that", r[1], r[2])
		}
	}
	if !strings.Contains(string(css), "background:"+avatar.NeutralColour) {
		t.Errorf("the stylesheet does not draw the neutral face in %s", avatar.NeutralColour)
	}
}
