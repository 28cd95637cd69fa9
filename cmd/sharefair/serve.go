package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/app"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: sharefair serve [flags]\n\nRuns Sharefair's web app and JSON API. Every flag can also be set by the environment variable named beside it.\n\n")
		fs.PrintDefaults()
	}
	var s settings
	s.register(fs)
	s.registerServe(fs)
	s.registerMail(fs)
	if err := s.parse(fs, args, stderr); err != nil {
		return err
	}
	s.cfg.Serving = true
	a, err := app.New(ctx, s.cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.PrepareSetup(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	a.Logger.Info("Sharefair is running", "version", sharefair.Version, "url", a.BaseURL(),
		"listen", ln.Addr().String(), "database", a.DB.Engine())
	fmt.Fprintf(stdout, "Sharefair is running: open %s (listening on %s)\n", a.BaseURL(), ln.Addr())
	if err := a.Serve(ctx, ln); err != nil {
		return err
	}
	a.Logger.Info("stopped")
	return nil
}
