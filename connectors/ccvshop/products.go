package ccvshop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Operation names of products and what belongs to them, as Observe reports
// them and the simulator's faults match them.
const (
	OpListProducts                = "GET /products"
	OpGetProduct                  = "GET /products/{id}"
	OpCreateProduct               = "POST /products"
	OpUpdateProduct               = "PATCH /products/{id}"
	OpListCombinations            = "GET /products/{id}/attributecombinations"
	OpUpdateCombination           = "PATCH /attributecombinations/{id}"
	OpListProductCategories       = "GET /products/{id}/producttocategories"
	OpLinkCategory                = "POST /producttocategories"
	OpListCategories              = "GET /categories"
	OpCreateCategory              = "POST /categories"
	OpListAttributes              = "GET /attributes"
	OpCreateAttribute             = "POST /attributes"
	OpListAttributeValues         = "GET /attributes/{id}/attributevalues"
	OpCreateAttributeValue        = "POST /attributes/{id}/attributevalues"
	OpListProductAttributeValues  = "GET /products/{id}/productattributevalues"
	OpLinkAttributeValue          = "POST /products/{id}/productattributevalues"
	OpUpdateProductAttributeValue = "PATCH /productattributevalues/{id}"
	OpListPhotos                  = "GET /products/{id}/productphotos"
	OpCreatePhoto                 = "POST /products/{id}/productphotos"
	OpListWebshops                = "GET /webshops"
	OpGetSettings                 = "GET /webshops/{id}/settings"
)

// productExpand asks the product listing for the variants, category links
// and photos of every product, so one call per page gives all of it. When
// the shop does not expand one, the client reads it from its link.
const productExpand = "attributecombinations,producttocategories,productphotos"

// productRecord is one product as the shop sent it: decoded, and its JSON
// for Raw.
type productRecord struct {
	w   wireProduct
	raw json.RawMessage
}

// ListChangedProducts lists the products changed since q.Cursor, newest
// first. The shop has no modified-since filter for products, but sorts by
// modification date (orderby=modifydate_desc, §1.5): the listing pages
// newest-first and ends at the first product modified before the cursor.
// Products modified at the cursor's second are listed again (upserts are
// idempotent), so none modified in that second is lost.
//
// Paging by offset through a list sorted newest-first cannot skip a product:
// a product modified while the listing runs moves to the front, which only
// pushes the rest back (some are then listed twice), and the moved product
// is newer than the cursor the run ends with, so the next run lists it.
//
// The cursor is the newest modifydate seen (RFC 3339); the page token
// carries the offset and that high-water mark; Cursor is set on the last
// page only. An empty cursor lists every product.
func (c *Client) ListChangedProducts(ctx context.Context, q connectors.ChangeQuery) (connectors.ProductPage, error) {
	recs, next, cursor, err := c.listProducts(ctx, q, false)
	if err != nil {
		return connectors.ProductPage{}, err
	}
	incl, err := c.pricesIncludeVAT(ctx)
	if err != nil {
		return connectors.ProductPage{}, err
	}
	out := connectors.ProductPage{Products: []connectors.SourceProduct{}, NextPageToken: next, Cursor: cursor}
	for _, r := range recs {
		sp, err := c.sourceProduct(ctx, r, incl)
		if err != nil {
			return connectors.ProductPage{}, err
		}
		out.Products = append(out.Products, sp)
	}
	return out, nil
}

// pageToken is where a product listing goes on: the offset of the next page
// and the newest modifydate seen so far.
type pageToken struct {
	start int
	high  time.Time
}

func (t pageToken) String() string {
	v := url.Values{"start": {strconv.Itoa(t.start)}}
	if !t.high.IsZero() {
		v.Set("high", t.high.UTC().Format(time.RFC3339))
	}
	return v.Encode()
}

func parsePageToken(s string) (pageToken, error) {
	if s == "" {
		return pageToken{}, nil
	}
	v, err := url.ParseQuery(s)
	if err != nil {
		return pageToken{}, err
	}
	start, err := strconv.Atoi(v.Get("start"))
	if err != nil || start < 0 {
		return pageToken{}, fmt.Errorf("no offset")
	}
	t := pageToken{start: start}
	if h := v.Get("high"); h != "" {
		if t.high, err = time.Parse(time.RFC3339, h); err != nil {
			return pageToken{}, err
		}
	}
	return t, nil
}

// listProducts reads one page of products: the changed ones newest first,
// or (all) every product in the order of their ids. It returns the next
// page's token, or on the last page the cursor the next run starts from.
func (c *Client) listProducts(ctx context.Context, q connectors.ChangeQuery, all bool) (recs []productRecord, next, cursor string, err error) {
	var since time.Time
	if q.Cursor != "" {
		if since, err = time.Parse(time.RFC3339, q.Cursor); err != nil {
			return nil, "", "", &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: OpListProducts,
				Message: fmt.Sprintf("the cursor %q is not a modification time this connector made (RFC 3339); clear it to list every product", q.Cursor)}
		}
	}
	tok, err := parsePageToken(q.PageToken)
	if err != nil {
		return nil, "", "", &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: OpListProducts,
			Message: fmt.Sprintf("the page token %q is not one this connector made; start the listing again", q.PageToken)}
	}
	size := q.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	size = min(size, c.cfg.MaxPageSize)
	orderBy := "modifydate_desc"
	if all {
		orderBy = "id"
	}
	v := url.Values{"orderby": {orderBy}, "expand": {productExpand}, "start": {strconv.Itoa(tok.start)}, "size": {strconv.Itoa(size)}}
	var page wireCollection[json.RawMessage]
	if err := c.get(ctx, OpListProducts, APIPath+"/products/?"+v.Encode(), &page); err != nil {
		return nil, "", "", err
	}
	high, done := tok.high, false
	for _, raw := range page.Items {
		var p wireProduct
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, "", "", c.invalidProduct(OpListProducts, 0, err)
		}
		modified, err := parseTime(p.ModifyDate)
		if err != nil {
			return nil, "", "", c.invalidProduct(OpListProducts, p.ID, fmt.Errorf("modifydate %q is not a date and time", p.ModifyDate))
		}
		if !all && !since.IsZero() && modified.Before(since) {
			done = true
			break
		}
		if modified.After(high) {
			high = modified
		}
		recs = append(recs, productRecord{w: p, raw: raw})
	}
	if !done && page.Next != nil && *page.Next != "" && len(page.Items) > 0 {
		return recs, pageToken{start: tok.start + len(page.Items), high: high}.String(), "", nil
	}
	cursor = q.Cursor
	if !high.IsZero() && high.After(since) {
		cursor = high.UTC().Format(time.RFC3339)
	}
	return recs, "", cursor, nil
}

func (c *Client) invalidProduct(op string, id int64, err error) error {
	return &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: op,
		Message: fmt.Sprintf("product %d cannot be read: %s", id, c.scrub(err.Error()))}
}

// sourceProduct maps a product with its variants, categories and photos.
func (c *Client) sourceProduct(ctx context.Context, r productRecord, incl bool) (connectors.SourceProduct, error) {
	p := r.w
	combos, rawCombos, err := c.rawCombinations(ctx, r)
	if err != nil {
		return connectors.SourceProduct{}, err
	}
	links, err := subItems(ctx, c, OpListProductCategories, p.ProductToCategories, fmt.Sprintf("%s/products/%d/producttocategories/", APIPath, p.ID))
	if err != nil {
		return connectors.SourceProduct{}, err
	}
	var catIDs []int64
	for _, l := range links {
		catIDs = append(catIDs, l.CategoryID)
	}
	cats, err := c.categoryPaths(ctx, catIDs)
	if err != nil {
		return connectors.SourceProduct{}, err
	}
	photos, err := subItems(ctx, c, OpListPhotos, p.ProductPhotos, fmt.Sprintf("%s/products/%d/productphotos/", APIPath, p.ID))
	if err != nil {
		return connectors.SourceProduct{}, err
	}
	prod, variantIdx, err := c.toProduct(p, combos, incl)
	if err != nil {
		return connectors.SourceProduct{}, c.invalidProduct(OpListProducts, p.ID, err)
	}
	prod.Categories = cats
	prod.Images = images(photos)
	out := connectors.SourceProduct{Product: prod}
	if err := json.Unmarshal(r.raw, &out.Raw); err != nil {
		return connectors.SourceProduct{}, c.invalidProduct(OpListProducts, p.ID, err)
	}
	for _, i := range variantIdx {
		out.RawVariants = append(out.RawVariants, rawCombos[i])
	}
	return out, nil
}

// rawCombinations returns a product's attribute combinations, decoded and
// as JSON maps for RawVariants.
func (c *Client) rawCombinations(ctx context.Context, r productRecord) ([]wireCombination, []map[string]any, error) {
	var sub struct {
		Combinations wireSub[json.RawMessage] `json:"attributecombinations"`
	}
	if err := json.Unmarshal(r.raw, &sub); err != nil {
		return nil, nil, c.invalidProduct(OpListProducts, r.w.ID, err)
	}
	raws, err := subItems(ctx, c, OpListCombinations, sub.Combinations, fmt.Sprintf("%s/products/%d/attributecombinations/", APIPath, r.w.ID))
	if err != nil {
		return nil, nil, err
	}
	combos := make([]wireCombination, len(raws))
	maps := make([]map[string]any, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &combos[i]); err != nil {
			return nil, nil, c.invalidProduct(OpListCombinations, r.w.ID, err)
		}
		if err := json.Unmarshal(raw, &maps[i]); err != nil {
			return nil, nil, c.invalidProduct(OpListCombinations, r.w.ID, err)
		}
	}
	return combos, maps, nil
}

// toProduct maps a product and its combinations (categories and images are
// the caller's). The sell price is price − discount; a variant's price is
// the sell price plus the combination's netto_extra_price. A combination
// without a sku_number cannot be matched anywhere and is left out;
// variantIdx lists the index in combos of each variant returned.
func (c *Client) toProduct(p wireProduct, combos []wireCombination, incl bool) (model.Product, []int, error) {
	var problems []string
	fail := func(err error) {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	cur := c.cfg.Currency
	price, err := number(p.Price, 2, "price")
	fail(err)
	discount, err := number(p.Discount, 2, "discount")
	fail(err)
	vat, err := c.vatOf(p)
	fail(err)
	sell := price - discount
	out := model.Product{
		SKU:              strings.TrimSpace(p.ProductNumber),
		Name:             p.Name,
		ShortDescription: p.ShortDescription,
		Description:      p.Description,
		EAN:              strings.TrimSpace(p.EANNumber),
		Price:            model.NewMoney(sell, cur),
		PriceIncludesVAT: incl,
		VAT:              vat,
		Active:           p.IsActive,
		ManageStock:      p.StockEnabled,
	}
	var variantIdx []int
	for i, cb := range combos {
		if strings.TrimSpace(cb.SKUNumber) == "" {
			continue
		}
		extra, err := number(cb.NettoExtraPrice, 2, fmt.Sprintf("attributecombinations[%d].netto_extra_price", i))
		fail(err)
		attrs := map[string]string{}
		for _, part := range cb.Combination {
			attrs[part.Attribute.Name] = part.AttributeValue.Name
		}
		out.Variants = append(out.Variants, model.Product{
			SKU:              strings.TrimSpace(cb.SKUNumber),
			Name:             p.Name,
			EAN:              strings.TrimSpace(cb.EANNumber),
			Price:            model.NewMoney(sell+extra, cur),
			PriceIncludesVAT: incl,
			VAT:              vat,
			Active:           cb.Active,
			ManageStock:      p.StockEnabled,
			Attributes:       attrs,
		})
		variantIdx = append(variantIdx, i)
	}
	if len(problems) > 0 {
		return model.Product{}, nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return out, variantIdx, nil
}

// images maps the photo list: names and links only, as the list holds no
// file data (and photos do not go from the shop to other systems).
func images(photos []wirePhoto) []model.Image {
	var out []model.Image
	for _, ph := range photos {
		out = append(out, model.Image{Name: firstNonEmpty(ph.Alttext, ph.Filename), URL: ph.Deeplink, Main: ph.IsMainphoto})
	}
	return out
}

// FindProduct returns the product whose productnumber is sku, or the product
// one of whose variants has sku as its sku_number; nil when there is none.
// The shop may hold several products with one productnumber (§1.11 [A]):
// the oldest (lowest id) wins.
func (c *Client) FindProduct(ctx context.Context, sku string) (*connectors.TargetProduct, error) {
	sku = strings.TrimSpace(sku)
	if sku == "" {
		return nil, &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: OpListProducts, Message: "the SKU to find is empty"}
	}
	rec, found, err := c.productByNumber(ctx, sku)
	if err != nil {
		return nil, err
	}
	if !found {
		e, ok, err := c.lookupSKU(ctx, sku)
		if err != nil || !ok {
			return nil, err
		}
		if rec, found, err = c.productByID(ctx, e.productID); err != nil || !found {
			return nil, err
		}
	}
	return c.targetProduct(ctx, rec)
}

func (c *Client) targetProduct(ctx context.Context, rec productRecord) (*connectors.TargetProduct, error) {
	incl, err := c.pricesIncludeVAT(ctx)
	if err != nil {
		return nil, err
	}
	sp, err := c.sourceProduct(ctx, rec, incl)
	if err != nil {
		return nil, err
	}
	return &connectors.TargetProduct{ID: strconv.FormatInt(rec.w.ID, 10), Product: sp.Product}, nil
}

// productByNumber searches the products by productnumber and keeps the exact
// matches (whether the shop's filter is exact is not documented).
func (c *Client) productByNumber(ctx context.Context, sku string) (productRecord, bool, error) {
	v := url.Values{"productnumber": {sku}, "expand": {productExpand}, "orderby": {"id"}, "start": {"0"}, "size": {strconv.Itoa(c.cfg.MaxPageSize)}}
	raws, err := getAll[json.RawMessage](ctx, c, OpListProducts, APIPath+"/products/?"+v.Encode())
	if err != nil {
		return productRecord{}, false, err
	}
	var best *productRecord
	for _, raw := range raws {
		var p wireProduct
		if err := json.Unmarshal(raw, &p); err != nil {
			return productRecord{}, false, c.invalidProduct(OpListProducts, 0, err)
		}
		if strings.TrimSpace(p.ProductNumber) == sku && (best == nil || p.ID < best.w.ID) {
			best = &productRecord{w: p, raw: raw}
		}
	}
	if best == nil {
		return productRecord{}, false, nil
	}
	return *best, true, nil
}

// productByID reads one product with its sub-resources; found is false
// when the shop has no such product.
func (c *Client) productByID(ctx context.Context, id int64) (productRecord, bool, error) {
	var raw json.RawMessage
	err := c.get(ctx, OpGetProduct, fmt.Sprintf("%s/products/%d/?expand=%s", APIPath, id, url.QueryEscape(productExpand)), &raw)
	if connectors.IsKind(err, connectors.KindNotFound) {
		return productRecord{}, false, nil
	}
	if err != nil {
		return productRecord{}, false, err
	}
	var p wireProduct
	if err := json.Unmarshal(raw, &p); err != nil {
		return productRecord{}, false, c.invalidProduct(OpGetProduct, id, err)
	}
	return productRecord{w: p, raw: raw}, true, nil
}

// parseID reads a record id the connector returned earlier.
func (c *Client) parseID(op, what, id string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || n <= 0 {
		return 0, &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: op,
			Message: fmt.Sprintf("%s id %q is not a CCV Shop id (a positive number)", what, id)}
	}
	return n, nil
}

// sortedKeys lists a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
