package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/starter/stack"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

// Fixed loopback addresses of the local demo; the simulators' ports come
// from their registrations (simkit.Registration.DemoPort).
const (
	devTemporalPort = 7233
	devUIPort       = 8233
	devCodecAddr    = "127.0.0.1:8234"
)

// exampleFile is the integration file `make run` demonstrates.
const exampleFile = "config/integrations.example.yaml"

// defaultDataDir keeps each file's demo apart: its Temporal database holds
// the schedules of that file's integrations only.
func defaultDataDir(file string) string {
	if filepath.Clean(file) == exampleFile {
		return ".dev"
	}
	name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	return filepath.Join(".dev", strings.TrimPrefix(name, "integrations."))
}

// derivedFileName is the integration file the demo's worker runs, in the
// data folder (see demo.go).
const derivedFileName = "integrations.dev.yaml"

// devCmd runs the whole local demo until interrupted: the Temporal dev server
// (state in a SQLite file, so a restart resumes), a simulator with demo data
// for every system side of the file's integrations (state saved on exit),
// the worker, and the file's schedules.
func devCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	file := fs.String("f", exampleFile, "integration file")
	data := fs.String("data", "", "folder for the dev server's database and the simulators' state (default .dev for the example file, .dev/<name> for another file)")
	shopEvery := fs.Duration("shop-every", 45*time.Second, "how often each simulator does something by itself: a shop gets a new order, a till sells (0: never)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		*data = defaultDataDir(*file)
	}
	if err := os.MkdirAll(*data, 0o755); err != nil {
		return err
	}
	for _, addr := range []string{fmt.Sprintf("127.0.0.1:%d", devTemporalPort), fmt.Sprintf("127.0.0.1:%d", devUIPort), devCodecAddr, devWebhooksAddr} {
		if err := stack.PortFree(addr); err != nil {
			return err
		}
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		return fmt.Errorf("integration file: %w", err)
	}
	userFile, err := config.Parse(*file, raw)
	if err != nil {
		return err
	}
	derivedPath := filepath.Join(*data, derivedFileName)
	if err := sameIntegrations(derivedPath, userFile); err != nil {
		return err
	}

	secrets, err := stack.LoadSecrets(*data, "dev1", false)
	if err != nil {
		return err
	}
	for _, kv := range secrets {
		k, v, _ := strings.Cut(kv, "=")
		_ = os.Setenv(k, v) // this process's own client seals schedule inputs too
	}

	sims, err := startSims(userFile, *data, demoPorts, os.Stdout)
	if err != nil {
		return err
	}
	defer sims.stop()
	// The simulators' credentials, for the worker and for this process's
	// own consent of the systems whose tokens a keeper holds.
	for _, kv := range sims.credentialEnv() {
		k, v, _ := strings.Cut(kv, "=")
		_ = os.Setenv(k, v)
	}
	f, err := writeDerivedFile(sims, *file, raw, derivedPath)
	if err != nil {
		return err
	}

	temporalCLI := os.Getenv("KOPPEL_TEMPORAL_CLI")
	if temporalCLI == "" {
		temporalCLI = "bin/temporal"
	}
	dbFile, _ := filepath.Abs(filepath.Join(*data, "temporal.db"))
	srv, err := stack.StartProcess("Temporal dev server", exec.Command(temporalCLI, devServerArgs(dbFile)...))
	if err != nil {
		return fmt.Errorf("%w; build it with make bin/temporal", err)
	}
	defer srv.Stop()

	s, err := newSession()
	if err != nil {
		return err
	}
	s.proc.ConnectWait = max(s.proc.ConnectWait, time.Minute) // the dev server was just started
	c, err := kworker.DialAndWait(ctx, s.proc, s.log, nil)
	if err != nil {
		return err
	}
	defer c.Close()

	self, _ := os.Executable()
	workerBin := filepath.Join(filepath.Dir(self), "koppel-worker")
	codecCmd := exec.Command(workerBin, "codec-server", "--dev")
	codecCmd.Env = append(os.Environ(), "KOPPEL_CODEC_ADDRESS="+devCodecAddr, fmt.Sprintf("KOPPEL_CODEC_ORIGINS=http://127.0.0.1:%d,http://localhost:%d", devUIPort, devUIPort))
	codecSrv, err := stack.StartProcess("codec server", codecCmd)
	if err != nil {
		return fmt.Errorf("%w; build it with make build", err)
	}
	defer codecSrv.Stop()

	hooked, err := registerDemoWebhooks(ctx, f, devWebhooksAddr, os.Stdout)
	if err != nil {
		return err
	}
	var hookDone <-chan struct{} // nil: no receiver runs
	if len(hooked) > 0 {
		receiver, err := stack.StartProcess("webhook receiver", stack.KoppelCommand(workerBin, derivedPath, []string{"webhooks"},
			"KOPPEL_WEBHOOKS_ADDRESS="+devWebhooksAddr))
		if err != nil {
			return fmt.Errorf("%w; build it with make build", err)
		}
		defer receiver.Stop()
		hookDone = receiver.Done
	}

	wk, err := stack.StartProcess("worker", stack.KoppelCommand(workerBin, derivedPath, nil))
	if err != nil {
		return fmt.Errorf("%w; build it with make build", err)
	}
	defer wk.Stop()

	if _, err := kworker.Setup(ctx, c, s.proc.TemporalNamespace, s.proc.Retention); err != nil {
		return err
	}
	if err := connectDemoSystems(ctx, c, s, f, derivedPath, os.Stdout); err != nil {
		return err
	}
	changes, err := kworker.ApplySchedules(ctx, c, f, s.proc.TaskQueue)
	if err != nil {
		return err
	}
	fmt.Printf("\nKoppel is running.\n  Web UI:      http://127.0.0.1:%d/namespaces/%s/workflows\n", devUIPort, s.proc.TemporalNamespace)
	fmt.Printf("  Codec server: http://%s (payloads are encrypted; the UI decodes through it)\n", devCodecAddr)
	for _, d := range sims.list {
		instead := ""
		if d.url() != d.fileURL {
			instead = ", in place of " + d.fileURL
		}
		fmt.Printf("  %s simulator: %s (%s%s)\n", d.reg.System, d.url(), strings.Join(d.users, ", "), instead)
	}
	if len(hooked) > 0 {
		fmt.Printf("  Webhook receiver: http://%s/webhooks/<integration> (%s: the shop's events start orders at once; polling is the safety net)\n",
			devWebhooksAddr, strings.Join(hooked, ", "))
	}
	fmt.Printf("  The worker runs %s: %s with baseURLs and credentials pointing at the simulators.\n", derivedPath, *file)
	for _, ch := range changes {
		fmt.Printf("  schedule %s: %s, every %s\n", ch.ID, ch.Action, ch.Every)
	}
	fmt.Println("  Orders appear as <integration>/order/<id>; the one with an unknown SKU fails with its reason.")
	fmt.Println("Ctrl-C stops everything; the next make run resumes where this one stopped.")

	go sims.simulate(ctx, *shopEvery)
	select {
	case <-ctx.Done():
		fmt.Println("\nstopping …")
		return nil
	case <-wk.Done:
		return fmt.Errorf("the worker exited (%v); its log is above", wk.Err)
	case <-srv.Done:
		return fmt.Errorf("the Temporal dev server exited (%v); its log is above", srv.Err)
	case <-codecSrv.Done:
		return fmt.Errorf("the codec server exited (%v); its log is above", codecSrv.Err)
	case <-hookDone:
		return fmt.Errorf("the webhook receiver exited; its log is above")
	}
}

// devServerArgs starts the dev server on loopback with our search attributes
// and the SQLite settings that keep it fast on a small machine.
func devServerArgs(dbFile string) []string {
	args := []string{"server", "start-dev",
		"--ip", "127.0.0.1", "--port", fmt.Sprint(devTemporalPort), "--ui-port", fmt.Sprint(devUIPort),
		"--db-filename", dbFile, "--log-level", "error",
		"--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal",
		"--ui-codec-endpoint", "http://" + devCodecAddr,
	}
	names := make([]string, 0, len(workflows.SearchAttributes))
	for n := range workflows.SearchAttributes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		args = append(args, "--search-attribute", n+"=Keyword")
	}
	return args
}

// writeDerivedFile writes the file the demo's worker runs and loads it as
// the worker will.
func writeDerivedFile(sims *devSims, source string, raw []byte, path string) (*config.File, error) {
	derived, err := sims.deriveFile(source, raw)
	if err != nil {
		return nil, err
	}
	f, err := config.Parse(path, derived)
	if err != nil {
		return nil, fmt.Errorf("the derived integration file: %w", err)
	}
	if err := sims.checkDerived(f); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, derived, 0o644); err != nil {
		return nil, err
	}
	return f, nil
}

// sameIntegrations refuses a data folder whose Temporal database holds the
// schedules of integrations the file no longer defines: their runs would
// fail on every tick, for a worker that does not know them.
func sameIntegrations(previousDerived string, f *config.File) error {
	b, err := os.ReadFile(previousDerived)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var before struct {
		Integrations []struct {
			Name string `yaml:"name"`
		} `yaml:"integrations"`
	}
	if err := yaml.Unmarshal(b, &before); err != nil {
		return nil // not ours to judge; it is rewritten below
	}
	var gone []string
	for _, in := range before.Integrations {
		if _, ok := f.Integration(in.Name); !ok {
			gone = append(gone, in.Name)
		}
	}
	if len(gone) > 0 {
		dir := filepath.Dir(previousDerived)
		return fmt.Errorf("the data folder %s holds the demo of integrations this file does not define (%s), whose schedules would fail; "+
			"pass --data DIR to keep each file's demo apart, or delete %s to start afresh", dir, strings.Join(gone, ", "), dir)
	}
	return nil
}
