package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// The demo's credentials: the simulators accept exactly these, and the worker
// gets them through the environment variables the example file names.
const (
	demoCCVPublic  = "demo-public-key"
	demoCCVSecret  = "demo-secret-key"
	demoMplusIdent = "demo-ident"
	demoMplusToken = "demo-secret"
)

func demoCredentials() []string {
	return []string{
		"CCVSHOP_PUBLIC_KEY=" + demoCCVPublic, "CCVSHOP_SECRET_KEY=" + demoCCVSecret,
		"MPLUS_IDENT=" + demoMplusIdent, "MPLUS_SECRET=" + demoMplusToken,
	}
}

// demoProduct is one article of the demo catalogue. Prices include VAT, as
// they do in a Dutch webshop.
type demoProduct struct {
	sku, name string
	cents     int64
	vat       int64 // percent
	group     string
}

var demoCatalogue = []demoProduct{
	{"KOF-1000", "Koffiebonen huismelange 1 kg", 1995, 9, "Koffie"},
	{"KOF-0250", "Espressobonen 250 g", 695, 9, "Koffie"},
	{"THE-0100", "Groene thee 100 g", 449, 9, "Thee"},
	{"MOK-0001", "Mok Koppel, wit", 850, 21, "Servies"},
	{"FLT-0102", "Koffiefilters nr. 4 (100 st.)", 325, 21, "Koffie"},
	{"MLK-0001", "Melkopschuimer", 3495, 21, "Servies"},
}

// unknownSKU is sold in the shop but missing in the till, so its order fails.
const unknownSKU = "CAD-0001"

type demoCustomer struct {
	c     model.Customer
	known bool // already a relation in MplusKASSA
}

func demoCustomers() []demoCustomer {
	addr := func(street, no, pc, city string) model.Address {
		return model.Address{Street: street, HouseNumber: no, PostalCode: pc, City: city, CountryCode: "NL"}
	}
	person := func(first, last, email string, a model.Address) model.Customer {
		a.Name = first + " " + last
		return model.Customer{Kind: model.CustomerPerson, Email: email, Person: model.Person{FirstName: first, LastName: last},
			Phone: "020-5550101", Billing: a, Shipping: a}
	}
	beAddr := func(street, no, pc, city string) model.Address {
		a := addr(street, no, pc, city)
		a.CountryCode = "BE"
		return a
	}
	company := func(name, first, last, email, vat string, a model.Address) model.Customer {
		a.Company, a.Name = name, first+" "+last
		return model.Customer{Kind: model.CustomerCompany, Email: email, CompanyName: name, VATNumber: vat,
			Person: model.Person{FirstName: first, LastName: last}, Phone: "030-5550202", Billing: a, Shipping: a}
	}
	return []demoCustomer{
		{c: person("Anna", "de Boer", "anna.deboer@example.nl", addr("Dorpsstraat", "12", "1234 AB", "Ergenshuizen")), known: true},
		{c: person("Jan", "Visser", "jan.visser@example.nl", addr("Kerkweg", "3", "2345 BC", "Nergensdam"))},
		{c: company("Bakkerij Smit", "Petra", "Smit", "inkoop@bakkerijsmit.example", "NL001234567B01", addr("Marktplein", "7", "3456 CD", "Ergenshuizen")), known: true},
		{c: company("Kantoor Noord B.V.", "Ahmed", "El Amrani", "facilitair@kantoornoord.example", "NL009876543B01", addr("Stationsweg", "101", "4567 DE", "Nergensdam"))},
		{c: person("Sophie", "Jansen", "sophie.jansen@example.nl", addr("Laan van Nu", "45", "5678 EF", "Ergenshuizen"))},
		{c: company("Brasserie Zuid", "An", "Peeters", "inkoop@brasseriezuid.example", "BE0123456789", beAddr("Meir", "20", "2000", "Antwerpen"))},
	}
}

// demoLine builds an order line from the catalogue.
func demoLine(p demoProduct, qty int64) model.OrderLine {
	return model.OrderLine{SKU: p.sku, Name: p.name, Quantity: model.Pieces(qty),
		UnitPrice: model.NewMoney(p.cents, "EUR"), VAT: model.VATPercent(p.vat)}
}

// demoOrder assembles a paid or unpaid order created at the given time.
func demoOrder(cust model.Customer, created time.Time, paid bool, lines ...model.OrderLine) model.Order {
	o := model.Order{CreatedAt: created, Status: model.StatusNew, Paid: paid, Currency: "EUR", PricesIncludeVAT: true,
		Customer: cust, Lines: lines, ShippingCost: model.NewMoney(495, "EUR"), ShippingVAT: model.VATPercent(21),
		ShippingMethod: "PostNL", PaymentMethod: "iDEAL"}
	total := o.ShippingCost
	for _, l := range lines {
		total = total.Add(l.LineTotal())
	}
	o.Total = total
	return o
}

// seedDemo fills fresh simulators: the till's catalogue in article groups
// with stock (the products and stock flows take it to the shop), two known
// relations, shop customer accounts (the customers flow takes them to the
// till) and shop orders that cover every branch of the order flow.
func seedDemo(shop *ccvsim.Sim, till *mplussim.Sim, now time.Time) {
	groups := map[string]int{}
	for _, name := range []string{"Koffie", "Thee", "Servies", "Kleding"} {
		groups[name] = till.AddGroup(0, name)
	}
	for i, p := range demoCatalogue {
		article := mplussim.Product{PLU: p.sku, Description: p.name, PriceInclCents: p.cents, VatCode: vatCodeFor(p.vat),
			Barcode: fmt.Sprintf("87123450%05d", i+1), StockArticle: true, Webshop: true}
		if p.sku == "KOF-1000" {
			article.Images = []mplussim.Image{{Name: "koffiebonen.png", Data: demoPhoto}}
		}
		till.AddProductWithArticles(mplussim.CatalogProduct{Description: p.name, Groups: []int{groups[p.group]},
			Articles: []mplussim.Product{article}})
		_ = till.SetStockLevel(p.sku, model.Pieces(int64(20+7*i)), model.Pieces(int64(i%3)))
	}
	// A configurable product: one article per size.
	var sizes []mplussim.Product
	for _, size := range []string{"S", "M", "L"} {
		sizes = append(sizes, mplussim.Product{PLU: "SHIRT-" + size, Description: "T-shirt Koppel " + size, PriceInclCents: 2495,
			VatCode: vatCodeFor(21), Size: size, Colour: "Wit", StockArticle: true, Webshop: true})
	}
	till.AddProductWithArticles(mplussim.CatalogProduct{Description: "T-shirt Koppel", Groups: []int{groups["Kleding"]}, Articles: sizes})
	for i, size := range []string{"S", "M", "L"} {
		_ = till.SetStockLevel("SHIRT-"+size, model.Pieces(int64(4+i)), 0)
	}
	// The articles shipping costs and discounts are booked on (options
	// shippingPLU and discountPLU in the example file).
	till.AddProduct(mplussim.Product{PLU: "VERZ", Description: "Verzendkosten", VatCode: vatCodeFor(21)})
	till.AddProduct(mplussim.Product{PLU: "KORT", Description: "Korting", VatCode: vatCodeFor(21)})
	// Belgian VAT, for orders delivered in Belgium (countries.BE in the example file).
	till.AddVatGroup(mplussim.VatGroup{Code: demoBelgianVATCode, Rate: model.VATPercent(21), CountryIso3: "BEL"})
	custs := demoCustomers()
	for _, dc := range custs {
		shop.AddUser(dc.c)
	}
	for _, dc := range custs {
		if !dc.known {
			continue
		}
		c := dc.c
		till.AddRelation(mplussim.Relation{Email: c.Email, Name: c.Person.FullName(), CompanyName: c.CompanyName,
			ContactPerson: contactOf(c), Address: c.Billing.StreetLine(), Zipcode: c.Billing.PostalCode,
			City: c.Billing.City, Country: c.Billing.CountryCode, Phone: c.Phone, VatNumber: c.VATNumber})
	}
	cat := demoCatalogue
	ago := func(m int) time.Time { return now.Add(-time.Duration(m) * time.Minute) }
	orders := []model.Order{
		demoOrder(custs[0].c, ago(50), true, demoLine(cat[0], 2), demoLine(cat[4], 1)),                     // known person
		demoOrder(custs[1].c, ago(45), true, demoLine(cat[1], 3), demoLine(cat[3], 2)),                     // new person
		demoOrder(custs[2].c, ago(40), true, demoLine(cat[0], 10), demoLine(cat[2], 4)),                    // known company
		demoOrder(custs[3].c, ago(35), true, demoLine(cat[5], 1), demoLine(cat[3], 6)),                     // new company
		demoOrder(custs[4].c, ago(30), false, demoLine(cat[2], 1)),                                         // unpaid: waits, paid later
		demoOrder(custs[1].c, ago(25), true, demoLine(cat[0], 1), shopOnlyLine()),                          // unknown SKU: fails
		demoOrder(custs[0].c, ago(20), true, demoLine(cat[3], 1), demoLine(cat[1], 1)),                     // known again
		demoOrder(custs[2].c, ago(10), true, demoLine(cat[4], 2), demoLine(cat[5], 1)),                     // company again
		demoOrder(custs[4].c, ago(5), false, demoLine(cat[1], 2), demoLine(cat[4], 1)),                     // unpaid
		demoOrder(custs[3].c, ago(2), true, demoLine(cat[0], 1), demoLine(cat[1], 1), demoLine(cat[2], 1)), // new company again
		belgianOrderWithCoupon(custs[5].c, ago(1)),                                                         // BE VAT code, discount line
	}
	for _, o := range orders {
		shop.AddOrder(o)
	}
}

// demoBelgianVATCode is the till's VAT code for 21 % Belgian VAT.
const demoBelgianVATCode = 7

// belgianOrderWithCoupon is delivered in Belgium (its lines get the Belgian
// VAT code and revenue account) and has a coupon (a discount line).
func belgianOrderWithCoupon(c model.Customer, created time.Time) model.Order {
	o := demoOrder(c, created, true, demoLine(demoCatalogue[3], 4), demoLine(demoCatalogue[5], 1))
	o.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Kortingscode WELKOM",
		Amount: model.NewMoney(-750, "EUR"), VAT: model.VATPercent(21)}}
	o.Total = o.Total.Add(o.Adjustments[0].Amount)
	return o
}

// demoPhoto is a 1×1 PNG, the till's photo of the coffee beans.
var demoPhoto = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

func shopOnlyLine() model.OrderLine {
	return model.OrderLine{SKU: unknownSKU, Name: "Cadeaubon (alleen in de webshop)", Quantity: model.Pieces(1),
		UnitPrice: model.NewMoney(2500, "EUR"), VAT: model.VATPercent(0)}
}

func contactOf(c model.Customer) string {
	if c.Kind == model.CustomerCompany {
		return c.Person.FullName()
	}
	return ""
}

// vatCodeFor follows the simulator's seeded VAT groups (see mplus/sim).
func vatCodeFor(percent int64) int {
	switch percent {
	case 21:
		return mplussim.VatCodeHigh
	case 9:
		return mplussim.VatCodeLow
	default:
		return mplussim.VatCodeZero
	}
}

// simulators is the demo's pair of simulated systems, served in this process.
type simulators struct {
	dir    string
	shop   *ccvsim.Sim
	till   *mplussim.Sim
	srv    []*simkit.Server
	saveMu sync.Mutex
}

// startSimulators serves both simulators on their fixed ports, restoring
// the state a previous run saved in dir or seeding demo data on a first run.
func startSimulators(dir string) (*simulators, error) {
	s := &simulators{dir: dir,
		shop: ccvsim.New(ccvsim.Options{PublicKey: demoCCVPublic, SecretKey: demoCCVSecret}),
		till: mplussim.New(mplussim.Options{Ident: demoMplusIdent, Secret: demoMplusToken}),
	}
	errShop := restoreFile(filepath.Join(dir, "ccvshop.json"), s.shop.Restore)
	errTill := restoreFile(filepath.Join(dir, "mplus.json"), s.till.Restore)
	switch {
	case errors.Is(errShop, errNotSeeded) && errors.Is(errTill, errNotSeeded):
		seedDemo(s.shop, s.till, time.Now())
		fmt.Printf("Seeded the simulators with %d demo orders.\n", s.shop.Len())
	case errShop != nil:
		return nil, errShop
	case errTill != nil:
		return nil, errTill
	default:
		fmt.Printf("Restored the simulators from %s (%d shop orders).\n", dir, s.shop.Len())
	}
	shopSrv, err := simkit.Start(devCCVAddr, s.shop)
	if err != nil {
		return nil, fmt.Errorf("CCV Shop simulator on %s: %w", devCCVAddr, err)
	}
	tillSrv, err := simkit.Start(devMplusAddr, s.till)
	if err != nil {
		_ = shopSrv.Close()
		return nil, fmt.Errorf("MplusKASSA simulator on %s: %w", devMplusAddr, err)
	}
	s.srv = []*simkit.Server{shopSrv, tillSrv}
	return s, nil
}

func restoreFile(path string, restore func([]byte) error) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errNotSeeded
	}
	if err != nil {
		return err
	}
	if err := restore(b); err != nil {
		return fmt.Errorf("%s: %w; delete the folder to start the demo afresh", path, err)
	}
	return nil
}

// save writes both simulators' state, so the next make run continues with it.
func (s *simulators) save() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	for name, snap := range map[string]func() ([]byte, error){"ccvshop.json": s.shop.Snapshot, "mplus.json": s.till.Snapshot} {
		b, err := snap()
		if err != nil {
			return err
		}
		tmp := filepath.Join(s.dir, name+".tmp")
		if err := os.WriteFile(tmp, b, 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(s.dir, name)); err != nil {
			return err
		}
	}
	return nil
}

func (s *simulators) stop() {
	for _, srv := range s.srv {
		_ = srv.Close()
	}
	if err := s.save(); err != nil {
		fmt.Fprintln(os.Stderr, "saving the simulators' state:", err)
	}
}

// simulateShop keeps the demo alive: now and then a customer places an order,
// and waiting orders get paid, so the schedule has something to pick up.
func (s *simulators) simulateShop(ctx context.Context, every time.Duration) {
	if every <= 0 {
		return
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	custs := demoCustomers()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for _, id := range s.shop.Unpaid() {
			_ = s.shop.SetPaid(id, true)
		}
		n := 1 + rng.IntN(3)
		lines := make([]model.OrderLine, 0, n)
		for _, i := range rng.Perm(len(demoCatalogue))[:n] {
			lines = append(lines, demoLine(demoCatalogue[i], int64(1+rng.IntN(4))))
		}
		s.shop.AddOrder(demoOrder(custs[rng.IntN(len(custs))].c, time.Now(), rng.IntN(4) != 0, lines...))
		// A sale at the till: the stock flow takes the new level to the shop.
		sold := demoCatalogue[rng.IntN(len(demoCatalogue))]
		if level, ok := s.till.Stock(sold.sku); ok && level.Free > model.Pieces(1) {
			_ = s.till.SetStockLevel(sold.sku, level.Free-model.Pieces(1), level.Reserved)
		}
		if err := s.save(); err != nil {
			fmt.Fprintln(os.Stderr, "saving the simulators' state:", err)
		}
	}
}
