package api_test

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// textField is a free-text field of the API and its rules.
type textField struct {
	name      string
	max       int  // characters
	required  bool // refused when empty after trimming
	multiLine bool // kept as sent but for line endings; else trimmed
	// trimmed multi-line fields are checked as sent, then trimmed (the
	// network's description); blankIsEmpty ones store a blank value as
	// empty (an invitation's message).
	trimmed, blankIsEmpty bool
}

var (
	fieldName         = textField{"name", sharefair.MaxNameLen, true, false, false, false}
	fieldOrganisation = textField{"organisation", sharefair.MaxOrganisationLen, false, false, false, false}
	fieldTitle        = textField{"title", sharefair.MaxTitleLen, false, false, false, false}
	fieldCity         = textField{"city", sharefair.MaxCityLen, false, false, false, false}
	fieldBio          = textField{"bio", sharefair.MaxBioLen, false, true, false, false}
	fieldHubName      = textField{"name", sharefair.MaxHubNameLen, true, false, false, false}
	fieldHubDesc      = textField{"description", sharefair.MaxHubDescLen, false, true, false, false}
	fieldThreadTitle  = textField{"title", sharefair.MaxThreadTitleLen, true, false, false, false}
	fieldPostBody     = textField{"body", sharefair.MaxPostLen, true, true, false, false}
	fieldHubCity      = textField{name: "city", max: sharefair.MaxCityLen}
	fieldInviteeName  = textField{name: "name", max: sharefair.MaxNameLen}
	fieldInviteMsg    = textField{name: "message", max: sharefair.MaxInvitationMessageLen, multiLine: true, blankIsEmpty: true}
	fieldNetworkName  = textField{name: "name", max: sharefair.MaxNetworkNameLen, required: true}
	fieldNetworkDesc  = textField{name: "description", max: sharefair.MaxNetworkDescLen, multiLine: true, trimmed: true}
)

// stored is what the field should read back as when s is accepted.
func (f textField) stored(s string) string {
	if !f.multiLine {
		return strings.TrimSpace(s)
	}
	v := f.checked(s)
	if f.trimmed || (f.blankIsEmpty && strings.TrimSpace(v) == "") {
		v = strings.TrimSpace(v)
	}
	return v
}

// checked is what the rules check of s: a multi-line field's value with
// its line endings normalised (before any trimming), a single-line
// field's trimmed.
func (f textField) checked(s string) string {
	if f.multiLine {
		return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	return strings.TrimSpace(s)
}

// refusal says why s must be refused, or "" when it must be accepted.
func (f textField) refusal(s string) string {
	v := f.checked(s)
	switch {
	case !utf8.ValidString(v):
		return "invalid UTF-8"
	case f.required && strings.TrimSpace(v) == "":
		return "empty"
	case utf8.RuneCountInString(v) > f.max:
		return "over " + strconv.Itoa(f.max) + " characters"
	case strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && !(f.multiLine && (r == '\n' || r == '\t')) }):
		return "control characters"
	}
	return ""
}

// outcome checks the answer to a write of s into fields: each field is
// either accepted (2xx) or refused by a 422 naming it, for a reason the
// rules give. It returns the fields accepted and those the answer did not
// judge (refused because of another field).
func (tl *tally) outcome(t *testing.T, r *response, s string, fields ...textField) (accepted, unjudged []textField) {
	t.Helper()
	defer func() {
		for _, f := range accepted {
			tl.accepted[f.name]++
		}
	}()
	switch {
	case r.Status >= 200 && r.Status < 300:
		for _, f := range fields {
			if why := f.refusal(s); why != "" {
				t.Errorf("%s: %s %q accepted, but it is %s", r.req, f.name, s, why)
				continue
			}
			accepted = append(accepted, f)
		}
	case r.Status == 422:
		d := r.errorDetail()
		if d.Code != "invalid" || d.Field == "" || d.Message == "" {
			t.Errorf("%s: 422 without code, field or message: %s", r.req, r.Body)
		}
		for _, f := range fields {
			msg, named := d.Fields[f.name]
			if !named {
				unjudged = append(unjudged, f)
				continue
			}
			if msg == "" {
				t.Errorf("%s: %s %q refused without a message: %s", r.req, f.name, s, r.Body)
			}
			if f.refusal(s) == "" {
				t.Errorf("%s: %s %q refused, but it is valid: %s", r.req, f.name, s, msg)
			}
			tl.refused[f.name]++
		}
		if len(unjudged) == len(fields) {
			t.Errorf("%s: 422 names none of %v: %s", r.req, fields, r.Body)
			unjudged = nil
		}
	default:
		t.Errorf("%s with %q: status %d: %s", r.req, s, r.Status, r.Body)
	}
	return accepted, unjudged
}

// tally counts a sweep's answers field by field, to show it judged
// something both ways.
type tally struct {
	accepted, refused map[string]int
}

// newTally starts a tally. With bothWays, every field must have been seen
// accepting (400 times) and refusing (twice): a corpus like the naughty
// strings, built to be refused as much as accepted, must show both.
func newTally(t *testing.T, bothWays bool) *tally {
	tl := &tally{accepted: map[string]int{}, refused: map[string]int{}}
	t.Cleanup(func() {
		for name, n := range tl.accepted {
			if bothWays && (n < 400 || tl.refused[name] < 2) {
				t.Errorf("%s: %d accepted, %d refused: the sweep should see both", name, n, tl.refused[name])
			}
		}
		t.Logf("accepted %v, refused %v", tl.accepted, tl.refused)
	})
	return tl
}

// expectStored checks a value read back.
func expectStored(t *testing.T, where string, f textField, s, got string) {
	t.Helper()
	if want := f.stored(s); got != want {
		t.Errorf("%s: %s sent as %q read back as %q, want %q", where, f.name, s, got, want)
	}
}

func loadNaughtyStrings(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(testutil.CorpusPath(t, "blns.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		t.Fatalf("blns.json: %v", err)
	}
	if len(ss) < 500 {
		t.Fatalf("blns.json has only %d strings", len(ss))
	}
	// A few of our own: line endings, white space, limits.
	return append(ss, "a\r\nb\rc\n", " \t padded \t ", "\u00a0nbsp\u00a0", "tab\tinside", "bell\x07", "nul\x00",
		"\u0085next line", "del\x7f", "\u2028line separator", strings.Repeat("é", 100), strings.Repeat("é", 101),
		strings.Repeat("x", 2001), "\n\n", "")
}

// TestNaughtyStrings sends every string of the Big List of Naughty Strings
// through the API's free-text fields: each is either stored exactly
// (trimmed for single-line fields, line endings normalised for multi-line
// ones) and read back the same, or refused with a 422 naming the field.
// Never a 500.
func TestNaughtyStrings(t *testing.T) {
	strs := loadNaughtyStrings(t)
	sweepFreeText(t, func(testutil.Engine) []string { return strs }, true)
}

// TestXSSPayloadsThroughAPI sends payloadbox's XSS list through the same
// fields: the API must store each payload as text and give it back
// unchanged, as JSON (which the client helpers check every answer is),
// never rendered. SQLite takes the whole corpus, PostgreSQL one payload
// in testutil.XSSPostgresShare, spread out: what is checked here is the round trip.
func TestXSSPayloadsThroughAPI(t *testing.T) {
	all := loadXSSPayloads(t)
	sweepFreeText(t, func(e testutil.Engine) []string { return testutil.XSSShare(e, all) }, false)
}

// loadXSSPayloads reads payloadbox's XSS list, one payload a line.
func loadXSSPayloads(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(testutil.CorpusPath(t, "xss-payloadbox.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSuffix(line, "\r"); line != "" {
			out = append(out, line)
		}
	}
	if len(out) < 6000 {
		t.Fatalf("xss-payloadbox.txt holds %d payloads; expected the full list (6,600+)", len(out))
	}
	return out
}

// sweepFreeText sends every string that strsFor gives an engine through
// the API's free-text fields, on each engine: the profile's, a hub's (new
// and edited, and its city), an invitation's name and message, the
// network's name and description, a thread's title and a post's body.
func sweepFreeText(t *testing.T, strsFor func(testutil.Engine) []string, bothWays bool) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		strs := strsFor(e)
		v := newEnv(t, e)
		quiet := func(c *client, t *testing.T) *client {
			c = c.as(t)
			c.validate = false // the answers' shapes are checked elsewhere; this is about values
			return c
		}

		t.Run("Profile", func(t *testing.T) {
			t.Parallel()
			tl := newTally(t, bothWays)
			c := quiet(v.alice, t)
			for _, s := range strs {
				// All five fields at once; those a 422 does not judge
				// (refused for another field) are sent again alone.
				fields := []textField{fieldName, fieldBio, fieldOrganisation, fieldTitle, fieldCity}
				body := map[string]any{}
				for _, f := range fields {
					body[f.name] = s
				}
				accepted, rest := tl.outcome(t, c.patch("/api/v1/me", body), s, fields...)
				for _, f := range rest {
					a, _ := tl.outcome(t, c.patch("/api/v1/me", map[string]any{f.name: s}), s, f)
					accepted = append(accepted, a...)
				}
				if len(accepted) == 0 {
					continue
				}
				var m map[string]any
				c.get("/api/v1/me").ok(200, &m)
				for _, f := range accepted {
					got, _ := m[f.name].(string)
					expectStored(t, "GET /api/v1/me", f, s, got)
				}
			}
		})

		t.Run("Hub", func(t *testing.T) {
			t.Parallel()
			tl := newTally(t, bothWays)
			c := quiet(v.admin, t)
			type sent struct {
				s      string
				fields []textField
			}
			created := map[string]sent{} // by slug
			for i, s := range strs {
				slug := "n-" + strconv.Itoa(i)
				accepted, rest := tl.outcome(t, c.post("/api/v1/hubs", map[string]any{"name": s, "slug": slug, "description": s}),
					s, fieldHubName, fieldHubDesc)
				if len(accepted) > 0 {
					created[slug] = sent{s, accepted}
				}
				for _, f := range rest {
					body := map[string]any{"name": s, "slug": slug}
					if f == fieldHubDesc {
						slug = "d-" + strconv.Itoa(i)
						body = map[string]any{"name": "Hub " + strconv.Itoa(i), "slug": slug, "description": s}
					}
					if a, _ := tl.outcome(t, c.post("/api/v1/hubs", body), s, f); len(a) > 0 {
						created[slug] = sent{s, a}
					}
				}
			}
			seen := 0
			for page := 1; ; page++ {
				var l listOf[map[string]any]
				c.get("/api/v1/hubs?per_page=100&page="+strconv.Itoa(page)).ok(200, &l)
				for _, h := range l.Items {
					slug, _ := h["slug"].(string)
					if sn, ok := created[slug]; ok {
						seen++
						for _, f := range sn.fields {
							got, _ := h[f.name].(string)
							expectStored(t, "GET /api/v1/hubs "+slug, f, sn.s, got)
						}
					}
				}
				if page >= l.Pages {
					break
				}
			}
			if seen != len(created) {
				t.Errorf("created %d hubs, listed %d", len(created), seen)
			}

			// The same through PATCH, on one hub.
			for _, s := range strs {
				accepted, rest := tl.outcome(t, c.patch("/api/v1/hubs/rome", map[string]any{"name": s, "description": s}),
					s, fieldHubName, fieldHubDesc)
				for _, f := range rest {
					a, _ := tl.outcome(t, c.patch("/api/v1/hubs/rome", map[string]any{f.name: s}), s, f)
					accepted = append(accepted, a...)
				}
				if len(accepted) == 0 {
					continue
				}
				var h map[string]any
				c.get("/api/v1/hubs/rome").ok(200, &h)
				for _, f := range accepted {
					got, _ := h[f.name].(string)
					expectStored(t, "GET /api/v1/hubs/rome", f, s, got)
				}
			}
		})

		t.Run("HubCity", func(t *testing.T) {
			t.Parallel()
			tl := newTally(t, bothWays)
			c := quiet(v.admin, t)
			c.post("/api/v1/hubs", map[string]any{"name": "Cities", "slug": "cities"}).ok(201, nil)
			for _, s := range strs {
				if a, _ := tl.outcome(t, c.patch("/api/v1/hubs/cities", map[string]any{"city": s}), s, fieldHubCity); len(a) > 0 {
					var h map[string]any
					c.get("/api/v1/hubs/cities").ok(200, &h)
					got, _ := h["city"].(string)
					expectStored(t, "GET /api/v1/hubs/cities", fieldHubCity, s, got)
				}
			}
		})

		t.Run("Invitation", func(t *testing.T) {
			t.Parallel()
			tl := newTally(t, bothWays)
			c := quiet(v.admin, t)
			for i, s := range strs {
				body := map[string]any{"email": "invitee" + strconv.Itoa(i) + "@example.org", "name": s, "message": s}
				fields := []textField{fieldInviteeName, fieldInviteMsg}
				r := c.post("/api/v1/invitations", body)
				accepted, rest := tl.outcome(t, r, s, fields...)
				token := ""
				if len(accepted) == len(fields) {
					var ci map[string]any
					r.ok(201, &ci)
					token, _ = ci["token"].(string)
				}
				for _, f := range rest {
					r := c.post("/api/v1/invitations", map[string]any{"email": "alone" + strconv.Itoa(i) + "@example.org", f.name: s})
					if a, _ := tl.outcome(t, r, s, f); len(a) > 0 {
						var ci map[string]any
						r.ok(201, &ci)
						token, _ = ci["token"].(string)
						accepted = a
					}
				}
				if len(accepted) == 0 || token == "" {
					continue
				}
				var j map[string]any
				quiet(v.anon, t).get("/api/v1/join/"+token).ok(200, &j)
				for _, f := range accepted {
					got, _ := j[f.name].(string)
					expectStored(t, "GET /api/v1/join/{token}", f, s, got)
				}
			}
		})

		t.Run("Network", func(t *testing.T) {
			t.Parallel()
			tl := newTally(t, bothWays)
			c := quiet(v.admin, t)
			for _, s := range strs {
				fields := []textField{fieldNetworkName, fieldNetworkDesc}
				accepted, rest := tl.outcome(t, c.patch("/api/v1/network", map[string]any{"name": s, "description": s}), s, fields...)
				for _, f := range rest {
					a, _ := tl.outcome(t, c.patch("/api/v1/network", map[string]any{f.name: s}), s, f)
					accepted = append(accepted, a...)
				}
				if len(accepted) == 0 {
					continue
				}
				var n map[string]any
				c.get("/api/v1/network").ok(200, &n)
				for _, f := range accepted {
					got, _ := n[f.name].(string)
					expectStored(t, "GET /api/v1/network", f, s, got)
				}
			}
		})

		t.Run("ThreadTitle", func(t *testing.T) {
			t.Parallel()
			tl := newTally(t, bothWays)
			c := quiet(v.bob, t)
			created := map[int64]string{}
			for _, s := range strs {
				r := c.post("/api/v1/threads", map[string]any{"title": s, "body": "Body"})
				if a, _ := tl.outcome(t, r, s, fieldThreadTitle); len(a) > 0 {
					var th threadJSON
					r.ok(201, &th)
					created[th.ID] = s
				}
			}
			// Other subtests add threads while these pages are read, which
			// shifts page boundaries: count each thread once.
			seen := map[int64]bool{}
			for page := 1; ; page++ {
				var l listOf[threadJSON]
				c.get("/api/v1/threads?per_page=100&page="+strconv.Itoa(page)).ok(200, &l)
				for _, th := range l.Items {
					if s, ok := created[th.ID]; ok {
						seen[th.ID] = true
						expectStored(t, path("GET /api/v1/threads (%d)", th.ID), fieldThreadTitle, s, th.Title)
					}
				}
				if page >= l.Pages {
					break
				}
			}
			if len(seen) != len(created) {
				t.Errorf("created %d threads, listed %d", len(created), len(seen))
			}
		})

		t.Run("PostBody", func(t *testing.T) {
			t.Parallel()
			tl := newTally(t, bothWays)
			c := quiet(v.alice, t)
			var th threadJSON
			c.post("/api/v1/threads", map[string]any{"title": "Naughty replies", "body": "Reply below."}).ok(201, &th)
			created := map[int64]string{}
			for _, s := range strs {
				r := c.post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": s})
				if a, _ := tl.outcome(t, r, s, fieldPostBody); len(a) > 0 {
					var p postJSON
					r.ok(201, &p)
					created[p.ID] = s
				}
			}
			seen := 0
			for page := 1; ; page++ {
				var l listOf[postJSON]
				c.get(path("/api/v1/threads/%d/posts?per_page=100&page=%d", th.ID, page)).ok(200, &l)
				for _, p := range l.Items {
					if s, ok := created[p.ID]; ok {
						seen++
						expectStored(t, path("GET posts (%d)", p.ID), fieldPostBody, s, p.Body)
					}
				}
				if page >= l.Pages {
					break
				}
			}
			if seen != len(created) {
				t.Errorf("created %d posts, listed %d", len(created), seen)
			}
		})
	})
}
