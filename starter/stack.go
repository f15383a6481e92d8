package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/starter/stack"
	kworker "github.com/koppel/koppel/worker"
)

// stackWebhooksAddr is where the stack's webhook receiver listens.
const stackWebhooksAddr = "127.0.0.1:28090"

// defaultStackPorts keep clear of the demo's, so both can run at once.
var defaultStackPorts = stack.Ports{Postgres: 15432, Frontend: 17233, UI: 18233, Codec: 18234, ServerMetrics: 18000, WorkerMetrics: 19464,
	Prometheus: 19090}

// stackCmd runs Koppel's production shape on this machine, natively: a
// PostgreSQL cluster in the data folder, Temporal's schemas made by the
// compose file's own script, the Temporal server and the Web UI built from
// tools.mod and run with the compose file's configuration, the codec
// server, several worker processes and the schedules of an integration file
// against the simulators. Ctrl-C stops everything; the next start reuses
// the data.
func stackCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("stack", flag.ContinueOnError)
	file := fs.String("f", exampleFile, "integration file (its systems run as simulators)")
	data := fs.String("data", ".stack", "folder for PostgreSQL's cluster, the simulators' state and the stack's secrets")
	workers := fs.Int("workers", 2, "worker processes")
	shopEvery := fs.Duration("shop-every", 45*time.Second, "how often each simulator does something by itself (0: never)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *workers < 1 {
		return fmt.Errorf("--workers %d: at least one worker", *workers)
	}
	st, err := stack.New(*data, ".", defaultStackPorts)
	if err != nil {
		return err
	}
	defer st.StopAll()

	userFile, err := config.Load(*file)
	if err != nil {
		return err
	}
	sims, err := startSims(userFile, st.Dir, anyPorts, os.Stdout)
	if err != nil {
		return err
	}
	defer sims.stop()
	for _, kv := range sims.credentialEnv() {
		k, v, _ := strings.Cut(kv, "=")
		_ = os.Setenv(k, v)
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	derivedPath := filepath.Join(st.Dir, "integrations.stack.yaml")
	f, err := writeDerivedFile(sims, *file, raw, derivedPath)
	if err != nil {
		return err
	}

	s, c, changes, err := startServerSide(ctx, st)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, ch := range changes {
		fmt.Println("  " + ch)
	}
	if err := st.StartFront(); err != nil {
		return err
	}
	hooked, err := registerDemoWebhooks(ctx, f, stackWebhooksAddr, os.Stdout)
	if err != nil {
		return err
	}
	if len(hooked) > 0 {
		hook := stack.KoppelCommand(st.Bin("koppel-worker"), derivedPath, []string{"webhooks"}, "KOPPEL_LOG_LEVEL=warn",
			"KOPPEL_WEBHOOKS_ADDRESS="+stackWebhooksAddr)
		if err := st.Start("webhook receiver", hook); err != nil {
			return err
		}
	}
	for i := 1; i <= *workers; i++ {
		if err := st.StartWorker(i, derivedPath); err != nil {
			return err
		}
	}
	receiverAddr := ""
	if len(hooked) > 0 {
		receiverAddr = stackWebhooksAddr
	}
	promURL, err := st.StartPrometheus(*workers, receiverAddr)
	if err != nil {
		return err
	}
	if err := connectDemoSystems(ctx, c, s, f, derivedPath, os.Stdout); err != nil {
		return err
	}
	applied, err := kworker.ApplySchedules(ctx, c, f, s.proc.TaskQueue)
	if err != nil {
		return err
	}
	printStackSummary(st, sims, applied, *workers, derivedPath, *file)
	if promURL != "" {
		fmt.Printf("  Prometheus with Koppel's alerting rules: %s/alerts\n", promURL)
	}
	go sims.simulate(ctx, *shopEvery)
	select {
	case <-ctx.Done():
		fmt.Println("\nstopping …")
		return nil
	case p := <-st.Died:
		// A Ctrl-C reaches the children too, which may end a moment
		// before this process hears of it.
		select {
		case <-ctx.Done():
			fmt.Println("\nstopping …")
			return nil
		case <-time.After(time.Second):
		}
		return fmt.Errorf("the %s exited (%v); its log is above", p.Name, p.Err)
	}
}

func printStackSummary(st *stack.Run, sims *devSims, applied []kworker.ScheduleChange, workers int, derived, file string) {
	p := st.Ports
	fmt.Printf("\nKoppel's production shape is running.\n")
	fmt.Printf("  Web UI:          http://127.0.0.1:%d/namespaces/%s/workflows\n", p.UI, os.Getenv("TEMPORAL_NAMESPACE"))
	fmt.Printf("  Temporal server: 127.0.0.1:%d on PostgreSQL 127.0.0.1:%d (%s)\n", p.Frontend, p.Postgres, filepath.Join(st.Dir, "pg"))
	fmt.Printf("  Server metrics:  http://127.0.0.1:%d/metrics\n", p.ServerMetrics)
	fmt.Printf("  Codec server:    http://127.0.0.1:%d (token in %s)\n", p.Codec, filepath.Join(st.Dir, "secrets.env"))
	for i := 1; i <= workers; i++ {
		fmt.Printf("  worker %d:        metrics http://127.0.0.1:%d/metrics\n", i, p.WorkerMetrics+i-1)
	}
	for _, d := range sims.list {
		fmt.Printf("  %s simulator: %s (%s)\n", d.reg.System, d.url(), strings.Join(d.users, ", "))
	}
	fmt.Printf("  The workers run %s: %s against the simulators.\n", derived, file)
	for _, ch := range applied {
		fmt.Printf("  schedule %s: %s, every %s\n", ch.ID, ch.Action, ch.Every)
	}
	fmt.Println("Ctrl-C stops everything; the next make stack resumes from the same database.")
}

// startServerSide brings up the stack's server side (stack.StartServerSide)
// and returns the session the starter's commands work with.
func startServerSide(ctx context.Context, st *stack.Run) (*session, client.Client, []string, error) {
	p, c, changes, err := st.StartServerSide(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	z, err := kworker.NewZap("warn", "console")
	if err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	return &session{proc: p, log: z}, c, changes, nil
}
