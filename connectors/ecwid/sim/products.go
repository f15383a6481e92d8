package sim

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Catalogue vocabularies (§3.5, the Java client's enums).
var (
	optionTypes    = []string{"SELECT", "RADIO", "CHECKBOX", "TEXTFIELD", "TEXTAREA", "DATE", "FILES", "SIZE", "SWATCHES"}
	modifierTypes  = []string{"ABSOLUTE", "PERCENT"}
	attributeTypes = []string{"CUSTOM", "UPC", "BRAND", "GENDER", "AGE_GROUP", "COLOR", "SIZE", "PRICE_PER_UNIT", "UNITS_IN_PRODUCT"}
	productSorts   = []string{"RELEVANCE", "DEFINED_BY_STORE_OWNER", "ADDED_TIME_DESC", "ADDED_TIME_ASC", "NAME_ASC",
		"NAME_DESC", "PRICE_ASC", "PRICE_DESC", "UPDATED_TIME_ASC", "UPDATED_TIME_DESC"}
)

// maxCombinationsPerRequest is the batch limit of §3.7.
const maxCombinationsPerRequest = 200

func productNotFound(id string) *apiError {
	return fail(http.StatusNotFound, CodeProductNotFound, "Product with ID %s was not found", id)
}

// productParam finds the product of the path; a public token sees
// enabled products only.
func (s *Sim) productParam(c *call) (*Product, *apiError) {
	raw := c.p.Get("productId")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, wrongParam("productId", "expected a whole number, got %q", raw)
	}
	p := s.productLocked(id)
	if p == nil || (c.public && !p.Enabled) {
		return nil, productNotFound(raw)
	}
	return p, nil
}

// combinationParam finds the combination of the path in p.
func combinationParam(c *call, p *Product) (*Combination, *apiError) {
	raw := c.p.Get("combinationId")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, wrongParam("combinationId", "expected a whole number, got %q", raw)
	}
	comb := p.combination(id)
	if comb == nil {
		return nil, fail(http.StatusNotFound, CodeCombinationNotFound, "Combination with ID %s was not found in product %d", raw, p.ID)
	}
	return comb, nil
}

func (s *Sim) searchProducts(c *call) (any, *apiError) {
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	match, err := s.findProductsLocked(c)
	if err != nil {
		return nil, err
	}
	return answerPage(pg, match, s.productJSON), nil
}

// findProductsLocked applies the search's parameters (§3.3): productId
// beats everything, then sku, then the filters.
func (s *Sim) findProductsLocked(c *call) ([]*Product, *apiError) {
	q := c.q
	visible := func(p *Product) bool { return !c.public || p.Enabled }
	ids, err := q.ids("productId")
	if err != nil {
		return nil, err
	}
	var out []*Product
	switch {
	case len(ids) > 0:
		for _, id := range ids {
			if p := s.productLocked(id); p != nil && visible(p) {
				out = append(out, p)
			}
		}
		return out, nil
	case q.Get("sku") != "":
		sku := q.Get("sku")
		for _, p := range s.st.Products {
			if visible(p) && (p.SKU == sku || slices.ContainsFunc(p.Combinations, func(c Combination) bool { return c.SKU == sku })) {
				out = append(out, p)
			}
		}
		return out, nil
	}
	f, err := s.productFilterLocked(q)
	if err != nil {
		return nil, err
	}
	sortBy := cmp.Or(q.Get("sortBy"), "RELEVANCE")
	if err := oneOf("sortBy", []string{sortBy}, productSorts); err != nil {
		return nil, err
	}
	for _, p := range s.st.Products {
		if visible(p) && f(p) {
			out = append(out, p)
		}
	}
	by := map[string]func(a, b *Product) int{
		"ADDED_TIME_ASC":    func(a, b *Product) int { return a.Created.Compare(b.Created) },
		"ADDED_TIME_DESC":   func(a, b *Product) int { return b.Created.Compare(a.Created) },
		"NAME_ASC":          func(a, b *Product) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) },
		"NAME_DESC":         func(a, b *Product) int { return strings.Compare(strings.ToLower(b.Name), strings.ToLower(a.Name)) },
		"PRICE_ASC":         func(a, b *Product) int { return cmp.Compare(a.Price, b.Price) },
		"PRICE_DESC":        func(a, b *Product) int { return cmp.Compare(b.Price, a.Price) },
		"UPDATED_TIME_ASC":  func(a, b *Product) int { return a.Updated.Compare(b.Updated) },
		"UPDATED_TIME_DESC": func(a, b *Product) int { return b.Updated.Compare(a.Updated) },
	}[sortBy]
	if by != nil { // RELEVANCE and DEFINED_BY_STORE_OWNER: the order of creation [A]
		slices.SortStableFunc(out, by)
	}
	return out, nil
}

func (s *Sim) productFilterLocked(q query) (func(*Product) bool, *apiError) {
	var tests []func(*Product) bool
	add := func(t func(*Product) bool) { tests = append(tests, t) }
	if kw := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(q.Get("keyword")), "*")); kw != "" {
		add(func(p *Product) bool { return strings.Contains(s.productKeywordsLocked(p), kw) })
	}
	if ref := q.Get("externalReferenceId"); ref != "" {
		add(func(p *Product) bool {
			return p.ExternalRef == ref || slices.ContainsFunc(p.Combinations, func(c Combination) bool { return c.ExternalRef == ref })
		})
	}
	var cats []int64
	if n, set, err := q.integer("category"); err != nil {
		return nil, err
	} else if set {
		cats = append(cats, n)
	}
	more, err := q.ids("categories")
	if err != nil {
		return nil, err
	}
	cats = append(cats, more...)
	sub, _, err := q.boolean("includeProductsFromSubcategories")
	if err != nil {
		return nil, err
	}
	if len(cats) > 0 {
		if sub {
			cats = s.withDescendantsLocked(cats)
		}
		add(func(p *Product) bool {
			if len(p.CategoryIDs) == 0 {
				return slices.Contains(cats, 0) // 0 is the store's root
			}
			return slices.ContainsFunc(p.CategoryIDs, func(id int64) bool { return slices.Contains(cats, id) })
		})
	}
	for _, bound := range []struct {
		name  string
		lower bool
	}{{"priceFrom", true}, {"priceTo", false}} {
		v := q.Get(bound.name)
		if v == "" {
			continue
		}
		m, perr := parseMoney(jsonNumber(v), s.prec())
		if perr != nil {
			return nil, wrongParam(bound.name, "expected an amount, got %q", v)
		}
		lower := bound.lower
		add(func(p *Product) bool { return (lower && p.Price >= m) || (!lower && p.Price <= m) })
	}
	created, err := q.window("createdFrom", "createdTo")
	if err != nil {
		return nil, err
	}
	updated, err := q.window("updatedFrom", "updatedTo")
	if err != nil {
		return nil, err
	}
	add(func(p *Product) bool { return created.holds(p.Created) && updated.holds(p.Updated) })
	if v, set, err := q.boolean("enabled"); err != nil {
		return nil, err
	} else if set {
		add(func(p *Product) bool { return p.Enabled == v })
	}
	if v, set, err := q.boolean("inStock"); err != nil {
		return nil, err
	} else if set {
		add(func(p *Product) bool { return inStock(p) == v })
	}
	switch v := q.Get("inventory"); v {
	case "":
	case "instock", "outofstock":
		add(func(p *Product) bool { return inStock(p) == (v == "instock") })
	default:
		return nil, wrongParam("inventory", "expected instock or outofstock")
	}
	return func(p *Product) bool {
		for _, t := range tests {
			if !t(p) {
				return false
			}
		}
		return true
	}, nil
}

// productKeywordsLocked is the text keyword searches in (§3.3), lower case.
func (s *Sim) productKeywordsLocked(p *Product) string {
	parts := []string{p.Name, p.Description, p.SKU}
	for _, c := range p.Combinations {
		parts = append(parts, c.SKU)
	}
	for _, o := range p.Options {
		for _, ch := range o.Choices {
			parts = append(parts, ch.Text)
		}
	}
	for _, id := range p.CategoryIDs {
		if cat := s.categoryLocked(id); cat != nil {
			parts = append(parts, cat.Name)
		}
	}
	for _, a := range p.Attributes {
		parts = append(parts, a.Value)
	}
	return strings.ToLower(strings.Join(parts, "\x00"))
}

// inStock: unlimited, stock above zero, or a combination in stock (§3.5).
func inStock(p *Product) bool {
	return p.Unlimited || p.Quantity > 0 ||
		slices.ContainsFunc(p.Combinations, func(c Combination) bool { return c.Unlimited || c.Quantity > 0 })
}

func (s *Sim) getProduct(c *call) (any, *apiError) {
	p, err := s.productParam(c)
	if err != nil {
		return nil, err
	}
	return s.productJSON(p), nil
}

func (s *Sim) createProduct(c *call) (any, *apiError) {
	var w productWrite
	if err := decodeBody(c.body, &w); err != nil {
		return nil, err
	}
	for _, req := range []struct {
		name  string
		given bool
	}{{"sku", w.SKU != nil && *w.SKU != ""}, {"name", w.Name != nil && *w.Name != ""}, {"price", w.Price != nil}} {
		if !req.given {
			return nil, wrongParam(req.name, "the field is required")
		}
	}
	now := s.now()
	p := &Product{ID: s.nextIDLocked(kindProduct), Enabled: true, ShippingNeeded: true, Tax: ProductTax{Taxable: true},
		Created: now, Updated: now}
	// No stock written: unlimited stock [A]; a quantity alone: tracked.
	p.Unlimited = w.Quantity == nil
	if err := s.applyProductLocked(p, &w); err != nil {
		return nil, err
	}
	save, _, err := c.q.boolean("saveCombinations")
	if err != nil {
		return nil, err
	}
	if save && w.Combinations != nil {
		if len(*w.Combinations) > maxCombinationsPerRequest {
			return nil, fail(http.StatusBadRequest, "COMBINATION_LIMIT_PER_REQUEST_EXCEEDED",
				"More than %d variations in one request", maxCombinationsPerRequest)
		}
		for i, cw := range *w.Combinations {
			comb := Combination{}
			if err := s.applyCombinationLocked(p, &comb, &cw, fmt.Sprintf("combinations[%d].", i)); err != nil {
				return nil, err
			}
			comb.ID = s.nextIDLocked(kindCombination)
			comb.Number = int64(len(p.Combinations) + 1)
			p.Combinations = append(p.Combinations, comb)
		}
	}
	s.st.Products = append(s.st.Products, p)
	c.events = append(c.events, s.productEvent(p.ID, "created"))
	return idOut{ID: p.ID}, nil
}

func (s *Sim) updateProduct(c *call) (any, *apiError) {
	p, err := s.productParam(c)
	if err != nil {
		return nil, err
	}
	var w productWrite
	if err := decodeBody(c.body, &w); err != nil {
		return nil, err
	}
	next := clone(*p)
	if err := s.applyProductLocked(&next, &w); err != nil {
		return nil, err
	}
	next.Updated = s.now()
	*p = next
	c.events = append(c.events, s.productEvent(p.ID, "updated"))
	return updateOut{UpdateCount: 1}, nil
}

func (s *Sim) deleteProduct(c *call) (any, *apiError) {
	p, err := s.productParam(c)
	if err != nil {
		return nil, err
	}
	s.st.Products = slices.DeleteFunc(s.st.Products, func(x *Product) bool { return x == p })
	c.events = append(c.events, s.productEvent(p.ID, "deleted"))
	return deleteOut{DeleteCount: 1}, nil
}

// applyProductLocked writes a product's written fields over p.
func (s *Sim) applyProductLocked(p *Product, w *productWrite) *apiError {
	cv := &conv{prec: s.prec()}
	if w.SKU != nil {
		if *w.SKU == "" {
			return wrongParam("sku", "a product's SKU cannot be empty")
		}
		if err := s.skuFreeLocked(*w.SKU, p.ID, 0); err != nil {
			return err
		}
		p.SKU = *w.SKU
	}
	if w.Name != nil && *w.Name == "" {
		return wrongParam("name", "a product's name cannot be empty")
	}
	set(&p.Name, w.Name)
	cv.price("price", w.Price, &p.Price)
	cv.price("compareToPrice", w.CompareToPrice, &p.CompareToPrice)
	cv.price("costPrice", w.CostPrice, &p.CostPrice)
	set(&p.Quantity, w.Quantity)
	set(&p.Unlimited, w.Unlimited)
	set(&p.WarningLimit, w.WarningLimit)
	set(&p.Enabled, w.Enabled)
	set(&p.Description, w.Description)
	set(&p.Weight, w.Weight)
	set(&p.ShippingNeeded, w.IsShippingRequired)
	if cv.err != nil {
		return cv.err
	}
	if w.ExternalRef != nil {
		if err := s.externalRefFreeLocked(*w.ExternalRef, p.ID); err != nil {
			return err
		}
		p.ExternalRef = *w.ExternalRef
	}
	if w.CategoryIDs != nil {
		if err := s.categoriesExistLocked(*w.CategoryIDs); err != nil {
			return err
		}
		p.CategoryIDs = slices.Clone(*w.CategoryIDs)
		if !slices.Contains(p.CategoryIDs, p.DefaultCategoryID) {
			p.DefaultCategoryID = 0
		}
	}
	if w.DefaultCategoryID != nil {
		if id := *w.DefaultCategoryID; id != 0 {
			if err := s.categoriesExistLocked([]int64{id}); err != nil {
				return err
			}
			if !slices.Contains(p.CategoryIDs, id) {
				p.CategoryIDs = append(p.CategoryIDs, id)
			}
		}
		p.DefaultCategoryID = *w.DefaultCategoryID
	}
	if p.DefaultCategoryID == 0 && len(p.CategoryIDs) > 0 {
		p.DefaultCategoryID = p.CategoryIDs[0]
	}
	if w.Attributes != nil {
		as, err := s.attributesLocked("attributes", *w.Attributes)
		if err != nil {
			return err
		}
		p.Attributes = as
	}
	if w.Options != nil {
		opts, err := options(*w.Options)
		if err != nil {
			return err
		}
		p.Options = opts
	}
	if t := w.Tax; t != nil {
		set(&p.Tax.Taxable, t.Taxable)
		set(&p.Tax.TaxClassCode, t.TaxClassCode)
		if t.EnabledManualTaxes != nil {
			for i, id := range *t.EnabledManualTaxes {
				if !slices.ContainsFunc(s.st.Profile.Taxes, func(r TaxRate) bool { return r.ID == id }) {
					return wrongParam(fmt.Sprintf("tax.enabledManualTaxes[%d]", i), "the store has no tax %d", id)
				}
			}
			p.Tax.EnabledManualTaxes = slices.Clone(*t.EnabledManualTaxes)
		}
	}
	return nil
}

func (s *Sim) attributesLocked(path string, ws []attributeWrite) ([]Attribute, *apiError) {
	as := attributes(ws, func() int64 { return s.nextIDLocked(kindAttribute) })
	for i, a := range as {
		if err := oneOf(fmt.Sprintf("%s[%d].type", path, i), []string{a.Type}, attributeTypes); err != nil {
			return nil, err
		}
	}
	return as, nil
}

func options(ws []optionWrite) ([]Option, *apiError) {
	var out []Option
	for i, w := range ws {
		p := fmt.Sprintf("options[%d]", i)
		o := Option{Type: "SELECT"}
		set(&o.Type, w.Type)
		set(&o.Name, w.Name)
		set(&o.DefaultChoice, w.DefaultChoice)
		set(&o.Required, w.Required)
		if o.Name == "" {
			return nil, wrongParam(p+".name", "an option needs a name")
		}
		if err := oneOf(p+".type", []string{o.Type}, optionTypes); err != nil {
			return nil, err
		}
		for j, cw := range w.Choices {
			ch := Choice{ModifierType: "ABSOLUTE"}
			set(&ch.Text, cw.Text)
			set(&ch.Modifier, cw.Modifier)
			set(&ch.ModifierType, cw.ModifierType)
			if err := oneOf(fmt.Sprintf("%s.choices[%d].priceModifierType", p, j), []string{ch.ModifierType}, modifierTypes); err != nil {
				return nil, err
			}
			if ch.Modifier != "" {
				if _, err := basisPoints(ch.Modifier); err != nil {
					return nil, wrongParam(fmt.Sprintf("%s.choices[%d].priceModifier", p, j), "%v", err)
				}
			}
			o.Choices = append(o.Choices, ch)
		}
		out = append(out, o)
	}
	return out, nil
}

// skuFreeLocked refuses a SKU another product or combination has, unless
// the store allows duplicate SKUs (§3.7). A combination's SKU may equal
// its own product's (exceptProduct with a combination).
func (s *Sim) skuFreeLocked(sku string, exceptProduct, exceptCombination int64) *apiError {
	if s.o.AllowDuplicateSKUs {
		return nil
	}
	taken := fail(http.StatusConflict, CodeSKUExists, "Product with SKU %q already exists", sku)
	for _, p := range s.st.Products {
		if p.ID != exceptProduct && p.SKU == sku {
			return taken
		}
		for _, c := range p.Combinations {
			if c.ID != exceptCombination && c.SKU == sku && !(exceptCombination == 0 && p.ID == exceptProduct) {
				return taken
			}
		}
	}
	return nil
}

// externalRefFreeLocked keeps externalReferenceId unique in the store.
func (s *Sim) externalRefFreeLocked(ref string, exceptProduct int64) *apiError {
	if ref == "" {
		return nil
	}
	for _, p := range s.st.Products {
		if p.ID != exceptProduct && p.ExternalRef == ref {
			return fail(http.StatusConflict, CodeExternalIDUsed, "Product with external ID %q already exists", ref)
		}
	}
	return nil
}

func (s *Sim) categoriesExistLocked(ids []int64) *apiError {
	var missing []string
	for _, id := range ids {
		if s.categoryLocked(id) == nil {
			missing = append(missing, strconv.FormatInt(id, 10))
		}
	}
	if len(missing) > 0 {
		return fail(http.StatusNotFound, CodeCategoriesNotFound, "Categories with IDs %s were not found", strings.Join(missing, ", "))
	}
	return nil
}

// Inventory (§3.3): a delta, which may take stock below zero.

func (s *Sim) adjustProductInventory(c *call) (any, *apiError) {
	p, err := s.productParam(c)
	if err != nil {
		return nil, err
	}
	delta, err := readDelta(c)
	if err != nil {
		return nil, err
	}
	if p.Unlimited {
		return updateOut{UpdateCount: 0}, nil
	}
	p.Quantity += delta
	p.Updated = s.now()
	c.events = append(c.events, s.productEvent(p.ID, "updated"))
	return updateOut{UpdateCount: 1, Warning: negativeWarning(p.Quantity)}, nil
}

func (s *Sim) adjustCombinationInventory(c *call) (any, *apiError) {
	p, err := s.productParam(c)
	if err != nil {
		return nil, err
	}
	comb, err := combinationParam(c, p)
	if err != nil {
		return nil, err
	}
	delta, err := readDelta(c)
	if err != nil {
		return nil, err
	}
	if comb.Unlimited {
		return updateOut{UpdateCount: 0}, nil
	}
	comb.Quantity += delta
	p.Updated = s.now()
	c.events = append(c.events, s.productEvent(p.ID, "updated"))
	return updateOut{UpdateCount: 1, Warning: negativeWarning(comb.Quantity)}, nil
}

func readDelta(c *call) (int64, *apiError) {
	var w inventoryWrite
	if err := decodeBody(c.body, &w); err != nil {
		return 0, err
	}
	if w.QuantityDelta == nil {
		return 0, wrongParam("quantityDelta", "the field is required")
	}
	_, _, err := c.q.boolean("checkLowStockNotification")
	return *w.QuantityDelta, err
}

func negativeWarning(qty int64) string {
	if qty >= 0 {
		return ""
	}
	return fmt.Sprintf("Stock became negative: %d", qty)
}

// uploadProductImage takes the main image as a binary body or an
// externalUrl; only the fact of an image is kept.
func (s *Sim) uploadProductImage(c *call) (any, *apiError) {
	p, err := s.productParam(c)
	if err != nil {
		return nil, err
	}
	img := ProductImage{ID: s.nextIDLocked(kindImage)}
	if ext := c.q.Get("externalUrl"); ext != "" {
		u, perr := url.Parse(ext)
		if perr != nil || u.Scheme != "https" || u.Host == "" {
			return nil, fail(http.StatusUnprocessableEntity, "WRONG_URL", "externalUrl must be an HTTPS link to an image")
		}
		img.ExternalURL = ext
	} else {
		switch {
		case len(c.body) == 0:
			return nil, wrongParam("body", "send the image as the body or give externalUrl")
		case len(c.body) > MaxImageSize:
			return nil, fail(http.StatusBadRequest, CodeIncorrectImageSize, "Incorrect image size: more than 20 MB")
		}
		ct := http.DetectContentType(c.body)
		if !strings.HasPrefix(ct, "image/") {
			return nil, wrongParam("body", "the body is %s, not an image", ct)
		}
		img.ContentType, img.Size = ct, len(c.body)
	}
	p.Image = &img
	p.Updated = s.now()
	c.events = append(c.events, s.productEvent(p.ID, "updated"))
	return idOut{ID: img.ID}, nil
}

// Combinations.

func (s *Sim) listCombinations(c *call) (any, *apiError) {
	p, err := s.productParam(c)
	if err != nil {
		return nil, err
	}
	out := []combinationOut{}
	for i := range p.Combinations {
		out = append(out, s.combinationJSON(p, &p.Combinations[i]))
	}
	return out, nil
}

func (s *Sim) getCombination(c *call) (any, *apiError) {
	p, err := s.productParam(c)
	if err != nil {
		return nil, err
	}
	comb, err := combinationParam(c, p)
	if err != nil {
		return nil, err
	}
	return s.combinationJSON(p, comb), nil
}

func (s *Sim) createCombination(c *call) (any, *apiError) {
	p, err := s.productParam(c)
	if err != nil {
		return nil, err
	}
	var w combinationWrite
	if err := decodeBody(c.body, &w); err != nil {
		return nil, err
	}
	next := clone(*p)
	comb := Combination{}
	if err := s.applyCombinationLocked(&next, &comb, &w, ""); err != nil {
		return nil, err
	}
	comb.ID = s.nextIDLocked(kindCombination)
	comb.Number = int64(len(next.Combinations) + 1)
	next.Combinations = append(next.Combinations, comb)
	next.Updated = s.now()
	*p = next
	c.events = append(c.events, s.productEvent(p.ID, "updated"))
	return idOut{ID: comb.ID}, nil
}

func (s *Sim) updateCombination(c *call) (any, *apiError) {
	p, err := s.productParam(c)
	if err != nil {
		return nil, err
	}
	if _, err := combinationParam(c, p); err != nil {
		return nil, err
	}
	var w combinationWrite
	if err := decodeBody(c.body, &w); err != nil {
		return nil, err
	}
	next := clone(*p)
	comb, _ := combinationParam(c, &next)
	if err := s.applyCombinationLocked(&next, comb, &w, ""); err != nil {
		return nil, err
	}
	next.Updated = s.now()
	*p = next
	c.events = append(c.events, s.productEvent(p.ID, "updated"))
	return updateOut{UpdateCount: 1}, nil
}

func (s *Sim) deleteCombination(c *call) (any, *apiError) {
	p, err := s.productParam(c)
	if err != nil {
		return nil, err
	}
	comb, err := combinationParam(c, p)
	if err != nil {
		return nil, err
	}
	id := comb.ID
	p.Combinations = slices.DeleteFunc(p.Combinations, func(x Combination) bool { return x.ID == id })
	p.Updated = s.now()
	c.events = append(c.events, s.productEvent(p.ID, "updated"))
	return deleteOut{DeleteCount: 1}, nil
}

// applyCombinationLocked writes a combination's written fields over comb
// (a new one has ID 0) of product p; path prefixes field names in errors.
func (s *Sim) applyCombinationLocked(p *Product, comb *Combination, w *combinationWrite, path string) *apiError {
	cv := &conv{prec: s.prec()}
	creating := comb.ID == 0
	if w.Options != nil {
		var vals []OptionValue
		for i, ov := range *w.Options {
			v := OptionValue{}
			set(&v.Name, ov.Name)
			set(&v.Value, ov.Value)
			if v.Name == "" || v.Value == "" {
				return wrongParam(fmt.Sprintf("%soptions[%d]", path, i), "an option value needs a name and a value")
			}
			vals = append(vals, v)
		}
		comb.Options = vals
	}
	if len(comb.Options) == 0 {
		return wrongParam(path+"options", "a variation needs the option values that identify it")
	}
	for _, other := range p.Combinations {
		if other.ID != comb.ID && sameOptions(other.Options, comb.Options) {
			return fail(http.StatusConflict, CodeCombinationDuplicated,
				"Product %d already has a variation with these options (id %d)", p.ID, other.ID)
		}
	}
	addOptions(p, comb.Options)
	if w.SKU != nil {
		if sku := *w.SKU; sku != "" && !s.o.AllowDuplicateSKUs {
			// Other products and combinations, and (for inline
			// combinations not stored yet) this product's others.
			if err := s.skuFreeLocked(sku, p.ID, cmp.Or(comb.ID, -1)); err != nil {
				return err
			}
			if slices.ContainsFunc(p.Combinations, func(o Combination) bool { return o.ID != comb.ID && o.SKU == sku }) {
				return fail(http.StatusConflict, CodeSKUExists, "Product with SKU %q already exists", sku)
			}
		}
		comb.SKU = *w.SKU
	}
	if w.Price != nil {
		var m Money
		cv.price(path+"price", w.Price, &m)
		comb.Price = &m
	}
	cv.price(path+"compareToPrice", w.CompareToPrice, &comb.CompareToPrice)
	if creating {
		comb.Unlimited = w.Quantity == nil // as a product: no stock written is unlimited [A]
	}
	set(&comb.Quantity, w.Quantity)
	set(&comb.Unlimited, w.Unlimited)
	set(&comb.WarningLimit, w.WarningLimit)
	set(&comb.Weight, w.Weight)
	set(&comb.ExternalRef, w.ExternalRef)
	if cv.err != nil {
		return cv.err
	}
	if w.Attributes != nil {
		as, err := s.attributesLocked(path+"attributes", *w.Attributes)
		if err != nil {
			return err
		}
		comb.Attributes = as
	}
	// A variation with the product's own SKU is the product's stock (§3.5).
	if comb.SKU == p.SKU && (comb.Unlimited != p.Unlimited || (!comb.Unlimited && comb.Quantity != p.Quantity)) {
		return fail(http.StatusBadRequest, CodeDifferentStock,
			"Product variation with the same SKU as the main product (%s) must have the same stock", p.SKU)
	}
	return nil
}

func sameOptions(a, b []OptionValue) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.ContainsFunc(b, func(y OptionValue) bool {
			return strings.EqualFold(x.Name, y.Name) && strings.EqualFold(x.Value, y.Value)
		}) {
			return false
		}
	}
	return true
}

// addOptions creates the options and choices a combination names and the
// product lacks, as SELECT options (create-product-variation).
func addOptions(p *Product, vals []OptionValue) {
	for _, v := range vals {
		i := slices.IndexFunc(p.Options, func(o Option) bool { return strings.EqualFold(o.Name, v.Name) })
		if i < 0 {
			p.Options = append(p.Options, Option{Type: "SELECT", Name: v.Name})
			i = len(p.Options) - 1
		}
		if !slices.ContainsFunc(p.Options[i].Choices, func(c Choice) bool { return strings.EqualFold(c.Text, v.Value) }) {
			p.Options[i].Choices = append(p.Options[i].Choices, Choice{Text: v.Value, ModifierType: "ABSOLUTE"})
		}
	}
}

// combinationPrice is a combination's own price, else the product's with
// the modifiers of its option values.
func (s *Sim) combinationPrice(p *Product, c *Combination) Money {
	if c.Price != nil {
		return *c.Price
	}
	price := p.Price
	for _, v := range c.Options {
		for _, o := range p.Options {
			if !strings.EqualFold(o.Name, v.Name) {
				continue
			}
			for _, ch := range o.Choices {
				if !strings.EqualFold(ch.Text, v.Value) || ch.Modifier == "" {
					continue
				}
				bp, _ := basisPoints(ch.Modifier) // checked when written
				if ch.ModifierType == "PERCENT" {
					price += Money(divRound(int64(p.Price)*bp, 100*100))
				} else {
					price += Money(divRound(bp*pow10i(s.prec()), 100))
				}
			}
		}
	}
	return price
}

func pow10i(n int) int64 {
	out := int64(1)
	for range n {
		out *= 10
	}
	return out
}

func (s *Sim) productJSON(p *Product) productOut {
	prec := s.prec()
	out := productOut{ID: p.ID, SKU: p.SKU, Name: p.Name, Price: p.Price.number(prec),
		PriceInProductList: p.Price.number(prec), DefaultDisplayedPrice: p.Price.number(prec),
		CostPrice: p.CostPrice.number(prec), Unlimited: p.Unlimited, InStock: inStock(p), WarningLimit: p.WarningLimit,
		Enabled: p.Enabled, Description: p.Description, IsShippingRequired: p.ShippingNeeded,
		CategoryIDs: append([]int64{}, p.CategoryIDs...), Categories: []categoryRef{}, DefaultCategoryID: p.DefaultCategoryID,
		Attributes: attributesJSON(p.Attributes), Options: []optionOut{}, Combinations: []combinationOut{},
		Tax: taxInfoOut{Taxable: p.Tax.Taxable, DefaultLocationIncludedTaxRate: s.includedRateLocked(p),
			EnabledManualTaxes: append([]int64{}, p.Tax.EnabledManualTaxes...), TaxClassCode: p.Tax.TaxClassCode},
		ExternalRef: p.ExternalRef, URL: fmt.Sprintf("https://store%d.company.site/products/p%d", s.o.StoreID, p.ID),
		Created: dateString(p.Created), Updated: dateString(p.Updated),
		CreateTimestamp: p.Created.Unix(), UpdateTimestamp: p.Updated.Unix()}
	if !p.Unlimited {
		q := p.Quantity
		out.Quantity = &q
	}
	if p.CompareToPrice != 0 {
		n := p.CompareToPrice.number(prec)
		out.CompareToPrice = &n
	}
	if p.Weight != "" {
		out.Weight = &p.Weight
	}
	for _, id := range p.CategoryIDs {
		cat := s.categoryLocked(id)
		out.Categories = append(out.Categories, categoryRef{ID: id, Enabled: cat != nil && cat.Enabled})
	}
	for _, o := range p.Options {
		oo := optionOut{Type: o.Type, Name: o.Name, Choices: []choiceOut{}, DefaultChoice: o.DefaultChoice, Required: o.Required}
		for _, ch := range o.Choices {
			oo.Choices = append(oo.Choices, choiceOut{Text: ch.Text, Modifier: cmp.Or(ch.Modifier, "0"),
				ModifierType: cmp.Or(ch.ModifierType, "ABSOLUTE")})
		}
		out.Options = append(out.Options, oo)
	}
	for i := range p.Combinations {
		out.Combinations = append(out.Combinations, s.combinationJSON(p, &p.Combinations[i]))
	}
	if img := p.Image; img != nil {
		out.ImageURL = img.ExternalURL
		if out.ImageURL == "" {
			out.ImageURL = fmt.Sprintf("https://d2j6dbq0eux0bg.cloudfront.net/images/%d/%d.jpg", s.o.StoreID, img.ID)
		}
		out.OriginalImageURL = out.ImageURL
	}
	return out
}

func (s *Sim) combinationJSON(p *Product, c *Combination) combinationOut {
	prec := s.prec()
	price := s.combinationPrice(p, c).number(prec)
	out := combinationOut{ID: c.ID, CombinationNumber: c.Number, Options: append([]OptionValue{}, c.Options...),
		SKU: c.SKU, Unlimited: c.Unlimited, InStock: c.Unlimited || c.Quantity > 0, Price: price,
		DefaultDisplayedPrice: price, WarningLimit: c.WarningLimit, Attributes: attributesJSON(c.Attributes),
		ExternalRef: c.ExternalRef}
	if !c.Unlimited {
		q := c.Quantity
		out.Quantity = &q
	}
	if c.CompareToPrice != 0 {
		n := c.CompareToPrice.number(prec)
		out.CompareToPrice = &n
	}
	if c.Weight != "" {
		out.Weight = &c.Weight
	}
	return out
}

func attributesJSON(as []Attribute) []attributeOut {
	out := []attributeOut{}
	for _, a := range as {
		out = append(out, attributeOut(a))
	}
	return out
}
