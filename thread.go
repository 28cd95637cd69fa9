package sharefair

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// AudienceKind says who may read a piece of content. Every kind of content
// (threads now; challenges, events and goals later) has one, and the
// store's one visibility predicate decides each kind.
type AudienceKind string

// Audiences.
const (
	AudienceNetwork AudienceKind = "network" // every member of the network
	AudienceHub     AudienceKind = "hub"     // members of one hub (and network admins)
	// AudienceCircle: members of one circle; network admins too, unless
	// the circle is secret.
	AudienceCircle AudienceKind = "circle"
	// AudienceMembers: the named members and the author, nobody else.
	AudienceMembers AudienceKind = "members"
)

// Valid reports whether k is a known audience.
func (k AudienceKind) Valid() bool {
	return k == AudienceNetwork || k == AudienceHub || k == AudienceCircle || k == AudienceMembers
}

// Audience is who may read a piece of content.
type Audience struct {
	Kind   AudienceKind
	Hub    *HubRef    // set when Kind is AudienceHub
	Circle *CircleRef // set when Kind is AudienceCircle
	// Members are the named readers, the author among them, when Kind is
	// AudienceMembers; filled where the audience is shown in full (a
	// thread's page), nil in lists.
	Members []*MemberRef
}

// Readers reports how many members read content for a: its named
// members and its author, or a circle's members; false for a hub or the
// network, whose readers are many and come and go.
func (a Audience) Readers() (int, bool) {
	switch {
	case a.Kind == AudienceMembers && a.Members != nil:
		return len(a.Members) + 1, true
	case a.Kind == AudienceCircle && a.Circle != nil:
		return a.Circle.Members, true
	}
	return 0, false
}

// Label describes the audience for a person.
func (a Audience) Label() string {
	switch {
	case a.Kind == AudienceHub && a.Hub != nil:
		return a.Hub.Name + " hub"
	case a.Kind == AudienceCircle && a.Circle != nil:
		return a.Circle.Name + " circle"
	case a.Kind == AudienceMembers:
		if a.Members == nil {
			return "Named members only"
		}
		names := make([]string, len(a.Members))
		for i, m := range a.Members {
			names[i] = "@" + m.Handle
		}
		return "Named members only: " + strings.Join(names, ", ")
	}
	return "Whole network"
}

// AudienceChoice is the audience a writer asks for: a kind and what it
// names. It is given when content is written and when its author narrows
// who may read it.
type AudienceChoice struct {
	Kind    AudienceKind
	Hub     string   // hub slug when Kind is AudienceHub
	Circle  string   // circle key when Kind is AudienceCircle
	Members []string // handles when Kind is AudienceMembers; the author is always a reader
}

// MaxAudienceMembers bounds a named-members audience.
const MaxAudienceMembers = 50

// validate checks and normalises c into p. An empty kind is a hub when a
// hub is given, else the whole network.
func (c *AudienceChoice) validate(p Problems) {
	c.Hub, c.Circle = strings.TrimSpace(c.Hub), strings.TrimSpace(c.Circle)
	if c.Kind == "" {
		switch {
		case c.Hub != "":
			c.Kind = AudienceHub
		case c.Circle != "":
			c.Kind = AudienceCircle
		default:
			c.Kind = AudienceNetwork
		}
	}
	if !c.Kind.Valid() {
		p.Add("audience", "Choose who may read it: the whole network, a hub, a circle or named members.")
		return
	}
	if c.Kind != AudienceHub {
		c.Hub = ""
	}
	if c.Kind != AudienceCircle {
		c.Circle = ""
	}
	if c.Kind != AudienceMembers {
		c.Members = nil
	}
	switch c.Kind {
	case AudienceHub:
		if !ValidSlug(c.Hub) {
			p.Add("hub", "Choose one of your hubs.")
		}
	case AudienceCircle:
		if !ValidCircleKey(c.Circle) {
			p.Add("circle", "Choose one of your circles.")
		}
	case AudienceMembers:
		seen := map[string]bool{}
		var handles []string
		for _, h := range c.Members {
			for _, f := range strings.FieldsFunc(h, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' }) {
				f = NormalizeHandle(strings.TrimPrefix(f, "@"))
				if !seen[f] {
					seen[f] = true
					handles = append(handles, f)
				}
			}
		}
		c.Members = handles
		switch {
		case len(handles) == 0:
			p.Add("members", "Name at least one member by handle, such as @amina.")
		case len(handles) > MaxAudienceMembers:
			p.Add("members", "Name at most "+strconv.Itoa(MaxAudienceMembers)+" members.")
		}
		for _, h := range handles {
			if !ValidHandle(h) {
				p.Add("members", "“@"+h+"” is not a handle; handles are letters, digits and hyphens.")
				break
			}
		}
	}
}

// Validate checks and normalises c.
func (c *AudienceChoice) Validate() error {
	p := Problems{}
	c.validate(p)
	return p.Err()
}

// Attribution says how a post's author is shown.
type Attribution string

// Attribution modes. The store hides the author of chatham and anonymous
// posts from everyone but the author.
const (
	AttributionNamed     Attribution = "named"     // author shown
	AttributionChatham   Attribution = "chatham"   // content shown, author hidden
	AttributionAnonymous Attribution = "anonymous" // author hidden, even from admins
)

// Thread is a discussion: a title, an audience and a list of posts, the
// first of which opens it.
type Thread struct {
	ID       int64
	Title    string
	Audience Audience
	Author   *MemberRef // nil when the opening post hides its author
	// ChathamHouse is set for a thread held under the Chatham House rule:
	// what is said may be used, but nobody's identity or organisation is
	// revealed. Its posts show a pseudonym stable within the thread.
	ChathamHouse   bool
	CreatedAt      time.Time // the day alone when the opening post hides its author
	LastActivityAt time.Time
	// ActivityDayOnly is set when LastActivityAt is the time of a post
	// whose author is hidden, and so is given to the day alone.
	ActivityDayOnly bool
	PostCount       int
	// Version grows whenever anything the thread's pages show of its posts
	// changes: a post written or edited, an author's name. A rendering of
	// its posts may be reused while it stays the same.
	Version int64
	// ViewerPosted is set by FindThreadByID when the viewer wrote any post
	// in the thread (so pages show them their own edit links).
	ViewerPosted bool
	// ViewerMayRename is set by FindThreadByID when the viewer may change
	// the title; ViewerMayNarrow when they may change its audience (its
	// author).
	ViewerMayRename, ViewerMayNarrow bool
	// ViewerMayReveal is set for a network admin who moderates the thread:
	// they may reveal who wrote one of its posts that hides its author.
	ViewerMayReveal bool
	// ReadersKey is what, besides Version, a rendering of the thread's posts
	// depends on for this viewer, as the access rules compute it: pages
	// rendered for one key are never shown under another, and "" says the
	// viewer's rendering is theirs alone (a flagger's).
	ReadersKey string
	// Withdrawn is set when the author withdrew the opening post, and its
	// title with it: Title is empty and Author nil, and the thread stays
	// for the replies others wrote in it.
	Withdrawn bool
	// Locked is set when a moderator stopped new replies.
	Locked bool
	// ViewerMayModerate is set by FindThreadByID when the viewer may
	// moderate the thread: hide and restore its posts, lock it.
	ViewerMayModerate bool
	// ViewerFlagged is set by FindThreadByID when the viewer holds an open
	// flag on one of its posts.
	ViewerFlagged bool
	// ViewerFollow is how the viewer follows the thread.
	ViewerFollow FollowLevel
	// ViewerReadTo is the last post the viewer read (0: never opened);
	// FirstUnreadID the first post after it, not withdrawn (0: none), and
	// Unread how many such posts there are. New is set for a thread the
	// viewer never opened, started since they joined, within NewFor.
	ViewerReadTo, FirstUnreadID int64
	Unread                      int
	New                         bool
	// ViewerReadPosts is how many posts, withdrawn ones too, come up to
	// ViewerReadTo: the pages the viewer read. Set by FindThreadByID.
	ViewerReadPosts int
}

// NewFor is how long a thread a member never opened is marked new.
const NewFor = 14 * 24 * time.Hour

// WithdrawnThreadTitle is how a thread whose opening post was withdrawn
// is named where a title would show.
const WithdrawnThreadTitle = "Withdrawn thread"

// DisplayTitle is the thread's title, or WithdrawnThreadTitle.
func (t *Thread) DisplayTitle() string {
	if t.Withdrawn {
		return WithdrawnThreadTitle
	}
	return t.Title
}

// ReplyCount is the number of posts after the opening one.
func (t *Thread) ReplyCount() int {
	if t.PostCount == 0 {
		return 0
	}
	return t.PostCount - 1
}

// Post is one contribution to a thread. Source is the Markdown the author
// wrote; HTML is its sanitised rendering, made once on write.
type Post struct {
	ID          int64
	ThreadID    int64
	Author      *MemberRef // nil when the attribution hides the author from the viewer
	Attribution Attribution
	// Pseudonym is the number of the author's pseudonym in a Chatham House
	// thread ("Participant 2"), stable within the thread; 0 for named and
	// anonymous posts.
	Pseudonym int
	Source    string
	HTML      string
	CreatedAt time.Time
	EditedAt  *time.Time
	// Mine is true when the viewer wrote the post.
	Mine bool
	// ViewerMayEdit is true when the viewer may edit the post, as the
	// store's rules decide.
	ViewerMayEdit bool
	// ViewerMayWithdraw is true when the viewer may withdraw the post:
	// its author, while it is not withdrawn.
	ViewerMayWithdraw bool
	// Withdrawn is set when its author withdrew the post: a tombstone,
	// with no text (Source and HTML empty), no author and no pseudonym,
	// and its time to the day alone.
	Withdrawn bool
	// Hidden is set when a moderator hid the post: its readers see a
	// tombstone (Source and HTML empty); its author and the moderators of
	// its thread still see it, with HiddenReason, the category given.
	Hidden       bool
	HiddenReason FlagReason
	// ViewerFlagged is set when the viewer holds an open flag on the post.
	ViewerFlagged bool
	// Revealed is set, for the author alone, when a network admin revealed
	// to themselves who wrote this hidden-author post: the latest reveal.
	Revealed *Reveal
	// AsReadersSee is the post as it shows to a reader who did not write
	// it, as the store's rules decide, when that differs (the viewer's own
	// posts); nil when the viewer sees it as any reader does.
	AsReadersSee *Post
}

// PseudonymName is how pseudonym number n of a Chatham House thread is
// shown.
func PseudonymName(n int) string { return "Participant " + strconv.Itoa(n) }

// NewThread is what a member gives to start a thread.
type NewThread struct {
	Title string
	// Audience is who may read the thread.
	Audience AudienceChoice
	Body     string
	// Attribution is how the opening post is signed: named ("" too) or
	// anonymous.
	Attribution Attribution
	// ChathamHouse holds the thread under the Chatham House rule.
	ChathamHouse bool
}

// Validate checks and normalises nt.
func (nt *NewThread) Validate() error {
	p := Problems{}
	nt.Title = line(p, "title", "Title", nt.Title, true, MaxThreadTitleLen)
	nt.Body = text(p, "body", "Post", nt.Body, true, MaxPostLen)
	nt.Audience.validate(p)
	nt.Attribution = attribution(p, nt.Attribution)
	return p.Err()
}

// attribution checks the attribution a writer asks for: named (the
// default) or anonymous. Chatham House attribution follows from the
// thread's rule and is not asked for.
func attribution(p Problems, a Attribution) Attribution {
	switch a {
	case "", AttributionNamed:
		return AttributionNamed
	case AttributionAnonymous:
		return a
	}
	p.Add("attribution", "Choose how to sign the post: under your name or anonymously.")
	return a
}

// NewPost is what a member gives to reply to a thread.
type NewPost struct {
	Body string
	// Attribution is named ("" too) or anonymous. In a Chatham House
	// thread a named post is shown under the writer's pseudonym.
	Attribution Attribution
}

// Validate checks and normalises np.
func (np *NewPost) Validate() error {
	p := Problems{}
	np.Body = text(p, "body", "Post", np.Body, true, MaxPostLen)
	np.Attribution = attribution(p, np.Attribution)
	return p.Err()
}

// ValidatePostBody checks and normalises a post body.
func ValidatePostBody(body string) (string, error) {
	p := Problems{}
	body = text(p, "body", "Post", body, true, MaxPostLen)
	return body, p.Err()
}

// ValidateThreadTitle checks and normalises a thread title.
func ValidateThreadTitle(title string) (string, error) {
	p := Problems{}
	title = line(p, "title", "Title", title, true, MaxThreadTitleLen)
	return title, p.Err()
}

// ThreadFilter narrows a list of threads. Zero fields do not filter.
type ThreadFilter struct {
	HubID         int64 // threads for this hub's audience
	CircleID      int64 // threads for this circle's audience
	ParticipantID int64 // threads this member posted in under their name
	Page          Page
	// NoTotal skips counting every matching thread, for lists that only
	// link to "more": the total is then exact up to one past the page.
	NoTotal bool
}

// ThreadService reads and writes discussions. Every read goes through the
// store's one visibility rule: a thread the viewer may not see is reported
// as not found, and is left out of every list and count.
type ThreadService interface {
	// CreateThread starts a thread with its opening post. EINVALID,
	// ENOTFOUND (hub), EFORBIDDEN (not a member of the hub).
	CreateThread(ctx context.Context, nt NewThread) (*Thread, error)
	// FindThreadByID returns a thread. ENOTFOUND.
	FindThreadByID(ctx context.Context, id int64) (*Thread, error)
	// FindThreads lists threads by latest activity, and the total.
	FindThreads(ctx context.Context, f ThreadFilter) ([]*Thread, int, error)
	// NarrowAudience changes who may read a thread; its author only.
	// Before others replied, any audience the author may write to; after,
	// only one whose readers all read it now. It reports false when the
	// audience was that already. EINVALID (naming the field, saying why),
	// ENOTFOUND, EFORBIDDEN.
	NarrowAudience(ctx context.Context, id int64, a AudienceChoice) (*Thread, bool, error)
	// RenameThread changes a thread's title; its author or a network admin.
	// EINVALID, ENOTFOUND, EFORBIDDEN.
	RenameThread(ctx context.Context, id int64, title string) (*Thread, error)
	// FindPosts lists one page of a thread's posts, oldest first, and the
	// total. ENOTFOUND.
	FindPosts(ctx context.Context, threadID int64, page Page) ([]*Post, int, error)
	// FindOwnPosts returns the viewer's own posts among one page of a
	// thread's posts (as FindPosts would show them to the viewer).
	// ENOTFOUND.
	FindOwnPosts(ctx context.Context, threadID int64, page Page) ([]*Post, error)
	// FindPostByID returns a post. ENOTFOUND.
	FindPostByID(ctx context.Context, id int64) (*Post, error)
	// CreatePost replies to a thread under the writer's name (or
	// pseudonym, in a Chatham House thread). EINVALID, ENOTFOUND.
	CreatePost(ctx context.Context, threadID int64, body string) (*Post, error)
	// WritePost replies to a thread as np says. EINVALID, ENOTFOUND.
	WritePost(ctx context.Context, threadID int64, np NewPost) (*Post, error)
	// UpdatePost edits a post's body; its author only. The post is marked
	// as edited. EINVALID, ENOTFOUND, EFORBIDDEN.
	UpdatePost(ctx context.Context, id int64, body string) (*Post, error)
	// WithdrawPost withdraws a post; its author only. Its text is deleted
	// and it stays as a tombstone; withdrawing the opening post withdraws
	// the thread's title too, and a thread left with no post that is not
	// withdrawn is deleted. Withdrawing a withdrawn post changes nothing.
	// ENOTFOUND, EFORBIDDEN.
	WithdrawPost(ctx context.Context, id int64) (Withdrawal, error)
	// PostPosition returns the 1-based position of a post in its thread.
	// ENOTFOUND.
	PostPosition(ctx context.Context, id int64) (threadID int64, position int, err error)
}

// Withdrawal is what withdrawing a post did.
type Withdrawal struct {
	// Changed is false when the post was withdrawn already.
	Changed bool
	// ThreadID is the post's thread; ThreadDeleted is set when nothing of
	// it was left to read, and so it went too.
	ThreadID      int64
	ThreadDeleted bool
}

// PostsPerPage is how many posts a thread page shows.
const PostsPerPage = 50
