package vismanet

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/mapping"
	"github.com/koppel/koppel/model"
)

// Options are the options the connector takes in the integration file. The
// tags are the one place their names, defaults and descriptions live
// (connectors.DecodeOptions); docs/vismanet.md explains them for operators.
// A Go caller may leave any field zero for its default (Config.Options).
type Options struct {
	// Connection.
	TokenURL         string        `yaml:"tokenURL" desc:"Visma Connect's token endpoint (client credentials with tenant_id); empty: https://connect.visma.com/connect/token with the production baseURL, else baseURL's own /connect/token (the simulator)"`
	Scopes           []string      `yaml:"scopes" default:"vismanet_erp_service_api:read, vismanet_erp_service_api:create, vismanet_erp_service_api:update" desc:"the scopes asked for the token; the application must have them in the Visma Developer Portal (read is mandatory)"`
	PageSize         int           `yaml:"pageSize" default:"500" min:"1" desc:"pageSize of listings; the API caps it at each endpoint's maximum (metadata.maxPageSize, commonly 1000)"`
	CacheTTL         time.Duration `yaml:"cacheTTL" default:"10m" min:"1s" desc:"how long reference data (credit terms, VAT categories, payment methods, branches, warehouses, carriers, order types, accounts, currencies) is kept"`
	RateLimitWindow  time.Duration `yaml:"rateLimitWindow" default:"1h" min:"1m" desc:"the length of the fixed window the API's rate limit counts in (the X-RateLimit-* headers report the numbers, not the window)"`
	BackgroundWrites bool          `yaml:"backgroundWrites" desc:"send every write with erp-api-background: none and wait for the background job (for companies whose writes take longer than a call may wait)"`
	BackgroundWait   time.Duration `yaml:"backgroundWait" default:"2m" min:"1s" desc:"how long a background write is waited for before the attempt fails (the retry finds the record by its key)"`

	// Orders: every kind.
	Currency         string        `yaml:"currency" desc:"the one currency the company books orders in (ISO 4217); orders in another are refused before anything is written. Empty: any currency, written on the document (Visma.net converts at its own rates)"`
	BranchNumber     string        `yaml:"branchNumber" desc:"the branch documents are written for (branchNumber; a journal's branch); empty: the company's default"`
	PricesIncludeVat bool          `yaml:"pricesIncludeVat" desc:"unit prices on documents and items' default prices include VAT (the VAT categories calculate on 'extract from item amount'); false: prices excl. VAT, Visma.net adds VAT per VAT category over the document"`
	DocumentNumbers  string        `yaml:"documentNumbers" default:"auto" enum:"auto,externalId" desc:"auto: documents get the company's next number and are found by the key in their reference field; externalId: the order's key is the document number (overrideNumberSeries, research [L]: the number series must allow manual numbers)"`
	LookupWindow     time.Duration `yaml:"lookupWindow" default:"720h" min:"1h" desc:"with documentNumbers: auto, how far back sales orders and journal transactions (whose listings cannot filter on the key) are searched for an order's key, by last modification"`

	// Orders: sales orders.
	OrderType string `yaml:"orderType" default:"SO" desc:"the sales order type of orderType order (SO; checked against /v1/salesordertype)"`
	Warehouse string `yaml:"warehouse" desc:"the warehouse of sales order lines; empty: each item's default warehouse"`

	// Orders: customer invoices.
	InvoiceRelease string `yaml:"invoiceRelease" default:"release" enum:"release,hold" desc:"orderType invoice: release books the invoice at once (created balanced, then released); hold leaves it on hold for a person to release"`

	// Orders: the items (sales orders, invoices) and accounts (invoices,
	// journal transactions) of what is not a product.
	ShippingItem    string `yaml:"shippingItem" desc:"the non-stock item shipping costs are written on in sales orders and invoices; required for sales orders with shipping costs"`
	DiscountItem    string `yaml:"discountItem" desc:"the non-stock item order discounts are written on in sales orders and invoices; required for sales orders with discounts"`
	CostItem        string `yaml:"costItem" desc:"the non-stock item other order costs (payment costs …) are written on in sales orders and invoices; required for sales orders with such costs"`
	RoundingItem    string `yaml:"roundingItem" desc:"the non-stock item a cent difference between the shop's total and Visma.net's VAT rounding is written on; empty: such an order fails with both amounts"`
	ShippingAccount string `yaml:"shippingAccount" desc:"the revenue account of shipping costs on invoice lines and journal transactions; empty: the order's revenue account"`
	DiscountAccount string `yaml:"discountAccount" desc:"the account of order discounts on invoice lines and journal transactions; empty: the order's revenue account"`
	CostAccount     string `yaml:"costAccount" desc:"the account of other order costs on invoice lines and journal transactions; empty: the order's revenue account"`
	RoundingAccount string `yaml:"roundingAccount" desc:"the account of a rounding line on invoices without roundingItem"`
	RevenueAccount  string `yaml:"revenueAccount" desc:"the revenue account when countries.*.revenueAccount names none: invoice lines (empty: the item's or customer's own) and journal transactions (required there)"`

	// Orders: journal transactions (orderType financialMutation).
	ReceivableAccount      string            `yaml:"receivableAccount" desc:"financialMutation: the account the order's total is debited to (receivable or clearing); required unless paymentMethodAccounts names the order's payment method"`
	PaymentMethodAccounts  map[string]string `yaml:"paymentMethodAccounts" desc:"financialMutation: the account the total is debited to per payment method (the flow's mapped code, e.g. IDEAL=1920, CARD=1921); other methods use receivableAccount"`
	VATAccounts            map[string]string `yaml:"vatAccounts" desc:"financialMutation: the account VAT is credited to, per VAT category (countries.*.vatCodes, e.g. 1=2700) or per rate (21%=2700, 9%=2710); required for orders with VAT"`
	JournalLedger          string            `yaml:"journalLedger" desc:"financialMutation: the ledger of the journal transaction; empty: the branch's default posting ledger"`
	JournalTransactionCode string            `yaml:"journalTransactionCode" desc:"financialMutation: the transaction code of the journal transaction, if the company uses them"`
	JournalVATTransactions bool              `yaml:"journalVatTransactions" desc:"financialMutation: create VAT transactions (createVatTransaction; revenue lines carry the VAT category, VAT lines the VAT id), so the journal shows in the VAT report; research [?]: off books plain ledger lines"`

	// Orders and customers: credit terms.
	CreditTerms map[string]string `yaml:"creditTerms" type:"days=terms list" desc:"the credit terms id per payment term in days (14=14D, 30=30D); empty: the credit terms of /v1/creditTerm with a fixed number of days equal to the term"`

	// Customers.
	CustomerNumbers string `yaml:"customerNumbers" default:"auto" enum:"auto,sourceId" desc:"auto: new customers get the company's next customer number; sourceId: the customer's scoped id from the source is the number (overrideNumberSeries, research [L]), and match: externalId finds customers by it"`
	CustomerClass   string `yaml:"customerClass" desc:"the customer class of customers Koppel creates; empty: the company's default"`

	// Products and stock (products.go, stock.go).
	StockWarehouse        string   `yaml:"stockWarehouse" desc:"the warehouse whose stock is read and adjusted; empty: each item's default warehouse"`
	AdjustmentReasonCode  string   `yaml:"adjustmentReasonCode" desc:"the reason code of inventory adjustments Koppel writes; empty: the company's default"`
	ItemTypes             []string `yaml:"itemTypes" default:"FinishedGoodItem, ComponentPartItem, SubassemblyItem, NonStockItem" desc:"the item types (inventoryTypes) the products flow reads: stock items (FinishedGoodItem, ComponentPartItem, SubassemblyItem) and non-stock items (NonStockItem, LaborItem, ServiceItem, ChargeItem, ExpenseItem)"`
	CategoryFrom          string   `yaml:"categoryFrom" default:"itemClass" enum:"itemClass,salesCategory" desc:"what becomes a product's category: its item class or its sales categories"`
	VariantGroupAttribute string   `yaml:"variantGroupAttribute" desc:"the item attribute whose value groups items into one product with variants; empty: every item is a simple product"`
}

// InventoryTypes are the item types the API knows (inventoryTypes).
var InventoryTypes = []string{"NonStockItem", "LaborItem", "ServiceItem", "ChargeItem", "ExpenseItem", "FinishedGoodItem", "ComponentPartItem", "SubassemblyItem"}

// DefaultOptions are the options of an integration file that sets none.
func DefaultOptions() Options {
	var o Options
	if problems := connectors.DecodeOptions(System, &o, nil); len(problems) > 0 {
		panic("vismanet: the option defaults do not decode: " + connectors.JoinProblems(problems))
	}
	return o
}

// withDefaults fills every zero field with its default, so a Go caller's
// Options{OrderType: "SO"} gets the rest as an integration file would.
func (o Options) withDefaults() Options {
	def := reflect.ValueOf(DefaultOptions())
	v := reflect.ValueOf(&o).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.IsZero() {
			f.Set(def.Field(i))
		}
	}
	o.Scopes = splitScopes(o.Scopes)
	o.OrderType = strings.ToUpper(strings.TrimSpace(o.OrderType))
	o.Currency = strings.ToUpper(strings.TrimSpace(o.Currency))
	return o
}

// splitScopes accepts scopes written with commas or spaces.
func splitScopes(in []string) []string {
	var out []string
	for _, s := range in {
		for _, f := range strings.Fields(s) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// check finds what the tags cannot: values that must agree with each
// other or with the API's vocabulary.
func (o Options) check() []connectors.Problem {
	var problems []connectors.Problem
	add := func(name, format string, args ...any) {
		problems = append(problems, connectors.Problem{Path: "options." + name, Message: fmt.Sprintf(format, args...)})
	}
	if !slices.Contains(o.Scopes, ScopeRead) {
		add("scopes", "lacks %s, which every call needs", ScopeRead)
	}
	enums := []struct{ name, value string }{{"documentNumbers", o.DocumentNumbers}, {"invoiceRelease", o.InvoiceRelease},
		{"customerNumbers", o.CustomerNumbers}, {"categoryFrom", o.CategoryFrom}}
	for _, e := range enums {
		if info := optionInfo(e.name); len(info.Enum) > 0 && !slices.Contains(info.Enum, e.value) {
			add(e.name, "%q is not one of %s", e.value, strings.Join(info.Enum, ", "))
		}
	}
	if o.Currency != "" && len(o.Currency) != 3 {
		add("currency", "%q is not an ISO 4217 code", o.Currency)
	}
	for _, t := range o.ItemTypes {
		if !slices.Contains(InventoryTypes, t) {
			add("itemTypes", "%q is not one of %s", t, strings.Join(InventoryTypes, ", "))
		}
	}
	for days, id := range o.CreditTerms {
		if n, err := strconv.Atoi(days); err != nil || n < 0 {
			add("creditTerms", "%q is not a number of days (write days=terms id, like 14=14D)", days)
		} else if strings.TrimSpace(id) == "" {
			add("creditTerms", "%s days names no credit terms id", days)
		}
	}
	for key := range o.VATAccounts {
		if strings.HasSuffix(key, "%") {
			if _, err := model.ParseVATRate(key); err != nil {
				add("vatAccounts", "%q: %v", key, err)
			}
		}
	}
	slices.SortFunc(problems, func(a, b connectors.Problem) int { return strings.Compare(a.Path, b.Path) })
	return problems
}

func optionInfo(name string) connectors.OptionInfo {
	for _, o := range connectors.DescribeOptions(Options{}) {
		if o.Name == name {
			return o
		}
	}
	return connectors.OptionInfo{}
}

// Custom fields an order may carry (OrderDraft.Extra, from extra.* mapping
// rules): the document's description (a sales order's description, an
// invoice's text, a journal transaction's description), its note, and the
// salesperson of a sales order or invoice.
const (
	ExtraDescription = "description"
	ExtraNote        = "note"
	ExtraSalesPerson = "salesPerson"
)

// ExtraFields: orders take the three above; customers take any name, each
// an attribute id of the company's customer attributes (attributeLines).
var ExtraFields = map[string][]string{
	mapping.FlowOrders:    {ExtraDescription, ExtraNote, ExtraSalesPerson},
	mapping.FlowCustomers: {"*"},
}

// Registration is the connector's entry for the registry (register.go
// registers it; connectors/builtin adds the package).
var Registration = connectors.Registration{
	Name:        System,
	Credentials: []string{CredClientID, CredClientSecret, CredTenantID},
	Client:      (*Client)(nil),
	OrderKinds:  []connectors.OrderKind{connectors.KindOrder, connectors.KindInvoice, connectors.KindFinancialMutation},
	// Sales order lines must be items, but an invoice books a SKU without
	// an item on an account and a journal transaction has no lines of
	// products: requireProducts: false stays possible (a sales order then
	// fails naming the SKUs).
	LinesNeedProducts: false,
	MaxPageSize:       1000,
	ExtraFields:       ExtraFields,
	Limits: []connectors.RateLimitInfo{{Scope: "requests per company and API client, fixed window", Requests: DefaultRequestsPerHour,
		Per: time.Hour, Reads: true,
		Note: "the real numbers are reported in every answer (X-RateLimit-Limit/Remaining/Reset) and the client paces by them; 15000 an hour was published for production clients, 500 for test clients; 429 with Retry-After"}},
	OptionSpec: Options{},
	New: func(s connectors.Settings) (any, error) {
		cfg, err := ConfigFromSettings(s)
		if err != nil {
			return nil, err
		}
		return New(cfg)
	},
}

// ConfigFromSettings builds the client's Config from an integration's
// settings. The API counts all calls of a credential together, per hour:
// rateLimit.totalPerMinute (× 60) caps the pace the answers report;
// reads and writes are not counted apart.
func ConfigFromSettings(s connectors.Settings) (Config, error) {
	var o Options
	problems := connectors.DecodeOptions(System, &o, s.Options)
	problems = append(problems, connectors.TotalOnlyRateLimit(System, "credential", s)...)
	if len(problems) > 0 {
		return Config{}, configError(problems)
	}
	perHour := s.TotalPerMinute * 60
	if s.TotalPerMinute < 0 {
		perHour = -1
	}
	return Config{
		BaseURL: s.BaseURL, ClientID: s.Credentials[CredClientID], ClientSecret: s.Credentials[CredClientSecret],
		TenantID: s.Credentials[CredTenantID], RequestsPerHour: perHour, Timeout: s.Timeout, Observe: s.Observe,
		Options: o,
	}, nil
}
