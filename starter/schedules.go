package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/koppel/koppel/config"
	kworker "github.com/koppel/koppel/worker"
)

func schedulesCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("schedules needs a sub-command: apply, list, pause, unpause or trigger")
	}
	s, err := newSession()
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("schedules "+args[0], flag.ContinueOnError)
	file := fileFlag(fs, s.proc)
	note := fs.String("note", "", "why (shown in the Web UI)")
	ids, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	c, err := kworker.Dial(s.proc, s.log)
	if err != nil {
		return err
	}
	defer c.Close()

	switch args[0] {
	case "apply":
		f, err := config.Load(*file)
		if err != nil {
			return err
		}
		changes, err := kworker.ApplySchedules(ctx, c, f, s.proc.TaskQueue)
		for _, ch := range changes {
			fmt.Printf("%-30s %s (every %s)\n", ch.ID, ch.Action, ch.Every)
		}
		return err
	case "list":
		return listSchedules(ctx, c)
	case "pause", "unpause", "trigger":
		if len(ids) != 1 {
			return fmt.Errorf("schedules %s needs one schedule id, e.g. demo-shop-orders (see schedules list)", args[0])
		}
		id := ids[0]
		h := c.ScheduleClient().GetHandle(ctx, id)
		switch args[0] {
		case "pause":
			err = h.Pause(ctx, client.SchedulePauseOptions{Note: *note})
		case "unpause":
			err = h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: *note})
		default:
			err = h.Trigger(ctx, client.ScheduleTriggerOptions{})
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", args[0], id, err)
		}
		fmt.Printf("%s: %s\n", id, map[string]string{"pause": "paused", "unpause": "unpaused", "trigger": "triggered"}[args[0]])
		return nil
	default:
		return fmt.Errorf("unknown schedules sub-command %q", args[0])
	}
}

func listSchedules(ctx context.Context, c client.Client) error {
	it, err := c.ScheduleClient().List(ctx, client.ScheduleListOptions{})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tNEXT RUN\tLAST RUN\tNOTE")
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return err
		}
		state := "active"
		if e.Paused {
			state = "paused"
		}
		next, last := "-", "-"
		if len(e.NextActionTimes) > 0 {
			next = e.NextActionTimes[0].Local().Format(time.DateTime)
		}
		if n := len(e.RecentActions); n > 0 {
			last = e.RecentActions[n-1].ActualTime.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.ID, state, next, last, e.Note)
	}
	return tw.Flush()
}
