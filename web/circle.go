package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
)

// circlesView is what the circles page lists: the viewer's circles, their
// invitations, and the open and closed circles they may join.
type circlesView struct {
	Mine, Invited, Joinable []*sharefair.Circle
	Pager                   pager // of Joinable
}

func (h *Handler) circles(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	// The viewer's own circles and invitations, whole; the others a page
	// at a time, since any member may start one.
	own, _, err := h.svcs.Circles.FindCircles(ctx, sharefair.CircleFilter{Mine: true, Invited: true})
	if err != nil {
		return err
	}
	var v circlesView
	for _, c := range own {
		if c.ViewerRole != "" {
			v.Mine = append(v.Mine, c)
		} else {
			v.Invited = append(v.Invited, c)
		}
	}
	n := pageNumber(r)
	joinable, total, err := h.svcs.Circles.FindCircles(ctx, sharefair.CircleFilter{Joinable: true,
		Page: sharefair.Page{Number: n, Size: sharefair.DefaultPageSize}})
	if err != nil {
		return err
	}
	v.Joinable = joinable
	v.Pager = newPager("/circles", r.URL.Query(), n, total, sharefair.DefaultPageSize)
	return h.render(w, r, http.StatusOK, circlesPage(h.base(w, r, "Circles"), v))
}

func (h *Handler) newCircleForm(w http.ResponseWriter, r *http.Request) error {
	values := url.Values{"kind": {string(sharefair.CircleOpen)}}
	return h.render(w, r, http.StatusOK, newCirclePage(h.base(w, r, "Start a circle"), newForm(values, nil)))
}

func (h *Handler) createCircle(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	c, err := h.svcs.Circles.CreateCircle(r.Context(), sharefair.NewCircle{Name: f.Get("name"),
		Description: f.Get("description"), Kind: sharefair.CircleKind(f.Get("kind"))})
	if err != nil {
		return refused(err, "Start a circle", func(p page, f form) (templ.Component, error) { return newCirclePage(p, f), nil })
	}
	msg := "The circle " + c.Name + " is started; you host it."
	if c.Kind != sharefair.CircleOpen {
		msg += " Invite its first members from Manage."
	}
	h.setFlash(w, msg)
	redirect(w, r, circleURL(c.Key))
	return nil
}

// hostedCircle reads the circle in the path for its hosts' forms: not
// found unless the viewer may know of it, forbidden unless they host it.
func (h *Handler) hostedCircle(r *http.Request) (*sharefair.Circle, error) {
	c, err := h.svcs.Circles.FindCircle(r.Context(), r.PathValue("key"))
	if err != nil {
		return nil, err
	}
	if !c.ViewerMayHost {
		return nil, sharefair.Errorf(sharefair.EFORBIDDEN, "Only the circle's hosts manage it.")
	}
	return c, nil
}

func (h *Handler) editCircleForm(w http.ResponseWriter, r *http.Request) error {
	c, err := h.hostedCircle(r)
	if err != nil {
		return err
	}
	values := url.Values{"name": {c.Name}, "description": {c.Description}}
	return h.render(w, r, http.StatusOK, editCirclePage(h.base(w, r, "Edit "+c.Name), newForm(values, nil), c))
}

func (h *Handler) editCircle(w http.ResponseWriter, r *http.Request) error {
	given := sentFields(r.PostForm)
	key := r.PathValue("key")
	c, err := h.svcs.Circles.UpdateCircle(r.Context(), key, sharefair.CircleUpdate{Name: given("name"), Description: given("description")})
	if err != nil {
		return refused(err, "Edit circle", func(p page, fm form) (templ.Component, error) {
			c, err := h.hostedCircle(r)
			if err != nil {
				return nil, err
			}
			return editCirclePage(p, fm, c), nil
		})
	}
	h.setFlash(w, "The circle is saved.")
	redirect(w, r, circleURL(c.Key))
	return nil
}

// circleView is what a circle's page shows.
type circleView struct {
	Circle  *sharefair.Circle
	Threads []*sharefair.Thread
	Pager   pager
}

func (h *Handler) circle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := h.svcs.Circles.FindCircle(ctx, r.PathValue("key"))
	if err != nil {
		return err
	}
	v := circleView{Circle: c}
	if c.ViewerMayRead {
		n := pageNumber(r)
		var total int
		if v.Threads, total, err = h.svcs.Threads.FindThreads(ctx, sharefair.ThreadFilter{CircleID: c.ID, Page: sharefair.Page{Number: n}}); err != nil {
			return err
		}
		v.Pager = newPager(circleURL(c.Key), r.URL.Query(), n, total, sharefair.DefaultPageSize)
	}
	return h.render(w, r, http.StatusOK, circlePage(h.base(w, r, c.Name), v))
}

// circleManageView is the hosts' page of a circle.
type circleManageView struct {
	Circle   *sharefair.Circle
	Members  []*sharefair.CircleMember
	Requests []*sharefair.JoinRequest
	Form     form
}

func (h *Handler) loadCircleManage(r *http.Request, f form) (circleManageView, error) {
	ctx := r.Context()
	key := r.PathValue("key")
	c, err := h.hostedCircle(r)
	if err != nil {
		return circleManageView{}, err
	}
	v := circleManageView{Circle: c, Form: f}
	if v.Members, err = h.svcs.Circles.FindCircleMembers(ctx, key); err != nil {
		return v, err
	}
	if v.Requests, err = h.svcs.Circles.FindCircleRequests(ctx, key); err != nil {
		return v, err
	}
	return v, nil
}

func (h *Handler) circleManage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.loadCircleManage(r, newForm(nil, nil))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, circleManagePage(h.base(w, r, "Manage "+v.Circle.Name), v))
}

// manageAgain shows the manage page again with a refusal beside its
// fields.
func (h *Handler) manageAgain(r *http.Request) formPage {
	return func(p page, f form) (templ.Component, error) {
		v, err := h.loadCircleManage(r, f)
		if err != nil {
			return nil, err
		}
		return circleManagePage(p, v), nil
	}
}

// circleName returns the name of the circle at key for a message, "the
// circle" when it cannot be read (the viewer left a secret one).
func (h *Handler) circleName(r *http.Request, key string) string {
	if c, err := h.svcs.Circles.FindCircle(r.Context(), key); err == nil {
		return c.Name
	}
	return "the circle"
}

func (h *Handler) joinCircle(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	out, err := h.svcs.Circles.JoinCircle(r.Context(), key)
	if err != nil {
		return err
	}
	name := h.circleName(r, key)
	switch out {
	case sharefair.CircleRequested:
		h.setFlash(w, "You asked to join "+name+". A host will decide.")
	case sharefair.CircleAlreadyRequested:
		h.setFlash(w, "You had asked to join "+name+" already; a host will decide. Nothing changed.")
	case sharefair.CircleAlreadyMember:
		h.setFlash(w, "You are in "+name+" already; nothing changed.")
	default:
		h.setFlash(w, "You joined "+name+".")
	}
	redirect(w, r, circleURL(key))
	return nil
}

func (h *Handler) leaveCircle(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	name := h.circleName(r, key)
	out, err := h.svcs.Circles.LeaveCircle(r.Context(), key)
	if err != nil {
		return err
	}
	switch out {
	case sharefair.CircleWithdrawn:
		h.setFlash(w, "You withdrew your request to join "+name+".")
	case sharefair.CircleLeft:
		h.setFlash(w, "You left "+name+".")
	default:
		h.setFlash(w, "You were not in "+name+", nor waiting to join it: nothing changed.")
	}
	redirect(w, r, "/circles")
	return nil
}

func (h *Handler) answerCircle(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	name := h.circleName(r, key)
	out, err := h.svcs.Circles.AnswerCircleInvitation(r.Context(), key, r.PostForm.Get("answer") == "accept")
	if err != nil {
		return err
	}
	switch out {
	case sharefair.CircleDeclined:
		h.setFlash(w, "You declined the invitation to "+name+".")
		redirect(w, r, "/circles")
		return nil
	case sharefair.CircleAlreadyMember:
		h.setFlash(w, "You are in "+name+" already; nothing changed.")
	default:
		h.setFlash(w, "You joined "+name+".")
	}
	redirect(w, r, circleURL(key))
	return nil
}

func (h *Handler) inviteToCircle(w http.ResponseWriter, r *http.Request) error {
	key, handle := r.PathValue("key"), strings.TrimPrefix(strings.TrimSpace(r.PostForm.Get("handle")), "@")
	changed, err := h.svcs.Circles.InviteToCircle(r.Context(), key, handle)
	if err != nil {
		return refused(err, "Manage circle", h.manageAgain(r))
	}
	if changed {
		h.setFlash(w, "@"+sharefair.NormalizeHandle(handle)+" is invited; they will find the invitation on their circles page.")
	} else {
		h.setFlash(w, "@"+sharefair.NormalizeHandle(handle)+" is invited or in the circle already; nothing changed.")
	}
	redirect(w, r, circleURL(key)+"/manage")
	return nil
}

// changeCircleMember removes a member (action remove), makes them host
// (host) or a plain member again (unhost).
func (h *Handler) changeCircleMember(w http.ResponseWriter, r *http.Request) error {
	key, handle := r.PathValue("key"), r.PostForm.Get("handle")
	var changed bool
	var err error
	var done, same string
	at := "@" + sharefair.NormalizeHandle(handle)
	switch r.PostForm.Get("action") {
	case "remove":
		changed, err = h.svcs.Circles.RemoveFromCircle(r.Context(), key, handle)
		done, same = at+" is no longer in the circle.", at+" was not in the circle; nothing changed."
	case "host":
		changed, err = h.svcs.Circles.SetCircleHost(r.Context(), key, handle, true)
		done, same = at+" hosts the circle now.", at+" hosts the circle already; nothing changed."
	case "unhost":
		changed, err = h.svcs.Circles.SetCircleHost(r.Context(), key, handle, false)
		done, same = at+" no longer hosts the circle.", at+" did not host the circle; nothing changed."
	default:
		return sharefair.Errorf(sharefair.EINVALID, "Choose what to do: remove, make host or stop hosting.")
	}
	if err != nil {
		return refused(err, "Manage circle", h.manageAgain(r))
	}
	if changed {
		h.setFlash(w, done)
	} else {
		h.setFlash(w, same)
	}
	// A host who stepped down has no manage page any more.
	to := circleURL(key) + "/manage"
	if c, err := h.svcs.Circles.FindCircle(r.Context(), key); err != nil || !c.ViewerMayHost {
		to = circleURL(key)
	}
	redirect(w, r, to)
	return nil
}

func (h *Handler) decideCircleRequest(w http.ResponseWriter, r *http.Request) error {
	key, handle := r.PathValue("key"), r.PostForm.Get("handle")
	approve := r.PostForm.Get("decision") == "approve"
	changed, err := h.svcs.Circles.DecideCircleRequest(r.Context(), key, handle, approve)
	if err != nil {
		return refused(err, "Manage circle", h.manageAgain(r))
	}
	at := "@" + sharefair.NormalizeHandle(handle)
	switch {
	case !changed:
		h.setFlash(w, at+" is in the circle already; nothing changed.")
	case approve:
		h.setFlash(w, at+" joined the circle.")
	default:
		h.setFlash(w, "You declined "+at+"'s request.")
	}
	redirect(w, r, circleURL(key)+"/manage")
	return nil
}

// secretCircles shows network admins that secret circles exist: names,
// hosts and sizes; every look is written to the audit log by the store.
func (h *Handler) secretCircles(w http.ResponseWriter, r *http.Request) error {
	list, err := h.svcs.Circles.FindSecretCircles(r.Context())
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, secretCirclesPage(h.base(w, r, "Secret circles"), list))
}

// threadAudienceView is the page where a thread's author changes who may
// read it.
type threadAudienceView struct {
	Thread    *sharefair.Thread
	Audiences []sharefair.Option
}

func (h *Handler) threadAudiencePage(r *http.Request) formPage {
	return func(p page, f form) (templ.Component, error) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return nil, sharefair.ErrNotFound("Thread")
		}
		t, err := h.svcs.Threads.FindThreadByID(r.Context(), id)
		if err != nil {
			return nil, err
		}
		if !t.ViewerMayNarrow {
			return nil, sharefair.Errorf(sharefair.EFORBIDDEN, "Only the thread's author may change who reads it.")
		}
		opts, err := h.audiences(r)
		if err != nil {
			return nil, err
		}
		return threadAudiencePage(p, f, threadAudienceView{Thread: t, Audiences: opts}), nil
	}
}

func (h *Handler) threadAudienceForm(w http.ResponseWriter, r *http.Request) error {
	values := url.Values{}
	if id, err := strconv.ParseInt(r.PathValue("id"), 10, 64); err == nil {
		if t, err := h.svcs.Threads.FindThreadByID(r.Context(), id); err == nil {
			values = audienceValues(t.Audience)
		}
	}
	c, err := h.threadAudiencePage(r)(h.base(w, r, "Who may read it"), newForm(values, nil))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, c)
}

func (h *Handler) threadAudience(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return sharefair.ErrNotFound("Thread")
	}
	_, changed, err := h.svcs.Threads.NarrowAudience(r.Context(), id, audienceChoice(r.PostForm))
	if err != nil {
		if fields := sharefair.ErrorFields(err); fields["hub"] != "" {
			fields["audience"] = fields["hub"]
		} else if fields["circle"] != "" {
			fields["audience"] = fields["circle"]
		}
		return refused(err, "Who may read it", h.threadAudiencePage(r))
	}
	if changed {
		h.setFlash(w, "The thread's audience is changed.")
	} else {
		h.setFlash(w, "The thread has that audience already; nothing changed.")
	}
	redirect(w, r, threadURL(id)+"?page=1")
	return nil
}

// audienceValues are the form values that choose audience a.
func audienceValues(a sharefair.Audience) url.Values {
	v := url.Values{"audience": {string(a.Kind)}}
	switch {
	case a.Hub != nil:
		v.Set("audience", "hub:"+a.Hub.Slug)
	case a.Circle != nil:
		v.Set("audience", "circle:"+a.Circle.Key)
	case a.Kind == sharefair.AudienceMembers:
		handles := make([]string, len(a.Members))
		for i, m := range a.Members {
			handles[i] = "@" + m.Handle
		}
		v.Set("members", strings.Join(handles, " "))
	}
	return v
}

// circleKindChoices are the kinds of circle the form offers, each with
// what it means for who may join and who may know of it.
var circleKindChoices = []struct {
	Kind        sharefair.CircleKind
	Label, Hint string
}{
	{sharefair.CircleOpen, "Open", "Anyone in the network may join at once. Network admins may read its discussions."},
	{sharefair.CircleClosed, "Closed", "Anyone may see it and ask to join; its hosts approve. Network admins may read its discussions."},
	{sharefair.CircleSecret, "Secret", "By invitation only. Nobody else learns it exists: no page, no name, no count. Not even network admins read it, unless they are in it."},
}
