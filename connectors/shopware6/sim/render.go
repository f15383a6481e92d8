package sim

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/koppel/koppel/model"
)

// render.go turns records into the API's JSON (Accept: application/json,
// research §1.1): every object with its apiAlias, associations nested in the
// entity. A record is rendered whole, every association included, so that
// filters can reach through associations the request did not ask to load;
// the search then drops what was not asked for (criteria.go).
//
// Where the contract (shopware-adminapi.json) and the research differ, the
// contract decides: a null field is left out (the contract declares no
// field nullable), and calculatedTaxes and taxRules are objects keyed by
// rate (the contract types them object) unless Options.TaxListsAsArrays.

// node is one rendered object.
type node = map[string]any

// apiTime is how the API writes times: 2024-05-14T09:52:16.517+00:00.
const apiTime = "2006-01-02T15:04:05.000-07:00"

func ts(t time.Time) string { return t.UTC().Format(apiTime) }

// money renders cents as the API's decimal number, exactly.
func money(cents int64) json.Number { return json.Number(model.FormatMinor(cents, 2)) }

// rateNumber renders a VAT rate as the API does: 21, 5.5.
func rateNumber(r model.VATRate) json.Number {
	return json.Number(strings.TrimSuffix(r.String(), "%"))
}

func rounding() node {
	return node{"decimals": 2, "interval": json.Number("0.01"), "roundForNet": true, "extensions": []any{}, "apiAlias": "shopware_core_framework_data_abstraction_layer_pricing_cash_rounding_config"}
}

// taxes renders calculated taxes in the contract's shape (an object keyed by
// rate) or the research's (a list).
func (s *Sim) taxes(ts []tax) any {
	list := make([]any, 0, len(ts))
	keyed := node{}
	for _, t := range ts {
		n := node{"tax": money(t.Tax), "taxRate": rateNumber(t.Rate), "price": money(t.Price), "extensions": []any{}, "apiAlias": "cart_tax_calculated"}
		list = append(list, n)
		keyed[string(rateNumber(t.Rate))] = n
	}
	if s.o.TaxListsAsArrays {
		return list
	}
	return keyed
}

// taxRules renders the rules behind calculated taxes: each rate's share of
// the price in percent.
func (s *Sim) taxRules(ts []tax) any {
	var whole int64
	for _, t := range ts {
		whole += t.Price
	}
	list := make([]any, 0, len(ts))
	keyed := node{}
	for _, t := range ts {
		pct := json.Number("100")
		if len(ts) > 1 && whole != 0 {
			pct = json.Number(model.FormatMinor(t.Price*10000/whole, 2))
		}
		n := node{"taxRate": rateNumber(t.Rate), "percentage": pct, "extensions": []any{}, "apiAlias": "cart_tax_rule"}
		list = append(list, n)
		keyed[string(rateNumber(t.Rate))] = n
	}
	if s.o.TaxListsAsArrays {
		return list
	}
	return keyed
}

func (s *Sim) calc(p calcPrice) node {
	return node{"unitPrice": money(p.Unit), "totalPrice": money(p.Total), "quantity": p.Quantity,
		"calculatedTaxes": s.taxes(p.Taxes), "taxRules": s.taxRules(p.Taxes), "extensions": []any{}, "apiAlias": "calculated_price"}
}

// put sets key to v unless v is empty: the contract declares no field
// nullable, so an unset one is left out.
func put(n node, key string, v any) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return
		}
	case *time.Time:
		if x == nil {
			return
		}
		v = ts(*x)
	case []string:
		if len(x) == 0 {
			return
		}
	}
	n[key] = v
}

// renderOrder renders an order with every association.
func (s *Sim) renderOrder(o *order) node { return s.renderOrderPart(o, nil) }

// renderOrderPart renders an order's scalar fields and, of its nested
// objects and associations (and of its deliveries' and payments'), those
// want reaches (nil: all of them): what a search's filters and sorts read
// of every order of the shop, before the page's orders are rendered whole.
// Each part is rendered as renderOrder renders it.
func (s *Sim) renderOrderPart(o *order, want reach) node {
	wants := want.wants
	taxStatus := o.TaxStatus
	n := node{
		"id": o.ID, "versionId": LiveVersionID, "autoIncrement": o.AutoIncrement, "orderNumber": o.OrderNumber,
		"billingAddressId": o.BillingAddressID, "billingAddressVersionId": LiveVersionID,
		"currencyId": o.CurrencyID, "languageId": SystemLanguageID, "salesChannelId": o.SalesChannelID,
		"orderDateTime": ts(o.OrderDateTime), "orderDate": o.OrderDateTime.UTC().Format("2006-01-02"),
		"amountTotal": money(o.Price.Total), "amountNet": money(o.Price.Net), "positionPrice": money(o.Price.Position),
		"taxStatus": taxStatus, "shippingTotal": money(o.ShippingCosts.Total),
		"currencyFactor": json.Number("1"), "stateId": o.StateID, "deepLinkCode": o.DeepLinkCode,
		"createdAt": ts(o.CreatedAt), "source": "storefront",
		"apiAlias": "order",
	}
	if wants("price") {
		n["price"] = node{"netPrice": money(o.Price.Net), "totalPrice": money(o.Price.Total), "positionPrice": money(o.Price.Position),
			"rawTotal": money(o.Price.Raw), "taxStatus": taxStatus, "calculatedTaxes": s.taxes(o.Price.Taxes),
			"taxRules": s.taxRules(o.Price.Taxes), "extensions": []any{}, "apiAlias": "cart_price"}
	}
	if wants("shippingCosts") {
		n["shippingCosts"] = s.calc(o.ShippingCosts)
	}
	if wants("itemRounding") {
		n["itemRounding"] = rounding()
	}
	if wants("totalRounding") {
		n["totalRounding"] = rounding()
	}
	put(n, "updatedAt", o.UpdatedAt)
	put(n, "customerComment", o.CustomerComment)
	if s.atLeast(6, 7) {
		if d := o.primaryDelivery(); d != nil {
			n["primaryOrderDeliveryId"], n["primaryOrderDeliveryVersionId"] = d.ID, LiveVersionID
		}
		if p := o.primaryPayment(); p != nil {
			n["primaryOrderTransactionId"], n["primaryOrderTransactionVersionId"] = p.ID, LiveVersionID
		}
	}

	if wants("stateMachineState") {
		putState(n, s.renderState(o.StateID))
	}
	if wants("currency") {
		if c := s.findCurrency(o.CurrencyID); c != nil {
			n["currency"] = renderCurrency(c)
		}
	}
	if wants("orderCustomer") {
		n["orderCustomer"] = s.renderOrderCustomer(o)
	}
	if wants("addresses", "billingAddress") {
		addresses := make([]any, 0, len(o.Addresses))
		for _, a := range o.Addresses {
			r := s.renderAddress(o, a)
			addresses = append(addresses, r)
			if a.ID == o.BillingAddressID {
				n["billingAddress"] = r
			}
		}
		n["addresses"] = addresses
	}
	if wants("lineItems") {
		items := make([]any, 0, len(o.LineItems))
		for _, li := range o.LineItems {
			items = append(items, s.renderLineItem(o, li))
		}
		n["lineItems"] = items
	}
	if wants("deliveries") {
		dw := want.sub("deliveries")
		deliveries := make([]any, 0, len(o.Deliveries))
		for _, d := range o.Deliveries {
			r := node{"id": d.ID, "versionId": LiveVersionID, "orderId": o.ID, "orderVersionId": LiveVersionID,
				"shippingOrderAddressId": d.ShippingAddressID, "shippingOrderAddressVersionId": LiveVersionID,
				"shippingMethodId": d.ShippingMethodID, "stateId": d.StateID, "trackingCodes": orEmpty(d.TrackingCodes),
				"shippingDateEarliest": ts(d.Earliest), "shippingDateLatest": ts(d.Latest),
				"createdAt": ts(d.CreatedAt), "apiAlias": "order_delivery"}
			if dw.wants("shippingCosts") {
				r["shippingCosts"] = s.calc(d.Costs)
			}
			put(r, "updatedAt", d.UpdatedAt)
			if dw.wants("stateMachineState") {
				putState(r, s.renderState(d.StateID))
			}
			if dw.wants("shippingOrderAddress") {
				for _, a := range o.Addresses {
					if a.ID == d.ShippingAddressID {
						r["shippingOrderAddress"] = s.renderAddress(o, a)
					}
				}
			}
			if dw.wants("shippingMethod") {
				if m := findMethod(s.state.ShippingMethods, d.ShippingMethodID); m != nil {
					r["shippingMethod"] = s.renderMethod(m, "shipping_method")
				}
			}
			deliveries = append(deliveries, r)
		}
		n["deliveries"] = deliveries
	}
	if wants("transactions") {
		tw := want.sub("transactions")
		payments := make([]any, 0, len(o.Transactions))
		for _, p := range o.Transactions {
			r := node{"id": p.ID, "versionId": LiveVersionID, "orderId": o.ID, "orderVersionId": LiveVersionID,
				"paymentMethodId": p.PaymentMethodID, "stateId": p.StateID,
				"createdAt": ts(p.CreatedAt), "apiAlias": "order_transaction"}
			if tw.wants("amount") {
				r["amount"] = s.calc(p.Amount)
			}
			put(r, "updatedAt", p.UpdatedAt)
			if tw.wants("stateMachineState") {
				putState(r, s.renderState(p.StateID))
			}
			if tw.wants("paymentMethod") {
				if m := findMethod(s.state.PaymentMethods, p.PaymentMethodID); m != nil {
					r["paymentMethod"] = s.renderMethod(m, "payment_method")
				}
			}
			payments = append(payments, r)
		}
		n["transactions"] = payments
	}
	for k, raw := range o.Override {
		n[k] = raw
	}
	return n
}

func orEmpty(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func (s *Sim) renderOrderCustomer(o *order) node {
	c := o.Customer
	n := node{"id": c.ID, "versionId": LiveVersionID, "orderId": o.ID, "orderVersionId": LiveVersionID,
		"email": c.Email, "firstName": c.FirstName, "lastName": c.LastName, "createdAt": ts(o.CreatedAt), "apiAlias": "order_customer"}
	put(n, "customerId", c.CustomerID)
	put(n, "company", c.Company)
	put(n, "customerNumber", c.CustomerNumber)
	put(n, "vatIds", c.VatIDs)
	if cu := s.findCustomer(c.CustomerID); cu != nil {
		n["customer"] = renderCustomer(cu)
	}
	return n
}

func renderCustomer(c *customer) node {
	accountType := "private"
	if c.Company != "" {
		accountType = "business"
	}
	n := node{"id": c.ID, "groupId": defaultCustomerGroup, "salesChannelId": DefaultSalesChannelID, "languageId": SystemLanguageID,
		"defaultBillingAddressId": fixtureID("customer_address", c.ID+"/billing"), "defaultShippingAddressId": fixtureID("customer_address", c.ID+"/shipping"),
		"customerNumber": c.CustomerNumber, "firstName": c.FirstName, "lastName": c.LastName, "email": c.Email,
		"guest": c.Guest, "active": true, "accountType": accountType, "createdAt": ts(c.CreatedAt), "apiAlias": "customer"}
	put(n, "company", c.Company)
	return n
}

func (s *Sim) renderAddress(o *order, a *address) node {
	n := node{"id": a.ID, "versionId": LiveVersionID, "countryId": a.CountryID, "orderId": o.ID, "orderVersionId": LiveVersionID,
		"firstName": a.FirstName, "lastName": a.LastName, "street": a.Street, "city": a.City,
		"createdAt": ts(o.CreatedAt), "apiAlias": "order_address"}
	put(n, "countryStateId", a.CountryStateID)
	put(n, "zipcode", a.Zipcode)
	put(n, "company", a.Company)
	put(n, "department", a.Department)
	put(n, "phoneNumber", a.PhoneNumber)
	put(n, "additionalAddressLine1", a.Line1)
	put(n, "vatId", a.VatID)
	for _, c := range s.state.Countries {
		if c.ID == a.CountryID {
			n["country"] = renderCountry(c)
		}
	}
	for _, cs := range s.state.CountryStates {
		if cs.ID == a.CountryStateID {
			n["countryState"] = node{"id": cs.ID, "countryId": cs.CountryID, "shortCode": cs.ShortCode, "name": cs.Name,
				"active": true, "translated": node{"name": cs.Name}, "apiAlias": "country_state"}
		}
	}
	return n
}

func renderCountry(c *country) node {
	return node{"id": c.ID, "name": c.Name, "iso": c.Iso, "iso3": c.Iso3, "active": true, "shippingAvailable": true,
		"isEu": c.EU, "position": 10,
		// The real value is a list of lines; the contract types the field
		// object, so the lines are keyed by their index.
		"addressFormat": node{"0": []any{"address/company", "symbol/dash", "address/department"},
			"1": []any{"address/first_name", "address/last_name"}, "2": []any{"address/street"},
			"3": []any{"address/zipcode", "address/city"}, "4": []any{"address/country"}},
		"translated": node{"name": c.Name}, "apiAlias": "country"}
}

func renderCurrency(c *currency) node {
	return node{"id": c.ID, "factor": json.Number("1"), "symbol": c.Symbol, "isoCode": c.IsoCode, "shortName": c.IsoCode,
		"name": c.Name, "position": 1, "isSystemDefault": c.ID == DefaultCurrencyID,
		"itemRounding": rounding(), "totalRounding": rounding(), "translated": node{"name": c.Name, "shortName": c.IsoCode},
		"apiAlias": "currency"}
}

func (s *Sim) renderMethod(m *method, alias string) node {
	n := node{"id": m.ID, "name": m.Name, "active": true, "position": 1, "translated": node{"name": m.Name}, "apiAlias": alias}
	// technicalName came with 6.5.7 and is required from 6.7 on [?]; the
	// simulator sends it from 6.6.
	if s.atLeast(6, 6) {
		n["technicalName"] = m.TechnicalName
	}
	if alias == "shipping_method" {
		n["deliveryTimeId"] = defaultDeliveryTime
		n["taxType"] = "auto"
	}
	return n
}

func (s *Sim) renderState(id string) node {
	for _, st := range s.state.States {
		if st.ID == id {
			return renderMachineState(st)
		}
	}
	return nil
}

// putState nests a state unless it is unknown (left out, as a null is).
func putState(n, st node) {
	if st != nil {
		n["stateMachineState"] = st
	}
}

func renderMachineState(st *machineState) node {
	return node{"id": st.ID, "technicalName": st.TechnicalName, "name": st.Name, "stateMachineId": machineID(st.Machine),
		"translated": node{"name": st.Name}, "apiAlias": "state_machine_state"}
}

func (s *Sim) renderLineItem(o *order, li *lineItem) node {
	n := node{"id": li.ID, "versionId": LiveVersionID, "orderId": o.ID, "orderVersionId": LiveVersionID,
		"identifier": li.ID, "quantity": li.Quantity, "label": li.Label, "type": li.Type,
		"good": li.Type == "product", "removable": true, "stackable": li.Type == "product", "position": li.Position,
		"price": s.calc(li.Price), "unitPrice": money(li.Price.Unit), "totalPrice": money(li.Price.Total),
		"priceDefinition": node{"type": "quantity", "price": money(li.Price.Unit), "quantity": li.Quantity, "isCalculated": true},
		"states":          []string{}, "children": []any{}, "createdAt": ts(o.CreatedAt), "apiAlias": "order_line_item"}
	put(n, "parentId", li.ParentID)
	put(n, "referencedId", li.ReferencedID)
	switch li.Type {
	case "product":
		n["productId"], n["productVersionId"] = li.ReferencedID, LiveVersionID
		n["payload"] = node{"productNumber": li.ProductNumber, "isCloseout": false, "isNew": false, "markAsTopseller": false,
			"options": []any{}, "stock": 100}
	case "promotion":
		n["promotionId"] = li.ReferencedID
		n["payload"] = node{"code": li.PromotionCode, "promotionId": li.ReferencedID, "discountType": "absolute",
			"value": string(money(-li.Price.Total))}
	default:
		if li.ProductNumber != "" {
			n["payload"] = node{"productNumber": li.ProductNumber}
		} else {
			n["payload"] = node{}
		}
	}
	return n
}

func (o *order) primaryPayment() *payment {
	var best *payment
	for _, p := range o.Transactions {
		if best == nil || !p.CreatedAt.Before(best.CreatedAt) {
			best = p
		}
	}
	return best
}

func (o *order) primaryDelivery() *delivery {
	if len(o.Deliveries) == 0 {
		return nil
	}
	return o.Deliveries[0]
}
