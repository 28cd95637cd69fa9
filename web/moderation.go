package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/sharefair/sharefair"
)

// viewedPost reads the post in the path as the viewer sees it.
func (h *Handler) viewedPost(r *http.Request) (*sharefair.Post, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.svcs.Threads.FindPostByID(r.Context(), id)
}

func (h *Handler) flagForm(w http.ResponseWriter, r *http.Request) error {
	post, err := h.viewedPost(r)
	if err != nil {
		return err
	}
	if post.Mine {
		return sharefair.Errorf(sharefair.EFORBIDDEN, "You cannot flag your own post; edit it instead.")
	}
	return h.render(w, r, http.StatusOK, flagPage(h.base(w, r, "Flag a post"), newForm(nil, nil), post))
}

func (h *Handler) flag(w http.ResponseWriter, r *http.Request) error {
	post, err := h.viewedPost(r)
	if err != nil {
		return err
	}
	changed, err := h.svcs.Moderation.FlagPost(r.Context(), post.ID, sharefair.NewFlag{
		Reason: sharefair.FlagReason(r.PostForm.Get("reason")), Note: r.PostForm.Get("note")})
	if err != nil {
		return refused(err, "Flag a post", func(p page, f form) (templ.Component, error) {
			return flagPage(p, f, post), nil
		})
	}
	if changed {
		h.setFlash(w, "Thank you: the post is flagged for its moderators.")
	} else {
		h.setFlash(w, "You have flagged this post already.")
	}
	return h.goToPost(w, r, post.ID)
}

// moderatedPost reads the post in the path for its moderation page, with
// its thread: not found unless the viewer may read it, forbidden unless
// they moderate it.
func (h *Handler) moderatedPost(r *http.Request) (*sharefair.Post, *sharefair.Thread, error) {
	post, err := h.viewedPost(r)
	if err != nil {
		return nil, nil, err
	}
	t, err := h.svcs.Threads.FindThreadByID(r.Context(), post.ThreadID)
	if err != nil {
		return nil, nil, err
	}
	if !t.ViewerMayModerate {
		return nil, nil, sharefair.Errorf(sharefair.EFORBIDDEN, "Only the post's moderators may moderate it: network admins, the coordinators of its hub or the hosts of its circle.")
	}
	if post.AsReadersSee != nil && !post.Hidden {
		// The moderator's own post, as its readers see it.
		post = post.AsReadersSee
	}
	return post, t, nil
}

// mayRevealHere reports whether the moderation page offers to reveal who
// wrote post: the viewer may reveal in its thread (the access rules say),
// and the post hides its author.
func mayRevealHere(t *sharefair.Thread, post *sharefair.Post) bool {
	return t.ViewerMayReveal && post.Attribution != sharefair.AttributionNamed
}

func (h *Handler) moderateForm(w http.ResponseWriter, r *http.Request) error {
	post, t, err := h.moderatedPost(r)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, moderatePage(h.base(w, r, "Moderate a post"), newForm(nil, nil), post, mayRevealHere(t, post)))
}

func (h *Handler) hidePost(w http.ResponseWriter, r *http.Request) error {
	post, t, err := h.moderatedPost(r)
	if err != nil {
		return err
	}
	changed, err := h.svcs.Moderation.HidePost(r.Context(), post.ID, sharefair.FlagReason(r.PostForm.Get("reason")))
	if err != nil {
		return refused(err, "Moderate a post", func(p page, f form) (templ.Component, error) {
			return moderatePage(p, f, post, mayRevealHere(t, post)), nil
		})
	}
	h.setFlash(w, flashFor(changed, "The post is hidden from its readers.", "The post was hidden already."))
	return h.goToPost(w, r, post.ID)
}

func (h *Handler) restorePost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	changed, err := h.svcs.Moderation.RestorePost(r.Context(), id)
	if err != nil {
		return err
	}
	h.setFlash(w, flashFor(changed, "The post shows to its readers again.", "The post was not hidden."))
	return h.goToPost(w, r, id)
}

func (h *Handler) dismissFlags(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	changed, err := h.svcs.Moderation.DismissFlags(r.Context(), id)
	if err != nil {
		return err
	}
	h.setFlash(w, flashFor(changed, "The post's flags are dismissed.", "The post had no open flags."))
	redirect(w, r, "/moderation")
	return nil
}

func (h *Handler) lockThread(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	lock := r.PostForm.Get("lock") != "0"
	changed, err := h.svcs.Moderation.LockThread(r.Context(), id, lock)
	if err != nil {
		return err
	}
	if lock {
		h.setFlash(w, flashFor(changed, "The discussion is locked: it takes no new replies.", "The discussion was locked already."))
	} else {
		h.setFlash(w, flashFor(changed, "The discussion is unlocked.", "The discussion was not locked."))
	}
	redirect(w, r, threadURL(id)+"?page=1")
	return nil
}

func flashFor(changed bool, done, already string) string {
	if changed {
		return done
	}
	return already
}

func (h *Handler) revealForm(w http.ResponseWriter, r *http.Request) error {
	post, t, err := h.moderatedPost(r)
	if err != nil {
		return err
	}
	if !t.ViewerMayReveal {
		return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may reveal who wrote a post.")
	}
	if post.Attribution == sharefair.AttributionNamed {
		return sharefair.Errorf(sharefair.ECONFLICT, "This post is signed with its author's name: there is nothing to reveal.")
	}
	return h.render(w, r, http.StatusOK, revealPage(h.base(w, r, "Reveal who wrote a post"), newForm(nil, nil), post, nil))
}

func (h *Handler) reveal(w http.ResponseWriter, r *http.Request) error {
	post, _, err := h.moderatedPost(r)
	if err != nil {
		return err
	}
	who, err := h.svcs.Moderation.RevealAuthor(r.Context(), post.ID, r.PostForm.Get("reason"))
	if err != nil {
		return refused(err, "Reveal who wrote a post", func(p page, f form) (templ.Component, error) {
			return revealPage(p, f, post, nil), nil
		})
	}
	// Shown once, on this answer, never on a page that can be revisited.
	w.Header().Set("Cache-Control", "no-store")
	return h.render(w, r, http.StatusOK, revealPage(h.base(w, r, "Reveal who wrote a post"), newForm(nil, nil), post, who))
}

func (h *Handler) moderation(w http.ResponseWriter, r *http.Request) error {
	n := pageNumber(r)
	pg := sharefair.Page{Number: n, Size: 20}
	items, total, err := h.svcs.Moderation.FindModerationQueue(r.Context(), pg)
	if err != nil {
		return err
	}
	p := h.base(w, r, "Moderation")
	return h.render(w, r, http.StatusOK, moderationPage(p, items, newPager("/moderation", nil, n, total, pg.Size)))
}

func (h *Handler) audit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	n := pageNumber(r)
	f := sharefair.AuditFilter{Action: sharefair.AuditAction(q.Get("action")), Page: sharefair.Page{Number: n, Size: 50}}
	if f.Action != "" && !f.Action.Valid() {
		f.Action = ""
	}
	none := false
	for _, m := range []struct {
		name string
		dst  *int64
	}{{"actor", &f.ActorID}, {"subject", &f.SubjectID}} {
		s := strings.TrimSpace(q.Get(m.name))
		if s == "" {
			continue
		}
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			*m.dst = id
			continue
		}
		mem, err := h.svcs.Members.FindMemberByHandle(ctx, strings.TrimPrefix(s, "@"))
		if sharefair.ErrorCode(err) == sharefair.ENOTFOUND {
			none = true
			continue
		} else if err != nil {
			return err
		}
		*m.dst = mem.ID
	}
	var entries []*sharefair.AuditEntry
	total := 0
	if !none {
		var err error
		if entries, total, err = h.svcs.Audit.FindAuditEntries(ctx, f); err != nil {
			return err
		}
	} else if _, _, err := h.svcs.Audit.FindAuditEntries(ctx, sharefair.AuditFilter{Page: sharefair.Page{Number: 1, Size: 1}}); err != nil {
		return err // still refused to those who may not read it
	}
	keep := url.Values{"action": {string(f.Action)}, "actor": {q.Get("actor")}, "subject": {q.Get("subject")}}
	p := h.base(w, r, "Audit log")
	return h.render(w, r, http.StatusOK, auditPage(p, newForm(keep, nil), entries, newPager("/admin/audit", keep, n, total, f.Page.Size)))
}

// auditDetail is an entry's fixed detail as people read it: a hide's
// reason category by its label.
func auditDetail(e *sharefair.AuditEntry) string {
	if e.Action == sharefair.AuditHide {
		return sharefair.FlagReason(e.Detail).Label()
	}
	return e.Detail
}

// auditActionOptions are the acts the audit log filter offers.
func auditActionOptions() []sharefair.Option {
	out := make([]sharefair.Option, len(sharefair.AuditActions))
	for i, a := range sharefair.AuditActions {
		out[i] = sharefair.Option{Code: string(a), Name: auditActionLabel(a)}
	}
	return out
}

// auditActionLabel names an audited act for people.
func auditActionLabel(a sharefair.AuditAction) string {
	switch a {
	case sharefair.AuditReveal:
		return "Revealed an author"
	case sharefair.AuditHide:
		return "Hid a post"
	case sharefair.AuditRestore:
		return "Restored a post"
	case sharefair.AuditLock:
		return "Locked a discussion"
	case sharefair.AuditUnlock:
		return "Unlocked a discussion"
	case sharefair.AuditSuspend:
		return "Suspended a member"
	case sharefair.AuditReinstate:
		return "Reinstated a member"
	case sharefair.AuditRoleChange:
		return "Changed a role"
	case sharefair.AuditDeactivate:
		return "Deactivated an account"
	case sharefair.AuditReactivate:
		return "Reactivated an account"
	case sharefair.AuditCircleRemove:
		return "Removed from a circle"
	case sharefair.AuditSecretCircles:
		return "Looked at the secret circles"
	case sharefair.AuditWithdraw:
		return "Withdrew a post"
	case sharefair.AuditAccountDelete:
		return "Deleted an account"
	}
	return string(a)
}

func roleLabel(r sharefair.Role) string {
	if r == sharefair.RoleAdmin {
		return "Network admin"
	}
	return "Member"
}

func stateLabel(s sharefair.MemberState) string {
	switch s {
	case sharefair.MemberSuspended:
		return "Suspended"
	case sharefair.MemberDeactivated:
		return "Deactivated"
	case sharefair.MemberDeleted:
		return "Deleted"
	}
	return "Active"
}

func (h *Handler) standingForm(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svcs.Members.FindMemberByHandle(r.Context(), r.PathValue("handle"))
	if err != nil {
		return err
	}
	p := h.base(w, r, m.Name+": role and account")
	if !p.Rights.ChangeStanding {
		return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may change a member's role or account.")
	}
	return h.render(w, r, http.StatusOK, standingPage(p, m))
}

func (h *Handler) setStanding(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.svcs.Members.FindMemberByHandle(ctx, r.PathValue("handle"))
	if err != nil {
		return err
	}
	var changed bool
	switch {
	case r.PostForm.Get("role") != "":
		changed, err = h.svcs.Moderation.SetMemberRole(ctx, m.ID, sharefair.Role(r.PostForm.Get("role")))
	default:
		changed, err = h.svcs.Moderation.SetMemberState(ctx, m.ID, sharefair.MemberState(r.PostForm.Get("state")))
	}
	if err != nil {
		return err
	}
	h.setFlash(w, flashFor(changed, "Saved: the change is in the audit log.", "Nothing to change."))
	redirect(w, r, memberURL(m.Handle)+"/standing")
	return nil
}
