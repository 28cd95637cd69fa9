package api

import (
	"net/http"

	"github.com/sharefair/sharefair"
)

// setupStatusJSON says whether the network still needs setting up.
type setupStatusJSON struct {
	SetUp bool `json:"set_up" description:"Whether the network has been set up; POST /setup works only while it has not."`
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
	Code               string `json:"code" required:"true" description:"The one-time code printed in Sharefair's log."`
	NetworkName        string `json:"network_name" required:"true"`
	NetworkDescription string `json:"network_description" description:"Shown to members and on the sign-in page."`
	TimeZone           string `json:"time_zone" description:"An IANA time zone name; UTC when absent."`
	Email              string `json:"email" required:"true"`
	Handle             string `json:"handle" required:"true"`
	Name               string `json:"name" required:"true"`
	Password           string `json:"password" required:"true"`
}

func (h *Handler) postSetup(w http.ResponseWriter, r *http.Request, in setupJSON) error {
	m, err := h.svcs.Network.Setup(r.Context(), sharefair.Setup{Code: in.Code, NetworkName: in.NetworkName,
		NetworkDescription: in.NetworkDescription, TimeZone: in.TimeZone, Email: in.Email, Handle: in.Handle, Name: in.Name, Password: in.Password})
	if err != nil {
		return err
	}
	return h.renderNewMember(w, r, m, "Created at setup")
}
