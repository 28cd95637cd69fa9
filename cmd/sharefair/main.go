// Command sharefair runs a Sharefair network: `sharefair serve` starts the
// web app and API, `sharefair admin` manages members from the console,
// `sharefair bench` measures a seeded network, `sharefair openapi` prints
// the API's OpenAPI document, `sharefair version` prints the version.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	_ "time/tzdata" // members' time zones work on hosts without tzdata

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/api"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "sharefair:", err)
		}
		os.Exit(2)
	}
}

const usage = `Sharefair: a home for knowledge-sharing networks.

Usage:
  sharefair serve [flags]          run the web app and API (see sharefair serve --help)
  sharefair admin create [flags]   create a member from the console (password on stdin
                                   or in SHAREFAIR_ADMIN_PASSWORD)
  sharefair admin token [flags]    print a new personal access token for a member
  sharefair mail test --to ADDR    send a test message through the SMTP relay (see --help)
  sharefair bench [flags]          seed a network and measure page throughput and latency
  sharefair openapi                print the API's OpenAPI document, generated from the code
  sharefair version                print the version
`

// run dispatches a subcommand.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "admin":
		return runAdmin(ctx, args[1:], stdin, stdout, stderr)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr)
	case "mail":
		return runMail(ctx, args[1:], stdout, stderr)
	case "openapi":
		doc, err := api.GenerateOpenAPI()
		if err != nil {
			return err
		}
		_, err = stdout.Write(doc)
		return err
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "sharefair", sharefair.Version)
		return nil
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// newLogger returns the process's logger.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch strings.ToLower(format) {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: want text or json", format)
}
