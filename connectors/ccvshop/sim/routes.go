package sim

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/simkit"
)

// reply is a handler's answer: a JSON body (nil: none, as PATCH answers)
// or, when code is set, the shop's error body.
type reply struct {
	status int
	body   any
	code   string
	msg    string
}

func ok(v any) reply      { return reply{status: http.StatusOK, body: v} }
func created(v any) reply { return reply{status: http.StatusCreated, body: v} }
func noContent() reply    { return reply{status: http.StatusNoContent} }
func fail(status int, code, msg string) reply {
	return reply{status: status, code: code, msg: msg}
}

// A route's handler runs with the simulator's lock held; ids are the
// path's {id} values in order, body the raw request body.
type handler func(s *Sim, r *http.Request, ids []string, body []byte) reply

// newRouter lists the endpoints the simulator serves (research §1.4), with
// or without the trailing slash. Each route's op is its method and pattern,
// the name the client's Observe hook reports ("GET /orders/{id}/orderrows"),
// so fault rules and Served use the client's ops.
func (s *Sim) newRouter() *simkit.Router {
	rt := &simkit.Router{Prefix: ccvshop.APIPath, Calls: &s.calls,
		NotFound: s.notFound, MethodNotAllowed: s.methodNotAllowed}
	add := func(method, pattern string, h handler) { rt.Handle(method, pattern, s.route(h)) }
	add("GET", "/", (*Sim).root)

	add("GET", "/orders", (*Sim).listOrders)
	add("GET", "/orders/{id}", (*Sim).getOrder)
	add("POST", "/orders", (*Sim).createOrder)
	add("GET", "/orders/{id}/orderrows", (*Sim).listRows)

	add("GET", "/products", (*Sim).listProducts)
	add("POST", "/products", (*Sim).createProduct)
	add("GET", "/products/{id}", (*Sim).getProduct)
	add("PATCH", "/products/{id}", (*Sim).patchProduct)
	add("GET", "/products/{id}/attributecombinations", (*Sim).listProductCombinations)
	add("GET", "/attributecombinations/{id}", (*Sim).getCombination)
	add("PATCH", "/attributecombinations/{id}", (*Sim).patchCombination)
	add("GET", "/products/{id}/producttocategories", (*Sim).listProductLinks)
	add("POST", "/producttocategories", (*Sim).createLink)
	add("GET", "/products/{id}/productphotos", (*Sim).listPhotos)
	add("POST", "/products/{id}/productphotos", (*Sim).createPhoto)
	add("GET", "/products/{id}/productattributevalues", (*Sim).listProductValues)
	add("POST", "/products/{id}/productattributevalues", (*Sim).createProductValue)
	add("PATCH", "/productattributevalues/{id}", (*Sim).patchProductValue)

	add("GET", "/categories", (*Sim).listCategories)
	add("POST", "/categories", (*Sim).createCategory)
	add("GET", "/categories/{id}", (*Sim).getCategory)
	add("GET", "/attributes", (*Sim).listAttributes)
	add("POST", "/attributes", (*Sim).createAttribute)
	add("GET", "/attributes/{id}", (*Sim).getAttribute)
	add("GET", "/attributes/{id}/attributevalues", (*Sim).listValues)
	add("POST", "/attributes/{id}/attributevalues", (*Sim).createValue)

	add("GET", "/users", (*Sim).listUsers)
	add("POST", "/users", (*Sim).createUser)
	add("GET", "/users/{id}", (*Sim).getUser)
	add("PATCH", "/users/{id}", (*Sim).patchUser)

	add("GET", "/webshops", (*Sim).listWebshops)
	add("GET", "/webshops/{id}/settings", (*Sim).getSettings)

	add("GET", "/webhooks", (*Sim).listWebhooks)
	add("POST", "/webhooks", (*Sim).createWebhook)
	add("GET", "/webhooks/{id}", (*Sim).getWebhook)
	add("PATCH", "/webhooks/{id}", (*Sim).patchWebhook)
	add("DELETE", "/webhooks/{id}", (*Sim).deleteWebhook)

	if s.o.SalesPOS { // the POS-only resources (pos.go), read-only here
		add("GET", "/cashups", posOnly((*Sim).listCashups))
		add("GET", "/cashups/{id}", posOnly((*Sim).getCashup))
		add("GET", "/terminalreceipts", posOnly((*Sim).listReceipts))
		add("GET", "/terminalreceipts/{id}", posOnly((*Sim).getReceipt))
		add("GET", "/orders/{id}/terminalreceipts", posOnly((*Sim).listOrderReceipts))
	}
	return rt
}

// route runs a handler under the lock and writes its reply, signed.
func (s *Sim) route(h handler) simkit.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		body, _ := io.ReadAll(r.Body) // serve read and checked it, then put it back
		s.mu.Lock()
		s.reached = origin(r)
		rep := h(s, r, p.Values(), body)
		s.unlock() // sends the webhooks the change queued, unlocked
		switch {
		case rep.code != "":
			s.out.Error(w, r, rep.status, rep.code, rep.msg)
		case rep.body == nil || (s.o.EmptyPostBodies && r.Method == http.MethodPost):
			s.out.Empty(w, r, rep.status)
		default:
			s.out.JSON(w, r, rep.status, rep.body)
		}
	}
}

func (s *Sim) notFound(w http.ResponseWriter, r *http.Request) {
	msg := fmt.Sprintf("invalid resource name %q", r.URL.Path)
	if !strings.HasPrefix(r.URL.Path, ccvshop.APIPath+"/") {
		msg += fmt.Sprintf(": the API lives under %s/", ccvshop.APIPath)
	}
	s.out.Error(w, r, http.StatusNotFound, "404.20", msg)
}

// methodNotAllowed sends no Allow header: the research shows none (§1.9).
func (s *Sim) methodNotAllowed(w http.ResponseWriter, r *http.Request, _ []string) {
	s.out.Error(w, r, http.StatusMethodNotAllowed, "405.10", fmt.Sprintf("method %s not allowed on %s", r.Method, r.URL.Path))
}

// root lists the resources the key may use (§1.1); its exact shape is not
// documented.
func (s *Sim) root(r *http.Request, _ []string, _ []byte) reply {
	var items []any
	names := []string{"orders", "products", "categories", "attributes", "attributecombinations", "producttocategories", "users", "webshops", "webhooks"}
	if s.o.SalesPOS {
		names = append(names, "cashups", "terminalreceipts")
	}
	for _, name := range names {
		items = append(items, map[string]any{"name": name, "href": href(r, "/"+name+"/")})
	}
	return ok(map[string]any{"href": origin(r) + ccvshop.APIPath + "/", "items": items})
}
