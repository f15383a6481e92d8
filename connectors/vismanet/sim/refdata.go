package sim

import (
	"net/http"
	"slices"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
)

// RefData is the company's reference data: what writes refer to by id and
// the reference endpoints list. Reference and SetReference read and
// replace it whole.
type RefData struct {
	Branches        []Branch        `json:"branches"`
	CreditTerms     []CreditTerm    `json:"creditTerms"`
	Vats            []Vat           `json:"vats"`
	VatCategories   []VatCategory   `json:"vatCategories"`
	VatZones        []VatZone       `json:"vatZones"`
	PaymentMethods  []PaymentMethod `json:"paymentMethods"`
	Warehouses      []Warehouse     `json:"warehouses"`
	Currencies      []Currency      `json:"currencies"`
	Countries       []Country       `json:"countries"`
	OrderTypes      []OrderType     `json:"orderTypes"`
	CustomerClasses []CustomerClass `json:"customerClasses"`
	ItemClasses     []ItemClass     `json:"itemClasses"`
	Attributes      []Attribute     `json:"attributes"`
	Accounts        []Account       `json:"accounts"`
	Carriers        []Carrier       `json:"carriers"`
	// DefaultSalesAccount is the revenue account of an invoice line that
	// names none and whose item has none.
	DefaultSalesAccount string `json:"defaultSalesAccount"`
	// Modified stamps the reference data (its lastModifiedDateTime).
	Modified time.Time `json:"modified"`
}

// Branch is a branch (the company's legal unit).
type Branch struct {
	ID                int64
	Number, Name      string
	IsMain            bool
	VatRegistrationID string
	CountryID         string
	VatZoneID         string
}

// CreditTerm is a credit term: the invoice falls due DueDays after its date.
type CreditTerm struct {
	ID, Description string
	DueDays         int64
}

// Vat is a VAT id with its rate in percent.
type Vat struct {
	ID, Description string
	Rate            Dec
	// XMLType is the Visma XML VAT type (VatTypeHigh, VatTypeLow, VatTypeZero …).
	XMLType string
	// IncludedInPrice: prices include this VAT and it is extracted from
	// them (calculateOn ExtractFromItemAmount); otherwise it is added
	// (ItemAmount).
	IncludedInPrice bool
}

// VatCategory groups the VAT ids a line of this category may carry; the
// document's VAT zone picks among them.
type VatCategory struct {
	ID, Description string
	VatIDs          []string
}

// VatZone is a VAT zone (domestic, a country, EU, export): the VAT ids
// that apply to documents in it.
type VatZone struct {
	ID, Description    string
	DefaultVatCategory string
	VatIDs             []string
}

// PaymentMethod is a payment method.
type PaymentMethod struct {
	ID, Description string
	// MeansOfPayment: CreditCard, CashOrCheck, DirectDeposit.
	MeansOfPayment string
}

// Warehouse is a warehouse of a branch.
type Warehouse struct {
	ID, Description, Branch string
}

// Currency is a currency; one is the base currency.
type Currency struct {
	ID, Description, Symbol string
	IsBase                  bool
}

// Country is a country by ISO 3166 code.
type Country struct{ ID, Name string }

// OrderType is a sales order type (SO …).
type OrderType struct {
	ID, Description string
	// Behavior: SalesOrder, Invoice, Quote, RMAOrder, CreditMemo.
	Behavior string
}

// CustomerClass is a customer class; its VatZoneID is the zone of its
// customers that have none of their own.
type CustomerClass struct {
	ID, Description, VatZoneID, PaymentMethodID string
}

// ItemClass is an inventory item class: the default type of its items and
// the attributes they carry.
type ItemClass struct {
	ID, Description, Type string
	// Attributes are the ids of the class's attributes; Required those an
	// item of the class must have.
	Attributes, Required []string
}

// Attribute is an attribute definition; a Combo's value must be one of Values.
type Attribute struct {
	ID, Description string
	// ControlType: Text, Combo, MultiSelectCombo, Lookup, Checkbox, Datetime.
	ControlType string
	Values      []AttributeValue
}

// AttributeValue is one value of a Combo attribute.
type AttributeValue struct{ ID, Description string }

// Account is a general ledger account.
type Account struct {
	ID          int64
	Number      string
	Description string
	// Type: Asset, Liability, Income, Expense.
	Type   string
	Active bool
}

// Carrier is a shipping method (ship via).
type Carrier struct{ ID, Description string }

// The reference data of a new company (a Dutch company selling in the
// Netherlands and to consumers in Belgium). Seeds and the demo use the ids.
const (
	BranchMain    = "1"
	WarehouseMain = "MAIN"
	BaseCurrency  = "EUR"
	OrderTypeSO   = "SO"

	Terms14   = "14"
	Terms30   = "30"
	TermsCash = "0"

	// VAT ids.
	VatNLHigh = "NLH21"
	VatNLLow  = "NLL9"
	VatNLZero = "NL0"
	VatBEHigh = "BEH21"
	VatBELow  = "BEL6"
	// VAT categories (vatCode of items, taxCategory and vatCodeId of lines):
	// one VAT id each, so a category per country and rate.
	VatCatHigh   = "1"
	VatCatLow    = "2"
	VatCatZero   = "3"
	VatCatBEHigh = "4"
	VatCatBELow  = "5"
	// VAT zones.
	VatZoneNL     = "01"
	VatZoneBE     = "BE"
	VatZoneEU     = "EU"
	VatZoneExport = "EX"

	PaymentIDEAL     = "IDEAL"
	PaymentTransfer  = "BANK"
	PaymentCard      = "CARD"
	CustomerClassNL  = "NL"
	CustomerClassBE  = "BE"
	ItemClassStock   = "STOCK"
	ItemClassService = "SERVICE"
	AttributeColour  = "COLOUR"
	AttributeOrigin  = "ORIGIN"
	// AttributeChannel is a customer attribute: where the customer buys.
	AttributeChannel = "CHANNEL"

	// GL accounts.
	AccountBank         = "1100"
	AccountReceivable   = "1300"
	AccountVATHigh      = "1500"
	AccountVATLow       = "1510"
	AccountStock        = "3000"
	AccountCostOfSales  = "4000"
	AccountRevenueNL    = "8000"
	AccountRevenueBE    = "8010"
	AccountShipping     = "8050"
	AccountDiscounts    = "8090"
	AccountRoundingDiff = "8990"
)

func defaultRefData() RefData {
	rate := func(s string) Dec { return MustDec(s) }
	return RefData{
		Branches: []Branch{{ID: 1, Number: BranchMain, Name: "Koppel Demo B.V.", IsMain: true,
			VatRegistrationID: "NL001122334B01", CountryID: "NL", VatZoneID: VatZoneNL}},
		CreditTerms: []CreditTerm{
			{ID: TermsCash, Description: "Direct", DueDays: 0},
			{ID: Terms14, Description: "14 dagen", DueDays: 14},
			{ID: Terms30, Description: "30 dagen", DueDays: 30},
		},
		Vats: []Vat{
			{ID: VatNLHigh, Description: "Btw hoog 21%", Rate: rate("21"), XMLType: "VatTypeHigh"},
			{ID: VatNLLow, Description: "Btw laag 9%", Rate: rate("9"), XMLType: "VatTypeLow"},
			{ID: VatNLZero, Description: "Btw 0%", Rate: rate("0"), XMLType: "VatTypeZero"},
			{ID: VatBEHigh, Description: "TVA/BTW België 21% (OSS)", Rate: rate("21"), XMLType: "VatTypeHigh"},
			{ID: VatBELow, Description: "TVA/BTW België 6% (OSS)", Rate: rate("6"), XMLType: "VatTypeLow"},
		},
		VatCategories: []VatCategory{
			{ID: VatCatHigh, Description: "Hoog tarief", VatIDs: []string{VatNLHigh}},
			{ID: VatCatLow, Description: "Laag tarief", VatIDs: []string{VatNLLow}},
			{ID: VatCatZero, Description: "Nultarief", VatIDs: []string{VatNLZero}},
			{ID: VatCatBEHigh, Description: "België hoog tarief (OSS)", VatIDs: []string{VatBEHigh}},
			{ID: VatCatBELow, Description: "België laag tarief (OSS)", VatIDs: []string{VatBELow}},
		},
		VatZones: []VatZone{
			{ID: VatZoneNL, Description: "Binnenland", DefaultVatCategory: VatCatHigh, VatIDs: []string{VatNLHigh, VatNLLow, VatNLZero}},
			{ID: VatZoneBE, Description: "België (OSS)", DefaultVatCategory: VatCatBEHigh, VatIDs: []string{VatBEHigh, VatBELow, VatNLZero}},
			{ID: VatZoneEU, Description: "EU ondernemers (verlegd)", DefaultVatCategory: VatCatZero, VatIDs: []string{VatNLZero}},
			{ID: VatZoneExport, Description: "Buiten de EU", DefaultVatCategory: VatCatZero, VatIDs: []string{VatNLZero}},
		},
		PaymentMethods: []PaymentMethod{
			{ID: PaymentIDEAL, Description: "iDEAL", MeansOfPayment: "DirectDeposit"},
			{ID: PaymentTransfer, Description: "Bankoverschrijving", MeansOfPayment: "DirectDeposit"},
			{ID: PaymentCard, Description: "Creditcard", MeansOfPayment: "CreditCard"},
		},
		Warehouses: []Warehouse{{ID: WarehouseMain, Description: "Hoofdmagazijn", Branch: BranchMain}},
		Currencies: []Currency{{ID: "EUR", Description: "Euro", Symbol: "€", IsBase: true}, {ID: "USD", Description: "US Dollar", Symbol: "$"}},
		Countries: []Country{{"NL", "Netherlands"}, {"BE", "Belgium"}, {"DE", "Germany"}, {"FR", "France"},
			{"LU", "Luxembourg"}, {"GB", "United Kingdom"}, {"NO", "Norway"}, {"US", "United States"}},
		OrderTypes: []OrderType{{ID: OrderTypeSO, Description: "Sales order", Behavior: "SalesOrder"}},
		CustomerClasses: []CustomerClass{
			{ID: CustomerClassNL, Description: "Klanten Nederland", VatZoneID: VatZoneNL, PaymentMethodID: PaymentTransfer},
			{ID: CustomerClassBE, Description: "Klanten België", VatZoneID: VatZoneBE, PaymentMethodID: PaymentTransfer},
		},
		ItemClasses: []ItemClass{
			{ID: ItemClassStock, Description: "Voorraadartikelen", Type: "FinishedGoodItem", Attributes: []string{AttributeColour, AttributeOrigin}},
			{ID: ItemClassService, Description: "Diensten en kosten", Type: "NonStockItem"},
		},
		Attributes: []Attribute{
			{ID: AttributeColour, Description: "Kleur", ControlType: "Combo",
				Values: []AttributeValue{{"WHITE", "Wit"}, {"BLACK", "Zwart"}, {"RED", "Rood"}}},
			{ID: AttributeOrigin, Description: "Herkomst", ControlType: "Text"},
			{ID: AttributeChannel, Description: "Verkoopkanaal", ControlType: "Text"},
		},
		Accounts: []Account{
			{ID: 1, Number: AccountBank, Description: "Bank", Type: "Asset", Active: true},
			{ID: 2, Number: AccountReceivable, Description: "Debiteuren", Type: "Asset", Active: true},
			{ID: 3, Number: AccountVATHigh, Description: "Af te dragen btw hoog", Type: "Liability", Active: true},
			{ID: 4, Number: AccountVATLow, Description: "Af te dragen btw laag", Type: "Liability", Active: true},
			{ID: 5, Number: AccountStock, Description: "Voorraad", Type: "Asset", Active: true},
			{ID: 6, Number: AccountCostOfSales, Description: "Kostprijs omzet", Type: "Expense", Active: true},
			{ID: 7, Number: AccountRevenueNL, Description: "Omzet Nederland", Type: "Income", Active: true},
			{ID: 8, Number: AccountRevenueBE, Description: "Omzet België/EU", Type: "Income", Active: true},
			{ID: 9, Number: AccountShipping, Description: "Verzendkosten", Type: "Income", Active: true},
			{ID: 10, Number: AccountDiscounts, Description: "Kortingen", Type: "Income", Active: true},
			{ID: 11, Number: AccountRoundingDiff, Description: "Afrondingsverschillen", Type: "Expense", Active: true},
		},
		Carriers:            []Carrier{{"POSTNL", "PostNL"}, {"DHL", "DHL Parcel"}, {"PICKUP", "Afhalen"}},
		DefaultSalesAccount: AccountRevenueNL,
	}
}

// Reference returns a copy of the reference data.
func (s *Sim) Reference() RefData {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clone(s.st.Ref)
}

// SetReference replaces the reference data (a test that needs other VAT
// rates, accounts or warehouses); it is stamped modified now.
func (s *Sim) SetReference(ref RefData) {
	ref = clone(ref)
	ref.Modified = s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Ref = ref
}

// SetPricesIncludeVAT makes every VAT id extract its VAT from the prices
// (true) or add it to them (false, a new company's setting).
func (s *Sim) SetPricesIncludeVAT(included bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.st.Ref.Vats {
		s.st.Ref.Vats[i].IncludedInPrice = included
	}
	s.st.Ref.Modified = s.now()
}

// AddAccount adds (or replaces, by number) a GL account.
func (s *Sim) AddAccount(a Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ref := &s.st.Ref
	if i := slices.IndexFunc(ref.Accounts, func(x Account) bool { return eqFold(x.Number, a.Number) }); i >= 0 {
		a.ID = ref.Accounts[i].ID
		ref.Accounts[i] = a
		return
	}
	if a.ID == 0 {
		a.ID = int64(len(ref.Accounts) + 1)
	}
	ref.Accounts = append(ref.Accounts, a)
}

// Lookups of reference data by id (the lock held). They compare ignoring
// case, as the API's database does.

func findRef[T any](list []T, id string, idOf func(T) string) *T {
	for i := range list {
		if eqFold(idOf(list[i]), id) {
			return &list[i]
		}
	}
	return nil
}

func (r *RefData) branch(id string) *Branch {
	return findRef(r.Branches, id, func(b Branch) string { return b.Number })
}
func (r *RefData) terms(id string) *CreditTerm {
	return findRef(r.CreditTerms, id, func(c CreditTerm) string { return c.ID })
}
func (r *RefData) vat(id string) *Vat { return findRef(r.Vats, id, func(v Vat) string { return v.ID }) }
func (r *RefData) vatCategory(id string) *VatCategory {
	return findRef(r.VatCategories, id, func(v VatCategory) string { return v.ID })
}
func (r *RefData) vatZone(id string) *VatZone {
	return findRef(r.VatZones, id, func(v VatZone) string { return v.ID })
}
func (r *RefData) paymentMethod(id string) *PaymentMethod {
	return findRef(r.PaymentMethods, id, func(p PaymentMethod) string { return p.ID })
}
func (r *RefData) warehouse(id string) *Warehouse {
	return findRef(r.Warehouses, id, func(w Warehouse) string { return w.ID })
}
func (r *RefData) currency(id string) *Currency {
	return findRef(r.Currencies, id, func(c Currency) string { return c.ID })
}
func (r *RefData) country(id string) *Country {
	return findRef(r.Countries, id, func(c Country) string { return c.ID })
}
func (r *RefData) orderType(id string) *OrderType {
	return findRef(r.OrderTypes, id, func(o OrderType) string { return o.ID })
}
func (r *RefData) customerClass(id string) *CustomerClass {
	return findRef(r.CustomerClasses, id, func(c CustomerClass) string { return c.ID })
}
func (r *RefData) itemClass(id string) *ItemClass {
	return findRef(r.ItemClasses, id, func(c ItemClass) string { return c.ID })
}
func (r *RefData) attribute(id string) *Attribute {
	return findRef(r.Attributes, id, func(a Attribute) string { return a.ID })
}
func (r *RefData) account(id string) *Account {
	return findRef(r.Accounts, id, func(a Account) string { return a.Number })
}
func (r *RefData) carrier(id string) *Carrier {
	return findRef(r.Carriers, id, func(c Carrier) string { return c.ID })
}

func (r *RefData) baseCurrency() string {
	for _, c := range r.Currencies {
		if c.IsBase {
			return c.ID
		}
	}
	return BaseCurrency
}

// Rendering.

func (s *Sim) branchDto(b Branch) branchDto {
	ref := &s.st.Ref
	d := branchDto{BranchID: b.ID, Number: b.Number, Name: b.Name, IsMainBranch: b.IsMain, IsActive: true,
		LastModifiedDateTime: At(ref.Modified), VatRegistrationID: b.VatRegistrationID}
	if c := ref.currency(ref.baseCurrency()); c != nil {
		d.Currency = &currencyRef{ID: c.ID, Description: c.Description, Symbol: c.Symbol}
	}
	if z := ref.vatZone(b.VatZoneID); z != nil {
		d.VatZone = &idDescDto{ID: z.ID, Description: z.Description}
	}
	if c := ref.country(b.CountryID); c != nil {
		d.DefaultCountry = &idNameDto{ID: c.ID, Name: c.Name}
	}
	return d
}

func (s *Sim) creditTermDto(c CreditTerm) creditTermDto {
	return creditTermDto{TermsID: c.ID, Description: c.Description, VisibleTo: "AL", DueDateType: "N", DueDay1: c.DueDays,
		DiscountType: "N", InstalmentType: "S", LastModifiedDateTime: At(s.st.Ref.Modified)}
}

func (s *Sim) vatCategoryDto(c VatCategory, lines bool) vatCategoryDto {
	d := vatCategoryDto{VatCategoryID: c.ID, Description: c.Description, Active: true, LastModifiedDateTime: At(s.st.Ref.Modified)}
	if lines {
		for _, id := range c.VatIDs {
			if v := s.st.Ref.vat(id); v != nil {
				d.VatCategoryLines = append(d.VatCategoryLines, vatCategoryLineDto{VatID: v.ID, Description: v.Description,
					Type: "Vat", CalculateOn: calculateOn(*v), VatRates: []vatRateLineDto{{VatRate: v.Rate, StartDate: At(vatEpoch)}}})
			}
		}
	}
	return d
}

// vatEpoch is when every VAT rate of the simulator took effect.
var vatEpoch = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)

func (s *Sim) vatZoneDto(z VatZone) vatZoneDto {
	d := vatZoneDto{ID: z.ID, Description: z.Description, DefaultVatCategory: z.DefaultVatCategory}
	if c := s.st.Ref.vatCategory(z.DefaultVatCategory); c != nil {
		d.DefaultTaxCategory = &numberDescDto{Number: c.ID, Description: c.Description}
	}
	return d
}

func (s *Sim) vatDto(v Vat) vatDto {
	ref := &s.st.Ref
	d := vatDto{VatID: v.ID, Description: v.Description, Type: "Vat", IncludeinVatTotal: true, CalculateOn: calculateOn(v),
		VismaXMLVatType: v.XMLType, LastModifiedDateTime: At(ref.Modified),
		Schedules: []vatScheduleDto{{StartDate: At(vatEpoch), VatRate: v.Rate, GroupType: "Output"}}}
	for _, c := range ref.VatCategories {
		if slices.Contains(c.VatIDs, v.ID) {
			d.Categories = append(d.Categories, s.vatCategoryDto(c, false))
		}
	}
	for _, z := range ref.VatZones {
		if slices.Contains(z.VatIDs, v.ID) {
			d.Zones = append(d.Zones, s.vatZoneDto(z))
		}
	}
	return d
}

func calculateOn(v Vat) string {
	if v.IncludedInPrice {
		return "ExtractFromItemAmount"
	}
	return "ItemAmount"
}

func classAttributes(ref *RefData, ids, required []string) []classAttributeDto {
	var out []classAttributeDto
	for i, id := range ids {
		a := ref.attribute(id)
		if a == nil {
			continue
		}
		ca := classAttributeDto{AttributeID: a.ID, Description: a.Description, SortOrder: int64(i + 1),
			Required: slices.Contains(required, id), AttributeType: a.ControlType}
		for _, v := range a.Values {
			ca.Details = append(ca.Details, idDescDto{ID: v.ID, Description: v.Description})
		}
		out = append(out, ca)
	}
	return out
}

func (s *Sim) attributeDto(a Attribute) attributeDto {
	d := attributeDto{AttributeID: a.ID, Description: a.Description, ControlType: a.ControlType,
		CreatedDateTime: At(s.st.Ref.Modified), LastModifiedDateTime: At(s.st.Ref.Modified)}
	for i, v := range a.Values {
		d.Details = append(d.Details, attributeDetailDto{ValueID: v.ID, Description: v.Description, SortOrder: int64(i + 1)})
	}
	return d
}

func (s *Sim) accountDto(a Account) accountDto {
	return accountDto{AccountID: a.ID, AccountCD: a.Number, Type: a.Type, Active: a.Active, Description: a.Description,
		PostOption: "Summary", LastModifiedDateTime: At(s.st.Ref.Modified), AllowManualEntry: true}
}

// referenceRoutes serves the reference endpoints. Those the contract pages
// are paged; the others answer every record.
func (s *Sim) referenceRoutes(add addRoute) {
	ref := func(st *state) *RefData { return &st.Ref }
	// Paged lists with metadata.
	add(OpListAttributes, pagedRef(s, MaxPageSize, func(st *state) []attributeDto {
		return mapped(ref(st).Attributes, s.attributeDto)
	}, true))
	add(OpListVatZones, pagedRef(s, MaxPageSize, func(st *state) []vatZoneDto { return mapped(ref(st).VatZones, s.vatZoneDto) }, false))
	add(OpListCountries, pagedRef(s, MaxPageSize, func(st *state) []countryDto {
		return mapped(ref(st).Countries, func(c Country) countryDto { return countryDto{ID: c.ID, Name: c.Name} })
	}, false))
	add(OpListSalesOrderTypes, pagedRef(s, MaxPageSize, func(st *state) []salesOrderTypeDto {
		return mapped(ref(st).OrderTypes, orderTypeDto)
	}, true))
	add(OpListAccounts, plainRef(s, func(st *state) []accountDto { return mapped(ref(st).Accounts, s.accountDto) }))
	// Unpaged lists.
	add(OpListBranches, plainRef(s, func(st *state) []branchDto { return mapped(ref(st).Branches, s.branchDto) }))
	add(OpListVats, plainRef(s, func(st *state) []vatDto { return mapped(ref(st).Vats, s.vatDto) }))
	add(OpListVatCategories, plainRef(s, func(st *state) []vatCategoryDto {
		return mapped(ref(st).VatCategories, func(c VatCategory) vatCategoryDto { return s.vatCategoryDto(c, true) })
	}))
	add(OpListPaymentMethods, plainRef(s, func(st *state) []paymentMethodDto { return mapped(ref(st).PaymentMethods, paymentMethodDtoOf) }))
	add(OpListWarehouses, plainRef(s, func(st *state) []warehouseDto { return mapped(ref(st).Warehouses, s.warehouseDto) }))
	add(OpListCurrencies, plainRef(s, func(st *state) []currencyDto { return mapped(ref(st).Currencies, currencyDtoOf) }))
	add(OpListCustomerClasses, plainRef(s, func(st *state) []customerClassDto {
		return mapped(ref(st).CustomerClasses, func(c CustomerClass) customerClassDto {
			return customerClassDto{ID: c.ID, Description: c.Description, TaxZoneID: c.VatZoneID, PaymentMethodID: c.PaymentMethodID}
		})
	}))
	add(OpListItemClasses, plainRef(s, func(st *state) []itemClassDto { return mapped(ref(st).ItemClasses, s.itemClassDto) }))
	add(OpListCarriers, plainRef(s, func(st *state) []carrierDto {
		return mapped(ref(st).Carriers, func(c Carrier) carrierDto {
			return carrierDto{CarrierID: c.ID, CarrierDescription: c.Description, LastModifiedDateTime: At(ref(st).Modified)}
		})
	}))
	add(OpListCreditTerms, s.listCreditTerms)

	// One record by id.
	add(OpGetAttribute, oneRef(s, "attributeId", "Attribute", func(st *state, id string) (attributeDto, bool) {
		return got(ref(st).attribute(id), s.attributeDto)
	}))
	add(OpGetBranch, oneRef(s, "branchNumber", "Branch", func(st *state, id string) (branchDto, bool) {
		return got(ref(st).branch(id), s.branchDto)
	}))
	add(OpGetVat, oneRef(s, "vatId", "VAT", func(st *state, id string) (vatDto, bool) { return got(ref(st).vat(id), s.vatDto) }))
	add(OpGetVatCategory, oneRef(s, "taxCategoryId", "VAT category", func(st *state, id string) (vatCategoryDto, bool) {
		return got(ref(st).vatCategory(id), func(c VatCategory) vatCategoryDto { return s.vatCategoryDto(c, true) })
	}))
	add(OpGetVatZone, oneRef(s, "vatZoneId", "VAT zone", func(st *state, id string) (vatZoneDto, bool) {
		return got(ref(st).vatZone(id), s.vatZoneDto)
	}))
	add(OpGetPaymentMethod, oneRef(s, "paymentMethodNumber", "Payment method", func(st *state, id string) (paymentMethodDto, bool) {
		return got(ref(st).paymentMethod(id), paymentMethodDtoOf)
	}))
	add(OpGetWarehouse, oneRef(s, "warehouseID", "Warehouse", func(st *state, id string) (warehouseDto, bool) {
		return got(ref(st).warehouse(id), s.warehouseDto)
	}))
	add(OpGetCurrency, oneRef(s, "curyId", "Currency", func(st *state, id string) (currencyDto, bool) {
		return got(ref(st).currency(id), currencyDtoOf)
	}))
	add(OpGetCountry, oneRef(s, "countryId", "Country", func(st *state, id string) (countryDto, bool) {
		return got(ref(st).country(id), func(c Country) countryDto { return countryDto{ID: c.ID, Name: c.Name} })
	}))
	add(OpGetSalesOrderType, oneRef(s, "orderType", "Order type", func(st *state, id string) (salesOrderTypeDto, bool) {
		return got(ref(st).orderType(id), orderTypeDto)
	}))
	add(OpGetCustomerClass, oneRef(s, "customerClassId", "Customer class", func(st *state, id string) (customerClassDto, bool) {
		return got(ref(st).customerClass(id), func(c CustomerClass) customerClassDto {
			return customerClassDto{ID: c.ID, Description: c.Description, TaxZoneID: c.VatZoneID, PaymentMethodID: c.PaymentMethodID}
		})
	}))
	add(OpGetItemClass, oneRef(s, "itemClassNumber", "Item class", func(st *state, id string) (itemClassDto, bool) {
		return got(ref(st).itemClass(id), s.itemClassDto)
	}))
	add(OpGetAccount, oneRef(s, "accountCd", "Account", func(st *state, id string) (accountDto, bool) {
		return got(ref(st).account(id), s.accountDto)
	}))
}

func orderTypeDto(o OrderType) salesOrderTypeDto {
	return salesOrderTypeDto{OrderType: o.ID, Active: true, Description: o.Description, Behavior: o.Behavior,
		DefaultOperation: "Issue", CustomerDocumentType: "Invoice"}
}

func paymentMethodDtoOf(p PaymentMethod) paymentMethodDto {
	return paymentMethodDto{PaymentMethodID: p.ID, Active: true, MeansOfPayment: p.MeansOfPayment, Description: p.Description}
}

func currencyDtoOf(c Currency) currencyDto {
	return currencyDto{ID: c.ID, Description: c.Description, Symbol: c.Symbol, IsBaseCurrency: c.IsBase, DecimalPrecision: 2,
		IsUsedForAccounting: c.IsBase}
}

func (s *Sim) warehouseDto(w Warehouse) warehouseDto {
	d := warehouseDto{WarehouseID: w.ID, Active: true, Description: w.Description}
	if b := s.st.Ref.branch(w.Branch); b != nil {
		d.Branch = &numberNameDto{Number: b.Number, Name: b.Name}
	}
	return d
}

func (s *Sim) itemClassDto(c ItemClass) itemClassDto {
	return itemClassDto{Type: c.Type, ID: c.ID, Description: c.Description, Attributes: classAttributes(&s.st.Ref, c.Attributes, c.Required)}
}

func mapped[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, x := range in {
		out = append(out, f(x))
	}
	return out
}

func got[T, U any](p *T, f func(T) U) (U, bool) {
	if p == nil {
		var zero U
		return zero, false
	}
	return f(*p), true
}

// plainRef serves a reference list the contract does not page: every
// record, a plain array.
func plainRef[T any](s *Sim, all func(*state) []T) simkit.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		s.mu.Lock()
		out := all(&s.st)
		s.mu.Unlock()
		s.out.JSON(w, r, http.StatusOK, out)
	}
}

// pagedRef serves a paged reference list; changes says it takes the
// lastModifiedDateTime filter (the reference data is stamped as a whole).
func pagedRef[T any, PT interface {
	*T
	listed
}](s *Sim, maxSize int, all func(*state) []T, changes bool) simkit.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		q := r.URL.Query()
		pg, ok := s.page(w, r, maxSize)
		if !ok {
			return
		}
		var f []changeFilter
		if changes {
			var ps problems
			f = parseChanges(q, &ps, "lastModifiedDateTime", "createdDateTime")
			if len(ps) > 0 {
				s.invalid(w, r, ps)
				return
			}
		}
		s.mu.Lock()
		items := all(&s.st)
		if !matchAll(f, s.st.Ref.Modified) {
			items = nil
		}
		s.mu.Unlock()
		writePage[T, PT](s, w, r, items, pg, maxSize)
	}
}

// oneRef serves one reference record by the path parameter param.
func oneRef[T any](s *Sim, param, what string, find func(*state, string) (T, bool)) simkit.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		id := p.Get(param)
		s.mu.Lock()
		v, ok := find(&s.st, id)
		s.mu.Unlock()
		if !ok {
			s.message(w, r, http.StatusNotFound, what+" "+id+" was not found.")
			return
		}
		s.out.JSON(w, r, http.StatusOK, v)
	}
}

// listCreditTerms answers in the envelope the contract gives this list.
func (s *Sim) listCreditTerms(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	q := r.URL.Query()
	pg, ok := s.page(w, r, MaxPageSize)
	if !ok {
		return
	}
	var ps problems
	f := parseChanges(q, &ps, "lastModifiedDateTime", "createdDateTime")
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	s.mu.Lock()
	var all []creditTermDto
	for _, c := range s.st.Ref.CreditTerms {
		if id := q.Get("termsId"); (id == "" || eqFold(id, c.ID)) && matchAll(f, s.st.Ref.Modified) {
			all = append(all, s.creditTermDto(c))
		}
	}
	s.mu.Unlock()
	s.out.JSON(w, r, http.StatusOK, creditTermPageDto{PageNumber: int64(pg.Number()), PageSize: int64(pg.Size),
		TotalCount: int64(len(all)), Records: append([]creditTermDto{}, simkit.Slice(all, pg)...)})
}
