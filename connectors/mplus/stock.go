package mplus

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Stock lives per branch and article (research §2.5): getStock reads the
// levels, getStockHistoryV2 lists every change with a rising stockId (the
// change feed), setStock sets an absolute level. Koppel reads and writes the
// branch of Config.StockBranch.
//
// Levels [A]: research gives no meaning for amountFree beyond its name.
// Koppel takes it as the stock on hand, so Physical = Available = amountFree,
// and Reserved = amountReserved (what open orders hold). If amountFree turns
// out to exclude reservations already, choose the stock flow's "available"
// or "physical" calculation instead of "available minus reserved". An
// absent decimalPlaces is taken as 2, the API's default for quantities.
// The history lists movements of stock; a change of the reserved amount
// alone is assumed to have no row [A], so only a reconciliation (All)
// sees it.

// stockReference marks the stock changes Koppel makes in the history.
const stockReference = "koppel"

// allPrefix starts the page token of a reconciliation (StockQuery.All).
const allPrefix = "all:"

// ListStock lists stock levels of the stock articles in Config.StockBranch.
//
// Changed only (the default): getStockHistoryV2 from the cursor (a stockId;
// "" is 0, the whole history) with the page size as sinceStockIdLimit, then
// getStock for the distinct articles the page names, so each level is the
// current one. Page token and cursor are the highest stockId seen; a page
// with fewer changes than the limit is the last.
//
// All (a reconciliation): every article, a page at a time by syncMarker
// (getProducts), with getStock per page. The pass remembers the stockId
// current when it began (getCurrentSyncMarkers) and ends with it as cursor,
// so changes made during the pass are listed again by the next run.
//
// The SKU is the article's pluNumber (getProducts by articleNumbers,
// cached); articles without one, deleted ones and articles that keep no
// stock are left out.
func (c *Client) ListStock(ctx context.Context, q connectors.StockQuery) (connectors.StockPage, error) {
	if q.All || strings.HasPrefix(q.PageToken, allPrefix) {
		return c.listAllStock(ctx, q)
	}
	const op = "getStockHistoryV2"
	since, err := marker(op, q.ChangeQuery, "stockId")
	if err != nil {
		return connectors.StockPage{}, err
	}
	limit := pageSize(q.PageSize)
	req := getStockHistoryV2Req{Request: getStockHistoryV2Request{
		BranchNumbers: []int{c.cfg.StockBranch}, SinceStockID: &since, SinceStockIDLimit: &limit}}
	var resp getStockHistoryResp
	if err := c.call(ctx, op, "GetStockHistoryResponse", req, &resp); err != nil {
		return connectors.StockPage{}, err
	}
	highest := since
	var numbers []int64
	seen := map[int64]bool{}
	for _, h := range resp.ArticleStockHistory {
		highest = max(highest, h.StockID)
		if !seen[h.ArticleNumber] && (h.BranchNumber == 0 || h.BranchNumber == c.cfg.StockBranch) {
			seen[h.ArticleNumber] = true
			numbers = append(numbers, h.ArticleNumber)
		}
	}
	info, err := c.articlesByNumber(ctx, numbers)
	if err != nil {
		return connectors.StockPage{}, err
	}
	levels, err := c.stockLevels(ctx, numbers, info)
	if err != nil {
		return connectors.StockPage{}, err
	}
	page := connectors.StockPage{Levels: levels}
	if len(resp.ArticleStockHistory) >= limit && highest > since {
		page.NextPageToken = strconv.FormatInt(highest, 10)
	} else {
		page.Cursor = strconv.FormatInt(highest, 10)
	}
	return page, nil
}

// listAllStock is ListStock with All; its page token is
// "all:<syncMarker>:<stockId at the start of the pass>".
func (c *Client) listAllStock(ctx context.Context, q connectors.StockQuery) (connectors.StockPage, error) {
	const op = "getProducts"
	var since, startStock int64
	if tok := q.PageToken; tok != "" {
		m, s, ok := strings.Cut(strings.TrimPrefix(tok, allPrefix), ":")
		var err1, err2 error
		since, err1 = strconv.ParseInt(m, 10, 64)
		startStock, err2 = strconv.ParseInt(s, 10, 64)
		if !strings.HasPrefix(tok, allPrefix) || !ok || err1 != nil || err2 != nil {
			return connectors.StockPage{}, invalid(op, "the page token %q is not one of a MplusKASSA stock reconciliation; start the reconciliation again", tok)
		}
	} else {
		var markers getCurrentSyncMarkersResp
		if err := c.call(ctx, "getCurrentSyncMarkers", "getCurrentSyncMarkersResponse", getCurrentSyncMarkersReq{}, &markers); err != nil {
			return connectors.StockPage{}, err
		}
		startStock = markers.StockID
	}
	limit := pageSize(q.PageSize)
	req := getProductsReq{Request: getProductsRequest{SyncMarker: &since, SyncMarkerLimit: &limit}}
	var resp getProductsResp
	if err := c.call(ctx, op, "GetProductsResponse", req, &resp); err != nil {
		return connectors.StockPage{}, err
	}
	highest, count := since, 0
	found := map[int64]articleInfo{}
	var numbers []int64
	for _, p := range resp.ProductList.Product {
		for _, a := range p.ArticleList.Article {
			count++
			highest = max(highest, a.SyncMarker)
			info := infoOf(p, a)
			if info.stockArticle && info.plu != "" {
				found[a.ArticleNumber] = info
				numbers = append(numbers, a.ArticleNumber)
			}
		}
	}
	c.rememberArticles(found)
	levels, err := c.stockLevels(ctx, numbers, found)
	if err != nil {
		return connectors.StockPage{}, err
	}
	page := connectors.StockPage{Levels: levels}
	if count >= limit && highest > since {
		page.NextPageToken = fmt.Sprintf("%s%d:%d", allPrefix, highest, startStock)
	} else {
		page.Cursor = strconv.FormatInt(startStock, 10)
	}
	return page, nil
}

// stockLevels reads the current levels of articles (in their order) and
// names them by pluNumber; info describes the articles.
func (c *Client) stockLevels(ctx context.Context, numbers []int64, info map[int64]articleInfo) ([]model.StockLevel, error) {
	var keep []int64
	for _, n := range numbers {
		if a, ok := info[n]; ok && a.stockArticle && a.plu != "" {
			keep = append(keep, n)
		}
	}
	if len(keep) == 0 {
		return nil, nil
	}
	stocks, err := c.getStock(ctx, keep)
	if err != nil {
		return nil, err
	}
	location := strconv.Itoa(c.cfg.StockBranch)
	var out []model.StockLevel
	for _, n := range keep {
		s := stocks[n]
		free := stockQuantity(s.AmountFree, s.DecimalPlacesFree)
		out = append(out, model.StockLevel{SKU: info[n].plu, Location: location, Physical: free, Available: free,
			Reserved: stockQuantity(s.AmountReserved, s.DecimalPlacesReserved)})
	}
	return out, nil
}

func stockQuantity(amount int64, decimals *int) model.Quantity {
	dp := 2
	if decimals != nil {
		dp = *decimals
	}
	return model.QuantityFromScaled(amount, dp)
}

// getStock reads the levels of articles in Config.StockBranch, by
// articleNumber; an article the answer leaves out has no stock (zero).
func (c *Client) getStock(ctx context.Context, numbers []int64) (map[int64]wireArticleStock, error) {
	out := map[int64]wireArticleStock{}
	for len(numbers) > 0 {
		n := min(len(numbers), pluBatch)
		req := getStockReq{Request: getStockRequest{BranchNumber: c.cfg.StockBranch,
			ArticleNumbers: wireArticleNumberList{ArticleNumbers: numbers[:n]}}}
		numbers = numbers[n:]
		var resp getStockResp
		if err := c.call(ctx, "getStock", "GetStockResponse", req, &resp); err != nil {
			return nil, err
		}
		for _, s := range resp.ArticleStocks {
			if s.BranchNumber == 0 || s.BranchNumber == c.cfg.StockBranch {
				out[s.ArticleNumber] = s
			}
		}
	}
	return out, nil
}

// GetStock returns, per SKU MplusKASSA knows, the free amount in
// Config.StockBranch and whether the article keeps stock (stockArticle).
// The articles are looked up afresh (not from the cache), so the stock flag
// is the current one.
func (c *Client) GetStock(ctx context.Context, skus []string) (map[string]connectors.TargetStock, error) {
	found, err := c.articlesByPLU(ctx, skus, true)
	if err != nil {
		return nil, err
	}
	numbers := make([]int64, 0, len(found))
	for _, a := range found {
		numbers = append(numbers, a.number)
	}
	stocks, err := c.getStock(ctx, numbers)
	if err != nil {
		return nil, err
	}
	out := make(map[string]connectors.TargetStock, len(found))
	for sku, a := range found {
		s := stocks[a.number]
		out[sku] = connectors.TargetStock{Quantity: stockQuantity(s.AmountFree, s.DecimalPlacesFree), Managed: a.stockArticle}
	}
	return out, nil
}

// SetStock sets the absolute level of sku in Config.StockBranch with
// setStock (never updateStock, a delta that a retry would count twice),
// booked on Config.StockEmployee with reference "koppel". When manage is
// set and the article keeps no stock, stock keeping is switched on first
// (updateProduct with stockArticle), and once more if setStock still
// answers NO-STOCK-ARTICLE (the flag was switched off since the lookup).
func (c *Client) SetStock(ctx context.Context, sku string, qty model.Quantity, manage bool) error {
	const op = "setStock"
	found, err := c.articlesByPLU(ctx, []string{sku}, false)
	if err != nil {
		return err
	}
	a, ok := found[sku]
	if !ok {
		return &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: op,
			Message: fmt.Sprintf("SKU %s does not exist in MplusKASSA (no article has it as pluNumber)", sku)}
	}
	switched := false
	if manage && !a.stockArticle {
		if err := c.keepStock(ctx, a); err != nil {
			return err
		}
		switched = true
	}
	amount, dp := wireQuantity(qty)
	req := setStockReq{Request: setStockRequest{BranchNumber: c.cfg.StockBranch, ArticleNumber: a.number,
		Amount: amount, DecimalPlaces: dp, EmployeeNumber: c.cfg.StockEmployee, Reference: stockReference}}
	for {
		var resp setStockResp
		if err := c.call(ctx, op, "SetStockResponse", req, &resp); err != nil {
			return err
		}
		switch resp.Result {
		case setStockOK:
			return nil
		case setStockNoStockArticle:
			if manage && !switched {
				if err := c.keepStock(ctx, a); err != nil {
					return err
				}
				switched = true
				continue
			}
			c.forget(sku)
			return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: op, Status: 200, Code: resp.Result,
				Message: fmt.Sprintf("article %d (SKU %s) keeps no stock in MplusKASSA; switch on manage stock in the stock flow, or stock keeping for the article in MplusKASSA", a.number, sku)}
		case setStockBranchNotFound:
			return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: op, Status: 200, Code: resp.Result,
				Message: fmt.Sprintf("branch %d does not exist in MplusKASSA; set the target option stockBranch to one of its branch numbers", c.cfg.StockBranch)}
		default:
			c.forget(sku)
			return c.resultError(op, resp.Result, "")
		}
	}
}

// keepStock switches stock keeping on for an article: updateProduct with
// only the article's number, pluNumber and stockArticle=true, leaving the
// rest as it is [A: updateProduct changes only what it receives].
func (c *Client) keepStock(ctx context.Context, a articleInfo) error {
	const op = "updateProduct"
	req := updateProductReq{Product: wireProductWrite{ProductNumber: a.product, ArticleList: wireArticleWriteList{
		Article: []wireArticleWrite{{ArticleNumber: a.number, PluNumber: a.plu, StockArticle: ptr(true)}}}}}
	var resp updateProductResp
	err := c.call(ctx, op, "UpdateProductResponse", req, &resp)
	c.forget(a.plu)
	if err != nil {
		return err
	}
	if resp.Result != updateProductOK {
		return c.resultError(op, resp.Result, resp.ErrorMessage)
	}
	return nil
}

// StockLevels reads the current levels of the articles with these pluNumbers
// (stock articles only), as ListStock reports them.
func (c *Client) StockLevels(ctx context.Context, skus []string) ([]model.StockLevel, error) {
	found, err := c.articlesByPLU(ctx, skus, true)
	if err != nil {
		return nil, err
	}
	info := make(map[int64]articleInfo, len(found))
	numbers := make([]int64, 0, len(found))
	for _, sku := range skus {
		if a, ok := found[sku]; ok {
			if _, dup := info[a.number]; !dup {
				info[a.number] = a
				numbers = append(numbers, a.number)
			}
		}
	}
	return c.stockLevels(ctx, numbers, info)
}
