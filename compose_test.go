package koppel_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// No Docker engine runs here, so the compose file is checked with the
// compose-spec parser Docker Compose itself uses: it must load and validate,
// and keep the shape the README describes.
func TestComposeFileIsValid(t *testing.T) {
	env := []string{"POSTGRES_PASSWORD=x", "KOPPEL_ENCRYPTION_KEYS=k:x", "KOPPEL_CODEC_TOKEN=t"}
	opts, err := cli.NewProjectOptions([]string{"docker-compose.yml"}, cli.WithName("koppel"), cli.WithEnv(env), cli.WithWorkingDirectory("."))
	require.NoError(t, err)
	p, err := opts.LoadProject(context.Background())
	require.NoError(t, err)

	svc := func(name string) types.ServiceConfig {
		s, err := p.GetService(name)
		require.NoError(t, err, name)
		return s
	}
	for _, name := range []string{"postgresql", "temporal-schema", "temporal", "koppel-setup", "koppel-schedules", "worker", "codec-server", "temporal-ui"} {
		svc(name)
	}
	w := svc("worker")
	require.NotNil(t, w.Deploy)
	require.NotNil(t, w.Deploy.Replicas)
	assert.Equal(t, 2, *w.Deploy.Replicas, "two worker replicas")
	assert.Equal(t, types.ServiceConditionCompletedSuccessfully, w.DependsOn["koppel-setup"].Condition)
	assert.Equal(t, types.ServiceConditionCompletedSuccessfully, svc("temporal").DependsOn["temporal-schema"].Condition)
	assert.NotContains(t, svc("temporal").Image, "auto-setup", "the deprecated image is not used")
	assert.Equal(t, "http://localhost:8081", *svc("temporal-ui").Environment["TEMPORAL_CODEC_ENDPOINT"])
	assert.Equal(t, []string{"codec-server"}, []string(svc("codec-server").Command))
	for _, s := range p.Services {
		for _, port := range s.Ports {
			assert.Equal(t, "127.0.0.1", port.HostIP, "%s publishes %s beyond loopback", s.Name, port.Published)
		}
	}

	// One configuration for compose and make stack: the services mount the
	// files make stack runs the native binaries with.
	mounts := func(name string) []string {
		var out []string
		for _, v := range svc(name).Volumes {
			out = append(out, v.Source+" → "+v.Target)
		}
		return out
	}
	abs := func(rel string) string { a, err := filepath.Abs(rel); require.NoError(t, err); return a }
	assert.Contains(t, mounts("temporal"), abs("deploy/temporal/config")+" → /etc/temporal/config")
	assert.Contains(t, svc("temporal").Entrypoint, "koppel", "the server runs with deploy/temporal/config/koppel.yaml")
	assert.Contains(t, mounts("temporal-schema"), abs("deploy/temporal/setup-schema.sh")+" → /deploy/setup-schema.sh")
	assert.Contains(t, mounts("temporal-ui"), abs("deploy/temporal-ui/config/koppel.yaml")+" → /home/ui-server/config/koppel.yaml")
	assert.Equal(t, "koppel", *svc("temporal-ui").Environment["TEMPORAL_ENVIRONMENT"])
	assert.Contains(t, mounts("prometheus"), abs("deploy/prometheus/koppel-rules.yml")+" → /etc/prometheus/koppel-rules.yml",
		"the alerting rules make stack loads")
	for _, f := range []string{"deploy/temporal/config/koppel.yaml", "deploy/temporal/config/dynamicconfig/koppel.yaml",
		"deploy/temporal/setup-schema.sh", "deploy/temporal-ui/config/koppel.yaml", "deploy/prometheus/koppel-rules.yml",
		"deploy/prometheus/prometheus.compose.yml"} {
		_, err := os.Stat(f)
		assert.NoError(t, err, "%s is mounted by the compose file", f)
	}

	// Secrets are required from the environment, never written in the file.
	raw, err := os.ReadFile("docker-compose.yml")
	require.NoError(t, err)
	assert.Contains(t, string(raw), "${POSTGRES_PASSWORD:?")
	assert.Contains(t, string(raw), "${KOPPEL_ENCRYPTION_KEYS:?")
	opts, err = cli.NewProjectOptions([]string{"docker-compose.yml"}, cli.WithName("koppel"), cli.WithEnv(nil), cli.WithWorkingDirectory("."))
	require.NoError(t, err)
	_, err = opts.LoadProject(context.Background())
	require.Error(t, err, "without the secrets the file does not load")
	assert.True(t, strings.Contains(err.Error(), "POSTGRES_PASSWORD") || strings.Contains(err.Error(), "KOPPEL_"), err.Error())
}

// Koppel's alerting rules load and do what their tests say (promtool test
// rules: failing records, 429s and limiter waits per system, schedule runs
// failing or late, no orders during business hours, token refresh failing,
// refused webhooks). make test installs promtool with Debian's prometheus.
func TestAlertingRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed; make test installs it (Debian's prometheus package)")
	}
	for _, args := range [][]string{
		{"check", "rules", "deploy/prometheus/koppel-rules.yml"},
		{"check", "config", "--syntax-only", "deploy/prometheus/prometheus.compose.yml"},
		{"test", "rules", "deploy/prometheus/koppel-rules.test.yml"},
	} {
		out, err := exec.Command(promtool, args...).CombinedOutput()
		assert.NoError(t, err, "promtool %v:\n%s", args, out)
	}
}
