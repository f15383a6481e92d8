package sim

import (
	"errors"
	"fmt"
	"strings"

	"github.com/koppel/koppel/connectors/simkit"
)

// Seeding: records put in place without the API, for tests and the demo.
// References are checked as the API would check them; the records are
// stamped with the clock as if written now.

// AddCustomer stores a customer; an empty Number takes the next of the
// number series, an empty Status is Active. It returns the number.
func (s *Sim) AddCustomer(c Customer) (string, error) {
	c = clone(c)
	s.mu.Lock()
	defer s.mu.Unlock()
	ref := &s.st.Ref
	switch {
	case strings.TrimSpace(c.Name) == "":
		return "", errors.New("sim: a customer needs a name")
	case c.Number != "" && s.customerLocked(c.Number) != nil:
		return "", fmt.Errorf("sim: customer %s exists already", c.Number)
	case c.ClassID != "" && ref.customerClass(c.ClassID) == nil:
		return "", fmt.Errorf("sim: no customer class %q", c.ClassID)
	case c.CreditTermsID != "" && ref.terms(c.CreditTermsID) == nil:
		return "", fmt.Errorf("sim: no credit terms %q", c.CreditTermsID)
	case c.VatZoneID != "" && ref.vatZone(c.VatZoneID) == nil:
		return "", fmt.Errorf("sim: no VAT zone %q", c.VatZoneID)
	case c.CurrencyID != "" && ref.currency(c.CurrencyID) == nil:
		return "", fmt.Errorf("sim: no currency %q", c.CurrencyID)
	}
	for _, a := range []Address{c.MainAddress, c.InvoiceAddress, c.DeliveryAddress} {
		if a.CountryID != "" && ref.country(a.CountryID) == nil {
			return "", fmt.Errorf("sim: no country %q", a.CountryID)
		}
	}
	if c.Status == "" {
		c.Status = "Active"
	}
	s.storeCustomerLocked(&c)
	return c.Number, nil
}

// AddItem stores an inventory item. Its Type defaults to its class's, its
// Status to Active, its units to PCS; a stock item without a default
// warehouse gets the first warehouse. OnHand may only be given for a
// stock item.
func (s *Sim) AddItem(it Item) error {
	it = clone(it)
	s.mu.Lock()
	defer s.mu.Unlock()
	ref := &s.st.Ref
	class := ref.itemClass(it.ClassID)
	switch {
	case strings.TrimSpace(it.Number) == "":
		return errors.New("sim: an item needs a number")
	case s.itemLocked(it.Number) != nil:
		return fmt.Errorf("sim: item %s exists already", it.Number)
	case it.ClassID != "" && class == nil:
		return fmt.Errorf("sim: no item class %q", it.ClassID)
	case it.VatCategoryID != "" && ref.vatCategory(it.VatCategoryID) == nil:
		return fmt.Errorf("sim: no VAT category %q", it.VatCategoryID)
	case it.DefaultWarehouse != "" && ref.warehouse(it.DefaultWarehouse) == nil:
		return fmt.Errorf("sim: no warehouse %q", it.DefaultWarehouse)
	case it.SalesAccount != "" && ref.account(it.SalesAccount) == nil:
		return fmt.Errorf("sim: no account %q", it.SalesAccount)
	}
	for id, v := range it.Attributes {
		a := ref.attribute(id)
		if a == nil {
			return fmt.Errorf("sim: no attribute %q", id)
		}
		if a.ControlType == "Combo" && findRef(a.Values, v, func(x AttributeValue) string { return x.ID }) == nil {
			return fmt.Errorf("sim: %q is not a value of attribute %s", v, id)
		}
	}
	if it.Type == "" && class != nil {
		it.Type = class.Type
	}
	if it.Type == "" {
		it.Type = "FinishedGoodItem"
	}
	if it.Status == "" {
		it.Status = "Active"
	}
	for _, u := range []*string{&it.BaseUnit, &it.SalesUnit, &it.PurchUnit} {
		if *u == "" {
			*u = "PCS"
		}
	}
	if !it.Stock() && len(it.OnHand) > 0 {
		return fmt.Errorf("sim: %s is a non-stock item and keeps no stock", it.Number)
	}
	if it.Stock() && it.DefaultWarehouse == "" {
		it.DefaultWarehouse = ref.mainWarehouse()
	}
	for wh := range it.OnHand {
		if ref.warehouse(wh) == nil {
			return fmt.Errorf("sim: no warehouse %q", wh)
		}
	}
	it.Attachments = nil // AddAttachment adds them
	s.storeItemLocked(&it)
	return nil
}

// SetOnHand sets an item's stock on hand in a warehouse (a stock count),
// stamping its availability.
func (s *Sim) SetOnHand(item, warehouse string, qty Dec) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.itemLocked(item)
	wh := s.st.Ref.warehouse(warehouse)
	switch {
	case it == nil:
		return fmt.Errorf("sim: no item %s", item)
	case !it.Stock():
		return fmt.Errorf("sim: %s is a non-stock item", item)
	case wh == nil:
		return fmt.Errorf("sim: no warehouse %q", warehouse)
	}
	if it.OnHand == nil {
		it.OnHand = map[string]Dec{}
	}
	it.OnHand[wh.ID] = qty
	it.AvailabilityModified = s.now()
	return nil
}

// SetItemPrice changes an item's default price, as a user in the ERP would.
func (s *Sim) SetItemPrice(item string, price Dec) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.itemLocked(item)
	if it == nil {
		return fmt.Errorf("sim: no item %s", item)
	}
	it.DefaultPrice, it.Modified = price, s.now()
	return nil
}

// SetItemDescription changes an item's description, as a user in the ERP
// would.
func (s *Sim) SetItemDescription(item, description string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.itemLocked(item)
	if it == nil {
		return fmt.Errorf("sim: no item %s", item)
	}
	it.Description, it.Modified = description, s.now()
	return nil
}

// AddAttachment attaches a file to an item (a new revision when it has
// one of that name) and returns the attachment's id.
func (s *Sim) AddAttachment(item, name, contentType string, data []byte) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.itemLocked(item)
	if it == nil {
		return "", fmt.Errorf("sim: no item %s", item)
	}
	return s.attachLocked(it, name, contentType, data).ID, nil
}

// Inspection: deep copies of what the company holds.

// Customers are all customers, oldest first.
func (s *Sim) Customers() []Customer {
	return copies(s, func(st *state) []*Customer { return st.Customers })
}

// Customer is one customer by number.
func (s *Sim) Customer(number string) (Customer, bool) {
	return copyOf(s, func(*state) *Customer { return s.customerLocked(number) })
}

// Items are all inventory items, oldest first.
func (s *Sim) Items() []Item { return copies(s, func(st *state) []*Item { return st.Items }) }

// Item is one item by inventory number.
func (s *Sim) Item(number string) (Item, bool) {
	return copyOf(s, func(*state) *Item { return s.itemLocked(number) })
}

// OnHand is an item's stock on hand in a warehouse.
func (s *Sim) OnHand(item, warehouse string) Dec {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it := s.itemLocked(item); it != nil {
		for wh, q := range it.OnHand {
			if eqFold(wh, warehouse) {
				return q
			}
		}
	}
	return Dec{}
}

// Available is on hand less what open sales orders book, as the
// inventory summary shows it.
func (s *Sim) Available(item, warehouse string) Dec {
	on := s.OnHand(item, warehouse)
	s.mu.Lock()
	defer s.mu.Unlock()
	return on.Sub(s.bookedLocked(item, warehouse))
}

// Attachment is one attachment by id, with its bytes.
func (s *Sim) Attachment(id string) (Attachment, bool) {
	return copyOf(s, func(*state) *Attachment { return s.attachmentLocked(id) })
}

// SalesOrders are all sales orders, oldest first.
func (s *Sim) SalesOrders() []SalesOrder {
	return copies(s, func(st *state) []*SalesOrder { return st.Orders })
}

// SalesOrder is one order by type ("" prefers SO) and number.
func (s *Sim) SalesOrder(orderType, number string) (SalesOrder, bool) {
	return copyOf(s, func(*state) *SalesOrder { return s.orderLocked(orderType, number) })
}

// Invoices are all customer invoices, oldest first.
func (s *Sim) Invoices() []Invoice {
	return copies(s, func(st *state) []*Invoice { return st.Invoices })
}

// Invoice is one customer invoice by reference number.
func (s *Sim) Invoice(number string) (Invoice, bool) {
	return copyOf(s, func(*state) *Invoice { return s.invoiceLocked(number) })
}

// JournalTransactions are all journal transactions, oldest first.
func (s *Sim) JournalTransactions() []JournalTransaction {
	return copies(s, func(st *state) []*JournalTransaction { return st.Journals })
}

// JournalTransaction is one journal transaction by batch number.
func (s *Sim) JournalTransaction(number string) (JournalTransaction, bool) {
	return copyOf(s, func(*state) *JournalTransaction { return s.journalLocked(number) })
}

// Adjustments are all inventory adjustments, oldest first.
func (s *Sim) Adjustments() []Adjustment {
	return copies(s, func(st *state) []*Adjustment { return st.Adjustments })
}

// Adjustment is one inventory adjustment by reference number.
func (s *Sim) Adjustment(number string) (Adjustment, bool) {
	return copyOf(s, func(*state) *Adjustment { return s.adjustmentLocked(number) })
}

func copies[T any](s *Sim, all func(*state) []*T) []T {
	return simkit.CopyAll(&s.mu, func() []*T { return all(&s.st) })
}

func copyOf[T any](s *Sim, find func(*state) *T) (T, bool) {
	return simkit.CopyOne(&s.mu, func() *T { return find(&s.st) })
}
