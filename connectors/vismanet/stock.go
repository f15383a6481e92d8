package vismanet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The stock target. Visma.net lets no one set an item's stock: stock moves
// by released documents. Koppel writes an inventory adjustment (POST
// /v1/inventoryadjustment, one line: the item, the warehouse, the
// difference between the wanted figure and the on-hand quantity now, the
// reason code and branch when configured; externalReference a reference of
// the write, description AdjustmentDescription, hold false) and releases it
// (…/action/release). A difference of zero writes nothing.
//
// What the target shows (GetStock) is onHand in the stock warehouse
// (options.stockWarehouse, else the item's default warehouse) added up
// over its locations (GET /v1/inventorysummary/{inventoryNumber}): the
// figure an adjustment moves, so a written figure reads back as written.
// available would subtract what sales orders hold, which an adjustment
// does not change, and the flow would write the same difference again on
// every run.
//
// Never twice: every adjustment carries the reference of its write. The
// adjustments listing cannot filter on externalReference, so the client
// indexes the adjustments modified within adjustmentWindow by it (the key
// index of the order documents: one listing per process, then what
// changed since the newest seen). A write first looks its reference up:
// released is done, balanced is released, on hold is taken off hold and
// released; only when none exists is on-hand read and a new adjustment
// written. A retry after a lost answer — of the create or of the release —
// finds the adjustment and moves the stock once.
//
// A non-stock item keeps no stock, and Visma.net cannot turn it into a
// stock item (stock and non-stock items are different records; the type
// of InventoryUpdateDto only moves within one kind): a write for one is a
// validation error naming the SKU and what to change.

// Ops the core does not name.
const (
	OpUpdateInventoryAdjustment = "PUT /v1/inventoryadjustment/{inventoryAdjustmentNumber}"
)

// AdjustmentDescription is the description of the adjustments Koppel writes.
const AdjustmentDescription = "Koppel stock sync"

const (
	// adjustmentWindow is how far back an adjustment is looked up by its
	// reference: further than any retry of a stock write comes.
	adjustmentWindow = 72 * time.Hour
	// adjustmentIndex names the key index of adjustments (keyindex.go).
	adjustmentIndex connectors.OrderKind = "inventoryAdjustment"
)

var (
	_ connectors.StockTarget         = (*Client)(nil)
	_ connectors.StockDocumentTarget = (*Client)(nil)
)

// GetStock reads each SKU's item (Managed: a stock item) and, for a stock
// item, its on-hand quantity in the stock warehouse. A SKU without an item
// is left out.
func (c *Client) GetStock(ctx context.Context, skus []string) (map[string]connectors.TargetStock, error) {
	out := map[string]connectors.TargetStock{}
	asked := map[string]bool{}
	for _, sku := range skus {
		number := strings.TrimSpace(sku)
		if number == "" || asked[sku] {
			continue
		}
		asked[sku] = true
		it, found, err := c.readItem(ctx, number)
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		if !it.StockItem {
			out[sku] = connectors.TargetStock{}
			continue
		}
		q, err := c.onHand(ctx, it, c.warehouseOf(it))
		if err != nil {
			return nil, err
		}
		out[sku] = connectors.TargetStock{Quantity: q, Managed: true}
	}
	return out, nil
}

// SetStockOnce moves the SKU's on-hand quantity to qty with one released
// adjustment tagged ref; an adjustment tagged ref that exists is finished
// instead (see the top of this file). manage asks for stock keeping, which
// a stock item always has.
func (c *Client) SetStockOnce(ctx context.Context, sku string, qty model.Quantity, manage bool, ref string) error {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return invalid(OpCreateInventoryAdjustment, "SKU %s: the stock write has no reference", sku)
	}
	it, wh, err := c.stockItemOf(ctx, sku)
	if err != nil {
		return err
	}
	if adj, found, err := c.adjustmentByRef(ctx, ref); err != nil {
		return err
	} else if found {
		return c.finishAdjustment(ctx, adj, ref)
	}
	have, err := c.onHand(ctx, it, wh)
	if err != nil {
		return err
	}
	return c.adjust(ctx, it, wh, qty-have, ref)
}

// SetStock moves the SKU's on-hand quantity to qty. Its reference is made
// from the SKU, qty and the on-hand quantity it read (stockRef), which is
// safe without one from the flow: a retry after the adjustment was
// released reads the new on-hand, equal to qty, and writes nothing; one
// after an adjustment was written but not released reads the old on-hand,
// makes the same reference and finds it. A released adjustment with that
// reference is history (stock came back to the same figure since) and a
// new one is written.
func (c *Client) SetStock(ctx context.Context, sku string, qty model.Quantity, manage bool) error {
	it, wh, err := c.stockItemOf(ctx, sku)
	if err != nil {
		return err
	}
	have, err := c.onHand(ctx, it, wh)
	if err != nil || have == qty {
		return err
	}
	ref := stockRef(it.InventoryNumber, qty, have)
	if adj, found, err := c.adjustmentByRef(ctx, ref); err != nil {
		return err
	} else if found && !strings.EqualFold(adj.Status, AdjustmentReleased) {
		return c.finishAdjustment(ctx, adj, ref)
	}
	return c.adjust(ctx, it, wh, qty-have, ref)
}

// stockRef is SetStock's reference: "KOPPEL-" and 16 hex digits, as the
// flow's own references.
func stockRef(sku string, qty, onHand model.Quantity) string {
	sum := sha256.Sum256([]byte("SetStock\x00" + sku + "\x00" + qty.String() + "\x00" + onHand.String()))
	return "KOPPEL-" + strings.ToUpper(hex.EncodeToString(sum[:8]))
}

// stockItemOf reads the item a stock write is for and the warehouse the
// write moves stock in.
func (c *Client) stockItemOf(ctx context.Context, sku string) (InventoryItem, string, error) {
	const op = OpCreateInventoryAdjustment
	number := strings.TrimSpace(sku)
	if number == "" {
		return InventoryItem{}, "", invalid(op, "the SKU to set the stock of is empty")
	}
	it, found, err := c.readItem(ctx, number)
	switch {
	case err != nil:
		return InventoryItem{}, "", err
	case !found:
		return InventoryItem{}, "", &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: op,
			Message: fmt.Sprintf("SKU %s has no item in Visma.net", number)}
	case !it.StockItem:
		kind := it.Type
		if kind == "" {
			kind = "non-stock item"
		}
		return InventoryItem{}, "", invalid(op, "SKU %s is a %s in Visma.net, which keeps no stock, and Visma.net cannot turn it into a stock item: "+
			"create the item as a stock item (type FinishedGoodItem, ComponentPartItem or SubassemblyItem), or leave it out of the stock flow", number, kind)
	}
	wh := c.warehouseOf(it)
	if wh == "" {
		return InventoryItem{}, "", misconfigured(op, "SKU %s has no default warehouse in Visma.net and options.stockWarehouse is empty: set one of them", number)
	}
	return it, wh, nil
}

// readItem reads an item; found is false when Visma.net has none.
func (c *Client) readItem(ctx context.Context, number string) (InventoryItem, bool, error) {
	var it InventoryItem
	err := c.get(ctx, OpGetInventory, opPath(OpGetInventory, number), nil, &it)
	switch {
	case connectors.IsKind(err, connectors.KindNotFound):
		return InventoryItem{}, false, nil
	case err != nil:
		return InventoryItem{}, false, err
	}
	if it.InventoryNumber == "" {
		it.InventoryNumber = number
	}
	return it, true, nil
}

// warehouseOf is the warehouse whose stock Koppel reads and moves.
func (c *Client) warehouseOf(it InventoryItem) string {
	if wh := strings.TrimSpace(c.opt.StockWarehouse); wh != "" {
		return wh
	}
	if it.DefaultWarehouse != nil {
		return strings.TrimSpace(it.DefaultWarehouse.ID)
	}
	return ""
}

// onHand adds up the item's on-hand quantity in warehouse wh over its
// locations ("" is every warehouse). An item without stock records has
// none.
func (c *Client) onHand(ctx context.Context, it InventoryItem, wh string) (model.Quantity, error) {
	var q url.Values
	if wh != "" {
		q = url.Values{"warehouse": {wh}}
	}
	var rows []InventorySummary
	err := c.get(ctx, OpInventorySummary, opPath(OpInventorySummary, it.InventoryNumber), q, &rows)
	switch {
	case connectors.IsKind(err, connectors.KindNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	}
	var sum model.Quantity
	for _, r := range rows {
		if wh != "" && r.Warehouse != nil && r.Warehouse.ID != "" && !strings.EqualFold(strings.TrimSpace(r.Warehouse.ID), wh) {
			continue // the filter is the API's: count only the warehouse's rows
		}
		sum += r.OnHand.Quantity()
	}
	return sum, nil
}

// adjust writes and releases the adjustment that moves the item's stock
// in wh by diff; nothing when diff is zero.
func (c *Client) adjust(ctx context.Context, it InventoryItem, wh string, diff model.Quantity, ref string) error {
	const op = OpCreateInventoryAdjustment
	if diff == 0 {
		return nil
	}
	if err := c.checkWarehouse(ctx, op, c.opt.StockWarehouse, "options.stockWarehouse"); err != nil {
		return err
	}
	if err := c.checkBranch(ctx, op); err != nil {
		return err
	}
	body := InventoryAdjustmentUpdate{
		Hold: V(false), ExternalReference: V(ref), Description: V(AdjustmentDescription), BranchNumber: VIf(c.opt.BranchNumber),
		Lines: []InventoryAdjustmentLineUpdate{{
			Operation: OperationInsert, InventoryNumber: V(it.InventoryNumber), WarehouseID: VIf(wh), Quantity: V(Qty(diff)),
			UOM: VIf(it.BaseUnit), ReasonCode: VIf(c.opt.AdjustmentReasonCode), BranchNumber: VIf(c.opt.BranchNumber),
		}},
	}
	number, err := c.create(ctx, op, opPath(op), body, nil)
	if err != nil {
		return err
	}
	c.keys.of(adjustmentIndex).put(ref, docRef{number: number, status: AdjustmentBalanced}, time.Time{})
	return c.releaseAdjustment(ctx, number, ref)
}

// finishAdjustment completes an adjustment found by its reference.
func (c *Client) finishAdjustment(ctx context.Context, adj InventoryAdjustment, ref string) error {
	switch {
	case strings.EqualFold(adj.Status, AdjustmentReleased):
		return nil
	case adj.Hold || strings.EqualFold(adj.Status, AdjustmentHold):
		// A document on hold cannot be released; Koppel wrote it with hold
		// false, so taking it off hold finishes Koppel's own write.
		path := opPath(OpUpdateInventoryAdjustment, adj.ReferenceNumber)
		if err := c.update(ctx, OpUpdateInventoryAdjustment, path, InventoryAdjustmentUpdate{Hold: V(false)}, "", nil); err != nil {
			return err
		}
	}
	return c.releaseAdjustment(ctx, adj.ReferenceNumber, ref)
}

// releaseAdjustment releases an adjustment: its quantity moves.
func (c *Client) releaseAdjustment(ctx context.Context, number, ref string) error {
	const op = OpReleaseInventoryAdjustment
	var res ActionResult
	if err := c.action(ctx, op, opPath(op, number), &res); err != nil {
		return err
	}
	if strings.EqualFold(res.ActionResult, "Failed") {
		return invalid(op, "inventory adjustment %s was written but Visma.net did not release it: %s; release it in Visma.net (or fix the cause and run the stock sync again)",
			number, strings.TrimSpace(res.ErrorInfo))
	}
	c.keys.of(adjustmentIndex).put(ref, docRef{number: number, status: AdjustmentReleased}, time.Time{})
	return nil
}

// adjustmentByRef finds the adjustment tagged ref: through the index, its
// status then read from the adjustment itself (the index may be behind).
func (c *Client) adjustmentByRef(ctx context.Context, ref string) (InventoryAdjustment, bool, error) {
	ix := c.keys.of(adjustmentIndex)
	r, ok := ix.get(ref)
	if !ok {
		var err error
		if r, ok, err = c.scanAdjustments(ctx, ix, ref); err != nil || !ok {
			return InventoryAdjustment{}, false, err
		}
	}
	var adj InventoryAdjustment
	err := c.get(ctx, OpGetInventoryAdjustment, opPath(OpGetInventoryAdjustment, r.number), nil, &adj)
	switch {
	case connectors.IsKind(err, connectors.KindNotFound):
		return InventoryAdjustment{}, false, nil // deleted in Visma.net
	case err != nil:
		return InventoryAdjustment{}, false, err
	case adj.ExternalReference != "" && adj.ExternalReference != ref:
		return InventoryAdjustment{}, false, nil
	}
	if adj.ReferenceNumber == "" {
		adj.ReferenceNumber = r.number
	}
	return adj, true, nil
}

// scanAdjustments brings the index up to date (the adjustments modified
// since the newest it saw, less indexOverlap, or within
// adjustmentWindow) and looks ref up again. One scan at a time: a lookup
// waiting for another finds what that one listed.
func (c *Client) scanAdjustments(ctx context.Context, ix *keyIndex, ref string) (docRef, bool, error) {
	select {
	case ix.scan <- struct{}{}:
	case <-ctx.Done():
		return docRef{}, false, unavailable(OpListInventoryAdjustments, 0, "waiting for another lookup: %v", ctx.Err())
	}
	defer func() { <-ix.scan }()
	if r, ok := ix.get(ref); ok {
		return r, true, nil
	}
	ix.mu.Lock()
	since := c.now().Add(-adjustmentWindow)
	if m := ix.mark.Add(-indexOverlap); !ix.mark.IsZero() && m.After(since) {
		since = m
	}
	ix.mu.Unlock()
	q := url.Values{}
	ModifiedSince(q, since)
	err := eachPage(ctx, c, OpListInventoryAdjustments, opPath(OpListInventoryAdjustments), ListOptions{Query: q}, func(as []InventoryAdjustment) error {
		for _, a := range as {
			modified, _ := ParseTime(a.LastModified)
			key := strings.TrimSpace(a.ExternalReference)
			if key == "" || a.ReferenceNumber == "" {
				ix.saw(modified)
				continue
			}
			r := docRef{number: a.ReferenceNumber, status: a.Status, hold: a.Hold}
			// SetStock's references can recur: a released adjustment must
			// not hide one of the same reference still to be released.
			if cur, ok := ix.get(key); ok && cur.number != r.number && !strings.EqualFold(cur.status, AdjustmentReleased) &&
				strings.EqualFold(r.status, AdjustmentReleased) {
				ix.saw(modified)
				continue
			}
			ix.put(key, r, modified)
		}
		return nil
	})
	if err != nil {
		return docRef{}, false, err
	}
	r, ok := ix.get(ref)
	return r, ok, nil
}
