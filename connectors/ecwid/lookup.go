package ecwid

import (
	"context"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
)

// SKUs: GET /products?sku= matches a product's SKU or a variation's
// exactly and answers the product that holds it (§3.3; other parameters
// are ignored). A product that holds the SKU itself wins over a variation
// that repeats it (Ecwid lets a variation inherit the product's SKU); of
// several products with one SKU (the store allows non-unique SKUs) the one
// with the lowest id wins. The order path resolves the same SKUs several
// times within seconds, so a resolved SKU is reused for options.cacheTTL;
// stock reads and writes always search afresh.

// skuEntry is where a SKU lives: a product, or one of its combinations
// (with the option values that identify it).
type skuEntry struct {
	productID     string
	combinationID string
	options       []OptionValue
}

// ref is the entry as ProductLookup hands it out: the product id, or
// "productId/combinationId" for a variation.
func (e skuEntry) ref() string {
	if e.combinationID == "" {
		return e.productID
	}
	return e.productID + "/" + e.combinationID
}

// parseRef reads a ref; ok is false for one this client did not make.
func parseRef(ref string) (skuEntry, bool) {
	p, cb, _ := strings.Cut(strings.TrimSpace(ref), "/")
	if _, ok := numericID(p); !ok {
		return skuEntry{}, false
	}
	if _, ok := numericID(cb); cb != "" && !ok {
		return skuEntry{}, false
	}
	return skuEntry{productID: p, combinationID: cb}, true
}

type cachedSKU struct {
	entry skuEntry
	until time.Time
}

var _ connectors.ProductLookup = (*Client)(nil)

// LookupProducts returns the ref of every SKU the store holds; a SKU
// missing from the map has no product or variation.
func (c *Client) LookupProducts(ctx context.Context, skus []string) (map[string]string, error) {
	found, err := c.resolveSKUs(ctx, skus)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(found))
	for sku, e := range found {
		out[sku] = e.ref()
	}
	return out, nil
}

// resolveSKUs finds where each SKU lives, cached; one the store lacks is
// asked again every time, so a product created meanwhile is found at once.
func (c *Client) resolveSKUs(ctx context.Context, skus []string) (map[string]skuEntry, error) {
	out := map[string]skuEntry{}
	now := c.now()
	var ask []string
	c.mu.Lock()
	for _, sku := range skus {
		sku = strings.TrimSpace(sku)
		if sku == "" {
			continue
		}
		if e, ok := c.skus[sku]; ok && now.Before(e.until) {
			out[sku] = e.entry
		} else if !contains(ask, sku) {
			ask = append(ask, sku)
		}
	}
	c.mu.Unlock()
	for _, sku := range ask {
		_, e, ok, err := c.findSKU(ctx, sku)
		if err != nil {
			return nil, err
		}
		if ok {
			out[sku] = e
			c.remember(sku, e)
		}
	}
	return out, nil
}

// remember caches where a SKU lives.
func (c *Client) remember(sku string, e skuEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.skus == nil || len(c.skus) > 10000 {
		c.skus = map[string]cachedSKU{} // a catalogue that big is asked again, not kept
	}
	c.skus[sku] = cachedSKU{entry: e, until: c.now().Add(c.opt.CacheTTL)}
}

// forget drops a SKU from the cache (its product went away).
func (c *Client) forget(sku string) {
	c.mu.Lock()
	delete(c.skus, sku)
	c.mu.Unlock()
}

// findSKU searches the store for a SKU: the product that holds it (with
// its combinations) and where in it the SKU lives.
func (c *Client) findSKU(ctx context.Context, sku string) (Product, skuEntry, bool, error) {
	products, err := c.searchSKU(ctx, sku)
	if err != nil {
		return Product{}, skuEntry{}, false, err
	}
	for _, p := range products {
		if strings.TrimSpace(p.SKU) == sku {
			return p, skuEntry{productID: p.ID.String()}, true, nil
		}
	}
	for _, p := range products {
		for _, cb := range p.Combinations {
			if strings.TrimSpace(cb.SKU) == sku {
				return p, skuEntry{productID: p.ID.String(), combinationID: cb.ID.String(), options: cb.Options}, true, nil
			}
		}
	}
	return Product{}, skuEntry{}, false, nil
}

// searchSKU lists the products a SKU search answers, lowest id first, each
// with its combinations.
func (c *Client) searchSKU(ctx context.Context, sku string) ([]Product, error) {
	var products []Product
	err := c.eachPage(ctx, OpListProducts, url.Values{"sku": {sku}}, func(items []json.RawMessage) (bool, error) {
		for _, raw := range items {
			var p Product
			if err := decodeJSON(raw, &p); err != nil {
				return true, unavailable(OpListProducts, 200, "a product of the SKU search for %q is not the JSON the API documents: %s", sku, jsonProblem(err))
			}
			products = append(products, p)
		}
		return len(products) >= MaxPageSize, nil // a SKU is exact: more than a page is noise
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(products, func(i, j int) bool { return idLess(products[i].ID.String(), products[j].ID.String()) })
	for i := range products {
		if err := c.withCombinations(ctx, &products[i]); err != nil {
			return nil, err
		}
	}
	return products, nil
}

// withCombinations reads a product's combinations when the answer that
// listed it left them out (it has options but no combinations).
func (c *Client) withCombinations(ctx context.Context, p *Product) error {
	if len(p.Combinations) > 0 || len(p.Options) == 0 {
		return nil
	}
	var combos []Combination
	var raw json.RawMessage
	if err := c.get(ctx, OpListCombinations, opPath(OpListCombinations, p.ID.String()), nil, &raw); err != nil {
		return err
	}
	if err := decodeJSON(raw, &combos); err != nil {
		return unavailable(OpListCombinations, 200, "the combinations of product %s are not the JSON the API documents: %s", p.ID, jsonProblem(err))
	}
	p.Combinations = combos
	return nil
}

// idLess orders numeric ids as numbers.
func idLess(a, b string) bool {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA != nil || errB != nil {
		return a < b
	}
	return x < y
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
