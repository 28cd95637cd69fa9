package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sharefair/sharefair/mail"
)

// runMail runs `sharefair mail test`: it sends a message straight through
// the relay the flags name, so that a wrong host, port, TLS mode or
// password shows at once, with the relay's own words.
func runMail(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "test" {
		fmt.Fprintln(stderr, "Usage: sharefair mail test --to ADDRESS [SMTP flags]")
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("mail test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	to := fs.String("to", "", "the address to send the test message to (required)")
	s := settings{logLevel: "warn", logFormat: "text"}
	s.registerMail(fs)
	if err := s.parse(fs, args[1:], stderr); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("mail test: --to is required")
	}
	if !s.cfg.Mail.Enabled() {
		return errors.New("mail test: no relay: set --smtp-host (or SHAREFAIR_SMTP_HOST) and --mail-from")
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	from := s.cfg.Mail.FromAddress()
	domain := from.Address[strings.LastIndex(from.Address, "@")+1:]
	m := &mail.Message{To: *to, Subject: "A test message from Sharefair", MessageID: "sharefair.test." + hex.EncodeToString(b) + "@" + domain,
		Date: time.Now(), Text: "This is a test message from Sharefair. Mail reaches this address through " + s.cfg.Mail.Host + ".\n"}
	if err := (mail.SMTP{Config: s.cfg.Mail}).Send(ctx, m); err != nil {
		return fmt.Errorf("mail test: %w", err)
	}
	fmt.Fprintf(stdout, "Sent a test message to %s through %s.\n", *to, s.cfg.Mail.Host)
	return nil
}
