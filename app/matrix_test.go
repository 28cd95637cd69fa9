package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jhillyerd/enmime/v2"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/api"
	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/avatar"
	"github.com/sharefair/sharefair/internal/smtptest"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/mail"
	"github.com/sharefair/sharefair/server"
	"github.com/sharefair/sharefair/web"
)

// The authorization matrix: every role × every audience × every
// attribution × every surface that reads content, each cell's answer
// written out below by hand from the rules of safe sharing (who may read
// what, whose authorship is hidden from whom), never computed by the code
// under test. A role, an audience, an attribution or a surface that comes
// later is a row, a column or a table more.
//
// A cell is one letter:
//
//	-  the content is not there (nor its author)
//	v  the content is there, its author is not identifiable
//	A  the content is there, and so is who wrote it
//
// "Not identifiable" is checked against a sentinel identity given to each
// cell's author alone (name, handle, organisation, email, the initials
// their avatar draws) and the time of day they wrote at: none of it may
// appear in the answer's body or headers. "Identifiable" is the sentinel
// appearing; to the author themself, on pages, also their post signed as
// theirs ("You, as Participant 2", "You, anonymously"), and their own
// name heading every page does not count.
//
// Run with -v to see the number of cells checked.

// mxRole is who reads.
type mxRole string

// The roles, in the order of a table's rows.
const (
	mxVisitor     mxRole = "signed-out visitor"
	mxOtherHub    mxRole = "member of another hub"
	mxHubMember   mxRole = "hub member" // and one of the named members
	mxCoordinator mxRole = "hub coordinator"
	mxAdmin       mxRole = "network admin"
	mxAuthor      mxRole = "the author"
	mxOpenHost    mxRole = "host of the open circle"
	mxClosed      mxRole = "member of the closed circle"
	mxSecret      mxRole = "member of the secret circle"
	mxCircleHost  mxRole = "host of the closed and the secret circle"
	// A member of the hub, of every circle and of the named members,
	// suspended once everything is written: they read nothing.
	mxSuspended mxRole = "suspended member"
)

var mxRoles = []mxRole{mxVisitor, mxOtherHub, mxHubMember, mxCoordinator, mxAdmin, mxAuthor,
	mxOpenHost, mxClosed, mxSecret, mxCircleHost, mxSuspended}

// mxAudience is who the content is for.
type mxAudience struct {
	name   string
	kind   sharefair.AudienceKind
	circle string // for circles: which, a key of mxSeed.circles
}

// The audiences, in the order of a table's groups of columns: the whole
// network; the hub Harbour (which the hub member, the coordinator and
// every author are in, and the member of another hub is not); an open, a
// closed and a secret circle (each author of their content is its
// member); and named members (the hub member among them).
var mxAudiences = []mxAudience{
	{name: "network", kind: sharefair.AudienceNetwork},
	{name: "hub", kind: sharefair.AudienceHub},
	{name: "open circle", kind: sharefair.AudienceCircle, circle: "open"},
	{name: "closed circle", kind: sharefair.AudienceCircle, circle: "closed"},
	{name: "secret circle", kind: sharefair.AudienceCircle, circle: "secret"},
	{name: "named members", kind: sharefair.AudienceMembers},
}

// mxAttribution is how the content the cell is about was written.
type mxAttribution string

// The attributions, in the order of a table's columns within an audience.
const (
	mxNamed        mxAttribution = "named thread"           // the author opens a thread under their name
	mxNamedReply   mxAttribution = "named reply"            // the author replies under their name in another's thread
	mxChathamOpen  mxAttribution = "Chatham House thread"   // the author opens a Chatham House thread
	mxChathamReply mxAttribution = "Chatham House reply"    // the author replies in another's Chatham House thread
	mxAnonOpen     mxAttribution = "anonymous opening post" // the author opens a thread anonymously
	mxAnonReply    mxAttribution = "anonymous reply"        // the author replies anonymously in another's named thread
	// The author replies anonymously in another's Chatham House thread:
	// no pseudonym either.
	mxAnonChatham mxAttribution = "anonymous Chatham House reply"
)

var mxAttributions = []mxAttribution{mxNamed, mxNamedReply, mxChathamOpen, mxChathamReply, mxAnonOpen, mxAnonReply, mxAnonChatham}

// reply reports whether the author's post replies to another's opening
// post, rather than opening the thread.
func (a mxAttribution) reply() bool {
	return a == mxNamedReply || a == mxChathamReply || a == mxAnonReply || a == mxAnonChatham
}

// hidesAuthor reports whether the rules hide the author of a's post from
// everyone but its author.
func (a mxAttribution) hidesAuthor() bool { return a != mxNamed && a != mxNamedReply }

// mxSurface is one way content is read, and the answers the rules give
// on it: per role, a string of one letter per audience × attribution,
// audiences apart by a space.
type mxSurface struct {
	name  string
	route string // its pattern in the route tables
	api   bool   // under /api/v1, read with a token; otherwise a page, with a session
	// path is where the cell's content is read.
	path func(c *mxContent) string
	// shows is what proves the content is there: its thread's title
	// (lists), the author's post's text (posts), or, for a link that
	// redirects to the post, a redirect to its thread.
	shows mxShows
	// byID marks surfaces that read one thread or post by its id, where
	// a reader who may not read the content at all is told what they
	// would be of an id that never existed: on them, - also asserts that
	// answer, where the thread page's cell is - too.
	byID bool
	// ofAuthor marks surfaces about the author (their profile): their
	// identity is there by design, and only the content is checked.
	ofAuthor bool
	// drop is a selector of page parts left out of the sentinel check
	// (the hub page's side column lists the hub's members, the authors
	// among them, by design).
	drop string
	want map[mxRole]string
}

// mxShows is what makes content count as shown.
type mxShows int

const (
	mxTitle mxShows = iota
	mxBody
	mxRedirect
	// mxThreadRef is a reference to the thread (a link on a page, its
	// number in an answer), which is how the audit log names content.
	mxThreadRef
)

// mxContent is one cell's content and its author.
type mxContent struct {
	key      string // two letters, unique per audience × attribution
	audience mxAudience
	attr     mxAttribution
	author   *sharefair.Member
	sentinel []string // name, handle, organisation, email, avatar initials
	thread   int64
	post     int64 // the author's post
}

func (c *mxContent) titleMark() string { return "mt" + c.key + "x" }
func (c *mxContent) bodyMark() string  { return "mb" + c.key + "x" }

// The tables, as they read from the rules of the issue and the product:
//
//   - Who reads (contentVisible): network content every member; a hub's
//     its members, its coordinators and network admins; a circle's its
//     members and hosts, and network admins unless the circle is secret;
//     named members' those named and the author, not even admins.
//     Visitors and suspended members read nothing.
//   - Chatham House and anonymous authors are hidden from everyone but
//     the author, moderators and admins included.
//   - Thread lists and a thread's head name the opening post's author
//     only: a reply's author shows nowhere there.
//   - A profile lists the threads its member posted in under their name
//     alone (hidden posts never count), of those the viewer may read.
//   - An export holds the viewer's own data only.
//   - Who moderates (mayModerateThread): network admins the network's and
//     the hubs' content, coordinators their hub's, circle hosts their
//     circles'; content for named members has no moderators. A title is
//     changed by its thread's author and its moderators; an audience
//     narrowed by the thread's author alone; a post edited and withdrawn
//     by its author alone, flagged by any reader but its author; who
//     wrote a post that hides its author revealed by admins, where they
//     moderate.
//
// Columns, in each of the six audiences (network, hub, open circle,
// closed circle, secret circle, named members): named thread, named
// reply, Chatham House thread, Chatham House reply, anonymous opening
// post, anonymous reply, anonymous reply in a Chatham House thread.
var (
	mxPosts = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "AAvvvvv ------- ------- ------- ------- -------",
		mxHubMember:   "AAvvvvv AAvvvvv ------- ------- ------- AAvvvvv",
		mxCoordinator: "AAvvvvv AAvvvvv ------- ------- ------- -------",
		mxAdmin:       "AAvvvvv AAvvvvv AAvvvvv AAvvvvv ------- -------",
		mxAuthor:      "AAAAAAA AAAAAAA AAAAAAA AAAAAAA AAAAAAA AAAAAAA",
		mxOpenHost:    "AAvvvvv ------- AAvvvvv ------- ------- -------",
		mxClosed:      "AAvvvvv ------- ------- AAvvvvv ------- -------",
		mxSecret:      "AAvvvvv ------- ------- ------- AAvvvvv -------",
		mxCircleHost:  "AAvvvvv ------- ------- AAvvvvv AAvvvvv -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	// The notifications: every cell's post mentions every role, and each
	// is told of it where they may read it (the author is never told of
	// their own post), named where the post is.
	mxNotified = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "AAvvvvv ------- ------- ------- ------- -------",
		mxHubMember:   "AAvvvvv AAvvvvv ------- ------- ------- AAvvvvv",
		mxCoordinator: "AAvvvvv AAvvvvv ------- ------- ------- -------",
		mxAdmin:       "AAvvvvv AAvvvvv AAvvvvv AAvvvvv ------- -------",
		mxAuthor:      "------- ------- ------- ------- ------- -------",
		mxOpenHost:    "AAvvvvv ------- AAvvvvv ------- ------- -------",
		mxClosed:      "AAvvvvv ------- ------- AAvvvvv ------- -------",
		mxSecret:      "AAvvvvv ------- ------- ------- AAvvvvv -------",
		mxCircleHost:  "AAvvvvv ------- ------- AAvvvvv AAvvvvv -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	mxLists = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "Avvvvvv ------- ------- ------- ------- -------",
		mxHubMember:   "Avvvvvv Avvvvvv ------- ------- ------- Avvvvvv",
		mxCoordinator: "Avvvvvv Avvvvvv ------- ------- ------- -------",
		mxAdmin:       "Avvvvvv Avvvvvv Avvvvvv Avvvvvv ------- -------",
		mxAuthor:      "AvAvAvv AvAvAvv AvAvAvv AvAvAvv AvAvAvv AvAvAvv",
		mxOpenHost:    "Avvvvvv ------- Avvvvvv ------- ------- -------",
		mxClosed:      "Avvvvvv ------- ------- Avvvvvv ------- -------",
		mxSecret:      "Avvvvvv ------- ------- ------- Avvvvvv -------",
		mxCircleHost:  "Avvvvvv ------- ------- Avvvvvv Avvvvvv -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	mxPostLinks = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "vvvvvvv ------- ------- ------- ------- -------",
		mxHubMember:   "vvvvvvv vvvvvvv ------- ------- ------- vvvvvvv",
		mxCoordinator: "vvvvvvv vvvvvvv ------- ------- ------- -------",
		mxAdmin:       "vvvvvvv vvvvvvv vvvvvvv vvvvvvv ------- -------",
		mxAuthor:      "vvvvvvv vvvvvvv vvvvvvv vvvvvvv vvvvvvv vvvvvvv",
		mxOpenHost:    "vvvvvvv ------- vvvvvvv ------- ------- -------",
		mxClosed:      "vvvvvvv ------- ------- vvvvvvv ------- -------",
		mxSecret:      "vvvvvvv ------- ------- ------- vvvvvvv -------",
		mxCircleHost:  "vvvvvvv ------- ------- vvvvvvv vvvvvvv -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	mxProfiles = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "AA----- ------- ------- ------- ------- -------",
		mxHubMember:   "AA----- AA----- ------- ------- ------- AA-----",
		mxCoordinator: "AA----- AA----- ------- ------- ------- -------",
		mxAdmin:       "AA----- AA----- AA----- AA----- ------- -------",
		mxAuthor:      "AA----- AA----- AA----- AA----- AA----- AA-----",
		mxOpenHost:    "AA----- ------- AA----- ------- ------- -------",
		mxClosed:      "AA----- ------- ------- AA----- ------- -------",
		mxSecret:      "AA----- ------- ------- ------- AA----- -------",
		mxCircleHost:  "AA----- ------- ------- AA----- AA----- -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	// What is the author's alone: their export, the forms to edit and
	// withdraw their post.
	mxOwnPosts = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "------- ------- ------- ------- ------- -------",
		mxHubMember:   "------- ------- ------- ------- ------- -------",
		mxCoordinator: "------- ------- ------- ------- ------- -------",
		mxAdmin:       "------- ------- ------- ------- ------- -------",
		mxAuthor:      "vvvvvvv vvvvvvv vvvvvvv vvvvvvv vvvvvvv vvvvvvv",
		mxOpenHost:    "------- ------- ------- ------- ------- -------",
		mxClosed:      "------- ------- ------- ------- ------- -------",
		mxSecret:      "------- ------- ------- ------- ------- -------",
		mxCircleHost:  "------- ------- ------- ------- ------- -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	mxExports = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "------- ------- ------- ------- ------- -------",
		mxHubMember:   "------- ------- ------- ------- ------- -------",
		mxCoordinator: "------- ------- ------- ------- ------- -------",
		mxAdmin:       "------- ------- ------- ------- ------- -------",
		mxAuthor:      "AAAAAAA AAAAAAA AAAAAAA AAAAAAA AAAAAAA AAAAAAA",
		mxOpenHost:    "------- ------- ------- ------- ------- -------",
		mxClosed:      "------- ------- ------- ------- ------- -------",
		mxSecret:      "------- ------- ------- ------- ------- -------",
		mxCircleHost:  "------- ------- ------- ------- ------- -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	// The forms about the thread: the opening post's author's alone to
	// narrow its audience; a title is its author's and its moderators'.
	mxNarrow = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "------- ------- ------- ------- ------- -------",
		mxHubMember:   "------- ------- ------- ------- ------- -------",
		mxCoordinator: "------- ------- ------- ------- ------- -------",
		mxAdmin:       "------- ------- ------- ------- ------- -------",
		mxAuthor:      "v-v-v-- v-v-v-- v-v-v-- v-v-v-- v-v-v-- v-v-v--",
		mxOpenHost:    "------- ------- ------- ------- ------- -------",
		mxClosed:      "------- ------- ------- ------- ------- -------",
		mxSecret:      "------- ------- ------- ------- ------- -------",
		mxCircleHost:  "------- ------- ------- ------- ------- -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	mxRetitle = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "------- ------- ------- ------- ------- -------",
		mxHubMember:   "------- ------- ------- ------- ------- -------",
		mxCoordinator: "------- vvvvvvv ------- ------- ------- -------",
		mxAdmin:       "vvvvvvv vvvvvvv ------- ------- ------- -------",
		mxAuthor:      "v-v-v-- v-v-v-- v-v-v-- v-v-v-- v-v-v-- v-v-v--",
		mxOpenHost:    "------- ------- vvvvvvv ------- ------- -------",
		mxClosed:      "------- ------- ------- ------- ------- -------",
		mxSecret:      "------- ------- ------- ------- ------- -------",
		mxCircleHost:  "------- ------- ------- vvvvvvv vvvvvvv -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	// Flagging: any reader but the author.
	mxFlags = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "AAvvvvv ------- ------- ------- ------- -------",
		mxHubMember:   "AAvvvvv AAvvvvv ------- ------- ------- AAvvvvv",
		mxCoordinator: "AAvvvvv AAvvvvv ------- ------- ------- -------",
		mxAdmin:       "AAvvvvv AAvvvvv AAvvvvv AAvvvvv ------- -------",
		mxAuthor:      "------- ------- ------- ------- ------- -------",
		mxOpenHost:    "AAvvvvv ------- AAvvvvv ------- ------- -------",
		mxClosed:      "AAvvvvv ------- ------- AAvvvvv ------- -------",
		mxSecret:      "AAvvvvv ------- ------- ------- AAvvvvv -------",
		mxCircleHost:  "AAvvvvv ------- ------- AAvvvvv AAvvvvv -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	// Moderating: the post's moderation form and the queue (every cell's
	// post is flagged once).
	mxModerated = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "------- ------- ------- ------- ------- -------",
		mxHubMember:   "------- ------- ------- ------- ------- -------",
		mxCoordinator: "------- AAvvvvv ------- ------- ------- -------",
		mxAdmin:       "AAvvvvv AAvvvvv ------- ------- ------- -------",
		mxAuthor:      "------- ------- ------- ------- ------- -------",
		mxOpenHost:    "------- ------- AAvvvvv ------- ------- -------",
		mxClosed:      "------- ------- ------- ------- ------- -------",
		mxSecret:      "------- ------- ------- ------- ------- -------",
		mxCircleHost:  "------- ------- ------- AAvvvvv AAvvvvv -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	// Revealing: admins, of a hidden author, where they moderate; the
	// author stays hidden on the form.
	mxReveals = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "------- ------- ------- ------- ------- -------",
		mxHubMember:   "------- ------- ------- ------- ------- -------",
		mxCoordinator: "------- ------- ------- ------- ------- -------",
		mxAdmin:       "--vvvvv --vvvvv ------- ------- ------- -------",
		mxAuthor:      "------- ------- ------- ------- ------- -------",
		mxOpenHost:    "------- ------- ------- ------- ------- -------",
		mxClosed:      "------- ------- ------- ------- ------- -------",
		mxSecret:      "------- ------- ------- ------- ------- -------",
		mxCircleHost:  "------- ------- ------- ------- ------- -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	// The audit log, read by network admins: each cell's thread was
	// locked by its moderators (content for named members has none), and
	// an act in a secret circle is named only to admins in it. Who wrote
	// the content is never the log's to say.
	mxAudited = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "------- ------- ------- ------- ------- -------",
		mxHubMember:   "------- ------- ------- ------- ------- -------",
		mxCoordinator: "------- ------- ------- ------- ------- -------",
		mxAdmin:       "vvvvvvv vvvvvvv vvvvvvv vvvvvvv ------- -------",
		mxAuthor:      "------- ------- ------- ------- ------- -------",
		mxOpenHost:    "------- ------- ------- ------- ------- -------",
		mxClosed:      "------- ------- ------- ------- ------- -------",
		mxSecret:      "------- ------- ------- ------- ------- -------",
		mxCircleHost:  "------- ------- ------- ------- ------- -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	// The lists of one hub's or one circle's threads.
	mxHubLists = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "------- ------- ------- ------- ------- -------",
		mxHubMember:   "------- Avvvvvv ------- ------- ------- -------",
		mxCoordinator: "------- Avvvvvv ------- ------- ------- -------",
		mxAdmin:       "------- Avvvvvv ------- ------- ------- -------",
		mxAuthor:      "------- AvAvAvv ------- ------- ------- -------",
		mxOpenHost:    "------- ------- ------- ------- ------- -------",
		mxClosed:      "------- ------- ------- ------- ------- -------",
		mxSecret:      "------- ------- ------- ------- ------- -------",
		mxCircleHost:  "------- ------- ------- ------- ------- -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	mxOpenLists = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "------- ------- ------- ------- ------- -------",
		mxHubMember:   "------- ------- ------- ------- ------- -------",
		mxCoordinator: "------- ------- ------- ------- ------- -------",
		mxAdmin:       "------- ------- Avvvvvv ------- ------- -------",
		mxAuthor:      "------- ------- AvAvAvv ------- ------- -------",
		mxOpenHost:    "------- ------- Avvvvvv ------- ------- -------",
		mxClosed:      "------- ------- ------- ------- ------- -------",
		mxSecret:      "------- ------- ------- ------- ------- -------",
		mxCircleHost:  "------- ------- ------- ------- ------- -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	mxClosedLists = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "------- ------- ------- ------- ------- -------",
		mxHubMember:   "------- ------- ------- ------- ------- -------",
		mxCoordinator: "------- ------- ------- ------- ------- -------",
		mxAdmin:       "------- ------- ------- Avvvvvv ------- -------",
		mxAuthor:      "------- ------- ------- AvAvAvv ------- -------",
		mxOpenHost:    "------- ------- ------- ------- ------- -------",
		mxClosed:      "------- ------- ------- Avvvvvv ------- -------",
		mxSecret:      "------- ------- ------- ------- ------- -------",
		mxCircleHost:  "------- ------- ------- Avvvvvv ------- -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	mxSecretLists = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "------- ------- ------- ------- ------- -------",
		mxHubMember:   "------- ------- ------- ------- ------- -------",
		mxCoordinator: "------- ------- ------- ------- ------- -------",
		mxAdmin:       "------- ------- ------- ------- ------- -------",
		mxAuthor:      "------- ------- ------- ------- AvAvAvv -------",
		mxOpenHost:    "------- ------- ------- ------- ------- -------",
		mxClosed:      "------- ------- ------- ------- ------- -------",
		mxSecret:      "------- ------- ------- ------- Avvvvvv -------",
		mxCircleHost:  "------- ------- ------- ------- Avvvvvv -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
	// Pages and answers that read hubs and circles show no content, and
	// nothing of its authors.
	mxNone = map[mxRole]string{
		mxVisitor:     "------- ------- ------- ------- ------- -------",
		mxOtherHub:    "------- ------- ------- ------- ------- -------",
		mxHubMember:   "------- ------- ------- ------- ------- -------",
		mxCoordinator: "------- ------- ------- ------- ------- -------",
		mxAdmin:       "------- ------- ------- ------- ------- -------",
		mxAuthor:      "------- ------- ------- ------- ------- -------",
		mxOpenHost:    "------- ------- ------- ------- ------- -------",
		mxClosed:      "------- ------- ------- ------- ------- -------",
		mxSecret:      "------- ------- ------- ------- ------- -------",
		mxCircleHost:  "------- ------- ------- ------- ------- -------",
		mxSuspended:   "------- ------- ------- ------- ------- -------",
	}
)

// mxSurfaces lists every surface that reads threads or posts, found by
// reading web/web.go's and api/routes.go's route tables, with the hub's
// slug and the circles' keys (by kind) they are read at. What reads
// people (the directory, hub and circle member lists), invitations,
// sessions and tokens holds no content. Later: search.
func mxSurfaces(hub string, circles map[string]string) []mxSurface {
	thread := func(c *mxContent) string { return "/threads/" + strconv.FormatInt(c.thread, 10) }
	post := func(c *mxContent) string { return "/posts/" + strconv.FormatInt(c.post, 10) }
	fixed := func(p string) func(*mxContent) string { return func(*mxContent) string { return p } }
	profile := func(c *mxContent) string { return "/members/" + c.author.Handle }
	postForm := func(form string) func(*mxContent) string {
		return func(c *mxContent) string { return post(c) + "/" + form }
	}
	sfs := []mxSurface{
		{name: "thread page", byID: true, route: "GET /threads/{id}", path: thread, shows: mxBody, want: mxPosts},
		{name: "post link", byID: true, route: "GET /posts/{id}", path: post, shows: mxRedirect, want: mxPostLinks},
		{name: "post edit form", byID: true, route: "GET /posts/{id}/edit", path: postForm("edit"), shows: mxBody, want: mxOwnPosts},
		{name: "withdraw form", byID: true, route: "GET /posts/{id}/withdraw", path: postForm("withdraw"), shows: mxBody, want: mxOwnPosts},
		{name: "flag form", byID: true, route: "GET /posts/{id}/flag", path: postForm("flag"), shows: mxBody, want: mxFlags},
		{name: "moderation form", byID: true, route: "GET /posts/{id}/moderate", path: postForm("moderate"), shows: mxBody, want: mxModerated},
		{name: "reveal form", byID: true, route: "GET /posts/{id}/reveal", path: postForm("reveal"), shows: mxBody, want: mxReveals},
		{name: "title edit form", byID: true, route: "GET /threads/{id}/edit", path: func(c *mxContent) string { return thread(c) + "/edit" }, shows: mxTitle, want: mxRetitle},
		{name: "audience form", byID: true, route: "GET /threads/{id}/audience", path: func(c *mxContent) string { return thread(c) + "/audience" }, shows: mxTitle, want: mxNarrow},
		{name: "discussions", route: "GET /threads", path: fixed("/threads"), shows: mxTitle, want: mxLists},
		{name: "hub page", route: "GET /hubs/{slug}", path: fixed("/hubs/" + hub), shows: mxTitle, drop: "aside.side", want: mxHubLists},
		{name: "profile", route: "GET /members/{handle}", path: profile, shows: mxTitle, ofAuthor: true, want: mxProfiles},
		{name: "export download", route: "GET /settings/data/export", path: fixed("/settings/data/export"), shows: mxBody, want: mxExports},
		{name: "hubs page", route: "GET /hubs", path: fixed("/hubs"), shows: mxTitle, want: mxNone},
		{name: "circles page", route: "GET /circles", path: fixed("/circles"), shows: mxTitle, want: mxNone},
		{name: "moderation queue", route: "GET /moderation", path: fixed("/moderation"), shows: mxBody, want: mxModerated},
		{name: "audit log", route: "GET /admin/audit", path: fixed("/admin/audit?action=lock"), shows: mxThreadRef, want: mxAudited},
		{name: "notifications", route: "GET /notifications", path: fixed("/notifications"), shows: mxTitle, want: mxNotified},

		{name: "thread", byID: true, route: "GET /api/v1/threads/{id}", api: true, path: thread, shows: mxTitle, want: mxLists},
		{name: "thread's posts", byID: true, route: "GET /api/v1/threads/{id}/posts", api: true, path: func(c *mxContent) string { return thread(c) + "/posts" }, shows: mxBody, want: mxPosts},
		{name: "post", byID: true, route: "GET /api/v1/posts/{id}", api: true, path: post, shows: mxBody, want: mxPosts},
		{name: "threads", route: "GET /api/v1/threads", api: true, path: fixed("/threads"), shows: mxTitle, want: mxLists},
		{name: "hub's threads", route: "GET /api/v1/hubs/{slug}/threads", api: true, path: fixed("/hubs/" + hub + "/threads"), shows: mxTitle, want: mxHubLists},
		{name: "member profile", route: "GET /api/v1/members/{handle}", api: true, path: profile, shows: mxTitle, ofAuthor: true, want: mxProfiles},
		{name: "export", route: "GET /api/v1/me/export", api: true, path: fixed("/me/export"), shows: mxBody, want: mxExports},
		{name: "hubs", route: "GET /api/v1/hubs", api: true, path: fixed("/hubs"), shows: mxTitle, want: mxNone},
		{name: "hub", route: "GET /api/v1/hubs/{slug}", api: true, path: fixed("/hubs/" + hub), shows: mxTitle, want: mxNone},
		{name: "circles", route: "GET /api/v1/circles", api: true, path: fixed("/circles"), shows: mxTitle, want: mxNone},
		{name: "moderation queue", route: "GET /api/v1/moderation", api: true, path: fixed("/moderation"), shows: mxBody, want: mxModerated},
		{name: "audit log", route: "GET /api/v1/audit", api: true, path: fixed("/audit?action=lock&per_page=100"), shows: mxThreadRef, want: mxAudited},
		{name: "notifications", route: "GET /api/v1/notifications", api: true, path: fixed("/notifications?per_page=100"), shows: mxTitle, want: mxNotified},
	}
	lists := map[string]map[mxRole]string{"open": mxOpenLists, "closed": mxClosedLists, "secret": mxSecretLists}
	for _, kind := range []string{"open", "closed", "secret"} {
		at := "/circles/" + circles[kind]
		sfs = append(sfs,
			mxSurface{name: kind + " circle page", route: "GET /circles/{key}", path: fixed(at), shows: mxTitle, want: lists[kind]},
			mxSurface{name: kind + " circle's threads", route: "GET /api/v1/circles/{key}/threads", api: true, path: fixed(at + "/threads"), shows: mxTitle, want: lists[kind]},
			mxSurface{name: kind + " circle", route: "GET /api/v1/circles/{key}", api: true, path: fixed(at), shows: mxTitle, want: mxNone})
	}
	return sfs
}

// The times content is written at: a hidden author's posts at one time
// of day, which no answer but the author's may show (they are given to
// the day alone), everything else at another.
var (
	mxHiddenTime = time.Date(2026, 3, 5, 16, 49, 7, 0, time.UTC)
	mxOtherTime  = time.Date(2026, 3, 5, 10, 15, 0, 0, time.UTC)
	mxReadTime   = time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC)
)

// mxNever is an id no thread or post has, and mxNeverKey a key no circle
// has.
const (
	mxNever    = 987654321
	mxNeverKey = "zz9zz9zz9z"
)

// mxHiddenClock is how mxHiddenTime would show, as a page or an answer
// gives times of day.
const mxHiddenClock = "16:49"

// mxSecretName is the secret circle's name, which no answer may show to
// anyone outside it but a network admin on the audited list of secret
// circles.
const mxSecretName = "Whisperwkxq"

// mxSecretList are the answers where admins see that secret circles exist.
var mxSecretList = []string{"/admin/circles", "/api/v1/admin/secret-circles"}

// mxAlsoRead are read surfaces the cells leave out: the home page, cut to
// the latest threads (the discussions page lists the same in full), and
// pages about hubs, circles (the secret one's edit form among them), the
// viewer, the network and members' standing, which hold no content. Every role reads each, and their
// answers go through the checks that no answer shows a hidden author,
// the time one wrote at, or a secret circle.
func mxAlsoRead(hub, member, circle string) []mxSurface {
	var sfs []mxSurface
	for _, r := range []string{"GET /{$}", "GET /welcome", "GET /threads/new", "GET /hubs/new", "GET /hubs/{slug}/manage",
		"GET /hubs/{slug}/edit", "GET /hubs/{slug}/requests", "GET /settings",
		"GET /settings/security", "GET /settings/tokens", "GET /settings/data", "GET /network", "GET /invitations",
		"GET /circles/new", "GET /circles/{key}/edit", "GET /admin/circles", "GET /admin/jobs", "GET /members/{handle}/standing",
		"GET /api/v1/network", "GET /api/v1/network/checklist", "GET /api/v1/me", "GET /api/v1/me/sessions",
		"GET /api/v1/me/suggested-hubs", "GET /api/v1/tokens", "GET /api/v1/hubs/{slug}/requests", "GET /api/v1/invitations",
		"GET /api/v1/admin/secret-circles", "GET /api/v1/admin/jobs", "GET /settings/notifications", "GET /admin/outbox",
		"GET /api/v1/me/mail", "GET /api/v1/admin/outbox", "GET /forgot"} {
		path := strings.NewReplacer("{slug}", hub, "{handle}", member, "{key}", circle, "{$}", "").Replace(strings.TrimPrefix(r, "GET "))
		sf := mxSurface{name: path, route: r, api: strings.HasPrefix(path, "/api/")}
		sf.path = func(*mxContent) string { return strings.TrimPrefix(path, "/api/v1") }
		sfs = append(sfs, sf)
	}
	return sfs
}

// mxNotRead are the routes read neither in cells nor in mxAlsoRead, and
// why.
var mxNotRead = map[string]string{
	"GET /static/":                          "fixed files",
	"GET /favicon.ico":                      "fixed files",
	"GET /apple-touch-icon.png":             "fixed files",
	"GET /apple-touch-icon-precomposed.png": "fixed files",
	"GET /manifest.webmanifest":             "fixed files",
	"GET /robots.txt":                       "fixed files",
	"GET /api/v1/openapi.json":              "fixed files",
	"GET /api/v1/health":                    "holds no data",
	"GET /email/{token}":                    "a mailed link: a form that names no content, the same for any token (TestMailEmailChange)",
	"GET /unsubscribe/{token}":              "a signed link, before signing in: a form that names no content; a forged one answers 404 (TestMailOfReplies)",
	"GET /notifications/{id}":               "marks one's own notification read and redirects to the thread or post the cells read; another's answers 404 (store.TestNotifications)",
	"GET /setup":                            "before the network exists",
	"GET /api/v1/setup":                     "before the network exists",
	"GET /signin":                           "the sign-in form",
	"GET /join/{token}":                     "an invitation, by its secret link",
	"GET /reset/{token}":                    "a password reset, by its secret link",
	"GET /api/v1/join/{token}":              "an invitation, by its secret link",
	// Being a member is not authorship: the directory lists every
	// member, the authors too, with their organisations.
	"GET /members":                    "the member directory",
	"GET /api/v1/members":             "the member directory",
	"GET /api/v1/hubs/{slug}/members": "the member directory, of a hub",
	"GET /api/v1/directory/facets":    "the member directory's filters, organisations among them",
	"GET /hubs/{slug}/coordinators":   "the hub's members, to appoint coordinators from",
	// A circle's members are for those who read its threads
	// (store.TestCircleMembersReadByReaders); who is in a secret circle
	// is known to its members alone (store.TestSecretCircleInvisible).
	"GET /circles/{key}/manage":          "the circle's members and requests, to its hosts",
	"GET /api/v1/circles/{key}/members":  "the circle's members, to its readers",
	"GET /api/v1/circles/{key}/requests": "the requests to join a circle, to its hosts",
}

// mxAnswer is one response, as the checks read it.
type mxAnswer struct {
	viewer int64 // 0 when signed out
	path   string
	code   int
	header http.Header
	body   string // for pages, with the surface's dropped parts left out
	main   string // for pages, the main region alone; for the API, the body
}

// TestAuthorizationMatrixCoversEveryRead fails when a route that reads
// is added without a place in the matrix: every GET route of the pages
// and of the API is a surface of cells, read by every role for the leak
// check, or listed with a reason as reading nothing of content.
func TestAuthorizationMatrixCoversEveryRead(t *testing.T) {
	placed := map[string]string{}
	place := func(route, where string) {
		if w, ok := placed[route]; ok && (w != where || where != "cells") {
			t.Errorf("%s is placed twice: %s and %s", route, w, where)
		}
		placed[route] = where
	}
	for _, sf := range mxSurfaces("h", map[string]string{}) {
		place(sf.route, "cells")
	}
	for _, sf := range mxAlsoRead("h", "m", "k") {
		place(sf.route, "also read")
	}
	for r := range mxNotRead {
		place(r, "not read")
	}
	routes := map[string]bool{}
	for _, p := range web.New(server.Config{}, sharefair.Services{}, nil).Routes() {
		routes[p] = true
	}
	for _, rt := range api.New(server.Config{}, sharefair.Services{}, nil).Routes() {
		routes[rt.Method+" "+rt.Pattern] = true
	}
	for r := range routes {
		if _, ok := placed[r]; !ok && strings.HasPrefix(r, "GET ") {
			t.Errorf("%s reads, and has no place in the authorization matrix", r)
		}
	}
	for r, where := range placed {
		if !routes[r] {
			t.Errorf("%s (%s) is no route", r, where)
		}
	}
}

// mxSeed is the network the matrix reads.
type mxSeed struct {
	s       *testutil.Server
	hub     *sharefair.Hub
	circles map[string]string // key by kind: open, closed, secret
	viewers map[mxRole]*sharefair.Member
	opener  *sharefair.Member // opens the threads the authors reply in
	named   []string          // the handles named besides the author
	// secretIn are the members of the secret circle: the only ones who
	// may see its name.
	secretIn map[int64]bool
}

// mentions mentions every role in a cell's post, so that each is told of
// it on the notifications surface.
func (sd *mxSeed) mentions() string {
	out := " For"
	for _, r := range mxRoles {
		if m := sd.viewers[r]; m != nil {
			out += " @" + m.Handle
		}
	}
	return out + "."
}

// mxSeedNetwork makes the viewers, the hubs and the circles.
func mxSeedNetwork(t *testing.T, s *testutil.Server) *mxSeed {
	hub := testutil.MustCreateHub(t, s.DB, s.Admin, "Harbour")
	other := testutil.MustCreateHub(t, s.DB, s.Admin, "Orchard")
	sd := &mxSeed{s: s, hub: hub, circles: map[string]string{}, secretIn: map[int64]bool{},
		viewers: map[mxRole]*sharefair.Member{mxAdmin: s.Admin}}
	for role, handle := range map[mxRole]string{mxOtherHub: "oscar", mxHubMember: "hana", mxCoordinator: "cora",
		mxOpenHost: "olive", mxClosed: "clara", mxSecret: "sami", mxCircleHost: "hugo", mxSuspended: "suki"} {
		sd.viewers[role] = testutil.MustCreateMember(t, s.DB, handle, sharefair.RoleMember)
	}
	sd.opener = testutil.MustCreateMember(t, s.DB, "opal", sharefair.RoleMember)
	testutil.MustJoin(t, s.DB, sd.viewers[mxOtherHub], other)
	for _, m := range []*sharefair.Member{sd.viewers[mxHubMember], sd.viewers[mxCoordinator], sd.opener, sd.viewers[mxSuspended]} {
		testutil.MustJoin(t, s.DB, m, hub)
	}
	if _, err := s.DB.SetCoordinator(testutil.As(s.Admin), hub.Slug, "cora", true); err != nil {
		t.Fatal(err)
	}
	for kind, by := range map[string]*sharefair.Member{"open": sd.viewers[mxOpenHost],
		"closed": sd.viewers[mxCircleHost], "secret": sd.viewers[mxCircleHost]} {
		name := "Circle " + kind
		if kind == "secret" {
			name = mxSecretName
		}
		c, err := s.DB.CreateCircle(testutil.As(by), sharefair.NewCircle{Name: name, Kind: sharefair.CircleKind(kind)})
		if err != nil {
			t.Fatal(err)
		}
		sd.circles[kind] = c.Key
	}
	sd.secretIn[sd.viewers[mxCircleHost].ID] = true
	sd.join(t, "closed", sd.viewers[mxClosed])
	sd.join(t, "secret", sd.viewers[mxSecret])
	for _, kind := range []string{"open", "closed", "secret"} {
		sd.join(t, kind, sd.opener)
		sd.join(t, kind, sd.viewers[mxSuspended])
	}
	sd.named = []string{"hana", "opal", "suki"}
	return sd
}

// join puts m in the circle of kind: at once if open, else invited by
// its host.
func (sd *mxSeed) join(t *testing.T, kind string, m *sharefair.Member) {
	t.Helper()
	key := sd.circles[kind]
	if kind == "secret" {
		sd.secretIn[m.ID] = true
	}
	if kind == "open" {
		if _, err := sd.s.DB.JoinCircle(testutil.As(m), key); err != nil {
			t.Fatalf("join %s: %v", kind, err)
		}
		return
	}
	if _, err := sd.s.DB.InviteToCircle(testutil.As(sd.viewers[mxCircleHost]), key, m.Handle); err != nil {
		t.Fatalf("invite to %s: %v", kind, err)
	}
	if _, err := sd.s.DB.AnswerCircleInvitation(testutil.As(m), key, true); err != nil {
		t.Fatalf("accept %s: %v", kind, err)
	}
}

// TestAuthorizationMatrix seeds one network per engine, then reads every
// cell's content on every surface as every role, and checks each cell
// against its table.
func TestAuthorizationMatrix(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			start := time.Now()
			// Mail goes to a relay in the test: each role's mailbox is a
			// surface too.
			relay := smtptest.Start(t)
			s := testutil.NewServer(t, e, testutil.WithConfig(func(c *app.Config) {
				c.Mail = mail.Config{Host: relay.Host, Port: relay.Port, TLS: mail.TLSNone, From: "Matrix <matrix@example.org>"}
			}))
			sd := mxSeedNetwork(t, s)
			viewers := sd.viewers

			var contents []*mxContent
			for ai, aud := range mxAudiences {
				for bi, attr := range mxAttributions {
					c := &mxContent{key: string(rune('n'+ai)) + string(rune('a'+bi)), audience: aud, attr: attr}
					// Members join at another time than hidden posts'.
					s.Clock.T = mxOtherTime
					c.author = mxSentinel(t, s, c, len(contents))
					testutil.MustJoin(t, s.DB, c.author, sd.hub)
					if aud.circle != "" {
						sd.join(t, aud.circle, c.author)
					}
					mxWrite(t, sd, c)
					contents = append(contents, c)
				}
			}
			// Every cell's post is flagged once, by a reader of all, and
			// its thread locked and unlocked by a moderator, for the audit
			// log.
			s.Clock.T = mxOtherTime
			moderator := map[string]*sharefair.Member{"network": s.Admin, "hub": s.Admin, "open circle": viewers[mxOpenHost],
				"closed circle": viewers[mxCircleHost], "secret circle": viewers[mxCircleHost]}
			for _, c := range contents {
				m := moderator[c.audience.name]
				if m == nil {
					continue
				}
				for _, lock := range []bool{true, false} {
					if _, err := s.DB.LockThread(testutil.As(m), c.thread, lock); err != nil {
						t.Fatalf("lock %v %s for the %s: %v", lock, c.attr, c.audience.name, err)
					}
				}
			}
			for _, c := range contents {
				if _, err := s.DB.FlagPost(testutil.As(sd.opener), c.post, sharefair.NewFlag{Reason: sharefair.FlagOffTopic}); err != nil {
					t.Fatalf("flag %s for the %s: %v", c.attr, c.audience.name, err)
				}
			}

			s.Clock.T = mxReadTime
			// One session and one token per reader, made once.
			cookies, tokens := map[int64]string{}, map[int64]string{}
			reader := func(m *sharefair.Member) {
				secret, err := s.DB.CreateSession(context.Background(), m.ID, sharefair.SessionClient{})
				if err != nil {
					t.Fatal(err)
				}
				cookies[m.ID], tokens[m.ID] = secret, s.Token(t, m)
			}
			for _, m := range viewers {
				reader(m)
			}
			for _, c := range contents {
				reader(c.author)
			}
			// Suspended with a session and a token in hand.
			if _, err := s.DB.SetMemberState(testutil.As(s.Admin), viewers[mxSuspended].ID, sharefair.MemberSuspended); err != nil {
				t.Fatal(err)
			}
			// What every cell's post tells, as the job runner would, and
			// read at once: the unread count each page shows stays the
			// same while the cells are read (reading a thread reads what
			// it told), so that answers compare; the notifications are
			// listed read or not.
			s.RunJobs(t)
			mailCells := mxCheckMail(t, relay, viewers, contents)
			for role, m := range viewers {
				if role == mxSuspended {
					continue // signs in to nothing
				}
				if _, err := s.DB.MarkNotificationsRead(testutil.As(m), nil); err != nil {
					t.Fatal(err)
				}
			}

			// Each distinct request is made once, whatever cells read it.
			answers := map[string]*mxAnswer{}
			get := func(sf *mxSurface, m *sharefair.Member, path string) *mxAnswer {
				k := fmt.Sprintf("%d %t %s %s", mxID(m), sf.api, sf.drop, path)
				if a, ok := answers[k]; ok {
					return a
				}
				a := mxGet(t, s, sf, m, cookies, tokens, path)
				answers[k] = a
				return a
			}
			// Every reader: each role, each author as their role.
			readers := func(role mxRole) []*sharefair.Member {
				if role != mxAuthor {
					return []*sharefair.Member{viewers[role]}
				}
				var ms []*sharefair.Member
				for _, c := range contents {
					ms = append(ms, c.author)
				}
				return ms
			}

			surfaces := mxSurfaces(sd.hub.Slug, sd.circles)
			for _, sf := range mxAlsoRead(sd.hub.Slug, "hana", sd.circles["secret"]) {
				for _, role := range mxRoles {
					for _, m := range readers(role) {
						get(&sf, m, sf.path(nil))
					}
				}
			}
			cells, failures := 0, 0
			fail := func(format string, args ...any) {
				failures++
				if failures <= 60 {
					t.Errorf(format, args...)
				}
			}
			for _, sf := range surfaces {
				for _, role := range mxRoles {
					if row := strings.ReplaceAll(sf.want[role], " ", ""); len(row) != len(contents) {
						t.Fatalf("%s, %s: %d cells written, want %d", sf.name, role, len(row), len(contents))
					}
				}
				// Each role reads some threads first: a thread page's
				// posts are kept rendered and shared between readers
				// (web/postcache.go), and only the first reader's page
				// shows what the store told that role, or can carry one
				// reader's view to the next.
				for i, c := range contents {
					for r := range mxRoles {
						role := mxRoles[(i+r)%len(mxRoles)]
						want := strings.ReplaceAll(sf.want[role], " ", "")[i]
						m := viewers[role]
						if role == mxAuthor {
							m = c.author
						}
						where := c.path(sf)
						a := get(&sf, m, where)
						cells++
						cell := fmt.Sprintf("%s %s | %s | %s for the %s: want %q", mxFace(sf), sf.name, role, c.attr, c.audience.name, want)
						if got := mxShown(sf, c, a); got != (want != '-') {
							fail("%s, but the content is %s (GET %s answered %d)", cell, map[bool]string{true: "shown", false: "not shown"}[got], where, a.code)
						}
						if sf.byID && want == '-' && strings.ReplaceAll(mxPosts[role], " ", "")[i] == '-' {
							never := &mxContent{thread: mxNever, post: mxNever, author: c.author}
							n := get(&sf, m, never.path(sf))
							if d := mxDiffer(a, n, where, never.path(sf)); d != "" {
								fail("%s, answered %d, but an id that never existed is answered %d%s", cell, a.code, n.code, d)
							}
						}
						if sf.ofAuthor {
							continue
						}
						scope := a.body
						if role == mxAuthor {
							// The author's own name heads every page they
							// read: what counts is what the content shows.
							scope = a.main
						}
						leak := mxFind(c.sentinel, scope)
						own := role == mxAuthor && !sf.api && (strings.Contains(scope, "You, as Participant") || strings.Contains(scope, "You, anonymously"))
						switch {
						case want == 'A' && leak == "" && !own:
							fail("%s, but nothing shows who wrote it (GET %s answered %d)", cell, where, a.code)
						case want != 'A' && leak != "":
							fail("%s, but the body shows the author (%q) (GET %s answered %d): …%s…", cell, leak, where, a.code, mxAround(scope, leak))
						}
						if want == 'v' && c.attr.hidesAuthor() && strings.Contains(scope, mxHiddenClock) {
							fail("%s, but the post's time of day shows (GET %s): …%s…", cell, where, mxAround(scope, mxHiddenClock))
						}
						if want != 'A' {
							if h := mxFindHeader(c.sentinel, a.header); h != "" {
								fail("%s, but header %s shows the author (GET %s)", cell, h, where)
							}
						}
					}
				}
			}
			// A secret circle is, to everyone outside it, what a key that
			// never existed is: its page and its answers alike.
			for _, sf := range surfaces {
				if !strings.HasPrefix(sf.name, "secret circle") {
					continue
				}
				at := sf.path(nil)
				never := strings.Replace(at, sd.circles["secret"], mxNeverKey, 1)
				for _, role := range mxRoles {
					for _, m := range readers(role) {
						if m != nil && sd.secretIn[m.ID] {
							continue
						}
						a, n := get(&sf, m, at), get(&sf, m, never)
						if d := mxDiffer(a, n, at, never); d != "" {
							fail("%s %s | %s: answered %d, but a key that never existed is answered %d%s", mxFace(sf), sf.name, role,
								a.code, n.code, d)
						}
					}
				}
			}
			// Beyond the cells: no answer to anyone shows any hidden
			// author but the reader, outside that author's own profile,
			// nor the time of day a hidden author wrote at, nor a secret
			// circle to one outside it but an admin on its audited list.
			hiddenAuthors := map[int64]bool{}
			for _, c := range contents {
				hiddenAuthors[c.author.ID] = c.attr.hidesAuthor()
			}
			for k, a := range answers {
				if !hiddenAuthors[a.viewer] && strings.Contains(a.body, mxHiddenClock) {
					fail("request %q shows the time of day of a hidden post: …%s…", k, mxAround(a.body, mxHiddenClock))
				}
				if !sd.secretIn[a.viewer] && !(a.viewer == s.Admin.ID && slices.Contains(mxSecretList, a.path)) {
					secret := []string{mxSecretName, sd.circles["secret"]}
					if strings.Contains(a.path, sd.circles["secret"]) {
						// Asked by its key, which a redirect to sign in
						// gives back; what the answer is otherwise is
						// checked against a key that never existed.
						secret = secret[:1]
					}
					for _, x := range secret {
						if strings.Contains(a.body, x) || mxFindHeader([]string{x}, a.header) != "" {
							fail("request %q shows the secret circle (%q): …%s…", k, x, mxAround(a.body, x))
						}
					}
				}
				for _, c := range contents {
					if !c.attr.hidesAuthor() || a.viewer == c.author.ID || strings.HasSuffix(a.path, "/members/"+c.author.Handle) {
						continue
					}
					if leak := mxFind(c.sentinel, a.body); leak != "" {
						fail("request %q shows %q, author of the %s for the %s: …%s…", k, leak, c.attr, c.audience.name, mxAround(a.body, leak))
					}
					if h := mxFindHeader(c.sentinel, a.header); h != "" {
						fail("request %q: header %s shows the author of the %s for the %s", k, h, c.attr, c.audience.name)
					}
				}
			}
			if failures > 60 {
				t.Errorf("… and %d failures more", failures-60)
			}
			t.Logf("authorization matrix: %d cells checked (%d roles × %d audiences × %d attributions × %d surfaces, and the mailboxes) in %d requests and %d messages, %v",
				cells+mailCells, len(mxRoles), len(mxAudiences), len(mxAttributions), len(surfaces), len(answers), len(relay.Messages()),
				time.Since(start).Round(time.Millisecond))
		})
	}
}

// mxCheckMail checks each role's mailbox as a surface, against
// mxNotified: a role is mailed a cell's post where it is told of it, and
// the message (its From, To, Subject, threading and list headers, both
// parts) names the author, or shows the time of day a hidden author wrote
// at, only where the table says A. It returns the cells checked.
func mxCheckMail(t *testing.T, relay *smtptest.Server, viewers map[mxRole]*sharefair.Member, contents []*mxContent) int {
	t.Helper()
	boxes := map[string][]string{} // address → each message as read
	for _, m := range relay.Messages() {
		env, err := enmime.ReadEnvelope(bytes.NewReader(m.Data))
		if err != nil || len(env.Errors) > 0 {
			t.Fatalf("parse a message to %v: %v %v", m.To, err, env.Errors)
		}
		var read strings.Builder
		for _, h := range []string{"From", "To", "Subject", "Message-Id", "In-Reply-To", "References", "List-Id", "Date"} {
			read.WriteString(h + ": " + env.GetHeader(h) + "\n")
		}
		read.WriteString(env.Text + "\n" + env.HTML)
		for _, to := range m.To {
			boxes[to] = append(boxes[to], read.String())
		}
	}
	cells := 0
	for _, role := range mxRoles {
		for i, c := range contents {
			m := viewers[role]
			if role == mxAuthor {
				m = c.author
			}
			if m == nil {
				continue
			}
			want := strings.ReplaceAll(mxNotified[role], " ", "")[i]
			cells++
			var about []string
			for _, msg := range boxes[m.Email] {
				if strings.Contains(msg, c.bodyMark()) {
					about = append(about, msg)
				}
			}
			cell := fmt.Sprintf("mail | %s | %s for the %s: want %q", role, c.attr, c.audience.name, want)
			switch {
			case (len(about) > 0) != (want != '-'):
				t.Errorf("%s, but %d messages tell of it", cell, len(about))
			case want == 'A' && mxFind(c.sentinel, strings.Join(about, "\n")) == "":
				t.Errorf("%s, but the message does not name its author", cell)
			}
			if want != 'A' {
				for _, msg := range about {
					if leak := mxFind(c.sentinel, msg); leak != "" {
						t.Errorf("%s, but the message names the author (%q): …%s…", cell, leak, mxAround(msg, leak))
					}
					if c.attr.hidesAuthor() && strings.Contains(msg, mxHiddenClock) {
						t.Errorf("%s, but the message shows the time of day: …%s…", cell, mxAround(msg, mxHiddenClock))
					}
				}
			}
		}
	}
	return cells
}

// path is where c is read on sf.
func (c *mxContent) path(sf mxSurface) string { return sf.path(c) }

// mxID is m's id, 0 for nil (signed out).
func mxID(m *sharefair.Member) int64 {
	if m == nil {
		return 0
	}
	return m.ID
}

// mxFace names a surface's face.
func mxFace(sf mxSurface) string {
	if sf.api {
		return "API"
	}
	return "page"
}

// mxSentinel creates the author of c, with an identity no one else shares
// and nothing else contains.
func mxSentinel(t *testing.T, s *testutil.Server, c *mxContent, n int) *sharefair.Member {
	t.Helper()
	// Initials of their own too (Q or X, and a letter no other
	// sentinel's name of the same first letter starts its second word
	// with), drawn in the avatar beside a name.
	first := "Qz"
	if n >= 24 {
		first, n = "Xz", n-24
	}
	name, handle := first+c.key+"q "+string(rune('B'+n))+"orvath", "qz"+c.key+"q"
	org, email := "Vorg"+c.key+"y Holdings", "post"+c.key+"box@sentinel-"+c.key+".example"
	m, err := s.DB.CreateMember(testutil.Operator(), sharefair.NewMember{Email: email, Handle: handle, Name: name,
		Password: "correct horse battery", Role: sharefair.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	if m, err = s.DB.UpdateMember(testutil.As(m), m.ID, sharefair.MemberUpdate{Organisation: &org}); err != nil {
		t.Fatal(err)
	}
	c.sentinel = []string{name, handle, org, email, ">" + avatar.Initials(name) + "</text>"}
	return m
}

// mxWrite writes c's content: a thread whose title holds c's title mark,
// and the author's post, which holds its body mark, opening the thread or
// replying to the opener's.
func mxWrite(t *testing.T, sd *mxSeed, c *mxContent) {
	t.Helper()
	s := sd.s
	reply := c.attr.reply()
	by := c.author
	if reply {
		by = sd.opener
	}
	nt := sharefair.NewThread{Title: "Matrix " + c.titleMark(), Audience: sharefair.AudienceChoice{Kind: c.audience.kind},
		Body: "Opening " + c.bodyMark() + sd.mentions()}
	switch c.audience.kind {
	case sharefair.AudienceHub:
		nt.Audience.Hub = sd.hub.Slug
	case sharefair.AudienceCircle:
		nt.Audience.Circle = sd.circles[c.audience.circle]
	case sharefair.AudienceMembers:
		for _, h := range append(sd.named, c.author.Handle) {
			if h != by.Handle {
				nt.Audience.Members = append(nt.Audience.Members, h)
			}
		}
	}
	nt.ChathamHouse = c.attr == mxChathamOpen || c.attr == mxChathamReply || c.attr == mxAnonChatham
	if c.attr == mxAnonOpen {
		nt.Attribution = sharefair.AttributionAnonymous
	}
	if reply {
		nt.Body = "Opening words of a member who is no sentinel."
	}
	s.Clock.T = mxOtherTime
	if !reply && c.attr.hidesAuthor() {
		s.Clock.T = mxHiddenTime
	}
	th, err := s.DB.CreateThread(testutil.As(by), nt)
	if err != nil {
		t.Fatalf("%s for the %s: %v", c.attr, c.audience.name, err)
	}
	c.thread = th.ID
	if !reply {
		posts, _, err := s.DB.FindPosts(testutil.As(by), th.ID, sharefair.Page{})
		if err != nil || len(posts) != 1 {
			t.Fatalf("%s: posts %v, %v", c.attr, posts, err)
		}
		c.post = posts[0].ID
		return
	}
	np := sharefair.NewPost{Body: "Reply " + c.bodyMark() + sd.mentions()}
	if c.attr.hidesAuthor() {
		s.Clock.T = mxHiddenTime
	}
	if c.attr == mxAnonReply || c.attr == mxAnonChatham {
		np.Attribution = sharefair.AttributionAnonymous
	}
	p, err := s.DB.WritePost(testutil.As(c.author), th.ID, np)
	if err != nil {
		t.Fatalf("%s for the %s: %v", c.attr, c.audience.name, err)
	}
	c.post = p.ID
}

// mxGet reads path on sf's face as m (nil: signed out), in process.
func mxGet(t *testing.T, s *testutil.Server, sf *mxSurface, m *sharefair.Member, cookies, tokens map[int64]string, path string) *mxAnswer {
	t.Helper()
	if sf.api {
		path = "/api/v1" + path
	}
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if sf.api {
		r.Header.Set("Accept", "application/json")
		if m != nil {
			r.Header.Set("Authorization", "Bearer "+tokens[m.ID])
		}
	} else {
		r.Header.Set("Accept", "text/html")
		if m != nil {
			r.AddCookie(&http.Cookie{Name: server.SessionCookie, Value: cookies[m.ID]})
		}
	}
	w := httptest.NewRecorder()
	s.App.Handler.ServeHTTP(w, r)
	a := &mxAnswer{viewer: mxID(m), path: path, code: w.Code, header: w.Header(), body: w.Body.String()}
	if sf.api && strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		a.body = mxDropAudienceMembers(t, a.body)
	}
	a.main = a.body
	if !sf.api && strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(a.body))
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		doc.Find(".audience-members").Remove()
		if sf.drop != "" {
			doc.Find(sf.drop).Remove()
		}
		if a.body, err = goquery.OuterHtml(doc.Selection); err != nil {
			t.Fatal(err)
		}
		a.main, _ = doc.Find("main").Html()
	}
	return a
}

// mxDropAudienceMembers returns the JSON body without the named readers of
// members audiences ("audience": {"members": […]}): they read the content,
// which is not writing it, and the author reads it among them by design,
// as the page shows them (its .audience-members, dropped likewise).
func mxDropAudienceMembers(t *testing.T, body string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("answer is no JSON: %v", err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if aud, ok := v["audience"].(map[string]any); ok {
				delete(aud, "members")
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// mxDiffer tells how answer a, to a request for path, differs from n, to
// the same request for never, an id or key that never existed: "" when
// they are alike but for the path each gives back (a redirect to sign in
// names the page it was asked for).
func mxDiffer(a, n *mxAnswer, path, never string) string {
	same := func(x, y string) bool {
		return x == strings.NewReplacer(never, path, url.QueryEscape(never), url.QueryEscape(path)).Replace(y)
	}
	switch {
	case a.code != n.code:
		return ", another status"
	case !same(a.body, n.body):
		return " with another body"
	case !same(a.header.Get("Location"), n.header.Get("Location")):
		return " elsewhere"
	}
	return ""
}

// mxShown reports whether a shows c's content, as sf proves it.
func mxShown(sf mxSurface, c *mxContent, a *mxAnswer) bool {
	switch sf.shows {
	case mxRedirect:
		to, _, _ := strings.Cut(a.header.Get("Location"), "#")
		to, _, _ = strings.Cut(to, "?")
		return a.code == http.StatusSeeOther && to == "/threads/"+strconv.FormatInt(c.thread, 10)
	case mxBody:
		return strings.Contains(a.body, c.bodyMark())
	case mxThreadRef:
		id := strconv.FormatInt(c.thread, 10)
		if sf.api {
			return strings.Contains(a.body, `"thread_id":`+id+`,`) || strings.Contains(a.body, `"thread_id":`+id+`}`)
		}
		return strings.Contains(a.body, `href="/threads/`+id+`"`)
	}
	return strings.Contains(a.body, c.titleMark())
}

// mxFind returns the first of the sentinel's strings in s, ignoring case.
func mxFind(sentinel []string, s string) string {
	s = strings.ToLower(s)
	for _, x := range sentinel {
		if strings.Contains(s, strings.ToLower(x)) {
			return x
		}
	}
	return ""
}

// mxFindHeader returns the name of a header that holds any of the
// sentinel's strings.
func mxFindHeader(sentinel []string, h http.Header) string {
	for k, vs := range h {
		for _, v := range vs {
			if mxFind(sentinel, v) != "" {
				return k
			}
		}
	}
	return ""
}

// mxAround is the text around the first x in s, for a failure message.
func mxAround(s, x string) string {
	i := strings.Index(strings.ToLower(s), strings.ToLower(x))
	if i < 0 {
		return ""
	}
	return s[max(0, i-120):min(len(s), i+len(x)+60)]
}
