package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	ttemplate "text/template"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/jobs"
	"github.com/sharefair/sharefair/mail"
	"github.com/sharefair/sharefair/store"
)

// mailer writes the outbox's messages when they are sent, from what they
// point to as their recipient may see it then, and sends them.
type mailer struct {
	db     *store.DB
	sender mail.Sender
	cfg    mail.Config
	base   *url.URL
}

// maxMailPosts is the most posts one message quotes; the rest are a link.
const maxMailPosts = 10

// send sends the outbox message job j names. A message already sent or
// dropped is done; one whose relay refuses its address for good counts a
// bounce; any other failure is retried, and the message is written anew
// then, with the same Message-ID, so that a crash mid-send sends it at
// most once more, as the same message.
func (m *mailer) send(ctx context.Context, j jobs.Job) error {
	id, err := strconv.ParseInt(j.Payload, 10, 64)
	if err != nil {
		return fmt.Errorf("mail: outbox %q: %w", j.Payload, jobs.ErrPermanent)
	}
	o, err := m.db.Outgoing(ctx, id)
	if sharefair.ErrorCode(err) == sharefair.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if o.State != "queued" {
		return nil
	}
	if o.Unwanted {
		return m.db.MailDropped(ctx, id, "Its recipient no longer takes these by email.")
	}
	if o.Stopped && o.Kind != "email_change" { // which goes to a new address
		return m.db.MailDropped(ctx, id, "Mail to this address has stopped: it bounced, or its member may no longer take part.")
	}
	msg, upTo, reason, err := m.write(ctx, o)
	if err != nil {
		return err
	}
	if msg == nil {
		return m.db.MailDropped(ctx, id, reason)
	}
	switch err := m.sender.Send(ctx, msg); {
	case errors.Is(err, mail.ErrRejected) && o.Kind != "email_change":
		return m.db.MailBounced(ctx, id)
	case errors.Is(err, mail.ErrRejected), errors.Is(err, mail.ErrRefused):
		// A new address mistyped, or the message refused for what it
		// is: neither is the member's address's fault.
		return m.db.MailFailed(ctx, id, "The mail relay refused it.")
	case err != nil && j.Attempt >= j.MaxAttempts:
		if ferr := m.db.MailFailed(ctx, id, "The mail relay could not take it, after every try."); ferr != nil {
			return ferr
		}
		return err
	case err != nil:
		return err
	}
	return m.db.MailSent(ctx, id, o.NotificationID, upTo)
}

// host is the network's host name, without a port: message ids and list
// ids are made from it.
func (m *mailer) host() string { return m.base.Hostname() }

// messageID is the id of outbox message id: the same every time it is
// written.
func (m *mailer) messageID(id int64) string {
	return "sharefair.o" + strconv.FormatInt(id, 10) + "@" + m.host()
}

// threadRoot is the id every message about thread id refers to, so that
// mail clients keep a thread's messages together.
func (m *mailer) threadRoot(id int64) string {
	return "sharefair.t" + strconv.FormatInt(id, 10) + "@" + m.host()
}

// returnPath is the envelope sender of outbox message id: the From
// address with the message's number in its local part, so that a bounce
// says which message bounced.
func (m *mailer) returnPath(id int64) string {
	from := m.cfg.FromAddress().Address
	local, domain, ok := strings.Cut(from, "@")
	if !ok {
		return from
	}
	return local + "+b" + strconv.FormatInt(id, 10) + "@" + domain
}

// write writes outbox message o as its recipient may be told it now. It
// returns no message, and why, when there is nothing left to tell (the
// notification was read, or what it told of withdrawn or hidden).
func (m *mailer) write(ctx context.Context, o *store.Outgoing) (*mail.Message, int64, string, error) {
	network, err := m.db.Network(ctx)
	if err != nil {
		return nil, 0, "", err
	}
	msg := &mail.Message{FromName: network.Name, To: o.Address, ReturnPath: m.returnPath(o.ID), MessageID: m.messageID(o.ID),
		ListName: network.Name, ListID: m.host(), Date: m.db.Now.Now()}
	switch o.Kind {
	case "test":
		msg.Subject = "[" + network.Name + "] A test message"
		msg.Text = "This is a test message from " + network.Name + " at " + m.base.String() + ". Mail reaches this address.\n"
		return msg, 0, "", nil
	case "password_reset":
		if o.Member == nil {
			return nil, 0, "Its recipient is gone.", nil
		}
		secret, err := m.db.PasswordResetMail(ctx, o.ID)
		if sharefair.ErrorCode(err) == sharefair.ENOTFOUND {
			return nil, 0, "The account may no longer sign in.", nil
		} else if err != nil {
			return nil, 0, "", err
		}
		msg.ToName, msg.ListID = o.Member.Name, ""
		msg.Subject = "[" + network.Name + "] Choose a new password"
		link := m.abs("/reset/" + secret)
		msg.Text = "Someone, we hope you, asked to choose a new password for " + o.Member.Email + " on " + network.Name + ".\n\n" +
			"Choose it here; the link works once, for 24 hours, and signs you out everywhere else:\n" + link + "\n\n" +
			"If you did not ask, ignore this message: your password stays as it is.\n"
		msg.HTML = "<p>Someone, we hope you, asked to choose a new password for " + template.HTMLEscapeString(o.Member.Email) + " on " +
			template.HTMLEscapeString(network.Name) + ".</p><p><a href=\"" + template.HTMLEscapeString(link) + "\">Choose a new password</a> " +
			"(the link works once, for 24 hours, and signs you out everywhere else).</p><p>If you did not ask, ignore this message: your password stays as it is.</p>"
		return msg, 0, "", nil
	case "invitation":
		inv, secret, err := m.db.InvitationMail(ctx, o.ID)
		if sharefair.ErrorCode(err) == sharefair.ENOTFOUND {
			return nil, 0, "The invitation was accepted, revoked or expired first, or its address is a member's now.", nil
		} else if err != nil {
			return nil, 0, "", err
		}
		msg.ToName, msg.ListID = inv.Name, ""
		where := network.Name
		if inv.Hub != nil {
			where = "the " + inv.Hub.Name + " hub of " + network.Name
		}
		msg.Subject = "[" + network.Name + "] " + inv.InvitedBy.Name + " invites you to " + where
		v := invitationView{By: inv.InvitedBy.Name, Where: where, Message: inv.Message, Link: m.abs("/join/" + secret),
			Until: inv.ExpiresAt.Format("2 January 2006")}
		if err := writeParts(msg, invitationText, invitationHTML, v); err != nil {
			return nil, 0, "", err
		}
		return msg, 0, "", nil
	case "email_change":
		if o.Member == nil {
			return nil, 0, "Its member is gone.", nil
		}
		secret, err := m.db.EmailChangeMail(ctx, o.ID)
		if err != nil {
			return nil, 0, "", err
		}
		// To the new address: who may read mail there confirms it.
		msg.To, msg.ToName, msg.ListID = o.NewAddress, o.Member.Name, ""
		msg.Subject = "[" + network.Name + "] Confirm your new email address"
		if err := writeParts(msg, emailChangeText, emailChangeHTML, emailChangeView{Network: network.Name,
			Link: m.abs("/email/" + secret)}); err != nil {
			return nil, 0, "", err
		}
		return msg, 0, "", nil
	case "notification":
	default:
		return nil, 0, "Sharefair does not know this kind of message.", nil
	}
	if o.Member == nil {
		return nil, 0, "Its recipient is gone.", nil
	}
	zone := o.Member.TimeZone
	if zone == "" {
		zone = network.TimeZone
	}
	if loc, err := time.LoadLocation(zone); err == nil {
		msg.Date = msg.Date.In(loc)
	}
	msg.ToName = o.Member.Name
	as := sharefair.NewContextWithViewer(ctx, o.Member)
	n, posts, upTo, told, err := m.db.NotificationMail(as, o.NotificationID, maxMailPosts)
	if sharefair.ErrorCode(err) == sharefair.ENOTFOUND {
		return nil, 0, "What it told of is no longer there for its recipient.", nil
	} else if err != nil {
		return nil, 0, "", err
	}
	if n.Read {
		return nil, 0, "Its recipient read it in Sharefair first.", nil
	}
	if (n.Kind == sharefair.NotifyReply || n.Kind == sharefair.NotifyMention) && len(posts) == 0 {
		return nil, 0, "What it told of is no longer there for its recipient.", nil
	}
	unsubscribe, err := m.db.UnsubscribeToken(ctx, o.Member.ID, n.Kind)
	if err != nil {
		return nil, 0, "", err
	}
	msg.Unsubscribe = m.abs("/unsubscribe/" + unsubscribe)
	if n.Thread != nil {
		msg.Subject = "[" + network.Name + "] " + n.Thread.Title
		msg.InReplyTo = m.threadRoot(n.Thread.ID)
		msg.References = []string{msg.InReplyTo}
		if t, err := m.db.FindThreadByID(as, n.Thread.ID); err == nil {
			switch {
			case t.Audience.Hub != nil:
				msg.ListName, msg.ListID = t.Audience.Hub.Name+" hub", t.Audience.Hub.Slug+".hubs."+m.host()
			case t.Audience.Circle != nil:
				msg.ListName, msg.ListID = t.Audience.Circle.Name+" circle", t.Audience.Circle.Key+".circles."+m.host()
			}
		}
	}
	if n.Kind == sharefair.NotifyReply {
		// What this message tells of: the replies since the last one.
		if n.Replies = told; told != 1 {
			n.Actor = nil
		} else if posts[0].Author != nil {
			n.Actor = posts[0].Author
		} else {
			n.Actor = nil
		}
	}
	v := mailView{Network: network.Name, Lead: mailLead(n), Posts: mailPosts(posts, msg.Date.Location(), m.abs("")),
		Link: m.abs(mailLink(n)), Settings: m.abs("/settings/notifications"), Unsubscribe: msg.Unsubscribe,
		Why: mailWhy(n), More: told - len(posts)}
	if n.Kind != sharefair.NotifyReply {
		v.More = 0
	}
	if msg.Subject == "" {
		msg.Subject = "[" + network.Name + "] " + v.Lead
	}
	if err := writeParts(msg, mailText, mailHTML, v); err != nil {
		return nil, 0, "", err
	}
	return msg, upTo, "", nil
}

// writeParts writes msg's two parts from v.
func writeParts(msg *mail.Message, text *ttemplate.Template, html *template.Template, v any) error {
	var t, h bytes.Buffer
	if err := text.Execute(&t, v); err != nil {
		return err
	}
	if err := html.Execute(&h, v); err != nil {
		return err
	}
	msg.Text, msg.HTML = t.String(), h.String()
	return nil
}

func (m *mailer) abs(path string) string { return strings.TrimSuffix(m.base.String(), "/") + path }

// mailView is what a notification's message says.
type mailView struct {
	Network     string
	Lead        string // what happened, in a line
	Posts       []mailPost
	More        int // replies it does not quote
	Link        string
	Why         string // why the recipient is told
	Settings    string
	Unsubscribe string
}

// mailPost is one post as a message quotes it.
type mailPost struct {
	By   string // the author as the recipient may know them
	When string
	Text string        // the Markdown the author wrote
	HTML template.HTML // its sanitised rendering, made on write
}

func mailPosts(posts []*sharefair.Post, loc *time.Location, base string) []mailPost {
	out := make([]mailPost, 0, len(posts))
	// A mail client has no page to resolve a link against: the post's
	// own links (mentions, its images) are made absolute.
	abs := strings.NewReplacer(`href="/`, `href="`+base+`/`, `src="/`, `src="`+base+`/`)
	for _, p := range posts {
		mp := mailPost{Text: p.Source, HTML: template.HTML(abs.Replace(p.HTML))} //nolint:gosec // sanitised on write
		switch {
		case p.Author != nil:
			mp.By = p.Author.Name
		case p.Pseudonym > 0:
			mp.By = "Participant " + strconv.Itoa(p.Pseudonym)
		default:
			mp.By = "Someone, anonymously"
		}
		if p.Author != nil {
			mp.When = p.CreatedAt.In(loc).Format("2 Jan 2006, 15:04 MST")
		} else {
			mp.When = p.CreatedAt.Format("2 Jan 2006") // the day alone
		}
		out = append(out, mp)
	}
	return out
}

// mailLead says in a line what a notification tells of, naming only whom
// the recipient may know.
func mailLead(n *sharefair.Notification) string {
	who := "Someone"
	if n.Actor != nil {
		who = n.Actor.Name
	}
	where := ""
	switch {
	case n.Thread != nil:
		where = "“" + n.Thread.Title + "”"
	case n.Hub != nil:
		where = "the " + n.Hub.Name + " hub"
	case n.Circle != nil:
		where = "the " + n.Circle.Name + " circle"
	}
	switch n.Kind {
	case sharefair.NotifyReply:
		if n.Replies > 1 {
			return strconv.Itoa(n.Replies) + " new replies in " + where
		}
		if n.Actor == nil {
			return "A new reply in " + where
		}
		return who + " replied in " + where
	case sharefair.NotifyMention:
		return who + " mentioned you in " + where
	case sharefair.NotifyInvitation, sharefair.NotifyCircleInvitation:
		return who + " invited you to " + where
	case sharefair.NotifyPostHidden:
		return "A moderator hid your post in " + where
	case sharefair.NotifyPostRestored:
		return "A moderator showed your post again in " + where
	}
	return "News from " + where
}

// mailLink is the page a notification's message leads to.
func mailLink(n *sharefair.Notification) string {
	switch {
	case n.Kind == sharefair.NotifyReply && n.Thread != nil:
		return "/threads/" + strconv.FormatInt(n.Thread.ID, 10)
	case n.PostID != 0:
		return "/posts/" + strconv.FormatInt(n.PostID, 10)
	case n.Hub != nil:
		return "/hubs/" + n.Hub.Slug
	case n.Circle != nil:
		return "/circles/" + n.Circle.Key
	}
	return "/notifications"
}

// mailWhy says why the recipient is told.
func mailWhy(n *sharefair.Notification) string {
	switch n.Kind {
	case sharefair.NotifyReply:
		return "You get this because you take part in this discussion or follow it."
	case sharefair.NotifyMention:
		return "You get this because someone mentioned you."
	case sharefair.NotifyPostHidden, sharefair.NotifyPostRestored:
		return "You get this because it is about your post."
	}
	return "You get this because you were invited."
}

var mailText = ttemplate.Must(ttemplate.New("text").Parse(`{{.Lead}}
{{range .Posts}}
{{.By}} · {{.When}}

{{.Text}}

---
{{end}}{{if gt .More 0}}
And {{.More}} more: read them in the discussion.
{{end}}
{{.Link}}

{{.Why}}
Choose what reaches you by email: {{.Settings}}
Stop these emails: {{.Unsubscribe}}
`))

var mailHTML = template.Must(template.New("html").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1d21;max-width:40rem">
<p><strong>{{.Lead}}</strong></p>
{{range .Posts}}<div style="border-left:3px solid #d9dee5;padding-left:12px;margin:16px 0">
<p style="color:#525a63;margin:0 0 4px">{{.By}} · {{.When}}</p>
{{.HTML}}
</div>
{{end}}{{if gt .More 0}}<p>And {{.More}} more: read them in the discussion.</p>
{{end}}<p><a href="{{.Link}}">Open in {{.Network}}</a></p>
<p style="color:#525a63;font-size:14px">{{.Why}} <a href="{{.Settings}}">Choose what reaches you by email</a> · <a href="{{.Unsubscribe}}">Stop these emails</a></p>
</body></html>
`))

// invitationView is what an invitation's message says.
type invitationView struct {
	By, Where, Message, Link, Until string
}

var invitationText = ttemplate.Must(ttemplate.New("invitation").Parse(`{{.By}} invites you to {{.Where}}.
{{if .Message}}
"{{.Message}}"
{{end}}
Accept here, until {{.Until}}:
{{.Link}}

If you do not know {{.By}}, ignore this message: nothing happens unless you follow the link.
`))

var invitationHTML = template.Must(template.New("invitation").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1d21;max-width:40rem">
<p><strong>{{.By}} invites you to {{.Where}}.</strong></p>
{{if .Message}}<blockquote style="border-left:3px solid #d9dee5;padding-left:12px;margin:16px 0">{{.Message}}</blockquote>{{end}}
<p><a href="{{.Link}}">Accept the invitation</a> (until {{.Until}})</p>
<p style="color:#525a63;font-size:14px">If you do not know {{.By}}, ignore this message: nothing happens unless you follow the link.</p>
</body></html>
`))

// emailChangeView is what the message confirming a new address says.
type emailChangeView struct{ Network, Link string }

var emailChangeText = ttemplate.Must(ttemplate.New("email").Parse(`You asked to use this address for {{.Network}}.

Confirm it here; the link works once, for 24 hours:
{{.Link}}

If you did not ask, ignore this message: nothing changes.
`))

var emailChangeHTML = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1d21;max-width:40rem">
<p>You asked to use this address for {{.Network}}.</p>
<p><a href="{{.Link}}">Confirm your new address</a> (the link works once, for 24 hours).</p>
<p style="color:#525a63;font-size:14px">If you did not ask, ignore this message: nothing changes.</p>
</body></html>
`))
