package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
)

// devWebhooksAddr is where the demo's webhook receiver listens.
const devWebhooksAddr = "127.0.0.1:18090"

// registerDemoWebhooks subscribes the receiver to the simulators' events
// for every integration with webhooks, through the source's API as
// `starter webhooks apply` does, and puts the keys the source made in the
// variable webhooks.secret names, for the receiver. It returns the
// integrations served; a source that cannot register through its API (its
// simulator then sends nothing) is said and skipped.
func registerDemoWebhooks(ctx context.Context, f *config.File, receiver string, out io.Writer) ([]string, error) {
	var served []string
	for i, in := range f.Integrations {
		if !in.Webhooks.IsEnabled() {
			continue
		}
		client, err := activities.BuildSourceClient(in, fmt.Sprintf("integrations[%d]", i), os.LookupEnv)
		if err != nil {
			return nil, err
		}
		reg, _ := connectors.Lookup(in.Source.System)
		registrar, ok := client.(connectors.WebhookRegistrar)
		if !ok {
			fmt.Fprintf(out, "  %s: the %s simulator sends no webhooks in the demo; polling only\n", in.Name, in.Source.System)
			continue
		}
		address := "http://" + receiver + "/webhooks/" + in.Name
		changes, err := registrar.ApplyWebhooks(ctx, address, reg.Webhooks.Events)
		if err != nil {
			return nil, fmt.Errorf("%s: registering webhooks: %w", in.Name, err)
		}
		_ = os.Setenv(in.Webhooks.Secret, strings.Join(webhookKeys(changes), ","))
		served = append(served, in.Name)
	}
	return served, nil
}
