package mail_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jhillyerd/enmime/v2"

	"github.com/sharefair/sharefair/internal/smtptest"
	"github.com/sharefair/sharefair/mail"
)

func relay(s *smtptest.Server) mail.SMTP {
	return mail.SMTP{Config: mail.Config{Host: s.Host, Port: s.Port, TLS: mail.TLSNone, From: "Sharefair <network@example.org>"}}
}

// parse reads a message with a MIME parser other than the one that wrote
// it.
func parse(t *testing.T, m smtptest.Message) *enmime.Envelope {
	t.Helper()
	env, err := enmime.ReadEnvelope(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, m.Data)
	}
	if len(env.Errors) > 0 {
		t.Fatalf("parse: %v\n%s", env.Errors, m.Data)
	}
	return env
}

// TestSend sends a message over a real SMTP connection and reads it back
// with another parser: both parts, the threading and list headers, the
// return path, and the date in the recipient's time zone.
func TestSend(t *testing.T) {
	s := smtptest.Start(t)
	nairobi, _ := time.LoadLocation("Africa/Nairobi")
	m := &mail.Message{FromName: "Knowledge Hubs", To: "amina@example.org", ToName: "Amina Odhiambo",
		ReturnPath: "bounces+42.abc@example.org",
		Subject:    "[Knowledge Hubs] Récolte : ce que nous avons appris à Dakar", Text: "Plain words.\n", HTML: "<p>Plain <b>words</b>.</p>",
		MessageID: "sf.o42@example.org", InReplyTo: "sf.t7@example.org", References: []string{"sf.t7@example.org"},
		Date: time.Date(2026, 12, 4, 9, 30, 0, 0, nairobi), ListName: "Dakar hub", ListID: "dakar.example.org",
		Unsubscribe: "https://example.org/unsubscribe/tok"}
	if err := relay(s).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := s.Wait(t, 1)[0]
	if got.From != "bounces+42.abc@example.org" || len(got.To) != 1 || got.To[0] != "amina@example.org" {
		t.Fatalf("envelope: from %q to %v", got.From, got.To)
	}
	env := parse(t, got)
	for h, want := range map[string]string{
		"Subject":               m.Subject,
		"Message-Id":            "<sf.o42@example.org>",
		"In-Reply-To":           "<sf.t7@example.org>",
		"References":            "<sf.t7@example.org>",
		"List-Id":               `"Dakar hub" <dakar.example.org>`,
		"List-Unsubscribe":      "<https://example.org/unsubscribe/tok>",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"Auto-Submitted":        "auto-generated",
		"From":                  `"Knowledge Hubs" <network@example.org>`,
	} {
		if v := env.GetHeader(h); v != want {
			t.Errorf("%s = %q, want %q", h, v, want)
		}
	}
	if !strings.HasPrefix(env.Text, "Plain words.") || !strings.Contains(env.HTML, "<b>words</b>") {
		t.Errorf("parts: text %q, html %q", env.Text, env.HTML)
	}
	if d, err := env.Date(); err != nil || !d.Equal(m.Date) || !strings.Contains(got.Header("Date"), "+0300") {
		t.Errorf("date %q = %v, %v; want %v in the recipient's zone", got.Header("Date"), d, err, m.Date)
	}
}

// TestHeadersHoldNoInjection: words a member wrote (a title, a name) can
// neither add a header nor alter one: line breaks are taken out, and an
// encoded word they typed is sent encoded, to be shown as typed.
func TestHeadersHoldNoInjection(t *testing.T) {
	s := smtptest.Start(t)
	attacks := []struct{ subject, name string }{
		{"Harvest\r\nBcc: eve@evil.example", "Ann\r\nBcc: eve@evil.example"},
		{"Harvest\nX-Injected: yes", "Ann\nX-Injected: yes"},
		{"Harvest\rX-Injected: yes", "Ann\u2028X-Injected: yes"},
		{"=?UTF-8?B?UGFzc3dvcmQgcmVzZXQ=?=", "=?UTF-8?Q?Your_bank?="},
		{"Plain =?iso-8859-1?q?=E9t=E9?= words", "Bob"},
		{"Ünïcödé " + strings.Repeat("long title with accents é ", 8), "Zoë"},
	}
	for i, a := range attacks {
		m := &mail.Message{FromName: a.name, To: "amina@example.org", ToName: a.name, Subject: a.subject,
			Text: "Body", MessageID: "sf.o" + string(rune('a'+i)) + "@example.org"}
		if err := relay(s).Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		got := s.Wait(t, i+1)[i]
		if len(got.To) != 1 || got.To[0] != "amina@example.org" {
			t.Errorf("%q: sent to %v", a.subject, got.To)
		}
		head, _, _ := strings.Cut(string(got.Data), "\r\n\r\n")
		for _, bad := range []string{"\r\nBcc:", "\r\nX-Injected:"} {
			if strings.Contains(head, bad) {
				t.Errorf("%q: the headers hold %q:\n%s", a.subject, bad, head)
			}
		}
		env := parse(t, got)
		if want := mail.Header(a.subject); env.GetHeader("Subject") != want {
			t.Errorf("subject %q reads %q, want %q", a.subject, env.GetHeader("Subject"), want)
		}
		from, err := env.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Name != mail.Header(a.name) || from[0].Address != "network@example.org" {
			t.Errorf("from name %q reads %+v (%v)", a.name, from, err)
		}
	}
	// Ids and addresses that would break out of their brackets are refused.
	for _, m := range []*mail.Message{
		{To: "amina@example.org", Subject: "x", Text: "x", MessageID: "a>\r\nBcc: eve@evil.example<b@example.org"},
		{To: "amina@example.org", Subject: "x", Text: "x", MessageID: "ok@example.org", References: []string{"x@y> <z"}},
		{To: "amina@example.org\r\nBcc: eve@evil.example", Subject: "x", Text: "x", MessageID: "ok@example.org"},
	} {
		if err := relay(s).Send(context.Background(), m); err == nil {
			t.Errorf("sent %+v", m)
		}
	}
}

// TestRejected: a recipient the relay refuses for good is told apart
// from a relay that cannot be reached, which is worth trying again.
func TestRejected(t *testing.T) {
	s := smtptest.Start(t)
	s.Reject = func(to string) bool { return strings.HasPrefix(to, "gone@") }
	m := &mail.Message{To: "gone@example.org", Subject: "x", Text: "x", MessageID: "sf.o1@example.org"}
	if err := relay(s).Send(context.Background(), m); !errors.Is(err, mail.ErrRejected) {
		t.Fatalf("a refused recipient = %v, want ErrRejected", err)
	}
	s.Reject = nil
	s.RefuseData = func() bool { return true }
	m.To = "fine@example.org"
	if err := relay(s).Send(context.Background(), m); !errors.Is(err, mail.ErrRefused) || errors.Is(err, mail.ErrRejected) {
		t.Fatalf("a refused message = %v, want ErrRefused, not the address's fault", err)
	}
	down := mail.SMTP{Config: mail.Config{Host: "127.0.0.1", Port: 1, TLS: mail.TLSNone, From: "n@example.org", Timeout: time.Second}}
	if err := down.Send(context.Background(), m); err == nil || errors.Is(err, mail.ErrRejected) {
		t.Fatalf("an unreachable relay = %v, want an error to retry", err)
	}
}
