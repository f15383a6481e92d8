package mplus

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// pluBatch bounds the pluNumbers of one getProducts call.
const pluBatch = 100

type productEntry struct {
	articleNumber string
	expires       time.Time
}

// LookupProducts resolves SKUs to MplusKASSA articleNumbers. The SKU is the
// article's pluNumber (research §2.6). Found SKUs are cached for
// ProductCacheTTL, so steady-state orders do not query known products again;
// SKUs that were not found are never cached, so a product created in the back
// office is seen on the next order. When several articles share a pluNumber,
// an active one wins, then the lowest articleNumber.
func (c *Client) LookupProducts(ctx context.Context, skus []string) (map[string]string, error) {
	out := map[string]string{}
	var query []string
	seen := map[string]bool{}
	now := c.now()
	c.prodMu.Lock()
	for _, s := range skus {
		if strings.TrimSpace(s) == "" || seen[s] {
			continue
		}
		seen[s] = true
		if e, ok := c.products[s]; ok && c.cfg.ProductCacheTTL > 0 && now.Before(e.expires) {
			out[s] = e.articleNumber
			continue
		}
		query = append(query, s)
	}
	c.prodMu.Unlock()

	for len(query) > 0 {
		n := min(len(query), pluBatch)
		found, err := c.getProductsByPLU(ctx, query[:n])
		if err != nil {
			return nil, err
		}
		query = query[n:]
		c.prodMu.Lock()
		for sku, art := range found {
			out[sku] = art
			if c.cfg.ProductCacheTTL > 0 {
				c.products[sku] = productEntry{articleNumber: art, expires: c.now().Add(c.cfg.ProductCacheTTL)}
			}
		}
		c.prodMu.Unlock()
	}
	return out, nil
}

func (c *Client) getProductsByPLU(ctx context.Context, plus []string) (map[string]string, error) {
	req := getProductsReq{}
	want := map[string]bool{}
	for _, p := range plus {
		req.Request.PluNumbers.Text = append(req.Request.PluNumbers.Text, wireText{Text: p})
		want[p] = true
	}
	var resp getProductsResp
	if err := c.call(ctx, "getProducts", "GetProductsResponse", req, &resp); err != nil {
		return nil, err
	}
	type pick struct {
		number int64
		active bool
	}
	best := map[string]pick{}
	for _, p := range resp.ProductList.Product {
		for _, a := range p.ArticleList.Article {
			if !want[a.PluNumber] || a.ArticleNumber == 0 {
				continue
			}
			cand := pick{number: a.ArticleNumber, active: a.Active == nil || *a.Active}
			cur, ok := best[a.PluNumber]
			if !ok || (cand.active && !cur.active) || (cand.active == cur.active && cand.number < cur.number) {
				best[a.PluNumber] = cand
			}
		}
	}
	out := make(map[string]string, len(best))
	for sku, p := range best {
		out[sku] = strconv.FormatInt(p.number, 10)
	}
	return out, nil
}
