// Package stack runs Koppel's production shape on one machine, natively:
// a PostgreSQL cluster from the machine's packages, Temporal's schemas made
// by the compose file's own script, the Temporal server and Web UI built
// from tools.mod with the compose file's configuration, the codec server,
// worker processes and Prometheus. make stack, the fault run and the
// production-shape benchmark all stand on it.
package stack

import (
	"context"
	"errors"
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

// Ports are where the production shape listens, all on loopback. The
// server's other services take ports next to Frontend (see StartTemporal);
// worker n serves its metrics on WorkerMetrics+n-1. The server's ports stay
// below 32768: Temporal keeps them in a smallint column.
type Ports struct {
	Postgres, Frontend, UI, Codec, ServerMetrics, WorkerMetrics, Prometheus int
}

// Run is one run of the production shape: its folder, ports, secrets
// and processes (stopped in reverse order).
type Run struct {
	Dir, Repo string
	Ports     Ports
	Secrets   map[string]string
	// Died hears of every process started with Start that ended.
	Died   chan *Process
	procs  []*Process
	pgUser *syscall.Credential // nil: PostgreSQL runs as this user
}

// New prepares a run in dir (made if missing; its secrets are made on the
// first run and kept) for the repository at repo, where bin/ and deploy/
// are. It sets the secrets and the server's address in this process's
// environment, which the children inherit.
func New(dir, repo string, ports Ports) (*Run, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if repo, err = filepath.Abs(repo); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, err
	}
	if ports.Frontend-300 < 1024 || ports.Frontend+10 > 32767 {
		return nil, fmt.Errorf("frontend port %d: the server's ports (300 below it to 10 above) must lie within 1024-32767", ports.Frontend)
	}
	for _, port := range []int{ports.Postgres, ports.Frontend, ports.UI, ports.Codec, ports.ServerMetrics} {
		if err := PortFree(fmt.Sprintf("127.0.0.1:%d", port)); err != nil {
			return nil, err
		}
	}
	st := &Run{Dir: abs, Repo: repo, Ports: ports, Died: make(chan *Process, 16)}
	lines, err := LoadSecrets(abs, "stack1", true)
	if err != nil {
		return nil, err
	}
	st.Secrets = map[string]string{}
	for _, line := range lines {
		k, v, _ := strings.Cut(line, "=")
		st.Secrets[k] = v
	}
	for k, v := range st.Secrets {
		_ = os.Setenv(k, v) // this process's client and the children read them
	}
	_ = os.Setenv("TEMPORAL_ADDRESS", fmt.Sprintf("127.0.0.1:%d", ports.Frontend))
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

// LoadSecrets reads a run's secrets (K=V lines) from dir/secrets.env,
// making them on the first start: the payload key (named keyID), the codec
// token and, with database, PostgreSQL's password. They are kept (0600), so
// histories sealed by earlier runs still open.
func LoadSecrets(dir, keyID string, database bool) ([]string, error) {
	path := filepath.Join(dir, "secrets.env")
	if b, err := os.ReadFile(path); err == nil {
		return strings.Fields(string(b)), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key, err := codec.NewKey(keyID)
	if err != nil {
		return nil, err
	}
	token, err := codec.NewKey("token")
	if err != nil {
		return nil, err
	}
	lines := []string{"KOPPEL_ENCRYPTION_KEYS=" + key, "KOPPEL_CODEC_TOKEN=" + strings.TrimPrefix(token, "token:")}
	if database {
		pw, err := codec.NewKey("pg")
		if err != nil {
			return nil, err
		}
		// Hex-ish and quote-free, so it sits in a URL and a YAML string alike.
		lines = append(lines, "POSTGRES_PASSWORD="+strings.NewReplacer("+", "", "/", "", "=", "").Replace(strings.TrimPrefix(pw, "pg:")))
	}
	return lines, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}

// start runs a child process and reports its death on st.Died.
func (st *Run) Start(name string, cmd *exec.Cmd) error {
	p, err := StartProcess(name, cmd)
	if err != nil {
		return err
	}
	st.procs = append(st.procs, p)
	go func() {
		<-p.Done
		st.Died <- p
	}()
	return nil
}

func (st *Run) StopAll() {
	for i := len(st.procs) - 1; i >= 0; i-- {
		st.procs[i].Stop()
	}
}

// bin is one of the binaries make builds into bin/.
func (st *Run) Bin(name string) string { return filepath.Join(st.Repo, "bin", name) }

// pgBinary finds a PostgreSQL server program: on PATH, else in Debian's
// versioned folder.
func PGBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("PostgreSQL's %s is not installed; make stack installs it (apt-get install postgresql)", name)
}

// StartPostgres makes the cluster on the first start (as an unprivileged
// user, with a password for TCP) and serves it on loopback.
func (st *Run) StartPostgres(ctx context.Context) error {
	pgDir := filepath.Join(st.Dir, "pg")
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
		initdb, err := PGBinary("initdb")
		if err != nil {
			return err
		}
		pwFile := filepath.Join(pgDir, "pwfile")
		if err := os.WriteFile(pwFile, []byte(st.Secrets["POSTGRES_PASSWORD"]), 0o600); err != nil {
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
	postgres, err := PGBinary("postgres")
	if err != nil {
		return err
	}
	cmd := exec.Command(postgres, "-D", dataDir, "-h", "127.0.0.1", "-p", strconv.Itoa(st.Ports.Postgres), "-k", pgDir,
		"-c", "log_min_messages=warning")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: st.pgUser}
	if err := st.Start("PostgreSQL server", cmd); err != nil {
		return err
	}
	return WaitTCP(ctx, fmt.Sprintf("127.0.0.1:%d", st.Ports.Postgres), "PostgreSQL")
}

// SetupSchema runs deploy/temporal/setup-schema.sh, the compose file's
// schema job, with the sql tool built from tools.mod.
func (st *Run) SetupSchema(ctx context.Context) error {
	schemaDir, err := st.moduleDir("go.temporal.io/server")
	if err != nil {
		return err
	}
	var last []byte
	for attempt := 0; attempt < 30; attempt++ { // PostgreSQL may still be starting up
		cmd := exec.CommandContext(ctx, "sh", filepath.Join(st.Repo, "deploy/temporal/setup-schema.sh"))
		cmd.Env = append(os.Environ(), "PATH="+filepath.Join(st.Repo, "bin")+":"+os.Getenv("PATH"),
			"SQL_PLUGIN=postgres12", "SQL_HOST=127.0.0.1", "SQL_PORT="+strconv.Itoa(st.Ports.Postgres),
			"SQL_USER=temporal", "SQL_PASSWORD="+st.Secrets["POSTGRES_PASSWORD"],
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

// moduleDir is where a module of the repository's tools.mod sits in the
// module cache.
func (st *Run) moduleDir(module string) (string, error) {
	cmd := exec.Command("go", "list", "-modfile=tools.mod", "-m", "-f", "{{.Dir}}", module)
	cmd.Dir = st.Repo
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("finding %s of tools.mod (run make stack, which downloads it): %w", module, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// StartTemporal runs the server with deploy/temporal/config, as the compose
// file's temporal service does.
func (st *Run) StartTemporal(ctx context.Context) error {
	p := st.Ports
	cmd := exec.Command(st.Bin("temporal-server"), "--root", st.Repo, "--config", "deploy/temporal/config", "--env", "koppel",
		"--allow-no-auth", "start")
	cmd.Env = append(os.Environ(),
		"POSTGRES_SEEDS=127.0.0.1", "DB_PORT="+strconv.Itoa(p.Postgres), "POSTGRES_USER=temporal",
		"POSTGRES_PWD="+st.Secrets["POSTGRES_PASSWORD"], "BIND_ON_IP=127.0.0.1", "TEMPORAL_BROADCAST_ADDRESS=127.0.0.1",
		"FRONTEND_GRPC_PORT="+strconv.Itoa(p.Frontend), "FRONTEND_HTTP_PORT="+strconv.Itoa(p.Frontend+10),
		"FRONTEND_MEMBERSHIP_PORT="+strconv.Itoa(p.Frontend-300),
		"HISTORY_GRPC_PORT="+strconv.Itoa(p.Frontend+1), "HISTORY_MEMBERSHIP_PORT="+strconv.Itoa(p.Frontend-299),
		"MATCHING_GRPC_PORT="+strconv.Itoa(p.Frontend+2), "MATCHING_MEMBERSHIP_PORT="+strconv.Itoa(p.Frontend-298),
		"WORKER_GRPC_PORT="+strconv.Itoa(p.Frontend+6), "WORKER_MEMBERSHIP_PORT="+strconv.Itoa(p.Frontend-294),
		"PROMETHEUS_ENDPOINT=127.0.0.1:"+strconv.Itoa(p.ServerMetrics),
		"DYNAMIC_CONFIG_FILE_PATH="+filepath.Join(st.Repo, "deploy/temporal/config/dynamicconfig/koppel.yaml"))
	if err := st.Start("Temporal server", cmd); err != nil {
		return fmt.Errorf("%w; make stack builds it", err)
	}
	return waitServing(ctx, fmt.Sprintf("127.0.0.1:%d", p.Frontend))
}

// waitServing waits until the frontend's health service says SERVING, so no
// client meets a server still joining its own cluster.
func waitServing(ctx context.Context, addr string) error {
	if err := WaitTCP(ctx, addr, "the Temporal server"); err != nil {
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

// StartFront runs the Web UI (deploy/temporal-ui/config, the compose file's
// settings) wired to the codec server, and the codec server.
func (st *Run) StartFront() error {
	p := st.Ports
	uiURL := fmt.Sprintf("http://127.0.0.1:%d", p.UI)
	codecAddr := fmt.Sprintf("127.0.0.1:%d", p.Codec)
	codecCmd := exec.Command(st.Bin("koppel-worker"), "codec-server")
	codecCmd.Env = append(os.Environ(), "KOPPEL_CODEC_ADDRESS="+codecAddr, "KOPPEL_CODEC_ORIGINS="+uiURL)
	if err := st.Start("codec server", codecCmd); err != nil {
		return err
	}
	ui := exec.Command(st.Bin("temporal-ui-server"), "--root", filepath.Join(st.Repo, "deploy/temporal-ui"), "--config", "config",
		"--env", "koppel", "start")
	ui.Env = append(os.Environ(), fmt.Sprintf("TEMPORAL_ADDRESS=127.0.0.1:%d", p.Frontend), "TEMPORAL_UI_HOST=127.0.0.1",
		"TEMPORAL_UI_PORT="+strconv.Itoa(p.UI), "TEMPORAL_CORS_ORIGINS="+uiURL, "TEMPORAL_CODEC_ENDPOINT=http://"+codecAddr,
		"TEMPORAL_DEFAULT_NAMESPACE="+os.Getenv("TEMPORAL_NAMESPACE"))
	ui.Stdout, ui.Stderr = nil, nil // its banner is noise here
	return st.Start("Temporal Web UI", ui)
}

// StartServerSide brings up PostgreSQL, Temporal's schemas and the server,
// then prepares the namespace (starter setup) and returns a client; it
// reports what setup changed.
func (st *Run) StartServerSide(ctx context.Context) (config.Process, client.Client, []string, error) {
	p, err := config.LoadProcess()
	if err != nil {
		return p, nil, nil, err
	}
	if err := st.StartPostgres(ctx); err != nil {
		return p, nil, nil, err
	}
	if err := st.SetupSchema(ctx); err != nil {
		return p, nil, nil, err
	}
	if err := st.StartTemporal(ctx); err != nil {
		return p, nil, nil, err
	}
	z, err := kworker.NewZap("warn", "console")
	if err != nil {
		return p, nil, nil, err
	}
	p.ConnectWait = max(p.ConnectWait, time.Minute)
	c, err := kworker.DialAndWait(ctx, p, z, nil)
	if err != nil {
		return p, nil, nil, err
	}
	changes, err := kworker.Setup(ctx, c, p.TemporalNamespace, p.Retention)
	if err != nil {
		c.Close()
		return p, nil, nil, err
	}
	return p, c, changes, nil
}

// Track adds a process started elsewhere to the ones StopAll stops, without
// reporting its end on Died (a worker the fault run kills on purpose).
func (st *Run) Track(p *Process) { st.procs = append(st.procs, p) }

// StopNamed signals the stack's process of that name, waits for its end
// and forgets it (a crash of the fault run, or a restart).
func (st *Run) StopNamed(name string, sig syscall.Signal) error {
	for _, p := range st.procs {
		if p.Name == name {
			_ = p.Cmd.Process.Signal(sig)
			<-p.Done
			st.procs = slices.DeleteFunc(st.procs, func(q *Process) bool { return q == p })
			return nil
		}
	}
	return fmt.Errorf("no %s runs", name)
}

// StartPrometheus runs Debian's Prometheus on loopback, scraping every
// worker, the receiver and the server, with deploy/prometheus/koppel-rules.yml
// (the rules the compose file's Prometheus loads). Without the binary it
// says so and goes on.
func (st *Run) StartPrometheus(workers int, receiverAddr string) (string, error) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		fmt.Println("Prometheus is not installed (make stack installs Debian's package); going on without it")
		return "", nil
	}
	var targets []string
	for i := 0; i < workers; i++ {
		targets = append(targets, fmt.Sprintf("%q", fmt.Sprintf("127.0.0.1:%d", st.Ports.WorkerMetrics+i)))
	}
	webhooks := ""
	if receiverAddr != "" {
		webhooks = fmt.Sprintf("  - job_name: koppel-webhooks\n    static_configs:\n      - targets: [%q]\n", receiverAddr)
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
`, filepath.Join(st.Repo, "deploy/prometheus/koppel-rules.yml"), strings.Join(targets, ", "), webhooks, st.Ports.ServerMetrics)
	path := filepath.Join(st.Dir, "prometheus.yml")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return "", err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", st.Ports.Prometheus)
	cmd := exec.Command(bin, "--config.file="+path, "--storage.tsdb.path="+filepath.Join(st.Dir, "prometheus"),
		"--web.listen-address="+addr, "--log.level=warn")
	if err := st.Start("Prometheus", cmd); err != nil {
		return "", err
	}
	return "http://" + addr, nil
}

// StartWorker runs worker process n with its own metrics port.
func (st *Run) StartWorker(n int, file string) error {
	cmd := KoppelCommand(st.Bin("koppel-worker"), file, nil, "KOPPEL_LOG_LEVEL=warn",
		fmt.Sprintf("KOPPEL_METRICS_ADDRESS=127.0.0.1:%d", st.Ports.WorkerMetrics+n-1),
		fmt.Sprintf("KOPPEL_UI_ADDRESS=http://127.0.0.1:%d", st.Ports.UI))
	return st.Start(fmt.Sprintf("worker %d", n), cmd)
}

// WaitTCP waits until something accepts connections at addr.
func WaitTCP(ctx context.Context, addr, what string) error {
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
