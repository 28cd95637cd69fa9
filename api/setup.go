package api

import (
	"net/http"

	"github.com/sharefair/sharefair"
)

// setupStatusJSON says whether the network still needs setting up.
type setupStatusJSON struct {
	SetUp bool `json:"set_up"`
}

func (h *Handler) getSetup(w http.ResponseWriter, r *http.Request) error {
	n, err := h.svcs.Network.Network(r.Context())
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, setupStatusJSON{SetUp: n.SetUp})
}

// setupJSON is the body of POST /setup.
type setupJSON struct {
	Code               string `json:"code"`
	NetworkName        string `json:"network_name"`
	NetworkDescription string `json:"network_description"`
	TimeZone           string `json:"time_zone"`
	Email              string `json:"email"`
	Handle             string `json:"handle"`
	Name               string `json:"name"`
	Password           string `json:"password"`
}

func (h *Handler) postSetup(w http.ResponseWriter, r *http.Request) error {
	var in setupJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := h.svcs.Network.Setup(r.Context(), sharefair.Setup{Code: in.Code, NetworkName: in.NetworkName,
		NetworkDescription: in.NetworkDescription, TimeZone: in.TimeZone, Email: in.Email, Handle: in.Handle, Name: in.Name, Password: in.Password})
	if err != nil {
		return err
	}
	return h.renderNewMember(w, r, m, "Created at setup")
}
