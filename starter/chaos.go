package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
	"github.com/koppel/koppel/starter/stack"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

// The fault run: the production shape (PostgreSQL, the Temporal server,
// worker processes) syncs N CCV Shop orders into MplusKASSA while the
// simulators fail (5xx, 429 bursts with Retry-After, answers lost after the
// write, slow answers) and the processes die (a worker killed twice, the
// server killed once, PostgreSQL restarted). Then it checks, from the
// simulators' state and the orders it seeded — not from Koppel's own
// records — that every order is in the till once, to the cent, with one
// relation per customer.

// chaosOptions shape a run.
type chaosOptions struct {
	n       int
	workers int
	dir     string
	seed    int64
	ports   stack.Ports
	out     io.Writer
	// timeout bounds the whole run.
	timeout time.Duration
}

// chaosReport is what the run found.
type chaosReport struct {
	N, Committed, Failed                           int
	Duplicates, Missing, WrongAmounts, DupCustomer int
	FailedReasons                                  map[string]int
	Faults                                         map[string]int
	Crashes                                        []string
	LongestGap                                     time.Duration
	GapAfterCrash                                  time.Duration
	Took                                           time.Duration
	Problems                                       []string // the first few, for the operator
}

func (r chaosReport) ok() bool {
	return r.Duplicates == 0 && r.Missing == 0 && r.WrongAmounts == 0 && r.DupCustomer == 0
}

func (r chaosReport) summary() string {
	faults := make([]string, 0, len(r.Faults))
	for _, k := range slices.Sorted(maps.Keys(r.Faults)) {
		faults = append(faults, fmt.Sprintf("%s=%d", k, r.Faults[k]))
	}
	verdict := "PASS"
	if !r.ok() {
		verdict = "FAIL"
	}
	return fmt.Sprintf("chaos %s: %d orders, %d in the till, %d failed, %d duplicates, %d missing, %d wrong amounts, %d duplicate customers; "+
		"longest gap %s (%s after a crash); faults %s; crashes %s; took %s",
		verdict, r.N, r.Committed, r.Failed, r.Duplicates, r.Missing, r.WrongAmounts, r.DupCustomer,
		r.LongestGap.Round(100*time.Millisecond), r.GapAfterCrash.Round(100*time.Millisecond), strings.Join(faults, " "),
		strings.Join(r.Crashes, ", "), r.Took.Round(time.Second))
}

var chaosPorts = stack.Ports{Postgres: 25432, Frontend: 27233, UI: 28233, Codec: 28234, ServerMetrics: 28000, WorkerMetrics: 29464, Prometheus: 29090}

// chaosCmd runs the fault run and exits non-zero when an order is doubled,
// missing or wrong, or a customer doubled.
func chaosCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	n := fs.Int("n", 10000, "orders")
	workers := fs.Int("workers", 2, "worker processes")
	data := fs.String("data", ".chaos", "folder for the run's database (emptied first)")
	seed := fs.Int64("seed", 1, "seed of the orders and the fault timing")
	timeout := fs.Duration("timeout", 3*time.Hour, "give up after")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := runChaos(ctx, chaosOptions{n: *n, workers: *workers, dir: *data, seed: *seed, ports: chaosPorts, out: os.Stdout, timeout: *timeout})
	if err != nil {
		return err
	}
	fmt.Println(r.summary())
	if !r.ok() {
		return errors.New("the fault run found doubled, missing or wrong orders or doubled customers")
	}
	return nil
}

const (
	chaosPublic, chaosSecret = "chaos-public", "chaos-ccv-secret-7e1f"
	chaosIdent, chaosToken   = "chaos-ident", "chaos-mplus-secret-2b9d"
	chaosIntegration         = "chaos"
)

type chaosProduct struct {
	sku   string
	cents int64
	vat   int64
	code  int
}

var chaosCatalogue = []chaosProduct{
	{"KOF-1000", 1299, 9, mplussim.VatCodeLow}, {"MOK-0001", 895, 21, mplussim.VatCodeHigh},
	{"FLT-0100", 333, 21, mplussim.VatCodeHigh}, {"THE-0001", 1999, 9, mplussim.VatCodeLow},
	{"GFT-0000", 0, 21, mplussim.VatCodeHigh}, // a free gift: 0-priced lines
	{"MLK-0002", 4501, 21, mplussim.VatCodeHigh},
}

var chaosNames = [][2]string{{"Zoë", "Ångström"}, {"Łukasz", "Żółć"}, {"José", "Müller"}, {"Anaïs", "Dubois"},
	{"Jan", "de Vries"}, {"Søren", "Ødegård"}, {"Ülkü", "Çelik"}, {"Niamh", "Ó Briain"}}

var chaosCountries = []struct{ code, pc, city string }{
	{"NL", "1234 AB", "Utrecht"}, {"BE", "2000", "Antwerpen"}, {"DE", "10115", "Berlin"}, {"FR", "75001", "Paris"},
}

// chaosOrders makes n paid orders of customers (a fifth as many, so most
// buy more than once), with one to four lines of odd cents, quantities
// above one and free gifts.
func chaosOrders(n int, rng *rand.Rand) ([]model.Order, []model.Customer) {
	customers := make([]model.Customer, max(1, n/5))
	for i := range customers {
		name := chaosNames[i%len(chaosNames)]
		c := chaosCountries[i%len(chaosCountries)]
		a := model.Address{Name: name[0] + " " + name[1], Street: "Straße", HouseNumber: strconv.Itoa(1 + i%90), PostalCode: c.pc,
			City: c.city, CountryCode: c.code}
		customers[i] = model.Customer{Kind: model.CustomerPerson, Email: fmt.Sprintf("klant%05d@chaos.example", i),
			Person: model.Person{FirstName: name[0], LastName: name[1]}, Billing: a, Shipping: a}
	}
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	orders := make([]model.Order, n)
	for i := range orders {
		o := model.Order{CreatedAt: base.Add(time.Duration(i) * time.Millisecond), Status: model.StatusPending, Paid: true,
			Currency: "EUR", PricesIncludeVAT: true, Customer: customers[rng.Intn(len(customers))], ShippingVAT: model.VATPercent(21)}
		o.Total = model.NewMoney(0, "EUR")
		for j := 0; j <= rng.Intn(4); j++ {
			p := chaosCatalogue[rng.Intn(len(chaosCatalogue))]
			l := model.OrderLine{SKU: p.sku, Name: p.sku, Quantity: model.Pieces(int64(1 + rng.Intn(5))),
				UnitPrice: model.NewMoney(p.cents, "EUR"), VAT: model.VATPercent(p.vat)}
			o.Lines = append(o.Lines, l)
			o.Total = o.Total.Add(l.LineTotal())
		}
		orders[i] = o
	}
	return orders, customers
}

// chaosRun is one fault run's moving parts.
type chaosRun struct {
	o       chaosOptions
	st      *stack.Run
	shop    *ccvsim.Sim
	till    *mplussim.Sim
	file    string
	workers []*stack.Process

	ids []string // the shop's order ids, in the order they were seeded
	// failures reads a pending activity's last failure, which the workers
	// encrypt like every payload.
	failures converter.FailureConverter

	mu      sync.Mutex
	seen    map[string]time.Time // extOrderId → when first seen in the till
	crashes []chaosCrash
}

type chaosCrash struct {
	what string
	at   time.Time
}

func runChaos(ctx context.Context, o chaosOptions) (chaosReport, error) {
	started := time.Now()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := os.RemoveAll(o.dir); err != nil {
		return chaosReport{}, err
	}
	st, err := stack.New(o.dir, ".", o.ports)
	if err != nil {
		return chaosReport{}, err
	}
	defer st.StopAll()
	r := &chaosRun{o: o, st: st, seen: map[string]time.Time{}}
	rng := rand.New(rand.NewSource(o.seed))

	r.shop = ccvsim.New(ccvsim.Options{PublicKey: chaosPublic, SecretKey: chaosSecret, ReadsPerMinute: -1, WritesPerMinute: -1})
	r.till = mplussim.New(mplussim.Options{Ident: chaosIdent, Secret: chaosToken})
	shopSrv, err := simkit.Start("127.0.0.1:0", r.shop)
	if err != nil {
		return chaosReport{}, err
	}
	defer shopSrv.Close()
	tillSrv, err := simkit.Start("127.0.0.1:0", r.till)
	if err != nil {
		return chaosReport{}, err
	}
	defer tillSrv.Close()
	for i, p := range chaosCatalogue {
		r.till.AddProduct(mplussim.Product{ArticleNumber: int64(3001 + i), PLU: p.sku, Description: p.sku, PriceInclCents: p.cents, VatCode: p.code})
	}
	orders, customers := chaosOrders(o.n, rng)
	for i, c := range customers {
		if i%2 == 0 { // half the customers the till knows already
			r.till.AddRelation(mplussim.Relation{Email: c.Email, Name: c.Person.FirstName + " " + c.Person.LastName})
		}
	}
	ids := make([]string, len(orders))
	bySource := map[string]model.Order{}
	for i, ord := range orders {
		ids[i] = r.shop.AddOrder(ord)
		bySource[ids[i]] = ord
	}
	r.ids = ids

	r.file = filepath.Join(st.Dir, "chaos.yaml")
	if err := os.WriteFile(r.file, []byte(fmt.Sprintf(`
integrations:
  - name: %s
    source: {system: ccvshop, baseURL: %q, rateLimit: {readsPerMinute: -1, writesPerMinute: -1}, credentials: {publicKey: CHAOS_CCV_PUBLIC, secretKey: CHAOS_CCV_SECRET}}
    target: {system: mplus, baseURL: %q, credentials: {ident: CHAOS_MPLUS_IDENT, secret: CHAOS_MPLUS_SECRET}}
    flows:
      orders: {interval: 5s, startFrom: 2026-01-01}
`, chaosIntegration, shopSrv.URL, tillSrv.URL)), 0o600); err != nil {
		return chaosReport{}, err
	}
	for k, v := range map[string]string{"CHAOS_CCV_PUBLIC": chaosPublic, "CHAOS_CCV_SECRET": chaosSecret,
		"CHAOS_MPLUS_IDENT": chaosIdent, "CHAOS_MPLUS_SECRET": chaosToken} {
		_ = os.Setenv(k, v)
	}

	proc, c, _, err := st.StartServerSide(ctx)
	if err != nil {
		return chaosReport{}, err
	}
	defer c.Close()
	if _, r.failures, err = kworker.Converters(proc); err != nil {
		return chaosReport{}, err
	}
	if r.failures == nil {
		r.failures = temporal.GetDefaultFailureConverter()
	}
	for i := 1; i <= o.workers; i++ {
		if err := r.startWorker(i); err != nil {
			return chaosReport{}, err
		}
	}
	r.injectFaults()
	f, err := config.Load(r.file)
	if err != nil {
		return chaosReport{}, err
	}
	if _, err := kworker.ApplySchedules(ctx, c, f, proc.TaskQueue); err != nil {
		return chaosReport{}, err
	}
	fmt.Fprintf(o.out, "chaos: %d orders of %d customers, %d workers, faults on; crashes at 15, 30, 50 and 70 %% of the orders\n",
		o.n, len(customers), o.workers)

	if err := r.drive(ctx, c, proc.TemporalNamespace); err != nil {
		return chaosReport{}, err
	}
	r.shop.Faults().Clear()
	r.till.Faults().Clear()
	time.Sleep(3 * time.Second) // a late duplicate would show now
	rep := r.check(ctx, c, proc.TemporalNamespace, ids, bySource)
	rep.Took = time.Since(started)
	return rep, nil
}

// startWorker starts (or starts again) worker process n.
func (r *chaosRun) startWorker(n int) error {
	cmd := stack.KoppelCommand(r.st.Bin("koppel-worker"), r.file, nil, "KOPPEL_LOG_LEVEL=error",
		fmt.Sprintf("KOPPEL_METRICS_ADDRESS=127.0.0.1:%d", r.st.Ports.WorkerMetrics+n-1))
	p, err := stack.StartProcess(fmt.Sprintf("worker %d", n), cmd)
	if err != nil {
		return err
	}
	for len(r.workers) < n {
		r.workers = append(r.workers, nil)
	}
	r.workers[n-1] = p
	r.st.Track(p)
	return nil
}

// injectFaults sets the standing faults, at random from the run's seed: a
// fifth of the till's calls fail with a 5xx, one in ten orders and one in
// four relations is written but its answer lost, and one call in fifty of
// both systems is slow. (A fixed rhythm — every fifth call — locked onto
// the last orders' lone retries: every attempt hit the 503.)
func (r *chaosRun) injectFaults() {
	tf := r.till.Faults()
	tf.Seed(uint64(r.o.seed))
	tf.Add(simkit.Rule{Op: "createOrder", Kind: simkit.FaultDropAfterCommit, Share: 0.1})
	tf.Add(simkit.Rule{Op: "createRelation", Kind: simkit.FaultDropAfterCommit, Share: 0.25})
	tf.Add(simkit.Rule{Kind: simkit.FaultStatus, Status: 503, Share: 0.2})
	tf.Add(simkit.Rule{Kind: simkit.FaultLatency, Latency: 1500 * time.Millisecond, Share: 0.02})
	r.shop.Faults().Seed(uint64(r.o.seed) + 1)
	r.shop.Faults().Add(simkit.Rule{Kind: simkit.FaultLatency, Latency: 1500 * time.Millisecond, Share: 0.02})
}

// burst429 makes both systems answer every call with 429 and Retry-After
// for three seconds.
func (r *chaosRun) burst429() {
	until := time.Now().Add(3 * time.Second)
	r.till.Faults().Add(simkit.Rule{Kind: simkit.FaultRateLimit, RetryAfter: 2 * time.Second, Until: until})
	r.shop.Faults().Add(simkit.Rule{Kind: simkit.FaultRateLimit, RetryAfter: 2 * time.Second, Until: until})
}

// drive watches the till fill up and crashes the processes on the way,
// ends the standing faults for the last 2 % of the orders (at least 5)
// once every crash happened, and returns once every order is in the till
// or its workflow failed, or nothing moved for ten minutes.
func (r *chaosRun) drive(ctx context.Context, c client.Client, namespace string) error {
	steps := []struct {
		at   float64
		what string
		do   func() error
	}{
		{0.15, "worker 1 SIGKILL", func() error { return r.killWorker(1) }},
		{0.30, "Temporal server SIGKILL", r.killServer},
		{0.50, "worker 1 SIGKILL", func() error { return r.killWorker(1) }},
		{0.70, "PostgreSQL restart", r.restartPostgres},
	}
	lastProgress, lastCount := time.Now(), 0
	var lastReport time.Time
	nextBurst := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("the fault run did not finish: %w", ctx.Err())
		case <-tick.C:
		}
		n := r.observe()
		if n > lastCount {
			lastCount, lastProgress = n, time.Now()
		}
		if len(steps) > 0 && float64(n) >= steps[0].at*float64(r.o.n) {
			fmt.Fprintf(r.o.out, "chaos: %d of %d in the till: %s\n", n, r.o.n, steps[0].what)
			if err := steps[0].do(); err != nil {
				return fmt.Errorf("%s: %w", steps[0].what, err)
			}
			r.mu.Lock()
			r.crashes = append(r.crashes, chaosCrash{what: steps[0].what, at: time.Now()})
			r.mu.Unlock()
			steps = steps[1:]
		}
		// The last orders stand alone against the till: one that meets
		// five 503s in a row waits out its own backoff (16 s, then 32 s),
		// a gap that says nothing about recovering from a crash. So the
		// standing faults end for them; a stall from a crash still shows.
		calm := len(steps) == 0 && r.o.n-n <= r.tail()
		if calm {
			r.till.Faults().Clear()
			r.shop.Faults().Clear()
		} else if time.Now().After(nextBurst) {
			r.burst429()
			nextBurst = time.Now().Add(30 * time.Second)
		}
		if n >= r.o.n {
			return nil
		}
		if time.Since(lastProgress) > 20*time.Second {
			failed, err := countFailed(ctx, c, namespace)
			if err == nil && n+failed >= r.o.n {
				return nil
			}
		}
		if time.Since(lastProgress) > 15*time.Second && time.Since(lastReport) > time.Minute {
			// Said while it stalls: what the missing orders and the
			// customer keepers wait for is gone once they finish.
			fmt.Fprintf(r.o.out, "chaos: no order for %s (%d of %d there): %s\n", time.Since(lastProgress).Round(time.Second),
				n, r.o.n, r.stuck(ctx, c, namespace))
			for _, k := range r.busyKeepers(ctx, c, namespace) {
				fmt.Fprintf(r.o.out, "  %s\n", k)
			}
			lastReport = time.Now()
		}
		if time.Since(lastProgress) > 10*time.Minute {
			return fmt.Errorf("no order reached the till for ten minutes (%d of %d there): %s", n, r.o.n, r.stuck(ctx, c, namespace))
		}
	}
}

// observe notes the orders that reached the till since the last look and
// returns how many distinct ones are there.
func (r *chaosRun) observe() int {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, o := range r.till.Orders() {
		if _, ok := r.seen[o.ExtOrderID]; !ok {
			r.seen[o.ExtOrderID] = now
		}
	}
	return len(r.seen)
}

// stuck describes the first few orders that are not in the till: their
// workflow's status and what it waits for, so a stall explains itself.
func (r *chaosRun) stuck(ctx context.Context, c client.Client, namespace string) string {
	r.mu.Lock()
	var missing []string
	for _, id := range r.ids {
		if _, in := r.seen[chaosIntegration+"-"+id]; !in {
			missing = append(missing, id)
		}
	}
	r.mu.Unlock()
	var out []string
	for _, id := range missing {
		if len(out) == 5 {
			out = append(out, "…")
			break
		}
		wid := workflows.OrderWorkflowID(chaosIntegration, id)
		d, err := c.DescribeWorkflowExecution(ctx, wid, "")
		if err != nil {
			out = append(out, fmt.Sprintf("order %s: no workflow (%v)", id, err))
			continue
		}
		line := fmt.Sprintf("order %s: %s", id, d.GetWorkflowExecutionInfo().GetStatus())
		for _, p := range r.pendingWork(d) {
			line += "; " + p
		}
		for _, ch := range d.GetPendingChildren() {
			line += "; child " + ch.GetWorkflowId()
		}
		out = append(out, line)
	}
	return strings.Join(out, " | ")
}

// busyKeepers describes the running customer keepers that have work
// pending: every order of a customer waits for its keeper, so a stall
// there stalls them all.
func (r *chaosRun) busyKeepers(ctx context.Context, c client.Client, namespace string) []string {
	resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: namespace, PageSize: 100,
		Query: "WorkflowType = '" + activities.CustomerKeeperWorkflowName + "' AND ExecutionStatus = 'Running'"})
	if err != nil {
		return []string{"listing the customer keepers: " + err.Error()}
	}
	var out []string
	for _, e := range resp.GetExecutions() {
		id := e.GetExecution().GetWorkflowId()
		d, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			out = append(out, fmt.Sprintf("keeper %s: %v", id, err))
			continue
		}
		parts := r.pendingWork(d)
		if len(parts) == 0 {
			continue
		}
		out = append(out, fmt.Sprintf("keeper %s (history %d events): %s", id, d.GetWorkflowExecutionInfo().GetHistoryLength(),
			strings.Join(parts, "; ")))
	}
	return out
}

// pendingWork describes what a workflow waits for: its workflow task and
// its activities, each with its attempt and decrypted last failure.
func (r *chaosRun) pendingWork(d *workflowservice.DescribeWorkflowExecutionResponse) []string {
	var parts []string
	if t := d.GetPendingWorkflowTask(); t != nil {
		parts = append(parts, fmt.Sprintf("workflow task %s attempt %d since %s", t.GetState(), t.GetAttempt(),
			t.GetScheduledTime().AsTime().Local().Format("15:04:05")))
	}
	for _, a := range d.GetPendingActivities() {
		parts = append(parts, fmt.Sprintf("activity %s %s attempt %d on %s, started %s, heartbeat %s: %s",
			a.GetActivityType().GetName(), a.GetState(), a.GetAttempt(), a.GetLastWorkerIdentity(),
			a.GetLastStartedTime().AsTime().Local().Format("15:04:05"),
			a.GetLastHeartbeatTime().AsTime().Local().Format("15:04:05"), r.failureText(a.GetLastFailure())))
	}
	return parts
}

func (r *chaosRun) failureText(f *failurepb.Failure) string {
	if f == nil {
		return ""
	}
	return r.failures.FailureToError(f).Error()
}

func (r *chaosRun) killWorker(n int) error {
	p := r.workers[n-1]
	_ = p.Cmd.Process.Signal(syscall.SIGKILL)
	<-p.Done
	time.Sleep(2 * time.Second)
	return r.startWorker(n)
}

// killServer kills the Temporal server with SIGKILL and starts it again on
// the same database.
func (r *chaosRun) killServer() error {
	if err := r.st.StopNamed("Temporal server", syscall.SIGKILL); err != nil {
		return err
	}
	time.Sleep(2 * time.Second)
	return r.st.StartTemporal(context.Background())
}

// restartPostgres stops PostgreSQL (fast shutdown) and starts it again.
func (r *chaosRun) restartPostgres() error {
	if err := r.st.StopNamed("PostgreSQL server", syscall.SIGINT); err != nil {
		return err
	}
	time.Sleep(time.Second)
	return r.st.StartPostgres(context.Background())
}

// countFailed counts the order workflows that failed for good.
func countFailed(ctx context.Context, c client.Client, namespace string) (int, error) {
	resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: namespace,
		Query: "WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Failed'"})
	if err != nil {
		return 0, err
	}
	return int(resp.GetCount()), nil
}

// check gathers what the run left — the till's orders and relations, the
// order workflows that failed, the faults that hit — and judges it.
func (r *chaosRun) check(ctx context.Context, c client.Client, namespace string, ids []string, bySource map[string]model.Order) chaosReport {
	failed, err := r.failedOrders(ctx, c, namespace)
	rep := judgeTill(r.o.n, ids, bySource, r.till.Orders(), r.till.Relations(), failed)
	if err != nil {
		rep.Problems = append(rep.Problems, "listing failed workflows: "+err.Error())
	}
	for _, f := range []struct {
		name string
		sim  *simkit.Faults
	}{{"till", r.till.Faults()}, {"shop", r.shop.Faults()}} {
		for _, k := range []simkit.FaultKind{simkit.FaultStatus, simkit.FaultRateLimit, simkit.FaultDropAfterCommit, simkit.FaultLatency} {
			if h := f.sim.Hits(k); h > 0 {
				rep.Faults[f.name+"-"+string(k)] = h
			}
		}
	}
	g := r.longestGaps()
	rep.LongestGap, rep.GapAfterCrash = g.longest, g.afterCrash
	r.explainLongestGap(ctx, c, g)
	for _, cr := range r.crashes {
		rep.Crashes = append(rep.Crashes, cr.what)
	}
	return rep
}

// failedOrders maps the shop order id of every order workflow that failed
// to the reason it gave.
func (r *chaosRun) failedOrders(ctx context.Context, c client.Client, namespace string) (map[string]string, error) {
	out := map[string]string{}
	var next []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: namespace, PageSize: 1000, NextPageToken: next,
			Query: "WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Failed'"})
		if err != nil {
			return out, err
		}
		for _, e := range resp.GetExecutions() {
			id := strings.TrimPrefix(e.GetExecution().GetWorkflowId(), chaosIntegration+"/order/")
			out[id] = r.failureReason(ctx, c, e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId())
		}
		if next = resp.GetNextPageToken(); len(next) == 0 {
			return out, nil
		}
	}
}

// judgeTill compares the till with the seeded orders, independently of
// what Koppel reports: each order once (by its key and by the shop's
// number), its lines and total to the cent, each customer one relation.
// An order not in the till counts as failed when its workflow failed, else
// as missing.
func judgeTill(n int, ids []string, bySource map[string]model.Order, till []mplussim.Order, relations []mplussim.Relation, failed map[string]string) chaosReport {
	rep := chaosReport{N: n, FailedReasons: map[string]int{}, Faults: map[string]int{}}
	problem := func(format string, args ...any) {
		if len(rep.Problems) < 20 {
			rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...))
		}
	}
	byKey := map[string][]mplussim.Order{}
	byRef := map[string]map[string]bool{}
	for _, o := range till {
		byKey[o.ExtOrderID] = append(byKey[o.ExtOrderID], o)
		if o.Reference != "" {
			if byRef[o.Reference] == nil {
				byRef[o.Reference] = map[string]bool{}
			}
			byRef[o.Reference][o.ExtOrderID] = true
		}
	}
	for _, id := range ids {
		got := byKey[chaosIntegration+"-"+id]
		switch {
		case len(got) == 0:
			if reason, ok := failed[id]; ok {
				rep.Failed++
				rep.FailedReasons[reason]++
				continue
			}
			rep.Missing++
			problem("order %s is not in the till and its workflow did not fail", id)
			continue
		case len(got) > 1:
			rep.Duplicates += len(got) - 1
			problem("order %s is in the till %d times", id, len(got))
		}
		rep.Committed++
		src := bySource[id]
		var want int64
		for _, l := range src.Lines {
			want += l.LineTotal().Amount
		}
		o := got[0]
		var lines int64
		wrong := o.TotalInclCents != want || len(o.Lines) != len(src.Lines)
		for i, l := range o.Lines {
			lines += l.LineTotalInclCents
			if i < len(src.Lines) && (l.PLU != src.Lines[i].SKU || l.LineTotalInclCents != src.Lines[i].LineTotal().Amount) {
				wrong = true
			}
		}
		if wrong || lines != want {
			rep.WrongAmounts++
			problem("order %s: till total %d (lines %d), the shop's %d", id, o.TotalInclCents, lines, want)
		}
	}
	// A till order under another key would still be the same shop order:
	// count the keys each shop order number is under.
	for ref, keys := range byRef {
		if len(keys) > 1 {
			rep.Duplicates += len(keys) - 1
			problem("shop order %s is in the till under %d keys", ref, len(keys))
		}
	}
	byEmail := map[string]int{}
	for _, rel := range relations {
		if rel.Email != "" {
			byEmail[strings.ToLower(rel.Email)]++
		}
	}
	for email, k := range byEmail {
		if k > 1 {
			rep.DupCustomer += k - 1
			local, _, _ := strings.Cut(email, "@")
			problem("a customer is %d relations (%s)", k, local)
		}
	}
	return rep
}

// failureReason reads why an order's workflow failed, for the report.
func (r *chaosRun) failureReason(ctx context.Context, c client.Client, id, runID string) string {
	err := c.GetWorkflow(ctx, id, runID).Get(ctx, nil)
	if err == nil {
		return "failed"
	}
	msg := err.Error()
	if len(msg) > 120 {
		msg = msg[:120]
	}
	return msg
}

// chaosGaps are the longest time with no new order in the till, over the
// run and in the minute after a crash (counted from the crash, for a gap
// that overlaps that minute, while more than the last 2 % of the orders,
// at least 5, were still to come).
type chaosGaps struct {
	longest, afterCrash time.Duration
	// endedBy is the order whose arrival ended the longest gap; before is
	// how many orders were in the till when it began.
	endedBy string
	before  int
}

// tail is how many orders at the end of the run stand alone: the last
// 2 %, at least 5.
func (r *chaosRun) tail() int { return max(5, r.o.n/50) }

func (r *chaosRun) longestGaps() chaosGaps {
	r.mu.Lock()
	defer r.mu.Unlock()
	type arrival struct {
		key string
		at  time.Time
	}
	arrivals := make([]arrival, 0, len(r.seen))
	for k, t := range r.seen {
		arrivals = append(arrivals, arrival{k, t})
	}
	sort.Slice(arrivals, func(i, j int) bool { return arrivals[i].at.Before(arrivals[j].at) })
	var g chaosGaps
	// The last orders each stand alone: one that met five 503s in a row
	// before the faults ended still waits out its backoff (16 s, 32 s),
	// a gap of its own, not the run's recovery. The longest gap over the
	// whole run still counts them.
	tail := r.tail()
	for i := 1; i < len(arrivals); i++ {
		from, to := arrivals[i-1].at, arrivals[i].at
		gap := to.Sub(from)
		if gap > g.longest {
			g.longest, g.endedBy, g.before = gap, strings.TrimPrefix(arrivals[i].key, chaosIntegration+"-"), i
		}
		if r.o.n-i < tail {
			continue
		}
		for _, cr := range r.crashes {
			if from.Before(cr.at.Add(time.Minute)) && to.After(cr.at) {
				begin := from
				if cr.at.After(from) {
					begin = cr.at
				}
				g.afterCrash = max(g.afterCrash, to.Sub(begin))
			}
		}
	}
	return g
}

// explainLongestGap prints the history of the order that ended the longest
// gap, so a stall shows what it waited on.
func (r *chaosRun) explainLongestGap(ctx context.Context, c client.Client, g chaosGaps) {
	if g.endedBy == "" {
		return
	}
	fmt.Fprintf(r.o.out, "chaos: the longest gap (%s) began with %d orders in the till; order %s ended it:\n",
		g.longest.Round(100*time.Millisecond), g.before, g.endedBy)
	for _, cr := range r.crashes {
		fmt.Fprintf(r.o.out, "  %s  %s\n", cr.at.Format("15:04:05.000"), cr.what)
	}
	it := c.GetWorkflowHistory(ctx, workflows.OrderWorkflowID(chaosIntegration, g.endedBy), "", false, 0)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			fmt.Fprintf(r.o.out, "  history: %v\n", err)
			return
		}
		line := fmt.Sprintf("  %s  %s", e.GetEventTime().AsTime().Local().Format("15:04:05.000"), e.GetEventType())
		if f := e.GetMarkerRecordedEventAttributes().GetFailure(); f != nil {
			line += ": " + r.failureText(f) // a local activity's failed attempt
		}
		fmt.Fprintln(r.o.out, line)
	}
}
