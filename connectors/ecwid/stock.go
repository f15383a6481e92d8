package ecwid

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Stock lives on a product, or on each combination of a product with
// variations; Ecwid keeps one figure (whole pieces), so it is both the
// physical and the available stock and nothing is reserved. unlimited
// means Ecwid keeps no stock for it: such a SKU has no level (StockSource
// leaves it out, as its contract asks) and shows Managed false
// (StockTarget).
//
// A write is the absolute quantity, PUT on the product or the combination
// (scope update_catalog), never the inventory endpoints' quantityDelta: a
// retry of a delta would count twice. With manage, unlimited goes false in
// the same write.

var (
	_ connectors.StockSource  = (*Client)(nil)
	_ connectors.StockTarget  = (*Client)(nil)
	_ connectors.StockRounder = (*Client)(nil)
)

// ListStock lists stock levels: those of the products changed since
// q.Cursor (the product feed), or (q.All) those of every product. A
// product with combinations has its combinations' levels (each with its
// own SKU), one without its own.
func (c *Client) ListStock(ctx context.Context, q connectors.StockQuery) (connectors.StockPage, error) {
	var products []json.RawMessage
	out := connectors.StockPage{Levels: []model.StockLevel{}}
	if q.All {
		page, err := c.allProducts(ctx, q.ChangeQuery)
		if err != nil {
			return connectors.StockPage{}, err
		}
		products, out.NextPageToken, out.Cursor = page.items, page.next, page.cursor
	} else {
		pos, err := readChangeQuery(OpListProducts, q.ChangeQuery)
		if err != nil {
			return connectors.StockPage{}, err
		}
		items, next, more, err := c.changePage(ctx, changeFeed{op: OpListProducts, stamp: stampOf}, pos, q.PageSize)
		if err != nil {
			return connectors.StockPage{}, err
		}
		products = items
		if more {
			out.NextPageToken = next.String()
		} else {
			out.Cursor = next.String()
		}
	}
	for _, raw := range products {
		var p Product
		if err := decodeJSON(raw, &p); err != nil {
			return connectors.StockPage{}, unavailable(OpListProducts, 200, "a product is not the JSON the API documents: %s", jsonProblem(err))
		}
		if err := c.withCombinations(ctx, &p); err != nil {
			return connectors.StockPage{}, err
		}
		levels, err := levelsOf(p)
		if err != nil {
			return connectors.StockPage{}, invalid(OpListProducts, "product %s (%s): %v", p.ID, p.SKU, err)
		}
		out.Levels = append(out.Levels, levels...)
	}
	return out, nil
}

// levelsOf are a product's stock levels (see ListStock).
func levelsOf(p Product) ([]model.StockLevel, error) {
	var out []model.StockLevel
	if len(p.Combinations) == 0 {
		if sku := strings.TrimSpace(p.SKU); sku != "" && !p.Unlimited {
			q, err := quantity(p.Quantity, "quantity")
			if err != nil {
				return nil, err
			}
			out = append(out, level(sku, q))
		}
		return out, nil
	}
	for i, cb := range p.Combinations {
		if sku := strings.TrimSpace(cb.SKU); sku != "" && !cb.Unlimited {
			q, err := quantity(cb.Quantity, "combinations["+itoa(i)+"].quantity")
			if err != nil {
				return nil, err
			}
			out = append(out, level(sku, q))
		}
	}
	return out, nil
}

func level(sku string, q model.Quantity) model.StockLevel {
	return model.StockLevel{SKU: sku, Physical: q, Available: q}
}

// allPage is a page of every product, by offset. A full pass hands out,
// as its cursor, the time it started: what changed while it ran is listed
// again by the next changed run.
type allPage struct {
	items        []json.RawMessage
	next, cursor string
}

type allPos struct {
	Offset int   `json:"offset"`
	Start  int64 `json:"start"`
}

func (c *Client) allProducts(ctx context.Context, q connectors.ChangeQuery) (allPage, error) {
	pos := allPos{Start: c.now().Add(-c.opt.FeedDelay).Unix()}
	if q.PageToken != "" {
		if err := json.Unmarshal([]byte(q.PageToken), &pos); err != nil || pos.Offset < 0 {
			return allPage{}, invalid(OpListProducts, "the page token %q was not made by this connector", q.PageToken)
		}
	}
	page, err := c.listPage(ctx, OpListProducts, nil, pos.Offset, c.limitFor(q.PageSize))
	if err != nil {
		return allPage{}, err
	}
	out := allPage{items: page.Items}
	if next := pos.Offset + len(page.Items); len(page.Items) > 0 && next < page.Total {
		pos.Offset = next
		b, _ := json.Marshal(pos)
		out.next = string(b)
	} else {
		out.cursor = ChangePos{High: pos.Start}.String()
	}
	return out, nil
}

// StockLevels reads the current levels of these SKUs; one the store does
// not know, or keeps no stock for, is left out.
func (c *Client) StockLevels(ctx context.Context, skus []string) ([]model.StockLevel, error) {
	have, err := c.GetStock(ctx, skus)
	if err != nil {
		return nil, err
	}
	var out []model.StockLevel
	for _, sku := range skus {
		if s, ok := have[sku]; ok && s.Managed {
			out = append(out, level(sku, s.Quantity))
		}
	}
	return out, nil
}

// GetStock returns the stock the store shows for each SKU it knows (a
// fresh search per SKU).
func (c *Client) GetStock(ctx context.Context, skus []string) (map[string]connectors.TargetStock, error) {
	out := map[string]connectors.TargetStock{}
	for _, sku := range skus {
		sku = strings.TrimSpace(sku)
		if sku == "" {
			continue
		}
		if _, done := out[sku]; done {
			continue
		}
		p, e, ok, err := c.findSKU(ctx, sku)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		n, unlimited := p.Quantity, p.Unlimited
		if e.combinationID != "" {
			for _, cb := range p.Combinations {
				if cb.ID.String() == e.combinationID {
					n, unlimited = cb.Quantity, cb.Unlimited
				}
			}
		}
		q, err := quantity(n, "quantity")
		if err != nil {
			return nil, invalid(OpListProducts, "SKU %s: %v", sku, err)
		}
		out[sku] = connectors.TargetStock{Quantity: q, Managed: !unlimited}
	}
	return out, nil
}

// SetStock sets the absolute quantity of a SKU (whole pieces, rounded
// down); manage switches stock keeping on (unlimited false). A SKU the
// store lacks is KindNotFound.
func (c *Client) SetStock(ctx context.Context, sku string, qty model.Quantity, manage bool) error {
	sku = strings.TrimSpace(sku)
	if sku == "" {
		return invalid(OpUpdateProduct, "the SKU to set the stock of is empty")
	}
	_, e, ok, err := c.findSKU(ctx, sku)
	if err != nil {
		return err
	}
	if !ok {
		c.forget(sku)
		return notFound(OpUpdateProduct, "SKU %q is neither a product's nor a variation's SKU in the Ecwid store; create the product first or fix the SKU", sku)
	}
	n, _ := pieces(c.RoundStock(qty))
	body := StockBody{Quantity: n}
	if manage {
		body.Unlimited = ptr(false)
	}
	if e.combinationID == "" {
		return c.do(ctx, request{op: OpUpdateProduct, path: opPath(OpUpdateProduct, e.productID), body: body})
	}
	return c.do(ctx, request{op: OpUpdateCombination, path: opPath(OpUpdateCombination, e.productID, e.combinationID), body: body})
}

// RoundStock is the stock Ecwid keeps for q: whole pieces, rounded down.
func (c *Client) RoundStock(q model.Quantity) model.Quantity {
	n := int64(q) / model.QuantityScale
	if int64(q)%model.QuantityScale < 0 {
		n--
	}
	return model.Pieces(n)
}
