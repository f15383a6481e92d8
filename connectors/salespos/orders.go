package salespos

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/koppel/koppel/model"
)

// posOrders reads POS sales (ccvshop.OrderReader): the register and store
// filters, refunds and walk-in sales, by the rules of assumptions.go.
// Everything else of a sale — rows, discounts, payment method, totals, the
// customer when there is one — is read as a CCV Shop order.
type posOrders struct {
	register, store string
}

// Keep keeps the sales of the configured till and store. An order whose
// till or store is null was not rung up at one (an order written through
// the API) and is left out. A sale without the field at all, while a
// filter asks for it, is listed as unreadable: dropping it silently would
// hide that the assumed field is wrong, keeping it would sync another
// till's sales.
func (p posOrders) Keep(raw json.RawMessage) (bool, string) {
	if p.register == "" && p.store == "" {
		return true, ""
	}
	var s wireSale
	if err := json.Unmarshal(raw, &s); err != nil {
		return false, "the sale's JSON does not match the SalesPOS schema: " + err.Error()
	}
	for _, f := range []struct {
		want, field, option string
		got                 json.RawMessage
	}{{p.register, "register_id", "registerId", s.RegisterID}, {p.store, "store_id", "storeId", s.StoreID}} {
		switch {
		case f.want == "":
		case f.got == nil:
			return false, fmt.Sprintf("the sale has no %s, which options.%s filters on (check the media type)", f.field, f.option)
		case idText(f.got) != f.want:
			return false, ""
		}
	}
	return true, ""
}

// Status reads a sale with a negative total as refunded.
func (posOrders) Status(raw json.RawMessage, st model.OrderStatus) model.OrderStatus {
	var s wireSale
	if json.Unmarshal(raw, &s) != nil {
		return st
	}
	if total, err := model.ParseMinor(s.TotalPrice.String(), 2); err == nil && total < 0 {
		return model.StatusRefunded
	}
	return st
}

// Refine gives a walk-in sale no customer at all (the zero model.Customer)
// rather than a person without a name.
func (posOrders) Refine(_ json.RawMessage, o *model.Order) {
	c := o.Customer
	if c.ID == "" && strings.TrimSpace(c.Email) == "" && c.Person.FullName() == "" && strings.TrimSpace(c.CompanyName) == "" {
		o.Customer = model.Customer{}
	}
}

// idText reads an id sent as a JSON number or string; null or absent is "".
func idText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}
