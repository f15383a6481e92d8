package mplus

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Products in MplusKASSA (research §2.6): a product has a number, a
// description and article groups (categories); its articles are what is
// sold, each with its own pluNumber (the SKU), barcode, price, VAT and stock
// flag. A product with one article is a simple model.Product; one with
// several is a configurable product whose variants are the articles, named
// by Config.ParentSKU.
//
// Fields, both ways:
//
//	model.Product     simple product            configurable product / variant
//	SKU               article pluNumber         ParentSKU rule / article pluNumber
//	Name              article description       product description / article description
//	ShortDescription  article invoiceText       – / article invoiceText
//	Description       article extraText         product extraText / article extraText
//	EAN               article barcode           – / article barcode
//	Price, VAT        priceIncl (or priceExcl), vatPercentage (vatCode when writing)
//	Active            article active            any article active / article active
//	ManageStock       article stockArticle      any article stockArticle / article stockArticle
//	Categories        product groupNumbers as group paths ("Koffie > Bonen")
//	Images            article imageList (read only)
//	Attributes        "colour", "size" ⇄ article colour, size
//
// invoiceText is the article's text on invoices, the nearest MplusKASSA has
// to a short description; one equal to the description (the back office's
// default) is read as no short description. extraText is the article's free
// extra text, the nearest to a long description.

const (
	// defaultPageSize and maxPageSize bound syncMarkerLimit and
	// sinceStockIdLimit; MplusKASSA documents no maximum [A].
	defaultPageSize = 100
	maxPageSize     = 1000

	attrColour = "colour"
	attrSize   = "size"
)

// ListChangedProducts lists the products with an article created or changed
// since q.Cursor: getProducts with syncMarker (the cursor; "" is 0) and
// syncMarkerLimit (the page size), each product then read whole, because a
// changed article comes without its unchanged siblings. (Not with
// includeAllArticlesOfSelectedProducts in the listing itself: a sibling
// past the page's limit would raise the highest marker seen above articles
// not listed yet, and the next page would skip them.) The next page starts
// at the highest syncMarker seen; a page with fewer articles than the limit
// is the last, and its highest syncMarker is the cursor the next run starts
// from (research §2.7). Inactive products are listed too, so a target can
// switch them off.
func (c *Client) ListChangedProducts(ctx context.Context, q connectors.ChangeQuery) (connectors.ProductPage, error) {
	const op = "getProducts"
	since, err := marker(op, q, "syncMarker")
	if err != nil {
		return connectors.ProductPage{}, err
	}
	limit := pageSize(q.PageSize)
	var resp getProductsResp
	req := getProductsReq{Request: getProductsRequest{SyncMarker: &since, SyncMarkerLimit: &limit}}
	if err := c.call(ctx, op, "GetProductsResponse", req, &resp); err != nil {
		return connectors.ProductPage{}, err
	}
	highest, articles := since, 0
	var numbers []int64
	changed := map[int64]wireProduct{}
	for _, p := range resp.ProductList.Product {
		if _, ok := changed[p.ProductNumber]; !ok {
			numbers = append(numbers, p.ProductNumber)
		}
		changed[p.ProductNumber] = p
		for _, a := range p.ArticleList.Article {
			articles++
			highest = max(highest, a.SyncMarker)
		}
	}
	whole, err := c.productsByNumber(ctx, numbers)
	if err != nil {
		return connectors.ProductPage{}, err
	}
	read, err := c.productReader(ctx)
	if err != nil {
		return connectors.ProductPage{}, err
	}
	page := connectors.ProductPage{}
	for _, n := range numbers {
		p, ok := whole[n]
		if !ok {
			p = changed[n] // deleted between the two calls: what the listing had
		}
		sp, err := read.source(ctx, p)
		if err != nil {
			return connectors.ProductPage{}, err
		}
		page.Products = append(page.Products, sp)
	}
	// A full page whose markers did not rise would list itself forever.
	if articles >= limit && highest > since {
		page.NextPageToken = strconv.FormatInt(highest, 10)
	} else {
		page.Cursor = strconv.FormatInt(highest, 10)
	}
	return page, nil
}

// marker reads the page token, or else the cursor, as a sync marker or
// stockId ("" is 0).
func marker(op string, q connectors.ChangeQuery, what string) (int64, error) {
	v := strings.TrimSpace(q.PageToken)
	if v == "" {
		v = strings.TrimSpace(q.Cursor)
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, invalid(op, "the cursor or page token %q is not a MplusKASSA %s; start a full run to list from the beginning", v, what)
	}
	return n, nil
}

func pageSize(hint int) int {
	switch {
	case hint <= 0:
		return defaultPageSize
	case hint > maxPageSize:
		return maxPageSize
	}
	return hint
}

// productsByNumber reads products whole (every article), by productNumber.
func (c *Client) productsByNumber(ctx context.Context, numbers []int64) (map[int64]wireProduct, error) {
	out := map[int64]wireProduct{}
	for len(numbers) > 0 {
		n := min(len(numbers), pluBatch)
		var resp getProductsResp
		req := getProductsReq{Request: getProductsRequest{ProductNumbers: numbers[:n]}}
		numbers = numbers[n:]
		if err := c.call(ctx, "getProducts", "GetProductsResponse", req, &resp); err != nil {
			return nil, err
		}
		for _, p := range resp.ProductList.Product {
			if have, ok := out[p.ProductNumber]; ok {
				have.ArticleList.Article = append(have.ArticleList.Article, p.ArticleList.Article...)
				p = have
			}
			out[p.ProductNumber] = p
		}
	}
	return out, nil
}

// FindProduct returns the product one of whose articles has sku as
// pluNumber (getProducts by pluNumbers, with all the product's articles), or
// the product whose number a SKU made by Config.ParentSKU holds. A product
// with several articles comes back configurable, its articles as variants.
// ID is the productNumber. No such product: nil, nil.
func (c *Client) FindProduct(ctx context.Context, sku string) (*connectors.TargetProduct, error) {
	const op = "getProducts"
	sku = strings.TrimSpace(sku)
	if sku == "" {
		return nil, invalid(op, "the SKU to find the product by is empty")
	}
	var found *wireProduct
	if n, ok := c.productNumberOf(sku); ok {
		whole, err := c.productsByNumber(ctx, []int64{n})
		if err != nil {
			return nil, err
		}
		if p, ok := whole[n]; ok {
			found = &p
		}
	}
	if found == nil {
		all := true
		var resp getProductsResp
		req := getProductsReq{Request: getProductsRequest{
			PluNumbers: wireTextList{Text: []wireText{{Text: sku}}}, IncludeAllArticlesOfSelectedProducts: &all}}
		if err := c.call(ctx, op, "GetProductsResponse", req, &resp); err != nil {
			return nil, err
		}
		best, ok := bestArticles(resp.ProductList.Product, map[string]bool{sku: true})[sku]
		if !ok {
			return nil, nil
		}
		for i, p := range resp.ProductList.Product {
			if p.ProductNumber == best.product {
				if found == nil {
					found = &resp.ProductList.Product[i]
				} else {
					found.ArticleList.Article = append(found.ArticleList.Article, p.ArticleList.Article...)
				}
			}
		}
	}
	if found == nil {
		return nil, nil
	}
	read, err := c.productReader(ctx)
	if err != nil {
		return nil, err
	}
	sp, err := read.source(ctx, *found)
	if err != nil {
		return nil, err
	}
	return &connectors.TargetProduct{ID: strconv.FormatInt(found.ProductNumber, 10), Product: sp.Product}, nil
}

// productNumberOf reads the productNumber out of a SKU the ParentSKU rule
// made ("P-123" under "P-{productNumber}").
func (c *Client) productNumberOf(sku string) (int64, bool) {
	prefix, suffix, ok := strings.Cut(c.cfg.ParentSKU, placeholderProductNumber)
	if !ok || !strings.HasPrefix(sku, prefix) || !strings.HasSuffix(sku, suffix) || len(sku) <= len(prefix)+len(suffix) {
		return 0, false
	}
	n, err := strconv.ParseInt(sku[len(prefix):len(sku)-len(suffix)], 10, 64)
	return n, err == nil && n > 0
}

// productReader maps wire products to model products.
type productReader struct {
	c        *Client
	vat      vatReader
	currency string
}

func (c *Client) productReader(ctx context.Context) (productReader, error) {
	vat, err := c.vatReader(ctx)
	if err != nil {
		return productReader{}, err
	}
	return productReader{c: c, vat: vat, currency: c.cfg.Currency}, nil
}

// source maps one product (see the table at the top of this file), with
// its native records for mapping rules: Raw is the product (productNumber,
// description, extraText, groupNumbers, syncMarker, and articles, a list of
// the article records; a simple product also has its one article as
// article), RawVariants the article records of a configurable product.
func (r productReader) source(ctx context.Context, p wireProduct) (connectors.SourceProduct, error) {
	categories, err := r.c.categoryNames(ctx, p.GroupNumbers)
	if err != nil {
		return connectors.SourceProduct{}, err
	}
	// Variants in article number order, so every listing shows them alike.
	arts := slices.Clone(p.ArticleList.Article)
	sort.SliceStable(arts, func(i, j int) bool { return arts[i].ArticleNumber < arts[j].ArticleNumber })
	rawArticles := make([]map[string]any, len(arts))
	for i, a := range arts {
		rawArticles[i] = rawArticle(a)
	}
	groups := make([]any, len(p.GroupNumbers))
	for i, g := range p.GroupNumbers {
		groups[i] = g
	}
	raw := map[string]any{
		"productNumber": p.ProductNumber, "syncMarker": p.SyncMarker, "description": p.Description,
		"extraText": p.ExtraText, "groupNumbers": groups, "articles": toAny(rawArticles),
	}
	if len(arts) == 1 {
		prod := r.article(arts[0])
		if prod.Name == "" {
			prod.Name = p.Description
		}
		if prod.Description == "" {
			prod.Description = p.ExtraText
		}
		prod.Categories = categories
		raw["article"] = rawArticles[0]
		return connectors.SourceProduct{Product: prod, Raw: raw}, nil
	}

	prod := model.Product{SKU: r.c.parentSKU(p, arts), Name: p.Description, Description: p.ExtraText, Categories: categories}
	for i, a := range arts {
		v := r.article(a)
		prod.Variants = append(prod.Variants, v)
		prod.Active = prod.Active || v.Active
		prod.ManageStock = prod.ManageStock || v.ManageStock
		if i == 0 {
			prod.Price, prod.PriceIncludesVAT, prod.VAT = v.Price, v.PriceIncludesVAT, v.VAT
			if prod.Name == "" {
				prod.Name = v.Name
			}
		}
	}
	return connectors.SourceProduct{Product: prod, Raw: raw, RawVariants: rawArticles}, nil
}

// parentSKU names a product with several articles by the ParentSKU rule;
// arts are in article number order.
func (c *Client) parentSKU(p wireProduct, arts []wireArticle) string {
	firstPLU := ""
	if len(arts) > 0 {
		firstPLU = arts[0].PluNumber
	}
	return strings.NewReplacer(placeholderProductNumber, strconv.FormatInt(p.ProductNumber, 10),
		placeholderFirstPLU, firstPLU).Replace(c.cfg.ParentSKU)
}

// article maps one article to a simple product or a variant.
func (r productReader) article(a wireArticle) model.Product {
	rate := r.vat.rate(a)
	var price int64
	switch {
	case a.PriceIncl != nil:
		price = *a.PriceIncl
	case a.PriceExcl != nil: // the other is computed when only one is set; this one came alone
		price = roundDiv(*a.PriceExcl*(10000+int64(rate)), 10000)
	}
	p := model.Product{
		SKU: a.PluNumber, Name: strings.TrimSpace(a.Description), Description: a.ExtraText, EAN: a.Barcode,
		Price: model.NewMoney(price, r.currency), PriceIncludesVAT: true, VAT: rate,
		Active: a.Active == nil || *a.Active, ManageStock: a.StockArticle != nil && *a.StockArticle,
	}
	if t := strings.TrimSpace(a.InvoiceText); t != p.Name {
		p.ShortDescription = a.InvoiceText
	}
	if a.Colour != "" || a.Size != "" {
		p.Attributes = map[string]string{}
		if a.Colour != "" {
			p.Attributes[attrColour] = a.Colour
		}
		if a.Size != "" {
			p.Attributes[attrSize] = a.Size
		}
	}
	for i, im := range a.ImageList.Image {
		img := model.Image{Name: im.ImageName, URL: im.ImageURL, Main: i == 0}
		if img.Name == "" {
			img.Name = fmt.Sprintf("image-%d", im.ImageID)
		}
		// A payload that is not base64 is left out; the URL still names the photo.
		if data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(im.ImageData), "")); err == nil && len(data) > 0 {
			img.Data = data
		}
		p.Images = append(p.Images, img)
	}
	return p
}

// rawArticle is the map view of an article for mapping rules, keyed by the
// wire names; elements the answer left out are left out.
func rawArticle(a wireArticle) map[string]any {
	m := map[string]any{
		"articleNumber": a.ArticleNumber, "pluNumber": a.PluNumber, "syncMarker": a.SyncMarker,
		"description": a.Description, "colour": a.Colour, "size": a.Size, "invoiceText": a.InvoiceText,
		"barcode": a.Barcode, "extraText": a.ExtraText,
	}
	for name, v := range map[string]*int{"turnoverGroup": a.TurnoverGroup, "vatCode": a.VatCode} {
		if v != nil {
			m[name] = *v
		}
	}
	for name, v := range map[string]*int64{"vatPercentage": a.VatPercentage, "priceIncl": a.PriceIncl, "priceExcl": a.PriceExcl} {
		if v != nil {
			m[name] = *v
		}
	}
	for name, v := range map[string]*bool{"active": a.Active, "webshop": a.Webshop, "stockArticle": a.StockArticle} {
		if v != nil {
			m[name] = *v
		}
	}
	fields := map[string]any{}
	for _, f := range a.CustomFieldList.CustomField {
		fields[f.FieldName] = customFieldText(f)
	}
	m["customFields"] = fields
	images := make([]any, len(a.ImageList.Image))
	for i, im := range a.ImageList.Image {
		images[i] = map[string]any{"imageId": im.ImageID, "imageName": im.ImageName, "imageUrl": im.ImageURL}
	}
	m["images"] = images
	return m
}

func toAny(maps []map[string]any) []any {
	out := make([]any, len(maps))
	for i, m := range maps {
		out[i] = m
	}
	return out
}

// customFieldText renders a custom field's value as text: the text value,
// or a number (with its decimals) or a flag.
func customFieldText(f wireCustomField) string {
	switch {
	case f.StrValue != nil:
		return *f.StrValue
	case f.IntValue != nil:
		return model.FormatMinor(*f.IntValue, deref(f.DecimalPlaces))
	case f.BoolValue != nil:
		return strconv.FormatBool(*f.BoolValue)
	}
	return ""
}

// customFields renders custom fields for the wire, sorted by name; nil when
// there are none.
func customFields(fields map[string]string) *wireCustomFieldList {
	if len(fields) == 0 {
		return nil
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	list := &wireCustomFieldList{}
	for _, k := range names {
		list.CustomField = append(list.CustomField, wireCustomField{FieldName: k, StrValue: ptr(fields[k])})
	}
	return list
}

// CreateProduct creates w.Product with createProduct: one article for a
// simple product, one per variant for a configurable one, and returns the
// new productNumber. Per article it sends pluNumber (the SKU), description,
// barcode, the price it has (priceIncl or priceExcl, as PriceIncludesVAT
// says; MplusKASSA computes the other), the vatCode of the VAT rate,
// Config.DefaultTurnoverGroup when set, webshop, active, stockArticle
// (ManageStock), colour and size from the attributes "colour" and "size"
// (the flow renames attributes to these names first; any other attribute is
// not written, as an article has no other option fields) and w.Extra
// (with w.VariantExtra of the variant) as custom fields (strValue). The
// categories become the product's groupNumbers (see groupNumbers).
//
// Photos are not written: MplusKASSA takes no images from Koppel, so
// w.WriteImages is ignored (the registration has no CapProductImages).
//
// createProduct is not idempotent, so CreateProduct first looks the SKUs up
// (fresh, not cached): one that exists already is a KindConflict naming its
// product, never a second article with the same pluNumber.
func (c *Client) CreateProduct(ctx context.Context, w connectors.ProductWrite) (string, error) {
	const op = "createProduct"
	plan, err := c.planArticles(op, w)
	if err != nil {
		return "", err
	}
	skus := plan.skus()
	existing, err := c.articlesByPLU(ctx, skus, true)
	if err != nil {
		return "", err
	}
	for _, sku := range skus {
		if a, ok := existing[sku]; ok {
			msg := fmt.Sprintf("SKU %s exists in MplusKASSA already (article %d of product %d); update product %d instead of creating it",
				sku, a.number, a.product, a.product)
			if len(w.Product.Variants) > 0 {
				// The likely cause: a MplusKASSA product keeps no code of its
				// own, so FindProduct cannot find it by a source's parent SKU.
				msg += fmt.Sprintf(" (MplusKASSA finds a product with several articles by a variant's SKU or by the parentSKU rule %s, not by %q)",
					c.cfg.ParentSKU, w.Product.SKU)
			}
			return "", &connectors.Error{Kind: connectors.KindConflict, System: System, Op: op, Message: msg}
		}
	}
	product, err := c.productWrite(ctx, op, w, plan, nil)
	if err != nil {
		return "", err
	}
	var resp createProductResp
	if err := c.call(ctx, op, "CreateProductResponse", createProductReq{Product: product}, &resp); err != nil {
		c.forget(skus...)
		return "", err
	}
	c.forget(skus...)
	if resp.Result != createProductOK {
		return "", c.resultError(op, resp.Result, resp.ErrorMessage)
	}
	if resp.ProductNumber == 0 {
		return "", c.resultError(op, resp.Result, "the answer holds no productNumber")
	}
	return strconv.FormatInt(resp.ProductNumber, 10), nil
}

// UpdateProduct writes w over product id (a productNumber) with
// updateProduct: the product's description, extraText and (when w has
// categories) groupNumbers, each article of w matched by pluNumber to the
// product's articles (keeping its articleNumber) and a variant without a
// match added as a new article. Articles w does not name are left alone.
// Fields are written as CreateProduct writes them; photos are not written.
// Results: …-NOT-FOUND is KindNotFound, …-ARTICLE-NUMBER-ALREADY-TAKEN
// KindConflict, …-FAILED (and …-NOT-ALLOWED) KindValidation with the
// server's errorMessage.
func (c *Client) UpdateProduct(ctx context.Context, id string, w connectors.ProductWrite) error {
	const op = "updateProduct"
	number, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || number <= 0 {
		return invalid(op, "product id %q is not a MplusKASSA productNumber", id)
	}
	plan, err := c.planArticles(op, w)
	if err != nil {
		return err
	}
	whole, err := c.productsByNumber(ctx, []int64{number})
	if err != nil {
		return err
	}
	have, ok := whole[number]
	if !ok {
		return &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: op,
			Message: fmt.Sprintf("product %d does not exist in MplusKASSA (deleted since it was found?)", number)}
	}
	articles := map[string]int64{}
	for _, a := range have.ArticleList.Article {
		if cur, ok := articles[a.PluNumber]; a.PluNumber != "" && (!ok || a.ArticleNumber < cur) {
			articles[a.PluNumber] = a.ArticleNumber
		}
	}
	product, err := c.productWrite(ctx, op, w, plan, articles)
	if err != nil {
		return err
	}
	product.ProductNumber = number
	skus := plan.skus()
	var resp updateProductResp
	if err := c.call(ctx, op, "UpdateProductResponse", updateProductReq{Product: product}, &resp); err != nil {
		c.forget(skus...)
		return err
	}
	c.forget(skus...)
	if resp.Result != updateProductOK {
		return c.resultError(op, resp.Result, resp.ErrorMessage)
	}
	return nil
}

// articlePlan is one article to write: the model product (a simple product
// or a variant with what it inherits from its parent filled in) and its
// custom fields.
type articlePlan struct {
	p     model.Product
	extra map[string]string
}

type productPlan []articlePlan

func (pl productPlan) skus() []string {
	out := make([]string, len(pl))
	for i, a := range pl {
		out[i] = a.p.SKU
	}
	return out
}

// planArticles checks w and lists its articles; everything wrong with our
// own data is reported before any call. A variant without a name takes the
// product's; one without a price (zero Money) takes the product's price and
// VAT.
func (c *Client) planArticles(op string, w connectors.ProductWrite) (productPlan, error) {
	p := w.Product
	var plan productPlan
	if len(p.Variants) == 0 {
		plan = productPlan{{p: p, extra: w.Extra}}
	}
	for _, v := range p.Variants {
		if strings.TrimSpace(v.Name) == "" {
			v.Name = p.Name
		}
		if v.Price == (model.Money{}) {
			v.Price, v.PriceIncludesVAT, v.VAT = p.Price, p.PriceIncludesVAT, p.VAT
		}
		extra := map[string]string{}
		for k, val := range w.Extra {
			extra[k] = val
		}
		for k, val := range w.VariantExtra[v.SKU] {
			extra[k] = val
		}
		plan = append(plan, articlePlan{p: v, extra: extra})
	}
	seen := map[string]bool{}
	var problems []string
	for _, a := range plan {
		sku := strings.TrimSpace(a.p.SKU)
		switch {
		case sku == "":
			problems = append(problems, fmt.Sprintf("an article of %q has no SKU (pluNumber)", p.Name))
		case seen[sku]:
			problems = append(problems, fmt.Sprintf("SKU %s is used twice", sku))
		}
		seen[sku] = true
		if strings.TrimSpace(a.p.Name) == "" {
			problems = append(problems, fmt.Sprintf("%s has no name (article description)", sku))
		}
		if cur := a.p.Price.Currency; cur != "" && cur != c.cfg.Currency {
			problems = append(problems, fmt.Sprintf("%s is priced in %s, MplusKASSA in %s", sku, cur, c.cfg.Currency))
		}
	}
	if len(problems) > 0 {
		name := p.SKU
		if name == "" {
			name = fmt.Sprintf("%q", p.Name)
		}
		return nil, invalid(op, "product %s cannot be written: %s", name, strings.Join(problems, "; "))
	}
	return plan, nil
}

// productWrite builds the wire product. existing maps the pluNumbers of the
// product's articles to their articleNumbers (nil on create): an article
// that exists is updated in place and gets every field, so an emptied field
// is cleared; a new one gets only the fields that have a value.
func (c *Client) productWrite(ctx context.Context, op string, w connectors.ProductWrite, plan productPlan, existing map[string]int64) (wireProductWrite, error) {
	rates := make([]model.VATRate, len(plan))
	for i, a := range plan {
		rates[i] = a.p.VAT
	}
	codes, err := c.vatCodes(ctx, op, rates, 0)
	if err != nil {
		return wireProductWrite{}, err
	}
	groups, err := c.groupNumbers(ctx, op, w.Product.Categories, w.CreateCategories)
	if err != nil {
		return wireProductWrite{}, err
	}
	out := wireProductWrite{Description: strings.TrimSpace(w.Product.Name), ExtraText: ptr(w.Product.Description), GroupNumbers: groups}
	for _, a := range plan {
		number := existing[a.p.SKU]
		update := number != 0
		text := func(v string) *string {
			if update || v != "" {
				return ptr(v)
			}
			return nil
		}
		art := wireArticleWrite{
			ArticleNumber: number, PluNumber: a.p.SKU, Active: ptr(a.p.Active), Description: strings.TrimSpace(a.p.Name),
			Colour: text(a.p.Attributes[attrColour]), Size: text(a.p.Attributes[attrSize]),
			Barcode: text(a.p.EAN), ExtraText: text(a.p.Description),
			VatCode: ptr(codes[a.p.VAT]), StockArticle: ptr(a.p.ManageStock), CustomFieldList: customFields(a.extra),
		}
		// An empty short description is not written: MplusKASSA fills
		// invoiceText with the description itself.
		if a.p.ShortDescription != "" {
			art.InvoiceText = ptr(a.p.ShortDescription)
		}
		if a.p.PriceIncludesVAT {
			art.PriceIncl = ptr(a.p.Price.Amount)
		} else {
			art.PriceExcl = ptr(a.p.Price.Amount)
		}
		if !update {
			art.Webshop = ptr(true)
			if c.cfg.DefaultTurnoverGroup > 0 {
				art.TurnoverGroup = ptr(c.cfg.DefaultTurnoverGroup)
			}
		}
		out.ArticleList.Article = append(out.ArticleList.Article, art)
	}
	return out, nil
}

// roundDiv divides rounding half away from zero.
func roundDiv(a, b int64) int64 {
	if (a < 0) != (b < 0) {
		return (a - b/2) / b
	}
	return (a + b/2) / b
}
