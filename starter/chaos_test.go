package main

import (
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/model"
	"github.com/koppel/koppel/starter/stack"
)

// The fault run's verdict comes from the till and the seeded orders alone:
// a doubled order (by key or by the shop's number), a missing one, a wrong
// total or line, and a doubled relation are each found; a failed workflow
// is no missing order.
func TestTheChaosVerdictFindsEveryKindOfDamage(t *testing.T) {
	orders, _ := chaosOrders(6, rand.New(rand.NewSource(3)))
	ids := []string{"1", "2", "3", "4", "5", "6"}
	bySource := map[string]model.Order{}
	var till []mplussim.Order
	for i, id := range ids {
		bySource[id] = orders[i]
		var lines []mplussim.Line
		var total int64
		for _, l := range orders[i].Lines {
			lines = append(lines, mplussim.Line{PLU: l.SKU, LineTotalInclCents: l.LineTotal().Amount})
			total += l.LineTotal().Amount
		}
		till = append(till, mplussim.Order{ExtOrderID: chaosIntegration + "-" + id, Reference: "2026-" + id, Lines: lines, TotalInclCents: total})
	}
	clean := judgeTill(6, ids, bySource, till, nil, nil)
	require.True(t, clean.ok(), "%+v", clean)
	assert.Equal(t, 6, clean.Committed)

	damaged := append([]mplussim.Order{}, till[:4]...)
	damaged = append(damaged, till[0]) // order 1 twice under its key
	other := till[1]
	other.ExtOrderID = "other-2" // order 2 again under another key
	damaged = append(damaged, other)
	damaged[2].TotalInclCents++ // order 3 a cent off
	damaged[3].Lines = append([]mplussim.Line{}, damaged[3].Lines...)
	damaged[3].Lines[0].PLU = "OTHER" // order 4: another article, same total
	relations := []mplussim.Relation{{Email: "klant00001@chaos.example"}, {Email: "Klant00001@chaos.example"}}
	r := judgeTill(6, ids, bySource, damaged, relations, map[string]string{"6": "UnknownProducts"})
	assert.Equal(t, 2, r.Duplicates, "%v", r.Problems)
	assert.Equal(t, 1, r.Missing, "order 5")
	assert.Equal(t, 1, r.Failed, "order 6 failed, and says why")
	assert.Equal(t, 2, r.WrongAmounts, "%v", r.Problems)
	assert.Equal(t, 1, r.DupCustomer)
	assert.False(t, r.ok())
	for _, p := range r.Problems {
		assert.NotContains(t, p, "chaos.example", "no e-mail address in the report")
	}
}

// The small fault run on the production shape, in every make test: the
// goal figures of the default run (make chaos) on a few hundred orders.
func TestChaosRunOnTheProductionShape(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault run")
	}
	for _, bin := range []string{"koppel-worker", "temporal-server", "temporal-sql-tool"} {
		if _, err := os.Stat(filepath.Join("..", "bin", bin)); err != nil {
			t.Skipf("bin/%s is not built; make test builds it", bin)
		}
	}
	if _, err := stack.PGBinary("initdb"); err != nil {
		t.Skip(err)
	}
	n := 300
	if v := os.Getenv("KOPPEL_CHAOS_ORDERS"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	// The stack runs from the repository root, where bin/ and deploy/ are.
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir(".."))
	t.Cleanup(func() { _ = os.Chdir(wd) })
	// PostgreSQL runs as an unprivileged user when the tests run as root:
	// its folder must be reachable for that user (t.TempDir's is not).
	dir, err := os.MkdirTemp("", "koppel-chaos-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	r, err := runChaos(context.Background(), chaosOptions{n: n, workers: 2, dir: filepath.Join(dir, "run"), seed: 7,
		ports: chaosPorts, out: os.Stdout, timeout: 20 * time.Minute})
	require.NoError(t, err)
	t.Log(r.summary())
	for _, p := range r.Problems {
		t.Log(p)
	}
	assert.True(t, r.ok(), r.summary())
	assert.Equal(t, n, r.Committed+r.Failed)
	assert.Zero(t, r.Failed, "no order fails for good through passing faults: %v", r.FailedReasons)
	assert.Positive(t, r.Faults["till-drop_after_commit"], "answers were lost after the write")
	assert.Positive(t, r.Faults["till-status"], "the till failed")
	assert.Len(t, r.Crashes, 4, "every crash happened")
	assert.LessOrEqual(t, r.GapAfterCrash, 30*time.Second, "orders go on within 30 s of every crash")
	// Tail included: an order waiting out five failed attempts stays
	// under it; a stall from a crash (a customer keeper's upsert left on a
	// killed worker waited 53 s to 4 min) does not.
	assert.LessOrEqual(t, r.LongestGap, 45*time.Second, "no long stall at all")
}
