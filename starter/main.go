// Command starter is the operator's CLI: apply and steer the polling
// schedules, backfill a date range, and run the local demo (`make run`).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"

	"github.com/koppel/koppel/config"
	_ "github.com/koppel/koppel/connectors/builtin"
	kworker "github.com/koppel/koppel/worker"
)

const usage = `starter — operate Koppel's flows on Temporal

Commands:
  setup [--retention 168h]                   prepare the namespace: retention of closed histories,
                                             search attributes (idempotent)
  schedules apply [-f FILE]                  create or update the schedule of every flow in FILE
  schedules list                             list schedules with their state and next run
  schedules pause|unpause|trigger ID [--note TEXT]
                                             ID is <integration>-<flow>, e.g. demo-shop-orders
  backfill orders --integration NAME --from DATE [--to DATE] [-f FILE] [--wait]
                                             sync every eligible order created in [from, to)
  replay --integration NAME [--flow orders] (--id SOURCE_ID | --failed-since DATE) [--dry-run] [--wait]
                                             run records again with the current code and settings;
                                             one already in the target is skipped, never doubled
  preview --integration NAME [--flow orders] --id SOURCE_ID
                                             the payload one record would get, after mapping; writes nothing
  reconcile --integration NAME [--wait=false]
                                             stock reconciliation: compare every SKU, correct drift,
                                             report what changed (same as full stock)
  full products|customers --integration NAME [--wait=false]
                                             go through every record instead of the changed ones
  dev [-f FILE] [--data DIR] [--shop-every 45s]
                                             the local demo: dev server, a simulator per system of FILE,
                                             worker, schedules
  stack [-f FILE] [--data .stack] [--workers 2]
                                             the production shape on this machine: PostgreSQL, the Temporal
                                             server and Web UI built from tools.mod, codec server, workers
  chaos [-n 10000] [--workers 2]             the fault run on the production shape: exactly once, to the
                                             cent, through 5xx, 429s, lost answers and killed processes
  connect --integration NAME [--paste | --port N] [--status]
                                             give an eAccounting consent; Temporal keeps its tokens
  webhooks apply --integration NAME [--env-file FILE]
                                             register the source's webhooks to the receiver (or say
                                             what to set at the vendor); --env-file keeps the keys
  connectors [SYSTEM ...]                    what each system offers: flows, order kinds, statuses,
                                             options, rate limits

FILE defaults to $KOPPEL_INTEGRATIONS. Temporal is reached through TEMPORAL_ADDRESS
and TEMPORAL_NAMESPACE (default 127.0.0.1:7233, default).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "starter:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "schedules":
		return schedulesCmd(ctx, args[1:])
	case "backfill":
		return backfillCmd(ctx, args[1:])
	case "setup":
		return setupCmd(ctx, args[1:])
	case "preview":
		return previewCmd(ctx, args[1:])
	case "replay":
		return replayCmd(ctx, args[1:])
	case "dev":
		return devCmd(ctx, args[1:])
	case "stack":
		return stackCmd(ctx, args[1:])
	case "chaos":
		return chaosCmd(ctx, args[1:])
	case "connect":
		return connectCmd(ctx, args[1:])
	case "connectors":
		return connectorsCmd(os.Stdout, args[1:])
	case "webhooks":
		return webhooksCmd(ctx, args[1:])
	case "full":
		if len(args) < 2 {
			return fmt.Errorf("full takes a flow: full products|stock|customers --integration NAME")
		}
		return fullCmd(ctx, args[1], args[2:])
	case "reconcile":
		return fullCmd(ctx, "stock", args[1:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	default:
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

// session is what most commands need: settings, a logger and a client.
type session struct {
	proc config.Process
	log  *zap.Logger
}

func newSession() (*session, error) {
	p, err := config.LoadProcess()
	if err != nil {
		return nil, err
	}
	z, err := kworker.NewZap("warn", "console")
	if err != nil {
		return nil, err
	}
	return &session{proc: p, log: z}, nil
}

// fileFlag adds -f to a flag set, defaulting to $KOPPEL_INTEGRATIONS.
func fileFlag(fs *flag.FlagSet, p config.Process) *string {
	return fs.String("f", p.IntegrationsFile, "integration file")
}

// parseInterspersed parses flags that may come before or after the
// positional arguments (schedules pause ID --note TEXT) and returns those.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func setupCmd(ctx context.Context, args []string) error {
	s, err := newSession()
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("setup", flag.ContinueOnError)
	retention := fs.Duration("retention", s.proc.Retention, "how long closed workflow histories are kept ($KOPPEL_RETENTION)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := kworker.Dial(s.proc, s.log)
	if err != nil {
		return err
	}
	defer c.Close()
	changes, err := kworker.Setup(ctx, c, s.proc.TemporalNamespace, *retention)
	for _, ch := range changes {
		fmt.Println(ch)
	}
	if err == nil && len(changes) == 0 {
		fmt.Printf("namespace %s is ready (retention %s)\n", s.proc.TemporalNamespace, *retention)
	}
	return err
}
