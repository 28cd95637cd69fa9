package api

import (
	"net/http"
	"time"

	"github.com/sharefair/sharefair"
)

// healthJSON answers the health check.
type healthJSON struct {
	Status string `json:"status" enum:"ok"`
}

// getHealth answers as /healthz does: the process is up. Readiness (the
// database answering) is /readyz.
func (h *Handler) getHealth(w http.ResponseWriter, r *http.Request) error {
	return render(w, http.StatusOK, healthJSON{Status: "ok"})
}

// networkJSON is the network's settings.
type networkJSON struct {
	Name        string    `json:"name"`
	Description string    `json:"description" description:"Shown to members and on the sign-in page; plain text."`
	TimeZone    string    `json:"time_zone" description:"An IANA time zone name: the zone times are shown in for members who chose none."`
	SetUp       bool      `json:"set_up"`
	CreatedAt   time.Time `json:"created_at" description:"RFC 3339, UTC."`
}

func network(n *sharefair.Network) networkJSON {
	return networkJSON{Name: n.Name, Description: n.Description, TimeZone: n.TimeZone, SetUp: n.SetUp,
		CreatedAt: utc(n.CreatedAt)}
}

func (h *Handler) getNetwork(w http.ResponseWriter, r *http.Request) error {
	n, err := h.svcs.Network.Network(r.Context())
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, network(n))
}

// networkPatch is the body of PATCH /network; fields left out stay as
// they are.
type networkPatch struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	TimeZone    *string `json:"time_zone" description:"An IANA time zone name."`
}

func (h *Handler) patchNetwork(w http.ResponseWriter, r *http.Request, in networkPatch) error {
	n, err := h.svcs.Network.UpdateNetwork(r.Context(), sharefair.NetworkUpdate{Name: in.Name,
		Description: in.Description, TimeZone: in.TimeZone})
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, network(n))
}

// jobCountJSON is one kind of background job, as network admins see it.
type jobCountJSON struct {
	Kind        string     `json:"kind"`
	Ready       int        `json:"ready" description:"Waiting for their time or a worker."`
	Running     int        `json:"running"`
	Done        int        `json:"done" description:"Done in the last week."`
	Failed      int        `json:"failed" description:"Failed after their last try, in the last month."`
	NextDue     *time.Time `json:"next_due"`
	LastError   string     `json:"last_error" description:"The latest failure's message; empty when none."`
	LastErrorAt *time.Time `json:"last_error_at"`
}

func (h *Handler) listJobs(w http.ResponseWriter, r *http.Request, q PageQuery) error {
	page := q.page()
	counts, err := h.svcs.Jobs.JobCounts(r.Context())
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(slicePage(counts, page), func(c sharefair.JobCount) jobCountJSON {
		return jobCountJSON{Kind: c.Kind, Ready: c.Ready, Running: c.Running, Done: c.Done, Failed: c.Failed,
			NextDue: utcPtr(c.NextDue), LastError: c.LastError, LastErrorAt: utcPtr(c.LastErrorAt)}
	}, page, len(counts)))
}
