package ccvshop

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// extraKind is the JSON type a native product field takes.
type extraKind int

const (
	extraText extraKind = iota
	extraDecimal
	extraInteger
	extraBool
)

// productExtraKinds are the native product fields (POST/PATCH /products,
// §1.6.6) a products mapping may set through extra.* rules, with their
// JSON type. Fields the connector writes itself (name, prices, VAT, stock,
// active …) and ones that need an id from the shop are not among them.
var productExtraKinds = map[string]extraKind{
	"alias":                    extraText,
	"brand":                    extraText, // by name; the shop also takes brand_id
	"condition":                extraText, // by name; the shop also takes condition_id
	"decimal_amount":           extraInteger,
	"google_shopping_category": extraText,
	"maincategory":             extraText,
	"memo":                     extraText,
	"meta_description":         extraText,
	"meta_keywords":            extraText,
	"minimal_order_amount":     extraDecimal,
	"mpnnumber":                extraText,
	"no_follow":                extraBool,
	"no_index":                 extraBool,
	"ordering_without_stock":   extraText,
	"page_title":               extraText,
	"purchaseprice":            extraDecimal,
	"specs":                    extraText,
	"stock_delivery_number":    extraInteger,
	"stock_delivery_standard":  extraText,
	"stock_delivery_type":      extraText,
	"stocklocation":            extraText,
	"subcategory":              extraText,
	"unit":                     extraText,
	"weight":                   extraDecimal,
}

// ProductExtraFields lists, sorted, the native CCV Shop product fields a
// products mapping may write with extra.<field> rules (Registration.ExtraFields
// of the products flow). Values are text; numbers and booleans are
// converted ("1.25", "true"). For a variant only the delivery fields apply
// (see variantExtraNames): the other fields exist on products only.
var ProductExtraFields = sortedKeys(productExtraKinds)

// variantExtraNames are the product extra fields an attribute combination
// also has, by the combination's name for them (§1.6.7).
var variantExtraNames = map[string]string{
	"stock_delivery_number":   "delivery_time",
	"stock_delivery_type":     "delivery_time_type",
	"stock_delivery_standard": "delivery_default_text",
}

// extraValue converts a custom field's text to the field's JSON type; an
// empty number is left out (nil).
func (c *Client) extraValue(op, field, v string) (any, error) {
	kind, ok := productExtraKinds[field]
	if !ok {
		return nil, &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: op,
			Message: fmt.Sprintf("extra field %q is not a CCV Shop product field this connector writes; use one of %s", field, strings.Join(ProductExtraFields, ", "))}
	}
	t := strings.TrimSpace(v)
	bad := func(want string) error {
		return &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: op,
			Message: fmt.Sprintf("extra field %s: %q is not %s", field, v, want)}
	}
	switch kind {
	case extraDecimal:
		if t == "" {
			return nil, nil
		}
		f, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return nil, bad("a number")
		}
		return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), nil
	case extraInteger:
		if t == "" {
			return nil, nil
		}
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return nil, bad("a whole number")
		}
		return n, nil
	case extraBool:
		if t == "" {
			return nil, nil
		}
		b, err := strconv.ParseBool(t)
		if err != nil {
			return nil, bad("true or false")
		}
		return b, nil
	}
	return v, nil
}

func money2(cents int64) json.Number { return json.Number(model.FormatMinor(cents, 2)) }

// shopPrice states an amount the way the shop keeps prices (incl or excl
// VAT), exactly in cents.
func shopPrice(amount int64, rate model.VATRate, fromIncl, toIncl bool) int64 {
	if fromIncl == toIncl {
		return amount
	}
	return convertVAT(amount, rate, toIncl)
}

// checkWrite finds every problem of a product write before anything is sent.
func (c *Client) checkWrite(op string, w connectors.ProductWrite) error {
	p := w.Product
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(p.SKU) == "" {
		add("the SKU is empty")
	}
	if strings.TrimSpace(p.Name) == "" {
		add("the name is empty")
	}
	if cur := p.Price.Currency; cur != "" && cur != c.cfg.Currency {
		add("the price is in %s, the shop's prices are in %s", cur, c.cfg.Currency)
	}
	problems = append(problems, p.VariantProblems()...)
	var names []string
	for _, v := range p.Variants {
		sku := strings.TrimSpace(v.SKU)
		if len(v.Attributes) == 0 {
			if sku != "" {
				add("variant %s has no attributes; CCV Shop builds variants from attribute values", sku)
			}
			continue
		}
		these := attributeNames(v.Attributes)
		if names == nil {
			names = these
		} else if !slices.Equal(names, these) {
			add("variant %s has the attributes %s, the others %s; CCV Shop makes every variant of a product from the same attributes",
				sku, strings.Join(these, ", "), strings.Join(names, ", "))
		}
	}
	if len(problems) > 0 {
		return &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: op,
			Message: fmt.Sprintf("product %s cannot be written: %s", p.SKU, strings.Join(problems, "; "))}
	}
	return nil
}

// attributeNames lists attribute names normalised (lower case, trimmed), sorted.
func attributeNames(attrs map[string]string) []string {
	out := make([]string, 0, len(attrs))
	for k := range attrs {
		out = append(out, norm(k))
	}
	slices.Sort(out)
	return out
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func wireComboKey(cb wireCombination) string {
	attrs := map[string]string{}
	for _, part := range cb.Combination {
		attrs[part.Attribute.Name] = part.AttributeValue.Name
	}
	return model.AttributeKey(attrs)
}

// productBody is the JSON of a product's own fields. POST and PATCH call
// the active flag `active` (GET calls it is_active). The price is the sell
// price as the shop states prices, with no discount.
func (c *Client) productBody(op string, w connectors.ProductWrite, incl bool) (map[string]any, error) {
	p := w.Product
	body := map[string]any{
		"productnumber":    strings.TrimSpace(p.SKU),
		"name":             p.Name,
		"shortdescription": p.ShortDescription,
		"description":      p.Description,
		"eannumber":        strings.TrimSpace(p.EAN),
		"price":            money2(shopPrice(p.Price.Amount, p.VAT, p.PriceIncludesVAT, incl)),
		"discount":         money2(0),
		"active":           p.Active,
		"stockenabled":     p.ManageStock,
	}
	if tariff, ok := c.tariffFor(p.VAT); ok {
		body["taxtariff"] = tariff
	} else {
		body["vatrate"] = json.Number(model.FormatMinor(int64(p.VAT), 2))
	}
	if len(p.Variants) > 0 {
		body["stocktype"] = c.cfg.CombinationStockType
	}
	for _, k := range sortedKeys(w.Extra) {
		v, err := c.extraValue(op, k, w.Extra[k])
		if err != nil {
			return nil, err
		}
		if v != nil {
			body[k] = v
		}
	}
	return body, nil
}

// CreateProduct creates a product with its categories, photos (when
// WriteImages) and variants and returns its id. Every new product gets
// Config.PackageID. Categories are resolved, and with CreateCategories
// created, before the product is, so a missing one fails the write before
// anything exists. A failure after the product exists leaves it in the
// shop; the next run finds it by SKU and completes it with UpdateProduct.
func (c *Client) CreateProduct(ctx context.Context, w connectors.ProductWrite) (string, error) {
	if c.cfg.PackageID == 0 {
		return "", &connectors.Error{Kind: connectors.KindConfig, System: c.system(), Op: OpCreateProduct,
			Message: "no package id is configured: CCV Shop needs one for every new product; set options.packageId to one of the shop's package ids (GET /packages/)"}
	}
	if err := c.checkWrite(OpCreateProduct, w); err != nil {
		return "", err
	}
	incl, err := c.pricesIncludeVAT(ctx)
	if err != nil {
		return "", err
	}
	catIDs, err := c.resolveCategories(ctx, w.Product.Categories, w.CreateCategories)
	if err != nil {
		return "", err
	}
	body, err := c.productBody(OpCreateProduct, w, incl)
	if err != nil {
		return "", err
	}
	body["package_id"] = c.cfg.PackageID
	var created wireCreated
	if _, err := c.send(ctx, OpCreateProduct, http.MethodPost, APIPath+"/products/", body, &created); err != nil {
		return "", err
	}
	id := created.ID
	if id == 0 {
		// Answered without a body (§1.9): the newest product with the SKU is it.
		if id, err = c.newestByNumber(ctx, strings.TrimSpace(w.Product.SKU)); err != nil {
			return "", err
		}
	}
	if err := c.completeProduct(ctx, id, w, incl, catIDs, nil); err != nil {
		return "", err
	}
	return strconv.FormatInt(id, 10), nil
}

func (c *Client) newestByNumber(ctx context.Context, sku string) (int64, error) {
	v := url.Values{"productnumber": {sku}, "orderby": {"id_desc"}, "start": {"0"}, "size": {strconv.Itoa(c.cfg.MaxPageSize)}}
	products, err := getAll[wireProduct](ctx, c, OpListProducts, APIPath+"/products/?"+v.Encode())
	if err != nil {
		return 0, err
	}
	best := int64(0)
	for _, p := range products {
		if strings.TrimSpace(p.ProductNumber) == sku && p.ID > best {
			best = p.ID
		}
	}
	if best == 0 {
		return 0, &connectors.Error{Kind: connectors.KindUnavailable, System: c.system(), Op: OpCreateProduct,
			Message: fmt.Sprintf("the shop accepted product %s but does not list it", sku)}
	}
	return best, nil
}

// UpdateProduct writes w over product id: its own fields (all of them, as w
// is the complete desired state), the category links it lacks, the photos
// it lacks (when WriteImages) and its variants, matched by SKU; a new
// variant is added. Links, photos and variants the shop has beyond w stay.
func (c *Client) UpdateProduct(ctx context.Context, id string, w connectors.ProductWrite) error {
	pid, err := c.parseID(OpUpdateProduct, "product", id)
	if err != nil {
		return err
	}
	if err := c.checkWrite(OpUpdateProduct, w); err != nil {
		return err
	}
	rec, found, err := c.productByID(ctx, pid)
	if err != nil {
		return err
	}
	if !found {
		return &connectors.Error{Kind: connectors.KindNotFound, System: c.system(), Op: OpUpdateProduct, Status: http.StatusNotFound,
			Message: fmt.Sprintf("product %d does not exist in the shop (deleted?); find it again by SKU", pid)}
	}
	incl, err := c.pricesIncludeVAT(ctx)
	if err != nil {
		return err
	}
	catIDs, err := c.resolveCategories(ctx, w.Product.Categories, w.CreateCategories)
	if err != nil {
		return err
	}
	body, err := c.productBody(OpUpdateProduct, w, incl)
	if err != nil {
		return err
	}
	if _, err := c.send(ctx, OpUpdateProduct, http.MethodPatch, fmt.Sprintf("%s/products/%d/", APIPath, pid), body, nil); err != nil {
		return err
	}
	return c.completeProduct(ctx, pid, w, incl, catIDs, &rec)
}

// completeProduct adds what a product lacks beside its own fields: category
// links, photos and variants. current is the product as read before the
// write, nil for a product just created.
func (c *Client) completeProduct(ctx context.Context, pid int64, w connectors.ProductWrite, incl bool, catIDs []int64, current *productRecord) error {
	var links []wireProductCategory
	var photos []wirePhoto
	var combos []wireCombination
	if current != nil {
		var err error
		if links, err = subItems(ctx, c, OpListProductCategories, current.w.ProductToCategories, fmt.Sprintf("%s/products/%d/producttocategories/", APIPath, pid)); err != nil {
			return err
		}
		if w.WriteImages {
			if photos, err = subItems(ctx, c, OpListPhotos, current.w.ProductPhotos, fmt.Sprintf("%s/products/%d/productphotos/", APIPath, pid)); err != nil {
				return err
			}
		}
		if combos, err = c.combinations(ctx, current.w); err != nil {
			return err
		}
	}
	for _, cat := range catIDs {
		if slices.ContainsFunc(links, func(l wireProductCategory) bool { return l.CategoryID == cat }) {
			continue
		}
		body := map[string]any{"product_id": pid, "category_id": cat}
		if _, err := c.send(ctx, OpLinkCategory, http.MethodPost, APIPath+"/producttocategories/", body, nil); err != nil {
			return err
		}
	}
	if w.WriteImages {
		if err := c.writePhotos(ctx, pid, w.Product.Images, photos); err != nil {
			return err
		}
	}
	return c.writeVariants(ctx, pid, w, incl, combos)
}

// writePhotos uploads each image that has file data and whose name is not
// the alt text or file name of a photo the product has.
func (c *Client) writePhotos(ctx context.Context, pid int64, imgs []model.Image, have []wirePhoto) error {
	var done []string
	for _, img := range imgs {
		name := strings.TrimSpace(img.Name)
		if len(img.Data) == 0 || slices.ContainsFunc(done, func(d string) bool { return sameName(d, name) }) {
			continue
		}
		done = append(done, name)
		if slices.ContainsFunc(have, func(ph wirePhoto) bool {
			return name != "" && (sameName(ph.Alttext, name) || sameName(ph.Filename, name))
		}) {
			continue
		}
		fileType, ok := photoType(name, img.Data)
		if !ok {
			return &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: OpCreatePhoto,
				Message: fmt.Sprintf("image %q is not a JPEG, PNG, GIF or WebP file; CCV Shop takes only those", name)}
		}
		body := map[string]any{"file_type": fileType, "source": base64.StdEncoding.EncodeToString(img.Data), "alttext": name, "is_mainphoto": img.Main}
		if _, err := c.send(ctx, OpCreatePhoto, http.MethodPost, fmt.Sprintf("%s/products/%d/productphotos/", APIPath, pid), body, nil); err != nil {
			return err
		}
	}
	return nil
}

// photoType is the file extension the shop gets: the name's, else the one
// of the file's content.
func photoType(name string, data []byte) (string, bool) {
	switch ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), ".")); ext {
	case "jpg", "jpeg", "png", "gif", "webp":
		return ext, true
	}
	switch http.DetectContentType(data) {
	case "image/jpeg":
		return "jpg", true
	case "image/png":
		return "png", true
	case "image/gif":
		return "gif", true
	case "image/webp":
		return "webp", true
	}
	return "", false
}

// writeVariants makes the shop's attribute combinations match the variants.
// Combinations are not created directly: the shop makes one for every mix
// of the attribute values linked to the product (§1.6.7). So the client
// finds or creates each attribute and value, links the values the product
// lacks, reads the combinations again and gives the new ones their SKU,
// EAN and active flag; a new combination no variant asks for (a mix the
// variants do not have) is switched off. Variants already there are matched
// by sku_number and their EAN and active flag kept in step.
//
// Prices: a combination costs the product's price plus the extra prices of
// its values. With one attribute, each value's extra price is set to its
// variant's price minus the product's; with several, a variant's own price
// cannot be split over its values and the values are linked at no extra
// price.
func (c *Client) writeVariants(ctx context.Context, pid int64, w connectors.ProductWrite, incl bool, combos []wireCombination) error {
	p := w.Product
	if len(p.Variants) == 0 {
		return nil
	}
	bySKU := map[string]wireCombination{}
	for _, cb := range combos {
		if sku := strings.TrimSpace(cb.SKUNumber); sku != "" {
			if _, taken := bySKU[sku]; !taken {
				bySKU[sku] = cb
			}
		}
	}
	var missing []model.Product
	for _, v := range p.Variants {
		cb, ok := bySKU[strings.TrimSpace(v.SKU)]
		if !ok {
			missing = append(missing, v)
			continue
		}
		body, err := c.combinationBody(w, v, cb)
		if err != nil {
			return err
		}
		if len(body) > 0 {
			if _, err := c.send(ctx, OpUpdateCombination, http.MethodPatch, fmt.Sprintf("%s/attributecombinations/%d/", APIPath, cb.ID), body, nil); err != nil {
				return err
			}
		}
	}
	single := len(attributeNames(p.Variants[0].Attributes)) == 1
	if len(missing) == 0 && !single {
		return nil
	}
	// The values to link (or whose extra price to check): every value of a
	// single attribute, else those of the new variants.
	need := missing
	if single {
		need = p.Variants
	}
	values, err := c.attributeValues(ctx, need)
	if err != nil {
		return err
	}
	if err := c.linkValues(ctx, pid, p, need, values, single, incl); err != nil {
		return err
	}
	if len(missing) == 0 {
		return nil
	}
	after, err := getAll[wireCombination](ctx, c, OpListCombinations, fmt.Sprintf("%s/products/%d/attributecombinations/?start=0&size=%d", APIPath, pid, c.cfg.MaxPageSize))
	if err != nil {
		return err
	}
	used := map[int64]bool{}
	for _, cb := range combos {
		used[cb.ID] = true
	}
	for _, v := range missing {
		key := model.AttributeKey(v.Attributes)
		i := slices.IndexFunc(after, func(cb wireCombination) bool {
			return !used[cb.ID] && strings.TrimSpace(cb.SKUNumber) == "" && wireComboKey(cb) == key
		})
		if i < 0 {
			i = slices.IndexFunc(after, func(cb wireCombination) bool {
				return strings.TrimSpace(cb.SKUNumber) == "" && wireComboKey(cb) == key
			})
		}
		if i < 0 {
			return &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: OpListCombinations,
				Message: fmt.Sprintf("the shop made no free combination of %s for variant %s of product %d; check that its attributes make combinations (options.attributeType) and that no other variant took it",
					describe(v.Attributes), v.SKU, pid)}
		}
		cb := after[i]
		used[cb.ID] = true
		body, err := c.combinationBody(w, v, wireCombination{})
		if err != nil {
			return err
		}
		body["sku_number"] = strings.TrimSpace(v.SKU)
		if _, err := c.send(ctx, OpUpdateCombination, http.MethodPatch, fmt.Sprintf("%s/attributecombinations/%d/", APIPath, cb.ID), body, nil); err != nil {
			return err
		}
	}
	for _, cb := range after {
		if !used[cb.ID] && strings.TrimSpace(cb.SKUNumber) == "" && cb.Active {
			// A mix of values no variant has: it must not be sold.
			if _, err := c.send(ctx, OpUpdateCombination, http.MethodPatch, fmt.Sprintf("%s/attributecombinations/%d/", APIPath, cb.ID), map[string]any{"active": false}, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func describe(attrs map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(attrs) {
		parts = append(parts, k+"="+attrs[k])
	}
	return strings.Join(parts, ", ")
}

// combinationBody is what a combination gets from its variant: EAN, active
// flag and the delivery fields of the variant's custom fields; compared with
// have, fields that already hold the value are left out (nothing to send:
// an empty body).
func (c *Client) combinationBody(w connectors.ProductWrite, v model.Product, have wireCombination) (map[string]any, error) {
	body := map[string]any{}
	fresh := have.ID == 0
	if ean := strings.TrimSpace(v.EAN); fresh || ean != strings.TrimSpace(have.EANNumber) {
		body["ean_number"] = ean
	}
	if fresh || v.Active != have.Active {
		body["active"] = v.Active
	}
	extra := w.VariantExtra[v.SKU]
	for _, k := range sortedKeys(extra) {
		val, err := c.extraValue(OpUpdateCombination, k, extra[k])
		if err != nil {
			return nil, err
		}
		if name, ok := variantExtraNames[k]; ok && val != nil {
			body[name] = val
		}
	}
	return body, nil
}

// attributeValues finds or creates every attribute and value the variants
// use and returns the value ids by normalised attribute and value name.
func (c *Client) attributeValues(ctx context.Context, variants []model.Product) (map[string]map[string]int64, error) {
	want := map[string][]string{} // attribute name as given → value names as given
	var order []string
	for _, v := range variants {
		for _, a := range sortedKeys(v.Attributes) {
			if !slices.ContainsFunc(order, func(o string) bool { return sameName(o, a) }) {
				order = append(order, a)
			}
			i := slices.IndexFunc(order, func(o string) bool { return sameName(o, a) })
			if !slices.ContainsFunc(want[order[i]], func(x string) bool { return sameName(x, v.Attributes[a]) }) {
				want[order[i]] = append(want[order[i]], v.Attributes[a])
			}
		}
	}
	attrs, err := getAll[wireAttribute](ctx, c, OpListAttributes, fmt.Sprintf("%s/attributes/?start=0&size=%d", APIPath, c.cfg.MaxPageSize))
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]int64{}
	for _, name := range order {
		i := slices.IndexFunc(attrs, func(a wireAttribute) bool { return sameName(a.Name, name) })
		var aid int64
		if i >= 0 {
			aid = attrs[i].ID
		} else if aid, err = c.createNamed(ctx, OpCreateAttribute, APIPath+"/attributes/", OpListAttributes,
			map[string]any{"name": strings.TrimSpace(name), "type": c.cfg.AttributeType}); err != nil {
			return nil, err
		}
		valuesURI := fmt.Sprintf("%s/attributes/%d/attributevalues/", APIPath, aid)
		have, err := getAll[wireAttributeValue](ctx, c, OpListAttributeValues, withPaging(valuesURI, c.cfg.MaxPageSize))
		if err != nil {
			return nil, err
		}
		ids := map[string]int64{}
		for _, val := range want[name] {
			j := slices.IndexFunc(have, func(h wireAttributeValue) bool { return sameName(h.Name, val) })
			var vid int64
			if j >= 0 {
				vid = have[j].ID
			} else if vid, err = c.createNamed(ctx, OpCreateAttributeValue, valuesURI, OpListAttributeValues,
				map[string]any{"name": strings.TrimSpace(val), "default_price": money2(0)}); err != nil {
				return nil, err
			}
			ids[norm(val)] = vid
		}
		out[norm(name)] = ids
	}
	return out, nil
}

// createNamed POSTs a named record and returns its id; when the shop
// answers without a body, the record is found by name in the listing.
func (c *Client) createNamed(ctx context.Context, op, uri, listOp string, body map[string]any) (int64, error) {
	var created wireCreated
	if _, err := c.send(ctx, op, http.MethodPost, uri, body, &created); err != nil {
		return 0, err
	}
	if created.ID != 0 {
		return created.ID, nil
	}
	all, err := getAll[wireAttribute](ctx, c, listOp, withPaging(uri, c.cfg.MaxPageSize))
	if err != nil {
		return 0, err
	}
	name, _ := body["name"].(string)
	for _, a := range all {
		if sameName(a.Name, name) {
			return a.ID, nil
		}
	}
	return 0, &connectors.Error{Kind: connectors.KindUnavailable, System: c.system(), Op: op,
		Message: fmt.Sprintf("the shop accepted %q but does not list it", name)}
}

// linkValues links the variants' values the product lacks and, with a
// single attribute, keeps each value's extra price at its variant's price
// minus the product's (both as the shop states prices).
func (c *Client) linkValues(ctx context.Context, pid int64, p model.Product, variants []model.Product, values map[string]map[string]int64, single, incl bool) error {
	linked, err := getAll[wireProductAttributeValue](ctx, c, OpListProductAttributeValues,
		fmt.Sprintf("%s/products/%d/productattributevalues/?start=0&size=%d", APIPath, pid, c.cfg.MaxPageSize))
	if err != nil {
		return err
	}
	base := shopPrice(p.Price.Amount, p.VAT, p.PriceIncludesVAT, incl)
	done := map[int64]bool{}
	for _, v := range variants {
		for _, a := range sortedKeys(v.Attributes) {
			vid := values[norm(a)][norm(v.Attributes[a])]
			if done[vid] {
				continue
			}
			done[vid] = true
			extra := int64(0)
			if single && v.Price.Amount != 0 {
				// A variant with no price of its own costs what the product costs.
				extra = shopPrice(v.Price.Amount, p.VAT, p.PriceIncludesVAT, incl) - base
			}
			i := slices.IndexFunc(linked, func(l wireProductAttributeValue) bool { return l.OptionValueID == vid })
			if i < 0 {
				body := map[string]any{"optionvalue": vid, "price": money2(extra)}
				if _, err := c.send(ctx, OpLinkAttributeValue, http.MethodPost, fmt.Sprintf("%s/products/%d/productattributevalues/", APIPath, pid), body, nil); err != nil {
					return err
				}
				continue
			}
			have, err := number(linked[i].Price, 2, "productattributevalues.price")
			if err != nil {
				return c.invalidProduct(OpListProductAttributeValues, pid, err)
			}
			if single && have != extra {
				if _, err := c.send(ctx, OpUpdateProductAttributeValue, http.MethodPatch, fmt.Sprintf("%s/productattributevalues/%d/", APIPath, linked[i].ID),
					map[string]any{"price": money2(extra)}, nil); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
