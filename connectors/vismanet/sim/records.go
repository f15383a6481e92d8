package sim

import "time"

// The records the simulated company keeps. They are the simulator's own
// model, not wire types: handlers read writes into them (wire_write.go) and
// render them as the contract's read DTOs (wire_read.go). Seed functions
// take them and inspection functions return deep copies of them.

// Address is a postal address of a customer or a document.
type Address struct {
	Line1, Line2, Line3, PostalCode, City string
	// CountryID is the ISO 3166 code; it must be a country of the company.
	CountryID string
	County    string
}

// Contact is a contact block of a customer or a document.
type Contact struct {
	Name, Attention, Email, Web, Phone1, Phone2, Fax string
}

// Customer is a customer account.
type Customer struct {
	InternalID int64
	// Number is the customer number (customerCd), from the number series
	// unless written with overrideNumberSeries.
	Number string
	Name   string
	// Status: Active, OnHold, CreditHold, Inactive, OneTime.
	Status string

	ClassID, CreditTermsID, CurrencyID, VatZoneID string
	VatRegistrationID, CorporateID, GLN           string
	AccountReference, ParentNumber, PriceClassID  string
	DefaultPaymentMethodID                        string
	Note                                          string
	CreditLimit                                   Dec

	MainAddress, InvoiceAddress, DeliveryAddress Address
	MainContact, InvoiceContact, DeliveryContact Contact

	PrintInvoices, SendInvoicesByEmail, AcceptAutoInvoices bool

	// Attributes are attribute id → value.
	Attributes map[string]string
	// GLAccounts are the customer's own ledger accounts by glAccounts
	// field (salesAccount …); a field not set is the class's.
	GLAccounts map[string]string

	Created, Modified time.Time
	// Version counts the changes; the ETag is made from it.
	Version int64
}

// SalesCategory is a sales category an item belongs to (seeded only: the
// API's item write has no property for it).
type SalesCategory struct {
	ID          int64
	Description string
}

// Item is an inventory item: a stock item (FinishedGoodItem,
// ComponentPartItem, SubassemblyItem) keeps on-hand stock per warehouse;
// a non-stock item (NonStockItem, LaborItem, ServiceItem, ChargeItem,
// ExpenseItem) keeps none.
type Item struct {
	InternalID int64
	Number     string
	// Status: Active, NoSales, NoPurchases, NoRequest, Inactive, MarkedForDeletion.
	Status      string
	Type        string
	Description string
	Body        string
	ClassID     string
	// PostingClassID is free text (the simulator keeps no posting classes).
	PostingClassID string
	// VatCategoryID is the item's VAT category, vatCode on the wire.
	VatCategoryID                  string
	DefaultPrice                   Dec
	BaseUnit, SalesUnit, PurchUnit string
	DefaultWarehouse               string
	// SalesAccount is the revenue account an invoice line of the item books
	// to when the line names none.
	SalesAccount string
	Note         string
	Attributes   map[string]string
	Categories   []SalesCategory
	// OnHand is the stock on hand by warehouse (stock items only).
	OnHand map[string]Dec
	// Attachments are the ids of the item's attachments, oldest first.
	Attachments []string

	Created, Modified time.Time
	// AvailabilityModified is when the item's availability last changed
	// (on hand, or quantities booked on sales orders);
	// AttachmentModified when an attachment was added.
	AvailabilityModified, AttachmentModified time.Time
}

// Stock tells whether the item keeps stock.
func (it Item) Stock() bool { return stockTypes[it.Type] }

var stockTypes = map[string]bool{"FinishedGoodItem": true, "ComponentPartItem": true, "SubassemblyItem": true}

// Attachment is a file attached to an item.
type Attachment struct {
	ID          string
	Name        string
	ContentType string
	Revision    int64
	Data        []byte
	// Item is the inventory number it belongs to.
	Item     string
	Modified time.Time
}

// Totals are a document's amounts, computed when it is written: the lines
// after discounts, the VAT-taxable and exempt parts, the VAT and the total.
type Totals struct {
	Lines, Taxable, Exempt, VAT, Discount, Total Dec
}

// TaxLine is the VAT of one VAT id on a document.
type TaxLine struct {
	VatID           string
	Rate            Dec
	Taxable, Amount Dec
}

// SalesOrder is a sales order.
type SalesOrder struct {
	OrderType, OrderNumber string
	// Status: Open, Hold, Cancelled (the simulator ships nothing).
	Status string
	Hold   bool

	Date, RequestOn time.Time

	CustomerNumber               string
	CustomerOrder, CustomerRefNo string
	Description, Note            string
	Currency, Terms              string
	PaymentMethod, ShipVia       string
	PreferredWarehouse           string
	BranchNumber, VatZoneID      string
	Location                     string

	BillingAddress, ShippingAddress             Address
	BillingContact, ShippingContact             Contact
	OverrideBillingAddress, OverrideShipAddress bool
	OverrideBillingContact, OverrideShipContact bool

	Lines  []OrderLine
	Taxes  []TaxLine
	Totals Totals

	Created, Modified time.Time
}

// OrderTotal is the order's total in cents.
func (o SalesOrder) OrderTotal() int64 { return o.Totals.Total.CentsValue() }

// OrderLine is a line of a sales order.
type OrderLine struct {
	LineNbr         int64
	InventoryNumber string
	Warehouse       string
	UOM             string
	Description     string
	// TaxCategory is the line's VAT category (the item's when not written).
	TaxCategory                     string
	Note                            string
	Quantity, UnitPrice, UnitCost   Dec
	DiscountPercent, DiscountAmount Dec
	ManualDiscount                  bool
	// Amount is quantity × unit price less the discount, in cents.
	Amount Dec
}

// Invoice is a customer invoice.
type Invoice struct {
	ReferenceNumber string
	DocumentType    string
	// Status: Hold, Balanced, Open (released).
	Status   string
	Hold     bool
	Released bool

	CustomerNumber                             string
	CurrencyID, CreditTermsID, PaymentMethodID string
	CustomerRefNumber, ExternalReference       string
	InvoiceText, Note, BranchNumber, VatZoneID string
	FinancialPeriod                            string
	DocumentDate, DueDate                      time.Time

	Lines  []InvoiceLine
	Taxes  []TaxLine
	Totals Totals
	// Balance is what is still to be paid (the total once released).
	Balance Dec

	Created, Modified time.Time
}

// Total is the invoice's amount in cents.
func (i Invoice) Total() int64 { return i.Totals.Total.CentsValue() }

// InvoiceLine is a line of a customer invoice.
type InvoiceLine struct {
	LineNumber      int64
	InventoryNumber string
	Description     string
	Quantity        Dec
	UnitPrice       Dec
	// ManualAmount, when set, is the line's amount as written.
	ManualAmount                    *Dec
	DiscountPercent, DiscountAmount Dec
	Amount                          Dec
	AccountNumber                   string
	// VatCategoryID is vatCodeId on the wire.
	VatCategoryID string
	UOM, Note     string
}

// JournalTransaction is a general ledger batch.
type JournalTransaction struct {
	BatchNumber string
	Module      string
	// Status: Hold, Balanced, Posted (released).
	Status   string
	Hold     bool
	Released bool

	TransactionDate                     time.Time
	FinancialPeriod, Ledger, CurrencyID string
	Description, Branch                 string
	TransactionCode                     string

	Lines                   []JournalLine
	DebitTotal, CreditTotal Dec

	Created, Modified time.Time
}

// DebitCents and CreditCents are the batch's totals in cents.
func (j JournalTransaction) DebitCents() int64  { return j.DebitTotal.CentsValue() }
func (j JournalTransaction) CreditCents() int64 { return j.CreditTotal.CentsValue() }

// JournalLine is one line of a journal transaction.
type JournalLine struct {
	LineNumber           int64
	AccountNumber        string
	Description          string
	ReferenceNumber      string
	Debit, Credit        Dec
	VatCategoryID, VatID string
	Branch, UOM, Note    string
	Quantity             Dec
}

// Adjustment is an inventory adjustment document.
type Adjustment struct {
	ReferenceNumber string
	// Status: Hold, Balanced, Released.
	Status   string
	Hold     bool
	Released bool

	Date                           time.Time
	FinancialPeriod                string
	ExternalReference, Description string
	BranchNumber                   string
	// BatchNumber is the GL batch a release made.
	BatchNumber string

	Lines                    []AdjustmentLine
	TotalQuantity, TotalCost Dec

	Created, Modified time.Time
}

// AdjustmentLine is one line of an inventory adjustment: Quantity is
// added to the warehouse's on-hand stock on release (negative lowers it).
type AdjustmentLine struct {
	LineNumber        int64
	InventoryNumber   string
	WarehouseID       string
	LocationID        string
	Quantity          Dec
	UnitCost, ExtCost Dec
	UOM, ReasonCode   string
	Description       string
}
