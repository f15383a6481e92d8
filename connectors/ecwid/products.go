package ecwid

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Products both ways. A product is the canonical product; its combinations
// are its variants, each with its option values as Attributes (Size: M),
// its own SKU, price (the product's when it has none), stock keeping and
// EAN. The EAN is the attribute of type UPC (§3.5). Categories are name
// paths (categories.go). enabled is Active; unlimited stock is
// ManageStock false. Prices are in the store's convention: gross when the
// store's pricesIncludeTax (options.pricesIncludeTax, else the profile)
// says so; the VAT rate read is tax.defaultLocationIncludedTaxRate, where
// the store sends one. Photos are not read or written: the products of
// this pair move without images (docs/ecwid.md).
//
// Writes (ProductTarget): POST /products (scope create_catalog) with the
// options the variants need, then one POST per combination; PUT
// /products/{id} (update_catalog) writes name, description, price,
// enabled, stock keeping, the UPC attribute and categories (those the
// product has stay), and adds the option choices new variants need;
// variants are matched by SKU: a known one is PUT, a new one POSTed. A
// price is converted to the store's convention at the product's VAT rate
// when the source states it the other way.

var (
	_ connectors.ProductSource  = (*Client)(nil)
	_ connectors.ProductTarget  = (*Client)(nil)
	_ connectors.ProductMatcher = (*Client)(nil)
)

// OptionType is the type of options the client creates for variants: a
// drop-down the customer must choose from.
const OptionType = "SELECT"

// ListChangedProducts lists the products changed since q.Cursor
// (updatedFrom, paging.go), each with its variants.
func (c *Client) ListChangedProducts(ctx context.Context, q connectors.ChangeQuery) (connectors.ProductPage, error) {
	pos, err := readChangeQuery(OpListProducts, q)
	if err != nil {
		return connectors.ProductPage{}, err
	}
	items, next, more, err := c.changePage(ctx, changeFeed{op: OpListProducts, stamp: stampOf}, pos, q.PageSize)
	if err != nil {
		return connectors.ProductPage{}, err
	}
	out := connectors.ProductPage{Products: []connectors.SourceProduct{}}
	if more {
		out.NextPageToken = next.String()
	} else {
		out.Cursor = next.String()
	}
	if len(items) == 0 {
		return out, nil
	}
	currency, gross, err := c.storeSettings(ctx)
	if err != nil {
		return connectors.ProductPage{}, err
	}
	t, err := c.tree(ctx, false)
	if err != nil {
		return connectors.ProductPage{}, err
	}
	for _, raw := range items {
		var p Product
		if err := decodeJSON(raw, &p); err != nil {
			return connectors.ProductPage{}, unavailable(OpListProducts, 200, "a product is not the JSON the API documents: %s", jsonProblem(err))
		}
		if err := c.withCombinations(ctx, &p); err != nil {
			return connectors.ProductPage{}, err
		}
		vat, err := c.productVAT(ctx, p.Tax)
		if err != nil {
			return connectors.ProductPage{}, readFailure(OpListProducts, p, err)
		}
		m, err := productFrom(p, currency, gross, vat, t)
		if err != nil {
			return connectors.ProductPage{}, invalid(OpListProducts, "product %s (%s) cannot be read: %v", p.ID, p.SKU, err)
		}
		sp := connectors.SourceProduct{Product: m}
		_ = json.Unmarshal(raw, &sp.Raw)
		for _, cb := range p.Combinations {
			var rv map[string]any
			if b, err := json.Marshal(cb); err == nil {
				_ = json.Unmarshal(b, &rv)
			}
			sp.RawVariants = append(sp.RawVariants, rv)
		}
		out.Products = append(out.Products, sp)
	}
	return out, nil
}

// readChangeQuery is the position a page of a change listing starts at:
// its page token, else a new pass from the cursor.
func readChangeQuery(op string, q connectors.ChangeQuery) (ChangePos, error) {
	if q.PageToken != "" {
		return readPos(op, q.PageToken)
	}
	pos, err := readPos(op, q.Cursor)
	pos.Pass = nil
	return pos, err
}

// readFailure is the error of a product whose VAT rate cannot be told: an
// API error as it is, a rate that is no rate as an invalid record.
func readFailure(op string, p Product, err error) error {
	if _, ok := err.(*connectors.Error); ok {
		return err
	}
	return invalid(op, "product %s (%s) cannot be read: %v", p.ID, p.SKU, err)
}

// productFrom maps a product (with its combinations) to the canonical one,
// at VAT rate vat (productVAT).
func productFrom(p Product, currency string, gross bool, vat model.VATRate, t *categoryTree) (model.Product, error) {
	price, err := minor(p.Price, "price")
	if err != nil {
		return model.Product{}, err
	}
	active := p.Enabled == nil || *p.Enabled
	out := model.Product{
		SKU: strings.TrimSpace(p.SKU), Name: p.Name, Description: p.Description, EAN: upc(p.Attributes),
		Price: model.NewMoney(price, currency), PriceIncludesVAT: gross, VAT: vat,
		Active: active, ManageStock: !p.Unlimited, Categories: t.paths(p.CategoryIDs),
	}
	for i, cb := range p.Combinations {
		vp := out.Price
		if cb.Price != "" {
			v, err := minor(cb.Price, "combinations["+itoa(i)+"].price")
			if err != nil {
				return model.Product{}, err
			}
			vp = model.NewMoney(v, currency)
		}
		attrs := map[string]string{}
		for _, o := range cb.Options {
			attrs[strings.TrimSpace(o.Name)] = strings.TrimSpace(o.Value)
		}
		out.Variants = append(out.Variants, model.Product{
			SKU: strings.TrimSpace(cb.SKU), Name: p.Name, EAN: upc(cb.Attributes),
			Price: vp, PriceIncludesVAT: gross, VAT: vat, Active: active, ManageStock: !cb.Unlimited,
			Attributes: attrs,
		})
	}
	return out, nil
}

// upc is the value of the attribute of type UPC.
func upc(attrs []Attribute) string {
	for _, a := range attrs {
		if strings.EqualFold(a.Type, AttributeUPC) {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// withUPC sets (or adds) the UPC attribute to ean, keeping the others; an
// empty ean leaves them as they are.
func withUPC(attrs []Attribute, ean string) []Attribute {
	ean = strings.TrimSpace(ean)
	if ean == "" {
		return attrs
	}
	out := append([]Attribute(nil), attrs...)
	for i := range out {
		if strings.EqualFold(out[i].Type, AttributeUPC) {
			out[i].Value = ean
			return out
		}
	}
	return append(out, Attribute{Name: AttributeUPC, Value: ean, Type: AttributeUPC})
}

// FindProduct returns the product whose SKU (or one of whose variants'
// SKUs) is sku; nil when the store has none.
func (c *Client) FindProduct(ctx context.Context, sku string) (*connectors.TargetProduct, error) {
	sku = strings.TrimSpace(sku)
	if sku == "" {
		return nil, nil
	}
	p, _, ok, err := c.findSKU(ctx, sku)
	if err != nil || !ok {
		return nil, err
	}
	return c.targetProduct(ctx, p)
}

// FindProductFor finds what the store holds of p (its SKU, else a
// variant's) in the shape the flow compares: Ecwid keeps no VAT rate on a
// product and no attributes on a product with variants (its variants'
// options are theirs), so the found product carries p's VAT rate where
// Ecwid names none, and p's own attributes.
func (c *Client) FindProductFor(ctx context.Context, p model.Product) (*connectors.TargetProduct, error) {
	var found *connectors.TargetProduct
	for _, sku := range p.AllSKUs() {
		var err error
		if found, err = c.FindProduct(ctx, sku); err != nil {
			return nil, err
		}
		if found != nil {
			break
		}
	}
	if found == nil {
		return nil, nil
	}
	have := &found.Product
	if have.VAT == 0 {
		have.VAT = p.VAT
	}
	have.Attributes = p.Attributes
	want := map[string]model.Product{}
	for _, v := range p.Variants {
		want[v.SKU] = v
	}
	for i := range have.Variants {
		if v, ok := want[have.Variants[i].SKU]; ok && have.Variants[i].VAT == 0 {
			have.Variants[i].VAT = v.VAT
		}
	}
	return found, nil
}

func (c *Client) targetProduct(ctx context.Context, p Product) (*connectors.TargetProduct, error) {
	currency, gross, err := c.storeSettings(ctx)
	if err != nil {
		return nil, err
	}
	t, err := c.tree(ctx, false)
	if err != nil {
		return nil, err
	}
	vat, err := c.productVAT(ctx, p.Tax)
	if err != nil {
		return nil, readFailure(OpGetProduct, p, err)
	}
	m, err := productFrom(p, currency, gross, vat, t)
	if err != nil {
		return nil, invalid(OpGetProduct, "product %s (%s) cannot be read: %v", p.ID, p.SKU, err)
	}
	return &connectors.TargetProduct{ID: p.ID.String(), Product: m}, nil
}

// CreateProduct creates the product with its variants and returns its id.
func (c *Client) CreateProduct(ctx context.Context, w connectors.ProductWrite) (string, error) {
	const op = OpCreateProduct
	p := w.Product
	if strings.TrimSpace(p.SKU) == "" || strings.TrimSpace(p.Name) == "" {
		return "", invalid(op, "a product needs a SKU and a name (SKU %q, name %q)", p.SKU, p.Name)
	}
	currency, gross, err := c.storeSettings(ctx)
	if err != nil {
		return "", err
	}
	price, err := storePrice(op, p, currency, gross)
	if err != nil {
		return "", err
	}
	cats, err := c.categoryIDs(ctx, op, p.Categories, w.CreateCategories)
	if err != nil {
		return "", err
	}
	tax, err := c.taxBody(ctx, op, p.SKU, p.VAT)
	if err != nil {
		return "", err
	}
	body := ProductBody{
		SKU: strings.TrimSpace(p.SKU), Name: p.Name, Description: p.Description, Price: amount(price),
		Enabled: ptr(p.Active), Unlimited: ptr(!p.ManageStock), CategoryIDs: cats,
		Options: mergeOptions(nil, p.Variants), Attributes: withUPC(nil, p.EAN), Tax: tax,
	}
	var res Created
	if err := c.do(ctx, request{op: op, path: opPath(op), body: body, into: &res}); err != nil {
		return "", err
	}
	id := res.ID.String()
	if _, ok := numericID(id); !ok {
		return "", unavailable(op, 200, "product %s was created, but the answer names no id; the next run finds it by its SKU", p.SKU)
	}
	for _, v := range p.Variants {
		if err := c.createCombination(ctx, id, v, currency, gross, p.VAT); err != nil {
			return "", err
		}
	}
	return id, nil
}

// UpdateProduct writes w over product id; variants are matched by SKU and
// a new one is added.
func (c *Client) UpdateProduct(ctx context.Context, id string, w connectors.ProductWrite) error {
	const op = OpUpdateProduct
	if _, ok := numericID(id); !ok {
		return invalid(op, "%q is not an Ecwid product id", id)
	}
	var cur Product
	if err := c.get(ctx, OpGetProduct, opPath(OpGetProduct, id), nil, &cur); err != nil {
		return err
	}
	if err := c.withCombinations(ctx, &cur); err != nil {
		return err
	}
	p := w.Product
	currency, gross, err := c.storeSettings(ctx)
	if err != nil {
		return err
	}
	price, err := storePrice(op, p, currency, gross)
	if err != nil {
		return err
	}
	cats, err := c.categoryIDs(ctx, op, p.Categories, w.CreateCategories)
	if err != nil {
		return err
	}
	for _, have := range cur.CategoryIDs { // a target deletes nothing: its own categories stay
		if !containsID(cats, have) {
			cats = append(cats, have)
		}
	}
	tax, err := c.taxBody(ctx, op, p.SKU, p.VAT)
	if err != nil {
		return err
	}
	body := ProductBody{
		Name: p.Name, Description: p.Description,
		Enabled: ptr(p.Active), Unlimited: ptr(!p.ManageStock), CategoryIDs: cats,
		Options: mergeOptions(cur.Options, p.Variants), Attributes: withUPC(cur.Attributes, p.EAN), Tax: tax,
	}
	if p.Price.Amount != 0 || p.Price.Currency != "" { // a product without a price keeps Ecwid's
		body.Price = amount(price)
	}
	if err := c.do(ctx, request{op: op, path: opPath(op, id), body: body}); err != nil {
		return err
	}
	bySKU := map[string]Combination{}
	for _, cb := range cur.Combinations {
		if s := strings.TrimSpace(cb.SKU); s != "" {
			bySKU[s] = cb
		}
	}
	for _, v := range p.Variants {
		cb, ok := bySKU[strings.TrimSpace(v.SKU)]
		if !ok {
			if err := c.createCombination(ctx, id, v, currency, gross, p.VAT); err != nil {
				return err
			}
			continue
		}
		body, err := combinationBody(OpUpdateCombination, v, currency, gross, p.VAT)
		if err != nil {
			return err
		}
		body.Attributes = withUPC(cb.Attributes, v.EAN)
		if err := c.do(ctx, request{op: OpUpdateCombination, path: opPath(OpUpdateCombination, id, cb.ID.String()), body: body}); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) createCombination(ctx context.Context, productID string, v model.Product, currency string, gross bool, vat model.VATRate) error {
	body, err := combinationBody(OpCreateCombination, v, currency, gross, vat)
	if err != nil {
		return err
	}
	body.Attributes = withUPC(nil, v.EAN)
	var res Created
	return c.do(ctx, request{op: OpCreateCombination, path: opPath(OpCreateCombination, productID), body: body, into: &res})
}

// combinationBody is a variant as a combination: its options, SKU, price
// (when it has one) and stock keeping.
func combinationBody(op string, v model.Product, currency string, gross bool, parentVAT model.VATRate) (CombinationBody, error) {
	if strings.TrimSpace(v.SKU) == "" {
		return CombinationBody{}, invalid(op, "a variant has no SKU")
	}
	if len(v.Attributes) == 0 {
		return CombinationBody{}, invalid(op, "variant %s has no attributes to tell it apart (Ecwid identifies a variation by its option values)", v.SKU)
	}
	b := CombinationBody{Options: optionValues(v.Attributes), SKU: strings.TrimSpace(v.SKU), Unlimited: ptr(!v.ManageStock)}
	if v.Price.Amount != 0 || v.Price.Currency != "" {
		if v.VAT == 0 {
			v.VAT = parentVAT
		}
		price, err := storePrice(op, v, currency, gross)
		if err != nil {
			return CombinationBody{}, err
		}
		b.Price = amount(price)
	}
	return b, nil
}

// optionValues are a variant's attributes as option values, by name.
func optionValues(attrs map[string]string) []OptionValue {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]OptionValue, 0, len(names))
	for _, n := range names {
		out = append(out, OptionValue{Name: strings.TrimSpace(n), Value: strings.TrimSpace(attrs[n])})
	}
	return out
}

// mergeOptions adds to a product's options every option and choice its
// variants need; nil when the product needs none.
func mergeOptions(have []ProductOption, variants []model.Product) []ProductOption {
	out := make([]ProductOption, len(have))
	for i, o := range have {
		out[i] = o
		out[i].Choices = append([]Choice(nil), o.Choices...)
	}
	for _, v := range variants {
		for _, ov := range optionValues(v.Attributes) {
			i := -1
			for j := range out {
				if strings.EqualFold(strings.TrimSpace(out[j].Name), ov.Name) {
					i = j
					break
				}
			}
			if i < 0 {
				out = append(out, ProductOption{Type: OptionType, Name: ov.Name, Required: true})
				i = len(out) - 1
			}
			known := false
			for _, ch := range out[i].Choices {
				known = known || strings.EqualFold(strings.TrimSpace(ch.Text), ov.Value)
			}
			if !known {
				out[i].Choices = append(out[i].Choices, Choice{Text: ov.Value, PriceModifier: "0", PriceModifierType: "ABSOLUTE"})
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// storePrice is p's price in the store's convention (gross or net),
// converted at p's VAT rate when p states it the other way, rounded half
// away from zero.
func storePrice(op string, p model.Product, currency string, gross bool) (int64, error) {
	if p.Price.Currency != "" && currency != "" && !strings.EqualFold(p.Price.Currency, currency) {
		return 0, invalid(op, "product %s is priced in %s; the Ecwid store keeps %s", p.SKU, p.Price.Currency, currency)
	}
	v := p.Price.Amount
	switch {
	case p.PriceIncludesVAT == gross:
		return v, nil
	case gross:
		return divRound(v*(10000+int64(p.VAT)), 10000), nil
	default:
		return divRound(v*10000, 10000+int64(p.VAT)), nil
	}
}

func ptr[T any](v T) *T { return &v }

func itoa(i int) string { return model.FormatMinor(int64(i), 0) }
