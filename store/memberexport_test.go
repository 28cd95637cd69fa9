package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// exportEnv is a network where ann, whose data is exported, shares hubs,
// threads and an inviter's rights with members whose data must stay out
// of her file: bob and the admin, each marked by the sentinel "othersentinel".
type exportEnv struct {
	db                 *store.DB
	admin, ann, bob    *sharefair.Member
	secrets            []string // values that may never appear in any export
	annSession         string
	quietThread        int64 // ann posted here, then left its hub
	anonPost, chatPost int64
}

func exportFixture(t *testing.T, db *store.DB) *exportEnv {
	t.Helper()
	ctx := context.Background()
	f := &exportEnv{db: db}
	var err error
	f.admin, err = db.CreateMember(testutil.Operator(), sharefair.NewMember{Email: "othersentinel-admin@example.org",
		Handle: "othersentineladmin", Name: "Othersentinel Admin", Password: "a long enough password", Role: sharefair.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	f.bob, err = db.CreateMember(testutil.Operator(), sharefair.NewMember{Email: "othersentinel-bob@example.org",
		Handle: "othersentinelbob", Name: "Othersentinel Bob", Password: "a long enough password", Role: sharefair.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	f.ann = testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
	str := func(s string) *string { return &s }
	langs, tags := []string{"it", "en"}, []string{"facilitation"}
	if f.ann, err = db.UpdateMember(testutil.As(f.ann), f.ann.ID, sharefair.MemberUpdate{Organisation: str("IDLO"),
		Title: str("KM officer"), City: str("Rome"), Country: str("it"), Bio: str("Ann's bio"),
		Languages: &langs, Expertise: &tags}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*sharefair.Member{f.admin, f.bob} {
		if err := db.Exec(ctx, `UPDATE members SET organisation = 'Othersentinel Org' WHERE id = $1`, m.ID); err != nil {
			t.Fatal(err)
		}
	}

	if err := db.Exec(ctx, `UPDATE network SET name = 'KM Rome'`); err != nil {
		t.Fatal(err)
	}
	rome := testutil.MustCreateHub(t, db, f.admin, "Rome")
	quiet := testutil.MustCreateHub(t, db, f.admin, "Quiet")
	geneva, err := db.CreateHub(testutil.As(f.admin), sharefair.NewHub{Name: "Geneva", JoinPolicy: sharefair.JoinByRequest})
	if err != nil {
		t.Fatal(err)
	}
	testutil.MustJoin(t, db, f.ann, rome)
	testutil.MustJoin(t, db, f.ann, quiet)
	testutil.MustJoin(t, db, f.bob, quiet)
	testutil.MustJoin(t, db, f.bob, rome)
	if _, err := db.JoinHub(testutil.As(f.ann), geneva.Slug); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetCoordinator(testutil.As(f.admin), rome.Slug, f.ann.Handle, true); err != nil {
		t.Fatal(err)
	}

	// Bob's threads and words; ann replies, once anonymously, once
	// under the Chatham House rule, once in a hub she then leaves.
	open, err := db.CreateThread(testutil.As(f.bob), sharefair.NewThread{Title: "Open question",
		Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}, Body: "othersentinel words of bob"})
	if err != nil {
		t.Fatal(err)
	}
	hidden, err := db.CreateThread(testutil.As(f.bob), sharefair.NewThread{Title: "Quiet plans no longer hers",
		Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceHub, Hub: quiet.Slug}, Body: "othersentinel quiet words"})
	if err != nil {
		t.Fatal(err)
	}
	f.quietThread = hidden.ID
	mine, err := db.CreateThread(testutil.As(f.ann), sharefair.NewThread{Title: "Ann's own topic",
		Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceHub, Hub: rome.Slug}, Body: "ann opens"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePost(testutil.As(f.bob), mine.ID, "othersentinel reply to ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePost(testutil.As(f.ann), open.ID, "ann answers by name"); err != nil {
		t.Fatal(err)
	}
	anon, err := db.CreatePost(testutil.As(f.ann), open.ID, "ann answers anonymously")
	if err != nil {
		t.Fatal(err)
	}
	chat, err := db.CreatePost(testutil.As(f.ann), open.ID, "ann answers under the rule")
	if err != nil {
		t.Fatal(err)
	}
	f.anonPost, f.chatPost = anon.ID, chat.ID
	if _, err := db.CreatePost(testutil.As(f.ann), hidden.ID, "ann's words in the quiet hub"); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(ctx, `UPDATE posts SET attribution = 'anonymous' WHERE id = $1`, anon.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(ctx, `UPDATE posts SET attribution = 'chatham' WHERE id = $1`, chat.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LeaveHub(testutil.As(f.ann), quiet.Slug); err != nil {
		t.Fatal(err)
	}

	// Sessions, tokens and invitations of each.
	f.annSession, err = db.CreateSession(ctx, f.ann.ID, sharefair.SessionClient{Address: "203.0.113.7", Agent: "AnnBrowser/1.0"})
	if err != nil {
		t.Fatal(err)
	}
	bobSession, err := db.CreateSession(ctx, f.bob.ID, sharefair.SessionClient{Address: "198.51.100.9", Agent: "othersentinel-agent"})
	if err != nil {
		t.Fatal(err)
	}
	_, annToken, err := db.CreateToken(testutil.As(f.ann), f.ann.ID, "ann laptop")
	if err != nil {
		t.Fatal(err)
	}
	_, bobToken, err := db.CreateToken(testutil.As(f.bob), f.bob.ID, "othersentinel token")
	if err != nil {
		t.Fatal(err)
	}
	_, annInvite, err := db.CreateInvitation(testutil.As(f.ann), sharefair.NewInvitation{Email: "guest@example.org",
		Hub: rome.Slug, Name: "Guest", Message: "Join us"})
	if err != nil {
		t.Fatal(err)
	}
	_, adminInvite, err := db.CreateInvitation(testutil.As(f.admin), sharefair.NewInvitation{Email: "othersentinel-invitee@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	f.secrets = []string{f.annSession, bobSession, annToken, bobToken, annInvite, adminInvite}
	for _, q := range []string{`SELECT secret_hash FROM sessions`, `SELECT secret_hash FROM tokens`,
		`SELECT token_hash FROM invitations`, `SELECT password_hash FROM members`} {
		rows := queryStrings(t, db, q)
		if len(rows) == 0 {
			t.Fatalf("%s: no rows", q)
		}
		f.secrets = append(f.secrets, rows...)
	}
	return f
}

// queryStrings reads one text column of every row.
func queryStrings(t *testing.T, db *store.DB, q string) []string {
	t.Helper()
	var out []string
	for i := 0; ; i++ {
		var s string
		if err := db.QueryRow(context.Background(), q+fmt.Sprintf(" ORDER BY 1 LIMIT 1 OFFSET %d", i)).Scan(&s); err != nil {
			return out
		}
		out = append(out, s)
	}
}

// exportOf exports m's data and decodes it strictly into the documented
// shape.
func exportOf(t *testing.T, db *store.DB, m *sharefair.Member) ([]byte, sharefair.MemberExport) {
	t.Helper()
	var buf bytes.Buffer
	if err := db.ExportMember(testutil.As(m), &buf); err != nil {
		t.Fatalf("export: %v", err)
	}
	var x sharefair.MemberExport
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&x); err != nil {
		t.Fatalf("export is not the documented JSON: %v\n%s", err, buf.String())
	}
	if dec.More() {
		t.Fatalf("export holds more than one value")
	}
	return buf.Bytes(), x
}

func TestExportMember(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := exportFixture(t, db)
		raw, x := exportOf(t, db, f.ann)
		body := string(raw)

		for _, s := range []string{"othersentinel", "Othersentinel"} {
			if i := strings.Index(body, s); i >= 0 {
				t.Errorf("another member's data %q in ann's export: …%s…", s, body[max(0, i-80):min(len(body), i+80)])
			}
		}
		for _, s := range f.secrets {
			if strings.Contains(body, s) {
				t.Errorf("a secret (%.12s…) in the export", s)
			}
		}
		// The member who left a hub sees neither the title of its thread
		// nor its hub; bob's words are kept out above.
		if strings.Contains(body, "Quiet") {
			t.Errorf("a thread she can no longer read is named: %s", body)
		}

		if x.Format != sharefair.ExportFormat || x.Network.Name != "KM Rome" || x.ExportedAt.IsZero() {
			t.Errorf("format, network, time = %q, %+v, %v", x.Format, x.Network, x.ExportedAt)
		}
		p := x.Profile
		if p.ID != f.ann.ID || p.Email != "ann@example.org" || p.Handle != "ann" || p.Organisation != "IDLO" ||
			p.Bio != "Ann's bio" || strings.Join(p.Languages, ",") != "en,it" || strings.Join(p.Expertise, ",") != "facilitation" ||
			p.Role != sharefair.RoleMember || p.UpdatedAt.IsZero() {
			t.Errorf("profile = %+v", p)
		}
		var hubs []string
		for _, h := range x.Hubs {
			hubs = append(hubs, h.Hub.Slug+":"+string(h.Role))
		}
		if strings.Join(hubs, " ") != "rome:coordinator" {
			t.Errorf("hubs = %v", hubs)
		}
		if len(x.JoinRequests) != 1 || x.JoinRequests[0].Hub.Slug != "geneva" {
			t.Errorf("join requests = %+v", x.JoinRequests)
		}
		if len(x.Sessions) != 1 || x.Sessions[0].ClientAddress != "203.0.113.7" || x.Sessions[0].UserAgent != "AnnBrowser/1.0" {
			t.Errorf("sessions = %+v", x.Sessions)
		}
		if len(x.Tokens) != 1 || x.Tokens[0].Name != "ann laptop" || x.Tokens[0].Hint == "" {
			t.Errorf("tokens = %+v", x.Tokens)
		}
		if len(x.Invitations) != 1 || x.Invitations[0].Email != "guest@example.org" || x.Invitations[0].Status != "pending" ||
			x.Invitations[0].Hub == nil || x.Invitations[0].Hub.Slug != "rome" || x.Invitations[0].Message != "Join us" {
			t.Errorf("invitations = %+v", x.Invitations)
		}

		got := map[string]sharefair.ExportPost{}
		for _, p := range x.Posts {
			got[p.Source] = p
		}
		if len(x.Posts) != 5 || len(got) != 5 {
			t.Fatalf("posts = %+v", x.Posts)
		}
		if p := got["ann answers anonymously"]; p.ID != f.anonPost || p.Attribution != sharefair.AttributionAnonymous ||
			p.Thread.Title != "Open question" || !p.Thread.Readable || p.Thread.Started {
			t.Errorf("anonymous post = %+v", p)
		}
		if p := got["ann answers under the rule"]; p.ID != f.chatPost || p.Attribution != sharefair.AttributionChatham {
			t.Errorf("Chatham House post = %+v", p)
		}
		if p := got["ann opens"]; !p.Thread.Started || p.Thread.Audience != sharefair.AudienceHub || p.Thread.Hub == nil ||
			p.Thread.Hub.Slug != "rome" || p.Attribution != sharefair.AttributionNamed {
			t.Errorf("opening post = %+v", p)
		}
		if p := got["ann's words in the quiet hub"]; p.Thread.ID != f.quietThread || p.Thread.Readable ||
			p.Thread.Title != "" || p.Thread.Hub != nil || p.Thread.Audience != "" {
			t.Errorf("post in a thread she cannot read = %+v", p)
		}

		// A network admin's export is theirs alone: nothing of ann's.
		raw, ax := exportOf(t, db, f.admin)
		if ax.Profile.ID != f.admin.ID || len(ax.Posts) != 0 || bytes.Contains(raw, []byte("ann")) {
			t.Errorf("admin's export = %s", raw)
		}
		if len(ax.Invitations) != 1 || ax.Invitations[0].Email != "othersentinel-invitee@example.org" {
			t.Errorf("admin's invitations = %+v", ax.Invitations)
		}

		// Signed out: nothing is written.
		var buf bytes.Buffer
		testutil.AssertCode(t, db.ExportMember(context.Background(), &buf), sharefair.EUNAUTHORIZED)
		if buf.Len() != 0 {
			t.Errorf("signed out, the export wrote %q", buf.String())
		}
	})
}

// chunkWriter records the writes it is given.
type chunkWriter struct {
	n, writes, largest int
	all                bytes.Buffer
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.writes++
	w.n += len(p)
	w.largest = max(w.largest, len(p))
	return w.all.Write(p)
}

// A prolific member's export is streamed: it reaches the writer in
// bounded pieces as the rows are read, never built whole first.
func TestExportStreamsManyPosts(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		th, err := db.CreateThread(testutil.As(ann), sharefair.NewThread{Title: "Long talk",
			Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}, Body: "first"})
		if err != nil {
			t.Fatal(err)
		}
		const posts = 3000
		words := strings.Repeat("a thought worth keeping ", 20)
		if err := db.Exec(ctx, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $3 - 1)
			INSERT INTO posts (thread_id, author_id, attribution, source, html, created_at)
			SELECT t.id, $2, CASE n.i % 3 WHEN 0 THEN 'named' WHEN 1 THEN 'anonymous' ELSE 'chatham' END,
				'post ' || CAST(n.i AS TEXT) || ': ' || $4, '', t.created_at
			FROM n, threads t WHERE t.id = $1`, th.ID, ann.ID, posts, words); err != nil {
			t.Fatal(err)
		}

		w := &chunkWriter{}
		if err := db.ExportMember(testutil.As(ann), w); err != nil {
			t.Fatal(err)
		}
		var x sharefair.MemberExport
		if err := json.Unmarshal(w.all.Bytes(), &x); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		anonymous := 0
		for _, p := range x.Posts {
			if p.Attribution == sharefair.AttributionAnonymous {
				anonymous++
			}
		}
		if len(x.Posts) != posts+1 || anonymous != posts/3 {
			t.Fatalf("%d posts, %d anonymous; want %d, %d", len(x.Posts), anonymous, posts+1, posts/3)
		}
		if w.n < 1<<20 || w.largest > 64<<10 || w.writes < w.n/(64<<10) {
			t.Errorf("%d bytes in %d writes, the largest %d: not streamed in bounded pieces", w.n, w.writes, w.largest)
		}
		t.Logf("%d posts: %d bytes in %d writes of at most %d", len(x.Posts), w.n, w.writes, w.largest)
	})
}
