package vismanet

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The product source: Visma.net items (GET /v1/inventory) as products.
//
//	model.Product     item (InventoryDto)
//	SKU               inventoryNumber
//	Name              description
//	Description       body
//	EAN               the cross-reference of type Barcode (one that looks
//	                  like a GTIN first), else a Global one that does
//	Price             defaultPrice in options.currency (else the company's
//	                  base currency), incl. VAT when options.pricesIncludeVat
//	VAT               the rate of the item's vatCode (a VAT category, refs)
//	Active            status Active, NoPurchases or NoRequest (NoSales,
//	                  Inactive and MarkedForDeletion: false, so the shop
//	                  hides the product)
//	ManageStock       stockItem
//	Categories        itemClass description, or each salesCategories
//	                  description (options.categoryFrom)
//	Attributes        attributes[]: by the attribute's description (its id
//	                  when it has none), the value's description when the
//	                  item class lists the value (a combo), else the value
//	Images            the first attachment that is a JPEG, PNG, GIF or
//	                  WebP file, downloaded (GET /v1/attachment/{id})
//
// The listing asks for items of options.itemTypes of every status, so a
// deactivated item reaches the shop as inactive.
//
// Variants: Visma.net has none. With options.variantGroupAttribute, items
// with the same value of that attribute (matched by id or description) are
// one product: its SKU the value, its name, description, price, VAT and
// categories the first item's (by inventory number), active and managing
// stock when any item is, its image the first one an item has; every item
// is a variant whose options are the other attributes whose values differ
// between the items (all of them when the group has one item). Items
// without a value are simple products. A changed item brings its whole
// group, listed by the attributes filter, once a pass.
//
// The change feed: lastModifiedDateTime >= the cursor's time, paged with
// pageNumber/pageSize to the end. A pass reads its pages under the same
// filter, so a record changed after its page was read is not listed again
// by the pass: the next cursor therefore starts the pass's duration plus
// changeOverlap before the newest change listed, and remembers each record
// listed since then with its exact modification time, so the next pass
// skips those (no repeat) and lists anything changed again (no gap). An
// item's attachments have their own modification time
// (attachmentLastModifiedDateTime): a new image alone does not list the
// item again.

// OpGetAttachment reads an attachment's file, its latest revision.
const OpGetAttachment = "GET /v1/attachment/{attachmentId}"

const (
	// maxInventoryPageSize is GET /v1/inventory's largest page (§3.4).
	maxInventoryPageSize = 5000
	// changeOverlap is how far before a pass's changes the next pass
	// starts, for records committed after a page was read with an earlier
	// modification time (as indexOverlap for documents).
	changeOverlap = 5 * time.Minute
	// maxCursorKeys bounds the records a cursor remembers; forgetting one
	// lists it again, never loses it.
	maxCursorKeys = 1000
	// maxImageTries bounds the attachments of an item downloaded to find
	// its image.
	maxImageTries = 3
)

var _ connectors.ProductSource = (*Client)(nil)

// ListChangedProducts lists one page of the items changed since q.Cursor;
// the last page holds the cursor of the next pass.
func (c *Client) ListChangedProducts(ctx context.Context, q connectors.ChangeQuery) (connectors.ProductPage, error) {
	pass, err := c.productPass(q)
	if err != nil {
		return connectors.ProductPage{}, err
	}
	page, err := c.itemPage(ctx, pass)
	if err != nil {
		return connectors.ProductPage{}, err
	}
	if back := pass.stepBack(page); back < pass.Page {
		// Records left the listing since the last page (deleted, or of
		// another type now): the rest moved forward, read them again.
		pass.Page = back
		if page, err = c.itemPage(ctx, pass); err != nil {
			return connectors.ProductPage{}, err
		}
	}
	now := c.now()
	var changed []listedItem
	for _, raw := range page.Records {
		li, err := decodeItem(raw)
		if err != nil {
			return connectors.ProductPage{}, unavailable(OpListInventory, 200, "an item is not the JSON the API documents: %s", jsonProblem(err))
		}
		number := li.item.InventoryNumber
		modified, _ := ParseTime(li.item.LastModified)
		listed := pass.From.listed(number, modified)
		pass.advance(number, modified, now)
		if !listed && strings.TrimSpace(number) != "" {
			changed = append(changed, li)
		}
	}
	var out connectors.ProductPage
	if len(changed) > 0 {
		r, err := c.newProductReader(ctx)
		if err != nil {
			return connectors.ProductPage{}, err
		}
		if out.Products, err = r.sourceProducts(ctx, changed, &pass); err != nil {
			return connectors.ProductPage{}, err
		}
	}
	if page.Last {
		out.Cursor = pass.finish(c.now())
		return out, nil
	}
	pass.Page, pass.Size, pass.Total = page.Number+1, page.Size, page.TotalCount
	out.NextPageToken = pass.token()
	return out, nil
}

// itemPage reads the pass's page of changed items.
func (c *Client) itemPage(ctx context.Context, pass changePass) (Page[json.RawMessage], error) {
	q := c.itemQuery()
	pass.From.filter(q)
	return listPage[json.RawMessage](ctx, c, OpListInventory, opPath(OpListInventory), ListOptions{Page: pass.Page, PageSize: pass.Size, Query: q})
}

// itemQuery selects the item types the flow reads, with what the mapping
// needs expanded and the heavy parts it does not need left out.
func (c *Client) itemQuery() url.Values {
	q := url.Values{}
	for _, t := range c.opt.ItemTypes {
		q.Add("inventoryTypes", t)
	}
	for _, f := range []string{"expandAttribute", "expandAttachment", "expandCrossReference", "expandSalesCategories"} {
		q.Set(f, "true")
	}
	for _, f := range []string{"expandAccountInformation", "expandSupplierDetails", "expandInventoryUnits", "expandWarehouseDetail"} {
		q.Set(f, "false")
	}
	return q
}

// listedItem is an item as listed: typed, and as the map mapping rules
// read (raw.*), its numbers kept exact.
type listedItem struct {
	item InventoryItem
	raw  map[string]any
}

func decodeItem(raw json.RawMessage) (listedItem, error) {
	var li listedItem
	if err := json.Unmarshal(raw, &li.item); err != nil {
		return li, err
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&li.raw); err != nil {
		return li, err
	}
	delete(li.raw, "metadata") // the listing's, not the item's
	return li, nil
}

// The cursor and the pass.

// itemCursor is where the next pass starts: items modified at or after
// Since (the filter's resolution is a second), except those in Seen with
// the same modification time, which a pass listed already.
type itemCursor struct {
	Since time.Time            `json:"since"`
	Seen  map[string]time.Time `json:"seen,omitempty"`
}

func parseItemCursor(s string) (itemCursor, error) {
	var c itemCursor
	if strings.TrimSpace(s) == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return itemCursor{}, invalid("read cursor", "the cursor %q is not one this connector wrote; start a full run", s)
	}
	return c, nil
}

// String is the cursor as the flows store it; "" is the start.
func (c itemCursor) String() string {
	if c.Since.IsZero() && len(c.Seen) == 0 {
		return ""
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func (c itemCursor) filter(q url.Values) {
	if !c.Since.IsZero() {
		ModifiedSince(q, c.Since)
	}
}

// listed reports whether the pass that made the cursor listed this change.
func (c itemCursor) listed(key string, modified time.Time) bool {
	t, ok := c.Seen[key]
	return ok && !modified.IsZero() && t.Equal(modified)
}

// changePass is one pass through the changed items, carried from page to
// page in the page token (so a page needs no cursor beside it).
type changePass struct {
	// From is the cursor the pass started at; its filter is the pass's.
	From itemCursor `json:"from"`
	// Seen are the records listed so far with their modification times
	// (the recent ones, see prune); Max the newest modification.
	Seen map[string]time.Time `json:"seen,omitempty"`
	Max  time.Time            `json:"max,omitzero"`
	// Start is when the pass began, by the client's clock: only its
	// duration is used, so the clocks need not agree.
	Start time.Time `json:"start"`
	// Groups are the variant groups listed so far (lower case), at most
	// maxCursorKeys: a group is listed once a pass.
	Groups []string `json:"groups,omitempty"`
	// Page is the page to read, Size the page size in force, Total the
	// listing's size when the last page was read (-1: unknown).
	Page  int   `json:"page"`
	Size  int   `json:"size"`
	Total int64 `json:"total"`
}

// productPass continues the pass of q.PageToken or starts one at q.Cursor.
func (c *Client) productPass(q connectors.ChangeQuery) (changePass, error) {
	if strings.TrimSpace(q.PageToken) != "" {
		var p changePass
		if err := json.Unmarshal([]byte(q.PageToken), &p); err != nil || p.Page < 1 || p.Size < 1 {
			return changePass{}, invalid("read page token", "the page token is not one this connector wrote; start the pass again")
		}
		return p, nil
	}
	from, err := parseItemCursor(q.Cursor)
	if err != nil {
		return changePass{}, err
	}
	size := q.PageSize
	if size <= 0 {
		size = c.opt.PageSize
	}
	return changePass{From: from, Start: c.now(), Page: 1, Size: min(size, maxInventoryPageSize), Total: -1}, nil
}

func (p changePass) token() string {
	b, _ := json.Marshal(p)
	return string(b)
}

// stepBack is the page to read from when the listing shrank since the last
// page: records before this page left, and as many after it moved into
// pages already read. Else it is p.Page.
func (p changePass) stepBack(page Page[json.RawMessage]) int {
	if p.Page <= 1 || p.Total <= 0 || page.TotalCount < 0 || page.TotalCount >= p.Total || p.Size <= 0 {
		return p.Page
	}
	gone := int(p.Total - page.TotalCount)
	return max(1, p.Page-(gone+p.Size-1)/p.Size)
}

// advance records a listed item.
func (p *changePass) advance(key string, modified, now time.Time) {
	if key == "" || modified.IsZero() {
		return
	}
	if modified.After(p.Max) {
		p.Max = modified
	}
	if p.Seen == nil {
		p.Seen = map[string]time.Time{}
	}
	if t, ok := p.Seen[key]; !ok || modified.After(t) {
		p.Seen[key] = modified
	}
	if len(p.Seen) > maxCursorKeys {
		p.prune(p.bound(now))
	}
}

// bound is where the next pass starts: the newest change listed less the
// pass's duration and changeOverlap. A record changed after the pass began
// was changed after bound (its clock ran at most the pass's duration
// beyond the newest change listed), so it is listed again; never before
// the pass's own start.
func (p *changePass) bound(now time.Time) time.Time {
	b := p.Max.Add(-max(now.Sub(p.Start), 0) - changeOverlap).Truncate(time.Second)
	if b.Before(p.From.Since) {
		b = p.From.Since
	}
	return b
}

// prune forgets the records before bound, and beyond maxCursorKeys the
// oldest: a record forgotten is listed once more, never lost.
func (p *changePass) prune(bound time.Time) {
	for k, t := range p.Seen {
		if t.Before(bound) {
			delete(p.Seen, k)
		}
	}
	if len(p.Seen) <= maxCursorKeys {
		return
	}
	keys := make([]string, 0, len(p.Seen))
	for k := range p.Seen {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return p.Seen[keys[i]].After(p.Seen[keys[j]]) })
	for _, k := range keys[maxCursorKeys:] {
		delete(p.Seen, k)
	}
}

// finish is the cursor of the next pass.
func (p *changePass) finish(now time.Time) string {
	if p.Max.IsZero() {
		return p.From.String() // nothing listed: start where this pass did
	}
	b := p.bound(now)
	p.prune(b)
	return itemCursor{Since: b, Seen: p.Seen}.String()
}

// Mapping.

// productReader maps the items of one page; it downloads each attachment
// once per page.
type productReader struct {
	c        *Client
	currency string
	vat      []VatCategory
	day      time.Time
	images   map[string]*model.Image // by attachment id and revision; nil: not an image
}

func (c *Client) newProductReader(ctx context.Context) (*productReader, error) {
	currency, err := c.priceCurrency(ctx)
	if err != nil {
		return nil, err
	}
	vat, err := c.VatCategories(ctx)
	if err != nil {
		return nil, err
	}
	return &productReader{c: c, currency: currency, vat: vat, day: c.now(), images: map[string]*model.Image{}}, nil
}

// priceCurrency is the currency of items' default prices: options.currency,
// else the company's base currency.
func (c *Client) priceCurrency(ctx context.Context) (string, error) {
	if c.opt.Currency != "" {
		return c.opt.Currency, nil
	}
	cs, err := c.Currencies(ctx)
	if err != nil {
		return "", err
	}
	for _, x := range cs {
		if x.IsBaseCurrency && strings.TrimSpace(x.ID) != "" {
			return strings.ToUpper(strings.TrimSpace(x.ID)), nil
		}
	}
	return "", misconfigured(OpListCurrencies, "Visma.net names no base currency, the currency of items' default prices; set options.currency")
}

// sourceProducts maps the changed items of a page: a simple product each,
// or with variant grouping one product per group, once a pass.
func (r *productReader) sourceProducts(ctx context.Context, changed []listedItem, pass *changePass) ([]connectors.SourceProduct, error) {
	var out []connectors.SourceProduct
	groups := map[string]bool{}
	for _, g := range pass.Groups {
		groups[g] = true
	}
	for _, li := range changed {
		attr, value := r.c.groupOf(li.item)
		if value == "" {
			p, err := r.product(ctx, li.item)
			if err != nil {
				return nil, err
			}
			out = append(out, connectors.SourceProduct{Product: p, Raw: li.raw})
			continue
		}
		key := strings.ToLower(value)
		if groups[key] {
			// Listed with an item before it in this pass. A change made
			// since is after the pass began: the next pass lists it.
			continue
		}
		groups[key] = true
		if len(pass.Groups) < maxCursorKeys {
			pass.Groups = append(pass.Groups, key)
		}
		members, err := r.c.groupMembers(ctx, attr, value, changed)
		if err != nil {
			return nil, err
		}
		sp, err := r.variantProduct(ctx, value, attr, members)
		if err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, nil
}

// product maps one item to a simple product (or a variant).
func (r *productReader) product(ctx context.Context, it InventoryItem) (model.Product, error) {
	vat, err := r.vatRate(it)
	if err != nil {
		return model.Product{}, err
	}
	p := model.Product{
		SKU: strings.TrimSpace(it.InventoryNumber), Name: strings.TrimSpace(it.Description), Description: it.Body,
		EAN: eanOf(it.CrossReferences), Price: model.NewMoney(it.DefaultPrice.Minor(), r.currency),
		PriceIncludesVAT: r.c.opt.PricesIncludeVat, VAT: vat, Active: sellable(it.Status), ManageStock: it.StockItem,
		Categories: r.c.categoriesOf(it), Attributes: attributesOf(it, ""),
	}
	img, err := r.image(ctx, it)
	if err != nil {
		return model.Product{}, err
	}
	if img != nil {
		p.Images = []model.Image{*img}
	}
	return p, nil
}

// vatRate is the rate of the item's VAT category today; an item without
// one has none.
func (r *productReader) vatRate(it InventoryItem) (model.VATRate, error) {
	if it.VATCode == nil || strings.TrimSpace(it.VATCode.ID) == "" {
		return 0, nil
	}
	key := func(v VatCategory) string { return v.VatCategoryID }
	v, ok := findRef(r.vat, key, it.VATCode.ID)
	if !ok {
		return 0, misconfigured(OpListVatCategories, "item %s has VAT category %q, which Visma.net does not list (it has %s)",
			it.InventoryNumber, it.VATCode.ID, keysOf(r.vat, key))
	}
	rate, _ := v.Rate(r.day)
	return rate, nil
}

// sellable reads an item's status: only what may be sold is active.
func sellable(status string) bool {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "active", "nopurchases", "norequest":
		return true
	}
	return false
}

// categoriesOf names the item's categories as options.categoryFrom says.
func (c *Client) categoriesOf(it InventoryItem) []string {
	if c.opt.CategoryFrom == "salesCategory" {
		var out []string
		for _, sc := range it.SalesCategories {
			name := strings.TrimSpace(sc.Description)
			if name == "" && sc.CategoryID != 0 {
				name = strconv.Itoa(sc.CategoryID)
			}
			if name != "" && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
		return out
	}
	if it.ItemClass == nil {
		return nil
	}
	for _, name := range []string{it.ItemClass.Description, it.ItemClass.ID} {
		if name = strings.TrimSpace(name); name != "" {
			return []string{name}
		}
	}
	return nil
}

// eanOf finds the EAN among the cross-references: a Barcode that looks like
// a GTIN, else a Global one that does, else the first Barcode.
func eanOf(refs []CrossReference) string {
	first := ""
	for _, typ := range []string{AlternateBarcode, AlternateGlobal} {
		for _, r := range refs {
			if !strings.EqualFold(r.AlternateType, typ) {
				continue
			}
			id := strings.TrimSpace(r.AlternateID)
			if isGTIN(id) {
				return id
			}
			if first == "" && typ == AlternateBarcode {
				first = id
			}
		}
	}
	return first
}

// isGTIN: 8, 12, 13 or 14 digits (EAN-8, UPC-A, EAN-13, GTIN-14).
func isGTIN(s string) bool {
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// attributesOf maps the item's attributes but skip (an attribute id) by
// name; nil when there are none.
func attributesOf(it InventoryItem, skip string) map[string]string {
	out := map[string]string{}
	for _, a := range it.Attributes {
		id := strings.TrimSpace(a.ID)
		if id == "" || (skip != "" && strings.EqualFold(id, skip)) {
			continue
		}
		value := attributeValue(it, a)
		if value == "" {
			continue
		}
		name := strings.TrimSpace(a.Description)
		if name == "" {
			name = id
		}
		if _, taken := out[name]; taken {
			name = id // two attributes of one description: the id tells them apart
		}
		out[name] = value
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// attributeValue is the value's description when the item's class lists
// the value (a combo's value is its id), else the value as it is.
func attributeValue(it InventoryItem, a Attribute) string {
	v := strings.TrimSpace(a.Value)
	if it.ItemClass == nil || v == "" {
		return v
	}
	for _, ca := range it.ItemClass.Attributes {
		if !strings.EqualFold(strings.TrimSpace(ca.AttributeID), strings.TrimSpace(a.ID)) {
			continue
		}
		for _, d := range ca.Details {
			if strings.EqualFold(strings.TrimSpace(d.ID), v) && strings.TrimSpace(d.Description) != "" {
				return strings.TrimSpace(d.Description)
			}
		}
	}
	return v
}

// Variants.

// groupOf returns the item's attribute id and value of
// options.variantGroupAttribute; "" when grouping is off or the item has
// no value.
func (c *Client) groupOf(it InventoryItem) (attr, value string) {
	g := strings.TrimSpace(c.opt.VariantGroupAttribute)
	if g == "" {
		return "", ""
	}
	for _, a := range it.Attributes {
		if strings.EqualFold(strings.TrimSpace(a.ID), g) || strings.EqualFold(strings.TrimSpace(a.Description), g) {
			return strings.TrimSpace(a.ID), strings.TrimSpace(a.Value)
		}
	}
	return "", ""
}

// groupMembers lists every item of a group (the attributes filter, checked
// here exactly), with the page's changed items of the group in case the
// listing lags; in inventory number order.
func (c *Client) groupMembers(ctx context.Context, attr, value string, changed []listedItem) ([]listedItem, error) {
	filter, _ := json.Marshal(map[string]string{attr: value})
	q := c.itemQuery()
	q.Set("attributes", string(filter))
	byNumber := map[string]listedItem{}
	inGroup := func(li listedItem) bool {
		_, v := c.groupOf(li.item)
		return strings.EqualFold(v, value) && strings.TrimSpace(li.item.InventoryNumber) != ""
	}
	err := eachPage(ctx, c, OpListInventory, opPath(OpListInventory), ListOptions{Query: q}, func(rs []json.RawMessage) error {
		for _, raw := range rs {
			li, err := decodeItem(raw)
			if err != nil {
				return unavailable(OpListInventory, 200, "an item is not the JSON the API documents: %s", jsonProblem(err))
			}
			if inGroup(li) {
				byNumber[li.item.InventoryNumber] = li
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, li := range changed {
		if _, ok := byNumber[li.item.InventoryNumber]; !ok && inGroup(li) {
			byNumber[li.item.InventoryNumber] = li
		}
	}
	members := make([]listedItem, 0, len(byNumber))
	for _, li := range byNumber {
		members = append(members, li)
	}
	sort.Slice(members, func(i, j int) bool { return members[i].item.InventoryNumber < members[j].item.InventoryNumber })
	return members, nil
}

// variantProduct makes a group's items one product with variants (see the
// top of this file). Raw is the first item's record, RawVariants every
// item's.
func (r *productReader) variantProduct(ctx context.Context, sku, attr string, members []listedItem) (connectors.SourceProduct, error) {
	options := variantOptions(members, attr)
	parent := model.Product{SKU: sku}
	var sp connectors.SourceProduct
	for i, m := range members {
		v, err := r.product(ctx, m.item)
		if err != nil {
			return connectors.SourceProduct{}, err
		}
		if i == 0 {
			parent.Name, parent.Description, parent.Categories = v.Name, v.Description, v.Categories
			parent.Price, parent.PriceIncludesVAT, parent.VAT = v.Price, v.PriceIncludesVAT, v.VAT
			sp.Raw = m.raw
		}
		parent.Active = parent.Active || v.Active
		parent.ManageStock = parent.ManageStock || v.ManageStock
		if len(parent.Images) == 0 && len(v.Images) > 0 {
			parent.Images = slices.Clone(v.Images)
		}
		v.Categories, v.Attributes = nil, options[i]
		parent.Variants = append(parent.Variants, v)
		sp.RawVariants = append(sp.RawVariants, m.raw)
	}
	sp.Product = parent
	return sp, nil
}

// variantOptions are each member's attributes but the group's that tell
// the members apart: those whose values are not the same on all of them
// (every one when there is one member).
func variantOptions(members []listedItem, attr string) []map[string]string {
	all := make([]map[string]string, len(members))
	for i, m := range members {
		all[i] = attributesOf(m.item, attr)
	}
	if len(members) <= 1 {
		return all
	}
	differ := map[string]bool{}
	for _, a := range all {
		for name := range a {
			for _, b := range all {
				if b[name] != a[name] {
					differ[name] = true
					break
				}
			}
		}
	}
	out := make([]map[string]string, len(members))
	for i, a := range all {
		for name, v := range a {
			if differ[name] {
				if out[i] == nil {
					out[i] = map[string]string{}
				}
				out[i][name] = v
			}
		}
	}
	return out
}

// Images.

// image is the item's first attachment that is an image: one named as an
// image or without an extension, whose content is a JPEG, PNG, GIF or
// WebP file (what shops take). Its Name is the file's name with the
// attachment's revision ("shirt-r2.jpg"): the same until the file is
// replaced, so a target uploads it once.
func (r *productReader) image(ctx context.Context, it InventoryItem) (*model.Image, error) {
	tries := 0
	for _, a := range it.Attachments {
		if strings.TrimSpace(a.ID) == "" {
			continue
		}
		base := fileName(a.Name)
		ext := strings.ToLower(path.Ext(base))
		if ext != "" && imageTypes[ext] == "" {
			continue
		}
		key := a.ID + "/" + strconv.Itoa(a.Revision)
		if img, ok := r.images[key]; ok {
			if img != nil {
				return img, nil
			}
			continue
		}
		if tries == maxImageTries {
			break
		}
		tries++
		img, err := r.c.downloadImage(ctx, a, base)
		if err != nil {
			return nil, err
		}
		r.images[key] = img
		if img != nil {
			return img, nil
		}
	}
	return nil, nil
}

// imageTypes are the image files a product takes, by extension.
var imageTypes = map[string]string{".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp"}

// fileName is an attachment's file name without the screen and record
// Visma.net puts before it ("Stock Items (A1)\shirt.jpg").
func fileName(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.LastIndexAny(name, `\/`); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSpace(name)
}

// downloadImage reads an attachment and returns it as an image, nil when
// it is gone or not an image.
func (c *Client) downloadImage(ctx context.Context, a AttachmentRef, base string) (*model.Image, error) {
	data, contentType, found, err := c.attachment(ctx, a.ID)
	if err != nil || !found || len(data) == 0 {
		return nil, err
	}
	ext := imageExt(data, contentType)
	if ext == "" {
		return nil, nil
	}
	stem := base
	if e := path.Ext(base); imageTypes[strings.ToLower(e)] != "" {
		stem, ext = strings.TrimSuffix(base, e), e // keep the file's own spelling
	}
	if stem == "" {
		stem = "image-" + a.ID
	}
	if a.Revision > 0 {
		stem += "-r" + strconv.Itoa(a.Revision)
	}
	return &model.Image{Name: stem + ext, Data: data, Main: true}, nil
}

// imageExt is the extension of an image file's type, by its content, else
// by the Content-Type the API sent; "" when it is not an image a shop
// takes.
func imageExt(data []byte, contentType string) string {
	for _, t := range []string{http.DetectContentType(data), contentType} {
		t, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(t)), ";")
		switch t {
		case "image/jpeg", "image/jpg":
			return ".jpg"
		case "image/png":
			return ".png"
		case "image/gif":
			return ".gif"
		case "image/webp":
			return ".webp"
		}
	}
	return ""
}

// attachment reads an attachment's file: its bytes and Content-Type; found
// is false when Visma.net has no such attachment. The API answers the
// file itself, although the contract types the answer a JSON object.
func (c *Client) attachment(ctx context.Context, id string) (data []byte, contentType string, found bool, err error) {
	resp, err := c.do(ctx, request{op: OpGetAttachment, path: opPath(OpGetAttachment, id), header: http.Header{"Accept": {"*/*"}}})
	switch {
	case connectors.IsKind(err, connectors.KindNotFound):
		return nil, "", false, nil
	case err != nil:
		return nil, "", false, err
	case resp.Status != http.StatusOK:
		return nil, "", false, unavailable(OpGetAttachment, resp.Status, "the API answered %d to a read; want 200", resp.Status)
	}
	return resp.Body, resp.Header.Get("Content-Type"), true, nil
}
