package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/koppel/koppel/config"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

func backfillCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != workflows.FlowOrders {
		return fmt.Errorf("backfill takes a flow: backfill orders --integration NAME --from DATE [--to DATE]")
	}
	s, err := newSession()
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("backfill orders", flag.ContinueOnError)
	file := fileFlag(fs, s.proc)
	name := fs.String("integration", "", "integration name from the file")
	fromS := fs.String("from", "", "first creation date to include, e.g. 2026-01-01")
	toS := fs.String("to", "", "creation date to stop before (default: now)")
	wait := fs.Bool("wait", false, "wait until every order of the window has been started")
	if extra, err := parseInterspersed(fs, args[1:]); err != nil {
		return err
	} else if len(extra) > 0 {
		return fmt.Errorf("backfill orders takes only flags; %q is not one", extra[0])
	}
	f, err := config.Load(*file)
	if err != nil {
		return err
	}
	in, ok := f.Integration(*name)
	if !ok {
		return fmt.Errorf("--integration %q is not in %s", *name, *file)
	}
	w, err := backfillWindow(*fromS, *toS, time.Now())
	if err != nil {
		return err
	}
	c, err := kworker.Dial(s.proc, s.log)
	if err != nil {
		return err
	}
	defer c.Close()

	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        workflows.BackfillWorkflowID(in.Name, workflows.FlowOrders, w.From, w.To),
		TaskQueue: s.proc.TaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.SAIntegration.ValueSet(in.Name),
			workflows.SAFlow.ValueSet(workflows.FlowOrders),
			workflows.SASourceSystem.ValueSet(in.Source.System),
			workflows.SATargetSystem.ValueSet(in.Target.System),
		),
	}, workflows.OrderSyncWorkflow, workflows.OrderSyncInput{Integration: in.Name, Backfill: &w})
	if err != nil {
		return fmt.Errorf("starting the backfill: %w", err)
	}
	fmt.Printf("backfill started: %s (orders created %s … %s)\n  %s/namespaces/%s/workflows/%s\n",
		run.GetID(), w.From.Format(time.RFC3339), w.To.Format(time.RFC3339),
		s.proc.UIAddress, s.proc.TemporalNamespace, run.GetID())
	if !*wait {
		return nil
	}
	var cur workflows.OrderCursor
	if err := run.Get(ctx, &cur); err != nil {
		return err
	}
	st := cur.LastRun
	fmt.Printf("listed %d, started %d, already synced or running %d\n", st.Listed, st.Started, st.AlreadyKnown)
	return nil
}

func backfillWindow(fromS, toS string, now time.Time) (workflows.Window, error) {
	if fromS == "" {
		return workflows.Window{}, fmt.Errorf("--from is required, e.g. --from 2026-01-01")
	}
	from, err := config.ParseDate(fromS)
	if err != nil {
		return workflows.Window{}, fmt.Errorf("--from: %w", err)
	}
	to := now.UTC().Truncate(time.Second)
	if toS != "" {
		if to, err = config.ParseDate(toS); err != nil {
			return workflows.Window{}, fmt.Errorf("--to: %w", err)
		}
	}
	if !to.After(from) {
		return workflows.Window{}, fmt.Errorf("--to (%s) must be after --from (%s)", to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	return workflows.Window{From: from, To: to}, nil
}
