package vismanet

// Reference data as the API lists it (reads: plain JSON). Only the fields
// the connector uses; the contract's DTO names in the comments.

// CreditTerm is a CreditTermDto (listed in a paging envelope).
type CreditTerm struct {
	TermsID     string `json:"termsId"`
	Description string `json:"description"`
	// VisibleTo: AL all, CU customers, VE suppliers, DS disabled.
	VisibleTo string `json:"visibleTo"`
	// DueDateType: N a fixed number of days (DueDay1), others by calendar.
	DueDateType string `json:"dueDateType"`
	DueDay1     int    `json:"dueDay1"`
}

// VatCategory is a VatCategoryDto: what the connector calls a VAT code
// (an item's vatCode, a sales order line's taxCategory, an invoice or
// journal line's vatCodeId), with the VAT ids it includes.
type VatCategory struct {
	VatCategoryID string            `json:"vatCategoryId"`
	Description   string            `json:"description"`
	Active        *bool             `json:"active"`
	Lines         []VatCategoryLine `json:"vatCategoryLines"`
}

// VatCategoryLine is one VAT id of a category.
type VatCategoryLine struct {
	VatID       string        `json:"vatId"`
	CalculateOn string        `json:"calculateOn"` // ExtractFromItemAmount: prices include VAT
	VatRates    []VatRateLine `json:"vatRates"`
}

// VatRateLine is a rate from its start date.
type VatRateLine struct {
	VatRate   Decimal `json:"vatRate"`
	StartDate string  `json:"startDate"`
}

// VatZone is a VatZoneDto.
type VatZone struct {
	ID          string `json:"id"`
	Description string `json:"description"`
}

// PaymentMethod is a PaymentMethodDto.
type PaymentMethod struct {
	PaymentMethodID string `json:"paymentMethodID"`
	Active          *bool  `json:"active"`
	Description     string `json:"description"`
}

// Branch is a BranchDto.
type Branch struct {
	BranchID int    `json:"branchId"`
	Number   string `json:"number"`
	Name     string `json:"name"`
	IsActive *bool  `json:"isActive"`
}

// Warehouse is a WarehouseDto.
type Warehouse struct {
	WarehouseID string `json:"warehouseID"`
	Active      *bool  `json:"active"`
	Description string `json:"description"`
}

// Currency is a CurrencyDto.
type Currency struct {
	ID               string `json:"id"`
	Description      string `json:"description"`
	IsBaseCurrency   bool   `json:"isBaseCurrency"`
	DecimalPrecision *int   `json:"decimalPrecision"`
}

// Carrier is a CarrierDto: a ship-via code.
type Carrier struct {
	CarrierID          string `json:"carrierId"`
	CarrierDescription string `json:"carrierDescription"`
}

// SalesOrderType is a SalesOrderTypeDto.
type SalesOrderType struct {
	OrderType   string `json:"orderType"`
	Active      *bool  `json:"active"`
	Description string `json:"description"`
	Behavior    string `json:"behavior"`
}

// Account is an AccountDto: a general ledger account.
type Account struct {
	AccountID            int    `json:"accountID"`
	AccountCD            string `json:"accountCD"`
	Type                 string `json:"type"`
	Active               *bool  `json:"active"`
	Description          string `json:"description"`
	ControlAccountModule string `json:"controlAccountModule"`
	AllowManualEntry     *bool  `json:"allowManualEntry"`
}

// inactive reads an optional "active" flag: only an explicit false counts.
func inactive(active *bool) bool { return active != nil && !*active }
