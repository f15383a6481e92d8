package shopware6

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
	"github.com/koppel/koppel/model"
)

// The product target (research §1.6, §1.7, §1.9; docs/catalog-flows.md):
//
//   - A product is matched by its product number (the SKU); a variant's
//     number finds its parent. Reads ask for sw-inheritance: 1, so a
//     variant shows the name, price and tax it takes from its parent.
//   - Every id is derived from a natural key with DeterministicID: the
//     product and each variant from their numbers, a property group from its
//     name, an option from group and value, a category from its path, a
//     photo's media from its file name, each link from the two ids it joins.
//     A write is one Sync API upsert (catalog.go), so a create retried
//     after a lost answer writes the same product again, never a second.
//   - Variants are a parent (the container, with the product's name, price
//     and tax, and a configurator setting per option) with a child per
//     variant: its own number, options, EAN and, when it differs from the
//     parent's, price; everything else is inherited.
//   - Attributes are property groups (by name) with options (by value),
//     found case-insensitively or created.
//   - Categories are paths ("Coffee > Beans") below the category root,
//     found by name level by level or, with CreateCategories, created.
//   - Prices are written in Config.Currency with gross and net both exact
//     in cents: the given one as is, the other computed at the VAT rate and
//     rounded half away from zero, linked as the Administration links them.
//   - The tax is the shop's tax with the product's rate (or options.taxIds).
//   - A new product is visible (everywhere: 30) in the product sales
//     channels; a product that lacks one of them gets it added.
//   - Photos are uploaded once: a media whose file name is the photo's is
//     linked again, not uploaded; a new one is created and uploaded with
//     POST /_action/media/{id}/upload after the product is written, so a
//     failed upload is retried by the next write. The main photo is the
//     cover.
//   - Nothing is deleted: links, photos and variants the shop has beyond
//     the write stay (a sync upsert only adds to to-many associations).
//     A variant's own name is not written: Shopware shows the parent's
//     name with the variant's options.

// productAssociations are what a product read asks for.
func productAssociations() map[string]*criteria {
	return association("tax", "categories", "options.group", "media.media", "visibilities", "configuratorSettings",
		"children.options.group", "children.media.media")
}

// FindProduct returns the product whose number, or one of whose variants'
// numbers, is sku; nil when there is none.
func (c *Client) FindProduct(ctx context.Context, sku string) (*connectors.TargetProduct, error) {
	sku = strings.TrimSpace(sku)
	if sku == "" {
		return nil, nil
	}
	hit, err := c.productBy(ctx, filter{Type: "equals", Field: "productNumber", Value: sku})
	if err != nil || hit == nil {
		return nil, err
	}
	if hit.ParentID != nil && *hit.ParentID != "" {
		if hit, err = c.productBy(ctx, filter{Type: "equals", Field: "id", Value: *hit.ParentID}); err != nil || hit == nil {
			return nil, err
		}
	}
	set, err := c.settings(ctx)
	if err != nil {
		return nil, err
	}
	names, err := c.ancestorNames(ctx, hit.Categories)
	if err != nil {
		return nil, err
	}
	p, err := c.productModel(*hit, set, names)
	if err != nil {
		return nil, err
	}
	return &connectors.TargetProduct{ID: hit.ID, Product: p}, nil
}

// ancestorNames reads the names of the categories' ancestors.
func (c *Client) ancestorNames(ctx context.Context, cats []wireCategory) (map[string]string, error) {
	var ids []string
	for _, cat := range cats {
		for _, id := range cat.ancestors() {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	names := map[string]string{}
	if len(ids) == 0 {
		return names, nil
	}
	res, err := c.search(ctx, "POST /search/category", "category", criteria{IDs: ids, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	var found []wireCategory
	if err := decodeAll(res, &found); err != nil {
		return nil, c.unreadable("POST /search/category", err)
	}
	for _, f := range found {
		if f.Name != nil {
			names[f.ID] = *f.Name
		}
	}
	return names, nil
}

// productBy reads the first product matching f, with its associations.
func (c *Client) productBy(ctx context.Context, f filter) (*wireProduct, error) {
	res, err := c.searchWith(ctx, OpSearchProducts, "product",
		criteria{Filter: []filter{f}, Limit: 1, Associations: productAssociations()}, inheritance())
	if err != nil {
		return nil, err
	}
	var ps []wireProduct
	if err := decodeAll(res, &ps); err != nil {
		return nil, c.unreadable(OpSearchProducts, err)
	}
	if len(ps) == 0 {
		return nil, nil
	}
	return &ps[0], nil
}

func inheritance() http.Header { return http.Header{"Sw-Inheritance": {"1"}} }

// productModel reads a product (a parent with its children) as the canonical product.
func (c *Client) productModel(w wireProduct, set *shopSettings, names map[string]string) (model.Product, error) {
	p, err := c.variantModel(w, set, nil)
	if err != nil {
		return model.Product{}, err
	}
	if w.Description != nil {
		p.Description = *w.Description
	}
	for _, cat := range w.Categories {
		// the path below the root: the ancestors after it, then the category
		var crumb []string
		for _, id := range cat.ancestors() {
			if id == set.root {
				crumb = nil
				continue
			}
			crumb = append(crumb, names[id])
		}
		if cat.Name != nil {
			crumb = append(crumb, *cat.Name)
		}
		p.Categories = append(p.Categories, strings.Join(crumb, " > "))
	}
	for _, pm := range sortedMedia(w.Media) {
		if pm.Media == nil || pm.Media.FileName == nil {
			continue
		}
		name := *pm.Media.FileName
		if pm.Media.FileExtension != nil && *pm.Media.FileExtension != "" {
			name += "." + *pm.Media.FileExtension
		}
		p.Images = append(p.Images, model.Image{Name: name, Main: w.CoverID != nil && *w.CoverID == pm.ID})
	}
	for _, ch := range w.Children {
		v, err := c.variantModel(ch, set, &p)
		if err != nil {
			return model.Product{}, err
		}
		p.Variants = append(p.Variants, v)
	}
	return p, nil
}

func sortedMedia(ms []wireProductMedia) []wireProductMedia {
	out := slices.Clone(ms)
	slices.SortStableFunc(out, func(a, b wireProductMedia) int {
		pa, pb := 0, 0
		if a.Position != nil {
			pa = *a.Position
		}
		if b.Position != nil {
			pb = *b.Position
		}
		return pa - pb
	})
	return out
}

// variantModel reads a product's own fields; parent is set for a variant.
func (c *Client) variantModel(w wireProduct, set *shopSettings, parent *model.Product) (model.Product, error) {
	field := func(name string, err error) error {
		return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: OpSearchProducts,
			Message: fmt.Sprintf("product %s cannot be read: %s: %v", w.ProductNumber, name, err)}
	}
	p := model.Product{SKU: w.ProductNumber, PriceIncludesVAT: true}
	if w.Name != nil {
		p.Name = *w.Name
	}
	if w.EAN != nil {
		p.EAN = *w.EAN
	}
	p.Active = w.Active == nil || *w.Active
	p.ManageStock = w.IsCloseout != nil && *w.IsCloseout
	if w.Tax != nil {
		r, err := model.ParseVATRate(w.Tax.TaxRate.String())
		if err != nil {
			return p, field("tax.taxRate", err)
		}
		p.VAT = r
	} else if parent != nil {
		p.VAT = parent.VAT
	}
	for _, pr := range w.Price {
		if pr.CurrencyID != set.currency {
			continue
		}
		gross, err := model.ParseMinor(pr.Gross.String(), 2)
		if err != nil {
			return p, field("price.gross", err)
		}
		p.Price = model.NewMoney(gross, c.cfg.Currency)
	}
	if p.Price.Currency == "" && parent != nil {
		p.Price = parent.Price
	}
	if parent != nil {
		for _, o := range w.Options {
			if o.Group == nil || o.Group.Name == nil || o.Name == nil {
				continue
			}
			if p.Attributes == nil {
				p.Attributes = map[string]string{}
			}
			p.Attributes[*o.Group.Name] = *o.Name
		}
	}
	return p, nil
}

// CreateProduct writes a new product with its variants, categories and
// photos and returns its id (derived from the SKU).
func (c *Client) CreateProduct(ctx context.Context, w connectors.ProductWrite) (string, error) {
	if err := c.checkWrite("create product", w); err != nil {
		return "", err
	}
	id := DeterministicID("product", strings.TrimSpace(w.Product.SKU))
	// A create retried after a lost answer finds what it wrote and goes on
	// as an update: the upsert would make no second product anyway, but a
	// new product's stock of 0 must not overwrite a stock set since.
	cur, err := c.productBy(ctx, filter{Type: "equals", Field: "id", Value: id})
	if err != nil {
		return "", err
	}
	return id, c.writeProduct(ctx, id, w, cur)
}

// UpdateProduct writes w over product id: its own fields, the variants by
// SKU (a new one is added), the categories, visibilities and photos it
// lacks. Stock is not touched (the stock flow's).
func (c *Client) UpdateProduct(ctx context.Context, id string, w connectors.ProductWrite) error {
	if !IsID(id) {
		return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: "update product",
			Message: fmt.Sprintf("%q is not a Shopware product id", id)}
	}
	if err := c.checkWrite("update product", w); err != nil {
		return err
	}
	cur, err := c.productBy(ctx, filter{Type: "equals", Field: "id", Value: id})
	if err != nil {
		return err
	}
	if cur == nil {
		return &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: "update product",
			Message: fmt.Sprintf("product %s (%s) is not in the shop (deleted?); find it again by SKU", w.Product.SKU, id)}
	}
	return c.writeProduct(ctx, id, w, cur)
}

// checkWrite finds every problem of a write before anything is sent.
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
	if cur := p.Price.Currency; cur != "" && !strings.EqualFold(cur, c.cfg.Currency) {
		add("the price is in %s, the connector writes %s (options.currency)", cur, c.cfg.Currency)
	}
	problems = append(problems, p.VariantProblems()...)
	for _, v := range p.Variants {
		if len(v.Attributes) == 0 && strings.TrimSpace(v.SKU) != "" {
			add("variant %s has no attributes; Shopware tells variants apart by their property options", strings.TrimSpace(v.SKU))
		}
	}
	if len(problems) > 0 {
		return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: op,
			Message: fmt.Sprintf("product %s cannot be written: %s", p.SKU, strings.Join(problems, "; "))}
	}
	return nil
}

// price is a product's price entry in the shop's currency: gross and net
// exact in cents, the one not given computed at the rate and rounded half
// away from zero.
func price(currencyID string, amount int64, rate model.VATRate, incl bool) map[string]any {
	gross, net := amount, amount
	if incl {
		net = divRound(amount*10000, 10000+int64(rate))
	} else {
		gross = divRound(amount*(10000+int64(rate)), 10000)
	}
	return map[string]any{"currencyId": currencyID, "gross": money2(gross), "net": money2(net), "linked": true}
}

func divRound(a, b int64) int64 {
	if (a < 0) != (b < 0) {
		return (a - b/2) / b
	}
	return (a + b/2) / b
}

// upload is a photo to send after the product is written.
type upload struct {
	mediaID, base, ext string
	data               []byte
}

// writeProduct builds the sync request of a product and sends it, then
// uploads the new photos. cur is the product as the shop has it, nil for a
// new one.
func (c *Client) writeProduct(ctx context.Context, id string, w connectors.ProductWrite, cur *wireProduct) error {
	set, err := c.settings(ctx)
	if err != nil {
		return err
	}
	p := w.Product
	sku := strings.TrimSpace(p.SKU)
	taxID, ok := set.taxes[p.VAT]
	if !ok {
		return &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: "write product",
			Message: fmt.Sprintf("product %s: the shop has no tax with the rate %s (Settings → Tax); add one or name it in options.taxIds", sku, p.VAT)}
	}
	var ops []syncOperation
	var names [][]string // per operation, per payload entry: what it writes

	// categories, parents before children
	catIDs, catOp, catNames, err := c.resolveCategories(ctx, set, p.Categories, w.CreateCategories)
	if err != nil {
		return err
	}
	ops, names = append(ops, catOp), append(names, catNames)

	// property groups and options of the variants
	optionIDs, groupOp, groupNames, err := c.resolveOptions(ctx, p.Variants)
	if err != nil {
		return err
	}
	ops, names = append(ops, groupOp), append(names, groupNames)

	// photos
	var media []map[string]any
	var uploads []upload
	coverID := ""
	if w.WriteImages {
		mediaOp := syncOperation{Action: "upsert", Entity: "media"}
		var mediaNames []string
		if media, uploads, coverID, err = c.resolveMedia(ctx, id, p.Images, cur, &mediaOp, &mediaNames); err != nil {
			return err
		}
		ops, names = append(ops, mediaOp), append(names, mediaNames)
	}

	body := map[string]any{"id": id, "productNumber": sku, "name": p.Name, "description": p.Description, "active": p.Active,
		"taxId": taxID, "isCloseout": p.ManageStock, "price": []any{price(set.currency, p.Price.Amount, p.VAT, p.PriceIncludesVAT)}}
	if ean := strings.TrimSpace(p.EAN); ean != "" {
		body["ean"] = ean
	}
	if len(w.Extra) > 0 {
		custom := map[string]any{}
		for k, v := range w.Extra {
			custom[k] = v
		}
		body["customFields"] = custom
	}
	if cur == nil {
		body["stock"] = 0 // required on create; the stock flow sets it
	}
	var refs []map[string]any
	for _, cid := range catIDs {
		refs = append(refs, map[string]any{"id": cid})
	}
	if len(refs) > 0 {
		body["categories"] = refs
	}
	var vis []map[string]any
	for _, ch := range set.channels {
		if cur != nil && slices.ContainsFunc(cur.Visibilities, func(v wireVisibility) bool { return v.SalesChannelID == ch.ID }) {
			continue
		}
		vis = append(vis, map[string]any{"id": DeterministicID("product_visibility", id+"/"+ch.ID), "salesChannelId": ch.ID, "visibility": visibilityAll})
	}
	if len(vis) > 0 {
		body["visibilities"] = vis
	}
	if len(media) > 0 {
		body["media"] = media
	}
	if coverID != "" {
		body["coverId"] = coverID
	}

	// variants and the parent's configurator settings
	var children, settings []map[string]any
	childNames := []string{}
	for _, v := range p.Variants {
		vsku := strings.TrimSpace(v.SKU)
		vid := DeterministicID("product", vsku)
		isNew := true
		if cur != nil {
			for _, ch := range cur.Children {
				if ch.ProductNumber == vsku {
					vid, isNew = ch.ID, false
				}
			}
		}
		child := map[string]any{"id": vid, "productNumber": vsku, "active": v.Active}
		if isNew {
			child["stock"] = 0
		}
		if ean := strings.TrimSpace(v.EAN); ean != "" {
			child["ean"] = ean
		}
		if v.Price.Amount != 0 && v.Price.Amount != p.Price.Amount {
			child["price"] = []any{price(set.currency, v.Price.Amount, p.VAT, p.PriceIncludesVAT)}
		} else if !isNew {
			child["price"] = nil // inherit the parent's again
		}
		var opts []map[string]any
		for _, g := range sortedKeys(v.Attributes) {
			oid := optionIDs[norm(g)][norm(v.Attributes[g])]
			opts = append(opts, map[string]any{"id": oid})
			sid := DeterministicID("product_configurator_setting", id+"/"+oid)
			if !slices.ContainsFunc(settings, func(s map[string]any) bool { return s["id"] == sid }) &&
				(cur == nil || !slices.ContainsFunc(cur.Configurator, func(s wireConfiguratorSt) bool { return s.OptionID == oid })) {
				settings = append(settings, map[string]any{"id": sid, "optionId": oid})
			}
		}
		child["options"] = opts
		children = append(children, child)
		childNames = append(childNames, "variant "+vsku)
	}
	if len(children) > 0 {
		body["children"] = children
	}
	if len(settings) > 0 {
		body["configuratorSettings"] = settings
	}
	ops, names = append(ops, syncOperation{Action: "upsert", Entity: "product", Payload: []map[string]any{body}}), append(names, []string{"product " + sku})

	// the label of an error pointer: the operation's record, and inside a
	// product the variant a children/<i> pointer names
	var sent [][]string
	for i, op := range ops {
		if len(op.Payload) > 0 {
			sent = append(sent, names[i])
		}
	}
	name := func(op, i int, rest string) string {
		what := fmt.Sprintf("operation %d record %d", op, i)
		if op < len(sent) && i < len(sent[op]) {
			what = sent[op][i]
		}
		if after, ok := strings.CutPrefix(rest, "children/"); ok {
			idx, field, _ := strings.Cut(after, "/")
			var n int
			if _, err := fmt.Sscan(idx, &n); err == nil && n < len(childNames) {
				what, rest = childNames[n], field
			}
		}
		if rest == "" {
			return what
		}
		return what + ": " + strings.ReplaceAll(rest, "/", ".")
	}
	if err := c.sync(ctx, ops, name); err != nil {
		return duplicateAsConflict(err)
	}
	for _, u := range uploads {
		if err := c.upload(ctx, u); err != nil {
			return err
		}
	}
	return nil
}

// duplicateAsConflict reports a product number another product has as a
// conflict: the shop holds the SKU under an id Koppel did not derive (made
// by hand), which a retry cannot change.
func duplicateAsConflict(err error) error {
	ce, ok := err.(*connectors.Error)
	if ok && ce.Code == "CONTENT__DUPLICATE_PRODUCT_NUMBER" {
		e := *ce
		e.Kind = connectors.KindConflict
		return &e
	}
	return err
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// resolveCategories finds each path's category below the root level by
// level, and returns their ids with an upsert of those to create.
func (c *Client) resolveCategories(ctx context.Context, set *shopSettings, paths []string, create bool) ([]string, syncOperation, []string, error) {
	op := syncOperation{Action: "upsert", Entity: "category"}
	var names []string
	if len(paths) == 0 {
		return nil, op, nil, nil
	}
	var all []string
	for _, p := range paths {
		all = append(all, splitCategory(p)...)
	}
	res, err := c.search(ctx, "POST /search/category", "category", criteria{Filter: []filter{equalsAny("name", all)}, Limit: 500})
	if err != nil {
		return nil, op, nil, err
	}
	var cats []wireCategory
	if err := decodeAll(res, &cats); err != nil {
		return nil, op, nil, c.unreadable("POST /search/category", err)
	}
	// walk follows a path's names down from start; it returns the ids found
	// and how many segments it found.
	walk := func(start string, segs []string) ([]string, int) {
		var found []string
		parent := start
		for _, seg := range segs {
			id := ""
			for _, cat := range cats {
				cp := ""
				if cat.ParentID != nil {
					cp = *cat.ParentID
				}
				if cp == parent && cat.Name != nil && norm(*cat.Name) == norm(seg) {
					id = cat.ID
					break
				}
			}
			if id == "" {
				break
			}
			found = append(found, id)
			parent = id
		}
		return found, len(found)
	}
	planned := map[string]bool{}
	var ids []string
	for _, p := range paths {
		segs := splitCategory(p)
		if len(segs) == 0 {
			continue
		}
		found, n := walk(set.root, segs)
		if n < len(segs) && set.root != "" {
			// a path FindProduct read from outside the root starts at the top
			if top, m := walk("", segs); m == len(segs) {
				found, n = top, m
			}
		}
		parent, key := set.root, set.root
		if n > 0 {
			parent = found[n-1]
		}
		for i, seg := range segs {
			key += "/" + norm(seg)
			if i < n {
				continue
			}
			if !create {
				return nil, op, nil, &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: "write product",
					Message: fmt.Sprintf("category %q (of %q) is not in the shop, and creating categories is off", seg, p)}
			}
			id := DeterministicID("category", key)
			if !planned[id] {
				planned[id] = true
				rec := map[string]any{"id": id, "name": seg, "active": true}
				if parent != "" {
					rec["parentId"] = parent
				}
				op.Payload = append(op.Payload, rec)
				names = append(names, "category "+seg)
			}
			parent = id
		}
		if !slices.Contains(ids, parent) {
			ids = append(ids, parent)
		}
	}
	return ids, op, names, nil
}

func splitCategory(p string) []string {
	var out []string
	for _, s := range strings.Split(p, ">") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// resolveOptions finds the property groups and options of the variants'
// attributes by name, and returns their ids (by normalised group and value)
// with an upsert of the groups and options to create.
func (c *Client) resolveOptions(ctx context.Context, variants []model.Product) (map[string]map[string]string, syncOperation, []string, error) {
	op := syncOperation{Action: "upsert", Entity: "property_group"}
	var names []string
	out := map[string]map[string]string{}
	want := map[string][]string{}
	var groupNames []string
	for _, v := range variants {
		for _, g := range sortedKeys(v.Attributes) {
			if _, ok := want[norm(g)]; !ok {
				groupNames = append(groupNames, strings.TrimSpace(g))
			}
			if !slices.Contains(want[norm(g)], strings.TrimSpace(v.Attributes[g])) {
				want[norm(g)] = append(want[norm(g)], strings.TrimSpace(v.Attributes[g]))
			}
		}
	}
	if len(groupNames) == 0 {
		return out, op, nil, nil
	}
	res, err := c.search(ctx, "POST /search/property-group", "property_group",
		criteria{Filter: []filter{equalsAny("name", groupNames)}, Limit: 100, Associations: association("options")})
	if err != nil {
		return nil, op, nil, err
	}
	var groups []wireGroup
	if err := decodeAll(res, &groups); err != nil {
		return nil, op, nil, c.unreadable("POST /search/property-group", err)
	}
	for _, g := range groupNames {
		var have *wireGroup
		for i := range groups {
			if groups[i].Name != nil && norm(*groups[i].Name) == norm(g) {
				have = &groups[i]
				break
			}
		}
		gid := DeterministicID("property_group", norm(g))
		rec := map[string]any{"id": gid, "name": g, "displayType": "text", "sortingType": "alphanumeric"}
		if have != nil {
			gid = have.ID
			rec = map[string]any{"id": gid}
		}
		out[norm(g)] = map[string]string{}
		var newOpts []map[string]any
		for _, val := range want[norm(g)] {
			oid := ""
			if have != nil {
				for _, o := range have.Options {
					if o.Name != nil && norm(*o.Name) == norm(val) {
						oid = o.ID
					}
				}
			}
			if oid == "" {
				oid = DeterministicID("property_group_option", norm(g)+"/"+norm(val))
				newOpts = append(newOpts, map[string]any{"id": oid, "name": val})
			}
			out[norm(g)][norm(val)] = oid
		}
		if have == nil || len(newOpts) > 0 {
			if len(newOpts) > 0 {
				rec["options"] = newOpts
			}
			op.Payload = append(op.Payload, rec)
			names = append(names, "property group "+g)
		}
	}
	return out, op, names, nil
}

// resolveMedia plans the product's photos: a photo the product shows
// already is left alone; a media with the photo's file name is linked; else
// a media is created (in op) and its file uploaded after the write. It
// returns the product_media links to add, the uploads and the cover's
// product_media id ("" to leave the cover as it is).
func (c *Client) resolveMedia(ctx context.Context, pid string, imgs []model.Image, cur *wireProduct, op *syncOperation, names *[]string) ([]map[string]any, []upload, string, error) {
	var links []map[string]any
	var uploads []upload
	cover := ""
	hasCover := cur != nil && cur.CoverID != nil && *cur.CoverID != ""
	for i, img := range imgs {
		file := path.Base(strings.TrimSpace(img.Name))
		ext := strings.ToLower(strings.TrimPrefix(path.Ext(file), "."))
		base := strings.TrimSuffix(file, path.Ext(file))
		if ext == "" {
			ext = extensionOf(img.Data)
		}
		if base == "" || ext == "" || len(img.Data) == 0 {
			continue // nothing to upload or no way to name it
		}
		pmID := ""
		if cur != nil {
			for _, pm := range cur.Media {
				if pm.Media != nil && pm.Media.FileName != nil && strings.EqualFold(*pm.Media.FileName, base) &&
					pm.Media.FileExtension != nil && strings.EqualFold(*pm.Media.FileExtension, ext) &&
					(pm.Media.HasFile == nil || *pm.Media.HasFile) {
					pmID = pm.ID
				}
			}
		}
		if pmID == "" {
			res, err := c.search(ctx, "POST /search/media", "media", criteria{Limit: 1, Filter: []filter{
				{Type: "equals", Field: "fileName", Value: base}, {Type: "equals", Field: "fileExtension", Value: ext}}})
			if err != nil {
				return nil, nil, "", err
			}
			var found []wireMedia
			if err := decodeAll(res, &found); err != nil {
				return nil, nil, "", c.unreadable("POST /search/media", err)
			}
			mediaID := DeterministicID("media", strings.ToLower(base+"."+ext))
			hasFile := false
			if len(found) > 0 {
				mediaID, hasFile = found[0].ID, found[0].HasFile == nil || *found[0].HasFile
			} else {
				rec := map[string]any{"id": mediaID, "alt": base}
				if c.cfg.MediaFolderID != "" {
					rec["mediaFolderId"] = c.cfg.MediaFolderID
				}
				op.Payload = append(op.Payload, rec)
				*names = append(*names, "photo "+file)
			}
			if !hasFile {
				uploads = append(uploads, upload{mediaID: mediaID, base: base, ext: ext, data: img.Data})
			}
			pmID = DeterministicID("product_media", pid+"/"+mediaID)
			links = append(links, map[string]any{"id": pmID, "mediaId": mediaID, "position": i})
		}
		if img.Main || (!hasCover && cover == "" && i == 0) {
			cover = pmID
		}
	}
	return links, uploads, cover, nil
}

// extensionOf names a file's type from its content.
func extensionOf(data []byte) string {
	switch http.DetectContentType(data) {
	case "image/jpeg":
		return "jpg"
	case "image/png":
		return "png"
	case "image/gif":
		return "gif"
	case "image/webp":
		return "webp"
	}
	return ""
}

// upload sends a photo's file to its media entity (research §1.4). The body
// is application/octet-stream, as the contract declares; Shopware reads the
// type from the extension.
func (c *Client) upload(ctx context.Context, u upload) error {
	q := url.Values{"extension": {u.ext}, "fileName": {u.base}}
	_, err := c.http.Do(ctx, httpkit.Request{Op: OpUploadMedia, ErrOp: "upload photo " + u.base + "." + u.ext, Method: http.MethodPost,
		URL: "/_action/media/" + u.mediaID + "/upload?" + q.Encode(), Body: u.data, Class: classWrite,
		Header: http.Header{"Content-Type": {"application/octet-stream"}}})
	return c.callError(err)
}
