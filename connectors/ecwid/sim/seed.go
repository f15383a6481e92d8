package sim

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
)

// Seeding: records put in place without the API, as the store's admin or
// its storefront would, for tests and the demo. The same checks as the
// API apply (SKUs, categories, statuses); records are stamped with the
// clock and webhooks are sent as for API changes.

// SetProfile replaces the store profile (currency, gross or net prices,
// taxes, order id prefix and suffix). A precision of 0 for a currency
// other than one without decimals is taken as 2.
func (s *Sim) SetProfile(p Profile) {
	if p.CurrencyPrecision == 0 && !slices.Contains([]string{"JPY", "KRW", "ISK", "HUF", "CLP", "VND"}, p.Currency) {
		p.CurrencyPrecision = 2
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Profile = clone(p)
}

// Profile is the store profile.
func (s *Sim) Profile() Profile {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clone(s.st.Profile)
}

// AddCategory stores a category and returns its id; ID is ignored, a
// zero OrderBy goes after its siblings.
func (s *Sim) AddCategory(c Category) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.TrimSpace(c.Name) == "" {
		return 0, errors.New("sim: a category needs a name")
	}
	if c.ParentID != 0 && s.categoryLocked(c.ParentID) == nil {
		return 0, fmt.Errorf("sim: no category %d", c.ParentID)
	}
	if c.OrderBy == 0 {
		c.OrderBy = 10 * int64(1+len(s.childrenLocked(c.ParentID)))
	}
	c.ID = s.nextIDLocked(kindCategory)
	s.st.Categories = append(s.st.Categories, &c)
	return c.ID, nil
}

// AddProduct stores a product as the admin adds it and returns its id.
// ID and the combinations' ids are handed out; a combination's options
// are added to the product's options when missing; SKUs, the
// externalReferenceId and category ids are checked as the API checks
// them. Stock is as given: set Unlimited, or Quantity for tracked stock;
// so is Enabled (the zero value is a disabled product, which only a
// secret token sees).
func (s *Sim) AddProduct(p Product) (int64, error) {
	p = clone(p)
	s.mu.Lock()
	if p.SKU == "" || p.Name == "" {
		s.mu.Unlock()
		return 0, errors.New("sim: a product needs a SKU and a name")
	}
	if err := s.checkProductLocked(&p); err != nil {
		s.mu.Unlock()
		return 0, err
	}
	now := s.now()
	p.ID = s.nextIDLocked(kindProduct)
	p.Created, p.Updated = now, now
	if p.DefaultCategoryID == 0 && len(p.CategoryIDs) > 0 {
		p.DefaultCategoryID = p.CategoryIDs[0]
	}
	for i := range p.Attributes {
		if p.Attributes[i].ID == 0 {
			p.Attributes[i].ID = s.nextIDLocked(kindAttribute)
		}
	}
	for i := range p.Combinations {
		c := &p.Combinations[i]
		c.ID = s.nextIDLocked(kindCombination)
		c.Number = int64(i + 1)
		addOptions(&p, c.Options)
	}
	s.st.Products = append(s.st.Products, &p)
	ev := s.productEvent(p.ID, "created")
	s.mu.Unlock()
	s.send([]*Event{ev})
	return p.ID, nil
}

func (s *Sim) checkProductLocked(p *Product) error {
	if err := s.skuFreeLocked(p.SKU, -1, 0); err != nil {
		return fmt.Errorf("sim: %s", err.msg)
	}
	if err := s.externalRefFreeLocked(p.ExternalRef, -1); err != nil {
		return fmt.Errorf("sim: %s", err.msg)
	}
	if err := s.categoriesExistLocked(p.CategoryIDs); err != nil {
		return fmt.Errorf("sim: %s", err.msg)
	}
	seen := map[string]bool{p.SKU: true}
	for i, c := range p.Combinations {
		if len(c.Options) == 0 {
			return fmt.Errorf("sim: combination %d of %s names no option values", i, p.SKU)
		}
		for _, other := range p.Combinations[:i] {
			if sameOptions(other.Options, c.Options) {
				return fmt.Errorf("sim: two combinations of %s have the same options", p.SKU)
			}
		}
		if c.SKU == "" || c.SKU == p.SKU {
			continue
		}
		if err := s.skuFreeLocked(c.SKU, -1, 0); err != nil || (seen[c.SKU] && !s.o.AllowDuplicateSKUs) {
			return fmt.Errorf("sim: SKU %s is taken", c.SKU)
		}
		seen[c.SKU] = true
	}
	return nil
}

// AddCustomer stores a customer account and returns its id; a zero
// Registered is now.
func (s *Sim) AddCustomer(c Customer) (int64, error) {
	c = clone(c)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !strings.Contains(c.Email, "@") {
		return 0, fmt.Errorf("sim: %q is not an e-mail address", c.Email)
	}
	now := s.now()
	if c.Registered.IsZero() {
		c.Registered = now
	}
	c.Registered = c.Registered.UTC().Truncate(time.Second)
	c.Updated = now
	c.ID = s.nextIDLocked(kindCustomer)
	for i := range c.ShippingAddresses {
		c.ShippingAddresses[i].ID = s.nextIDLocked(kindAddress)
	}
	s.st.Customers = append(s.st.Customers, &c)
	return c.ID, nil
}

// AddOrder stores an order exactly as given (no amount is recomputed; the
// amounts without tax are derived when zero) and returns its id. Empty
// statuses are AWAITING_PAYMENT and AWAITING_PROCESSING; a zero Created
// is now. PlaceOrder prices an order as the checkout would instead.
func (s *Sim) AddOrder(o Order) (string, error) {
	o = clone(o)
	o.PaymentStatus = cmp.Or(o.PaymentStatus, "AWAITING_PAYMENT")
	o.FulfillmentStatus = cmp.Or(o.FulfillmentStatus, "AWAITING_PROCESSING")
	if err := checkOrder(&o); err != nil {
		return "", err
	}
	deriveWithoutTax(&o)
	s.mu.Lock()
	s.storeOrderLocked(&o)
	ev := s.orderEventLocked(&o, "created", "", "")
	s.mu.Unlock()
	s.send([]*Event{ev})
	return o.ID, nil
}

func checkOrder(o *Order) error {
	if !slices.Contains(PaymentStatuses, o.PaymentStatus) {
		return fmt.Errorf("sim: unknown payment status %q", o.PaymentStatus)
	}
	if !slices.Contains(FulfillmentStatuses, o.FulfillmentStatus) {
		return fmt.Errorf("sim: unknown fulfillment status %q", o.FulfillmentStatus)
	}
	for i, it := range o.Items {
		if it.Quantity < 1 {
			return fmt.Errorf("sim: item %d needs a quantity of at least 1", i)
		}
	}
	return nil
}

// deriveWithoutTax fills the amounts without tax that are zero.
func deriveWithoutTax(o *Order) {
	var lineTax Money
	for i := range o.Items {
		it := &o.Items[i]
		lineTax += it.Tax
		if it.PriceWithoutTax == 0 {
			it.PriceWithoutTax = it.Price
			if o.PricesIncludeTax {
				it.PriceWithoutTax -= Money(divRound(int64(it.Tax), it.Quantity))
			}
		}
		if it.ProductPrice == 0 {
			it.ProductPrice = it.Price
		}
	}
	if o.SubtotalWithoutTax == 0 {
		o.SubtotalWithoutTax = o.Subtotal
		if o.PricesIncludeTax {
			o.SubtotalWithoutTax -= lineTax
		}
	}
	if o.TotalWithoutTax == 0 {
		o.TotalWithoutTax = o.Total - o.Tax
	}
	if so := o.ShippingOption; so != nil && so.RateWithoutTax == 0 {
		so.RateWithoutTax = so.Rate
	}
}

// SetOrderStatus changes an order's payment and fulfillment status ("":
// unchanged), as the admin or a payment provider would (a test that pays
// an order later), stamping it and sending order.updated.
func (s *Sim) SetOrderStatus(id, payment, fulfillment string) error {
	if payment != "" && !slices.Contains(PaymentStatuses, payment) {
		return fmt.Errorf("sim: unknown payment status %q", payment)
	}
	if fulfillment != "" && !slices.Contains(FulfillmentStatuses, fulfillment) {
		return fmt.Errorf("sim: unknown fulfillment status %q", fulfillment)
	}
	s.mu.Lock()
	o := s.findOrderLocked(id)
	if o == nil {
		s.mu.Unlock()
		return fmt.Errorf("sim: no order %s", id)
	}
	oldPay, oldFul := o.PaymentStatus, o.FulfillmentStatus
	o.PaymentStatus = cmp.Or(payment, o.PaymentStatus)
	o.FulfillmentStatus = cmp.Or(fulfillment, o.FulfillmentStatus)
	o.Updated = s.now()
	ev := s.orderEventLocked(o, "updated", oldPay, oldFul)
	s.mu.Unlock()
	s.send([]*Event{ev})
	return nil
}

// stockLocked finds the stock a SKU names: a product's own, or a
// combination's (first match, products in creation order).
func (s *Sim) stockLocked(sku string) (p *Product, c *Combination) {
	for _, p := range s.st.Products {
		if p.SKU == sku {
			return p, nil
		}
		for i := range p.Combinations {
			if p.Combinations[i].SKU == sku {
				return p, &p.Combinations[i]
			}
		}
	}
	return nil, nil
}

// changeStock applies f to the quantity and unlimited flag a SKU names.
func (s *Sim) changeStock(sku string, f func(qty *int64, unlimited *bool)) error {
	s.mu.Lock()
	p, c := s.stockLocked(sku)
	if p == nil {
		s.mu.Unlock()
		return fmt.Errorf("sim: no product or combination with SKU %s", sku)
	}
	if c != nil {
		f(&c.Quantity, &c.Unlimited)
	} else {
		f(&p.Quantity, &p.Unlimited)
	}
	p.Updated = s.now()
	ev := s.productEvent(p.ID, "updated")
	s.mu.Unlock()
	s.send([]*Event{ev})
	return nil
}

// SetStock sets the tracked stock of a product or combination SKU.
func (s *Sim) SetStock(sku string, qty int64) error {
	return s.changeStock(sku, func(q *int64, u *bool) { *q, *u = qty, false })
}

// AdjustStock moves the tracked stock of a SKU by delta (a sale, a
// delivery); unlimited stock stays unlimited.
func (s *Sim) AdjustStock(sku string, delta int64) error {
	return s.changeStock(sku, func(q *int64, u *bool) {
		if !*u {
			*q += delta
		}
	})
}

// SetUnlimited gives a SKU unlimited stock.
func (s *Sim) SetUnlimited(sku string) error {
	return s.changeStock(sku, func(_ *int64, u *bool) { *u = true })
}

// Inspection: deep copies of what the store holds.

// Stock is the stock a product or combination SKU has.
func (s *Sim) Stock(sku string) (qty int64, unlimited, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, c := s.stockLocked(sku)
	switch {
	case p == nil:
		return 0, false, false
	case c != nil:
		return c.Quantity, c.Unlimited, true
	}
	return p.Quantity, p.Unlimited, true
}

// Orders are all orders, oldest first (unfinished ones included).
func (s *Sim) Orders() []Order { return copies(s, func(st *state) []*Order { return st.Orders }) }

// Order is one order by any form of its id.
func (s *Sim) Order(id string) (Order, bool) {
	return copyOf(s, func(*state) *Order { return s.findOrderLocked(id) })
}

// Products are all products, oldest first.
func (s *Sim) Products() []Product {
	return copies(s, func(st *state) []*Product { return st.Products })
}

// Product is one product by id.
func (s *Sim) Product(id int64) (Product, bool) {
	return copyOf(s, func(*state) *Product { return s.productLocked(id) })
}

// ProductBySKU is the product with a SKU, or the product whose
// combination has it (as the API's sku search answers).
func (s *Sim) ProductBySKU(sku string) (Product, bool) {
	return copyOf(s, func(*state) *Product { p, _ := s.stockLocked(sku); return p })
}

// Combinations are a product's combinations.
func (s *Sim) Combinations(productID int64) []Combination {
	p, _ := s.Product(productID)
	return p.Combinations
}

// Categories are all categories, oldest first.
func (s *Sim) Categories() []Category {
	return copies(s, func(st *state) []*Category { return st.Categories })
}

// Customers are all customers, oldest first.
func (s *Sim) Customers() []Customer {
	return copies(s, func(st *state) []*Customer { return st.Customers })
}

// Customer is one customer by id.
func (s *Sim) Customer(id int64) (Customer, bool) {
	return copyOf(s, func(*state) *Customer { return s.customerLocked(id) })
}

func copies[T any](s *Sim, all func(*state) []*T) []T {
	return simkit.CopyAll(&s.mu, func() []*T { return all(&s.st) })
}

func copyOf[T any](s *Sim, find func(*state) *T) (T, bool) {
	return simkit.CopyOne(&s.mu, func() *T { return find(&s.st) })
}
