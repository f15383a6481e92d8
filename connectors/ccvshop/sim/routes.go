package sim

import (
	"net/http"
	"strings"
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
// path's {id} segments in order, body the raw request body.
type handler func(s *Sim, r *http.Request, ids []string, body []byte) reply

type route struct {
	method  string
	pattern []string // segments after /api/rest/v1, "{id}" for an id
	handle  handler
}

// routes are the endpoints the simulator serves (research §1.4).
var routes []route

func init() {
	add := func(method, pattern string, h handler) {
		routes = append(routes, route{method: method, pattern: strings.Split(pattern, "/"), handle: h})
	}
	add("GET", "orders", (*Sim).listOrders)
	add("GET", "orders/{id}", (*Sim).getOrder)
	add("GET", "orders/{id}/orderrows", (*Sim).listRows)

	add("GET", "products", (*Sim).listProducts)
	add("POST", "products", (*Sim).createProduct)
	add("GET", "products/{id}", (*Sim).getProduct)
	add("PATCH", "products/{id}", (*Sim).patchProduct)
	add("GET", "products/{id}/attributecombinations", (*Sim).listProductCombinations)
	add("GET", "attributecombinations/{id}", (*Sim).getCombination)
	add("PATCH", "attributecombinations/{id}", (*Sim).patchCombination)
	add("GET", "products/{id}/producttocategories", (*Sim).listProductLinks)
	add("POST", "producttocategories", (*Sim).createLink)
	add("GET", "products/{id}/productphotos", (*Sim).listPhotos)
	add("POST", "products/{id}/productphotos", (*Sim).createPhoto)
	add("GET", "products/{id}/productattributevalues", (*Sim).listProductValues)
	add("POST", "products/{id}/productattributevalues", (*Sim).createProductValue)
	add("PATCH", "productattributevalues/{id}", (*Sim).patchProductValue)

	add("GET", "categories", (*Sim).listCategories)
	add("POST", "categories", (*Sim).createCategory)
	add("GET", "categories/{id}", (*Sim).getCategory)
	add("GET", "attributes", (*Sim).listAttributes)
	add("POST", "attributes", (*Sim).createAttribute)
	add("GET", "attributes/{id}", (*Sim).getAttribute)
	add("GET", "attributes/{id}/attributevalues", (*Sim).listValues)
	add("POST", "attributes/{id}/attributevalues", (*Sim).createValue)

	add("GET", "users", (*Sim).listUsers)
	add("POST", "users", (*Sim).createUser)
	add("GET", "users/{id}", (*Sim).getUser)

	add("GET", "webshops", (*Sim).listWebshops)
	add("GET", "webshops/{id}/settings", (*Sim).getSettings)
}

// match finds the route of a path; methodOK is false when the path exists
// under another method only.
func match(method string, segs []string) (rt route, ids []string, found, methodOK bool) {
	for _, r := range routes {
		if len(r.pattern) != len(segs) {
			continue
		}
		var got []string
		same := true
		for i, p := range r.pattern {
			switch {
			case p == "{id}":
				got = append(got, segs[i])
			case p != segs[i]:
				same = false
			}
			if !same {
				break
			}
		}
		if !same {
			continue
		}
		found = true
		if r.method == method {
			return r, got, true, true
		}
	}
	return route{}, nil, found, false
}

// opOf names a request the way the client's Observe hook does: the method
// and the route with {id} for ids ("GET /orders/{id}/orderrows").
func opOf(r *http.Request) string {
	segs := pathSegments(r)
	if len(segs) == 0 {
		return r.Method + " " + r.URL.Path
	}
	rt, _, found, methodOK := match(r.Method, segs)
	if !found || !methodOK {
		return r.Method + " " + r.URL.Path
	}
	return r.Method + " /" + strings.Join(rt.pattern, "/")
}
