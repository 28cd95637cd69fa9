package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
)

// flagJSON is the body of POST /posts/{id}/flags.
type flagJSON struct {
	Reason string `json:"reason" required:"true" enum:"abusive,reveals,off_topic,spam,other" description:"abusive: abusive or hateful. reveals: reveals someone who did not choose it. off_topic: off-topic here. spam: advertising or spam. other: something else, said in the note."`
	Note   string `json:"note" description:"Optional words for the moderators, at most 500 characters. Moderators never learn who flagged."`
}

func (h *Handler) postFlag(w http.ResponseWriter, r *http.Request, at postPath, in flagJSON) error {
	changed, err := h.svcs.Moderation.FlagPost(r.Context(), at.ID, sharefair.NewFlag{Reason: sharefair.FlagReason(in.Reason), Note: in.Note})
	if err != nil {
		return err
	}
	if !changed {
		return unchanged(w, "You have flagged this post already; its moderators will look at it.")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// flagCountJSON is how many open flags give one reason.
type flagCountJSON struct {
	Reason string `json:"reason" enum:"abusive,reveals,off_topic,spam,other"`
	Count  int    `json:"count"`
}

// moderationItemJSON is one flagged post in the moderation queue.
type moderationItemJSON struct {
	Post           postJSON        `json:"post" description:"The post as its readers see it: a hidden author stays hidden here too."`
	Thread         threadJSON      `json:"thread"`
	Flags          []flagCountJSON `json:"flags" description:"The open flags counted by reason."`
	FlagCount      int             `json:"flag_count"`
	Notes          []string        `json:"notes" description:"The flaggers' words, without who wrote them."`
	FirstFlaggedAt time.Time       `json:"first_flagged_at" description:"RFC 3339, UTC: when the oldest open flag was made."`
}

func (h *Handler) listModeration(w http.ResponseWriter, r *http.Request, q PageQuery) error {
	page := q.page()
	items, total, err := h.svcs.Moderation.FindModerationQueue(r.Context(), page)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(items, func(it *sharefair.ModerationItem) moderationItemJSON {
		out := moderationItemJSON{Post: post(it.Post), Thread: h.thread(it.Thread), FlagCount: it.FlagCount,
			Flags: make([]flagCountJSON, len(it.Flags)), Notes: append([]string{}, it.Notes...), FirstFlaggedAt: utc(it.FirstFlaggedAt)}
		for i, f := range it.Flags {
			out.Flags[i] = flagCountJSON{Reason: string(f.Reason), Count: f.Count}
		}
		return out
	}, page, total))
}

// hideJSON is the body of PUT /posts/{id}/hidden.
type hideJSON struct {
	Reason string `json:"reason" required:"true" enum:"abusive,reveals,off_topic,spam,other" description:"Why the post is hidden; its author is told this category."`
}

func (h *Handler) hidePost(w http.ResponseWriter, r *http.Request, at postPath, in hideJSON) error {
	changed, err := h.svcs.Moderation.HidePost(r.Context(), at.ID, sharefair.FlagReason(in.Reason))
	return changedOr(w, changed, err, "The post is hidden already.")
}

func (h *Handler) restorePost(w http.ResponseWriter, r *http.Request, at postPath) error {
	changed, err := h.svcs.Moderation.RestorePost(r.Context(), at.ID)
	return changedOr(w, changed, err, "The post is not hidden.")
}

func (h *Handler) dismissFlags(w http.ResponseWriter, r *http.Request, at postPath) error {
	changed, err := h.svcs.Moderation.DismissFlags(r.Context(), at.ID)
	return changedOr(w, changed, err, "The post has no open flags.")
}

func (h *Handler) lockThread(w http.ResponseWriter, r *http.Request, at ThreadPath) error {
	changed, err := h.svcs.Moderation.LockThread(r.Context(), at.ID, true)
	return changedOr(w, changed, err, "The thread is locked already.")
}

func (h *Handler) unlockThread(w http.ResponseWriter, r *http.Request, at ThreadPath) error {
	changed, err := h.svcs.Moderation.LockThread(r.Context(), at.ID, false)
	return changedOr(w, changed, err, "The thread is not locked.")
}

// changedOr answers a moderation act: 204 when done, 200 unchanged with
// msg when there was nothing to do.
func changedOr(w http.ResponseWriter, changed bool, err error, msg string) error {
	if err != nil {
		return err
	}
	if !changed {
		return unchanged(w, msg)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// standingJSON is the body of PUT /members/{handle}/standing.
type standingJSON struct {
	State string `json:"state" enum:"active,suspended,deactivated" description:"suspended: signs in to nothing until reinstated (active). deactivated: the account is closed until reactivated (active). Leaving active ends every session and access token at once."`
	Role  string `json:"role" enum:"admin,member" description:"The member's network role. The last active admin cannot stand down, and nobody changes their own."`
}

// standingAnswerJSON is a member's standing after a change.
type standingAnswerJSON struct {
	Handle  string `json:"handle"`
	State   string `json:"state" enum:"active,suspended,deactivated"`
	Role    string `json:"role" enum:"admin,member"`
	Changed bool   `json:"changed"`
}

func (h *Handler) putStanding(w http.ResponseWriter, r *http.Request, at HandlePath, in standingJSON) error {
	ctx := r.Context()
	m, err := h.svcs.Members.FindMemberByHandle(ctx, at.Handle)
	if err != nil {
		return err
	}
	if in.State == "" && in.Role == "" {
		return &sharefair.Error{Code: sharefair.EINVALID, Message: "Give a state or a role.",
			Fields: map[string]string{"state": "Give a state or a role."}}
	}
	did := false
	if in.State != "" {
		changed, err := h.svcs.Moderation.SetMemberState(ctx, m.ID, sharefair.MemberState(in.State))
		if err != nil {
			return err
		}
		did = did || changed
	}
	if in.Role != "" {
		changed, err := h.svcs.Moderation.SetMemberRole(ctx, m.ID, sharefair.Role(in.Role))
		if err != nil {
			return err
		}
		did = did || changed
	}
	if m, err = h.svcs.Members.FindMemberByID(ctx, m.ID); err != nil {
		return err
	}
	return render(w, http.StatusOK, standingAnswerJSON{Handle: m.Handle, State: string(m.State), Role: string(m.Role), Changed: did})
}

// revealJSON is the body of POST /posts/{id}/reveal.
type revealJSON struct {
	Reason string `json:"reason" required:"true" description:"Why, in words: the abuse the reveal is for, 10 to 1000 characters. Written to the audit log and shown to the author."`
}

// revealedJSON is who wrote a hidden-author post, told once.
type revealedJSON struct {
	Author  authorJSON `json:"author"`
	Message string     `json:"message"`
}

func (h *Handler) postReveal(w http.ResponseWriter, r *http.Request, at postPath, in revealJSON) error {
	who, err := h.svcs.Moderation.RevealAuthor(r.Context(), at.ID, in.Reason)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, revealedJSON{Author: *author(who),
		Message: "Written to the audit log; the author is shown that you revealed it. Nobody else's view changes."})
}

// auditQuery filters the audit log.
type auditQuery struct {
	Action  string `query:"action" enum:"reveal,hide,restore,lock,unlock,suspend,reinstate,role_change,deactivate,reactivate,circle_remove,secret_circles,withdraw,account_delete" description:"Only entries of this act."`
	Actor   string `query:"actor" description:"Only acts by this member: a handle, or a member number (for a deleted member)."`
	Subject string `query:"subject" description:"Only acts on this member: a handle, or a member number."`
	PageQuery
}

// auditEntryJSON is one entry of the audit log. It names content by
// number and link, never copying it.
type auditEntryJSON struct {
	ID             int64          `json:"id"`
	At             time.Time      `json:"at" description:"RFC 3339, UTC."`
	Action         string         `json:"action"`
	ActorID        *int64         `json:"actor_id" description:"The member number of who acted; null for the operator at the command line."`
	Actor          *memberRefJSON `json:"actor" description:"Null once that member is deleted: the number alone stays."`
	SubjectID      *int64         `json:"subject_id"`
	Subject        *memberRefJSON `json:"subject"`
	HubID          *int64         `json:"hub_id"`
	ThreadID       *int64         `json:"thread_id"`
	PostID         *int64         `json:"post_id"`
	URL            *string        `json:"url" format:"uri" description:"The page of the content acted on, which applies its own access rule."`
	InSecretCircle bool           `json:"in_secret_circle" description:"Set when the entry concerns a secret circle's content the viewer may not know of: nothing of it is named."`
	Reason         string         `json:"reason" description:"The actor's own words, for acts that ask for them (a reveal)."`
	Detail         string         `json:"detail" description:"A short fixed description: a role from and to, the reason category of a hide."`
}

func (h *Handler) listAudit(w http.ResponseWriter, r *http.Request, q auditQuery) error {
	ctx := r.Context()
	page := q.page()
	f := sharefair.AuditFilter{Action: sharefair.AuditAction(q.Action), Page: page}
	if f.Action != "" && !f.Action.Valid() {
		return &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"action": "Choose one of the acts the audit log records."}}
	}
	var err error
	if f.ActorID, err = h.memberNumber(r, q.Actor, "actor"); err != nil {
		return err
	}
	if f.SubjectID, err = h.memberNumber(r, q.Subject, "subject"); err != nil {
		return err
	}
	if (q.Actor != "" && f.ActorID == 0) || (q.Subject != "" && f.SubjectID == 0) {
		return render(w, http.StatusOK, newList([]auditEntryJSON{}, page, 0))
	}
	entries, total, err := h.svcs.Audit.FindAuditEntries(ctx, f)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(entries, h.auditEntry, page, total))
}

// memberNumber resolves an audit filter's member: a number as it is, a
// handle to its member; 0 for no such member.
func (h *Handler) memberNumber(r *http.Request, s, field string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return n, nil
	}
	m, err := h.svcs.Members.FindMemberByHandle(r.Context(), s)
	if sharefair.ErrorCode(err) == sharefair.ENOTFOUND {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return m.ID, nil
}

func (h *Handler) auditEntry(e *sharefair.AuditEntry) auditEntryJSON {
	num := func(n int64) *int64 {
		if n == 0 {
			return nil
		}
		return &n
	}
	out := auditEntryJSON{ID: e.ID, At: utc(e.At), Action: string(e.Action), ActorID: num(e.ActorID), Actor: memberRef(e.Actor),
		SubjectID: num(e.SubjectID), Subject: memberRef(e.Subject), HubID: num(e.HubID), ThreadID: num(e.ThreadID),
		PostID: num(e.PostID), InSecretCircle: e.InSecretCircle, Reason: e.Reason, Detail: e.Detail}
	var u string
	switch {
	case e.PostID != 0:
		u = h.cfg.Absolute("/posts/" + strconv.FormatInt(e.PostID, 10))
	case e.ThreadID != 0:
		u = h.cfg.Absolute("/threads/" + strconv.FormatInt(e.ThreadID, 10))
	}
	if u != "" {
		out.URL = &u
	}
	return out
}
