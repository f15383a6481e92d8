package vismanet

// The documents an order is written as (§3.6, checked against the
// contract): a sales order (SalesOrderUpdateDto), a customer invoice
// (CustomerInvoiceUpdateDto, the v2 POST body) and a journal transaction
// (JournalTransactionUpdateDto). Writes are wrapped, their line arrays and
// a line's operation are not; reads are plain.

// Line operations (unwrapped).
const OperationInsert = "Insert"

// SalesOrderUpdate is a SalesOrderUpdateDto with the fields Koppel writes.
type SalesOrderUpdate struct {
	OrderType            *Value[string]           `json:"orderType"`
	OrderNumber          *Value[string]           `json:"orderNumber,omitempty"`
	OverrideNumberSeries *Value[bool]             `json:"overrideNumberSeries,omitempty"`
	Hold                 *Value[bool]             `json:"hold,omitempty"`
	Date                 *Value[string]           `json:"date,omitempty"`
	Customer             *Value[string]           `json:"customer,omitempty"`
	CustomerOrder        *Value[string]           `json:"customerOrder,omitempty"`
	CustomerRefNo        *Value[string]           `json:"customerRefNo,omitempty"`
	Currency             *Value[string]           `json:"currency,omitempty"`
	Description          *Value[string]           `json:"description,omitempty"`
	Note                 *Value[string]           `json:"note,omitempty"`
	BranchNumber         *Value[string]           `json:"branchNumber,omitempty"`
	Terms                *Value[string]           `json:"terms,omitempty"`
	PaymentMethod        *Value[string]           `json:"paymentMethod,omitempty"`
	ShipVia              *Value[string]           `json:"shipVia,omitempty"`
	SalesPerson          *Value[string]           `json:"salesPerson,omitempty"`
	BillingContact       *Value[DocContactUpdate] `json:"soBillingContact,omitempty"`
	BillingAddress       *Value[DocAddressUpdate] `json:"soBillingAddress,omitempty"`
	ShippingContact      *Value[DocContactUpdate] `json:"soShippingContact,omitempty"`
	ShippingAddress      *Value[DocAddressUpdate] `json:"soShippingAddress,omitempty"`
	Lines                []SalesOrderLineUpdate   `json:"lines"`
}

// SalesOrderLineUpdate is a SalesOrderLineUpdateDto.
type SalesOrderLineUpdate struct {
	Operation       string          `json:"operation"`
	InventoryNumber *Value[string]  `json:"inventoryNumber"`
	Warehouse       *Value[string]  `json:"warehouse,omitempty"`
	Quantity        *Value[Decimal] `json:"quantity"`
	UnitPrice       *Value[Decimal] `json:"unitPrice"`
	DiscountAmount  *Value[Decimal] `json:"discountAmount,omitempty"`
	ManualDiscount  *Value[bool]    `json:"manualDiscount,omitempty"`
	LineDescription *Value[string]  `json:"lineDescription,omitempty"`
	TaxCategory     *Value[string]  `json:"taxCategory,omitempty"`
}

// DocAddressUpdate is the address of a document (SalesOrderAddressUpdateDto,
// SalesInvoiceAddressUpdateDto): overrideAddress makes the document keep
// its own instead of the customer's.
type DocAddressUpdate struct {
	OverrideAddress *Value[bool]   `json:"overrideAddress,omitempty"`
	AddressLine1    *Value[string] `json:"addressLine1,omitempty"`
	AddressLine2    *Value[string] `json:"addressLine2,omitempty"`
	PostalCode      *Value[string] `json:"postalCode,omitempty"`
	City            *Value[string] `json:"city,omitempty"`
	CountryID       *Value[string] `json:"countryId,omitempty"`
}

// DocContactUpdate is the contact of a document (SalesOrderContactUpdateDto,
// SalesInvoiceContactUpdateDto).
type DocContactUpdate struct {
	OverrideContact *Value[bool]   `json:"overrideContact,omitempty"`
	Name            *Value[string] `json:"name,omitempty"`
	Attention       *Value[string] `json:"attention,omitempty"`
	Email           *Value[string] `json:"email,omitempty"`
	Phone1          *Value[string] `json:"phone1,omitempty"`
}

// SalesOrder is a SalesOrderDto, as far as the connector reads it.
type SalesOrder struct {
	OrderType     string     `json:"orderType"`
	OrderNo       string     `json:"orderNo"`
	Status        string     `json:"status"`
	Hold          bool       `json:"hold"`
	CustomerOrder string     `json:"customerOrder"`
	CustomerRefNo string     `json:"customerRefNo"`
	Customer      *NumberRef `json:"customer"`
	Currency      string     `json:"currency"`
	OrderTotal    Decimal    `json:"orderTotal"`
	TaxTotal      Decimal    `json:"taxTotal"`
	LastModified  string     `json:"lastModifiedDateTime"`
	Metadata      *Metadata  `json:"metadata,omitempty"`
}

// CustomerInvoiceUpdate is a CustomerInvoiceUpdateDto with the fields
// Koppel writes.
type CustomerInvoiceUpdate struct {
	CustomerNumber       *Value[string]              `json:"customerNumber"`
	ReferenceNumber      *Value[string]              `json:"referenceNumber,omitempty"`
	OverrideNumberSeries *Value[bool]                `json:"overrideNumberSeries,omitempty"`
	DocumentDate         *Value[string]              `json:"documentDate,omitempty"`
	CurrencyID           *Value[string]              `json:"currencyId,omitempty"`
	CustomerRefNumber    *Value[string]              `json:"customerRefNumber,omitempty"`
	InvoiceText          *Value[string]              `json:"invoiceText,omitempty"`
	Hold                 *Value[bool]                `json:"hold,omitempty"`
	CreditTermsID        *Value[string]              `json:"creditTermsId,omitempty"`
	PaymentMethodID      *Value[string]              `json:"paymentMethodId,omitempty"`
	BranchNumber         *Value[string]              `json:"branchNumber,omitempty"`
	Note                 *Value[string]              `json:"note,omitempty"`
	Salesperson          *Value[string]              `json:"salesperson,omitempty"`
	BillingAddress       *Value[DocAddressUpdate]    `json:"billingAddress,omitempty"`
	InvoiceContact       *Value[DocContactUpdate]    `json:"invoiceContact,omitempty"`
	InvoiceLines         []CustomerInvoiceLineUpdate `json:"invoiceLines"`
}

// CustomerInvoiceLineUpdate is a CustomerInvoiceLinesUpdateDto. A line
// without an inventory number is booked on its account.
type CustomerInvoiceLineUpdate struct {
	Operation                string          `json:"operation"`
	InventoryNumber          *Value[string]  `json:"inventoryNumber,omitempty"`
	Description              *Value[string]  `json:"description,omitempty"`
	Quantity                 *Value[Decimal] `json:"quantity"`
	UnitPriceInCurrency      *Value[Decimal] `json:"unitPriceInCurrency"`
	DiscountAmountInCurrency *Value[Decimal] `json:"discountAmountInCurrency,omitempty"`
	ManualDiscount           *Value[bool]    `json:"manualDiscount,omitempty"`
	AccountNumber            *Value[string]  `json:"accountNumber,omitempty"`
	VATCodeID                *Value[string]  `json:"vatCodeId,omitempty"`
}

// CustomerInvoice is a CustomerInvoiceDto, as far as the connector reads it.
type CustomerInvoice struct {
	ReferenceNumber   string     `json:"referenceNumber"`
	DocumentType      string     `json:"documentType"`
	Status            string     `json:"status"`
	Hold              bool       `json:"hold"`
	CustomerRefNumber string     `json:"customerRefNumber"`
	ExternalReference string     `json:"externalReference"`
	Customer          *NumberRef `json:"customer"`
	CurrencyID        string     `json:"currencyId"`
	Amount            Decimal    `json:"amount"`
	DetailTotal       Decimal    `json:"detailTotal"`
	VATTotal          Decimal    `json:"vatTotal"`
	LastModified      string     `json:"lastModifiedDateTime"`
	Metadata          *Metadata  `json:"metadata,omitempty"`
}

// JournalTransactionUpdate is a JournalTransactionUpdateDto with the
// fields Koppel writes.
type JournalTransactionUpdate struct {
	BatchNumber          *Value[string]                 `json:"batchNumber,omitempty"`
	OverrideNumberSeries *Value[bool]                   `json:"overrideNumberSeries,omitempty"`
	Hold                 *Value[bool]                   `json:"hold,omitempty"`
	TransactionDate      *Value[string]                 `json:"transactionDate,omitempty"`
	Ledger               *Value[string]                 `json:"ledger,omitempty"`
	CurrencyID           *Value[string]                 `json:"currencyId,omitempty"`
	Description          *Value[string]                 `json:"description,omitempty"`
	CreateVATTransaction *Value[bool]                   `json:"createVatTransaction,omitempty"`
	TransactionCode      *Value[string]                 `json:"transactionCode,omitempty"`
	Branch               *Value[string]                 `json:"branch,omitempty"`
	Lines                []JournalTransactionLineUpdate `json:"journalTransactionLines"`
}

// JournalTransactionLineUpdate is a JournalTransactionLineUpdateDto.
type JournalTransactionLineUpdate struct {
	Operation              string          `json:"operation"`
	AccountNumber          *Value[string]  `json:"accountNumber"`
	ReferenceNumber        *Value[string]  `json:"referenceNumber,omitempty"`
	TransactionDescription *Value[string]  `json:"transactionDescription,omitempty"`
	DebitAmountInCurrency  *Value[Decimal] `json:"debitAmountInCurrency"`
	CreditAmountInCurrency *Value[Decimal] `json:"creditAmountInCurrency"`
	VATCodeID              *Value[string]  `json:"vatCodeId,omitempty"`
	VATID                  *Value[string]  `json:"vatId,omitempty"`
}

// JournalTransaction is a JournalTransactionDto, as far as the connector
// reads it.
type JournalTransaction struct {
	BatchNumber           string                   `json:"batchNumber"`
	Status                string                   `json:"status"`
	Hold                  bool                     `json:"hold"`
	Description           string                   `json:"description"`
	CurrencyID            string                   `json:"currencyId"`
	DebitTotal            Decimal                  `json:"debitTotal"`
	DebitTotalInCurrency  Decimal                  `json:"debitTotalInCurrency"`
	CreditTotal           Decimal                  `json:"creditTotal"`
	CreditTotalInCurrency Decimal                  `json:"creditTotalInCurrency"`
	LastModified          string                   `json:"lastModifiedDateTime"`
	Lines                 []JournalTransactionLine `json:"journalTransactionLines"`
	Metadata              *Metadata                `json:"metadata,omitempty"`
}

// JournalTransactionLine is a JournalTransactionLineDto.
type JournalTransactionLine struct {
	LineNumber             int     `json:"lineNumber"`
	AccountNumber          string  `json:"accountNumber"`
	ReferenceNumber        string  `json:"referenceNumber"`
	TransactionDescription string  `json:"transactionDescription"`
	DebitAmount            Decimal `json:"debitAmount"`
	DebitAmountInCurrency  Decimal `json:"debitAmountInCurrency"`
	CreditAmount           Decimal `json:"creditAmount"`
	CreditAmountInCurrency Decimal `json:"creditAmountInCurrency"`
}

// ActionResult is the answer of a release (ReleaseInvoiceActionResultDto,
// ReleaseJournalTransactionActionResultDto …).
type ActionResult struct {
	ActionID     string `json:"actionId"`
	ActionResult string `json:"actionResult"` // Queued, InProcess, Failed, Done
	ErrorInfo    string `json:"errorInfo"`
}

// Inventory is an InventoryDto, as far as the order path reads it
// (LookupProducts); the catalogue reads more of it.
type Inventory struct {
	InventoryID     int         `json:"inventoryId"`
	InventoryNumber string      `json:"inventoryNumber"`
	Status          string      `json:"status"`
	Type            string      `json:"type"`
	StockItem       bool        `json:"stockItem"`
	Description     string      `json:"description"`
	VATCode         *IDRef      `json:"vatCode"`
	DefaultPrice    Decimal     `json:"defaultPrice"`
	Attributes      []Attribute `json:"attributes"`
	LastModified    string      `json:"lastModifiedDateTime"`
	Metadata        *Metadata   `json:"metadata,omitempty"`
}
