package app_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jhillyerd/enmime/v2"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/internal/smtptest"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/mail"
	"github.com/sharefair/sharefair/store"
)

// mailServer starts Sharefair with its mail going to an SMTP server in
// the test, on loopback.
func mailServer(t testing.TB, e testutil.Engine, sender func(mail.SMTP) mail.Sender) (*testutil.Server, *smtptest.Server) {
	t.Helper()
	relay := smtptest.Start(t)
	s := testutil.NewServer(t, e, testutil.WithConfig(func(c *app.Config) {
		c.Mail = mail.Config{Host: relay.Host, Port: relay.Port, TLS: mail.TLSNone, From: "Knowledge Hubs <hubs@example.org>"}
		if sender != nil {
			c.MailSender = sender(mail.SMTP{Config: c.Mail})
		}
	}))
	return s, relay
}

// sendMail runs the jobs due now, then those due once the mail delay has
// passed: what the relay then holds is what was sent.
func sendMail(t *testing.T, s *testutil.Server) {
	t.Helper()
	s.RunJobs(t)
	s.Clock.Advance(store.MailDelay + time.Second)
	s.RunJobs(t)
}

func parseMail(t *testing.T, m smtptest.Message) *enmime.Envelope {
	t.Helper()
	env, err := enmime.ReadEnvelope(bytes.NewReader(m.Data))
	if err != nil || len(env.Errors) > 0 {
		t.Fatalf("parse: %v %v\n%s", err, env.Errors, m.Data)
	}
	return env
}

// TestMailOfReplies: a thread's replies reach its author by email, a
// few minutes after, together; threaded by References across the chain;
// an anonymous author is named nowhere in the message; a reply withdrawn
// before its mail went is not sent; one-click unsubscribe stops them.
func TestMailOfReplies(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s, relay := mailServer(t, e, nil)
			ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			cyd := testutil.MustCreateMember(t, s.DB, "cyd", sharefair.RoleMember)
			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			for _, m := range []*sharefair.Member{ann, bob, cyd} {
				testutil.MustJoin(t, s.DB, m, rome)
			}
			th := testutil.MustCreateThread(t, s.DB, ann, rome, "Harvest from Dakar", "What did we learn?")
			reply := func(m *sharefair.Member, body string, attr sharefair.Attribution) *sharefair.Post {
				t.Helper()
				p, err := s.DB.WritePost(testutil.As(m), th.ID, sharefair.NewPost{Body: body, Attribution: attr})
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			reply(bob, "We learned to **pair** newcomers.", sharefair.AttributionNamed)
			s.RunJobs(t)
			if n := len(relay.Messages()); n != 0 {
				t.Fatalf("%d messages before the delay", n)
			}
			sendMail(t, s)
			msgs := relay.Wait(t, 1)
			first := parseMail(t, msgs[0])
			if msgs[0].To[0] != ann.Email || !strings.HasPrefix(msgs[0].From, "hubs+b") {
				t.Fatalf("envelope: to %v, from %q", msgs[0].To, msgs[0].From)
			}
			root := first.GetHeader("References")
			for h, want := range map[string]string{"Subject": "[Sharefair] Harvest from Dakar", "In-Reply-To": root,
				"List-Id": `"Rome hub" <rome.hubs.127.0.0.1>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"} {
				if got := first.GetHeader(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
			if root == "" || !strings.Contains(first.Text, "pair** newcomers") || !strings.Contains(first.Text, "Member bob") ||
				!strings.Contains(first.HTML, "<strong>pair</strong>") {
				t.Fatalf("the first message: refs %q, text %q, html %q", root, first.Text, first.HTML)
			}

			// Two more replies, one anonymous: one message, after the
			// first in the chain, naming only bob.
			reply(cyd, "Unsigned: our hub tried it too.", sharefair.AttributionAnonymous)
			reply(bob, "And we meet in pairs after.", sharefair.AttributionNamed)
			sendMail(t, s)
			// To ann, and to cyd (of bob's reply); bob, who replied after
			// cyd, had read hers, and is not mailed it.
			msgs = relay.Wait(t, 3)
			var second *enmime.Envelope
			for _, m := range msgs[1:] {
				switch m.To[0] {
				case ann.Email:
					second = parseMail(t, m)
				case bob.Email:
					if strings.Contains(string(m.Data), "meet in pairs") {
						t.Errorf("bob was mailed his own reply")
					}
				}
				if m.To[0] == cyd.Email {
					continue
				}
				env := parseMail(t, m)
				for _, leak := range []string{cyd.Name, cyd.Handle + "@", cyd.Email, "/members/" + cyd.Handle} {
					if bytes.Contains(m.Data, []byte(leak)) || strings.Contains(env.Text+env.HTML, leak) {
						t.Errorf("the message to %v names the anonymous author (%q)", m.To, leak)
					}
				}
			}
			if second == nil {
				t.Fatalf("no second message to ann")
			}
			if second.GetHeader("References") != root || second.GetHeader("In-Reply-To") != root ||
				second.GetHeader("Message-Id") == first.GetHeader("Message-Id") || second.GetHeader("Subject") != first.GetHeader("Subject") {
				t.Errorf("threading: refs %q / %q, ids %q / %q", second.GetHeader("References"), root,
					second.GetHeader("Message-Id"), first.GetHeader("Message-Id"))
			}
			if !strings.Contains(second.Text, "Someone, anonymously") || !strings.Contains(second.Text, "meet in pairs") ||
				strings.Contains(second.Text, "We learned") {
				t.Errorf("the second message: %q", second.Text)
			}

			// Withdrawn before its mail went: not sent.
			before := len(relay.Messages())
			late := reply(bob, "Words I take back.", sharefair.AttributionNamed)
			s.RunJobs(t)
			if _, err := s.DB.WithdrawPost(testutil.As(bob), late.ID); err != nil {
				t.Fatal(err)
			}
			sendMail(t, s)
			for _, m := range relay.Messages()[before:] {
				if strings.Contains(string(m.Data), "take back") {
					t.Fatalf("a withdrawn reply was mailed to %v", m.To)
				}
			}
			items, _, err := s.DB.Outbox(testutil.As(s.Admin), sharefair.Page{})
			if err != nil {
				t.Fatal(err)
			}
			dropped := 0
			for _, it := range items {
				if it.State == "dropped" {
					dropped++
				}
				if strings.Contains(it.Reason, "take back") {
					t.Errorf("the outbox tells what a message said: %q", it.Reason)
				}
			}
			if dropped == 0 {
				t.Errorf("no message dropped after the withdrawal: %+v", items)
			}

			// One-click unsubscribe, as a mail provider posts it: no
			// session, no form token.
			unsub := first.GetHeader("List-Unsubscribe")
			u, err := url.Parse(strings.Trim(unsub, "<>"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := http.Post(s.URL+u.Path, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("one-click unsubscribe = %d", res.StatusCode)
			}
			settings, err := s.DB.MailSettings(testutil.As(ann))
			if err != nil || settings.Delivery[sharefair.NotifyReply] != sharefair.DeliverApp {
				t.Fatalf("after unsubscribing: %+v, %v", settings, err)
			}
			before = len(relay.Messages())
			reply(bob, "After she unsubscribed.", sharefair.AttributionNamed)
			sendMail(t, s)
			for _, m := range relay.Messages()[before:] {
				if m.To[0] == ann.Email {
					t.Fatalf("ann was mailed after unsubscribing")
				}
			}
			token := u.Path[len("/unsubscribe/"):]
			flip := map[bool]string{true: "B", false: "A"}[strings.HasSuffix(token, "A")]
			forged, err := http.Post(s.URL+"/unsubscribe/"+token[:len(token)-1]+flip,
				"application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
			if err != nil {
				t.Fatal(err)
			}
			forged.Body.Close()
			if forged.StatusCode != http.StatusNotFound {
				t.Fatalf("a forged unsubscribe link = %d, want 404", forged.StatusCode)
			}
		})
	}
}

// crashingSender sends, then answers an error once: a crash after the
// relay took the message and before Sharefair recorded it.
type crashingSender struct {
	mail.SMTP
	crashed atomic.Bool
}

func (c *crashingSender) Send(ctx context.Context, m *mail.Message) error {
	if err := c.SMTP.Send(ctx, m); err != nil {
		return err
	}
	if c.crashed.CompareAndSwap(false, true) {
		return errors.New("the process stopped")
	}
	return nil
}

// TestMailSentAgainAtMostOnce: a send that fails after the relay took the
// message is tried again, and the message goes once more with the same
// Message-ID; a bounce counts against the address, which stops receiving
// mail at the third and says so in the member's settings.
func TestMailSentAgainAtMostOnce(t *testing.T) {
	s, relay := mailServer(t, testutil.Engines[0], func(smtp mail.SMTP) mail.Sender { return &crashingSender{SMTP: smtp} })
	ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
	bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
	th := testutil.MustCreateThread(t, s.DB, ann, nil, "Stories", "Tell one.")
	if _, err := s.DB.WritePost(testutil.As(bob), th.ID, sharefair.NewPost{Body: "Mine."}); err != nil {
		t.Fatal(err)
	}
	sendMail(t, s)
	s.Clock.Advance(time.Hour)
	s.RunJobs(t)
	msgs := relay.Wait(t, 2)
	if len(msgs) != 2 || parseMail(t, msgs[0]).GetHeader("Message-Id") != parseMail(t, msgs[1]).GetHeader("Message-Id") {
		t.Fatalf("%d messages; ids %q", len(msgs), []string{parseMail(t, msgs[0]).GetHeader("Message-Id")})
	}
	s.Clock.Advance(time.Hour)
	s.RunJobs(t)
	if n := len(relay.Messages()); n != 2 {
		t.Fatalf("sent %d times in all, want 2", n)
	}

	// An address the relay refuses: three bounces stop it.
	relay.Reject = func(to string) bool { return to == ann.Email }
	for i := range sharefair.MaxBounces {
		if _, err := s.DB.WritePost(testutil.As(bob), th.ID, sharefair.NewPost{Body: "Again " + string(rune('a'+i))}); err != nil {
			t.Fatal(err)
		}
		sendMail(t, s)
		if err := s.DB.MarkThreadRead(testutil.As(ann), th.ID, 0); err != nil {
			t.Fatal(err)
		}
	}
	settings, err := s.DB.MailSettings(testutil.As(ann))
	if err != nil || settings.Stopped == nil || settings.Bounces != sharefair.MaxBounces {
		t.Fatalf("after %d bounces: %+v, %v", sharefair.MaxBounces, settings, err)
	}
	relay.Reject = nil
	before := len(relay.Messages())
	if _, err := s.DB.WritePost(testutil.As(bob), th.ID, sharefair.NewPost{Body: "Once stopped."}); err != nil {
		t.Fatal(err)
	}
	sendMail(t, s)
	if n := len(relay.Messages()) - before; n != 0 {
		t.Fatalf("%d messages to a stopped address", n)
	}
	if _, err := s.DB.UpdateMailSettings(testutil.As(ann), sharefair.MailSettingsUpdate{Resume: true}); err != nil {
		t.Fatal(err)
	}
	if settings, _ := s.DB.MailSettings(testutil.As(ann)); settings.Stopped != nil || settings.Bounces != 0 {
		t.Fatalf("resumed: %+v", settings)
	}
}

// TestMailPasswordReset: a member who forgot their password is mailed a
// link, made when the message is sent, that sets a new one; asking again
// at once mails nothing more; an address that is no member's is answered
// the same, and mailed nothing.
func TestMailPasswordReset(t *testing.T) {
	s, relay := mailServer(t, testutil.Engines[0], nil)
	ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
	anon := s.Browser(t, nil)
	ask := func(addr string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/forgot", strings.NewReader(url.Values{"email": {addr}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := anon.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("POST /forgot %s = %d", addr, res.StatusCode)
		}
		return b.String()
	}
	known, unknown := ask(ann.Email), ask("nobody@example.org")
	if known != unknown || !strings.Contains(known, "on its way") {
		t.Fatalf("the answers differ, or say nothing:\n%s\n---\n%s", known, unknown)
	}
	ask(ann.Email)
	s.RunJobs(t)
	msgs := relay.Wait(t, 1)
	if len(msgs) != 1 || msgs[0].To[0] != ann.Email {
		t.Fatalf("%d messages: %+v", len(msgs), msgs)
	}
	env := parseMail(t, msgs[0])
	if env.GetHeader("List-Unsubscribe") != "" || !strings.Contains(env.Text, "/reset/") {
		t.Fatalf("the reset message: %q, unsubscribe %q", env.Text, env.GetHeader("List-Unsubscribe"))
	}
	i := strings.Index(env.Text, "/reset/")
	token := strings.Fields(env.Text[i+len("/reset/"):])[0]
	if err := s.DB.ResetPassword(context.Background(), sharefair.PasswordReset{Token: token, Password: "a brand new password"}); err != nil {
		t.Fatalf("reset with the emailed link: %v", err)
	}
	if _, err := s.DB.Authenticate(context.Background(), ann.Email, "a brand new password"); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
	// A quarter of an hour on, asking mails again.
	s.Clock.Advance(16 * time.Minute)
	ask(ann.Email)
	s.RunJobs(t)
	relay.Wait(t, 2)
}

// TestMailInvitation: an invitation to someone who is no member yet goes
// by email with a link of its own, which accepts it as the inviter's
// link does; a personal message cannot add a header; re-sending mails a
// new link and the mailed one before it no longer works.
func TestMailInvitation(t *testing.T) {
	s, relay := mailServer(t, testutil.Engines[0], nil)
	rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
	inv, _, err := s.DB.CreateInvitation(testutil.As(s.Admin), sharefair.NewInvitation{Email: "new@example.org", Hub: rome.Slug,
		Name: "Nadia =?UTF-8?B?RXZl?=", Message: "Come to our after-work meetups.\r\nBcc: eve@evil.example"})
	if err != nil {
		t.Fatal(err)
	}
	s.RunJobs(t)
	msgs := relay.Wait(t, 1)
	env := parseMail(t, msgs[0])
	head, _, _ := strings.Cut(string(msgs[0].Data), "\r\n\r\n")
	if msgs[0].To[0] != "new@example.org" || len(msgs[0].To) != 1 || strings.Contains(head, "\r\nBcc:") ||
		!strings.Contains(env.GetHeader("Subject"), "the Rome hub") || !strings.Contains(env.Text, "after-work meetups") {
		t.Fatalf("the invitation: to %v\n%s", msgs[0].To, msgs[0].Data)
	}
	if to, err := env.AddressList("To"); err != nil || len(to) != 1 || to[0].Name != mail.Header("Nadia =?UTF-8?B?RXZl?=") {
		t.Errorf("the invitee's name reads %+v (%v)", to, err)
	}
	link := func(text string) string {
		i := strings.Index(text, "/join/")
		return strings.Fields(text[i+len("/join/"):])[0]
	}
	mailed := link(env.Text)
	found, err := s.DB.FindInvitationByToken(context.Background(), mailed)
	if err != nil || found.ID != inv.ID {
		t.Fatalf("the mailed link finds %+v, %v", found, err)
	}
	if _, _, err := s.DB.ResendInvitation(testutil.As(s.Admin), inv.ID); err != nil {
		t.Fatal(err)
	}
	s.RunJobs(t)
	msgs = relay.Wait(t, 2)
	if _, err := s.DB.FindInvitationByToken(context.Background(), mailed); err == nil {
		t.Fatal("the link mailed before the re-send still works")
	}
	again := link(parseMail(t, msgs[1]).Text)
	m, err := s.DB.AcceptInvitation(context.Background(), again, sharefair.Acceptance{Handle: "nadia", Name: "Nadia", Password: "a long enough password"})
	if err != nil || m.Email != "new@example.org" {
		t.Fatalf("accept with the mailed link: %+v, %v", m, err)
	}
}

// TestMailEmailChange: a new address is confirmed from itself: the link
// goes there, and only following it changes the address; it works once;
// an address another account took meanwhile is refused; a wrong password
// asks for nothing.
func TestMailEmailChange(t *testing.T) {
	s, relay := mailServer(t, testutil.Engines[0], nil)
	ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
	err := s.DB.RequestEmailChange(testutil.As(ann), sharefair.EmailChange{Email: "ann@new.example", Current: "wrong password"})
	if sharefair.ErrorFields(err)["current_password"] == "" {
		t.Fatalf("a wrong password = %v", err)
	}
	if err := s.DB.RequestEmailChange(testutil.As(ann), sharefair.EmailChange{Email: "Ann@New.example", Current: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	s.RunJobs(t)
	msgs := relay.Wait(t, 1)
	if msgs[0].To[0] != "ann@new.example" {
		t.Fatalf("the link went to %v", msgs[0].To)
	}
	if m, _ := s.DB.FindMemberByID(testutil.As(ann), ann.ID); m.Email != ann.Email {
		t.Fatalf("the address changed before it was confirmed: %q", m.Email)
	}
	text := parseMail(t, msgs[0]).Text
	token := strings.Fields(text[strings.Index(text, "/email/")+len("/email/"):])[0]
	b := s.Browser(t, nil)
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/email/"+token, nil)
	if res, err := b.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the confirming page: %v %v", res, err)
	}
	if m, _ := s.DB.FindMemberByID(testutil.As(ann), ann.ID); m.Email != ann.Email {
		t.Fatal("opening the link changed the address")
	}
	if err := s.DB.ConfirmEmailChange(context.Background(), token); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.DB.FindMemberByID(testutil.As(ann), ann.ID); m.Email != "ann@new.example" {
		t.Fatalf("confirmed, the address is %q", m.Email)
	}
	if err := s.DB.ConfirmEmailChange(context.Background(), token); sharefair.ErrorCode(err) != sharefair.EINVALID {
		t.Fatalf("the link used twice = %v", err)
	}

	// Taken meanwhile: refused when followed.
	bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
	if err := s.DB.RequestEmailChange(testutil.As(bob), sharefair.EmailChange{Email: "shared@example.org", Current: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	s.RunJobs(t)
	text = parseMail(t, relay.Wait(t, 2)[1]).Text
	token = strings.Fields(text[strings.Index(text, "/email/")+len("/email/"):])[0]
	if _, err := s.DB.CreateMember(testutil.Operator(), sharefair.NewMember{Email: "shared@example.org", Handle: "cyd", Name: "Cyd",
		Password: "correct horse battery", Role: sharefair.RoleMember}); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.ConfirmEmailChange(context.Background(), token); sharefair.ErrorCode(err) != sharefair.EINVALID {
		t.Fatalf("an address taken meanwhile = %v", err)
	}
}

// TestMailLinkSameOnRetry: a message carrying a link, sent again after a
// send that failed once the relay had it, carries the same link under the
// same Message-ID, and the link works.
func TestMailLinkSameOnRetry(t *testing.T) {
	s, relay := mailServer(t, testutil.Engines[0], func(smtp mail.SMTP) mail.Sender { return &crashingSender{SMTP: smtp} })
	ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
	if err := s.DB.RequestPasswordReset(context.Background(), ann.Email); err != nil {
		t.Fatal(err)
	}
	s.RunJobs(t)
	s.Clock.Advance(time.Hour)
	s.RunJobs(t)
	msgs := relay.Wait(t, 2)
	first, second := parseMail(t, msgs[0]), parseMail(t, msgs[1])
	if first.Text != second.Text || first.GetHeader("Message-Id") != second.GetHeader("Message-Id") {
		t.Fatalf("the retry differs:\n%s\n---\n%s", first.Text, second.Text)
	}
	i := strings.Index(first.Text, "/reset/")
	token := strings.Fields(first.Text[i+len("/reset/"):])[0]
	if err := s.DB.ResetPassword(context.Background(), sharefair.PasswordReset{Token: token, Password: "a brand new password"}); err != nil {
		t.Fatalf("the link mailed twice: %v", err)
	}
}

// TestMailUnwantedSinceQueued: mail of a kind its member stopped after it
// was queued is not sent; an old unsubscribe link does not turn a kind
// that is off back on.
func TestMailUnwantedSinceQueued(t *testing.T) {
	s, relay := mailServer(t, testutil.Engines[0], nil)
	ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
	bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
	th := testutil.MustCreateThread(t, s.DB, ann, nil, "Plans", "Any?")
	if _, err := s.DB.WritePost(testutil.As(bob), th.ID, sharefair.NewPost{Body: "One."}); err != nil {
		t.Fatal(err)
	}
	s.RunJobs(t) // queued
	token, err := s.DB.UnsubscribeToken(context.Background(), ann.ID, sharefair.NotifyReply)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Unsubscribe(context.Background(), token); err != nil {
		t.Fatal(err)
	}
	sendMail(t, s)
	if n := len(relay.Messages()); n != 0 {
		t.Fatalf("%d messages after unsubscribing", n)
	}
	if _, err := s.DB.UpdateMailSettings(testutil.As(ann), sharefair.MailSettingsUpdate{
		Delivery: map[sharefair.NotificationKind]sharefair.Delivery{sharefair.NotifyReply: sharefair.DeliverOff}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Unsubscribe(context.Background(), token); err != nil {
		t.Fatal(err)
	}
	if settings, _ := s.DB.MailSettings(testutil.As(ann)); settings.Delivery[sharefair.NotifyReply] != sharefair.DeliverOff {
		t.Fatalf("an old unsubscribe link turned replies back on: %v", settings.Delivery)
	}
}
