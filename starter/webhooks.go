package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
)

// webhooksCmd registers an integration's webhooks at its source: through
// the source's API where it has one (CCV Shop /webhooks/), or by printing
// what to set at the vendor where it has none (Ecwid: the app's settings).
func webhooksCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "apply" {
		return errors.New("webhooks takes apply: webhooks apply --integration NAME [--env-file FILE]")
	}
	p, err := config.LoadProcess()
	if err != nil && p.IntegrationsFile == "" {
		return err
	}
	fs := flag.NewFlagSet("webhooks apply", flag.ContinueOnError)
	file := fileFlag(fs, p)
	name := fs.String("integration", "", "integration name from the file")
	envFile := fs.String("env-file", "", "write the keys the source made into this file (mode 0600) as the variable webhooks.secret names")
	if extra, err := parseInterspersed(fs, args[1:]); err != nil {
		return err
	} else if len(extra) > 0 {
		return fmt.Errorf("webhooks apply takes only flags; %q is not one", extra[0])
	}
	f, err := config.Load(*file)
	if err != nil {
		return err
	}
	return applyWebhooks(ctx, os.Stdout, f, *name, *envFile, os.LookupEnv)
}

func applyWebhooks(ctx context.Context, out io.Writer, f *config.File, name, envFile string, lookup func(string) (string, bool)) error {
	in, ok := f.Integration(name)
	if !ok {
		return fmt.Errorf("--integration %q is not in the integration file", name)
	}
	w := in.Webhooks
	switch {
	case w == nil:
		return fmt.Errorf("integration %s has no webhooks block; add one (docs/webhooks.md)", name)
	case w.PublicURL == "":
		return fmt.Errorf("integration %s: webhooks.publicURL is not set: the address the source reaches the receiver on, like https://hooks.example.com", name)
	}
	reg, _ := connectors.Lookup(in.Source.System)
	address := w.Address(name)
	if !reg.Webhooks.SignatureConfirmed {
		s := w.SignatureScheme(reg.Webhooks.Signature)
		fmt.Fprintf(out, "note: %s's signature scheme is not confirmed; the receiver checks header %s = %s HMAC-%s of the body. "+
			"Verify it on a live account (docs/webhooks.md).\n", in.Source.System, s.Header, s.Encoding, strings.ToUpper(s.Hash))
	}
	client, err := activities.BuildSourceClient(*in, "integrations["+name+"]", lookup)
	if err != nil {
		return err
	}
	registrar, ok := client.(connectors.WebhookRegistrar)
	if !ok {
		fmt.Fprintf(out, "%s: "+reg.Webhooks.Setup+"\n", in.Source.System, address)
		return nil
	}
	changes, err := registrar.ApplyWebhooks(ctx, address, reg.Webhooks.Events)
	for _, ch := range changes {
		fmt.Fprintf(out, "%-26s %-12s id %s → %s\n", ch.Event, ch.Action, ch.ID, address)
	}
	keys := webhookKeys(changes)
	if err != nil {
		return err
	}
	if envFile == "" {
		fmt.Fprintf(out, "the source signs with %d key(s); keep them, comma-separated, in %s for the receiver "+
			"(--env-file FILE writes them; they are not printed)\n", len(keys), w.Secret)
		return nil
	}
	if err := writeEnvVar(envFile, w.Secret, strings.Join(keys, ",")); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %d key(s) as %s to %s; restart the receiver with it in its environment\n", len(keys), w.Secret, envFile)
	return nil
}

// writeEnvVar sets NAME=value in an env file (KEY=value lines), keeping its
// other lines; the file is the operator's secret store, so it stays 0600.
func writeEnvVar(path, name, value string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	var b bytes.Buffer
	// Whole lines, however long: a scanner would stop at 64 KiB and drop
	// the rest of the operator's secrets.
	for _, line := range bytes.Split(old, []byte("\n")) {
		if len(line) > 0 && !bytes.HasPrefix(line, []byte(name+"=")) {
			b.Write(line)
			b.WriteByte('\n')
		}
	}
	b.WriteString(name + "=" + value + "\n")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// webhookKeys are the distinct keys the source made for the subscriptions,
// in their order: the value of the variable webhooks.secret names.
func webhookKeys(changes []connectors.WebhookChange) []string {
	var keys []string
	for _, ch := range changes {
		if ch.Secret != "" && !slices.Contains(keys, ch.Secret) {
			keys = append(keys, ch.Secret)
		}
	}
	return keys
}
