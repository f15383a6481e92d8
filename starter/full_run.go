package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sort"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

// fullCmd runs a catalog flow over every record: `full stock` is the stock
// reconciliation, `full products|customers` a full resync. `reconcile` is
// `full stock`.
func fullCmd(ctx context.Context, flow string, args []string) error {
	s, err := newSession()
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("full "+flow, flag.ContinueOnError)
	file := fileFlag(fs, s.proc)
	name := fs.String("integration", "", "integration name from the file")
	wait := fs.Bool("wait", true, "wait for the run and print its report (a busy run is waited for first)")
	if extra, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(extra) > 0 {
		return fmt.Errorf("%s takes only flags; %q is not one", fs.Name(), extra[0])
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
	for {
		run, err := kworker.StartFullRun(ctx, c, s.proc.TaskQueue, *in, flow)
		if errors.Is(err, kworker.ErrRunBusy) {
			if !*wait {
				return fmt.Errorf("a %s run of %s is busy (workflow %s); try again when it has finished, or pass --wait", flow, in.Name, run.GetID())
			}
			fmt.Printf("a %s run of %s is busy (workflow %s); waiting for it to finish first\n", flow, in.Name, run.GetID())
			_ = run.Get(ctx, nil)
			continue
		}
		if err != nil {
			return err
		}
		fmt.Printf("started %s (run %s)\n", run.GetID(), run.GetRunID())
		if !*wait {
			return nil
		}
		var res workflows.CatalogState
		if err := run.Get(ctx, &res); err != nil {
			return fmt.Errorf("the %s run failed: %w", flow, err)
		}
		printReport(flow, res.LastRun)
		return nil
	}
}

// printReport shows what a run changed, record by record.
func printReport(flow string, r workflows.CatalogRunStats) {
	outcomes := make([]string, 0, len(r.Counts))
	for o := range r.Counts {
		outcomes = append(outcomes, string(o))
	}
	sort.Strings(outcomes)
	fmt.Printf("%s %s → %s: %d page(s)", flow, r.From, r.To, r.Pages)
	for _, o := range outcomes {
		fmt.Printf(", %s %d", o, r.Counts[activities.Outcome(o)])
	}
	fmt.Println()
	for _, rec := range r.Records {
		line := fmt.Sprintf("  %-9s %s", rec.Outcome, rec.Key)
		if rec.Detail != "" {
			line += "  " + rec.Detail
		}
		if rec.Reason != "" {
			line += "  " + rec.Reason
		}
		fmt.Println(line)
	}
	total := 0
	for _, n := range r.Counts {
		total += n
	}
	if len(r.Records) == workflows.MaxReportedRecords {
		fmt.Printf("  (the first %d records are listed; the counts cover all %d)\n", workflows.MaxReportedRecords, total)
	}
}
