package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

// replayCmd runs orders again with the current code, mapping and settings:
// one by id, or every one that failed since a date. --dry-run reads the
// systems and prints what would be written, writing nothing.
func replayCmd(ctx context.Context, args []string) error {
	s, err := newSession()
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	file := fileFlag(fs, s.proc)
	name := fs.String("integration", "", "integration name from the file")
	flow := fs.String("flow", workflows.FlowOrders, "flow (orders)")
	id := fs.String("id", "", "source record id, e.g. a CCV Shop order id")
	sinceS := fs.String("failed-since", "", "replay every record that failed since this date")
	dry := fs.Bool("dry-run", false, "print what would be written; write nothing")
	wait := fs.Bool("wait", false, "wait for each replay and print its outcome")
	if extra, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(extra) > 0 {
		return fmt.Errorf("replay takes only flags; %q is not one", extra[0])
	}
	if *flow != workflows.FlowOrders {
		return fmt.Errorf("--flow %q: only the orders flow can be replayed so far", *flow)
	}
	if (*id == "") == (*sinceS == "") {
		return errors.New("give either --id SOURCE_ID or --failed-since DATE")
	}
	f, err := config.Load(*file)
	if err != nil {
		return err
	}
	in, ok := f.Integration(*name)
	if !ok {
		return fmt.Errorf("--integration %q is not in %s", *name, *file)
	}

	c, err := kworker.Dial(s.proc, s.log)
	if err != nil {
		return err
	}
	defer c.Close()
	refs := []kworker.OrderRef{{ID: *id}}
	if *sinceS != "" {
		since, err := config.ParseDate(*sinceS)
		if err != nil {
			return fmt.Errorf("--failed-since: %w", err)
		}
		if refs, err = kworker.FailedOrders(ctx, c, in.Name, since); err != nil {
			return err
		}
		fmt.Printf("%d failed order(s) since %s\n", len(refs), since.Format(time.RFC3339))
	}

	if *dry {
		return printPreviews(ctx, f, in.Name, refs)
	}
	for _, r := range refs {
		run, err := kworker.ReplayOrder(ctx, c, s.proc.TaskQueue, *in, r)
		if err != nil {
			fmt.Printf("order %s: not replayed: %v\n", r.ID, err)
			continue
		}
		fmt.Printf("order %s: replaying as %s\n", r.ID, run.GetID())
		if *wait {
			var res workflows.OrderResult
			if err := run.Get(ctx, &res); err != nil {
				fmt.Printf("  failed: %v\n", err)
			} else {
				fmt.Printf("  %s: %s\n", res.Outcome, res.Message)
			}
		}
	}
	return nil
}

func previewSummary(id string, p activities.OrderPreview) string {
	switch {
	case p.Existing != nil:
		return fmt.Sprintf("order %s: would be skipped, the target has it as %s %s", id, p.Existing.Kind, p.Existing.ID)
	case len(p.MissingSKUs) > 0:
		return fmt.Sprintf("order %s: would fail, SKUs missing in the target: %v", id, p.MissingSKUs)
	}
	return fmt.Sprintf("order %s: would be written as %s %s, customer %s %s, %d lines",
		id, p.Draft.Kind, p.Draft.ExternalID, p.CustomerAction, p.CustomerID, len(p.Draft.Order.Lines))
}

// printPreviews shows, for each order, what a sync would write, reading the
// systems with the credentials in the environment and writing nothing.
func printPreviews(ctx context.Context, f *config.File, integration string, refs []kworker.OrderRef) error {
	acts, err := activities.Build(f, os.LookupEnv, nil)
	if err != nil {
		return err
	}
	for _, r := range refs {
		p, err := activities.PreviewOrder(ctx, acts, integration, r.ID)
		if err != nil {
			fmt.Printf("order %s: would fail: %v\n", r.ID, err)
			continue
		}
		fmt.Println(previewSummary(r.ID, p))
		b, _ := json.MarshalIndent(p, "  ", "  ")
		fmt.Printf("  %s\n", b)
	}
	return nil
}

// previewCmd is the dry run of one record, without Temporal: what the flow
// would write after mapping, enrichment and lookups.
func previewCmd(ctx context.Context, args []string) error {
	p, err := config.LoadProcess()
	if err != nil && p.IntegrationsFile == "" {
		return err
	}
	fs := flag.NewFlagSet("preview", flag.ContinueOnError)
	file := fileFlag(fs, p)
	name := fs.String("integration", "", "integration name from the file")
	flow := fs.String("flow", workflows.FlowOrders, "flow (orders)")
	id := fs.String("id", "", "source record id")
	if extra, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(extra) > 0 {
		return fmt.Errorf("preview takes only flags; %q is not one", extra[0])
	}
	if *flow != workflows.FlowOrders {
		return fmt.Errorf("--flow %q: only the orders flow can be previewed so far", *flow)
	}
	if *id == "" {
		return errors.New("give --id SOURCE_ID")
	}
	f, err := config.Load(*file)
	if err != nil {
		return err
	}
	in, ok := f.Integration(*name)
	if !ok {
		return fmt.Errorf("--integration %q is not in %s", *name, *file)
	}
	if m, err := in.OrderMapper(); err == nil {
		fmt.Println("mapping rules in effect:")
		rules := m.Rules()
		keys := make([]string, 0, len(rules))
		for k := range rules {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("  %-32s %s\n", k, rules[k])
		}
	}
	return printPreviews(ctx, f, in.Name, []kworker.OrderRef{{ID: *id}})
}
