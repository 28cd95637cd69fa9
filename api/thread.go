package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/server"
)

// audienceJSON says who may read a thread.
type audienceJSON struct {
	Kind    string           `json:"kind" enum:"network,hub,circle,members"`
	Hub     *hubRefJSON      `json:"hub"`
	Circle  *circleRefJSON   `json:"circle"`
	Members []*memberRefJSON `json:"members,omitempty" description:"For a members audience, the named readers (the author reads it too and is not listed); absent in lists and for other audiences."`
}

func audience(a sharefair.Audience) audienceJSON {
	j := audienceJSON{Kind: string(a.Kind), Hub: hubRef(a.Hub), Circle: circleRef(a.Circle)}
	if a.Members != nil {
		j.Members = make([]*memberRefJSON, len(a.Members))
		for i, m := range a.Members {
			j.Members[i] = memberRef(m)
		}
	}
	return j
}

// threadJSON is a discussion. Author is null when the opening post hides
// its author from the viewer.
type threadJSON struct {
	ID             int64        `json:"id"`
	Title          string       `json:"title"`
	Audience       audienceJSON `json:"audience"`
	Author         *authorJSON  `json:"author" description:"Null when the opening post hides its author."`
	ChathamHouse   bool         `json:"chatham_house" description:"Whether the thread is held under the Chatham House rule: what is said may be used, but nobody's identity or organisation is revealed. Its posts show a pseudonym stable within the thread."`
	CreatedAt      time.Time    `json:"created_at" description:"RFC 3339, UTC. When the opening post hides its author from the viewer, midnight UTC of its date: the day alone."`
	LastActivityAt time.Time    `json:"last_activity_at" description:"RFC 3339, UTC. When the latest post hides its author (chatham, anonymous), midnight UTC of its date: the day alone."`
	PostCount      int          `json:"post_count"`
	ReplyCount     int          `json:"reply_count"`
	Withdrawn      bool         `json:"withdrawn" description:"Whether the author withdrew the opening post, and its title with it: title is then empty and author null. The thread stays while others' replies are in it."`
	Locked         bool         `json:"locked" description:"Whether a moderator locked the thread: it takes no new replies."`
	Follow         string       `json:"follow" enum:"following,normal,muted" description:"How the viewer follows it (PUT /threads/{id}/follow)."`
	ReadTo         int64        `json:"read_to_post_id" description:"The last post the viewer read; 0 when they never opened it."`
	UnreadPosts    int          `json:"unread_posts" description:"Posts after read_to_post_id, neither withdrawn nor hidden; 0 when never opened."`
	FirstUnread    *int64       `json:"first_unread_post_id" description:"The first of them; null when none."`
	New            bool         `json:"new" description:"Whether the viewer never opened it, and it was started since they joined, within the last 14 days."`
	// URL is the thread's web page.
	URL string `json:"url" format:"uri" description:"The thread's web page."`
}

func (h *Handler) thread(t *sharefair.Thread) threadJSON {
	return threadJSON{ID: t.ID, Title: t.Title,
		Audience: audience(t.Audience),
		Author:   author(t.Author), ChathamHouse: t.ChathamHouse, CreatedAt: utc(t.CreatedAt), LastActivityAt: utc(t.LastActivityAt),
		PostCount: t.PostCount, ReplyCount: t.ReplyCount(), Withdrawn: t.Withdrawn, Locked: t.Locked,
		Follow: string(t.ViewerFollow), ReadTo: t.ViewerReadTo, UnreadPosts: t.Unread, FirstUnread: optionalID(t.FirstUnreadID), New: t.New,
		URL: h.cfg.Absolute("/threads/" + strconv.FormatInt(t.ID, 10))}
}

// optionalID is id, or nil for 0.
func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// postJSON is one post. Body is the Markdown source exactly as stored; HTML
// is its sanitised rendering.
type postJSON struct {
	ID          int64       `json:"id"`
	ThreadID    int64       `json:"thread_id"`
	Author      *authorJSON `json:"author" description:"Null when the attribution hides the author from the viewer."`
	Attribution string      `json:"attribution" enum:"named,chatham,anonymous" description:"named: the author is shown. chatham: a post in a Chatham House thread, shown under its pseudonym. anonymous: no author and no pseudonym. Only the author sees their own chatham and anonymous posts as theirs."`
	Pseudonym   *string     `json:"pseudonym" description:"For a chatham post, the author's pseudonym in the thread (\"Participant 2\"), the same for every reader and unrelated to their pseudonyms in other threads; else null."`
	Body        string      `json:"body" description:"The Markdown source exactly as stored (line endings normalised to \\n)."`
	HTML        string      `json:"html" description:"The sanitised HTML rendering."`
	CreatedAt   time.Time   `json:"created_at" description:"RFC 3339, UTC. When the author is hidden from the viewer (chatham, anonymous), midnight UTC of the post's date: the day alone."`
	EditedAt    *time.Time  `json:"edited_at" description:"As created_at, the day alone when the author is hidden from the viewer."`
	Mine        bool        `json:"mine" description:"Whether the viewer wrote the post (and so may edit and withdraw it); false for a withdrawn post, which shows as nobody's."`
	Withdrawn   bool        `json:"withdrawn" description:"Whether its author withdrew the post: a tombstone, with body and html empty, author and pseudonym null, and created_at the day alone."`
	Hidden      bool        `json:"hidden" description:"Whether a moderator hid the post. Its readers then get body and html empty; its author and moderators get them, with hidden_reason."`
	// HiddenReason is the category the post was hidden for.
	HiddenReason *string           `json:"hidden_reason" enum:"abusive,reveals,off_topic,spam,other" description:"For the author and moderators of a hidden post, the category it was hidden for; else null."`
	Flagged      bool              `json:"flagged" description:"Whether the viewer holds an open flag on the post."`
	Revealed     *revealNoticeJSON `json:"revealed" description:"For the author alone: the latest time a network admin revealed to themselves who wrote this post, and their reason; else null."`
}

// revealNoticeJSON tells an author that an admin revealed who wrote their post.
type revealNoticeJSON struct {
	At     time.Time `json:"at" description:"RFC 3339, UTC."`
	Reason string    `json:"reason"`
}

func post(p *sharefair.Post) postJSON {
	var pseudonym *string
	if p.Pseudonym > 0 {
		s := sharefair.PseudonymName(p.Pseudonym)
		pseudonym = &s
	}
	out := postJSON{ID: p.ID, ThreadID: p.ThreadID, Author: author(p.Author), Attribution: string(p.Attribution),
		Pseudonym: pseudonym, Body: p.Source, HTML: p.HTML, CreatedAt: utc(p.CreatedAt), EditedAt: utcPtr(p.EditedAt), Mine: p.Mine,
		Withdrawn: p.Withdrawn, Hidden: p.Hidden, Flagged: p.ViewerFlagged}
	if p.HiddenReason != "" {
		r := string(p.HiddenReason)
		out.HiddenReason = &r
	}
	if p.Revealed != nil {
		out.Revealed = &revealNoticeJSON{At: utc(p.Revealed.At), Reason: p.Revealed.Reason}
	}
	return out
}

func (h *Handler) listThreads(w http.ResponseWriter, r *http.Request, q threadQuery) error {
	page := q.page()
	f := sharefair.ThreadFilter{Page: page}
	if slug := q.Hub; slug != "" {
		hb, err := h.svcs.Hubs.FindHubBySlug(r.Context(), slug)
		if sharefair.ErrorCode(err) == sharefair.ENOTFOUND {
			// No such hub: no threads for it, as with any filter.
			return render(w, http.StatusOK, newList([]threadJSON{}, page, 0))
		} else if err != nil {
			return err
		}
		f.HubID = hb.ID
	}
	return h.renderThreads(w, r, f)
}

func (h *Handler) renderThreads(w http.ResponseWriter, r *http.Request, f sharefair.ThreadFilter) error {
	ts, total, err := h.svcs.Threads.FindThreads(r.Context(), f)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(ts, h.thread, f.Page, total))
}

// newThreadJSON is the body of POST /threads.
type newThreadJSON struct {
	Title    string   `json:"title" required:"true"`
	Audience string   `json:"audience" enum:"network,hub,circle,members" description:"Who may read the thread. Defaults to hub when hub is given, circle when circle is given, else network."`
	Hub      string   `json:"hub" description:"Slug of the hub, for a hub audience."`
	Circle   string   `json:"circle" description:"Key of the circle, for a circle audience: one of the writer's circles."`
	Members  []string `json:"members" description:"Handles of the named readers, for a members audience; the author always reads it."`
	Body     string   `json:"body" required:"true" description:"The opening post, in Markdown."`
	// Attribution of the opening post.
	Attribution  string `json:"attribution" enum:"named,anonymous" description:"How the opening post is signed: named (the default; in a Chatham House thread, under a pseudonym) or anonymous (no author, no pseudonym, even to coordinators and admins)."`
	ChathamHouse bool   `json:"chatham_house" description:"Hold the thread under the Chatham House rule: what is said may be used, but nobody's identity or organisation is revealed."`
}

func (h *Handler) postThread(w http.ResponseWriter, r *http.Request, in newThreadJSON) error {
	if in.ChathamHouse || (in.Attribution != "" && in.Attribution != string(sharefair.AttributionNamed)) {
		server.Unattributed(r.Context())
	}
	t, err := h.svcs.Threads.CreateThread(r.Context(), sharefair.NewThread{Title: in.Title,
		Audience:    sharefair.AudienceChoice{Kind: sharefair.AudienceKind(in.Audience), Hub: in.Hub, Circle: in.Circle, Members: in.Members},
		Body:        in.Body,
		Attribution: sharefair.Attribution(in.Attribution), ChathamHouse: in.ChathamHouse})
	if err != nil {
		return err
	}
	w.Header().Set("Location", h.cfg.Absolute(Prefix+"/threads/"+strconv.FormatInt(t.ID, 10)))
	return render(w, http.StatusCreated, h.thread(t))
}

func (h *Handler) getThread(w http.ResponseWriter, r *http.Request, at ThreadPath) error {
	t, err := h.svcs.Threads.FindThreadByID(r.Context(), at.ID)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, h.thread(t))
}

// threadPatch is the body of PATCH /threads/{id}.
type threadPatch struct {
	Title string `json:"title" required:"true"`
}

func (h *Handler) patchThread(w http.ResponseWriter, r *http.Request, at ThreadPath, in threadPatch) error {
	t, err := h.svcs.Threads.RenameThread(r.Context(), at.ID, in.Title)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, h.thread(t))
}

func (h *Handler) listPosts(w http.ResponseWriter, r *http.Request, q threadPostsQuery) error {
	page := q.page()
	ps, total, err := h.svcs.Threads.FindPosts(r.Context(), q.ID, page)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(ps, post, page, total))
}

// postBodyJSON is the body of POST /threads/{id}/posts and PATCH /posts/{id}.
type postBodyJSON struct {
	Body string `json:"body" required:"true" description:"Markdown."`
}

// newPostJSON is the body of POST /threads/{id}/posts.
type newPostJSON struct {
	Body        string `json:"body" required:"true" description:"Markdown."`
	Attribution string `json:"attribution" enum:"named,anonymous" description:"How the post is signed: named (the default; in a Chatham House thread, under the writer's pseudonym) or anonymous (no author, no pseudonym, even to coordinators and admins)."`
}

func (h *Handler) postPost(w http.ResponseWriter, r *http.Request, at ThreadPath, in newPostJSON) error {
	if in.Attribution != "" && in.Attribution != string(sharefair.AttributionNamed) {
		server.Unattributed(r.Context())
	}
	p, err := h.svcs.Threads.WritePost(r.Context(), at.ID, sharefair.NewPost{Body: in.Body,
		Attribution: sharefair.Attribution(in.Attribution)})
	if err != nil {
		return err
	}
	if p.Attribution != sharefair.AttributionNamed {
		server.Unattributed(r.Context())
	}
	w.Header().Set("Location", h.cfg.Absolute(Prefix+"/posts/"+strconv.FormatInt(p.ID, 10)))
	return render(w, http.StatusCreated, post(p))
}

func (h *Handler) getPost(w http.ResponseWriter, r *http.Request, at postPath) error {
	p, err := h.svcs.Threads.FindPostByID(r.Context(), at.ID)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, post(p))
}

func (h *Handler) patchPost(w http.ResponseWriter, r *http.Request, at postPath, in postBodyJSON) error {
	p, err := h.svcs.Threads.UpdatePost(r.Context(), at.ID, in.Body)
	if err != nil {
		return err
	}
	if p.Attribution != sharefair.AttributionNamed {
		server.Unattributed(r.Context())
	}
	return render(w, http.StatusOK, post(p))
}

// withdrawalJSON answers POST /posts/{id}/withdraw.
type withdrawalJSON struct {
	Changed       bool      `json:"changed" description:"False when the post was withdrawn already: nothing changed."`
	ThreadDeleted bool      `json:"thread_deleted" description:"Whether the thread went too, since no post in it was left that is not withdrawn."`
	Post          *postJSON `json:"post" description:"The post as it now shows, a tombstone; null when the thread went too."`
	Message       string    `json:"message" description:"What happened, in words a person may be shown."`
}

func (h *Handler) withdrawPost(w http.ResponseWriter, r *http.Request, at postPath) error {
	wd, err := h.svcs.Threads.WithdrawPost(r.Context(), at.ID)
	if err != nil {
		return err
	}
	out := withdrawalJSON{Changed: wd.Changed, ThreadDeleted: wd.ThreadDeleted}
	switch {
	case wd.ThreadDeleted:
		out.Message = "The post is withdrawn, and its thread with it: nothing else was left in it."
		return render(w, http.StatusOK, out)
	case wd.Changed:
		out.Message = "The post is withdrawn: its text is deleted."
	default:
		out.Message = "The post was already withdrawn."
	}
	p, err := h.svcs.Threads.FindPostByID(r.Context(), at.ID)
	if err != nil {
		return err
	}
	pj := post(p)
	out.Post = &pj
	return render(w, http.StatusOK, out)
}
