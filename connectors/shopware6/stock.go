package shopware6

import (
	"context"
	"fmt"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The stock target. Shopware keeps one whole-number stock per product or
// variant (product.stock, research §1.9); from 6.6 (6.5 with
// STOCK_HANDLING) it is lowered when an order is placed and availableStock
// mirrors it, before that availableStock is stock less open orders. The
// flows write the absolute figure to stock.
//
// Shopware has no "keep stock" switch: it always counts. What decides
// whether stock limits sales is isCloseout ("clearance sale": not orderable
// once sold out), on the product and inherited by its variants; it is the
// same field from 6.4 to 6.7. Managed is read from it and manage switches
// it on. A quantity with a fraction (weighed goods) is rounded down to
// whole pieces, so the shop never offers more than there is.

// stockRecord is what GetStock and SetStock read of a SKU.
type stockRecord struct {
	id      string
	stock   int64
	managed bool
}

// stockOf reads the stock of each SKU (variants with their inherited
// isCloseout), a page of MaxPageSize numbers at a time.
func (c *Client) stockOf(ctx context.Context, skus []string) (map[string]stockRecord, error) {
	out := map[string]stockRecord{}
	for len(skus) > 0 {
		n := min(len(skus), c.cfg.MaxPageSize)
		page := skus[:n]
		skus = skus[n:]
		res, err := c.searchWith(ctx, OpSearchProducts, "product",
			criteria{Filter: []filter{equalsAny("productNumber", page)}, Limit: n}, inheritance())
		if err != nil {
			return nil, err
		}
		var ps []wireProduct
		if err := decodeAll(res, &ps); err != nil {
			return nil, c.unreadable(OpSearchProducts, err)
		}
		for _, p := range ps {
			st, err := p.Stock.Int64()
			if err != nil {
				return nil, &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: OpSearchProducts,
					Message: fmt.Sprintf("product %s cannot be read: stock %q is not a whole number", p.ProductNumber, p.Stock)}
			}
			out[p.ProductNumber] = stockRecord{id: p.ID, stock: st, managed: p.IsCloseout != nil && *p.IsCloseout}
		}
	}
	return out, nil
}

// GetStock returns the stock the shop shows for each SKU it has.
func (c *Client) GetStock(ctx context.Context, skus []string) (map[string]connectors.TargetStock, error) {
	var want []string
	for _, s := range skus {
		if s = strings.TrimSpace(s); s != "" {
			want = append(want, s)
		}
	}
	recs, err := c.stockOf(ctx, want)
	if err != nil {
		return nil, err
	}
	out := map[string]connectors.TargetStock{}
	for sku, r := range recs {
		out[sku] = connectors.TargetStock{Quantity: model.Pieces(r.stock), Managed: r.managed}
	}
	return out, nil
}

// SetStock sets a SKU's absolute stock and, with manage, isCloseout; it
// writes only what differs (a sync upsert of the product or variant), so a
// repeated or retried call changes nothing.
func (c *Client) SetStock(ctx context.Context, sku string, qty model.Quantity, manage bool) error {
	sku = strings.TrimSpace(sku)
	if sku == "" {
		return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: "set stock", Message: "the SKU is empty"}
	}
	recs, err := c.stockOf(ctx, []string{sku})
	if err != nil {
		return err
	}
	r, ok := recs[sku]
	if !ok {
		return &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: "set stock",
			Message: fmt.Sprintf("SKU %q is no product number in the shop; create the product first or fix the SKU", sku)}
	}
	want := wholePieces(qty)
	body := map[string]any{"id": r.id}
	if r.stock != want {
		body["stock"] = want
	}
	if manage && !r.managed {
		body["isCloseout"] = true
	}
	if len(body) == 1 {
		return nil
	}
	return c.sync(ctx, []syncOperation{{Action: "upsert", Entity: "product", Payload: []map[string]any{body}}},
		func(int, int, string) string { return "stock of " + sku })
}

// wholePieces rounds a quantity down to whole pieces.
func wholePieces(q model.Quantity) int64 {
	n := int64(q) / model.QuantityScale
	if int64(q)%model.QuantityScale < 0 {
		n--
	}
	return n
}

// RoundStock is the stock Shopware keeps for q: whole pieces, rounded down.
func (c *Client) RoundStock(q model.Quantity) model.Quantity { return model.Pieces(wholePieces(q)) }

var _ connectors.StockRounder = (*Client)(nil)
