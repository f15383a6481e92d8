package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/koppel/koppel/config"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/worker/codec"
)

// stackPorts are where the production shape listens, all on loopback, apart
// from the demo's ports so both can run at once.
type stackPorts struct {
	postgres, frontend, ui, codec, serverMetrics, workerMetrics, prometheus int
}

// stackWebhooksAddr is where the stack's webhook receiver listens.
const stackWebhooksAddr = "127.0.0.1:28090"

var defaultStackPorts = stackPorts{postgres: 15432, frontend: 17233, ui: 18233, codec: 18234, serverMetrics: 18000, workerMetrics: 19464,
	prometheus: 19090}

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
	st, err := newStack(*data, defaultStackPorts)
	if err != nil {
		return err
	}
	defer st.stopAll()

	userFile, err := config.Load(*file)
	if err != nil {
		return err
	}
	sims, err := startSims(userFile, st.dir, anyPorts, os.Stdout)
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
	derivedPath := filepath.Join(st.dir, "integrations.stack.yaml")
	f, err := writeDerivedFile(sims, *file, raw, derivedPath)
	if err != nil {
		return err
	}

	s, c, changes, err := st.startServerSide(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, ch := range changes {
		fmt.Println("  " + ch)
	}
	if err := st.startFront(); err != nil {
		return err
	}
	hooked, err := registerDemoWebhooks(ctx, f, stackWebhooksAddr, os.Stdout)
	if err != nil {
		return err
	}
	if len(hooked) > 0 {
		hook := koppelCommand(st.bin("koppel-worker"), derivedPath, []string{"webhooks"}, "KOPPEL_LOG_LEVEL=warn",
			"KOPPEL_WEBHOOKS_ADDRESS="+stackWebhooksAddr)
		if err := st.start("webhook receiver", hook); err != nil {
			return err
		}
	}
	for i := 1; i <= *workers; i++ {
		if err := st.startWorker(i, derivedPath); err != nil {
			return err
		}
	}
	promURL, err := st.startPrometheus(*workers, len(hooked) > 0)
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
	st.printSummary(sims, applied, *workers, derivedPath, *file)
	if promURL != "" {
		fmt.Printf("  Prometheus with Koppel's alerting rules: %s/alerts\n", promURL)
	}
	go sims.simulate(ctx, *shopEvery)
	select {
	case <-ctx.Done():
		fmt.Println("\nstopping …")
		return nil
	case p := <-st.died:
		// A Ctrl-C reaches the children too, which may end a moment
		// before this process hears of it.
		select {
		case <-ctx.Done():
			fmt.Println("\nstopping …")
			return nil
		case <-time.After(time.Second):
		}
		return fmt.Errorf("the %s exited (%v); its log is above", p.name, p.err)
	}
}

// stackRun is one run of the production shape: its folder, ports, secrets
// and processes (stopped in reverse order).
type stackRun struct {
	dir, repo string
	ports     stackPorts
	secrets   map[string]string
	procs     []*process
	died      chan *process
	pgUser    *syscall.Credential // nil: PostgreSQL runs as this user
}

func newStack(dir string, ports stackPorts) (*stackRun, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	repo, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, err
	}
	for _, port := range []int{ports.postgres, ports.frontend, ports.ui, ports.codec, ports.serverMetrics} {
		if err := portFree(fmt.Sprintf("127.0.0.1:%d", port)); err != nil {
			return nil, err
		}
	}
	st := &stackRun{dir: abs, repo: repo, ports: ports, died: make(chan *process, 16)}
	if st.secrets, err = stackSecrets(abs); err != nil {
		return nil, err
	}
	for k, v := range st.secrets {
		_ = os.Setenv(k, v) // this process's client and the children read them
	}
	_ = os.Setenv("TEMPORAL_ADDRESS", fmt.Sprintf("127.0.0.1:%d", ports.frontend))
	if os.Getenv("TEMPORAL_NAMESPACE") == "" {
		_ = os.Setenv("TEMPORAL_NAMESPACE", "koppel")
	}
	if os.Geteuid() == 0 { // PostgreSQL refuses to run as root
		st.pgUser = &syscall.Credential{Uid: 65534, Gid: 65534}
		if u, err := user.Lookup("nobody"); err == nil {
			uid, _ := strconv.Atoi(u.Uid)
			gid, _ := strconv.Atoi(u.Gid)
			st.pgUser = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		}
	}
	return st, nil
}

// stackSecrets reads the stack's secrets from its folder, making them on the
// first start: the database password, the payload key, the codec token.
func stackSecrets(dir string) (map[string]string, error) {
	path := filepath.Join(dir, "secrets.env")
	out := map[string]string{}
	if b, err := os.ReadFile(path); err == nil {
		for _, line := range strings.Fields(string(b)) {
			k, v, _ := strings.Cut(line, "=")
			out[k] = v
		}
		return out, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key, err := codec.NewKey("stack1")
	if err != nil {
		return nil, err
	}
	token, err := codec.NewKey("token")
	if err != nil {
		return nil, err
	}
	pw, err := codec.NewKey("pg")
	if err != nil {
		return nil, err
	}
	out["KOPPEL_ENCRYPTION_KEYS"] = key
	out["KOPPEL_CODEC_TOKEN"] = strings.TrimPrefix(token, "token:")
	// Hex-ish and quote-free, so it sits in a URL and a YAML string alike.
	out["POSTGRES_PASSWORD"] = strings.NewReplacer("+", "", "/", "", "=", "").Replace(strings.TrimPrefix(pw, "pg:"))
	var lines []string
	for _, k := range []string{"KOPPEL_ENCRYPTION_KEYS", "KOPPEL_CODEC_TOKEN", "POSTGRES_PASSWORD"} {
		lines = append(lines, k+"="+out[k])
	}
	return out, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}

// start runs a child process and reports its death on st.died.
func (st *stackRun) start(name string, cmd *exec.Cmd) error {
	p, err := startProcess(name, cmd)
	if err != nil {
		return err
	}
	st.procs = append(st.procs, p)
	go func() {
		<-p.done
		st.died <- p
	}()
	return nil
}

func (st *stackRun) stopAll() {
	for i := len(st.procs) - 1; i >= 0; i-- {
		st.procs[i].stop()
	}
}

// bin is one of the binaries make builds into bin/.
func (st *stackRun) bin(name string) string { return filepath.Join(st.repo, "bin", name) }

// pgBinary finds a PostgreSQL server program: on PATH, else in Debian's
// versioned folder.
func pgBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("PostgreSQL's %s is not installed; make stack installs it (apt-get install postgresql)", name)
}

// startPostgres makes the cluster on the first start (as an unprivileged
// user, with a password for TCP) and serves it on loopback.
func (st *stackRun) startPostgres(ctx context.Context) error {
	pgDir := filepath.Join(st.dir, "pg")
	dataDir := filepath.Join(pgDir, "data")
	if err := os.MkdirAll(pgDir, 0o700); err != nil {
		return err
	}
	if st.pgUser != nil {
		if err := os.Chown(pgDir, int(st.pgUser.Uid), int(st.pgUser.Gid)); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		initdb, err := pgBinary("initdb")
		if err != nil {
			return err
		}
		pwFile := filepath.Join(pgDir, "pwfile")
		if err := os.WriteFile(pwFile, []byte(st.secrets["POSTGRES_PASSWORD"]), 0o600); err != nil {
			return err
		}
		if st.pgUser != nil {
			_ = os.Chown(pwFile, int(st.pgUser.Uid), int(st.pgUser.Gid))
		}
		cmd := exec.Command(initdb, "-D", dataDir, "-U", "temporal", "-E", "UTF8", "--auth-host=scram-sha-256",
			"--auth-local=scram-sha-256", "--pwfile="+pwFile)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: st.pgUser}
		out, err := cmd.CombinedOutput()
		_ = os.Remove(pwFile)
		if err != nil {
			return fmt.Errorf("initdb: %v\n%s", err, out)
		}
		fmt.Printf("PostgreSQL cluster made in %s\n", dataDir)
	}
	postgres, err := pgBinary("postgres")
	if err != nil {
		return err
	}
	cmd := exec.Command(postgres, "-D", dataDir, "-h", "127.0.0.1", "-p", strconv.Itoa(st.ports.postgres), "-k", pgDir,
		"-c", "log_min_messages=warning")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: st.pgUser}
	if err := st.start("PostgreSQL server", cmd); err != nil {
		return err
	}
	return waitTCP(ctx, fmt.Sprintf("127.0.0.1:%d", st.ports.postgres), "PostgreSQL")
}

// setupSchema runs deploy/temporal/setup-schema.sh, the compose file's
// schema job, with the sql tool built from tools.mod.
func (st *stackRun) setupSchema(ctx context.Context) error {
	schemaDir, err := moduleDir("go.temporal.io/server")
	if err != nil {
		return err
	}
	var last []byte
	for attempt := 0; attempt < 30; attempt++ { // PostgreSQL may still be starting up
		cmd := exec.CommandContext(ctx, "sh", filepath.Join(st.repo, "deploy/temporal/setup-schema.sh"))
		cmd.Env = append(os.Environ(), "PATH="+filepath.Join(st.repo, "bin")+":"+os.Getenv("PATH"),
			"SQL_PLUGIN=postgres12", "SQL_HOST=127.0.0.1", "SQL_PORT="+strconv.Itoa(st.ports.postgres),
			"SQL_USER=temporal", "SQL_PASSWORD="+st.secrets["POSTGRES_PASSWORD"],
			"SCHEMA_DIR="+filepath.Join(schemaDir, "schema/postgresql/v12"))
		out, err := cmd.CombinedOutput()
		if err == nil {
			fmt.Println("Temporal's schemas are up to date (deploy/temporal/setup-schema.sh)")
			return nil
		}
		last = out
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return fmt.Errorf("setting up Temporal's schemas failed:\n%s", last)
}

// moduleDir is where a module of tools.mod sits in the module cache.
func moduleDir(module string) (string, error) {
	out, err := exec.Command("go", "list", "-modfile=tools.mod", "-m", "-f", "{{.Dir}}", module).Output()
	if err != nil {
		return "", fmt.Errorf("finding %s of tools.mod (run make stack, which downloads it): %w", module, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// startTemporal runs the server with deploy/temporal/config, as the compose
// file's temporal service does.
func (st *stackRun) startTemporal(ctx context.Context) error {
	p := st.ports
	cmd := exec.Command(st.bin("temporal-server"), "--root", st.repo, "--config", "deploy/temporal/config", "--env", "koppel",
		"--allow-no-auth", "start")
	cmd.Env = append(os.Environ(),
		"POSTGRES_SEEDS=127.0.0.1", "DB_PORT="+strconv.Itoa(p.postgres), "POSTGRES_USER=temporal",
		"POSTGRES_PWD="+st.secrets["POSTGRES_PASSWORD"], "BIND_ON_IP=127.0.0.1", "TEMPORAL_BROADCAST_ADDRESS=127.0.0.1",
		"FRONTEND_GRPC_PORT="+strconv.Itoa(p.frontend), "FRONTEND_HTTP_PORT="+strconv.Itoa(p.frontend+10),
		"FRONTEND_MEMBERSHIP_PORT="+strconv.Itoa(p.frontend-300),
		"HISTORY_GRPC_PORT="+strconv.Itoa(p.frontend+1), "HISTORY_MEMBERSHIP_PORT="+strconv.Itoa(p.frontend-299),
		"MATCHING_GRPC_PORT="+strconv.Itoa(p.frontend+2), "MATCHING_MEMBERSHIP_PORT="+strconv.Itoa(p.frontend-298),
		"WORKER_GRPC_PORT="+strconv.Itoa(p.frontend+6), "WORKER_MEMBERSHIP_PORT="+strconv.Itoa(p.frontend-294),
		"PROMETHEUS_ENDPOINT=127.0.0.1:"+strconv.Itoa(p.serverMetrics),
		"DYNAMIC_CONFIG_FILE_PATH="+filepath.Join(st.repo, "deploy/temporal/config/dynamicconfig/koppel.yaml"))
	if err := st.start("Temporal server", cmd); err != nil {
		return fmt.Errorf("%w; make stack builds it", err)
	}
	return waitServing(ctx, fmt.Sprintf("127.0.0.1:%d", p.frontend))
}

// waitServing waits until the frontend's health service says SERVING, so no
// client meets a server still joining its own cluster.
func waitServing(ctx context.Context, addr string) error {
	if err := waitTCP(ctx, addr, "the Temporal server"); err != nil {
		return err
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	health := healthpb.NewHealthClient(conn)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		resp, err := health.Check(cctx, &healthpb.HealthCheckRequest{Service: "temporal.api.workflowservice.v1.WorkflowService"})
		cancel()
		if err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the Temporal server on %s is not serving after two minutes (%v)", addr, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// startFront runs the Web UI (deploy/temporal-ui/config, the compose file's
// settings) wired to the codec server, and the codec server.
func (st *stackRun) startFront() error {
	p := st.ports
	uiURL := fmt.Sprintf("http://127.0.0.1:%d", p.ui)
	codecAddr := fmt.Sprintf("127.0.0.1:%d", p.codec)
	codecCmd := exec.Command(st.bin("koppel-worker"), "codec-server")
	codecCmd.Env = append(os.Environ(), "KOPPEL_CODEC_ADDRESS="+codecAddr, "KOPPEL_CODEC_ORIGINS="+uiURL)
	if err := st.start("codec server", codecCmd); err != nil {
		return err
	}
	ui := exec.Command(st.bin("temporal-ui-server"), "--root", filepath.Join(st.repo, "deploy/temporal-ui"), "--config", "config",
		"--env", "koppel", "start")
	ui.Env = append(os.Environ(), fmt.Sprintf("TEMPORAL_ADDRESS=127.0.0.1:%d", p.frontend), "TEMPORAL_UI_HOST=127.0.0.1",
		"TEMPORAL_UI_PORT="+strconv.Itoa(p.ui), "TEMPORAL_CORS_ORIGINS="+uiURL, "TEMPORAL_CODEC_ENDPOINT=http://"+codecAddr,
		"TEMPORAL_DEFAULT_NAMESPACE="+os.Getenv("TEMPORAL_NAMESPACE"))
	ui.Stdout, ui.Stderr = nil, nil // its banner is noise here
	return st.start("Temporal Web UI", ui)
}

// startServerSide brings up PostgreSQL, Temporal's schemas and the server,
// then prepares the namespace (starter setup) and returns a client; it
// reports what setup changed.
func (st *stackRun) startServerSide(ctx context.Context) (*session, client.Client, []string, error) {
	if err := st.startPostgres(ctx); err != nil {
		return nil, nil, nil, err
	}
	if err := st.setupSchema(ctx); err != nil {
		return nil, nil, nil, err
	}
	if err := st.startTemporal(ctx); err != nil {
		return nil, nil, nil, err
	}
	s, err := newSession()
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := dialWhenUp(ctx, s)
	if err != nil {
		return nil, nil, nil, err
	}
	changes, err := kworker.Setup(ctx, c, s.proc.TemporalNamespace, s.proc.Retention)
	if err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	return s, c, changes, nil
}

// stopNamed signals the stack's process of that name, waits for its end
// and forgets it (a crash of the fault run, or a restart).
func (st *stackRun) stopNamed(name string, sig syscall.Signal) error {
	for _, p := range st.procs {
		if p.name == name {
			_ = p.cmd.Process.Signal(sig)
			<-p.done
			st.procs = slices.DeleteFunc(st.procs, func(q *process) bool { return q == p })
			return nil
		}
	}
	return fmt.Errorf("no %s runs", name)
}

// startPrometheus runs Debian's Prometheus on loopback, scraping every
// worker, the receiver and the server, with deploy/prometheus/koppel-rules.yml
// (the rules the compose file's Prometheus loads). Without the binary it
// says so and goes on.
func (st *stackRun) startPrometheus(workers int, receiver bool) (string, error) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		fmt.Println("Prometheus is not installed (make stack installs Debian's package); going on without it")
		return "", nil
	}
	var targets []string
	for i := 0; i < workers; i++ {
		targets = append(targets, fmt.Sprintf("%q", fmt.Sprintf("127.0.0.1:%d", st.ports.workerMetrics+i)))
	}
	webhooks := ""
	if receiver {
		webhooks = fmt.Sprintf("  - job_name: koppel-webhooks\n    static_configs:\n      - targets: [%q]\n", stackWebhooksAddr)
	}
	conf := fmt.Sprintf(`# Written by make stack: the loopback twin of deploy/prometheus/prometheus.compose.yml.
global:
  scrape_interval: 15s
  evaluation_interval: 30s
rule_files:
  - %q
scrape_configs:
  - job_name: koppel-worker
    static_configs:
      - targets: [%s]
%s  - job_name: temporal-server
    static_configs:
      - targets: ["127.0.0.1:%d"]
`, filepath.Join(st.repo, "deploy/prometheus/koppel-rules.yml"), strings.Join(targets, ", "), webhooks, st.ports.serverMetrics)
	path := filepath.Join(st.dir, "prometheus.yml")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return "", err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", st.ports.prometheus)
	cmd := exec.Command(bin, "--config.file="+path, "--storage.tsdb.path="+filepath.Join(st.dir, "prometheus"),
		"--web.listen-address="+addr, "--log.level=warn")
	if err := st.start("Prometheus", cmd); err != nil {
		return "", err
	}
	return "http://" + addr, nil
}

// startWorker runs worker process n with its own metrics port.
func (st *stackRun) startWorker(n int, file string) error {
	cmd := koppelCommand(st.bin("koppel-worker"), file, nil, "KOPPEL_LOG_LEVEL=warn",
		fmt.Sprintf("KOPPEL_METRICS_ADDRESS=127.0.0.1:%d", st.ports.workerMetrics+n-1),
		fmt.Sprintf("KOPPEL_UI_ADDRESS=http://127.0.0.1:%d", st.ports.ui))
	return st.start(fmt.Sprintf("worker %d", n), cmd)
}

func (st *stackRun) printSummary(sims *devSims, applied []kworker.ScheduleChange, workers int, derived, file string) {
	p := st.ports
	fmt.Printf("\nKoppel's production shape is running.\n")
	fmt.Printf("  Web UI:          http://127.0.0.1:%d/namespaces/%s/workflows\n", p.ui, os.Getenv("TEMPORAL_NAMESPACE"))
	fmt.Printf("  Temporal server: 127.0.0.1:%d on PostgreSQL 127.0.0.1:%d (%s)\n", p.frontend, p.postgres, filepath.Join(st.dir, "pg"))
	fmt.Printf("  Server metrics:  http://127.0.0.1:%d/metrics\n", p.serverMetrics)
	fmt.Printf("  Codec server:    http://127.0.0.1:%d (token in %s)\n", p.codec, filepath.Join(st.dir, "secrets.env"))
	for i := 1; i <= workers; i++ {
		fmt.Printf("  worker %d:        metrics http://127.0.0.1:%d/metrics\n", i, p.workerMetrics+i-1)
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

// waitTCP waits until something accepts connections at addr.
func waitTCP(ctx context.Context, addr, what string) error {
	deadline := time.Now().Add(time.Minute)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return conn.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s does not answer on %s after a minute", what, addr)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
