package salespos

import (
	"encoding/json"

	"github.com/koppel/koppel/connectors/ccvshop"
)

// ===========================================================================
// ASSUMPTIONS
//
// Every fact about CCV SalesPOS's API that this connector assumes rather
// than knows is in this file: paths, field names, status values and the
// rules built on them. Research (research/apis-shop-pos.md §4) confirms
// only that SalesPOS is CCV's REST framework (signing, paging, errors,
// orders, products, users as CCV Shop, §1) with its own media type and the
// resources /cashups/ and /terminalreceipts/. Marks: [C] confirmed by
// research, [A] assumed. docs/salespos.md lists each [A] with how to check
// it against a live account; the simulator (connectors/ccvshop/sim,
// Options.SalesPOS, pos.go) makes the same assumptions in its own words, so
// changing one here fails the tests until the simulator follows.
//
// Not here because CCV Shop's client reads them: the order, row, product,
// combination and user schemas (ccvshop's wire*.go, [C] for CCV Shop, [A]
// that SalesPOS sends the same).
// ===========================================================================

// DefaultMediaType is the Accept header of the SalesPOS schemas [C: the
// official SDK's constant]. That the POS resources and the POS fields of
// orders need it is [A]. Option mediaType.
const DefaultMediaType = ccvshop.MediaTypeSalesPOS

// Paths of the POS-only resources, under /api/rest/v1 (ccvshop.APIPath).
const (
	// PathCashups lists cash-ups; PathCashups+"{id}/" is one [C].
	PathCashups = "/cashups/"
	// PathTerminalReceipts lists terminal receipts;
	// PathTerminalReceipts+"{id}/" is one [C].
	PathTerminalReceipts = "/terminalreceipts/"
	// PathOrderTerminalReceipts lists one order's receipts (%d: the order
	// id) [A: only POST on it is documented].
	PathOrderTerminalReceipts = "/orders/%d/terminalreceipts/"
)

// Operation names of the POS reads, as Observe reports them and the
// simulator's faults match them.
const (
	OpListCashups              = "GET /cashups"
	OpGetCashup                = "GET /cashups/{id}"
	OpListTerminalReceipts     = "GET /terminalreceipts"
	OpGetTerminalReceipt       = "GET /terminalreceipts/{id}"
	OpListOrderTerminalReceipt = "GET /orders/{id}/terminalreceipts"
)

// The natural key of an order written to SalesPOS. CCV has no idempotency
// key (research §1.11); the key goes into an order property the listing
// can select by, and is looked up before every create.
const (
	// KeyField is the order property the key is written to [C: a create
	// field and a field of the order; A: that SalesPOS keeps it unchanged].
	KeyField = "reservationnumber"
	// KeyFilter is the GET /orders/ parameter that selects by it [A: not in
	// the documented filter list; an API that ignores it costs a listing of
	// every order per lookup, never a wrong match].
	KeyFilter = "reservationnumber"
)

// Cash-up status values [C: OPEN; A: the others, and that a cash-up's
// status is one of these].
const (
	CashupOpen      = "OPEN"
	CashupClosed    = "CLOSED"
	CashupConfirmed = "CONFIRMED"
)

// wireSale is what the connector reads of a POS sale beyond a webshop
// order (the SalesPOS schema of the order resource).
type wireSale struct {
	// RegisterID and StoreID are the till and the store the sale was rung
	// up at [A: names, that they are ids (number or string), and that an
	// order not rung up at a till, like one written through the API, has
	// them null]; options registerId and storeId filter on them. Absent
	// (nil) is not null: the field is not there at all.
	RegisterID json.RawMessage `json:"register_id"`
	StoreID    json.RawMessage `json:"store_id"`
	// TotalPrice below zero marks a refund [A: a return at the till is a
	// receipt of its own with negative counts and a negative total; CCV's
	// status codes (1-14, §1.7) have none for it]. The connector reads it
	// as refunded, which the order flow leaves out.
	TotalPrice json.Number `json:"total_price"`
}

// A walk-in sale (no customer) is a sale whose user.id is null and whose
// customer block names nobody: no e-mail, no name, no company [A]. The
// connector reads it with the zero model.Customer (see orders.go).

// wireCashup is a cash-up [C: the fields id … vat_totals; A: the fields
// inside balances and vat_totals].
type wireCashup struct {
	ID          int64              `json:"id"`
	NumberFull  string             `json:"number_full"`
	CreateDate  string             `json:"create_date"`
	StartPeriod string             `json:"start_period"`
	EndPeriod   *string            `json:"end_period"`
	Status      string             `json:"status"`
	Balances    []wireCashupAmount `json:"balances"`
	VATTotals   []wireCashupVAT    `json:"vat_totals"`
}

// wireCashupAmount is one payment method's balance [A].
type wireCashupAmount struct {
	Paymethod string       `json:"paymethod"`
	Expected  json.Number  `json:"expected"`
	Counted   *json.Number `json:"counted"`
}

// wireCashupVAT is the turnover of one VAT rate [A]: total incl. VAT, tax.
type wireCashupVAT struct {
	Percentage json.Number `json:"percentage"`
	Total      json.Number `json:"total"`
	Tax        json.Number `json:"tax"`
}

// wireReceipt is a payment terminal's receipt [A: every field but id].
type wireReceipt struct {
	ID         int64       `json:"id"`
	OrderID    int64       `json:"order_id"`
	CreateDate string      `json:"create_date"`
	Amount     json.Number `json:"amount"`
	Currency   string      `json:"currency"`
	Brand      string      `json:"brand"`
	Status     string      `json:"status"`
	Receipt    string      `json:"receipt"`
}
