package mplus

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// pluBatch bounds the pluNumbers (or articleNumbers) of one getProducts call.
const pluBatch = 100

// articleInfo is what the client keeps of an article to resolve SKUs,
// article numbers and stock keeping without asking again.
type articleInfo struct {
	number       int64
	product      int64
	plu          string
	stockArticle bool
}

type cachedArticle struct {
	articleInfo
	expires time.Time
}

// LookupProducts resolves SKUs to MplusKASSA articleNumbers. The SKU is the
// article's pluNumber (research §2.6). Found SKUs are cached for
// ProductCacheTTL, so steady-state orders do not query known products again;
// SKUs that were not found are never cached, so a product created in the back
// office is seen on the next order. When several articles share a pluNumber,
// an active one wins, then the lowest articleNumber.
func (c *Client) LookupProducts(ctx context.Context, skus []string) (map[string]string, error) {
	found, err := c.articlesByPLU(ctx, skus, false)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(found))
	for sku, a := range found {
		out[sku] = strconv.FormatInt(a.number, 10)
	}
	return out, nil
}

// articlesByPLU resolves pluNumbers to articles, from the cache unless fresh
// is set (then every one is asked again and the cache refreshed).
func (c *Client) articlesByPLU(ctx context.Context, plus []string, fresh bool) (map[string]articleInfo, error) {
	out := map[string]articleInfo{}
	var query []string
	seen := map[string]bool{}
	now := c.now()
	c.prodMu.Lock()
	for _, s := range plus {
		if strings.TrimSpace(s) == "" || seen[s] {
			continue
		}
		seen[s] = true
		if e, ok := c.byPLU[s]; ok && !fresh && now.Before(e.expires) {
			out[s] = e.articleInfo
			continue
		}
		query = append(query, s)
	}
	c.prodMu.Unlock()

	for len(query) > 0 {
		n := min(len(query), pluBatch)
		req := getProductsReq{}
		want := map[string]bool{}
		for _, p := range query[:n] {
			req.Request.PluNumbers.Text = append(req.Request.PluNumbers.Text, wireText{Text: p})
			want[p] = true
		}
		query = query[n:]
		var resp getProductsResp
		if err := c.call(ctx, "getProducts", "GetProductsResponse", req, &resp); err != nil {
			return nil, err
		}
		for plu, a := range bestArticles(resp.ProductList.Product, want) {
			out[plu] = a
		}
		c.remember(out)
	}
	return out, nil
}

// bestArticles picks, per wanted pluNumber, the article that wins: an
// active one, then the lowest articleNumber.
func bestArticles(products []wireProduct, want map[string]bool) map[string]articleInfo {
	type pick struct {
		info   articleInfo
		active bool
	}
	best := map[string]pick{}
	for _, p := range products {
		for _, a := range p.ArticleList.Article {
			if !want[a.PluNumber] || a.ArticleNumber == 0 {
				continue
			}
			cand := pick{info: infoOf(p, a), active: a.Active == nil || *a.Active}
			cur, ok := best[a.PluNumber]
			if !ok || (cand.active && !cur.active) || (cand.active == cur.active && cand.info.number < cur.info.number) {
				best[a.PluNumber] = cand
			}
		}
	}
	out := make(map[string]articleInfo, len(best))
	for plu, p := range best {
		out[plu] = p.info
	}
	return out
}

func infoOf(p wireProduct, a wireArticle) articleInfo {
	return articleInfo{number: a.ArticleNumber, product: p.ProductNumber, plu: a.PluNumber,
		stockArticle: a.StockArticle != nil && *a.StockArticle}
}

// articlesByNumber resolves articleNumbers to articles (their pluNumber,
// above all), from the cache where it can. Numbers MplusKASSA does not know
// are missing from the map.
func (c *Client) articlesByNumber(ctx context.Context, numbers []int64) (map[int64]articleInfo, error) {
	out := map[int64]articleInfo{}
	var query []int64
	seen := map[int64]bool{}
	now := c.now()
	c.prodMu.Lock()
	for _, n := range numbers {
		if n == 0 || seen[n] {
			continue
		}
		seen[n] = true
		if e, ok := c.byArticle[n]; ok && now.Before(e.expires) {
			out[n] = e.articleInfo
			continue
		}
		query = append(query, n)
	}
	c.prodMu.Unlock()

	for len(query) > 0 {
		n := min(len(query), pluBatch)
		req := getProductsReq{Request: getProductsRequest{ArticleNumbers: query[:n]}}
		query = query[n:]
		var resp getProductsResp
		if err := c.call(ctx, "getProducts", "GetProductsResponse", req, &resp); err != nil {
			return nil, err
		}
		for _, p := range resp.ProductList.Product {
			for _, a := range p.ArticleList.Article {
				if seen[a.ArticleNumber] {
					out[a.ArticleNumber] = infoOf(p, a)
				}
			}
		}
		c.rememberArticles(out)
	}
	return out, nil
}

// remember caches articles found by pluNumber (nothing when the cache is off).
func (c *Client) remember(found map[string]articleInfo) {
	if c.cfg.ProductCacheTTL <= 0 {
		return
	}
	expires := c.now().Add(c.cfg.ProductCacheTTL)
	c.prodMu.Lock()
	defer c.prodMu.Unlock()
	for plu, a := range found {
		c.byPLU[plu] = cachedArticle{articleInfo: a, expires: expires}
		c.byArticle[a.number] = cachedArticle{articleInfo: a, expires: expires}
	}
}

// rememberArticles caches articles found by number. Only the number index is
// filled: which article wins a shared pluNumber is decided by articlesByPLU.
func (c *Client) rememberArticles(found map[int64]articleInfo) {
	if c.cfg.ProductCacheTTL <= 0 {
		return
	}
	expires := c.now().Add(c.cfg.ProductCacheTTL)
	c.prodMu.Lock()
	defer c.prodMu.Unlock()
	for n, a := range found {
		c.byArticle[n] = cachedArticle{articleInfo: a, expires: expires}
	}
}

// forget drops what the cache holds for SKUs just written, so the next
// lookup sees the new state (a new article, a changed stock flag).
func (c *Client) forget(skus ...string) {
	drop := make(map[string]bool, len(skus))
	for _, s := range skus {
		drop[s] = true
	}
	c.prodMu.Lock()
	defer c.prodMu.Unlock()
	for s := range drop {
		delete(c.byPLU, s)
	}
	for n, e := range c.byArticle {
		if drop[e.plu] {
			delete(c.byArticle, n)
		}
	}
}
