package api

import (
	"net/http"
	"time"

	"github.com/sharefair/sharefair"
)

// healthJSON answers the health check.
type healthJSON struct {
	Status string `json:"status"`
}

// getHealth answers as /healthz does: the process is up. Readiness (the
// database answering) is /readyz.
func (h *Handler) getHealth(w http.ResponseWriter, r *http.Request) error {
	return render(w, http.StatusOK, healthJSON{Status: "ok"})
}

// networkJSON is the network's settings.
type networkJSON struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	TimeZone    string    `json:"time_zone"`
	SetUp       bool      `json:"set_up"`
	CreatedAt   time.Time `json:"created_at"`
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
	TimeZone    *string `json:"time_zone"`
}

func (h *Handler) patchNetwork(w http.ResponseWriter, r *http.Request) error {
	var in networkPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	n, err := h.svcs.Network.UpdateNetwork(r.Context(), sharefair.NetworkUpdate{Name: in.Name,
		Description: in.Description, TimeZone: in.TimeZone})
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, network(n))
}
