package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/sharefair/sharefair"
)

// audienceJSON says who may read a thread.
type audienceJSON struct {
	Kind string      `json:"kind"`
	Hub  *hubRefJSON `json:"hub"`
}

// threadJSON is a discussion. Author is null when the opening post hides
// its author from the viewer.
type threadJSON struct {
	ID             int64          `json:"id"`
	Title          string         `json:"title"`
	Audience       audienceJSON   `json:"audience"`
	Author         *memberRefJSON `json:"author"`
	CreatedAt      time.Time      `json:"created_at"`
	LastActivityAt time.Time      `json:"last_activity_at"`
	PostCount      int            `json:"post_count"`
	ReplyCount     int            `json:"reply_count"`
	// URL is the thread's web page.
	URL string `json:"url"`
}

func (h *Handler) thread(t *sharefair.Thread) threadJSON {
	return threadJSON{ID: t.ID, Title: t.Title,
		Audience: audienceJSON{Kind: string(t.Audience.Kind), Hub: hubRef(t.Audience.Hub)},
		Author:   memberRef(t.Author), CreatedAt: utc(t.CreatedAt), LastActivityAt: utc(t.LastActivityAt),
		PostCount: t.PostCount, ReplyCount: t.ReplyCount(), URL: h.cfg.Absolute("/threads/" + strconv.FormatInt(t.ID, 10))}
}

// postJSON is one post. Body is the Markdown source exactly as stored; HTML
// is its sanitised rendering.
type postJSON struct {
	ID          int64          `json:"id"`
	ThreadID    int64          `json:"thread_id"`
	Author      *memberRefJSON `json:"author"`
	Attribution string         `json:"attribution"`
	Body        string         `json:"body"`
	HTML        string         `json:"html"`
	CreatedAt   time.Time      `json:"created_at"`
	EditedAt    *time.Time     `json:"edited_at"`
	Mine        bool           `json:"mine"`
}

func post(p *sharefair.Post) postJSON {
	return postJSON{ID: p.ID, ThreadID: p.ThreadID, Author: memberRef(p.Author), Attribution: string(p.Attribution),
		Body: p.Source, HTML: p.HTML, CreatedAt: utc(p.CreatedAt), EditedAt: utcPtr(p.EditedAt), Mine: p.Mine}
}

func (h *Handler) listThreads(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r, sharefair.DefaultPageSize)
	if err != nil {
		return err
	}
	f := sharefair.ThreadFilter{Page: page}
	if slug := r.URL.Query().Get("hub"); slug != "" {
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
	Title    string `json:"title"`
	Audience string `json:"audience"`
	Hub      string `json:"hub"`
	Body     string `json:"body"`
}

func (h *Handler) postThread(w http.ResponseWriter, r *http.Request) error {
	var in newThreadJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := h.svcs.Threads.CreateThread(r.Context(), sharefair.NewThread{Title: in.Title,
		Audience: sharefair.AudienceKind(in.Audience), Hub: in.Hub, Body: in.Body})
	if err != nil {
		return err
	}
	w.Header().Set("Location", h.cfg.Absolute(Prefix+"/threads/"+strconv.FormatInt(t.ID, 10)))
	return render(w, http.StatusCreated, h.thread(t))
}

func (h *Handler) getThread(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Thread")
	if err != nil {
		return err
	}
	t, err := h.svcs.Threads.FindThreadByID(r.Context(), id)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, h.thread(t))
}

// threadPatch is the body of PATCH /threads/{id}.
type threadPatch struct {
	Title string `json:"title"`
}

func (h *Handler) patchThread(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Thread")
	if err != nil {
		return err
	}
	var in threadPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := h.svcs.Threads.RenameThread(r.Context(), id, in.Title)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, h.thread(t))
}

func (h *Handler) listPosts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Thread")
	if err != nil {
		return err
	}
	page, err := pageParams(r, sharefair.PostsPerPage)
	if err != nil {
		return err
	}
	ps, total, err := h.svcs.Threads.FindPosts(r.Context(), id, page)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(ps, post, page, total))
}

// postBodyJSON is the body of POST /threads/{id}/posts and PATCH /posts/{id}.
type postBodyJSON struct {
	Body string `json:"body"`
}

func (h *Handler) postPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Thread")
	if err != nil {
		return err
	}
	var in postBodyJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := h.svcs.Threads.CreatePost(r.Context(), id, in.Body)
	if err != nil {
		return err
	}
	w.Header().Set("Location", h.cfg.Absolute(Prefix+"/posts/"+strconv.FormatInt(p.ID, 10)))
	return render(w, http.StatusCreated, post(p))
}

func (h *Handler) getPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Post")
	if err != nil {
		return err
	}
	p, err := h.svcs.Threads.FindPostByID(r.Context(), id)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, post(p))
}

func (h *Handler) patchPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Post")
	if err != nil {
		return err
	}
	var in postBodyJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := h.svcs.Threads.UpdatePost(r.Context(), id, in.Body)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, post(p))
}
