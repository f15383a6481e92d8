package sim

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/big"

	"github.com/koppel/koppel/connectors/simkit"
)

// Items the demo seeds beside the shared catalogue, for order lines that
// are not products.
const (
	DemoShippingItem = "VERZENDKOSTEN"
	DemoCostsItem    = "KOSTEN"
	DemoDiscountItem = "KORTING"
	// DemoImageItem is the catalogue item with attributes and an image.
	DemoImageItem = "MOK-0001"
)

// demoStock is every demo stock item's stock in MAIN at the start.
const demoStock = 100

// demoCategories are the sales categories of the catalogue's groups.
var demoCategories = map[string]SalesCategory{
	"Koffie":  {ID: 1, Description: "Koffie"},
	"Thee":    {ID: 2, Description: "Thee"},
	"Servies": {ID: 3, Description: "Servies"},
}

// SeedDemo fills a fresh company with the demo: the shared catalogue as
// stock items (prices without VAT, stock in MAIN), the image and
// attributes of DemoImageItem, non-stock items for shipping and costs, and
// the shop's known customers, so the order flow finds some by e-mail and
// creates the others.
func SeedDemo(s *Sim, _ simkit.DemoContext) {
	categoryOf := map[int64]string{21: VatCatHigh, 9: VatCatLow, 0: VatCatZero}
	for _, p := range simkit.DemoProducts() {
		it := Item{Number: p.SKU, Description: p.Name, ClassID: ItemClassStock, VatCategoryID: categoryOf[p.VATPercent],
			DefaultPrice: withoutVAT(p.PriceCents, p.VATPercent), SalesAccount: AccountRevenueNL,
			Categories: []SalesCategory{demoCategories[p.Group]}, OnHand: map[string]Dec{WarehouseMain: Units(demoStock)}}
		if p.SKU == DemoImageItem {
			it.Attributes = map[string]string{AttributeColour: "WHITE", AttributeOrigin: "Nederland"}
			it.Body = "<p>Stevige witte mok met het Koppel-logo, 300 ml.</p>"
		}
		must(s.AddItem(it))
	}
	_, err := s.AddAttachment(DemoImageItem, "mok-wit.png", "image/png", demoImage())
	must(err)
	for _, it := range []Item{
		{Number: DemoShippingItem, Description: "Verzendkosten", ClassID: ItemClassService, Type: "ServiceItem",
			VatCategoryID: VatCatHigh, SalesAccount: AccountShipping},
		{Number: DemoCostsItem, Description: "Overige kosten", ClassID: ItemClassService, Type: "NonStockItem",
			VatCategoryID: VatCatHigh, SalesAccount: AccountRevenueNL},
		{Number: DemoDiscountItem, Description: "Korting", ClassID: ItemClassService, Type: "NonStockItem",
			VatCategoryID: VatCatHigh, SalesAccount: AccountDiscounts},
	} {
		must(s.AddItem(it))
	}
	for _, c := range simkit.DemoCustomers() {
		if !c.Known {
			continue
		}
		b := c.Billing
		addr := Address{Line1: b.Street + " " + b.HouseNumber, PostalCode: b.PostalCode, City: b.City, CountryID: b.CountryCode}
		cust := Customer{Name: c.DisplayName(), ClassID: CustomerClassNL, CreditTermsID: Terms14, CurrencyID: BaseCurrency,
			VatRegistrationID: c.VATNumber, MainAddress: addr,
			MainContact:            Contact{Name: c.Person.FirstName + " " + c.Person.LastName, Email: c.Email, Phone1: c.Phone},
			DefaultPaymentMethodID: PaymentTransfer}
		if b.CountryCode == "BE" {
			cust.ClassID = CustomerClassBE
			if c.VATNumber != "" {
				cust.VatZoneID = VatZoneEU // a business in another EU country: VAT reverse charged
			}
		}
		_, err := s.AddCustomer(cust)
		must(err)
	}
}

// SeedConsumerDemo is SeedDemo for a Dutch company selling to consumers, as
// the local demo runs it beside a shop whose prices include VAT: its VAT
// categories calculate on "extract from item amount", so documents' unit
// prices and the items' default prices include VAT.
func SeedConsumerDemo(s *Sim, d simkit.DemoContext) {
	SeedDemo(s, d)
	s.SetPricesIncludeVAT(true)
	for _, p := range simkit.DemoProducts() {
		must(s.SetItemPrice(p.SKU, Cents(p.PriceCents)))
	}
}

// withoutVAT is a price including VAT without it, to four decimals.
func withoutVAT(cents, pct int64) Dec {
	// cents/100 × 100/(100+pct) is cents/(100+pct) euro: in ten-thousandths,
	// cents × 10⁴/(100+pct); a Dec counts millionths.
	v := roundQuo(big.NewInt(cents*10_000), big.NewInt(100+pct))
	return Dec{v.Int64() * 100}
}

// demoImage is a small PNG: a white mug on grey.
func demoImage() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for y := range 8 {
		for x := range 8 {
			c := color.RGBA{0xd0, 0xd0, 0xd0, 0xff}
			if x >= 2 && x <= 5 && y >= 2 && y <= 6 {
				c = color.RGBA{0xff, 0xff, 0xff, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	must(png.Encode(&b, img))
	return b.Bytes()
}

// DemoActivity is a goods receipt or a count now and then: a released
// adjustment moves one catalogue item's stock, so a stock flow reading
// Visma.net has news (availabilityLastModifiedDateTime).
func DemoActivity(s *Sim, d simkit.DemoContext) {
	cat := simkit.DemoProducts()
	p := cat[d.Rand.IntN(len(cat))]
	qty := int64(1 + d.Rand.IntN(20))
	if d.Rand.IntN(2) == 0 && s.OnHand(p.SKU, WarehouseMain).Cmp(Units(qty)) >= 0 {
		qty = -qty
	}
	_, err := s.AdjustStock(p.SKU, WarehouseMain, Units(qty), "Demo: voorraadtelling")
	must(err)
}

// AdjustStock creates and releases an inventory adjustment of one line,
// as a warehouse user would, and returns its reference number.
func (s *Sim) AdjustStock(item, warehouse string, qty Dec, description string) (string, error) {
	s.mu.Lock()
	it := s.itemLocked(item)
	wh := s.st.Ref.warehouse(warehouse)
	switch {
	case it == nil:
		s.mu.Unlock()
		return "", fmt.Errorf("sim: no item %s", item)
	case !it.Stock():
		s.mu.Unlock()
		return "", fmt.Errorf("sim: %s is a non-stock item", item)
	case wh == nil:
		s.mu.Unlock()
		return "", fmt.Errorf("sim: no warehouse %q", warehouse)
	}
	now := s.now()
	a := &Adjustment{Status: "Released", Released: true, Date: day(now), FinancialPeriod: period(now), Description: description,
		BranchNumber: s.st.Ref.mainBranch(), TotalQuantity: qty, Created: now, Modified: now,
		Lines: []AdjustmentLine{{LineNumber: 1, InventoryNumber: it.Number, WarehouseID: wh.ID, Quantity: qty, UOM: it.BaseUnit}}}
	a.ReferenceNumber = s.nextNumberLocked("adjustment", "%06d", 1, func(n string) bool { return s.adjustmentLocked(n) != nil })
	s.st.Adjustments = append(s.st.Adjustments, a)
	if it.OnHand == nil {
		it.OnHand = map[string]Dec{}
	}
	it.OnHand[wh.ID] = it.OnHand[wh.ID].Add(qty)
	it.AvailabilityModified = now
	s.mu.Unlock()
	return a.ReferenceNumber, nil
}

func must(err error) {
	if err != nil {
		panic(fmt.Sprintf("sim: the demo seed does not fit: %v", err))
	}
}
