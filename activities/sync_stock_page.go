package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"go.temporal.io/sdk/activity"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// SyncStockPage lists one page of stock levels (the changed ones, or every
// SKU for a reconciliation) and writes each SKU's quantity where the target
// shows something else. The target is read in the same attempt that writes,
// and runs of one integration never overlap (see workflows.StockSyncWorkflow),
// so the value written is the latest the source had.
func (a *Activities) SyncStockPage(ctx context.Context, in PageInput) (PageResult, error) {
	f, err := a.stockFlow(in.Integration)
	if err != nil {
		return PageResult{}, err
	}
	page, err := f.From.ListStock(ctx, connectors.StockQuery{ChangeQuery: in.Query, All: in.All})
	if err != nil {
		return PageResult{}, toTemporal(err)
	}
	return a.writeStock(ctx, f, page.Levels, PageResult{NextPageToken: page.NextPageToken, Cursor: page.Cursor})
}

// StockRecheckInput names SKUs whose stock could not be written before.
type StockRecheckInput struct {
	Integration string   `json:"integration"`
	SKUs        []string `json:"skus"`
}

// RecheckStock reads the current stock of SKUs an earlier run found missing
// in the target (a product the products flow had not created yet) and
// writes it where the target has them now. The change feed would not list
// them again until their stock changes.
func (a *Activities) RecheckStock(ctx context.Context, in StockRecheckInput) (PageResult, error) {
	f, err := a.stockFlow(in.Integration)
	if err != nil {
		return PageResult{}, err
	}
	levels, err := f.From.StockLevels(ctx, in.SKUs)
	if err != nil {
		return PageResult{}, toTemporal(err)
	}
	return a.writeStock(ctx, f, levels, PageResult{})
}

// writeStock writes each SKU's level where the target differs.
func (a *Activities) writeStock(ctx context.Context, f *StockFlow, all []model.StockLevel, res PageResult) (PageResult, error) {
	levels := latestPerSKU(all)
	skus := make([]string, len(levels))
	for i, l := range levels {
		skus[i] = l.SKU
	}
	current, err := f.To.GetStock(ctx, skus)
	if err != nil {
		return PageResult{}, toTemporal(err)
	}
	rules := StockRules{Calculation: f.Settings.Calculation, Buffer: f.Settings.BufferQuantity(), ManageStock: f.Settings.ManageStock}
	return eachRecord(ctx, skus, res, func(i int) (RecordResult, error) {
		return a.syncStock(ctx, f, levels[i], current, rules)
	})
}

func (a *Activities) syncStock(ctx context.Context, f *StockFlow, l model.StockLevel, current map[string]connectors.TargetStock, r StockRules) (RecordResult, error) {
	rec := RecordResult{Key: l.SKU}
	ok, err := f.Filter.MatchStock(l)
	if err != nil {
		return rec, badRecord("%v", err)
	}
	if !ok {
		rec.Outcome = OutcomeFiltered
		return rec, nil
	}
	mapped, _, err := f.Mapper.ApplyStock(l, nil)
	if err != nil {
		return rec, err
	}
	want := StockToShow(mapped, r)
	if sr, ok := f.To.(connectors.StockRounder); ok {
		want = sr.RoundStock(want)
	}
	var have *connectors.TargetStock
	if c, ok := current[mapped.SKU]; ok {
		have = &c
	}
	plan := PlanStock(want, have, r.ManageStock)
	rec.Outcome = plan.Outcome
	switch plan.Outcome {
	case OutcomeMissing:
		rec.Detail = fmt.Sprintf("not in %s", f.ToName)
	case OutcomeUpdated:
		if err := setStock(ctx, f.To, mapped.SKU, plan.Set, r.ManageStock); err != nil {
			return rec, err
		}
		rec.Detail = fmt.Sprintf("%s → %s", have.Quantity, plan.Set)
	}
	return rec, nil
}

// setStock writes an absolute figure; a target that moves stock by documents
// gets a reference for the write that is the same on every attempt of this
// run for this SKU and figure, so a retried attempt finds the document the
// lost answer was about instead of moving the stock twice.
func setStock(ctx context.Context, to connectors.StockTarget, sku string, qty model.Quantity, manage bool) error {
	dt, ok := to.(connectors.StockDocumentTarget)
	if !ok {
		return to.SetStock(ctx, sku, qty, manage)
	}
	run := ""
	if activity.IsActivity(ctx) {
		info := activity.GetInfo(ctx)
		run = info.WorkflowExecution.ID + "/" + info.WorkflowExecution.RunID
	}
	return dt.SetStockOnce(ctx, sku, qty, manage, StockWriteRef(run, sku, qty))
}

// StockWriteRef is the reference of one stock write: "KOPPEL-" and 16 hex
// digits of a hash of the run, the SKU and the figure (short enough for any
// reference field; no SKU in clear, as references show in the target's UI).
func StockWriteRef(run, sku string, qty model.Quantity) string {
	sum := sha256.Sum256([]byte(run + "\x00" + sku + "\x00" + qty.String()))
	return "KOPPEL-" + strings.ToUpper(hex.EncodeToString(sum[:8]))
}

// latestPerSKU keeps one level per SKU, the last one listed (a change feed
// lists the newest last), in first-seen order.
func latestPerSKU(levels []model.StockLevel) []model.StockLevel {
	at := map[string]int{}
	var out []model.StockLevel
	for _, l := range levels {
		if i, ok := at[l.SKU]; ok {
			out[i] = l
			continue
		}
		at[l.SKU] = len(out)
		out = append(out, l)
	}
	return out
}

func (a *Activities) stockFlow(name string) (*StockFlow, error) {
	rt, err := a.integration(name)
	if err != nil {
		return nil, err
	}
	if rt.Stock == nil {
		return nil, configError(fmt.Errorf("integration %q has no enabled stock flow in this worker's integration file", name))
	}
	return rt.Stock, nil
}
