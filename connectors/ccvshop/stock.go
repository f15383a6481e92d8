package ccvshop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Stock lives on the product, or on each attribute combination when the
// product's stocktype says so (§1.6.6/§1.6.7). The shop keeps one figure per
// SKU, so it is both the physical and the available stock and nothing is
// reserved.

// ListStock lists stock levels: those of the products changed since
// q.Cursor, paged and with the cursor of ListChangedProducts, or (q.All)
// those of every product in the order of their ids. The shop has no stock
// change feed; this assumes that a stock change bumps the product's
// modifydate, also when the stock is on a combination (§1.5 [A]); a
// reconciliation with All finds any change that did not. A product that
// does not keep stock (stockenabled false) has no level; a combination
// without a sku_number cannot be matched and is left out.
func (c *Client) ListStock(ctx context.Context, q connectors.StockQuery) (connectors.StockPage, error) {
	recs, next, cursor, err := c.listProducts(ctx, q.ChangeQuery, q.All)
	if err != nil {
		return connectors.StockPage{}, err
	}
	out := connectors.StockPage{Levels: []model.StockLevel{}, NextPageToken: next, Cursor: cursor}
	for _, r := range recs {
		p := r.w
		if !p.StockEnabled {
			continue
		}
		if p.StockType != c.cfg.CombinationStockType {
			if sku := strings.TrimSpace(p.ProductNumber); sku != "" {
				qty, err := quantity(p.Stock, "stock")
				if err != nil {
					return connectors.StockPage{}, c.invalidProduct(OpListProducts, p.ID, err)
				}
				out.Levels = append(out.Levels, level(sku, qty))
			}
			continue
		}
		combos, err := c.combinations(ctx, p)
		if err != nil {
			return connectors.StockPage{}, err
		}
		for _, cb := range combos {
			if sku := strings.TrimSpace(cb.SKUNumber); sku != "" {
				qty, err := quantity(cb.Stock, "attributecombinations.stock")
				if err != nil {
					return connectors.StockPage{}, c.invalidProduct(OpListProducts, p.ID, err)
				}
				out.Levels = append(out.Levels, level(sku, qty))
			}
		}
	}
	return out, nil
}

func level(sku string, qty model.Quantity) model.StockLevel {
	return model.StockLevel{SKU: sku, Physical: qty, Available: qty}
}

func quantity(n json.Number, field string) (model.Quantity, error) {
	v, err := number(n, 3, field)
	return model.Quantity(v), err
}

// combinations returns a product's attribute combinations.
func (c *Client) combinations(ctx context.Context, p wireProduct) ([]wireCombination, error) {
	return subItems(ctx, c, OpListCombinations, p.AttributeCombinations, fmt.Sprintf("%s/products/%d/attributecombinations/", APIPath, p.ID))
}

// skuEntry is where a SKU lives: a product, or one of its combinations.
type skuEntry struct {
	productID     int64
	combinationID int64 // 0: the product's own SKU
	// stockOnCombinations: the product keeps stock, per combination.
	stockOnCombinations bool
}

// skuIndex maps every SKU of the shop (product numbers and combination
// SKUs) to where it lives. A variant SKU cannot be searched for in the API,
// so the index is built by paging every product with its combinations. The
// first (lowest id) holder of a SKU wins.
type skuIndex struct {
	built time.Time
	bySKU map[string]skuEntry
}

func (c *Client) buildSKUIndex(ctx context.Context) (*skuIndex, error) {
	v := url.Values{"orderby": {"id"}, "expand": {"attributecombinations"}, "start": {"0"}, "size": {strconv.Itoa(c.cfg.MaxPageSize)}}
	products, err := getAll[wireProduct](ctx, c, OpListProducts, APIPath+"/products/?"+v.Encode())
	if err != nil {
		return nil, err
	}
	idx := &skuIndex{built: time.Now(), bySKU: map[string]skuEntry{}}
	put := func(sku string, e skuEntry) {
		if sku = strings.TrimSpace(sku); sku != "" {
			if _, taken := idx.bySKU[sku]; !taken {
				idx.bySKU[sku] = e
			}
		}
	}
	for _, p := range products {
		onCombos := p.StockEnabled && p.StockType == c.cfg.CombinationStockType
		put(p.ProductNumber, skuEntry{productID: p.ID, stockOnCombinations: onCombos})
		combos, err := c.combinations(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, cb := range combos {
			put(cb.SKUNumber, skuEntry{productID: p.ID, combinationID: cb.ID, stockOnCombinations: onCombos})
		}
	}
	c.cacheMu.Lock()
	c.skus = idx
	c.cacheMu.Unlock()
	return idx, nil
}

// lookupSKUs finds where each SKU lives, from the cached index while it is
// younger than CacheTTL; a SKU it lacks rebuilds it once. A SKU missing from
// the result does not exist in the shop.
func (c *Client) lookupSKUs(ctx context.Context, skus []string) (map[string]skuEntry, error) {
	c.cacheMu.Lock()
	idx := c.skus
	c.cacheMu.Unlock()
	fresh := false
	if idx == nil || c.cfg.CacheTTL < 0 || time.Since(idx.built) >= c.cfg.CacheTTL {
		var err error
		if idx, err = c.buildSKUIndex(ctx); err != nil {
			return nil, err
		}
		fresh = true
	}
	out := map[string]skuEntry{}
	for _, sku := range skus {
		e, ok := idx.bySKU[sku]
		if !ok && !fresh {
			var err error
			if idx, err = c.buildSKUIndex(ctx); err != nil {
				return nil, err
			}
			fresh = true
			e, ok = idx.bySKU[sku]
		}
		if ok {
			out[sku] = e
		}
	}
	return out, nil
}

func (c *Client) lookupSKU(ctx context.Context, sku string) (skuEntry, bool, error) {
	m, err := c.lookupSKUs(ctx, []string{sku})
	e, ok := m[sku]
	return e, ok, err
}

// forgetSKUs drops the index, so the next lookup rebuilds it.
func (c *Client) forgetSKUs() {
	c.cacheMu.Lock()
	c.skus = nil
	c.cacheMu.Unlock()
}

// GetStock returns the stock the shop shows for each SKU it knows: the
// product's stock for a product number, the combination's for a variant
// SKU. Managed is the product's stockenabled; for a variant, the stock
// must also be kept per combination.
func (c *Client) GetStock(ctx context.Context, skus []string) (map[string]connectors.TargetStock, error) {
	var want []string
	for _, s := range skus {
		if s = strings.TrimSpace(s); s != "" {
			want = append(want, s)
		}
	}
	where, err := c.lookupSKUs(ctx, want)
	if err != nil {
		return nil, err
	}
	byProduct := map[int64][]string{}
	var order []int64
	for _, sku := range want {
		if e, ok := where[sku]; ok {
			if _, seen := byProduct[e.productID]; !seen {
				order = append(order, e.productID)
			}
			byProduct[e.productID] = append(byProduct[e.productID], sku)
		}
	}
	out := map[string]connectors.TargetStock{}
	for _, pid := range order {
		rec, found, err := c.productByID(ctx, pid)
		if err != nil {
			return nil, err
		}
		if !found { // deleted since the index was built
			c.forgetSKUs()
			continue
		}
		p := rec.w
		combos, err := c.combinations(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, sku := range byProduct[pid] {
			e := where[sku]
			if e.combinationID == 0 {
				qty, err := quantity(p.Stock, "stock")
				if err != nil {
					return nil, c.invalidProduct(OpGetProduct, p.ID, err)
				}
				out[sku] = connectors.TargetStock{Quantity: qty, Managed: p.StockEnabled}
				continue
			}
			for _, cb := range combos {
				if cb.ID == e.combinationID {
					qty, err := quantity(cb.Stock, "attributecombinations.stock")
					if err != nil {
						return nil, c.invalidProduct(OpGetProduct, p.ID, err)
					}
					out[sku] = connectors.TargetStock{Quantity: qty, Managed: p.StockEnabled && p.StockType == c.cfg.CombinationStockType}
				}
			}
		}
	}
	return out, nil
}

// SetStock sets the absolute stock of a SKU (never a delta): PATCH stock on
// the product, or on the attribute combination of a variant SKU. With
// manage, stock keeping is switched on: stockenabled on the product and,
// for a variant, stock per combination. A SKU the shop does not have is a
// KindNotFound error naming it.
func (c *Client) SetStock(ctx context.Context, sku string, qty model.Quantity, manage bool) error {
	sku = strings.TrimSpace(sku)
	if sku == "" {
		return &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: "set stock", Message: "the SKU is empty"}
	}
	for attempt := 0; ; attempt++ {
		e, ok, err := c.lookupSKU(ctx, sku)
		if err != nil {
			return err
		}
		if !ok {
			return &connectors.Error{Kind: connectors.KindNotFound, System: c.system(), Op: "set stock",
				Message: fmt.Sprintf("SKU %q is neither a product number nor a variant SKU in the shop; create the product first or fix the SKU", sku)}
		}
		err = c.patchStock(ctx, e, qty, manage)
		if connectors.IsKind(err, connectors.KindNotFound) && attempt == 0 {
			c.forgetSKUs() // the product or combination went away since the index was built
			continue
		}
		return err
	}
}

func (c *Client) patchStock(ctx context.Context, e skuEntry, qty model.Quantity, manage bool) error {
	stock := json.Number(qty.String())
	if e.combinationID == 0 {
		body := map[string]any{"stock": stock}
		if manage {
			body["stockenabled"] = true
		}
		_, err := c.send(ctx, OpUpdateProduct, http.MethodPatch, fmt.Sprintf("%s/products/%d/", APIPath, e.productID), body, nil)
		return err
	}
	if manage && !e.stockOnCombinations {
		body := map[string]any{"stockenabled": true, "stocktype": c.cfg.CombinationStockType}
		if _, err := c.send(ctx, OpUpdateProduct, http.MethodPatch, fmt.Sprintf("%s/products/%d/", APIPath, e.productID), body, nil); err != nil {
			return err
		}
		c.markStockOnCombinations(e.productID)
	}
	_, err := c.send(ctx, OpUpdateCombination, http.MethodPatch, fmt.Sprintf("%s/attributecombinations/%d/", APIPath, e.combinationID), map[string]any{"stock": stock}, nil)
	return err
}

// markStockOnCombinations records in the index that a product now keeps
// stock per combination, so the switch is not sent again.
func (c *Client) markStockOnCombinations(productID int64) {
	c.cacheMu.Lock()
	defer c.cacheMu.Unlock()
	if c.skus == nil {
		return
	}
	next := &skuIndex{built: c.skus.built, bySKU: make(map[string]skuEntry, len(c.skus.bySKU))}
	for sku, e := range c.skus.bySKU {
		if e.productID == productID {
			e.stockOnCombinations = true
		}
		next.bySKU[sku] = e
	}
	c.skus = next
}

// StockLevels reads the current stock of these SKUs (products or attribute
// combinations), as ListStock reports them; unknown SKUs are left out.
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
