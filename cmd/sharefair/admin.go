package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/app"
)

func runAdmin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, "Usage: sharefair admin create|token|reset-link [flags]\n")
		return flag.ErrHelp
	}
	switch args[0] {
	case "create":
		return adminCreate(ctx, args[1:], stdin, stdout, stderr)
	case "token":
		return adminToken(ctx, args[1:], stdout, stderr)
	case "reset-link":
		return adminResetLink(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("unknown admin command %q: want create, token or reset-link", args[0])
}

// adminCreate creates a member. The password never appears on the command
// line (where other users of the machine could see it): it comes from
// SHAREFAIR_ADMIN_PASSWORD or the first line of standard input.
func adminCreate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the member's email address (required)")
	name := fs.String("name", "", "the member's name (required)")
	handle := fs.String("handle", "", "the member's handle; defaults to the email's local part")
	role := fs.String("role", "member", "admin (network admin) or member")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: sharefair admin create --email … --name … [--role admin] < password\n\n"+
			"The password is read from SHAREFAIR_ADMIN_PASSWORD, or else from the first line of standard input.\n\n")
		fs.PrintDefaults()
	}
	var s settings
	s.register(fs)
	if err := s.parse(fs, args, stderr); err != nil {
		return err
	}
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	if *handle == "" {
		local, _, _ := strings.Cut(*email, "@")
		*handle = sharefair.SuggestHandle(local)
	}
	a, err := app.New(ctx, s.cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	m, err := a.DB.CreateMember(sharefair.NewOperatorContext(ctx), sharefair.NewMember{
		Email: *email, Name: *name, Handle: *handle, Password: pw, Role: sharefair.Role(*role)})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "Created %s (@%s, %s).\n", m.Email, m.Handle, m.Role)
	return nil
}

// adminToken prints a new personal access token for a member.
func adminToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the member's email address (required)")
	name := fs.String("name", "command line", "what the token is for")
	var s settings
	s.register(fs)
	if err := s.parse(fs, args, stderr); err != nil {
		return err
	}
	a, err := app.New(ctx, s.cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	op := sharefair.NewOperatorContext(ctx)
	m, err := a.DB.FindMemberByEmail(op, *email)
	if err != nil {
		return describe(err)
	}
	_, secret, err := a.DB.CreateToken(op, m.ID, *name)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(stdout, secret)
	return nil
}

// adminResetLink prints a password reset link for a member, to hand them
// when Sharefair sends no email: it works once, within a day, and an
// earlier one stops working.
func adminResetLink(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin reset-link", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the member's email address (required)")
	var s settings
	s.register(fs)
	if err := s.parse(fs, args, stderr); err != nil {
		return err
	}
	a, err := app.New(ctx, s.cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	secret, err := a.DB.CreatePasswordReset(sharefair.NewOperatorContext(ctx), *email)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(stdout, a.BaseURL()+"/reset/"+secret)
	return nil
}

// readPassword takes the password from the environment or standard input.
func readPassword(stdin io.Reader) (string, error) {
	if pw, ok := os.LookupEnv("SHAREFAIR_ADMIN_PASSWORD"); ok {
		return pw, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password: set SHAREFAIR_ADMIN_PASSWORD or pass it on standard input")
	}
	return pw, nil
}

// describe spells out a validation error field by field for the console.
func describe(err error) error {
	fields := sharefair.ErrorFields(err)
	if len(fields) == 0 {
		return err
	}
	var b strings.Builder
	b.WriteString(sharefair.ErrorMessage(err))
	for _, k := range (&sharefair.Error{Fields: fields}).FieldNames() {
		fmt.Fprintf(&b, "\n  --%s: %s", k, fields[k])
	}
	return errors.New(b.String())
}
