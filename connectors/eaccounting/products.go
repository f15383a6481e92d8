package eaccounting

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The product target and the SKU lookup. An article's Number is the SKU.
// eAccounting keeps simple articles only (research §2.5): a product with
// variants becomes one article per variant SKU (options.variants: split),
// named by the product and the variant's attribute values; the parent SKU
// has no article. Updates are full-replacement PUTs of the article as read
// with our fields written over it.
//
// The VAT rate of an article is its coding's (CodingId): a new article gets
// options.codings' coding of the product's rate, or the only active goods
// coding of that rate; an existing one keeps its coding while the rate is
// the same. Images: the API has no article image (attachments link to
// vouchers and supplier invoices only), so the target declares no
// CapProductImages and a products flow with images is refused.

// LookupProducts returns the article id of every SKU eAccounting knows (for
// an order's products check, so through the order path's short cache).
func (c *Client) LookupProducts(ctx context.Context, skus []string) (map[string]string, error) {
	found, err := c.orderArticles(ctx, skus)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(found))
	for n, a := range found {
		out[n] = a.Id
	}
	return out, nil
}

// FindProduct returns the article whose Number is sku; nil when none is.
// Its price is GrossPrice (incl. VAT), its VAT rate its coding's.
func (c *Client) FindProduct(ctx context.Context, sku string) (*connectors.TargetProduct, error) {
	found, err := c.articlesByNumber(ctx, []string{sku})
	if err != nil {
		return nil, err
	}
	a, ok := found[strings.TrimSpace(sku)]
	if !ok {
		return nil, nil
	}
	p, err := c.productFromArticle(ctx, a)
	if err != nil {
		return nil, err
	}
	return &connectors.TargetProduct{ID: a.Id, Product: p}, nil
}

// FindProductFor finds what eAccounting holds of p: its article, or for a
// product with variants the article of each variant, put together in p's
// shape (the variant named as its article was named from it), so the flow
// sees no change where there is none. Nil when no article exists.
func (c *Client) FindProductFor(ctx context.Context, p model.Product) (*connectors.TargetProduct, error) {
	if len(p.Variants) == 0 {
		found, err := c.articlesByNumber(ctx, []string{p.SKU})
		if err != nil {
			return nil, err
		}
		a, ok := found[strings.TrimSpace(p.SKU)]
		if !ok {
			return nil, nil
		}
		have, err := c.productFromArticle(ctx, a)
		if err != nil {
			return nil, err
		}
		keepUnsettable(&have, a, p)
		return &connectors.TargetProduct{ID: a.Id, Product: have}, nil
	}
	items, err := c.articlesOf(OpListArticles, p)
	if err != nil {
		return nil, err
	}
	numbers := make([]string, len(items))
	for i, it := range items {
		numbers[i] = it.SKU
	}
	found, err := c.articlesByNumber(ctx, numbers)
	if err != nil {
		return nil, err
	}
	out := connectors.TargetProduct{Product: p}
	out.Product.Variants = nil
	for i, it := range items {
		a, ok := found[it.SKU]
		if !ok {
			continue
		}
		v, err := c.productFromArticle(ctx, a)
		if err != nil {
			return nil, err
		}
		// The article's name is derived from the variant's; read back as
		// derived, it is the variant's own.
		if v.Name == cut(it.Name, 50) {
			v.Name = p.Variants[i].Name
		}
		v.Attributes = p.Variants[i].Attributes
		keepUnsettable(&v, a, it)
		if out.ID == "" {
			out.ID = a.Id
		}
		out.Product.Variants = append(out.Product.Variants, v)
	}
	if out.ID == "" {
		return nil, nil
	}
	return &out, nil
}

// keepUnsettable reads what eAccounting cannot hold as the source has it,
// so the flow sees no change it could never make: without the stock module
// IsStock cannot be set (ShowStockInformation without IsStock is how the
// contract describes such a company's goods articles), while eAccounting
// keeps every goods article's balance all the same.
func keepUnsettable(have *model.Product, a Article, want model.Product) {
	if a.ShowStockInformation && !a.IsStock {
		have.ManageStock = want.ManageStock
	}
}

func (c *Client) productFromArticle(ctx context.Context, a Article) (model.Product, error) {
	gross, err := readMoney(a.GrossPrice)
	if err != nil {
		return model.Product{}, &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: OpListArticles,
			Message: fmt.Sprintf("article %s: GrossPrice %q is not an amount", a.Number, a.GrossPrice)}
	}
	rate, err := c.codingRate(ctx, a.CodingId)
	if err != nil {
		return model.Product{}, err
	}
	p := model.Product{SKU: a.Number, Name: a.Name, Price: model.NewMoney(gross, c.cfg.Currency), PriceIncludesVAT: true,
		VAT: rate, Active: a.IsActive, ManageStock: a.IsStock}
	if len(a.Barcodes) > 0 {
		p.EAN = a.Barcodes[0].Barcode
	}
	return p, nil
}

// CreateProduct writes the product's article (or one per variant) and
// returns the first one's id. A variant whose article exists already is
// updated, so a product split before is completed, never doubled.
func (c *Client) CreateProduct(ctx context.Context, w connectors.ProductWrite) (string, error) {
	return c.writeProduct(ctx, OpCreateArticle, w)
}

// UpdateProduct writes the product over its articles, matched by SKU; a new
// variant gets a new article. id is the article FindProduct returned.
func (c *Client) UpdateProduct(ctx context.Context, _ string, w connectors.ProductWrite) error {
	_, err := c.writeProduct(ctx, OpUpdateArticle, w)
	return err
}

func (c *Client) writeProduct(ctx context.Context, op string, w connectors.ProductWrite) (string, error) {
	items, err := c.articlesOf(op, w.Product)
	if err != nil {
		return "", err
	}
	numbers := make([]string, len(items))
	for i, p := range items {
		numbers[i] = p.SKU
	}
	existing, err := c.articlesByNumber(ctx, numbers)
	if err != nil {
		return "", err
	}
	first := ""
	for _, p := range items {
		id, err := c.writeArticle(ctx, p, existing[p.SKU])
		if err != nil {
			return "", err
		}
		if first == "" {
			first = id
		}
	}
	return first, nil
}

// articlesOf splits a product into the simple articles eAccounting keeps.
func (c *Client) articlesOf(op string, p model.Product) ([]model.Product, error) {
	if len(p.Variants) == 0 {
		if strings.TrimSpace(p.SKU) == "" {
			return nil, invalid(op, "product %q has no SKU", p.Name)
		}
		return []model.Product{p}, nil
	}
	if c.cfg.RefuseVariants {
		return nil, invalid(op, "product %s has variants; eAccounting keeps simple articles only; set options.variants: split", p.SKU)
	}
	if problems := p.VariantProblems(); len(problems) > 0 {
		return nil, invalid(op, "product %s: %s", p.SKU, strings.Join(problems, "; "))
	}
	out := make([]model.Product, 0, len(p.Variants))
	for _, v := range p.Variants {
		a := v
		if strings.TrimSpace(a.Name) == "" {
			a.Name = p.Name
		}
		a.Name = variantName(a.Name, v.Attributes)
		if a.Price.Amount == 0 && a.Price.Currency == "" {
			a.Price, a.PriceIncludesVAT = p.Price, p.PriceIncludesVAT
		}
		if a.VAT == 0 {
			a.VAT = p.VAT
		}
		out = append(out, a)
	}
	return out, nil
}

// variantName is the name with the attribute values it does not hold yet,
// by attribute name: "T-shirt M red".
func variantName(name string, attrs map[string]string) string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := []string{strings.TrimSpace(name)}
	// whole words only: "L" is not in "T-shirt Koppel"
	words := " " + strings.Join(strings.Fields(strings.ToLower(name)), " ") + " "
	for _, k := range keys {
		if v := strings.TrimSpace(attrs[k]); v != "" && !strings.Contains(words, " "+strings.Join(strings.Fields(strings.ToLower(v)), " ")+" ") {
			parts = append(parts, v)
		}
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

// writeArticle creates the article, or replaces the existing one keeping
// every property Koppel does not own.
func (c *Client) writeArticle(ctx context.Context, p model.Product, existing Article) (string, error) {
	op := OpCreateArticle
	if existing.Id != "" {
		op = OpUpdateArticle
	}
	if len([]rune(p.SKU)) > 40 {
		return "", invalid(op, "SKU %s is longer than the 40 characters of an article number", p.SKU)
	}
	net, gross := prices(p)
	if net < 0 || gross < 0 {
		return "", invalid(op, "SKU %s has a negative price", p.SKU)
	}
	f := map[string]any{
		"Number": p.SKU, "Name": cut(p.Name, 50), "IsActive": p.Active,
		"NetPrice": money(net), "GrossPrice": money(gross), "IsStock": p.ManageStock,
	}
	if f["Name"] == "" {
		f["Name"] = p.SKU
	}
	if ean := strings.TrimSpace(p.EAN); ean != "" {
		f["Barcodes"] = []ArticleBarcode{{Barcode: ean, BarcodeType: 0}}
	}
	// The coding: an existing article keeps its own while its rate is the
	// product's (the user may have picked another one of that rate).
	keep := false
	if existing.CodingId != "" {
		if r, err := c.codingRate(ctx, existing.CodingId); err == nil && r == p.VAT {
			keep = true
		}
	}
	if !keep {
		coding, err := c.codingFor(ctx, op, p.VAT)
		if err != nil {
			return "", err
		}
		f["CodingId"] = coding.Id
	}
	if existing.Id == "" {
		unit, err := c.unitID(ctx, op)
		if err != nil {
			return "", err
		}
		f["UnitId"] = unit
		var created Article
		if err := c.send(ctx, OpCreateArticle, "/articles", f, &created, nil); err != nil {
			return "", err
		}
		return created.Id, nil
	}
	return existing.Id, c.replaceArticle(ctx, existing.Id, f)
}

// replaceArticle reads an article, writes fields over it and puts it back.
func (c *Client) replaceArticle(ctx context.Context, id string, fields map[string]any) error {
	path := "/articles/" + id
	var current map[string]json.RawMessage
	if err := c.get(ctx, OpGetArticle, path, nil, &current); err != nil {
		return err
	}
	body, err := mergeRecord(current, fields, articleReadOnly)
	if err != nil {
		return invalid(OpUpdateArticle, "%v", err)
	}
	return c.send(ctx, OpUpdateArticle, path, body, nil, nil)
}

// prices are an article's NetPrice and GrossPrice from the product's price:
// the one the product gives as it is, the other by its VAT rate, rounded
// half away from zero to the cent.
func prices(p model.Product) (net, gross int64) {
	if p.PriceIncludesVAT {
		return convert(p.Price.Amount, p.VAT, true, false), p.Price.Amount
	}
	return p.Price.Amount, convert(p.Price.Amount, p.VAT, false, true)
}

// articlesByNumber reads the articles of the given numbers (SKUs), a
// filter of or-ed numbers at a time, keyed by number. A number without an
// article is missing from the map.
func (c *Client) articlesByNumber(ctx context.Context, numbers []string) (map[string]Article, error) {
	out := map[string]Article{}
	want := map[string]bool{}
	var list []string
	for _, n := range numbers {
		if n = strings.TrimSpace(n); n != "" && !want[n] {
			want[n] = true
			list = append(list, n)
		}
	}
	for _, f := range orFilters("Number", list) {
		err := eachPage(ctx, c, OpListArticles, ListOptions{Filter: f}, func(as []Article) error {
			for _, a := range as {
				// the filter is the API's: keep only exact matches
				if want[a.Number] {
					out[a.Number] = a
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
