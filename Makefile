# Koppel — make run: the local demo; make test: everything CI runs; make bench: speed.
GO       ?= go
TEMPORAL := bin/temporal
WORKER   := bin/koppel-worker
STARTER  := bin/starter
export KOPPEL_TEMPORAL_CLI := $(CURDIR)/$(TEMPORAL)

.PHONY: run test bench build vet clean record-histories stack chaos server-tools postgres prometheus

# The Temporal CLI (dev server + Web UI), built from the version pinned in tools.mod.
$(TEMPORAL): tools.mod tools.sum
	$(GO) build -modfile=tools.mod -o $@ github.com/temporalio/cli/cmd/temporal

# The production shape's server side, from the module versions tools.mod pins
# (the CLI's own): the Temporal server, its SQL schema tool and the UI server.
SERVER_TOOLS := bin/temporal-server bin/temporal-sql-tool bin/temporal-ui-server
server-tools: $(SERVER_TOOLS)
bin/temporal-server: tools.mod tools.sum
	$(GO) build -modfile=tools.mod -o $@ go.temporal.io/server/cmd/server
bin/temporal-sql-tool: tools.mod tools.sum
	$(GO) build -modfile=tools.mod -o $@ go.temporal.io/server/cmd/tools/sql
bin/temporal-ui-server: tools.mod tools.sum
	$(GO) build -modfile=tools.mod -o $@ github.com/temporalio/ui-server/v2/cmd/server

# Prometheus and promtool from the machine's packages (alerting rules, make stack).
prometheus:
	@command -v promtool >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus; }

# PostgreSQL from the machine's packages, where it is not installed yet.
postgres:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

build:
	$(GO) build -o $(WORKER) ./worker/cmd
	$(GO) build -o $(STARTER) ./starter

# Dev server, simulators with demo data, worker and schedules; Ctrl-C stops all.
run: $(TEMPORAL) build
	$(STARTER) dev

# The production shape on this machine: PostgreSQL (state in .stack/), the
# Temporal server and Web UI on it, codec server, two workers, the schedules
# of the example file against the simulators. Ctrl-C stops all.
stack: $(SERVER_TOOLS) postgres prometheus build
	$(STARTER) stack

# The fault run on the production shape: CHAOS_N orders through 5xx, 429
# bursts, lost answers, slow answers, a worker killed twice, the server
# killed once and PostgreSQL restarted; exits non-zero on any duplicate,
# missing or wrong order or duplicate customer. make test runs 300.
CHAOS_N ?= 10000
chaos: $(SERVER_TOOLS) postgres build
	$(STARTER) chaos -n $(CHAOS_N)

vet:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

test: $(TEMPORAL) $(SERVER_TOOLS) postgres prometheus build vet
	$(GO) test -count=1 -timeout 30m ./...

# Orders per second through the real dev server and worker against the
# simulators, next to the same workflow shape with no-op steps; products per
# second; three workers sharing CCV Shop's published quota (429s and the
# share used); a new paid order beside 1,000 waiting ones; the latency from
# paid to the till with webhooks and with polling; the worker's memory
# through a backfill of BACKFILL orders; the production shape (PostgreSQL,
# the Temporal server, 1-3 worker processes) against its no-op bound and
# sharing CCV Shop's quota. N=1000, BACKFILL=100000 by default.
N ?= 1000
BACKFILL ?= 100000
bench: $(TEMPORAL) $(SERVER_TOOLS) postgres
	KOPPEL_BENCH_ORDERS=$(N) KOPPEL_BENCH_PRODUCTS=$(N) KOPPEL_BENCH_BACKLOG=$(N) KOPPEL_BENCH_BACKFILL=$(BACKFILL) $(GO) test -run '^$$' \
		-bench 'BenchmarkOrderSync|BenchmarkShopwareOrderSync|BenchmarkEAccountingOrderSync|BenchmarkVismaNetOrderSync|BenchmarkSalesPOSOrderSync|BenchmarkProductSync|BenchmarkSharedQuota|BenchmarkWaitingOrders|BenchmarkWebhookLatency|BenchmarkBackfillMemory|BenchmarkProductionShape' -benchtime 1x -timeout 180m ./worker/

# After a change of workflow shape: record fresh histories for the replay test.
record-histories: $(TEMPORAL)
	@echo 'histories from before a versioned change stay: they prove old runs still replay'
	KOPPEL_RECORD_HISTORIES=$(CURDIR)/workflows/testdata/histories $(GO) test -count=1 -run 'EndToEnd|Once|Cursor|Products|Stock|Customers|OneRelation|WebhookOutage|BusyLimiter' ./worker/

clean:
	rm -rf bin .dev .stack .chaos
