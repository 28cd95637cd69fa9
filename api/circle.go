package api

import (
	"net/http"
	"time"

	"github.com/sharefair/sharefair"
)

// circleRefJSON is how other objects point at a circle.
type circleRefJSON struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Kind string `json:"kind" enum:"open,closed,secret"`
}

func circleRef(c *sharefair.CircleRef) *circleRefJSON {
	if c == nil {
		return nil
	}
	return &circleRefJSON{Key: c.Key, Name: c.Name, Kind: string(c.Kind)}
}

// circleJSON is a circle, as the viewer may see it.
type circleJSON struct {
	Key             string           `json:"key" description:"The circle's address: /circles/{key}. Random, so it says nothing of the name."`
	Name            string           `json:"name" description:"Not unique: circles are told apart by key."`
	Description     string           `json:"description" description:"Markdown, as written; empty for a secret circle the viewer is only invited to."`
	DescriptionHTML string           `json:"description_html" description:"The description rendered and sanitised."`
	Kind            string           `json:"kind" enum:"open,closed,secret" description:"open: anyone joins. closed: members ask, hosts approve. secret: invitation only, and invisible to everyone else."`
	CreatedAt       time.Time        `json:"created_at" description:"RFC 3339, UTC."`
	MemberCount     int              `json:"member_count" description:"0 for a secret circle the viewer is only invited to."`
	Hosts           []*memberRefJSON `json:"hosts"`
	ViewerRole      *string          `json:"viewer_role" enum:"member,host" description:"The viewer's role; null when not a member."`
	ViewerInvited   bool             `json:"viewer_invited" description:"A host invited the viewer, who has not answered yet."`
	ViewerRequested bool             `json:"viewer_requested" description:"The viewer asked to join; no host has decided yet."`
	PendingRequests *int             `json:"pending_requests" description:"Requests waiting for a decision; null unless the viewer hosts the circle."`
}

func circle(c *sharefair.Circle) circleJSON {
	j := circleJSON{Key: c.Key, Name: c.Name, Description: c.Description, DescriptionHTML: c.DescriptionHTML,
		Kind: string(c.Kind), CreatedAt: utc(c.CreatedAt), MemberCount: c.MemberCount, Hosts: []*memberRefJSON{},
		ViewerInvited: c.ViewerInvited, ViewerRequested: c.ViewerRequested}
	for _, m := range c.Hosts {
		j.Hosts = append(j.Hosts, memberRef(m))
	}
	if c.ViewerRole != "" {
		role := string(c.ViewerRole)
		j.ViewerRole = &role
	}
	if c.ViewerMayHost {
		n := c.PendingRequests
		j.PendingRequests = &n
	}
	return j
}

func (h *Handler) listCircles(w http.ResponseWriter, r *http.Request, q PageQuery) error {
	page := q.page()
	cs, total, err := h.svcs.Circles.FindCircles(r.Context(), sharefair.CircleFilter{Page: page})
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(cs, circle, page, total))
}

// newCircleJSON is the body of POST /circles.
type newCircleJSON struct {
	Name        string `json:"name" required:"true"`
	Description string `json:"description" description:"Markdown."`
	Kind        string `json:"kind" enum:"open,closed,secret" description:"open (when absent), closed or secret."`
}

func (h *Handler) postCircle(w http.ResponseWriter, r *http.Request, in newCircleJSON) error {
	c, err := h.svcs.Circles.CreateCircle(r.Context(), sharefair.NewCircle{Name: in.Name, Description: in.Description,
		Kind: sharefair.CircleKind(in.Kind)})
	if err != nil {
		return err
	}
	w.Header().Set("Location", h.cfg.Absolute(Prefix+"/circles/"+c.Key))
	return render(w, http.StatusCreated, circle(c))
}

func (h *Handler) getCircle(w http.ResponseWriter, r *http.Request, p CirclePath) error {
	c, err := h.svcs.Circles.FindCircle(r.Context(), p.Key)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, circle(c))
}

// circlePatch is a change to a circle: fields left out stay as they are.
type circlePatch struct {
	Name        *string `json:"name"`
	Description *string `json:"description" description:"Markdown."`
}

func (h *Handler) patchCircle(w http.ResponseWriter, r *http.Request, p CirclePath, in circlePatch) error {
	c, err := h.svcs.Circles.UpdateCircle(r.Context(), p.Key, sharefair.CircleUpdate{Name: in.Name, Description: in.Description})
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, circle(c))
}

func (h *Handler) joinCircle(w http.ResponseWriter, r *http.Request, p CirclePath) error {
	out, err := h.svcs.Circles.JoinCircle(r.Context(), p.Key)
	if err != nil {
		return err
	}
	switch out {
	case sharefair.CircleRequested:
		return render(w, http.StatusAccepted, joinOutcomeJSON{Status: string(sharefair.Requested)})
	case sharefair.CircleAlreadyRequested:
		return unchanged(w, "You asked to join the circle already; a host will decide.")
	case sharefair.CircleAlreadyMember:
		return unchanged(w, "You are in the circle already.")
	}
	return noContent(w)
}

func (h *Handler) leaveCircle(w http.ResponseWriter, r *http.Request, p CirclePath) error {
	out, err := h.svcs.Circles.LeaveCircle(r.Context(), p.Key)
	if err != nil {
		return err
	}
	if out == sharefair.CircleNotIn {
		return unchanged(w, "You are not in the circle, nor waiting to join it.")
	}
	return noContent(w)
}

// invitationAnswerJSON is the body of POST /circles/{key}/invitation.
type invitationAnswerJSON struct {
	Decision string `json:"decision" required:"true" enum:"accept,decline"`
}

func (h *Handler) answerCircleInvitation(w http.ResponseWriter, r *http.Request, p CirclePath, in invitationAnswerJSON) error {
	// A path naming no circle is not found, whatever the body.
	if _, err := h.svcs.Circles.FindCircle(r.Context(), p.Key); err != nil {
		return err
	}
	if in.Decision != "accept" && in.Decision != "decline" {
		return &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"decision": "Give the answer: accept or decline."}}
	}
	out, err := h.svcs.Circles.AnswerCircleInvitation(r.Context(), p.Key, in.Decision == "accept")
	if err != nil {
		return err
	}
	if out == sharefair.CircleAlreadyMember {
		return unchanged(w, "You are in the circle already.")
	}
	return noContent(w)
}

func (h *Handler) putCircleInvitation(w http.ResponseWriter, r *http.Request, p circleMemberPath) error {
	changed, err := h.svcs.Circles.InviteToCircle(r.Context(), p.Key, p.Handle)
	if err != nil {
		return err
	}
	if !changed {
		return unchanged(w, "@"+sharefair.NormalizeHandle(p.Handle)+" is invited or in the circle already.")
	}
	return noContent(w)
}

// circleMemberJSON is one member of a circle.
type circleMemberJSON struct {
	Member   *memberRefJSON `json:"member"`
	Role     string         `json:"role" enum:"member,host"`
	JoinedAt time.Time      `json:"joined_at"`
}

func circleMember(m *sharefair.CircleMember) circleMemberJSON {
	return circleMemberJSON{Member: memberRef(m.Member), Role: string(m.Role), JoinedAt: utc(m.JoinedAt)}
}

func (h *Handler) listCircleMembers(w http.ResponseWriter, r *http.Request, q circlePageQuery) error {
	page := q.page()
	ms, err := h.svcs.Circles.FindCircleMembers(r.Context(), q.Key)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(slicePage(ms, page), circleMember, page, len(ms)))
}

func (h *Handler) listCircleThreads(w http.ResponseWriter, r *http.Request, q circlePageQuery) error {
	c, err := h.svcs.Circles.FindCircle(r.Context(), q.Key)
	if err != nil {
		return err
	}
	return h.renderThreads(w, r, sharefair.ThreadFilter{CircleID: c.ID, Page: q.page()})
}

func (h *Handler) listCircleRequests(w http.ResponseWriter, r *http.Request, q circlePageQuery) error {
	page := q.page()
	reqs, err := h.svcs.Circles.FindCircleRequests(r.Context(), q.Key)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(slicePage(reqs, page), joinRequest, page, len(reqs)))
}

func (h *Handler) decideCircleRequest(w http.ResponseWriter, r *http.Request, p circleMemberPath, in joinDecisionJSON) error {
	if _, err := h.svcs.Circles.FindCircle(r.Context(), p.Key); err != nil {
		return err
	}
	if in.Decision != "approve" && in.Decision != "decline" {
		return &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"decision": "Give the decision: approve or decline."}}
	}
	changed, err := h.svcs.Circles.DecideCircleRequest(r.Context(), p.Key, p.Handle, in.Decision == "approve")
	if err != nil {
		return err
	}
	if !changed {
		return unchanged(w, "@"+sharefair.NormalizeHandle(p.Handle)+" is in the circle already.")
	}
	return noContent(w)
}

func (h *Handler) deleteCircleMember(w http.ResponseWriter, r *http.Request, p circleMemberPath) error {
	changed, err := h.svcs.Circles.RemoveFromCircle(r.Context(), p.Key, p.Handle)
	if err != nil {
		return err
	}
	if !changed {
		return unchanged(w, "@"+sharefair.NormalizeHandle(p.Handle)+" is not in the circle.")
	}
	return noContent(w)
}

func (h *Handler) putCircleHost(w http.ResponseWriter, r *http.Request, p circleMemberPath) error {
	return h.setCircleHost(w, r, p, true)
}

func (h *Handler) deleteCircleHost(w http.ResponseWriter, r *http.Request, p circleMemberPath) error {
	return h.setCircleHost(w, r, p, false)
}

func (h *Handler) setCircleHost(w http.ResponseWriter, r *http.Request, p circleMemberPath, on bool) error {
	changed, err := h.svcs.Circles.SetCircleHost(r.Context(), p.Key, p.Handle, on)
	if err != nil {
		return err
	}
	if !changed {
		handle := "@" + sharefair.NormalizeHandle(p.Handle)
		if on {
			return unchanged(w, handle+" hosts the circle already.")
		}
		return unchanged(w, handle+" does not host the circle.")
	}
	return noContent(w)
}

// secretCircleJSON is what a network admin may know of a secret circle.
type secretCircleJSON struct {
	ID          int64            `json:"id"`
	Name        string           `json:"name"`
	Hosts       []*memberRefJSON `json:"hosts"`
	MemberCount int              `json:"member_count"`
	CreatedAt   time.Time        `json:"created_at"`
}

func secretCircle(s *sharefair.SecretCircle) secretCircleJSON {
	j := secretCircleJSON{ID: s.ID, Name: s.Name, MemberCount: s.MemberCount, CreatedAt: utc(s.CreatedAt), Hosts: []*memberRefJSON{}}
	for _, m := range s.Hosts {
		j.Hosts = append(j.Hosts, memberRef(m))
	}
	return j
}

func (h *Handler) listSecretCircles(w http.ResponseWriter, r *http.Request, q PageQuery) error {
	page := q.page()
	list, err := h.svcs.Circles.FindSecretCircles(r.Context())
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(slicePage(list, page), secretCircle, page, len(list)))
}

// audienceChoiceJSON is the body of PUT /threads/{id}/audience.
type audienceChoiceJSON struct {
	Audience string   `json:"audience" required:"true" enum:"network,hub,circle,members"`
	Hub      string   `json:"hub" description:"Slug of the hub, for a hub audience."`
	Circle   string   `json:"circle" description:"Key of the circle, for a circle audience."`
	Members  []string `json:"members" description:"Handles of the named readers, for a members audience."`
}

func (h *Handler) putThreadAudience(w http.ResponseWriter, r *http.Request, at ThreadPath, in audienceChoiceJSON) error {
	_, changed, err := h.svcs.Threads.NarrowAudience(r.Context(), at.ID, sharefair.AudienceChoice{
		Kind: sharefair.AudienceKind(in.Audience), Hub: in.Hub, Circle: in.Circle, Members: in.Members})
	if err != nil {
		return err
	}
	if !changed {
		return unchanged(w, "The thread has that audience already.")
	}
	return noContent(w)
}
