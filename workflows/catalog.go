package workflows

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/connectors"
)

// MaxReportedRecords bounds the records a run's result lists (the counts
// stay exact), so a run that touches a whole catalogue keeps a small result.
const MaxReportedRecords = 200

// CatalogInput starts a run of a catalog flow (products, stock, customers).
type CatalogInput struct {
	Integration string `json:"integration"`
	// Full ignores the cursor and goes through every record: a full product
	// resync or a stock reconciliation. A scheduled run leaves it false.
	Full bool `json:"full,omitempty"`
	// Resume carries a full run across continue-as-new.
	Resume *CatalogState `json:"resume,omitempty"`
}

// CatalogState is the result of a run and, for a scheduled one, the start of
// the next: the cursor of the last complete pass and where an unfinished
// pass goes on.
type CatalogState struct {
	// Cursor is the high-water mark of the last complete pass ("" = none yet).
	Cursor string `json:"cursor,omitempty"`
	// PageToken is where an unfinished pass goes on ("" = start a new pass).
	PageToken string          `json:"pageToken,omitempty"`
	LastRun   CatalogRunStats `json:"lastRun"`
	// Waiting are records the target did not have yet (stock of a product
	// not yet created there); each run looks at them again, for
	// MaxWaitingAge at most.
	Waiting []WaitingRecord `json:"waiting,omitempty"`
	// Failing are the keys of records that failed and have not been written
	// since; a notice names a record when it starts failing, not on every
	// run (a customers run lists every customer each time).
	Failing []string `json:"failing,omitempty"`
}

// WaitingRecord is a record kept for a later run, since Since.
type WaitingRecord struct {
	Key   string    `json:"key"`
	Since time.Time `json:"since"`
}

// MaxWaiting bounds the records a state carries; MaxWaitingAge is how long
// a record is looked at again before it is given up (a SKU the target does
// not sell at all).
const (
	MaxWaiting    = 1000
	MaxWaitingAge = 24 * time.Hour
)

// CatalogRunStats counts what one run did, for the operator (and for the report of
// a reconciliation).
type CatalogRunStats struct {
	From   string                     `json:"from"`
	To     string                     `json:"to"`
	Pages  int                        `json:"pages"`
	Counts map[activities.Outcome]int `json:"counts"`
	// Records lists written, missing and failed records, the first
	// MaxReportedRecords of them.
	Records []activities.RecordResult `json:"records,omitempty"`
	// PassComplete: the run reached the end of the listing.
	PassComplete bool `json:"passComplete"`
	// Skipped says why a run did nothing (another run of the flow was busy).
	Skipped string `json:"skipped,omitempty"`
}

// countRecords adds a page's outcomes to koppel_records_total, as the order
// flow does per order (the SDK drops metrics while replaying).
func countRecords(ctx workflow.Context, integration, flow string, p activities.PageResult) {
	for outcome, n := range p.Counts {
		workflow.GetMetricsHandler(ctx).WithTags(map[string]string{"integration": integration, "flow": flow, "outcome": string(outcome)}).
			Counter("koppel_records").Inc(int64(n))
	}
}

func (s *CatalogRunStats) add(p activities.PageResult) {
	s.Pages++
	s.addRecords(p)
}

// addRecords counts a result's records without counting a page.
func (s *CatalogRunStats) addRecords(p activities.PageResult) {
	if s.Counts == nil {
		s.Counts = map[activities.Outcome]int{}
	}
	for k, n := range p.Counts {
		s.Counts[k] += n
	}
	for _, r := range p.Records {
		if len(s.Records) < MaxReportedRecords {
			s.Records = append(s.Records, r)
		}
	}
}

// previousState is where the schedule's previous run ended; zero for the
// first run and for a run started by hand. A result that cannot be read
// starts over from the beginning, which writes nothing twice (every write
// is an upsert), and says so in the log.
func previousState(ctx workflow.Context) CatalogState {
	var s CatalogState
	if workflow.HasLastCompletionResult(ctx) {
		if err := workflow.GetLastCompletionResult(ctx, &s); err != nil {
			workflow.GetLogger(ctx).Warn("the previous run's result cannot be read; starting a new pass", "Error", err)
			return CatalogState{}
		}
	}
	return s
}

// catalogRun pages through one catalog flow with its page activity.
type catalogRun struct {
	flow     string
	activity any
	// all asks the source for every record (stock reconciliation) instead of
	// listing from the cursor.
	all bool
	// recheck, when set, is the activity that looks at waiting records
	// again before the listing; records the pages report missing wait.
	recheck any
}

func (c catalogRun) run(ctx workflow.Context, in CatalogInput, previous CatalogState) (CatalogState, error) {
	var settings activities.CatalogFlowSettings
	if err := workflow.ExecuteLocalActivity(withSettings(ctx), a.LoadCatalogFlowSettings,
		activities.CatalogFlowSettingsInput{Integration: in.Integration, Flow: c.flow}).Get(ctx, &settings); err != nil {
		return CatalogState{}, err
	}
	state := previous
	state.LastRun = CatalogRunStats{From: settings.From, To: settings.To}
	if in.Full {
		state = CatalogState{LastRun: state.LastRun}
		if in.Resume != nil {
			state = *in.Resume
		}
	}
	logger := workflow.GetLogger(ctx)
	if c.recheck != nil && len(state.Waiting) > 0 && !in.Full {
		keys := make([]string, len(state.Waiting))
		for i, w := range state.Waiting {
			keys[i] = w.Key
		}
		var res activities.PageResult
		if err := workflow.ExecuteActivity(withCatalogPage(ctx), c.recheck,
			activities.StockRecheckInput{Integration: in.Integration, SKUs: keys}).Get(ctx, &res); err != nil {
			return CatalogState{}, err
		}
		res.NextPageToken, res.Cursor = "", ""
		state.LastRun.addRecords(res)
		countRecords(ctx, in.Integration, c.flow, res)
		state.Waiting = stillWaiting(state.Waiting, res.Records, workflow.Now(ctx))
	}
	for pages := 0; ; pages++ {
		if pages == settings.PagesPerRun {
			if in.Full {
				// A full pass goes on in a fresh history.
				next := in
				next.Resume = &state
				return CatalogState{}, workflow.NewContinueAsNewError(ctx, workflow.GetInfo(ctx).WorkflowType.Name, next)
			}
			break // a scheduled run goes on at the next tick
		}
		q := connectors.ChangeQuery{Cursor: state.Cursor, PageToken: state.PageToken, PageSize: settings.PageSize}
		if in.Full {
			q.Cursor = ""
		}
		var page activities.PageResult
		err := workflow.ExecuteActivity(withCatalogPage(ctx), c.activity,
			activities.PageInput{Integration: in.Integration, Query: q, All: c.all && in.Full}).Get(ctx, &page)
		if err != nil {
			return CatalogState{}, err
		}
		state.LastRun.add(page)
		countRecords(ctx, in.Integration, c.flow, page)
		if c.recheck != nil {
			state.Waiting = addWaiting(state.Waiting, page.Records, workflow.Now(ctx))
		}
		if page.NextPageToken == "" {
			state.PageToken = ""
			if page.Cursor != "" {
				state.Cursor = page.Cursor
			}
			state.LastRun.PassComplete = true
			break
		}
		state.PageToken = page.NextPageToken
	}
	logger.Info("Catalog run done", "Integration", in.Integration, "Flow", c.flow,
		"Pages", state.LastRun.Pages, "Counts", fmt.Sprint(state.LastRun.Counts), "PassComplete", state.LastRun.PassComplete)
	var fresh []activities.RecordResult
	state.Failing, fresh = trackFailing(previous.Failing, state.LastRun.Records)
	if len(fresh) > 0 {
		noticeFailedRecords(ctx, in.Integration, c.flow, fresh)
	}
	return state, nil
}

// MaxFailing bounds the failing keys a state remembers.
const MaxFailing = 500

// trackFailing updates the keys that are failing with a run's records and
// returns the failures that are new: a key that was not failing, or was
// written since.
func trackFailing(before []string, records []activities.RecordResult) (failing []string, fresh []activities.RecordResult) {
	isFailing := map[string]bool{}
	order := append([]string(nil), before...)
	for _, k := range before {
		isFailing[k] = true
	}
	for _, r := range records {
		failed := r.Outcome == activities.OutcomeFailed
		if _, known := isFailing[r.Key]; !known {
			order = append(order, r.Key)
		}
		if failed && !isFailing[r.Key] {
			fresh = append(fresh, r)
		}
		isFailing[r.Key] = failed
	}
	for _, k := range order {
		if isFailing[k] {
			failing = append(failing, k)
			isFailing[k] = false // once each
		}
	}
	if len(failing) > MaxFailing {
		failing = failing[len(failing)-MaxFailing:]
	}
	return failing, fresh
}

// stillWaiting keeps the waiting records the recheck found missing again,
// until they are MaxWaitingAge old.
func stillWaiting(waiting []WaitingRecord, rechecked []activities.RecordResult, now time.Time) []WaitingRecord {
	missing := map[string]bool{}
	for _, r := range rechecked {
		if r.Outcome == activities.OutcomeMissing {
			missing[r.Key] = true
		}
	}
	var out []WaitingRecord
	for _, w := range waiting {
		if missing[w.Key] && now.Sub(w.Since) < MaxWaitingAge {
			out = append(out, w)
		}
	}
	return out
}

// addWaiting adds the records a page found missing, once each, up to MaxWaiting.
func addWaiting(waiting []WaitingRecord, records []activities.RecordResult, now time.Time) []WaitingRecord {
	known := map[string]bool{}
	for _, w := range waiting {
		known[w.Key] = true
	}
	for _, r := range records {
		if r.Outcome == activities.OutcomeMissing && !known[r.Key] && len(waiting) < MaxWaiting {
			known[r.Key] = true
			waiting = append(waiting, WaitingRecord{Key: r.Key, Since: now})
		}
	}
	return waiting
}

// noticeFailedRecords sends one notice per run that names the failed records
// and why, over the integration's alert channels (if any).
func noticeFailedRecords(ctx workflow.Context, integration, flow string, failed []activities.RecordResult) {
	keys := make([]string, 0, len(failed))
	reasons := map[string]bool{}
	for _, r := range failed {
		keys = append(keys, r.Key)
		reasons[r.Reason] = true
	}
	reasonList := make([]string, 0, len(reasons))
	for r := range reasons {
		reasonList = append(reasonList, r)
	}
	sort.Strings(reasonList)
	if len(keys) > 20 {
		keys = append(keys[:20], "…")
	}
	info := workflow.GetInfo(ctx)
	startNotice(ctx, activities.FailureNotice{
		Integration: integration, Flow: flow,
		Record:     fmt.Sprintf("%d %s record(s): %s", len(failed), flow, strings.Join(keys, ", ")),
		Reason:     strings.Join(reasonList, "; "),
		Actionable: true,
		WorkflowID: info.WorkflowExecution.ID, RunID: info.WorkflowExecution.RunID,
	})
}
