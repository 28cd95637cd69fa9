package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/browser"
	"github.com/sharefair/sharefair/internal/testutil"
)

// The XSS sweep in a real browser: every payload of payloadbox's list
// through every free-text field a member (or their browser) supplies,
// and every page that shows the field opened in headless Chromium, which
// must run none of it. TestXSSPayloadsThroughForms checks the same
// payloads in the HTML as served; this test checks what a browser makes of
// it: no dialog, no Content-Security-Policy report of blocked inline code,
// no element or attribute that could run script (browser.Tripwire).
//
// Payloads are packed many to a stored value, as many as the field's limit
// allows, and many stored values are shown on one list page, so that the
// whole list costs a few hundred page loads. A payload longer than the
// field's limit on its own is refused, rightly: it is counted as refused,
// not as tried.

// xssRows is how many records of a field are written before the pages
// are read, when the field says nothing else: one page of a list, with
// room for the admin in the directory and for the members' thread in the
// thread list.
const xssRows = sharefair.DefaultPageSize - 1

// xssRecordPages is how many records' own pages (a profile, a hub, a
// join page) are opened each round, taking turns, for fields of one line:
// their values are so many that opening every record's page would take
// thousands of loads. The list pages show every value of every round, and
// TestXSSPayloadsThroughForms reads every record's page as served.
// Markdown fields have few values: every record's page is opened.
const xssRecordPages = 2

// xssField is one user-supplied text field: how payloads are packed into
// its values, how a value is written, and the pages that show it.
type xssField struct {
	name string
	// limit is the field's documented maximum, in characters (in bytes
	// when bytes is set); a payload longer on its own is refused.
	limit int
	bytes bool
	// kind says how payloads are packed into one value.
	kind xssKind
	// rows is how many records take a value each round (xssRows when 0):
	// the network is one record, the hub list shows every hub.
	rows int
	// sampled fields take part only in the rounds the others need: each
	// of their values costs a page load of its own (the network's one
	// name, a search), and the whole list would take thousands. The
	// payloads tried are counted as such; the rest are reported untried.
	sampled bool
	// everyPage fields are shown on every page (the network's name, in
	// the header): they take their next value before each page load of
	// the other fields, and have no pages of their own.
	everyPage bool
	// write stores value in record row (0 ≤ row < rows). Nil for values
	// that travel in the address (searches).
	write func(f *xssFixture, row int, value string) error
	// lists are the pages that show every row of a round.
	lists func(f *xssFixture, values []string) []string
	// record is the page that shows one row, or nil.
	record func(f *xssFixture, row int) string
	// signedOut reads the record pages signed out (an invitation's
	// join page); lists are read as the admin.
	signedOut bool
}

type xssKind int

const (
	xssLine     xssKind = iota // one line: payloads joined by a space; control characters refused
	xssMarkdown                // Markdown or multi-line text: one payload a paragraph
	xssTags                    // expertise tags: one payload a tag, commas refused
)

// xssFields are the fields swept. A new field is one line here.
var xssFields = []xssField{
	{name: "network.name", limit: sharefair.MaxNetworkNameLen, everyPage: true, write: writeNetwork(false)},
	{name: "network.description", limit: sharefair.MaxNetworkDescLen, kind: xssMarkdown, rows: 1, sampled: true, write: writeNetwork(true), lists: pages("/", "/network")},
	{name: "hub.name", limit: sharefair.MaxHubNameLen, rows: xssHubs, write: writeHub("name"), lists: pages("/hubs", "/threads/new", "/invitations", "/members/m00", "/welcome"), record: hubPage},
	{name: "hub.description", limit: sharefair.MaxHubDescLen, kind: xssMarkdown, rows: xssHubs, write: writeHub("description"), lists: pages("/hubs"), record: hubPage},
	{name: "hub.city", limit: sharefair.MaxCityLen, rows: xssHubs, write: writeHub("city"), lists: pages("/hubs", "/welcome"), record: hubPage},
	{name: "thread.title", limit: sharefair.MaxThreadTitleLen, write: writeThreadTitle, lists: pages("/", "/threads", "/hubs/topics"), record: threadPage},
	{name: "post.body", limit: sharefair.MaxPostLen, kind: xssMarkdown, write: writePost, lists: talkPage},
	{name: "member.name", limit: sharefair.MaxNameLen, write: writeMember("name"), lists: memberLists("/hubs/topics/coordinators"), record: profilePage},
	{name: "member.organisation", limit: sharefair.MaxOrganisationLen, write: writeMember("organisation"), lists: memberLists(), record: profilePage},
	{name: "member.title", limit: sharefair.MaxTitleLen, write: writeMember("title"), lists: memberLists(), record: profilePage},
	{name: "member.city", limit: sharefair.MaxCityLen, write: writeMember("city"), lists: memberLists(), record: profilePage},
	{name: "member.bio", limit: sharefair.MaxBioLen, kind: xssMarkdown, write: writeMember("bio"), record: profilePage},
	{name: "member.expertise", limit: sharefair.MaxTagLen, kind: xssTags, write: writeMember("expertise"), lists: memberLists(), record: profilePage},
	{name: "token.name", limit: sharefair.MaxTokenNameLen, rows: sharefair.MaxTokens, write: writeToken, lists: pages("/settings/tokens")},
	{name: "session.user_agent", limit: sharefair.MaxUserAgentLen, bytes: true, rows: sharefair.MaxSessions - 2, write: writeSession, lists: pages("/settings/security")},
	{name: "invitation.name", limit: sharefair.MaxNameLen, write: writeInvitation("name"), lists: pages("/invitations", "/invitations?page=2"), record: joinPage("name"), signedOut: true},
	{name: "invitation.message", limit: sharefair.MaxInvitationMessageLen, kind: xssMarkdown, write: writeInvitation("message"), record: joinPage("message"), signedOut: true},
	{name: "circle.name", limit: sharefair.MaxCircleNameLen, rows: xssHubs, write: writeCircle("name"), lists: circleLists, record: circlePage},
	{name: "circle.description", limit: sharefair.MaxHubDescLen, kind: xssMarkdown, write: writeCircle("description"), record: circlePage},
	{name: "flag.note", limit: sharefair.MaxFlagNoteLen, kind: xssMarkdown, rows: xssQueue, write: writeFlagNote, lists: pages("/moderation")},
	{name: "reveal.reason", limit: sharefair.MaxRevealReasonLen - len(revealPrefix), kind: xssMarkdown, write: writeRevealReason, lists: pages("/admin/audit")},
	{name: "search.members.q", limit: 200, rows: 1, sampled: true, lists: searchPages("/members?q=")},
	{name: "search.coordinators.q", limit: 200, rows: 1, sampled: true, lists: searchPages("/hubs/topics/coordinators?q=")},
}

// xssQueue is how many flagged posts show at once: one page of the
// moderation queue.
const xssQueue = 20

// revealPrefix begins every reveal reason written, so that no value is
// shorter than a reason may be.
const revealPrefix = "Reported abuse: "

// xssHubs is how many hubs, and circles, take names at once: the hub and
// circle lists show them all. The lists of the admin's own tokens and sessions are not paged
// either, and take as many as a member may hold (keeping the browser's
// own session).
const xssHubs = 300

// xssFieldsEnv names a variable that, set to a regular expression, sweeps
// only the fields whose names match: for a developer checking one field.
const xssFieldsEnv = "SHAREFAIR_XSS_FIELDS"

// TestBrowserXSSPayloads runs every payload through every field of
// xssFields and opens every page that shows it in Chromium. The fields
// go in rounds: each round writes the next values of every field, then
// opens each page that shows any of them once. One engine: the database
// plays no part in how a browser treats a page.
func TestBrowserXSSPayloads(t *testing.T) {
	all := xssPayloads(t)
	payloads := make([]string, len(all))
	for i, p := range all {
		payloads[i] = p.value
	}
	start := time.Now()
	f := newXSSFixture(t)
	var only *regexp.Regexp
	if v := os.Getenv(xssFieldsEnv); v != "" {
		only = regexp.MustCompile(v)
	}
	var sweeps []*xssSweep
	rounds := 0
	for _, fl := range xssFields {
		if only != nil && !only.MatchString(fl.name) {
			continue
		}
		sw := &xssSweep{field: fl, rows: fl.rows}
		if sw.rows == 0 {
			sw.rows = xssRows
		}
		sw.values, sw.payloads, sw.refused = fl.pack(payloads)
		if !fl.sampled && !fl.everyPage {
			rounds = max(rounds, sw.batches())
		}
		sweeps = append(sweeps, sw)
	}
	fails := 0
	loads := 0
	for r := range rounds {
		type shown struct {
			path      string
			signedOut bool
		}
		var order []shown
		by := map[shown][]string{} // which fields' values a page shows this round
		add := func(p shown, field string) {
			if _, ok := by[p]; !ok {
				order = append(order, p)
			}
			if !slices.Contains(by[p], field) {
				by[p] = append(by[p], field)
			}
		}
		for _, sw := range sweeps {
			vals := sw.batch(r)
			if vals == nil || sw.field.everyPage {
				continue
			}
			fl := sw.field
			if fl.write != nil {
				for row, v := range vals {
					if err := fl.write(f, row, v); err != nil {
						t.Fatalf("%s, round %d: write %q to row %d: %v", fl.name, r, v, row, err)
					}
				}
			}
			sw.tried += sw.payloadsIn(r)
			if fl.lists != nil {
				for _, p := range fl.lists(f, vals) {
					add(shown{p, false}, fl.name)
				}
			}
			if fl.record != nil {
				n := len(vals)
				if fl.kind == xssLine {
					n = min(n, xssRecordPages)
				}
				for k := range n {
					// The same rows for every field in a round, so that
					// one profile page serves all the profile's fields.
					row := (r*n + k) % len(vals)
					add(shown{fl.record(f, row), fl.signedOut}, fl.name)
				}
			}
		}
		if r%10 == 0 {
			t.Logf("round %d of %d: %d page loads so far, %v", r, rounds, loads, time.Since(start).Round(time.Second))
		}
		for _, p := range order {
			tw := f.in
			if p.signedOut {
				tw = f.out
			}
			loads++
			for _, sw := range sweeps {
				if sw.field.everyPage && sw.next < len(sw.values) {
					if err := sw.field.write(f, 0, sw.values[sw.next]); err != nil {
						t.Fatalf("%s: write %q: %v", sw.field.name, sw.values[sw.next], err)
					}
					sw.tried += sw.payloads[sw.next]
					sw.next++
					by[p] = append(by[p], sw.field.name)
				}
			}
			for _, field := range by[p] {
				for _, sw := range sweeps {
					if sw.field.name == field {
						sw.loads++
					}
				}
			}
			if st := tw.Open(p.path); st != http.StatusOK {
				t.Errorf("round %d: open %s = %d, want 200", r, p.path, st)
			}
			if found := tw.Check(); len(found) > 0 {
				fails++
				t.Errorf("round %d: %s, showing payloads in %s, runs or could run injected script:\n  %s",
					r, p.path, strings.Join(by[p], ", "), strings.Join(found, "\n  "))
				if fails >= 10 {
					t.Fatalf("stopping after %d pages with injected script", fails)
				}
			}
		}
	}
	tried := 0
	for _, sw := range sweeps {
		tried += sw.tried
		untried := ""
		if n := len(payloads) - sw.refused - sw.tried; n > 0 {
			untried = fmt.Sprintf(", %d not tried (sampled field)", n)
		}
		t.Logf("%-28s %4d payloads tried in %4d values, %4d refused%s; on %4d page loads",
			sw.field.name+":", sw.tried, sw.valuesTried(rounds), sw.refused, untried, sw.loads)
	}
	t.Logf("%d payloads tried in %d fields, %d rounds, %d page loads, in %v",
		tried, len(sweeps), rounds, loads, time.Since(start).Round(time.Second))
}

// xssSweep is one field's progress through the rounds.
type xssSweep struct {
	field    xssField
	rows     int
	values   []string
	payloads []int // how many payloads each value holds
	refused  int
	tried    int
	loads    int
	next     int // an everyPage field's next value
}

// valuesTried counts the values written in the given rounds.
func (sw *xssSweep) valuesTried(rounds int) int {
	if sw.field.everyPage {
		return sw.next
	}
	return min(len(sw.values), rounds*sw.rows)
}

func (sw *xssSweep) batches() int { return (len(sw.values) + sw.rows - 1) / sw.rows }

// batch returns round r's values, nil when the field is done.
func (sw *xssSweep) batch(r int) []string {
	if r*sw.rows >= len(sw.values) {
		return nil
	}
	return sw.values[r*sw.rows : min((r+1)*sw.rows, len(sw.values))]
}

// payloadsIn counts the payloads in round r's values.
func (sw *xssSweep) payloadsIn(r int) int {
	n := 0
	for _, k := range sw.payloads[r*sw.rows : min((r+1)*sw.rows, len(sw.values))] {
		n += k
	}
	return n
}

// xssFixture is the network the payloads are written into, and the two
// browsers that read it.
type xssFixture struct {
	s          *testutil.Server
	in, out    *browser.Tripwire // signed in as the admin; signed out
	hubs       []*sharefair.Hub
	members    []*sharefair.Member
	threads    []*sharefair.Thread // in the hub "topics", by the admin
	talk       *sharefair.Thread   // one post by each member
	posts      []int64
	tokens     []int64
	sessions   []string
	invites    map[string][]string // each invitation's join token, by the field it carries
	circles    []string            // keys of circles circleHost hosts
	circleHost *sharefair.Member
	anon       []int64 // an anonymous post by each member, to reveal
}

func newXSSFixture(t *testing.T) *xssFixture {
	s := testutil.NewServer(t, testutil.SQLite)
	f := &xssFixture{s: s}
	admin := testutil.As(s.Admin)
	topics, err := s.DB.CreateHub(admin, sharefair.NewHub{Name: "Topics", Slug: "topics"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range xssHubs {
		f.hubs = append(f.hubs, testutil.MustCreateHub(t, s.DB, s.Admin, fmt.Sprintf("Hub %03d", i)))
	}
	for i := range xssRows {
		f.threads = append(f.threads, testutil.MustCreateThread(t, s.DB, s.Admin, topics, fmt.Sprintf("Thread %02d", i), "Hello."))
		m := testutil.MustCreateMember(t, s.DB, fmt.Sprintf("m%02d", i), sharefair.RoleMember)
		testutil.MustJoin(t, s.DB, m, topics)
		testutil.MustJoin(t, s.DB, m, f.hubs[0])
		f.members = append(f.members, m)
	}
	f.talk = testutil.MustCreateThread(t, s.DB, f.members[0], nil, "Everyone talks", "The opening post.")
	posts, _, err := s.DB.FindPosts(testutil.As(f.members[0]), f.talk.ID, sharefair.Page{Number: 1})
	if err != nil || len(posts) != 1 {
		t.Fatalf("the opening post: %v, %d posts", err, len(posts))
	}
	f.posts = append(f.posts, posts[0].ID)
	for _, m := range f.members[1:] {
		p, err := s.DB.CreatePost(testutil.As(m), f.talk.ID, "A reply.")
		if err != nil {
			t.Fatal(err)
		}
		f.posts = append(f.posts, p.ID)
	}
	// Hosted by a member, not the admin who reads them: the admin's own
	// circles would fill every composer's audience list.
	f.circleHost = testutil.MustCreateMember(t, s.DB, "circlehost", sharefair.RoleMember)
	for i := range xssHubs {
		c, err := s.DB.CreateCircle(testutil.As(f.circleHost), sharefair.NewCircle{Name: fmt.Sprintf("Circle %03d", i), Kind: sharefair.CircleOpen})
		if err != nil {
			t.Fatal(err)
		}
		f.circles = append(f.circles, c.Key)
	}
	unsigned := testutil.MustCreateThread(t, s.DB, s.Admin, nil, "Unsigned words", "Say it without your name.")
	for _, m := range f.members {
		p, err := s.DB.WritePost(testutil.As(m), unsigned.ID, sharefair.NewPost{Body: "Unsigned.", Attribution: sharefair.AttributionAnonymous})
		if err != nil {
			t.Fatal(err)
		}
		f.anon = append(f.anon, p.ID)
	}
	f.tokens = make([]int64, sharefair.MaxTokens)
	f.sessions = make([]string, sharefair.MaxSessions)
	f.invites = map[string][]string{}

	in := browser.Start(t, s.URL)
	in.Open("/signin")
	in.Type("#f-email", s.Admin.Email)
	in.Type("#f-password", memberPassword)
	if st := in.Click(`form[action="/signin"] button[type="submit"]`); st != http.StatusOK || in.Path() != "/" {
		t.Fatalf("sign in = %d at %s", st, in.Path())
	}
	f.in = in.ArmTripwire()
	f.out = browser.Start(t, s.URL).ArmTripwire()
	return f
}

// pack joins payloads into as few values as the field's limit allows, in
// order, and counts those the field refuses on their own: longer than the
// limit, or holding what the field does not allow.
func (fl xssField) pack(payloads []string) (values []string, counts []int, refused int) {
	size := func(s string) int {
		if fl.bytes {
			return len(s)
		}
		return utf8.RuneCountInString(s)
	}
	sep, per := " ", 0
	switch fl.kind {
	case xssMarkdown:
		sep = "\n\n"
	case xssTags:
		sep, per = ",", sharefair.MaxExpertise
	}
	var cur []string
	curLen := 0
	flush := func() {
		if len(cur) > 0 {
			values = append(values, strings.Join(cur, sep))
			counts = append(counts, len(cur))
		}
		cur, curLen = nil, 0
	}
	for _, p := range payloads {
		p = strings.TrimSpace(p)
		control := strings.IndexFunc(p, unicode.IsControl) >= 0
		if p == "" || size(p) > fl.limit || fl.kind != xssMarkdown && control || fl.kind == xssTags && strings.Contains(p, ",") {
			refused++
			continue
		}
		full := per > 0 && len(cur) >= per || per == 0 && curLen+len(sep)+size(p) > fl.limit
		if len(cur) > 0 && full {
			flush()
		}
		if len(cur) > 0 {
			curLen += len(sep)
		}
		cur = append(cur, p)
		curLen += size(p)
	}
	flush()
	return values, counts, refused
}

// ---------------------------------------------------------------------
// How each field is written.

func writeNetwork(description bool) func(f *xssFixture, row int, value string) error {
	return func(f *xssFixture, row int, value string) error {
		u := sharefair.NetworkUpdate{Name: &value}
		if description {
			name := "Payloads"
			u = sharefair.NetworkUpdate{Name: &name, Description: &value}
		}
		_, err := f.s.DB.UpdateNetwork(testutil.As(f.s.Admin), u)
		return err
	}
}

func writeHub(field string) func(f *xssFixture, row int, value string) error {
	return func(f *xssFixture, row int, value string) error {
		var u sharefair.HubUpdate
		switch field {
		case "name":
			u.Name = &value
		case "description":
			u.Description = &value
		case "city":
			u.City = &value
		}
		_, err := f.s.DB.UpdateHub(testutil.As(f.s.Admin), f.hubs[row].Slug, u)
		return err
	}
}

func writeThreadTitle(f *xssFixture, row int, value string) error {
	_, err := f.s.DB.RenameThread(testutil.As(f.s.Admin), f.threads[row].ID, value)
	return err
}

func writePost(f *xssFixture, row int, value string) error {
	_, err := f.s.DB.UpdatePost(testutil.As(f.members[row]), f.posts[row], value)
	return err
}

func writeMember(field string) func(f *xssFixture, row int, value string) error {
	return func(f *xssFixture, row int, value string) error {
		var u sharefair.MemberUpdate
		switch field {
		case "name":
			u.Name = &value
		case "organisation":
			u.Organisation = &value
		case "title":
			u.Title = &value
		case "city":
			u.City = &value
		case "bio":
			u.Bio = &value
		case "expertise":
			tags := sharefair.SplitTags(value)
			u.Expertise = &tags
		}
		_, err := f.s.DB.UpdateMember(testutil.As(f.members[row]), f.members[row].ID, u)
		return err
	}
}

// writeToken replaces the row's token with one named value.
func writeToken(f *xssFixture, row int, value string) error {
	ctx := testutil.As(f.s.Admin)
	if f.tokens[row] != 0 {
		if err := f.s.DB.RevokeToken(ctx, f.tokens[row]); err != nil {
			return err
		}
	}
	tok, _, err := f.s.DB.CreateToken(ctx, f.s.Admin.ID, value)
	if err == nil {
		f.tokens[row] = tok.ID
	}
	return err
}

// writeSession replaces the row's session of the admin with one whose
// browser sent value as its User-Agent.
func writeSession(f *xssFixture, row int, value string) error {
	if f.sessions[row] != "" {
		if err := f.s.DB.DeleteSession(testutil.As(f.s.Admin), f.sessions[row]); err != nil {
			return err
		}
	}
	secret, err := f.s.DB.CreateSession(testutil.As(f.s.Admin), f.s.Admin.ID, sharefair.SessionClient{Address: "192.0.2.1", Agent: value})
	f.sessions[row] = secret
	return err
}

// writeInvitation invites the row's address again, which replaces its
// pending invitation, with value as the invitee's name or message.
func writeInvitation(field string) func(f *xssFixture, row int, value string) error {
	return func(f *xssFixture, row int, value string) error {
		ni := sharefair.NewInvitation{Email: fmt.Sprintf("%s%02d@example.org", field, row), Hub: f.hubs[0].Slug}
		if field == "name" {
			ni.Name = value
		} else {
			ni.Message = value
		}
		_, token, err := f.s.DB.CreateInvitation(testutil.As(f.s.Admin), ni)
		if f.invites[field] == nil {
			f.invites[field] = make([]string, xssRows)
		}
		f.invites[field][row] = token
		return err
	}
}

func writeCircle(field string) func(f *xssFixture, row int, value string) error {
	return func(f *xssFixture, row int, value string) error {
		var u sharefair.CircleUpdate
		if field == "name" {
			u.Name = &value
		} else {
			u.Description = &value
		}
		_, err := f.s.DB.UpdateCircle(testutil.As(f.circleHost), f.circles[row], u)
		return err
	}
}

// writeFlagNote settles the flags of the row's short anonymous post (not
// one of the posts that carry post.body's payloads, which would make the
// queue heavy for nothing) and flags it again, by the next member, with
// value as the note its moderators read.
func writeFlagNote(f *xssFixture, row int, value string) error {
	if _, err := f.s.DB.DismissFlags(testutil.As(f.s.Admin), f.anon[row]); err != nil {
		return err
	}
	by := f.members[(row+1)%len(f.members)]
	_, err := f.s.DB.FlagPost(testutil.As(by), f.anon[row], sharefair.NewFlag{Reason: sharefair.FlagOther, Note: value})
	return err
}

// writeRevealReason reveals who wrote the row's anonymous post, with value
// as the reason the audit log keeps.
func writeRevealReason(f *xssFixture, row int, value string) error {
	_, err := f.s.DB.RevealAuthor(testutil.As(f.s.Admin), f.anon[row], revealPrefix+value)
	return err
}

// ---------------------------------------------------------------------
// The pages that show them.

func pages(paths ...string) func(*xssFixture, []string) []string {
	return func(*xssFixture, []string) []string { return paths }
}

// memberLists are the pages listing the members: the directory, and the
// thread each of them posted in.
func memberLists(more ...string) func(*xssFixture, []string) []string {
	return func(f *xssFixture, _ []string) []string {
		return append([]string{"/members", threadURL(f.talk.ID)}, more...)
	}
}

// talkPage is the thread showing the members' posts, one page of them.
func talkPage(f *xssFixture, _ []string) []string {
	return []string{threadURL(f.talk.ID)}
}

// circleLists are the pages of the circles the admin may join, which list
// every circle between them.
func circleLists(f *xssFixture, _ []string) []string {
	var out []string
	for n := 1; n <= sharefair.PageCount(len(f.circles), sharefair.DefaultPageSize); n++ {
		out = append(out, "/circles?page="+strconv.Itoa(n))
	}
	return out
}

// searchPages puts each value in the address of a search.
func searchPages(prefix string) func(*xssFixture, []string) []string {
	return func(_ *xssFixture, values []string) []string {
		var out []string
		for _, v := range values {
			out = append(out, prefix+url.QueryEscape(v))
		}
		return out
	}
}

func threadURL(id int64) string { return "/threads/" + strconv.FormatInt(id, 10) }

func hubPage(f *xssFixture, row int) string { return "/hubs/" + f.hubs[row].Slug }

func circlePage(f *xssFixture, row int) string { return "/circles/" + f.circles[row] }

func threadPage(f *xssFixture, row int) string { return threadURL(f.threads[row].ID) }

func profilePage(f *xssFixture, row int) string { return "/members/" + f.members[row].Handle }

func joinPage(field string) func(*xssFixture, int) string {
	return func(f *xssFixture, row int) string { return "/join/" + f.invites[field][row] }
}
