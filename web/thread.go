package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/server"
)

// threadView is what the thread page shows.
type threadView struct {
	Thread    *sharefair.Thread
	PostsHTML string // the page's posts, rendered
	// Shared is the kept rendering the page's posts are, as they are,
	// when no post on the page is the viewer's; nil otherwise.
	Shared *postsEntry
	Pager  pager
	Form   form
}

// homeThreads is how many discussions the home page lists.
const homeThreads = 20

func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if sharefair.ViewerFromContext(ctx) == nil {
		n, err := h.svcs.Network.Network(ctx)
		if err != nil {
			return err
		}
		if !n.SetUp {
			redirect(w, r, "/setup")
		} else {
			redirect(w, r, "/signin")
		}
		return nil
	}
	threads, total, err := h.svcs.Threads.FindThreads(ctx, sharefair.ThreadFilter{Page: sharefair.Page{Size: homeThreads}, NoTotal: true})
	if err != nil {
		return err
	}
	hubs, err := h.svcs.Hubs.FindHubs(ctx)
	if err != nil {
		return err
	}
	p := h.base(w, r, "Home")
	first, err := h.firstHour(r, p)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, homePage(p, threads, total > len(threads), hubs, first))
}

func (h *Handler) threads(w http.ResponseWriter, r *http.Request) error {
	n := pageNumber(r)
	threads, total, err := h.svcs.Threads.FindThreads(r.Context(), sharefair.ThreadFilter{Page: sharefair.Page{Number: n}})
	if err != nil {
		return err
	}
	pg := newPager("/threads", r.URL.Query(), n, total, sharefair.DefaultPageSize)
	return h.render(w, r, http.StatusOK, threadsPage(h.base(w, r, "Discussions"), threads, pg))
}

// audiences lists who the viewer may start a thread for: the network, and
// their hubs (every hub, for network admins).
func (h *Handler) audiences(r *http.Request) ([]sharefair.Option, error) {
	hubs, err := h.svcs.Hubs.FindHubs(r.Context())
	if err != nil {
		return nil, err
	}
	circles, _, err := h.svcs.Circles.FindCircles(r.Context(), sharefair.CircleFilter{Mine: true})
	if err != nil {
		return nil, err
	}
	// Each choice says who will read it, so that the writer sees it before
	// sending.
	opts := []sharefair.Option{{Code: "network", Name: "The whole network: every member"}}
	for _, hub := range hubs {
		if hub.ViewerMayPost {
			opts = append(opts, sharefair.Option{Code: "hub:" + hub.Slug,
				Name: "Members of the " + hub.Name + " hub — " + plural(hub.MemberCount, "person", "people") + ", and network admins"})
		}
	}
	for _, c := range circles {
		who := " — " + plural(c.MemberCount, "person", "people")
		if c.Kind != sharefair.CircleSecret {
			who += ", and network admins"
		}
		opts = append(opts, sharefair.Option{Code: "circle:" + c.Key, Name: "Members of the " + c.Name + " circle" + who})
	}
	opts = append(opts, sharefair.Option{Code: "members", Name: "Named members only: you and those you name below"})
	return opts, nil
}

// startThreadPage shows the form that starts a discussion.
func (h *Handler) startThreadPage(r *http.Request) formPage {
	return func(p page, f form) (templ.Component, error) {
		opts, err := h.audiences(r)
		if err != nil {
			return nil, err
		}
		return newThreadPage(p, f, opts), nil
	}
}

func (h *Handler) newThreadForm(w http.ResponseWriter, r *http.Request) error {
	values := url.Values{"audience": {"network"}}
	if hub := r.URL.Query().Get("hub"); hub != "" {
		values.Set("audience", "hub:"+hub)
	}
	if c := r.URL.Query().Get("circle"); c != "" {
		values.Set("audience", "circle:"+c)
	}
	c, err := h.startThreadPage(r)(h.base(w, r, "Start a discussion"), newForm(values, nil))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, c)
}

func (h *Handler) createThread(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	nt := sharefair.NewThread{Title: f.Get("title"), Body: f.Get("body"), Audience: audienceChoice(f),
		Attribution: sharefair.Attribution(f.Get("attribution"))}
	var err error
	switch f.Get("rule") {
	case "", "named":
	case "chatham":
		nt.ChathamHouse = true
	default:
		err = withField(nt.Validate(), "rule", "Choose how people are named: under their names or under the Chatham House rule.")
	}
	if nt.ChathamHouse || nt.Attribution == sharefair.AttributionAnonymous {
		server.Unattributed(r.Context())
	}
	var t *sharefair.Thread
	if err == nil {
		t, err = h.svcs.Threads.CreateThread(r.Context(), nt)
	}
	if err != nil {
		// The form chooses the hub in its audience field.
		if fields := sharefair.ErrorFields(err); fields["hub"] != "" {
			fields["audience"] = fields["hub"]
		} else if fields["circle"] != "" {
			fields["audience"] = fields["circle"]
		}
		return refused(err, "Start a discussion", h.startThreadPage(r))
	}
	redirect(w, r, threadURL(t.ID))
	return nil
}

// loadThread gathers one page of a thread for its page. The page's posts
// come from the posts cache when the viewer may share its rendering.
func (h *Handler) loadThread(r *http.Request, p page, id int64, n int) (threadView, error) {
	t, err := h.svcs.Threads.FindThreadByID(r.Context(), id)
	if err != nil {
		return threadView{}, err
	}
	return h.loadThreadPage(r, p, t, n)
}

// loadThreadPage gathers page n of thread t, as loadThread does.
func (h *Handler) loadThreadPage(r *http.Request, p page, t *sharefair.Thread, n int) (threadView, error) {
	ctx := r.Context()
	id := t.ID
	pages := sharefair.PageCount(t.PostCount, sharefair.PostsPerPage)
	if n > pages {
		return threadView{}, sharefair.Errorf(sharefair.ENOTFOUND, "This discussion has only %d pages.", pages)
	}
	tv := threadView{
		Thread: t,
		Pager:  pager{Number: n, Pages: sharefair.PageCount(t.PostCount, sharefair.PostsPerPage), Path: threadURL(id), named: true},
		Form:   newForm(nil, nil),
	}
	key := postsKey{thread: id, page: n, zone: p.zone().String(), readers: t.ReadersKey}
	pg := sharefair.Page{Number: n, Size: sharefair.PostsPerPage}
	p.moderates = t.ViewerMayModerate
	if t.ReadersKey == "" {
		// A view the access rules keep for this viewer alone (a
		// flagger's): rendered for them, never kept.
		posts, _, err := h.svcs.Threads.FindPosts(ctx, id, pg)
		if err != nil {
			return threadView{}, err
		}
		rendered, err := renderPosts(ctx, p, posts)
		if err != nil {
			return threadView{}, err
		}
		tv.PostsHTML = joinPosts(rendered, nil)
		return tv, nil
	}
	if shared, ok := h.posts.get(key, t.Version); ok {
		var own []renderedPost
		if t.ViewerPosted {
			mine, err := h.svcs.Threads.FindOwnPosts(ctx, id, pg)
			if err != nil {
				return threadView{}, err
			}
			if own, err = renderPosts(ctx, p, mine); err != nil {
				return threadView{}, err
			}
		}
		if len(own) == 0 {
			tv.PostsHTML, tv.Shared = shared.html, shared
		} else {
			tv.PostsHTML = joinPosts(shared.posts, own)
		}
		return tv, nil
	}
	posts, _, err := h.svcs.Threads.FindPosts(ctx, id, pg)
	if err != nil {
		return threadView{}, err
	}
	// The page as any reader who wrote none of it sees it, kept for the
	// readers who follow; the viewer's own posts rendered as they see
	// them. So the author's page does not wait for another reader's visit.
	shared := make([]*sharefair.Post, len(posts))
	var mine []*sharefair.Post
	for i, post := range posts {
		shared[i] = post
		if post.AsReadersSee != nil {
			shared[i] = post.AsReadersSee
			mine = append(mine, post)
		}
	}
	rendered, err := renderPosts(ctx, p, shared)
	if err != nil {
		return threadView{}, err
	}
	own, err := renderPosts(ctx, p, mine)
	if err != nil {
		return threadView{}, err
	}
	e := h.posts.put(key, t.Version, rendered)
	if len(own) == 0 {
		tv.PostsHTML, tv.Shared = e.html, e
	} else {
		tv.PostsHTML = joinPosts(rendered, own)
	}
	return tv, nil
}

func (h *Handler) thread(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, err := h.svcs.Threads.FindThreadByID(ctx, id)
	if err != nil {
		return err
	}
	if t.FirstUnreadID != 0 && !r.URL.Query().Has("page") {
		// A thread opens at the first post the viewer has not read.
		return h.goToPost(w, r, t.FirstUnreadID)
	}
	p := h.base(w, r, "")
	n := pageNumber(r)
	v, err := h.loadThreadPage(r, p, t, n)
	if err != nil {
		return err
	}
	if t := v.Thread; t.ViewerReadTo == 0 || (t.FirstUnreadID != 0 && n*sharefair.PostsPerPage > t.ViewerReadPosts) {
		// Shown this page, the viewer has read it: what they were told
		// of it is read too, and the count above says so.
		if err := h.svcs.Notifications.MarkThreadRead(ctx, id, n); err != nil {
			return err
		}
		if p.Unread > 0 {
			if p.Unread, err = h.svcs.Notifications.UnreadNotifications(ctx); err != nil {
				return err
			}
		}
	}
	p.Title = v.Thread.DisplayTitle()
	if v.Shared != nil && acceptsGzip(r) {
		// The shared posts go out as compressed once.
		v.PostsHTML = postsMarker
		return h.renderStitched(w, r, threadPage(p, v), v.Shared)
	}
	return h.render(w, r, http.StatusOK, threadPage(p, v))
}

func (h *Handler) reply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	np := sharefair.NewPost{Body: r.PostForm.Get("body"), Attribution: sharefair.Attribution(r.PostForm.Get("attribution"))}
	if np.Attribution != "" && np.Attribution != sharefair.AttributionNamed {
		server.Unattributed(r.Context())
	}
	post, err := h.svcs.Threads.WritePost(r.Context(), id, np)
	if err == nil && post.Attribution != sharefair.AttributionNamed {
		server.Unattributed(r.Context()) // a post in a Chatham House thread
	}
	if err != nil {
		return refused(err, "", func(p page, f form) (templ.Component, error) {
			// The reply form sits below the thread's last page.
			t, err := h.svcs.Threads.FindThreadByID(r.Context(), id)
			if err != nil {
				return nil, err
			}
			p.Title = t.DisplayTitle()
			v, err := h.loadThread(r, p, id, sharefair.PageCount(t.PostCount, sharefair.PostsPerPage))
			if err != nil {
				return nil, err
			}
			v.Form = f
			return threadPage(p, v), nil
		})
	}
	h.setFlash(w, "Your reply is posted.")
	return h.goToPost(w, r, post.ID)
}

// goToPost redirects to the thread page holding a post, at the post.
// The page is named even when it is the first: a thread's address without
// one opens at the first unread post, which would send the viewer here
// again.
func (h *Handler) goToPost(w http.ResponseWriter, r *http.Request, id int64) error {
	threadID, pos, err := h.svcs.Threads.PostPosition(r.Context(), id)
	if err != nil {
		return err
	}
	to := threadURL(threadID) + "?page=" + itoa(sharefair.PageCount(pos, sharefair.PostsPerPage))
	redirect(w, r, to+"#"+postAnchor(id))
	return nil
}

func (h *Handler) post(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return h.goToPost(w, r, id)
}

func (h *Handler) editPostForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	post, err := h.svcs.Threads.FindPostByID(r.Context(), id)
	if err != nil {
		return err
	}
	if !post.ViewerMayEdit {
		return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the post's author may edit it.")
	}
	return h.render(w, r, http.StatusOK, editPostPage(h.base(w, r, "Edit your post"), newForm(url.Values{"body": {post.Source}}, nil), post))
}

func (h *Handler) editPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	post, err := h.svcs.Threads.UpdatePost(r.Context(), id, r.PostForm.Get("body"))
	if err == nil && post.Attribution != sharefair.AttributionNamed {
		server.Unattributed(r.Context())
	}
	if err != nil {
		return refused(err, "Edit your post", func(p page, f form) (templ.Component, error) {
			return editPostPage(p, f, &sharefair.Post{ID: id}), nil
		})
	}
	h.setFlash(w, "Your post is saved.")
	return h.goToPost(w, r, post.ID)
}

func (h *Handler) withdrawPostForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	post, err := h.svcs.Threads.FindPostByID(r.Context(), id)
	if err != nil {
		return err
	}
	if !post.ViewerMayWithdraw {
		return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the post's author may withdraw it.")
	}
	_, pos, err := h.svcs.Threads.PostPosition(r.Context(), id)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, withdrawPostPage(h.base(w, r, "Withdraw your post"), post, pos == 1))
}

func (h *Handler) withdrawPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	wd, err := h.svcs.Threads.WithdrawPost(r.Context(), id)
	if err != nil {
		return err
	}
	switch {
	case wd.ThreadDeleted:
		h.setFlash(w, "Your post is withdrawn, and the discussion with it: nothing else was left in it.")
		redirect(w, r, "/threads")
		return nil
	case wd.Changed:
		h.setFlash(w, "Your post is withdrawn: its text is deleted.")
	default:
		h.setFlash(w, "That post was already withdrawn.")
	}
	return h.goToPost(w, r, id)
}

func (h *Handler) editThreadForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.svcs.Threads.FindThreadByID(r.Context(), id)
	if err != nil {
		return err
	}
	if !t.ViewerMayRename {
		return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the thread's author may change its title.")
	}
	return h.render(w, r, http.StatusOK, editThreadPage(h.base(w, r, "Edit the title"), newForm(url.Values{"title": {t.Title}}, nil), t))
}

func (h *Handler) editThread(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.svcs.Threads.RenameThread(r.Context(), id, r.PostForm.Get("title"))
	if err != nil {
		return refused(err, "Edit the title", func(p page, f form) (templ.Component, error) {
			return editThreadPage(p, f, &sharefair.Thread{ID: id}), nil
		})
	}
	h.setFlash(w, "The title is saved.")
	redirect(w, r, threadURL(t.ID)+"?page=1")
	return nil
}

// The composer's choices of attribution, and what they mean.
var ruleOptions = []sharefair.Option{
	{Code: "named", Name: "Under their names"},
	{Code: "chatham", Name: "Under the Chatham House rule"},
}

const chathamHint = "Under the Chatham House rule, what is said may be used, but nobody's identity or organisation is revealed: " +
	"each writer shows as “Participant 1”, “Participant 2” and so on, in this discussion only, to everyone " +
	"including coordinators and admins. You see your own posts as yours."

const anonymityHint = "Anonymous: no name, no pseudonym, only the day. Nobody, coordinators and admins included, " +
	"sees it is yours but you. For abuse only, a network admin can reveal the author to themselves, giving a reason " +
	"that goes to the audit log and that you are shown on your post."

// replyAnonymityHint says the same, shorter, for the reply form on every
// page of a thread.
const replyAnonymityHint = "Anonymous: nobody but you, not even admins, sees it is yours; for abuse only, an audited reveal exists."

// fewReaders is as many readers as a discussion may have for its reply
// form to warn that they may guess who wrote a post that hides its author.
const fewReaders = 10

// replyHint is the reply form's word on signing for thread t: what
// anonymity protects from and, where the readers are few, what it does
// not.
func replyHint(t *sharefair.Thread) string {
	n, ok := t.Audience.Readers()
	if !ok || n > fewReaders {
		return replyAnonymityHint
	}
	return replyAnonymityHint + " Only " + strconv.Itoa(n) + " people read this discussion: among so few, they may guess who wrote it."
}

// attributionOptions are the ways to sign a post; chatham for a thread
// under the Chatham House rule.
func attributionOptions(chatham bool) []sharefair.Option {
	named := "Under my name"
	if chatham {
		named = "Under my pseudonym"
	}
	return []sharefair.Option{{Code: "named", Name: named}, {Code: "anonymous", Name: "Anonymously"}}
}

// mayFlagHere reports whether the post's page offers to flag it: to its
// readers, not its author, while they hold no open flag and it shows.
func mayFlagHere(post *sharefair.Post) bool {
	return !post.Mine && !post.ViewerFlagged && !post.Hidden
}

// ownSignature is how the viewer's own hidden-author post is signed for them.
func ownSignature(post *sharefair.Post) string {
	if post.Pseudonym > 0 {
		return "You, as " + sharefair.PseudonymName(post.Pseudonym)
	}
	return "You, anonymously"
}

// hiddenSignature is how a post whose author is hidden is signed.
func hiddenSignature(post *sharefair.Post) string {
	switch {
	case post.Pseudonym > 0:
		return sharefair.PseudonymName(post.Pseudonym)
	case post.Attribution == sharefair.AttributionAnonymous:
		return "Anonymous"
	}
	return "A member"
}

// day formats the day alone of a time the store gives to the day (midnight
// UTC): in UTC, since in another zone it would fall on the day before.
func day(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

// machineDate formats the day alone for a <time datetime> attribute.
func machineDate(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// withField adds a message for field to err, the refusal of the rest of a
// form (nil when the rest was fine).
func withField(err error, field, msg string) error {
	fields := sharefair.ErrorFields(err)
	if err != nil && fields == nil {
		return err
	}
	if fields == nil {
		fields = map[string]string{}
	}
	fields[field] = msg
	return &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.", Fields: fields}
}

// audienceChoice reads the audience a form asks for: its audience field
// is "network", "hub:<slug>", "circle:<key>" or "members", the last with
// the handles in the members field.
func audienceChoice(f url.Values) sharefair.AudienceChoice {
	a := f.Get("audience")
	if hub, ok := strings.CutPrefix(a, "hub:"); ok {
		return sharefair.AudienceChoice{Kind: sharefair.AudienceHub, Hub: hub}
	}
	if key, ok := strings.CutPrefix(a, "circle:"); ok {
		return sharefair.AudienceChoice{Kind: sharefair.AudienceCircle, Circle: key}
	}
	c := sharefair.AudienceChoice{Kind: sharefair.AudienceKind(a)}
	if c.Kind == sharefair.AudienceMembers {
		c.Members = []string{f.Get("members")}
	}
	return c
}
