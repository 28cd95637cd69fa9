package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/store"
)

// Scale is the size of the seeded network.
type Scale struct {
	Members int `json:"members"` // including the network admin
	Hubs    int `json:"hubs"`
	Posts   int `json:"posts"`   // every post, opening posts included
	Replies int `json:"replies"` // replies in the one long thread the thread page shows
}

// DefaultScale is the network the issue asks for: about 2,000 members,
// 8 hubs, 20,000 posts and one thread of 200 replies.
var DefaultScale = Scale{Members: 2000, Hubs: 8, Posts: 20000, Replies: 200}

// TenfoldScale is ten times the default network: 20,000 members would be
// ten times too; the issue measured 10,000 members and 200,000 posts.
var TenfoldScale = Scale{Members: 10000, Hubs: 8, Posts: 200000, Replies: 200}

// TinyScale is small enough for the smoke test to seed in a second or two.
var TinyScale = Scale{Members: 30, Hubs: 2, Posts: 200, Replies: 20}

// validate refuses scales the seeder cannot honour.
func (s Scale) validate() error {
	switch {
	case s.Members < 3:
		return fmt.Errorf("scale: at least 3 members (an admin, the viewer and an outsider), not %d", s.Members)
	case s.Hubs < 1 || s.Hubs > len(places):
		return fmt.Errorf("scale: between 1 and %d hubs, not %d", len(places), s.Hubs)
	case s.Replies < 0:
		return fmt.Errorf("scale: replies must not be negative")
	case s.Posts < s.Replies+2:
		return fmt.Errorf("scale: %d posts cannot hold a thread of %d replies and one other thread", s.Posts, s.Replies)
	}
	return nil
}

// Seeded is what the measurement needs to know about the seeded network.
type Seeded struct {
	// Viewer is the signed-in member whose pages are measured: a regular
	// member of the long thread's hub, who opened the long thread.
	Viewer *sharefair.Member
	// Reader is another regular member of the long thread's hub who wrote
	// nothing in it, like most of a discussion's readers.
	Reader *sharefair.Member
	// Outsider is a regular member of no hub the long thread is in; the
	// bench checks they are refused the thread.
	Outsider *sharefair.Member
	// Thread is the long thread, in a hub, so that reading it exercises the
	// access predicate.
	Thread *sharefair.Thread
	// FirstPage are the ids of the posts the thread's first page shows.
	FirstPage []int64
	// Circle is a closed circle across hubs that the viewer hosts, with
	// discussions of its own.
	Circle *sharefair.Circle
	// Coordinator coordinates the long thread's hub; Flagged posts of
	// the hub wait in their moderation queue.
	Coordinator *sharefair.Member
	Flagged     int
	// Followed counts the threads the viewer follows, each with a reply
	// they have not read; Notified the notifications made for what was
	// seeded, by the job runner.
	Followed, Notified int
	// Members, Threads and Posts count what was created.
	Members, Threads, Posts int
	// Took is how long seeding took.
	Took time.Duration
}

// seedClock is the app's clock: during seeding it tells the time of the
// event being written, so that timestamps spread over months; afterwards
// it tells the real time.
type seedClock struct{ t atomic.Int64 } // UnixNano; 0 means real time

// Now returns the clock's time.
func (c *seedClock) Now() time.Time {
	if n := c.t.Load(); n != 0 {
		return time.Unix(0, n).UTC()
	}
	return time.Now().UTC()
}

func (c *seedClock) set(t time.Time) { c.t.Store(t.UnixNano()) }
func (c *seedClock) real()           { c.t.Store(0) }

// oneHash stands in for the password hasher while seeding: every member
// gets the same password, hashed once with the app's real hasher, because
// two thousand argon2id hashes would take minutes and prove nothing.
// Verification still goes to the real hasher.
type oneHash struct {
	store.PasswordHasher
	hash string
}

// Hash returns the precomputed hash.
func (h oneHash) Hash(string) (string, error) { return h.hash, nil }

// seedPassword is every seeded member's password.
const seedPassword = "sharefair bench password"

// plannedPost is a post to write at a given time.
type plannedPost struct {
	at     time.Time
	thread int // index into the planned threads
	author int // index into the members
	open   bool
}

// plannedThread is a thread to start.
type plannedThread struct {
	hub    int // -1 for the whole network
	title  string
	id     int64
	posts  int
	author int
}

// seed fills db with a realistic network at scale s. Everything goes
// through the store's public methods, as members would write it (posts
// are rendered from Markdown on write, mentions resolved), so the data
// stays right whatever the schema becomes.
func seed(ctx context.Context, db *store.DB, clock *seedClock, s Scale, rnd *rand.Rand) (*Seeded, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	realHasher := db.Hasher
	hash, err := realHasher.Hash(seedPassword)
	if err != nil {
		return nil, fmt.Errorf("seed: hash the password: %w", err)
	}
	db.Hasher = oneHash{PasswordHasher: realHasher, hash: hash}
	defer func() { db.Hasher = realHasher }()
	defer clock.real()

	// Six months of history, ending an hour ago.
	end := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	begin := end.Add(-180 * 24 * time.Hour)
	op := sharefair.NewOperatorContext(ctx)

	// Members, the admin first.
	clock.set(begin.Add(-24 * time.Hour))
	people := newPeople(rnd, s.Members)
	members := make([]*sharefair.Member, s.Members)
	for i, p := range people {
		role := sharefair.RoleMember
		if i == 0 {
			role = sharefair.RoleAdmin
		}
		clock.set(begin.Add(-time.Duration(s.Members-i) * time.Minute))
		m, err := db.CreateMember(op, sharefair.NewMember{Email: p.handle + "@example.org", Handle: p.handle,
			Name: p.name, Password: seedPassword, Role: role})
		if err != nil {
			return nil, fmt.Errorf("seed: member %s: %w", p.handle, err)
		}
		u := p.profile()
		if m, err = db.UpdateMember(sharefair.NewContextWithViewer(ctx, m), m.ID, u); err != nil {
			return nil, fmt.Errorf("seed: profile of %s: %w", p.handle, err)
		}
		members[i] = m
	}
	admin := sharefair.NewContextWithViewer(ctx, members[0])
	as := func(i int) context.Context { return sharefair.NewContextWithViewer(ctx, members[i]) }

	// Hubs, and who is in them: every regular member in one or two hubs,
	// their city's when it has one, except the outsider (member 2), who
	// is in none.
	clock.set(begin.Add(-time.Hour))
	hubs := make([]*sharefair.Hub, s.Hubs)
	for i := range hubs {
		pl := places[i]
		h, err := db.CreateHub(admin, sharefair.NewHub{Name: pl.city,
			Description: fmt.Sprintf("Knowledge managers in and around %s: monthly meetups after work, peer assists and a shared library of what worked.", pl.city)})
		if err != nil {
			return nil, fmt.Errorf("seed: hub %s: %w", pl.city, err)
		}
		hubs[i] = h
	}
	inHub := make([][]int, s.Hubs) // hub → member indexes
	reader := min(3, s.Members-1)  // lives in the hub's city: see newPeople
	for i := 1; i < s.Members; i++ {
		if i == 2 {
			continue
		}
		first := people[i].place % s.Hubs
		if i == 1 || i == reader {
			first = 0 // the viewer and the reader belong to the long thread's hub
		}
		joined := []int{first}
		if rnd.IntN(3) == 0 && s.Hubs > 1 {
			if second := rnd.IntN(s.Hubs); second != first {
				joined = append(joined, second)
			}
		}
		for _, h := range joined {
			if _, err := db.JoinHub(as(i), hubs[h].Slug); err != nil {
				return nil, fmt.Errorf("seed: %s joins %s: %w", members[i].Handle, hubs[h].Slug, err)
			}
			inHub[h] = append(inHub[h], i)
		}
	}
	var coordinator *sharefair.Member // the long thread's hub's first
	for h := range hubs {
		// Two coordinators a hub (never the viewer: a regular member).
		n := 0
		for _, i := range inHub[h] {
			if i == 1 {
				continue
			}
			if n++; n > 2 {
				break
			}
			if _, err := db.SetCoordinator(admin, hubs[h].Slug, members[i].Handle, true); err != nil {
				return nil, fmt.Errorf("seed: coordinator of %s: %w", hubs[h].Slug, err)
			}
			if h == 0 && coordinator == nil {
				coordinator = members[i]
			}
		}
	}

	// Threads. The long thread comes first, in the viewer's hub; the
	// others share the remaining posts, a few long and most short, spread
	// over the network and the hubs.
	rest := s.Posts - (s.Replies + 1)
	nThreads := max(1, rest/8)
	threads := make([]plannedThread, 0, nThreads+1)
	threads = append(threads, plannedThread{hub: 0, posts: s.Replies + 1, author: 1,
		title: "Running after-action reviews people actually come to: what worked for you?"})
	for range nThreads {
		t := plannedThread{hub: -1, title: threadTitle(rnd), posts: 1}
		if rnd.IntN(5) < 3 {
			t.hub = rnd.IntN(s.Hubs)
		}
		threads = append(threads, t)
	}
	for range rest - nThreads {
		// Squaring a uniform number favours the first threads: a long tail.
		u := rnd.Float64()
		threads[1+int(u*u*float64(nThreads))].posts++
	}
	// Who may write in a thread: its hub's members, or anyone but the admin.
	eligible := func(t *plannedThread) []int {
		if t.hub >= 0 {
			return inHub[t.hub]
		}
		return nil
	}
	pick := func(t *plannedThread) int {
		for {
			i := 1 + rnd.IntN(s.Members-1)
			if e := eligible(t); len(e) > 0 {
				i = e[rnd.IntN(len(e))]
			}
			if t != &threads[0] || i != reader || len(eligible(t)) == 1 {
				return i // the reader only reads the long thread
			}
		}
	}
	span := end.Sub(begin)
	var plan []plannedPost
	for ti := range threads {
		t := &threads[ti]
		opened := begin.Add(time.Duration(rnd.Int64N(int64(span))))
		if ti == 0 {
			opened = end.Add(-30 * 24 * time.Hour)
		}
		if t.author == 0 {
			t.author = pick(t)
		}
		plan = append(plan, plannedPost{at: opened, thread: ti, author: t.author, open: true})
		at := opened
		for range t.posts - 1 {
			// Replies come minutes to a day or so apart.
			gap := time.Duration(rnd.ExpFloat64() * float64(6*time.Hour))
			if ti == 0 {
				gap = time.Duration(rnd.ExpFloat64() * float64(30*24*time.Hour) / float64(t.posts))
			}
			at = at.Add(gap + time.Minute)
			if at.After(end) {
				at = end
			}
			plan = append(plan, plannedPost{at: at, thread: ti, author: pick(t)})
		}
	}
	slices.SortStableFunc(plan, func(a, b plannedPost) int { return a.at.Compare(b.at) })

	writer := newWriter(rnd, members)
	out := &Seeded{Viewer: members[1], Outsider: members[2], Reader: members[reader], Members: len(members)}
	for _, p := range plan {
		clock.set(p.at)
		t := &threads[p.thread]
		size := 200 + rnd.IntN(600)
		if p.thread == 0 {
			size = 450 + rnd.IntN(100) // the long thread: about 500 characters each
		}
		body := writer.post(size)
		if p.open {
			nt := sharefair.NewThread{Title: t.title, Body: body, Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}}
			if t.hub >= 0 {
				nt.Audience = sharefair.AudienceChoice{Kind: sharefair.AudienceHub, Hub: hubs[t.hub].Slug}
			}
			created, err := db.CreateThread(as(p.author), nt)
			if err != nil {
				return nil, fmt.Errorf("seed: thread %q: %w", t.title, err)
			}
			t.id = created.ID
			out.Threads++
			if p.thread == 0 {
				out.Thread = created
			}
		} else {
			if _, err := db.CreatePost(as(p.author), t.id, body); err != nil {
				return nil, fmt.Errorf("seed: reply in thread %d: %w", t.id, err)
			}
		}
		out.Posts++
	}
	out.Coordinator = coordinator
	if out.Circle, err = seedCircle(ctx, db, clock, s, rnd, writer, members, begin); err != nil {
		return nil, err
	}
	out.Posts += circlePosts(s)
	// Posts of the long thread's hub flagged for its moderators, one each,
	// by a member of the hub who did not write it.
	for ti := 1; ti < len(threads) && out.Flagged < flaggedPosts && coordinator != nil; ti++ {
		t := &threads[ti]
		if t.hub != 0 {
			continue
		}
		posts, _, err := db.FindPosts(as(t.author), t.id, sharefair.Page{Number: 1, Size: 1})
		if err != nil || len(posts) == 0 {
			return nil, fmt.Errorf("seed: the opening post of thread %d: %v", t.id, err)
		}
		by := inHub[0][rnd.IntN(len(inHub[0]))]
		if by == t.author || by == reader || by == 1 {
			continue
		}
		clock.set(end.Add(-time.Duration(flaggedPosts-out.Flagged) * time.Hour))
		if _, err := db.FlagPost(as(by), posts[0].ID, sharefair.NewFlag{Reason: sharefair.FlagOffTopic,
			Note: "This belongs in another hub, I think."}); err != nil {
			return nil, fmt.Errorf("seed: flag post %d: %w", posts[0].ID, err)
		}
		out.Flagged++
	}
	// The viewer follows threads they may read, has read them, and a
	// reply has come in each since: their notifications page and their
	// discussions, with what is new marked.
	viewerHubs := map[int]bool{}
	for h, ms := range inHub {
		if slices.Contains(ms, 1) {
			viewerHubs[h] = true
		}
	}
	clock.set(end.Add(-30 * time.Minute))
	for ti := 1; ti < len(threads) && out.Followed < followedThreads; ti++ {
		t := &threads[ti]
		if t.hub >= 0 && !viewerHubs[t.hub] {
			continue
		}
		if _, err := db.FollowThread(as(1), t.id, sharefair.FollowFollowing); err != nil {
			return nil, fmt.Errorf("seed: follow thread %d: %w", t.id, err)
		}
		if err := db.MarkThreadRead(as(1), t.id, 0); err != nil {
			return nil, fmt.Errorf("seed: read thread %d: %w", t.id, err)
		}
		by := pick(t)
		for by == 1 {
			by = pick(t)
		}
		if _, err := db.CreatePost(as(by), t.id, writer.post(200+rnd.IntN(400))); err != nil {
			return nil, fmt.Errorf("seed: reply in followed thread %d: %w", t.id, err)
		}
		out.Posts++
		out.Followed++
	}
	// The long thread's author has read it all.
	if err := db.MarkThreadRead(as(1), threads[0].id, 0); err != nil {
		return nil, fmt.Errorf("seed: read the long thread: %w", err)
	}
	clock.real()

	// What the first page of the long thread must show.
	viewer := sharefair.NewContextWithViewer(ctx, out.Viewer)
	if out.Thread, err = db.FindThreadByID(viewer, out.Thread.ID); err != nil {
		return nil, fmt.Errorf("seed: read back the long thread: %w", err)
	}
	posts, _, err := db.FindPosts(viewer, out.Thread.ID, sharefair.Page{Number: 1, Size: sharefair.PostsPerPage})
	if err != nil {
		return nil, fmt.Errorf("seed: read back the long thread's posts: %w", err)
	}
	for _, p := range posts {
		out.FirstPage = append(out.FirstPage, p.ID)
	}
	out.Took = time.Since(start)
	return out, nil
}

// flaggedPosts is how many posts wait in the moderation queue measured:
// one page of it.
const flaggedPosts = 20

// followedThreads is how many threads the viewer follows, each with a
// reply since they read it.
const followedThreads = 200

// circlePosts is how many posts the circle's discussions hold, beside the
// scale's: a discussion of about four posts for every fifty of the
// network's.
func circlePosts(s Scale) int { return 4 * circleThreads(s) }

func circleThreads(s Scale) int { return max(2, s.Posts/400) }

// seedCircle starts the circle the bench measures: closed, hosted by the
// viewer (member 1), with up to 60 members from every hub, invited and
// accepting, and its discussions (circleThreads of four posts, one in
// four under the Chatham House rule, some replies anonymous) from the
// first three months, so that the home page's latest discussions stay
// the hubs' and the network's.
func seedCircle(ctx context.Context, db *store.DB, clock *seedClock, s Scale, rnd *rand.Rand, w *writer,
	members []*sharefair.Member, begin time.Time) (*sharefair.Circle, error) {
	as := func(i int) context.Context { return sharefair.NewContextWithViewer(ctx, members[i]) }
	clock.set(begin.Add(-30 * time.Minute))
	c, err := db.CreateCircle(as(1), sharefair.NewCircle{Name: "Evaluation practitioners", Kind: sharefair.CircleClosed,
		Description: "Monitoring, evaluation and learning people from every hub: methods, tools and what went wrong."})
	if err != nil {
		return nil, fmt.Errorf("seed: circle: %w", err)
	}
	in := []int{1}
	for i := 4; i < len(members) && len(in) < 60; i += 1 + len(members)/60 {
		if _, err := db.InviteToCircle(as(1), c.Key, members[i].Handle); err != nil {
			return nil, fmt.Errorf("seed: invite %s to the circle: %w", members[i].Handle, err)
		}
		if _, err := db.AnswerCircleInvitation(as(i), c.Key, true); err != nil {
			return nil, fmt.Errorf("seed: %s joins the circle: %w", members[i].Handle, err)
		}
		in = append(in, i)
	}
	span := 90 * 24 * time.Hour
	for k := range circleThreads(s) {
		at := begin.Add(time.Duration(rnd.Int64N(int64(span))))
		clock.set(at)
		nt := sharefair.NewThread{Title: threadTitle(rnd), Body: w.post(200 + rnd.IntN(600)), ChathamHouse: k%4 == 0,
			Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceCircle, Circle: c.Key}}
		th, err := db.CreateThread(as(in[rnd.IntN(len(in))]), nt)
		if err != nil {
			return nil, fmt.Errorf("seed: circle thread: %w", err)
		}
		for r := range 3 {
			at = at.Add(time.Duration(rnd.ExpFloat64()*float64(6*time.Hour)) + time.Minute)
			clock.set(at)
			np := sharefair.NewPost{Body: w.post(200 + rnd.IntN(600))}
			if r == 1 && k%3 == 0 {
				np.Attribution = sharefair.AttributionAnonymous
			}
			if _, err := db.WritePost(as(in[rnd.IntN(len(in))]), th.ID, np); err != nil {
				return nil, fmt.Errorf("seed: reply in circle thread %d: %w", th.ID, err)
			}
		}
	}
	return db.FindCircle(as(1), c.Key)
}

// place is a city with its country, time zone and languages.
type place struct {
	city, country, zone string
	langs               []string
}

// places are where hubs meet and members live; the first len(hubs) are hub
// cities.
var places = []place{
	{"Rome", "IT", "Europe/Rome", []string{"it", "en", "fr"}},
	{"Nairobi", "KE", "Africa/Nairobi", []string{"sw", "en"}},
	{"Bangkok", "TH", "Asia/Bangkok", []string{"th", "en"}},
	{"Geneva", "CH", "Europe/Zurich", []string{"fr", "en", "de"}},
	{"New York", "US", "America/New_York", []string{"en", "es"}},
	{"Dakar", "SN", "Africa/Dakar", []string{"fr", "wo", "en"}},
	{"Manila", "PH", "Asia/Manila", []string{"tl", "en"}},
	{"Lima", "PE", "America/Lima", []string{"es", "qu", "en"}},
	{"Kathmandu", "NP", "Asia/Kathmandu", []string{"ne", "en"}},
	{"Addis Ababa", "ET", "Africa/Addis_Ababa", []string{"am", "en"}},
	{"Amman", "JO", "Asia/Amman", []string{"ar", "en"}},
	{"New Delhi", "IN", "Asia/Kolkata", []string{"hi", "en"}},
}

var (
	firstNames = []string{"Amina", "Luca", "Somchai", "Claire", "Kwame", "Maria", "Joseph", "Aïcha", "Rahul", "Elena",
		"Tomás", "Wanjiru", "Fatou", "Nguyen", "Sofia", "Ibrahim", "Chiara", "Daniel", "Mei", "Olusegun", "Priya",
		"Marco", "Lucía", "Hassan", "Grace", "Pierre", "Ananya", "Mateo", "Zainab", "Kofi", "Laila", "Jonas",
		"Isabel", "Arjun", "Noura", "Emeka", "Giulia", "Samuel", "Thandiwe", "Carlos"}
	lastNames = []string{"Okafor", "Rossi", "Wongsuwan", "Dubois", "Mensah", "Santos", "Kamau", "Diallo", "Sharma",
		"Petrova", "García", "Njoroge", "Ndiaye", "Tran", "Bianchi", "Haddad", "Moretti", "Cohen", "Chen", "Adeyemi",
		"Iyer", "Ferrari", "Quispe", "Mahmoud", "Achieng", "Lefèvre", "Gupta", "Fernández", "Bello", "Boateng",
		"Nasser", "Berg", "Reyes", "Thapa", "Tesfaye", "Abdullah", "Conti", "Mwangi", "Dlamini", "Silva"}
	organisations = []string{"FAO", "IFAD", "WFP", "UNDP", "UNICEF", "UNHCR", "WHO", "ILO", "UNESCO", "World Bank",
		"CGIAR", "Bioversity International", "ICRAF", "IRRI", "CIP", "Oxfam", "Save the Children", "CARE International",
		"Practical Action", "BRAC", "Mercy Corps", "Plan International", "Helvetas", "GIZ", "SNV", "ODI",
		"IDS Sussex", "Asian Institute of Technology", "University of Nairobi", "KM4Dev", "Knowledge Hub Lima",
		"Small Farmers Cooperative", "Open Data Kenya", "Ministry of Agriculture"}
	titles = []string{"Knowledge management officer", "KM specialist", "Learning and knowledge adviser",
		"Communications and knowledge lead", "Monitoring, evaluation and learning officer", "Programme officer",
		"Information manager", "Community of practice facilitator", "Research fellow", "Librarian", "Consultant",
		"Head of knowledge and learning"}
	expertise = []string{"after-action reviews", "communities of practice", "peer assist", "knowledge harvesting",
		"storytelling", "facilitation", "lessons learned", "monitoring and evaluation", "open data",
		"digital libraries", "taxonomy", "social network analysis", "knowledge audits", "onboarding",
		"most significant change", "outcome harvesting", "gender", "climate adaptation", "food security",
		"information management", "wikis", "mentoring", "learning events", "knowledge fairs", "retrospectives"}
)

// person is a member to create.
type person struct {
	name, handle string
	place        int
	org, title   string
	langs, tags  []string
	bio          string
}

// newPeople makes n distinct people with unique handles.
func newPeople(rnd *rand.Rand, n int) []person {
	taken := map[string]bool{}
	people := make([]person, n)
	for i := range people {
		first, last := firstNames[rnd.IntN(len(firstNames))], lastNames[rnd.IntN(len(lastNames))]
		if i == 0 {
			first, last = "Network", "Admin"
		}
		base := sharefair.SuggestHandle(first + " " + last)
		if len(base) > 26 {
			base = base[:26] // room for a number that tells namesakes apart
		}
		h := base
		for k := 2; taken[h]; k++ {
			h = fmt.Sprintf("%s%d", base, k)
		}
		taken[h] = true
		pl := rnd.IntN(len(places))
		if i == 1 || i == 3 {
			// The viewer and the reader (see seed) live where the long
			// thread's hub meets, as most of a hub's members do.
			pl = 0
		}
		p := person{name: first + " " + last, handle: h, place: pl,
			org: organisations[rnd.IntN(len(organisations))], title: titles[rnd.IntN(len(titles))]}
		// Only codes the app offers: the list of languages may change.
		for _, c := range places[pl].langs[:1+rnd.IntN(len(places[pl].langs))] {
			if _, ok := sharefair.LanguageName(c); ok {
				p.langs = append(p.langs, c)
			}
		}
		if len(p.langs) == 0 {
			p.langs = []string{"en"}
		}
		for range 1 + rnd.IntN(4) {
			if t := expertise[rnd.IntN(len(expertise))]; !slices.Contains(p.tags, t) {
				p.tags = append(p.tags, t)
			}
		}
		p.bio = fmt.Sprintf("I work on %s at %s in %s. Happy to talk about %s.",
			strings.ToLower(p.title), p.org, places[pl].city, strings.Join(p.tags, ", "))
		people[i] = p
	}
	return people
}

// profile is the person's profile as a member would fill it in.
func (p person) profile() sharefair.MemberUpdate {
	pl := places[p.place]
	return sharefair.MemberUpdate{Organisation: &p.org, Title: &p.title, City: &pl.city, Country: &pl.country,
		TimeZone: &pl.zone, Languages: &p.langs, Expertise: &p.tags, Bio: &p.bio}
}

var (
	topics = []string{"after-action reviews", "onboarding new staff", "a community of practice that went quiet",
		"harvesting what a meetup said", "a peer assist for a field office", "lessons learned nobody reads",
		"a knowledge fair on a small budget", "storytelling with farmers' groups", "a taxonomy for project documents",
		"mentoring across time zones", "moving a mailing list to something better", "exit interviews",
		"a wiki that stays current", "most significant change stories", "outcome harvesting in a pilot"}
	contexts = []string{"in a country office of forty people", "with partners in three languages",
		"on connections that drop every afternoon", "with a team that changes every six months",
		"in a research centre with strong silos", "in a cooperative of small producers",
		"with a donor who wants numbers", "in a network of volunteers"}
	titleForms = []string{"How do you run %s %s?", "What would you avoid with %s %s?", "Story: %s %s",
		"Peer assist: %s %s", "Looking for examples of %s %s", "What worked for %s %s?"}
	sentences = []string{
		"We tried this last year and the first session was the hardest: people did not know what to expect.",
		"What helped most was asking one person to tell the story of what actually happened, before anyone judged it.",
		"I would definitely keep the group small, eight people at most, and give it a clear end.",
		"The director came to the second meeting, which changed everything: people saw it was taken seriously.",
		"We wrote the lessons down in plain language and linked each one to the project it came from.",
		"Nobody reads a forty-page report, but a two-minute story gets retold in the corridor.",
		"Our mistake was to make it mandatory; attendance went up and honesty went down.",
		"In the field offices, a phone call worked better than any platform we bought.",
		"I would avoid starting with a tool. Start with a question people already argue about.",
		"We meet after work once a month, in a café near the office, and someone brings a real problem.",
		"The harvest is the part everyone forgets: who came, what was said, and what we will try next time.",
		"Translating the summary into French and Swahili doubled the number of people who answered.",
		"It took us three tries to find a time that worked for Bangkok, Rome and Lima at once.",
		"Our coordinator rotates every quarter, so no one person ends up doing everything.",
		"The donor asked for indicators; we gave them the stories, and the numbers that came with them.",
		"A peer assist the week before the mission saved us from repeating a mistake another team had made.",
		"We keep a short list of open questions at the top of the page, and close them when someone answers.",
		"When people feel safe to say what went wrong, the conversation becomes useful very quickly.",
		"I still think the best knowledge management tool we have is a good lunch.",
		"The new staff told us the onboarding stories were the first thing that made the organisation make sense.",
	}
	listItems = []string{"agree on one question before the meeting", "invite someone from outside the team",
		"keep it under an hour", "write down who said what only with their permission",
		"send the harvest within two days", "link each lesson to its source", "ask what we would do differently",
		"end with one thing each person will try", "share the notes in the languages people use",
		"thank people by name afterwards"}
)

// threadTitle makes a plausible discussion title.
func threadTitle(rnd *rand.Rand) string {
	return fmt.Sprintf(titleForms[rnd.IntN(len(titleForms))], topics[rnd.IntN(len(topics))], contexts[rnd.IntN(len(contexts))])
}

// writer writes post bodies in Markdown.
type writer struct {
	rnd     *rand.Rand
	handles []string
}

func newWriter(rnd *rand.Rand, members []*sharefair.Member) *writer {
	w := &writer{rnd: rnd}
	for _, m := range members {
		w.handles = append(w.handles, m.Handle)
	}
	return w
}

// post writes a Markdown post of about size characters: paragraphs of
// plain sentences, now and then emphasis, a list, a link or an @mention of
// a real member.
func (w *writer) post(size int) string {
	var b strings.Builder
	para := 0
	for b.Len() < size {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		switch r := w.rnd.IntN(10); {
		case r == 0 && para > 0:
			b.WriteString("What I would do:\n\n")
			for range 2 + w.rnd.IntN(3) {
				b.WriteString("- " + listItems[w.rnd.IntN(len(listItems))] + "\n")
			}
			continue
		case r == 1:
			b.WriteString("@" + w.handles[1+w.rnd.IntN(len(w.handles)-1)] + " ")
		}
		for range 1 + w.rnd.IntN(3) {
			s := sentences[w.rnd.IntN(len(sentences))]
			switch w.rnd.IntN(12) {
			case 0:
				s = "**" + s + "**"
			case 1:
				s = "*" + s + "*"
			case 2:
				s += " There is a good write-up at [the KM4Dev wiki](https://km4dev.example.org/wiki/aar)."
			}
			b.WriteString(s + " ")
			if b.Len() >= size {
				break
			}
		}
		para++
	}
	return strings.TrimSpace(b.String())
}
