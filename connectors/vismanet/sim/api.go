package sim

import (
	"net/http"
	"slices"
	"strings"

	"github.com/koppel/koppel/connectors/simkit"
)

// Ops: each route's name, "METHOD /template" with the contract's own path
// template, as fault rules and call counts use it (and the client names
// its calls).
const (
	OpToken = "POST /connect/token"

	OpListCustomers       = "GET /v1/customer"
	OpGetCustomer         = "GET /v1/customer/{customerCd}"
	OpCreateCustomer      = "POST /v1/customer"
	OpUpdateCustomer      = "PUT /v1/customer/{customerCd}"
	OpListCustomerClasses = "GET /v1/customer/customerClass"
	OpGetCustomerClass    = "GET /v1/customer/customerClass/{customerClassId}"

	OpListInventory       = "GET /v1/inventory"
	OpGetInventory        = "GET /v1/inventory/{inventoryNumber}"
	OpCreateInventory     = "POST /v1/inventory"
	OpUpdateInventory     = "PUT /v1/inventory/{inventoryNumber}"
	OpInventoryAttachment = "POST /v1/inventory/{inventoryNumber}/attachment"
	OpListItemClasses     = "GET /v1/inventory/itemClass"
	OpGetItemClass        = "GET /v1/inventory/itemclass/{itemClassNumber}"
	OpGetAttachment       = "GET /v1/attachment/{attachmentId}"
	OpInventorySummary    = "GET /v1/inventorysummary/{inventoryNumber}"

	OpListSalesOrders       = "GET /v1/salesorder"
	OpListSalesOrdersV2     = "GET /v2/salesorder"
	OpGetSalesOrder         = "GET /v1/salesorder/{orderNbr}"
	OpGetSalesOrderV2       = "GET /v2/salesorder/{orderNbr}"
	OpGetSalesOrderByType   = "GET /v1/salesorder/{orderType}/{orderNbr}"
	OpCreateSalesOrder      = "POST /v1/salesorder"
	OpCreateSalesOrderV2    = "POST /v2/salesorder"
	OpUpdateSalesOrder      = "PUT /v1/salesorder/{orderNbr}"
	OpCancelSalesOrder      = "POST /v1/salesorder/{saleOrderNumber}/action/cancelSalesOrder"
	OpListSalesOrderTypes   = "GET /v1/salesordertype"
	OpGetSalesOrderType     = "GET /v1/salesordertype/{orderType}"
	OpListCustomerInvoices  = "GET /v1/customerinvoice"
	OpGetCustomerInvoice    = "GET /v1/customerinvoice/{invoiceNumber}"
	OpCreateCustomerInvoice = "POST /v1/customerinvoice"
	// OpCreateCustomerInvoiceV2 is the create the contract recommends (v1's is deprecated).
	OpCreateCustomerInvoiceV2 = "POST /v2/customerinvoice"
	OpReleaseCustomerInvoice  = "POST /v1/customerinvoice/{invoiceNumber}/action/release"

	OpListJournalTransactions   = "GET /v2/journaltransaction"
	OpGetJournalTransaction     = "GET /v2/journaltransaction/{journalTransactionNumber}"
	OpCreateJournalTransaction  = "POST /v2/journaltransaction"
	OpUpdateJournalTransaction  = "PUT /v2/journaltransaction/{journalTransactionNumber}"
	OpReleaseJournalTransaction = "POST /v2/journaltransaction/{journalTransactionNumber}/action/release"

	OpListInventoryAdjustments   = "GET /v1/inventoryadjustment"
	OpGetInventoryAdjustment     = "GET /v1/inventoryadjustment/{inventoryAdjustmentNumber}"
	OpCreateInventoryAdjustment  = "POST /v1/inventoryadjustment"
	OpUpdateInventoryAdjustment  = "PUT /v1/inventoryadjustment/{inventoryAdjustmentNumber}"
	OpReleaseInventoryAdjustment = "POST /v1/inventoryadjustment/{adjRefNumber}/action/release"

	OpListAttributes     = "GET /v1/attribute"
	OpGetAttribute       = "GET /v1/attribute/{attributeId}"
	OpListBranches       = "GET /v1/branch"
	OpGetBranch          = "GET /v1/branch/{branchNumber}"
	OpListCreditTerms    = "GET /v1/creditTerm"
	OpListVats           = "GET /v1/vat"
	OpGetVat             = "GET /v1/vat/{vatId}"
	OpListVatCategories  = "GET /v1/vatCategory"
	OpGetVatCategory     = "GET /v1/vatCategory/{taxCategoryId}"
	OpListVatZones       = "GET /v1/vatZone"
	OpGetVatZone         = "GET /v1/vatZone/{vatZoneId}"
	OpListPaymentMethods = "GET /v1/paymentmethod"
	OpGetPaymentMethod   = "GET /v1/paymentmethod/{paymentMethodNumber}"
	OpListWarehouses     = "GET /v1/warehouse"
	OpGetWarehouse       = "GET /v1/warehouse/{warehouseID}"
	OpListCurrencies     = "GET /v1/currency"
	OpGetCurrency        = "GET /v1/currency/{curyId}"
	OpListCountries      = "GET /v1/country"
	OpGetCountry         = "GET /v1/country/{countryId}"
	OpListAccounts       = "GET /v1/account"
	OpGetAccount         = "GET /v1/account/{accountCd}"
	OpListCarriers       = "GET /v1/carrier"

	OpBackgroundState   = "GET /v1/background/{requestId}"
	OpBackgroundContent = "GET /v1/background/{requestId}/content"
)

// apiRouter builds the ERP API's routes. With calls (the served API) each
// route stands behind the guard; without (background jobs, which the
// guard let in when they were queued) the handlers run bare.
func (s *Sim) apiRouter(calls *simkit.CallCounter) *simkit.Router {
	rt := &simkit.Router{Calls: calls,
		NotFound: func(w http.ResponseWriter, r *http.Request) {
			s.reportRate(w, r)
			s.message(w, r, http.StatusNotFound, "No HTTP resource was found that matches the request URI '"+r.URL.Path+"'.")
		},
		MethodNotAllowed: func(w http.ResponseWriter, r *http.Request, allowed []string) {
			s.reportRate(w, r)
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			s.message(w, r, http.StatusMethodNotAllowed, "The requested resource does not support http method '"+r.Method+"'.")
		}}
	guarded := calls != nil
	add := func(op string, h simkit.HandlerFunc) {
		method, pattern, _ := strings.Cut(op, " ")
		if guarded {
			h = s.guard(method, pattern, h)
		}
		rt.Handle(method, pattern, h)
	}
	// Reference data first: its literal segments (customer/customerClass,
	// inventory/itemClass) go before the placeholders that would take them.
	s.referenceRoutes(add)
	s.customerRoutes(add)
	s.inventoryRoutes(add)
	s.orderRoutes(add)
	s.invoiceRoutes(add)
	s.journalRoutes(add)
	s.adjustmentRoutes(add)
	add(OpBackgroundState, s.jobState)
	add(OpBackgroundContent, s.jobContent)
	return rt
}

// addRoute registers a handler under its op.
type addRoute func(op string, h simkit.HandlerFunc)

// guard stands before every API route: a live token (401), the caller's
// quota (429; every answer reports it), the scope the call needs (403),
// and the background option.
func (s *Sim) guard(method, pattern string, h simkit.HandlerFunc) simkit.HandlerFunc {
	scope := scopeFor(method, pattern)
	return func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		g, known, live := s.bearer(r)
		if !live {
			msg := "Unauthorized. Access token is missing or invalid."
			if known {
				s.reportRate(w, r)
				msg = "Unauthorized. Access token has expired."
			}
			s.gateway(w, r, http.StatusUnauthorized, msg)
			return
		}
		q, ok, unlimited := s.limiter.take(rateKey(g))
		if !unlimited {
			q.set(w.Header())
		}
		if !ok {
			s.tooMany(w, r, q.reset)
			return
		}
		if !slices.Contains(g.Scopes, scope) {
			s.ipp(w, r, http.StatusForbidden, FaultNotAllowed,
				"The access token does not hold the scope "+scope+", which "+method+" "+pattern+" needs.")
			return
		}
		if opt := r.Header.Get(HeaderBackground); opt != "" {
			s.queue(w, r, g, opt)
			return
		}
		h(w, r, p)
	}
}
