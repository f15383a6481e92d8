package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/koppel/koppel/config"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/worker/codec"
	"github.com/koppel/koppel/workflows"
)

// Fixed loopback addresses of the local demo.
const (
	devTemporalPort = 7233
	devUIPort       = 8233
	devCodecAddr    = "127.0.0.1:8234"
	devCCVAddr      = "127.0.0.1:18081"
	devMplusAddr    = "127.0.0.1:18082"
)

// devCmd runs the whole local demo until interrupted: the Temporal dev server
// (state in a SQLite file, so a restart resumes), both simulators with demo
// data (state saved on exit), the worker, and the example file's schedules.
func devCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	file := fs.String("f", "config/integrations.example.yaml", "integration file")
	data := fs.String("data", ".dev", "folder for the dev server's database and the simulators' state")
	shopEvery := fs.Duration("shop-every", 45*time.Second, "how often the simulated shop gets a new order (0: never)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*data, 0o755); err != nil {
		return err
	}
	for _, addr := range []string{fmt.Sprintf("127.0.0.1:%d", devTemporalPort), fmt.Sprintf("127.0.0.1:%d", devUIPort), devCodecAddr, devCCVAddr, devMplusAddr} {
		if err := portFree(addr); err != nil {
			return err
		}
	}
	f, err := config.Load(*file)
	if err != nil {
		return err
	}

	secrets, err := devSecrets(*data)
	if err != nil {
		return err
	}
	for _, kv := range secrets {
		k, v, _ := strings.Cut(kv, "=")
		_ = os.Setenv(k, v) // this process's own client seals schedule inputs too
	}

	sims, err := startSimulators(*data)
	if err != nil {
		return err
	}
	defer sims.stop()

	temporalCLI := os.Getenv("KOPPEL_TEMPORAL_CLI")
	if temporalCLI == "" {
		temporalCLI = "bin/temporal"
	}
	dbFile, _ := filepath.Abs(filepath.Join(*data, "temporal.db"))
	srv, err := startProcess("Temporal dev server", exec.Command(temporalCLI, devServerArgs(dbFile)...))
	if err != nil {
		return fmt.Errorf("%w; build it with make bin/temporal", err)
	}
	defer srv.stop()

	s, err := newSession()
	if err != nil {
		return err
	}
	c, err := dialWhenUp(ctx, s)
	if err != nil {
		return err
	}
	defer c.Close()

	self, _ := os.Executable()
	workerBin := filepath.Join(filepath.Dir(self), "koppel-worker")
	codecCmd := exec.Command(workerBin, "codec-server", "--dev")
	codecCmd.Env = append(os.Environ(), "KOPPEL_CODEC_ADDRESS="+devCodecAddr, fmt.Sprintf("KOPPEL_CODEC_ORIGINS=http://127.0.0.1:%d,http://localhost:%d", devUIPort, devUIPort))
	codecSrv, err := startProcess("codec server", codecCmd)
	if err != nil {
		return fmt.Errorf("%w; build it with make build", err)
	}
	defer codecSrv.stop()

	wkCmd := exec.Command(workerBin)
	wkCmd.Env = append(os.Environ(), demoCredentials()...)
	wkCmd.Env = append(wkCmd.Env, "KOPPEL_INTEGRATIONS="+*file, "KOPPEL_LOG_FORMAT=console")
	wk, err := startProcess("worker", wkCmd)
	if err != nil {
		return fmt.Errorf("%w; build it with make build", err)
	}
	defer wk.stop()

	if _, err := kworker.Setup(ctx, c, s.proc.TemporalNamespace, s.proc.Retention); err != nil {
		return err
	}
	changes, err := kworker.ApplySchedules(ctx, c, f, s.proc.TaskQueue)
	if err != nil {
		return err
	}
	fmt.Printf("\nKoppel is running.\n  Web UI:      http://127.0.0.1:%d/namespaces/%s/workflows\n", devUIPort, s.proc.TemporalNamespace)
	fmt.Printf("  Codec server: http://%s (payloads are encrypted; the UI decodes through it)\n", devCodecAddr)
	fmt.Printf("  CCV Shop simulator:   http://%s/api/rest/v1/\n  MplusKASSA simulator: http://%s/\n", devCCVAddr, devMplusAddr)
	for _, ch := range changes {
		fmt.Printf("  schedule %s: %s, every %s\n", ch.ID, ch.Action, ch.Every)
	}
	fmt.Println("  Orders appear as <integration>/order/<id>; the one with an unknown SKU fails with its reason.")
	fmt.Println("Ctrl-C stops everything; the next make run resumes where this one stopped.")

	go sims.simulateShop(ctx, *shopEvery)
	select {
	case <-ctx.Done():
		fmt.Println("\nstopping …")
		return nil
	case <-wk.done:
		return fmt.Errorf("the worker exited (%v); its log is above", wk.err)
	case <-srv.done:
		return fmt.Errorf("the Temporal dev server exited (%v); its log is above", srv.err)
	case <-codecSrv.done:
		return fmt.Errorf("the codec server exited (%v); its log is above", codecSrv.err)
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

func dialWhenUp(ctx context.Context, s *session) (client.Client, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := kworker.Dial(s.proc, s.log)
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func portFree(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s is in use (%v); stop whatever runs there (an earlier make run?) and try again", addr, err)
	}
	return ln.Close()
}

// process is a child process with exactly one waiter, so stopping it and
// noticing that it died never race over Wait.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

func startProcess(name string, cmd *exec.Cmd) (*process, error) {
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the %s (%s): %w", name, cmd.Path, err)
	}
	p := &process{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	return p, nil
}

// stop asks the process to shut down and kills it if it does not in time.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		fmt.Fprintf(os.Stderr, "the %s did not stop in time; killing it\n", p.name)
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

var errNotSeeded = errors.New("no saved state")

// devSecrets returns the demo's encryption key and codec token, made once and
// kept in the data folder (0600) so histories of earlier runs still decode.
func devSecrets(dir string) ([]string, error) {
	path := filepath.Join(dir, "secrets.env")
	if b, err := os.ReadFile(path); err == nil {
		return strings.Fields(string(b)), nil
	}
	key, err := codec.NewKey("dev1")
	if err != nil {
		return nil, err
	}
	token, err := codec.NewKey("token")
	if err != nil {
		return nil, err
	}
	lines := []string{"KOPPEL_ENCRYPTION_KEYS=" + key, "KOPPEL_CODEC_TOKEN=" + strings.TrimPrefix(token, "token:")}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	return lines, nil
}
