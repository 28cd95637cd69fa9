package store

import (
	"context"
	"fmt"
	"time"

	"github.com/sharefair/sharefair"
)

// This file is the one place that decides who may read what, and who may
// change what. Every query that returns threads or posts, or counts them,
// or reveals their authors, builds its predicate here; handlers never
// filter what the store returns. New audiences (circles, named members)
// and attribution modes are added to these functions and nowhere else.

// Content kinds, as audience_members names them.
const contentThread = "thread"

// contentVisible returns a condition, over the content row aliased a (any
// table with the audience columns audience, hub_id, circle_id, and
// author_id), that is true when the viewer in ctx may read it. kind names
// the content in audience_members. It is the one rule for every kind of
// content, in the manner of Gitea's AccessibleRepositoryCondition:
//
//   - network: every signed-in member;
//   - hub: the hub's members, and network admins;
//   - circle: the circle's members, and network admins unless the circle
//     is secret: they are not omniscient;
//   - members: the named members and the author, not even admins.
//
// The viewer's hubs and circles are small sets computed once per query (an
// uncorrelated IN), not a lookup per row.
func contentVisible(ctx context.Context, q *query, a, kind string) string {
	v := sharefair.ViewerFromContext(ctx)
	if v == nil {
		return "1 = 0"
	}
	id := q.arg(v.ID)
	admin, adminCircles := "1 = 0", "1 = 0"
	if v.IsAdmin() {
		admin = "1 = 1"
		adminCircles = fmt.Sprintf(`%s.circle_id IN (SELECT vis_oc.id FROM circles vis_oc WHERE vis_oc.kind <> 'secret')`, a)
	}
	return fmt.Sprintf(`(%[1]s.audience = 'network'
		OR (%[1]s.audience = 'hub' AND (%[2]s OR %[1]s.hub_id IN (
			SELECT vis_hm.hub_id FROM hub_members vis_hm WHERE vis_hm.member_id = %[3]s)))
		OR (%[1]s.audience = 'circle' AND (%[4]s OR %[1]s.circle_id IN (
			SELECT vis_cm.circle_id FROM circle_members vis_cm WHERE vis_cm.member_id = %[3]s)))
		OR (%[1]s.audience = 'members' AND (%[1]s.author_id = %[3]s OR %[1]s.id IN (
			SELECT vis_am.content_id FROM audience_members vis_am
			WHERE vis_am.member_id = %[3]s AND vis_am.content_kind = %[5]s))))`,
		a, admin, id, adminCircles, q.arg(kind))
}

// threadVisible returns a condition, over the threads row aliased t, that is
// true when the viewer in ctx may read the thread (contentVisible). A
// viewer who may not is told the thread does not exist.
func threadVisible(ctx context.Context, q *query, t string) string {
	return contentVisible(ctx, q, t, contentThread)
}

// circleVisible returns a condition, over the circles row aliased c, that
// is true when the viewer may know the circle exists: every open and
// closed circle; a secret one only for its members and those invited to
// it (who see enough to answer). To anyone else a secret circle is
// nowhere, in lists, counts, search and by address, not even to network
// admins, who see that secret circles exist only through
// FindSecretCircles, which is audited.
func circleVisible(ctx context.Context, q *query, c string) string {
	v := sharefair.ViewerFromContext(ctx)
	if v == nil {
		return "1 = 0"
	}
	id := q.arg(v.ID)
	return fmt.Sprintf(`(%[1]s.kind <> 'secret'
		OR %[1]s.id IN (SELECT cv_cm.circle_id FROM circle_members cv_cm WHERE cv_cm.member_id = %[2]s)
		OR %[1]s.id IN (SELECT cv_ci.circle_id FROM circle_invitations cv_ci WHERE cv_ci.member_id = %[2]s))`, c, id)
}

// hubVisible returns a condition, over the hubs row aliased h, that is true
// when the viewer may know of the hub: every signed-in member knows every
// hub (what a closed hub holds is another matter: contentVisible). It
// takes no arguments today; a rule that needs some takes a query then.
func hubVisible(ctx context.Context, _ string) string {
	if sharefair.ViewerFromContext(ctx) == nil {
		return "1 = 0"
	}
	return "1 = 1"
}

// readersKey is what a rendering of thread t's posts depends on for the
// viewer, besides the thread's version: pages rendered for one key are
// shared only with viewers of the same key, and a viewer whose key is ""
// shares with nobody. Every permitted reader who moderates none of it
// and flagged none of it sees the posts alike (an author's own posts are
// rendered afresh, as only they may see them so), so the key is one for
// all of them. Its moderators see hidden posts' words and the moderation
// links, alike: a key of their own. A flagger sees which posts they
// flagged: a view of their own, never kept for another. t's
// ViewerMayModerate and ViewerFlagged are set before it is asked.
func readersKey(_ context.Context, t *sharefair.Thread) string {
	switch {
	case t.ViewerFlagged:
		return ""
	case t.ViewerMayModerate:
		return "moderators"
	}
	return "readers"
}

// hubThreadsVisible returns a condition that is true when the viewer may
// see the threads of the hub hub (an expression: a column holding a hub's
// id). For threads with a hub, which are always for that hub, it says what
// threadVisible says, but of the hub alone, so that the count of threads
// the hub keeps can be given to those who may read them.
func hubThreadsVisible(ctx context.Context, q *query, hub string) string {
	v := sharefair.ViewerFromContext(ctx)
	if v == nil {
		return "1 = 0"
	}
	if v.IsAdmin() {
		return "1 = 1"
	}
	return fmt.Sprintf(`%s IN (SELECT vis_hm.hub_id FROM hub_members vis_hm WHERE vis_hm.member_id = %s)`,
		hub, q.arg(v.ID))
}

// shownAuthor returns an expression, over the row aliased p with columns
// author_id, attribution and withdrawn_at (a post, or a thread for its
// opening post), that yields the author's id when the viewer may know who
// wrote it, and NULL otherwise. Authors always see their own, unless they
// withdrew it: a tombstone names nobody, to its author too, since the
// author asked for their words to go and a name on the tombstone would
// keep saying they spoke there (for a hidden-author post, it would reveal
// them).
func shownAuthor(ctx context.Context, q *query, p string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s.withdrawn_at IS NULL AND (%[1]s.attribution = 'named' OR %[1]s.author_id = %[2]s)
		THEN %[1]s.author_id END`, p, q.arg(sharefair.ViewerIDFromContext(ctx)))
}

// ownLivePost returns a condition, over the post row aliased p, that is
// true when the viewer wrote it and has not withdrawn it: the posts that
// are theirs to edit and withdraw, and that show to them as theirs.
func ownLivePost(ctx context.Context, q *query, p string) string {
	return fmt.Sprintf(`(%[1]s.author_id = %[2]s AND %[1]s.withdrawn_at IS NULL)`, p, q.arg(sharefair.ViewerIDFromContext(ctx)))
}

// pseudonymOf returns the join condition, over the post row aliased p, of
// the thread_pseudonyms row aliased ps that names its author in a Chatham
// House thread. Every reader sees the same number, and nothing links it to
// the member's number in another thread.
func pseudonymOf(p, ps string) string {
	// A tombstone keeps no pseudonym: "Participant 2" would reveal
	// nothing new, but it would tie the withdrawn post to that writer's
	// other posts, which the author did not ask to keep.
	return fmt.Sprintf(`%[1]s.attribution = 'chatham' AND %[1]s.withdrawn_at IS NULL AND %[2]s.thread_id = %[1]s.thread_id AND %[2]s.member_id = %[1]s.author_id`, p, ps)
}

// hiddenTime is the time of a post whose author is hidden, as readers are
// told it: the day alone (midnight UTC of its date), so that a time of day
// cannot be matched with a member's known activity.
func hiddenTime(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// hidePostTimes shows post p's times to the day alone.
func hidePostTimes(p *sharefair.Post) {
	p.CreatedAt = hiddenTime(p.CreatedAt)
	if p.EditedAt != nil {
		e := hiddenTime(*p.EditedAt)
		p.EditedAt = &e
	}
}

// memberMayRead returns a condition, over the members row aliased m and
// the threads row aliased t, that is true when member m may read thread
// t: contentVisible's rule, for any member rather than the viewer, for
// deciding whom to tell of something (a notification is read through
// contentVisible again when shown). TestMemberMayReadAgrees holds the two
// to one answer.
func memberMayRead(q *query, m, t string) string {
	return fmt.Sprintf(`(%[2]s.audience = 'network'
		OR (%[2]s.audience = 'hub' AND (%[1]s.role = 'admin' OR %[2]s.hub_id IN (
			SELECT mr_hm.hub_id FROM hub_members mr_hm WHERE mr_hm.member_id = %[1]s.id)))
		OR (%[2]s.audience = 'circle' AND ((%[1]s.role = 'admin' AND %[2]s.circle_id IN (
			SELECT mr_oc.id FROM circles mr_oc WHERE mr_oc.kind <> 'secret'))
			OR %[2]s.circle_id IN (SELECT mr_cm.circle_id FROM circle_members mr_cm WHERE mr_cm.member_id = %[1]s.id)))
		OR (%[2]s.audience = 'members' AND (%[2]s.author_id = %[1]s.id OR %[2]s.id IN (
			SELECT mr_am.content_id FROM audience_members mr_am
			WHERE mr_am.member_id = %[1]s.id AND mr_am.content_kind = %[3]s))))`, m, t, q.arg(contentThread))
}

// notificationShown returns a condition, over the notifications row
// aliased n joined with its thread t, post p and circle c (LEFT JOINs),
// that is true when it is the viewer's and they may be shown it at now. What it points to is asked of the access rules each time, never
// judged when it was made:
//
//   - about a thread: only while the viewer may read the thread;
//   - new replies: while one of those it gathers is still there, by
//     someone else, neither withdrawn nor hidden;
//   - a mention: while its post is neither withdrawn nor hidden;
//   - the moderation of the viewer's post: while the post is theirs and
//     not withdrawn;
//   - a circle invitation: while the viewer may know of the circle and is
//     still invited to it or has joined it;
//   - a hub invitation: while it is addressed to the viewer's email and
//     neither revoked nor expired unused.
func notificationShown(ctx context.Context, q *query, now time.Time, n, t, p, c string) string {
	me := q.arg(sharefair.ViewerIDFromContext(ctx))
	at := q.arg(now)
	return fmt.Sprintf(`%[1]s.member_id = %[5]s AND (%[1]s.thread_id IS NULL OR (%[2]s.id IS NOT NULL AND %[7]s)) AND (
		(%[1]s.kind = 'reply' AND EXISTS (SELECT 1 FROM posts ns_rp WHERE ns_rp.thread_id = %[1]s.thread_id
			AND ns_rp.id >= %[1]s.post_id AND ns_rp.id <= %[1]s.last_post_id AND ns_rp.author_id <> %[5]s
			AND ns_rp.withdrawn_at IS NULL AND ns_rp.hidden_at IS NULL))
		OR (%[1]s.kind = 'mention' AND %[3]s.withdrawn_at IS NULL AND %[3]s.hidden_at IS NULL)
		OR (%[1]s.kind IN ('post_hidden', 'post_restored') AND %[3]s.author_id = %[5]s AND %[3]s.withdrawn_at IS NULL)
		OR (%[1]s.kind = 'circle_invitation' AND %[4]s.id IS NOT NULL AND %[8]s AND (
			%[4]s.id IN (SELECT ns_ci.circle_id FROM circle_invitations ns_ci WHERE ns_ci.member_id = %[5]s)
			OR %[4]s.id IN (SELECT ns_cm.circle_id FROM circle_members ns_cm WHERE ns_cm.member_id = %[5]s)))
		OR (%[1]s.kind = 'invitation' AND EXISTS (SELECT 1 FROM invitations ns_i JOIN members ns_m ON ns_m.id = %[5]s
			WHERE ns_i.id = %[1]s.invitation_id AND ns_i.email = ns_m.email AND ns_i.revoked_at IS NULL
			AND (ns_i.accepted_at IS NOT NULL OR ns_i.expires_at > %[6]s))))`,
		n, t, p, c, me, at, threadVisible(ctx, q, t), circleVisible(ctx, q, c))
}

// notificationActor returns an expression, over the same rows as
// notificationShown and the notification's post p, that yields who the
// viewer is told did it, or NULL: a post's author only as shownAuthor
// shows them and never on a hidden post (so an anonymous author is never
// named), an inviter by name, a moderator never (a hide is the
// moderators' decision, not one person's to answer for).
func notificationActor(ctx context.Context, q *query, n, p string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s.kind IN ('reply', 'mention') AND %[2]s.hidden_at IS NULL THEN %[3]s
		WHEN %[1]s.kind IN ('invitation', 'circle_invitation') THEN %[1]s.actor_id END`, n, p, shownAuthor(ctx, q, p))
}

// namedParticipant returns a condition, over the threads row aliased t, that
// is true when member memberID posted in the thread under their own name.
// Posts whose author is hidden never count, so a profile cannot reveal
// them, nor do withdrawn ones, which leave every read path.
func namedParticipant(q *query, t string, memberID int64) string {
	return fmt.Sprintf(`EXISTS (SELECT 1 FROM posts np
		WHERE np.thread_id = %s.id AND np.author_id = %s AND np.attribution = 'named' AND np.withdrawn_at IS NULL)`,
		t, q.arg(memberID))
}

// listedMember returns a condition, over the members row aliased m, that
// is true for members who may be found: not those who deleted their
// account, whose profile answers as one that never existed and who are in
// no directory, count or search.
func listedMember(m string) string { return m + ".state <> 'deleted'" }

// formerAuthor returns an expression, over the members row aliased a
// joined as an author, that is 1 when they deleted their account and
// kept their posts: shown as a former member, with nothing of theirs.
func formerAuthor(a string) string {
	return "CASE WHEN " + a + ".state = 'deleted' THEN 1 ELSE 0 END"
}

// mayDeleteAccount reports whether v may delete their own account, given
// how many other active network admins there are: anyone but the last
// admin, since a network without one could not be run.
func mayDeleteAccount(v *sharefair.Member, otherAdmins int) bool {
	return !v.IsAdmin() || otherAdmins > 0
}

// mayModerateThread returns a condition, over the threads row aliased t,
// that is true when the viewer may moderate the thread's content: hide and
// restore its posts, dismiss their flags, lock it, and see it in the
// moderation queue. Network admins moderate the network's and the hubs'
// content, hub coordinators their hubs', circle hosts their circles'. A
// circle's content is its hosts' to moderate, not the admins' (who may
// read an open or closed circle's, but not a secret one's), and content
// for named members is nobody's: it has no moderators beyond its readers'
// own flags, as a conversation among a few people chosen by its author.
// Moderating never widens who may read: callers ask threadVisible too.
func mayModerateThread(ctx context.Context, q *query, t string) string {
	v := sharefair.ViewerFromContext(ctx)
	if v == nil || v.State != sharefair.MemberActive {
		return "1 = 0"
	}
	id := q.arg(v.ID)
	hosts := fmt.Sprintf(`(%[1]s.audience = 'circle' AND %[1]s.circle_id IN (
		SELECT mod_cm.circle_id FROM circle_members mod_cm WHERE mod_cm.member_id = %[2]s AND mod_cm.role = %[3]s))`,
		t, id, q.arg(string(sharefair.CircleRoleHost)))
	if v.IsAdmin() {
		return fmt.Sprintf(`(%s.audience IN ('network', 'hub') OR %s)`, t, hosts)
	}
	return fmt.Sprintf(`((%[1]s.audience = 'hub' AND %[1]s.hub_id IN (
		SELECT mod_hm.hub_id FROM hub_members mod_hm WHERE mod_hm.member_id = %[2]s AND mod_hm.role = %[3]s)) OR %[4]s)`,
		t, id, q.arg(string(sharefair.HubRoleCoordinator)), hosts)
}

// hiddenShown returns an expression, over the posts row aliased p, that is
// true when the viewer may read the post's content: always while it is not
// hidden; once a moderator hid it, its author (told why) and those who may
// moderate its thread (with a marker), and nobody else.
func hiddenShown(ctx context.Context, q *query, p string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s.hidden_at IS NULL OR %[1]s.author_id = %[2]s THEN 1
		WHEN EXISTS (SELECT 1 FROM threads hs_t WHERE hs_t.id = %[1]s.thread_id AND %[3]s) THEN 1 ELSE 0 END`,
		p, q.arg(sharefair.ViewerIDFromContext(ctx)), mayModerateThread(ctx, q, "hs_t"))
}

// hidePostContent turns post p into the tombstone its readers see once a
// moderator hid it: no content, and no reason, which is for its author
// and moderators.
func hidePostContent(p *sharefair.Post) {
	p.Source, p.HTML, p.HiddenReason = "", "", ""
}

// revealTold returns the join, over the posts row aliased p, of the
// audit_log row aliased rv that tells the post's author (member me, an
// argument already placed) of the latest reveal of who wrote it; nothing
// joins for anyone else. The audit log is where reveals are kept; the
// author alone is told, so a reveal changes nothing that anyone else sees.
func revealTold(p, rv, me string) string {
	return fmt.Sprintf(`LEFT JOIN audit_log %[2]s ON %[2]s.id = CASE WHEN %[1]s.author_id = %[3]s AND %[1]s.attribution <> 'named' THEN
			(SELECT MAX(rv_l.id) FROM audit_log rv_l WHERE rv_l.post_id = %[1]s.id AND rv_l.action = 'reveal') END`, p, rv, me)
}

// auditReadable returns a condition, over the audit_log row aliased al,
// that is true for the entries the viewer may read: network admins read
// the log, nobody else.
func auditReadable(ctx context.Context, al string) string {
	if !mayReadAudit(sharefair.ViewerFromContext(ctx)) {
		return "1 = 0"
	}
	return "1 = 1"
}

// auditNamesContent returns an expression, over the audit_log row aliased
// al, that is true when the entry may name what it acted on to the viewer.
// An entry about a secret circle or its content names it (and who acted,
// and on whom) only to admins who are its members: to the others a secret
// circle does not exist, and an entry naming its content, its host or its
// members would say that it does and who is in it. The circle is the one
// the entry records (a circle deleted since counts as secret: nothing says
// it was not) and the one its thread is in now, so that neither an older
// entry nor a thread moved into a secret circle since names what the
// viewer may not know of.
func auditNamesContent(ctx context.Context, q *query, al string) string {
	me := q.arg(sharefair.ViewerIDFromContext(ctx))
	return fmt.Sprintf(`((%[1]s.circle_id IS NULL
		OR %[1]s.circle_id IN (SELECT an_c.id FROM circles an_c WHERE an_c.kind <> 'secret')
		OR %[1]s.circle_id IN (SELECT an_cm.circle_id FROM circle_members an_cm WHERE an_cm.member_id = %[2]s))
		AND NOT EXISTS (SELECT 1 FROM threads an_t JOIN circles an_tc ON an_tc.id = an_t.circle_id
			WHERE an_t.id = %[1]s.thread_id AND an_tc.kind = 'secret'
			AND an_tc.id NOT IN (SELECT an_tm.circle_id FROM circle_members an_tm WHERE an_tm.member_id = %[2]s)))`,
		al, me)
}

// mayWatchJobs reports whether v may see the background jobs' counts and
// failures: network admins, who run the installation. The counts hold no
// content and no member.
func mayWatchJobs(v *sharefair.Member) bool { return v.IsAdmin() }

// mayReadOutbox reports whether v may see the outbox (whom mail is for,
// never what it says) and send a test message: network admins.
func mayReadOutbox(v *sharefair.Member) bool { return v.IsAdmin() }

// mayReadAudit reports whether v may read the audit log.
func mayReadAudit(v *sharefair.Member) bool { return v.IsAdmin() }

// mayChangeStanding reports whether v may suspend, reinstate, deactivate
// and reactivate members, and change their network role: network admins
// alone. Hub coordinators moderate their hubs' content, but a suspension
// shuts a member out of the whole network, which is the admins' to decide.
func mayChangeStanding(v *sharefair.Member) bool { return v.IsAdmin() }

// mayReveal reports whether v, who moderates the post's thread or not
// (mayModerateThread), may reveal who wrote a hidden-author post: network
// admins, for abuse, through the audited step, of the content they
// moderate: the network's and the hubs', not a circle's, whose hosts
// hide what harms and remove whom they must.
func mayReveal(v *sharefair.Member, moderates bool) bool { return v.IsAdmin() && moderates }

// mayFlag reports whether the viewer may flag post p, as read by them:
// any reader but its author.
func mayFlag(p *sharefair.Post) bool { return !p.Mine }

// mayManageInvitations returns a condition, over the invitations row
// aliased i, that is true for the invitations the viewer may see and
// withdraw: every one for network admins, their own for anyone else.
func mayManageInvitations(ctx context.Context, q *query, i string) string {
	v := sharefair.ViewerFromContext(ctx)
	if v.IsAdmin() {
		return "1 = 1"
	}
	return i + ".invited_by = " + q.arg(sharefair.ViewerIDFromContext(ctx))
}

// mayRenewInvitation returns an expression, over the invitations row
// aliased i, that is true when the viewer may still invite people where
// the invitation leads (mayInvite), and so may give it a new link or
// re-send it: network admins anywhere, coordinators to the hubs they
// coordinate now.
func mayRenewInvitation(ctx context.Context, q *query, i string) string {
	v := sharefair.ViewerFromContext(ctx)
	if v == nil {
		return "1 = 0"
	}
	if mayInvite(v, false, "") && mayInvite(v, true, "") {
		return "1 = 1"
	}
	return fmt.Sprintf(`(%[1]s.hub_id IS NOT NULL AND %[1]s.hub_id IN (
		SELECT rn_hm.hub_id FROM hub_members rn_hm WHERE rn_hm.member_id = %[2]s AND rn_hm.role = %[3]s))`,
		i, q.arg(v.ID), q.arg(string(sharefair.HubRoleCoordinator)))
}

// ownSessions returns a condition, over the sessions row aliased s, that
// is true for the sessions the viewer may see and end: their own only, not
// even a network admin's others', since the list shows where a member
// signs in from. (A password, likewise, only its member changes, knowing
// the current one: ChangePassword acts on the viewer alone.)
func ownSessions(ctx context.Context, q *query, s string) string {
	return s + ".member_id = " + q.arg(sharefair.ViewerIDFromContext(ctx))
}

// ownData returns a condition, over a column holding a member's id (col),
// that is true for the rows of the viewer's own data, the only ones their
// export gathers: not even a network admin exports another member, since
// the file holds where they sign in from and what they wrote anonymously.
// What the export shows of others' content (a thread's title, its hub)
// it shows only where threadVisible lets the member read it now.
func ownData(ctx context.Context, q *query, col string) string {
	return col + " = " + q.arg(sharefair.ViewerIDFromContext(ctx))
}

// maySeeEmails reports whether ctx may look members up by email address,
// which members never see of each other.
func maySeeEmails(ctx context.Context) bool {
	return sharefair.IsOperator(ctx) || sharefair.ViewerFromContext(ctx).IsAdmin()
}

// The rules for what a viewer may change. The write methods enforce them
// with the viewer (and their role in a hub) as read inside their
// transaction; the read methods report them (NetworkRights, Hub.ViewerMay…,
// Thread.ViewerMayRename, Post.ViewerMayEdit) so that pages offer only what
// will be allowed, without repeating them.

// mayCreateHub reports whether v may create hubs.
func mayCreateHub(v *sharefair.Member) bool { return v.IsAdmin() }

// mayAppointCoordinators reports whether v may appoint and stand down the
// coordinators of any hub.
func mayAppointCoordinators(v *sharefair.Member) bool { return v.IsAdmin() }

// mayReadChecklist reports whether v may read the network's setup
// checklist: those who do what it lists, network admins.
func mayReadChecklist(v *sharefair.Member) bool { return v.IsAdmin() }

// mayRenameNetwork reports whether v may change the network's settings.
func mayRenameNetwork(v *sharefair.Member) bool { return v.IsAdmin() }

// mayInviteToNetwork reports whether v may invite someone to the network
// without placing them in a hub; others invite to a hub they coordinate.
func mayInviteToNetwork(v *sharefair.Member) bool { return v.IsAdmin() }

// mayInvite reports whether v, whose role in the hub is role, may invite
// people to a hub (toHub) or to the network alone. It is asked of the
// viewer when an invitation is made or renewed, and again of its inviter,
// as they are then, when it is accepted.
func mayInvite(v *sharefair.Member, toHub bool, role sharefair.HubRole) bool {
	if !toHub {
		return mayInviteToNetwork(v)
	}
	return mayManageHub(v, role)
}

// mayAcceptAs reports whether the signed-in member v may accept, as
// themselves, an invitation addressed to email: only its addressee.
func mayAcceptAs(v *sharefair.Member, email string) bool {
	return v != nil && sharefair.NormalizeEmail(v.Email) == email
}

// mayManageMembers reports whether ctx may add members directly and change
// anyone's profile: the operator at the command line and network admins.
func mayManageMembers(ctx context.Context, v *sharefair.Member) bool {
	return sharefair.IsOperator(ctx) || v.IsAdmin()
}

// mayUpdateMember reports whether v may change member id's profile.
func mayUpdateMember(ctx context.Context, v *sharefair.Member, id int64) bool {
	return (v != nil && v.ID == id) || mayManageMembers(ctx, v)
}

// mayCreateToken reports whether ctx may create an access token for member
// memberID: members for themselves, the operator for anyone. Not network
// admins: a token acts as its member, in their name.
func mayCreateToken(ctx context.Context, v *sharefair.Member, memberID int64) bool {
	return sharefair.IsOperator(ctx) || (v != nil && v.ID == memberID)
}

// mayPostIn reports whether v, whose role in a hub is role ("" for none),
// may start discussions for it.
func mayPostIn(v *sharefair.Member, role sharefair.HubRole) bool {
	return v.IsAdmin() || role != ""
}

// mayManageHub reports whether v may change a hub and invite people to it.
func mayManageHub(v *sharefair.Member, role sharefair.HubRole) bool {
	return v.IsAdmin() || role == sharefair.HubRoleCoordinator
}

// maySetJoinPolicy reports whether v, whose role in a hub is role, may
// set how people join it.
func maySetJoinPolicy(v *sharefair.Member, role sharefair.HubRole) bool { return mayManageHub(v, role) }

// mayAdmit reports whether v, whose role in a hub is role, may approve and
// decline requests to join it.
func mayAdmit(v *sharefair.Member, role sharefair.HubRole) bool { return mayManageHub(v, role) }

// mayJoinHub reports whether v, not a member, may join at once a hub whose
// join policy is policy: anyone an open hub, network admins any hub, since
// they read every hub's discussions already (threadVisible).
func mayJoinHub(v *sharefair.Member, policy sharefair.JoinPolicy) bool {
	return policy == sharefair.JoinOpen || v.IsAdmin()
}

// mayJoinByInvitation reports whether an invitation to a hub addressed to
// the viewer's email (open, its inviter still able to invite) lets them
// join it at once, whatever its policy: it does.
func mayJoinByInvitation(invited bool) bool { return invited }

// mayRequestToJoin reports whether v, not a member, may ask to join a hub
// whose join policy is policy.
func mayRequestToJoin(v *sharefair.Member, policy sharefair.JoinPolicy) bool {
	return policy == sharefair.JoinByRequest && !mayJoinHub(v, policy)
}

// mayNarrow reports whether the viewer may change the audience of content
// (wrote: they are its author): its author alone, not even a network
// admin, since the author chose whom to tell.
func mayNarrow(wrote bool) bool { return wrote }

// narrower reports whether audience next may replace audience cur once
// others have replied: only when every new reader reads the content now,
// never wider. A network audience may become anything; a hub or circle
// audience only itself (sameGroup) or named members who all read it now
// (allCurrent, as contentVisible decides for each); named members only a
// subset of themselves (allCurrent again). A change to another hub or
// circle, or between a hub and a circle, is never narrower (their readers
// differ), and is refused.
func narrower(cur, next sharefair.AudienceKind, sameGroup, allCurrent bool) bool {
	switch {
	case cur == sharefair.AudienceNetwork:
		return true
	case next == sharefair.AudienceNetwork:
		return false
	case cur == next && (cur == sharefair.AudienceHub || cur == sharefair.AudienceCircle):
		return sameGroup
	case next == sharefair.AudienceMembers:
		return allCurrent
	}
	return false
}

// mayPostInCircle reports whether v, whose role in a circle is role, may
// write for it: its members only, not network admins outside it.
func mayPostInCircle(role sharefair.CircleRole) bool { return role != "" }

// mayHostCircle reports whether v, whose role in a circle is role, may
// invite, admit, remove members and share hosting: its hosts only. Network
// admins do not host other people's circles.
func mayHostCircle(role sharefair.CircleRole) bool { return role == sharefair.CircleRoleHost }

// mayJoinCircle reports whether a member not in a circle of kind k may join
// it at once: open circles, or any circle they were invited to.
func mayJoinCircle(k sharefair.CircleKind, invited bool) bool {
	return k == sharefair.CircleOpen || invited
}

// mayRequestCircle reports whether a member not in a circle of kind k may
// ask to join it: closed circles.
func mayRequestCircle(k sharefair.CircleKind, invited bool) bool {
	return k == sharefair.CircleClosed && !invited
}

// mayReadCircleThreads reports whether v, whose role in circle c is role,
// may read its threads: the rule of contentVisible, for one circle.
func mayReadCircleThreads(v *sharefair.Member, c *sharefair.Circle) bool {
	return c.ViewerRole != "" || (v.IsAdmin() && c.Kind != sharefair.CircleSecret)
}

// mayListSecretCircles reports whether v may see that secret circles exist
// (name, hosts, size): network admins, through an audited list.
func mayListSecretCircles(v *sharefair.Member) bool { return v.IsAdmin() }

// circleRights fills in what v may do in c.
func circleRights(v *sharefair.Member, c *sharefair.Circle) {
	c.ViewerMayRead = mayReadCircleThreads(v, c)
	c.ViewerMayHost = mayHostCircle(c.ViewerRole)
	c.ViewerMayJoin = c.ViewerRole == "" && mayJoinCircle(c.Kind, c.ViewerInvited)
	c.ViewerMayRequest = c.ViewerRole == "" && !c.ViewerRequested && mayRequestCircle(c.Kind, c.ViewerInvited)
}

// mayRename reports whether v may change the title of thread t, as read by
// v: its author, and those who moderate it (t.ViewerMayModerate, from
// mayModerateThread), since a misleading title is theirs to mend as a
// post is theirs to hide. Not network admins elsewhere: a circle's
// threads are its hosts' to moderate.
func mayRename(v *sharefair.Member, t *sharefair.Thread) bool {
	if t.Withdrawn {
		return false // its title went with its opening post
	}
	return t.ViewerMayModerate || (v != nil && t.Author != nil && t.Author.ID == v.ID)
}

// mayEditPost reports whether the viewer may edit post p, as read by them:
// its author only, not even a network admin, since a post speaks in its
// author's name.
func mayEditPost(p *sharefair.Post) bool { return p.Mine }

// mayWithdrawPost reports whether the viewer may withdraw post p, as read
// by them: its author only (Mine, which a withdrawn post never is), not
// even a network admin, since withdrawal is the author taking back their
// own words; moderators hide instead.
func mayWithdrawPost(p *sharefair.Post) bool { return p.Mine }

// asReadersSee returns the viewer's own post p as it shows to a reader who
// did not write it (the SQL rule shownAuthor, for another viewer): without
// the edit right, and with its author hidden unless named. Pages of posts
// rendered so are shared between the thread's permitted readers.
func asReadersSee(p *sharefair.Post) *sharefair.Post {
	r := *p
	r.Mine, r.AsReadersSee, r.Revealed, r.ViewerFlagged = false, nil, nil, false
	r.ViewerMayEdit, r.ViewerMayWithdraw = mayEditPost(&r), mayWithdrawPost(&r)
	if r.Hidden {
		hidePostContent(&r)
	}
	if r.Attribution != sharefair.AttributionNamed {
		r.Author = nil
		hidePostTimes(&r)
	}
	return &r
}

// networkRights is what v may do across the network. roles tells whether
// v coordinates at least one hub and whether v hosts at least one circle;
// it is asked only when the answer matters.
func networkRights(ctx context.Context, v *sharefair.Member, roles func() (coordinates, hosts bool, err error)) (sharefair.NetworkRights, error) {
	if v == nil {
		return sharefair.NetworkRights{}, nil
	}
	r := sharefair.NetworkRights{
		CreateHubs:          mayCreateHub(v),
		AppointCoordinators: mayAppointCoordinators(v),
		RenameNetwork:       mayRenameNetwork(v),
		InviteToNetwork:     mayInviteToNetwork(v),
		ManageMembers:       mayManageMembers(ctx, v),
		SeeChecklist:        mayReadChecklist(v),
	}
	// Anyone who may invite to the network may invite; a coordinator may
	// invite to the hubs they coordinate (mayManageHub).
	r.Invite = r.InviteToNetwork
	// Coordinators moderate their hubs, admins the network and every hub,
	// circle hosts their circles (mayModerateThread): those who may invite,
	// and hosts, who invite to their circles alone.
	r.Moderate = r.Invite
	if !r.Invite {
		coordinates, hosts, err := roles()
		if err != nil {
			return sharefair.NetworkRights{}, err
		}
		r.Invite = coordinates
		r.Moderate = coordinates || hosts
	}
	r.ReadAudit = mayReadAudit(v)
	r.SeeSecretCircles = mayListSecretCircles(v)
	r.ChangeStanding = mayChangeStanding(v)
	return r, nil
}

// hubRights fills in what v may do in h.
func hubRights(v *sharefair.Member, h *sharefair.Hub) {
	h.ViewerMayPost = mayPostIn(v, h.ViewerRole)
	h.ViewerMayEdit = mayManageHub(v, h.ViewerRole)
	h.ViewerMayInvite = h.ViewerMayEdit
	h.ViewerMayAppoint = mayAppointCoordinators(v)
	h.ViewerMayAdmit = mayAdmit(v, h.ViewerRole)
	h.ViewerMayJoin = h.ViewerRole == "" && (mayJoinHub(v, h.JoinPolicy) || mayJoinByInvitation(h.ViewerInvited))
	h.ViewerMayRequest = h.ViewerRole == "" && !h.ViewerRequested && !h.ViewerMayJoin && mayRequestToJoin(v, h.JoinPolicy)
}

// requireViewer returns the signed-in viewer, or EUNAUTHORIZED.
func requireViewer(ctx context.Context) (*sharefair.Member, error) {
	v := sharefair.ViewerFromContext(ctx)
	if v == nil {
		return nil, sharefair.Errorf(sharefair.EUNAUTHORIZED, "Please sign in.")
	}
	return v, nil
}
