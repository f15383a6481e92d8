package sim

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/model"
)

// Stock types the simulator knows. The real values are not documented
// (§1.6.6 [A]); the client's Config.CombinationStockType defaults to the same.
const (
	StockTypeProduct     = "product"
	StockTypeCombination = "attribute_combination"
)

// catalog is the shop's products and what belongs to them. One id sequence
// serves every kind of record, so an id of the wrong kind is always a 404.
type catalog struct {
	NextID     int64        `json:"nextId"`
	Products   []*product   `json:"products,omitempty"`
	Categories []*category  `json:"categories,omitempty"`
	Attributes []*attribute `json:"attributes,omitempty"`
	Links      []*link      `json:"links,omitempty"`
}

type product struct {
	ID           int64          `json:"id"`
	Number       string         `json:"productnumber"`
	EAN          string         `json:"eannumber"`
	Name         string         `json:"name"`
	Short        string         `json:"shortdescription"`
	Description  string         `json:"description"`
	Price        int64          `json:"price"`    // cents, as the shop states prices
	Discount     int64          `json:"discount"` // cents
	VAT          model.VATRate  `json:"vat"`
	TaxTariff    string         `json:"taxtariff,omitempty"`
	Active       bool           `json:"active"`
	StockEnabled bool           `json:"stockenabled"`
	StockType    string         `json:"stocktype"`
	Stock        model.Quantity `json:"stock"`
	PackageID    int64          `json:"packageId"`
	// Fields are the other native fields as the API took them (mpnnumber, weight …).
	Fields   map[string]any `json:"fields,omitempty"`
	Created  time.Time      `json:"created"`
	Modified time.Time      `json:"modified"`
	Values   []productValue `json:"values,omitempty"`
	Combos   []*combo       `json:"combos,omitempty"`
	Photos   []photo        `json:"photos,omitempty"`
}

// productValue links an attribute value to a product, with its extra price.
type productValue struct {
	ID       int64 `json:"id"`
	ValueID  int64 `json:"valueId"`
	Price    int64 `json:"price"` // cents
	Position int   `json:"position"`
}

type combo struct {
	ID       int64          `json:"id"`
	ValueIDs []int64        `json:"valueIds"` // one per attribute, in attribute id order
	SKU      string         `json:"sku,omitempty"`
	EAN      string         `json:"ean,omitempty"`
	Number   string         `json:"number,omitempty"`
	Note     string         `json:"note,omitempty"`
	Stock    model.Quantity `json:"stock"`
	Active   bool           `json:"active"`
	// ExtraPrice overrides the sum of the values' extra prices (seeds only).
	ExtraPrice *int64         `json:"extraPrice,omitempty"`
	Fields     map[string]any `json:"fields,omitempty"`
}

type photo struct {
	ID       int64  `json:"id"`
	Filename string `json:"filename"`
	Alttext  string `json:"alttext"`
	FileType string `json:"fileType"`
	Main     bool   `json:"main"`
	Size     int    `json:"size"`
}

type category struct {
	ID       int64  `json:"id"`
	Parent   int64  `json:"parent,omitempty"`
	Name     string `json:"name"`
	Position int    `json:"position"`
}

type attribute struct {
	ID     int64   `json:"id"`
	Name   string  `json:"name"`
	Type   string  `json:"type"`
	Values []value `json:"values,omitempty"`
}

type value struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	DefaultPrice int64  `json:"defaultPrice"`
}

type link struct {
	ID         int64 `json:"id"`
	ProductID  int64 `json:"productId"`
	CategoryID int64 `json:"categoryId"`
	Position   int   `json:"position"`
}

func (c *catalog) next() int64 {
	c.NextID = max(c.NextID, 1)
	id := c.NextID
	c.NextID++
	return id
}

// check verifies a restored catalog: every id unique, every reference
// known; it moves NextID past the ids in use.
func (c *catalog) check() error {
	seen := map[int64]bool{}
	use := func(kind string, id int64) error {
		if id <= 0 || seen[id] {
			return fmt.Errorf("%s id %d is duplicated or not positive", kind, id)
		}
		seen[id] = true
		c.NextID = max(c.NextID, id+1)
		return nil
	}
	values := map[int64]bool{}
	for _, a := range c.Attributes {
		if err := use("attribute", a.ID); err != nil {
			return err
		}
		for _, v := range a.Values {
			if err := use("attribute value", v.ID); err != nil {
				return err
			}
			values[v.ID] = true
		}
	}
	cats := map[int64]bool{}
	for _, cat := range c.Categories {
		if err := use("category", cat.ID); err != nil {
			return err
		}
		cats[cat.ID] = true
	}
	products := map[int64]bool{}
	for _, p := range c.Products {
		if err := use("product", p.ID); err != nil {
			return err
		}
		products[p.ID] = true
		for _, pv := range p.Values {
			if err := use("product attribute value", pv.ID); err != nil {
				return err
			}
			if !values[pv.ValueID] {
				return fmt.Errorf("product %d links the unknown attribute value %d", p.ID, pv.ValueID)
			}
		}
		for _, cb := range p.Combos {
			if err := use("attribute combination", cb.ID); err != nil {
				return err
			}
		}
		for _, ph := range p.Photos {
			if err := use("photo", ph.ID); err != nil {
				return err
			}
		}
	}
	for _, l := range c.Links {
		if err := use("product to category link", l.ID); err != nil {
			return err
		}
		if !products[l.ProductID] || !cats[l.CategoryID] {
			return fmt.Errorf("link %d names an unknown product or category", l.ID)
		}
	}
	c.NextID = max(c.NextID, 1)
	return nil
}

func (c *catalog) product(id int64) *product {
	for _, p := range c.Products {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (c *catalog) combo(id int64) (*product, *combo) {
	for _, p := range c.Products {
		for _, cb := range p.Combos {
			if cb.ID == id {
				return p, cb
			}
		}
	}
	return nil, nil
}

func (c *catalog) category(id int64) *category {
	for _, cat := range c.Categories {
		if cat.ID == id {
			return cat
		}
	}
	return nil
}

func (c *catalog) attribute(id int64) *attribute {
	for _, a := range c.Attributes {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// value finds an attribute value and its attribute.
func (c *catalog) value(id int64) (*attribute, *value) {
	for _, a := range c.Attributes {
		for i := range a.Values {
			if a.Values[i].ID == id {
				return a, &a.Values[i]
			}
		}
	}
	return nil, nil
}

// categoryPath renders "Top > … > Name".
func (c *catalog) categoryPath(id int64) string {
	var names []string
	for depth := 0; id != 0 && depth <= len(c.Categories); depth++ {
		cat := c.category(id)
		if cat == nil {
			break
		}
		names = append(names, cat.Name)
		id = cat.Parent
	}
	slices.Reverse(names)
	return strings.Join(names, " > ")
}

// ensureCategory finds or makes the categories of a path and returns the
// last one's id.
func (c *catalog) ensureCategory(path string) int64 {
	parent := int64(0)
	for _, name := range strings.Split(path, ">") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		i := slices.IndexFunc(c.Categories, func(cat *category) bool { return cat.Parent == parent && strings.EqualFold(cat.Name, name) })
		if i >= 0 {
			parent = c.Categories[i].ID
			continue
		}
		cat := &category{ID: c.next(), Parent: parent, Name: name, Position: len(c.Categories) + 1}
		c.Categories = append(c.Categories, cat)
		parent = cat.ID
	}
	return parent
}

func (c *catalog) ensureAttribute(name string) *attribute {
	for _, a := range c.Attributes {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	a := &attribute{ID: c.next(), Name: name, Type: "option_menu_required"}
	c.Attributes = append(c.Attributes, a)
	return a
}

func (c *catalog) ensureValue(a *attribute, name string) int64 {
	for _, v := range a.Values {
		if strings.EqualFold(v.Name, name) {
			return v.ID
		}
	}
	id := c.next()
	a.Values = append(a.Values, value{ID: id, Name: name})
	return id
}

// makesCombinations: option menus make attribute combinations; text fields
// and additional menus do not (per the attribute type descriptions).
func makesCombinations(attrType string) bool { return strings.HasPrefix(attrType, "option_menu") }

// regenerate rebuilds a product's combinations as the shop does when values
// are linked: one for every mix of one linked value per attribute. A mix
// that existed keeps its record (SKU, stock …); one that no longer fits the
// attributes goes.
func (c *catalog) regenerate(p *product) {
	groups := map[int64][]int64{}
	var attrs []int64
	for _, pv := range p.Values {
		a, _ := c.value(pv.ValueID)
		if a == nil || !makesCombinations(a.Type) {
			continue
		}
		if _, ok := groups[a.ID]; !ok {
			attrs = append(attrs, a.ID)
		}
		groups[a.ID] = append(groups[a.ID], pv.ValueID)
	}
	slices.Sort(attrs)
	if len(attrs) == 0 {
		p.Combos = nil
		return
	}
	tuples := [][]int64{{}}
	for _, a := range attrs {
		var next [][]int64
		for _, t := range tuples {
			for _, v := range groups[a] {
				next = append(next, append(slices.Clone(t), v))
			}
		}
		tuples = next
	}
	old := map[string]*combo{}
	for _, cb := range p.Combos {
		old[tupleKey(cb.ValueIDs)] = cb
	}
	combos := make([]*combo, 0, len(tuples))
	for _, t := range tuples {
		if cb, ok := old[tupleKey(t)]; ok {
			combos = append(combos, cb)
			continue
		}
		combos = append(combos, &combo{ID: c.next(), ValueIDs: t, Active: true})
	}
	p.Combos = combos
}

func tupleKey(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// extraPrice is a combination's netto_extra_price: the sum of its values'
// extra prices on the product, unless a seed set it.
func (p *product) extraPrice(cb *combo) int64 {
	if cb.ExtraPrice != nil {
		return *cb.ExtraPrice
	}
	var sum int64
	for _, v := range cb.ValueIDs {
		for _, pv := range p.Values {
			if pv.ValueID == v {
				sum += pv.Price
			}
		}
	}
	return sum
}

// touch records a change of the product (its modifydate), to the second,
// and queues products.updated.
func (s *Sim) touch(p *product) {
	p.Modified = s.o.Now().UTC().Truncate(time.Second)
	s.queue(queued{event: eventProductUpdated, id: p.ID})
}

func (s *Sim) productByNumber(sku string) *product {
	for _, p := range s.state.Catalog.Products {
		if p.Number == sku {
			return p
		}
	}
	return nil
}

// Product is a product as the shop holds it: what AddProduct seeds and
// Product and Products report. Money is in the shop's currency and stated
// as the shop states prices (incl. VAT unless Options.PricesExcludeVAT).
type Product struct {
	ID               string
	SKU              string // productnumber
	Name             string
	ShortDescription string
	Description      string
	EAN              string
	// Price is the original price and Discount what is taken off; the sell
	// price is Price − Discount.
	Price, Discount model.Money
	// VAT is the vatrate; TaxTariff the tariff name. AddProduct fills the
	// one left empty from Options.TaxTariffs.
	VAT          model.VATRate
	TaxTariff    string
	Active       bool
	StockEnabled bool
	// StockType is StockTypeProduct or StockTypeCombination; AddProduct
	// takes "" as the first without variants and the second with them.
	StockType string
	Stock     model.Quantity
	PackageID int64
	// Categories are paths from the top ("Coffee > Beans"); AddProduct
	// makes the ones the shop lacks.
	Categories []string
	Photos     []Photo
	Variants   []Variant
	// Fields are other native fields by their API names (mpnnumber, weight …).
	Fields     map[string]any
	CreatedAt  time.Time
	ModifiedAt time.Time
}

// Variant is an attribute combination. AddProduct makes the attributes and
// values, links them to the product and gives each listed mix its fields;
// a mix the seed does not list stays, inactive and without SKU, as in a
// real shop.
type Variant struct {
	ID         string
	SKU        string
	EAN        string
	Attributes map[string]string
	// ExtraPrice is netto_extra_price. With one attribute AddProduct puts it
	// on the value, else on the combination itself.
	ExtraPrice model.Money
	Stock      model.Quantity
	Active     bool
	// Fields are note, delivery_time … as last written.
	Fields map[string]any
}

// Photo is a product photo: Name is its alt text.
type Photo struct {
	ID       string
	Name     string
	Filename string
	FileType string
	Main     bool
	// Size is the file's length in bytes.
	Size int
}

// AddProduct seeds a product and returns its id. A zero ModifiedAt is the
// shop's now, a zero CreatedAt the modification time.
func (s *Sim) AddProduct(sp Product) string {
	s.mu.Lock()
	defer s.unlock()
	c := &s.state.Catalog
	p := &product{ID: c.next(), Number: sp.SKU, EAN: sp.EAN, Name: sp.Name, Short: sp.ShortDescription, Description: sp.Description,
		Price: sp.Price.Amount, Discount: sp.Discount.Amount, VAT: sp.VAT, TaxTariff: sp.TaxTariff, Active: sp.Active,
		StockEnabled: sp.StockEnabled, StockType: sp.StockType, Stock: sp.Stock, PackageID: sp.PackageID, Fields: cloneMap(sp.Fields)}
	if p.TaxTariff == "" {
		p.TaxTariff = s.tariffFor(p.VAT)
	} else if rate, ok := s.o.TaxTariffs[p.TaxTariff]; ok && p.VAT == 0 {
		p.VAT = rate
	}
	if p.StockType == "" {
		p.StockType = StockTypeProduct
		if len(sp.Variants) > 0 {
			p.StockType = StockTypeCombination
		}
	}
	p.Modified = sp.ModifiedAt.UTC().Truncate(time.Second)
	if sp.ModifiedAt.IsZero() {
		s.touch(p)
	}
	p.Created = sp.CreatedAt.UTC().Truncate(time.Second)
	if sp.CreatedAt.IsZero() {
		p.Created = p.Modified
	}
	for _, path := range sp.Categories {
		c.Links = append(c.Links, &link{ID: c.next(), ProductID: p.ID, CategoryID: c.ensureCategory(path), Position: 1})
	}
	for _, ph := range sp.Photos {
		s.addPhoto(p, ph.Name, cmp.Or(ph.FileType, "jpg"), ph.Main, ph.Size, ph.Filename)
	}
	single := len(sp.Variants) > 0 && len(sp.Variants[0].Attributes) == 1
	for _, v := range sp.Variants {
		for _, name := range sortedNames(v.Attributes) {
			a := c.ensureAttribute(name)
			vid := c.ensureValue(a, v.Attributes[name])
			if !slices.ContainsFunc(p.Values, func(pv productValue) bool { return pv.ValueID == vid }) {
				price := int64(0)
				if single {
					price = v.ExtraPrice.Amount
				}
				p.Values = append(p.Values, productValue{ID: c.next(), ValueID: vid, Price: price, Position: len(p.Values) + 1})
			}
		}
	}
	c.regenerate(p)
	listed := map[int64]bool{}
	for _, v := range sp.Variants {
		cb := s.comboFor(p, v.Attributes)
		if cb == nil {
			continue
		}
		listed[cb.ID] = true
		cb.SKU, cb.EAN, cb.Stock, cb.Active, cb.Fields = v.SKU, v.EAN, v.Stock, v.Active, cloneMap(v.Fields)
		if !single && v.ExtraPrice.Amount != 0 {
			extra := v.ExtraPrice.Amount
			cb.ExtraPrice = &extra
		}
	}
	for _, cb := range p.Combos {
		if !listed[cb.ID] {
			cb.Active = false
		}
	}
	c.Products = append(c.Products, p)
	s.queue(queued{event: eventProductCreated, id: p.ID})
	return strconv.FormatInt(p.ID, 10)
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func cloneMap(m map[string]any) map[string]any {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// comboFor finds the combination of a product with exactly these attribute values.
func (s *Sim) comboFor(p *product, attrs map[string]string) *combo {
	for _, cb := range p.Combos {
		if len(cb.ValueIDs) != len(attrs) {
			continue
		}
		same := true
		for _, vid := range cb.ValueIDs {
			a, v := s.state.Catalog.value(vid)
			want, ok := lookupFold(attrs, a.Name)
			if !ok || !strings.EqualFold(want, v.Name) {
				same = false
				break
			}
		}
		if same {
			return cb
		}
	}
	return nil
}

func lookupFold(m map[string]string, key string) (string, bool) {
	for k, v := range m {
		if strings.EqualFold(strings.TrimSpace(k), strings.TrimSpace(key)) {
			return v, true
		}
	}
	return "", false
}

func (s *Sim) tariffFor(rate model.VATRate) string {
	var names []string
	for name, r := range s.o.TaxTariffs {
		if r == rate {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

func (s *Sim) addPhoto(p *product, alt, fileType string, main bool, size int, filename string) photo {
	id := s.state.Catalog.next()
	if filename == "" {
		base := strings.Map(func(r rune) rune {
			if r == ' ' || r == '/' || r == '\\' {
				return '-'
			}
			return r
		}, strings.ToLower(strings.TrimSuffix(alt, "."+fileType)))
		filename = fmt.Sprintf("%s-%d.%s", cmp.Or(base, "photo"), id, fileType)
	}
	if main {
		for i := range p.Photos {
			p.Photos[i].Main = false
		}
	}
	ph := photo{ID: id, Filename: filename, Alttext: alt, FileType: fileType, Main: main || len(p.Photos) == 0, Size: size}
	p.Photos = append(p.Photos, ph)
	return ph
}

// SetProductStock sets the stock of a product SKU or of a variant SKU, as a
// shop owner would, and bumps the product's modifydate.
func (s *Sim) SetProductStock(sku string, qty model.Quantity) error {
	s.mu.Lock()
	defer s.unlock()
	if p := s.productByNumber(sku); p != nil {
		p.Stock = qty
		s.touch(p)
		return nil
	}
	for _, p := range s.state.Catalog.Products {
		for _, cb := range p.Combos {
			if cb.SKU == sku {
				cb.Stock = qty
				s.touch(p)
				return nil
			}
		}
	}
	return fmt.Errorf("no product or variant with SKU %s", sku)
}

// TouchProduct bumps a product's modifydate, as an edit in the shop's back
// office does; sku may be a variant's.
func (s *Sim) TouchProduct(sku string) error {
	s.mu.Lock()
	defer s.unlock()
	if p := s.holder(sku); p != nil {
		s.touch(p)
		return nil
	}
	return fmt.Errorf("no product or variant with SKU %s", sku)
}

// holder is the product with the SKU, or the one with a variant of that SKU.
func (s *Sim) holder(sku string) *product {
	if p := s.productByNumber(sku); p != nil {
		return p
	}
	for _, p := range s.state.Catalog.Products {
		for _, cb := range p.Combos {
			if cb.SKU == sku {
				return p
			}
		}
	}
	return nil
}

// Product returns what the shop holds for a product SKU or a variant SKU
// (then its product): categories as paths, photos and every combination.
func (s *Sim) Product(sku string) (Product, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.holder(sku)
	if p == nil {
		return Product{}, false
	}
	return s.view(p), true
}

// Products lists every product in the order of their ids.
func (s *Sim) Products() []Product {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Product
	for _, p := range s.state.Catalog.Products {
		out = append(out, s.view(p))
	}
	return out
}

func (s *Sim) view(p *product) Product {
	c := &s.state.Catalog
	cur := s.o.Currency
	out := Product{ID: strconv.FormatInt(p.ID, 10), SKU: p.Number, Name: p.Name, ShortDescription: p.Short, Description: p.Description,
		EAN: p.EAN, Price: model.NewMoney(p.Price, cur), Discount: model.NewMoney(p.Discount, cur), VAT: p.VAT, TaxTariff: p.TaxTariff,
		Active: p.Active, StockEnabled: p.StockEnabled, StockType: p.StockType, Stock: p.Stock, PackageID: p.PackageID,
		Fields: cloneMap(p.Fields), CreatedAt: p.Created, ModifiedAt: p.Modified}
	for _, l := range c.Links {
		if l.ProductID == p.ID {
			out.Categories = append(out.Categories, c.categoryPath(l.CategoryID))
		}
	}
	for _, ph := range p.Photos {
		out.Photos = append(out.Photos, Photo{ID: strconv.FormatInt(ph.ID, 10), Name: ph.Alttext, Filename: ph.Filename, FileType: ph.FileType, Main: ph.Main, Size: ph.Size})
	}
	for _, cb := range p.Combos {
		attrs := map[string]string{}
		for _, vid := range cb.ValueIDs {
			a, v := c.value(vid)
			attrs[a.Name] = v.Name
		}
		out.Variants = append(out.Variants, Variant{ID: strconv.FormatInt(cb.ID, 10), SKU: cb.SKU, EAN: cb.EAN, Attributes: attrs,
			ExtraPrice: model.NewMoney(p.extraPrice(cb), cur), Stock: cb.Stock, Active: cb.Active, Fields: cloneMap(cb.Fields)})
	}
	return out
}

// AddCategory makes the categories of a path ("Coffee > Beans") the shop
// lacks and returns the last one's id.
func (s *Sim) AddCategory(path string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strconv.FormatInt(s.state.Catalog.ensureCategory(path), 10)
}

// Categories lists every category as a path, sorted.
func (s *Sim) Categories() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, cat := range s.state.Catalog.Categories {
		out = append(out, s.state.Catalog.categoryPath(cat.ID))
	}
	slices.Sort(out)
	return out
}
