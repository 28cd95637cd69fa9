package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestMailSettingsPage: a member chooses on the page how each kind of
// notification arrives; a choice that is not one comes back with the
// error beside its field; an unsubscribe link asks before it stops
// anything; the outbox is for network admins.
func TestMailSettingsPage(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) { mailSettingsPage(t, testutil.NewServer(t, e)) })
	}
}

func mailSettingsPage(t *testing.T, s *testutil.Server) {
	ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
	c := s.Browser(t, ann)
	r := get(t, c, s, "/settings/notifications")
	wantStatus(t, r, http.StatusOK)
	if got, _ := r.Doc.Find(`#f-reply option[selected]`).Attr("value"); got != "email" {
		t.Fatalf("replies by default: %q", got)
	}
	wantRedirect(t, post(t, c, s, "/settings/notifications", url.Values{"reply": {"app"}, "mention": {"off"}}), "/settings/notifications")
	settings, err := s.DB.MailSettings(testutil.As(ann))
	if err != nil || settings.Delivery[sharefair.NotifyReply] != sharefair.DeliverApp || settings.Delivery[sharefair.NotifyMention] != sharefair.DeliverOff {
		t.Fatalf("saved: %+v, %v", settings, err)
	}
	r = post(t, c, s, "/settings/notifications", url.Values{"reply": {"pigeon"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.Doc.Find(`#f-reply-error`).Length() != 1 {
		t.Fatalf("no error beside the field: %s", r.Body)
	}

	token, err := s.DB.UnsubscribeToken(testutil.Operator(), ann.ID, sharefair.NotifyInvitation)
	if err != nil {
		t.Fatal(err)
	}
	anon := s.Browser(t, nil)
	r = get(t, anon, s, "/unsubscribe/"+token)
	wantStatus(t, r, http.StatusOK)
	if settings, _ := s.DB.MailSettings(testutil.As(ann)); settings.Delivery[sharefair.NotifyInvitation] != sharefair.DeliverEmail {
		t.Fatal("following the link unsubscribed")
	}
	r = post(t, anon, s, "/unsubscribe/"+token, nil)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "Invitations to hubs") {
		t.Errorf("the page does not say what stopped: %s", r.Body)
	}
	if settings, _ := s.DB.MailSettings(testutil.As(ann)); settings.Delivery[sharefair.NotifyInvitation] != sharefair.DeliverApp {
		t.Fatal("the button did not unsubscribe")
	}
	wantStatus(t, get(t, anon, s, "/unsubscribe/x.y"), http.StatusOK) // the form names nothing
	wantStatus(t, post(t, anon, s, "/unsubscribe/x.y", nil), http.StatusNotFound)

	// Changing the address: the password is asked for, beside its field.
	r = post(t, c, s, "/settings/email", url.Values{"email": {"ann@new.example"}, "email_password": {"not it"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.Doc.Find(`#f-email_password-error`).Length() != 1 {
		t.Fatalf("no error beside the password: %s", r.Body)
	}
	wantRedirect(t, post(t, c, s, "/settings/email", url.Values{"email": {"ann@new.example"},
		"email_password": {"correct horse battery"}}), "/settings/security")
	wantStatus(t, get(t, anon, s, "/email/not-a-token"), http.StatusOK)
	wantStatus(t, post(t, anon, s, "/email/not-a-token", nil), http.StatusNotFound)

	wantStatus(t, get(t, c, s, "/admin/outbox"), http.StatusForbidden)
	wantStatus(t, get(t, s.Browser(t, s.Admin), s, "/admin/outbox"), http.StatusOK)
}
