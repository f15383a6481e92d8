package eaccounting

import (
	"context"
	"errors"
	"fmt"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The stock target: an article's StockBalance (2 decimals) and IsStock.
// SetStock writes the absolute balance with a full-replacement PUT of the
// article. With eAccounting's stock module active, StockBalance is
// read-only (ArticleApi): the module keeps it from its own stock
// transactions, and the API's refusal is reported as a config error.

// GetStock reads StockBalance and IsStock of each SKU's article.
func (c *Client) GetStock(ctx context.Context, skus []string) (map[string]connectors.TargetStock, error) {
	found, err := c.articlesByNumber(ctx, skus)
	if err != nil {
		return nil, err
	}
	out := make(map[string]connectors.TargetStock, len(found))
	for n, a := range found {
		q, err := readQuantity(a.StockBalance)
		if err != nil {
			return nil, &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: OpListArticles,
				Message: fmt.Sprintf("article %s: StockBalance %q is not a number", n, a.StockBalance)}
		}
		// Without the stock module IsStock cannot be set, and eAccounting
		// keeps the balance of every goods article (ShowStockInformation).
		out[n] = connectors.TargetStock{Quantity: q, Managed: a.IsStock || a.ShowStockInformation}
	}
	return out, nil
}

// RoundStock is the balance eAccounting keeps: hundredths.
func (c *Client) RoundStock(q model.Quantity) model.Quantity {
	return model.QuantityFromScaled(q.Scaled(2), 2)
}

// SetStock sets the article's StockBalance to qty and, when manage is
// true, IsStock.
func (c *Client) SetStock(ctx context.Context, sku string, qty model.Quantity, manage bool) error {
	found, err := c.articlesByNumber(ctx, []string{sku})
	if err != nil {
		return err
	}
	a, ok := found[sku]
	if !ok {
		return &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: OpUpdateArticle,
			Message: fmt.Sprintf("SKU %s has no article in eAccounting", sku)}
	}
	fields := map[string]any{"StockBalance": quantity(c.RoundStock(qty))}
	if manage {
		fields["IsStock"] = true
	}
	err = c.replaceArticle(ctx, a.Id, fields)
	var ce *connectors.Error
	if errors.As(err, &ce) && ce.Op == OpUpdateArticle && (ce.Kind == connectors.KindValidation || ce.Code == "4002") {
		return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: OpUpdateArticle, Status: ce.Status, Code: ce.Code,
			Message: fmt.Sprintf("eAccounting refused the stock balance of SKU %s (%s); with its stock module active, StockBalance is read-only "+
				"and eAccounting keeps stock itself: switch the stock flow to eAccounting off, or the stock module", sku, ce.Message),
			Err: err}
	}
	return err
}
