// Package mail writes and sends Sharefair's email: small messages of a
// plain text part and a light HTML one, threaded by Message-ID,
// In-Reply-To and References, with List-Id and one-click unsubscribe
// (RFC 8058), sent through an SMTP relay (STARTTLS, implicit TLS or
// neither, with or without authentication). No member's words reach a
// header but through Header, which takes out line breaks and encodes
// what a mail client would otherwise read as an encoded word. DKIM
// signing is the relay's.
package mail

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS, required
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no TLS: a relay on the same host or a local mail catcher
)

// Config is how Sharefair reaches its SMTP relay.
type Config struct {
	Host     string // empty: no mail is sent, and the outbox keeps it
	Port     int    // 587 when zero (465 for implicit TLS)
	TLS      string // TLSStartTLS when empty
	Username string // empty: no authentication
	Password string
	// From is the address mail comes from, as "Name <address>" or an
	// address alone.
	From string
	// Timeout bounds one connection's conversation (30 s when zero).
	Timeout time.Duration
}

// Enabled reports whether mail is to be sent.
func (c Config) Enabled() bool { return c.Host != "" }

// Validate checks c.
func (c Config) Validate() error {
	if !c.Enabled() {
		return nil
	}
	switch c.TLS {
	case "", TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return fmt.Errorf("mail: TLS mode %q: want starttls, tls or none", c.TLS)
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("mail: port %d", c.Port)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("mail: from address %q: %w", c.From, err)
	}
	return nil
}

// FromAddress is c.From parsed.
func (c Config) FromAddress() *mail.Address {
	a, err := mail.ParseAddress(c.From)
	if err != nil {
		return &mail.Address{Address: c.From}
	}
	return a
}

// Message is one email to one recipient.
type Message struct {
	FromName string // shown beside the configured From address
	To       string
	ToName   string
	// ReturnPath is the envelope sender, where bounces go; the From
	// address when empty.
	ReturnPath string
	Subject    string
	Text, HTML string
	// MessageID, InReplyTo and References are message ids without the
	// angle brackets.
	MessageID  string
	InReplyTo  string
	References []string
	Date       time.Time // in the recipient's time zone
	// ListID is the list's name and its id ("Rome hub", "rome.example.org").
	ListName, ListID string
	// Unsubscribe is the address that stops this kind of mail: a link,
	// also for one-click unsubscribe by POST (RFC 8058).
	Unsubscribe string
}

// Header makes s fit to stand in a header: line breaks and other control
// characters become spaces, and runs of spaces one; and "=?", which a
// mail client would take for the start of an encoded word, is broken by
// an invisible word joiner, so that what a member typed is shown as typed
// and never decoded into other words, by a client that decodes once or
// one that decodes twice.
func Header(s string) string {
	s = strings.ReplaceAll(s, "=?", "=\u2060?")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// encodeWords encodes s, made fit by Header, as RFC 2047 encoded words
// (base64, UTF-8) when it holds anything but printable ASCII.
func encodeWords(s string) string {
	s = Header(s)
	plain := true
	for i := 0; plain && i < len(s); i++ {
		plain = s[i] >= 0x20 && s[i] < 0x7f
	}
	if plain {
		return s
	}
	// Each word at most 75 characters: "=?UTF-8?B?" and "?=" around 60
	// characters of base64, that is 45 bytes, never splitting a rune.
	var words []string
	for len(s) > 0 {
		n := min(45, len(s))
		for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
			n--
		}
		words = append(words, "=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, "\r\n ")
}

// phrase writes a display name: encoded words when it holds anything but
// printable ASCII, else a quoted string, so that a name (a circle's, any
// member's) cannot pass for another list's id.
func phrase(s string) string {
	if enc := encodeWords(s); enc != Header(s) {
		return enc
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(Header(s)) + `"`
}

// angle wraps a message id in angle brackets, refusing one that could
// break out of them.
func angle(id string) (string, error) {
	if id == "" || strings.ContainsAny(id, "<>\r\n \t\"") || !strings.Contains(id, "@") {
		return "", fmt.Errorf("mail: bad message id %q", id)
	}
	return "<" + id + ">", nil
}

// build makes the go-mail message of m, from c's address. Every header
// that may carry a member's words is written here, through encodeWords
// or as an address go-mail quotes.
func (c Config) build(m *Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithCharset(gomail.CharsetUTF8),
		gomail.WithEncoding(gomail.EncodingQP))
	from := c.FromAddress()
	name := Header(m.FromName)
	if name == "" {
		name = from.Name
	}
	// Names go through Header, so that go-mail quotes or encodes them
	// whole (mail.Address).
	msg.FromMailAddress(&mail.Address{Name: name, Address: from.Address})
	to, err := mail.ParseAddress(m.To)
	if err != nil || to.Address != m.To {
		return nil, fmt.Errorf("mail: recipient %q: want a bare address", m.To)
	}
	to.Name = Header(m.ToName)
	msg.AddToMailAddress(to)
	returnPath := from.Address
	if m.ReturnPath != "" {
		returnPath = m.ReturnPath
	}
	if err := msg.EnvelopeFrom(returnPath); err != nil {
		return nil, fmt.Errorf("mail: return path %q: %w", returnPath, err)
	}
	msg.SetGenHeaderPreformatted(gomail.HeaderSubject, encodeWords(m.Subject))
	id, err := angle(m.MessageID)
	if err != nil {
		return nil, err
	}
	msg.SetMessageIDWithValue(strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">"))
	if m.InReplyTo != "" {
		irt, err := angle(m.InReplyTo)
		if err != nil {
			return nil, err
		}
		msg.SetGenHeaderPreformatted(gomail.HeaderInReplyTo, irt)
	}
	if len(m.References) > 0 {
		refs := make([]string, len(m.References))
		for i, r := range m.References {
			if refs[i], err = angle(r); err != nil {
				return nil, err
			}
		}
		msg.SetGenHeaderPreformatted(gomail.HeaderReferences, strings.Join(refs, "\r\n "))
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	msg.SetDateWithValue(date)
	if m.ListID != "" {
		if strings.ContainsAny(m.ListID, "<>\r\n \t\"") {
			return nil, fmt.Errorf("mail: bad list id %q", m.ListID)
		}
		msg.SetGenHeaderPreformatted("List-Id", phrase(m.ListName)+" <"+m.ListID+">")
	}
	if m.Unsubscribe != "" {
		if strings.ContainsAny(m.Unsubscribe, "<>\r\n \t\"") || !strings.HasPrefix(m.Unsubscribe, "http") {
			return nil, fmt.Errorf("mail: bad unsubscribe address %q", m.Unsubscribe)
		}
		msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	// Machine-written: auto-responders keep quiet (RFC 3834).
	msg.SetGenHeaderPreformatted("Auto-Submitted", "auto-generated")
	msg.SetGenHeaderPreformatted(gomail.HeaderXAutoResponseSuppress, "All")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// WriteTo writes m as it would be sent, from c's address.
func (c Config) WriteTo(w io.Writer, m *Message) error {
	msg, err := c.build(m)
	if err != nil {
		return err
	}
	_, err = msg.WriteTo(w)
	return err
}

// Sender sends messages.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// ErrRejected marks a message whose recipient the relay refused for good
// (a 5xx answer to RCPT TO): trying again will not help, and the address
// counts a bounce.
var ErrRejected = errors.New("the mail relay refused the address")

// ErrRefused marks a message the relay refused for good for what it is
// (a 5xx answer to its content), not for its address: trying again will
// not help, and the address is not to blame.
var ErrRefused = errors.New("the mail relay refused the message")

// SMTP sends through the relay c describes, one connection a message.
type SMTP struct{ Config Config }

// Send sends m, and wraps ErrRejected when the relay refused it for good.
func (s SMTP) Send(ctx context.Context, m *Message) error {
	msg, err := s.Config.build(m)
	if err != nil {
		return err
	}
	client, err := s.client()
	if err != nil {
		return err
	}
	err = client.DialAndSendWithContext(ctx, msg)
	switch {
	case err == nil:
		return nil
	case msg.IsDelivered():
		// The relay took it; what failed after (RSET, QUIT) is no reason
		// to send it again.
		return nil
	}
	var se *gomail.SendError
	if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
		// A relay's answer of 5xx, not a broken connection (which
		// go-mail does not call temporary either).
		switch se.Reason {
		case gomail.ErrSMTPRcptTo:
			return fmt.Errorf("mail to %s: %w: %v", m.To, ErrRejected, err)
		case gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
			return fmt.Errorf("mail to %s: %w: %v", m.To, ErrRefused, err)
		}
	}
	return fmt.Errorf("mail to %s: %w", m.To, err)
}

// client is a go-mail client for c.
func (s SMTP) client() (*gomail.Client, error) {
	c := s.Config
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithTimeout(timeout), gomail.WithTLSConfig(&tls.Config{ServerName: c.Host,
		MinVersion: tls.VersionTLS12})}
	port := c.Port
	switch c.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
		if port == 0 {
			port = 465
		}
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if port == 0 {
		port = 587
	}
	opts = append(opts, gomail.WithPort(port))
	if c.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	return gomail.NewClient(c.Host, opts...)
}
