package simkit

import (
	"net/http"
	"slices"
	"strings"
)

// SlashPolicy says whether a trailing slash is part of a path.
type SlashPolicy int

const (
	// SlashOptional: "/orders" and "/orders/" reach the same route.
	SlashOptional SlashPolicy = iota
	// SlashExact: the trailing slash must be as the pattern writes it.
	SlashExact
)

// Param is one placeholder of a matched path.
type Param struct{ Name, Value string }

// Params are a matched path's placeholder values in pattern order.
type Params []Param

// Get returns the value of the placeholder {name}, "" when there is none.
func (p Params) Get(name string) string {
	for _, x := range p {
		if x.Name == name {
			return x.Value
		}
	}
	return ""
}

// Values returns the values alone, in pattern order.
func (p Params) Values() []string {
	out := make([]string, len(p))
	for i, x := range p {
		out[i] = x.Value
	}
	return out
}

// HandlerFunc serves one route with its path's placeholder values.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, p Params)

// Router dispatches on method and path pattern. Patterns are written
// relative to Prefix, with "{name}" for a placeholder that takes one
// non-empty path segment ("/orders/{id}/orderrows"). A route's op is its
// method and pattern ("GET /orders/{id}"): the name fault rules and call
// counts use, so they match what a client reports without a second table.
//
// The zero value serves nothing and answers Go's plain 404/405; a
// simulator sets NotFound and MethodNotAllowed to give the system's own.
// Add every route before serving: Handle is not safe alongside requests.
type Router struct {
	// Prefix is the API's base path without a trailing slash
	// ("/api/rest/v1"); a path outside it is not found.
	Prefix string
	// Slash is SlashOptional unless set.
	Slash SlashPolicy
	// NotFound answers a path no route has.
	NotFound func(w http.ResponseWriter, r *http.Request)
	// MethodNotAllowed answers a path whose routes all have other methods;
	// allowed lists those (for an Allow header, when the system sends one).
	MethodNotAllowed func(w http.ResponseWriter, r *http.Request, allowed []string)
	// Calls, when set, counts every routed request under its op.
	Calls *CallCounter

	routes []route
}

type route struct {
	method, op string
	segments   []string
	handle     HandlerFunc
}

// Handle adds a route. Routes are tried in the order added, so a literal
// segment that a placeholder would also take goes first.
func (rt *Router) Handle(method, pattern string, h HandlerFunc) {
	rt.routes = append(rt.routes, route{method: method, op: method + " " + pattern,
		segments: rt.split(pattern), handle: h})
}

// split cuts a path relative to Prefix into segments; the leading empty one
// stays so "" and "/" differ where the slash is exact.
func (rt *Router) split(path string) []string {
	if rt.Slash == SlashOptional {
		path = strings.TrimSuffix(path, "/")
	}
	return strings.Split(path, "/")
}

// match finds the route for a request. When the path exists under other
// methods only, it returns those methods instead.
func (rt *Router) match(r *http.Request) (found *route, params Params, allowed []string) {
	rest, inside := strings.CutPrefix(r.URL.Path, rt.Prefix)
	if !inside || (rest != "" && rest[0] != '/') { // "/api/rest/v1x" is not under "/api/rest/v1"
		return nil, nil, nil
	}
	segs := rt.split(rest)
	for i := range rt.routes {
		c := &rt.routes[i]
		p, ok := c.bind(segs)
		if !ok {
			continue
		}
		if c.method == r.Method {
			return c, p, nil
		}
		if !slices.Contains(allowed, c.method) {
			allowed = append(allowed, c.method)
		}
	}
	return nil, nil, allowed
}

func (c *route) bind(segs []string) (Params, bool) {
	if len(segs) != len(c.segments) {
		return nil, false
	}
	var p Params
	for i, want := range c.segments {
		name, isParam := placeholder(want)
		switch {
		case isParam && segs[i] == "":
			return nil, false // a placeholder takes no empty segment ("/orders//rows")
		case isParam:
			p = append(p, Param{Name: name, Value: segs[i]})
		case segs[i] != want:
			return nil, false
		}
	}
	return p, true
}

func placeholder(segment string) (name string, ok bool) {
	if len(segment) > 2 && segment[0] == '{' && segment[len(segment)-1] == '}' {
		return segment[1 : len(segment)-1], true
	}
	return "", false
}

// Op names a request's operation: its route's op, or the method and raw
// path when no route takes it (so a fault rule can still aim at it).
func (rt *Router) Op(r *http.Request) string {
	if c, _, _ := rt.match(r); c != nil {
		return c.op
	}
	return r.Method + " " + r.URL.Path
}

// Ops lists the ops of all routes in the order added.
func (rt *Router) Ops() []string {
	out := make([]string, len(rt.routes))
	for i, c := range rt.routes {
		out[i] = c.op
	}
	return out
}

func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, params, allowed := rt.match(r)
	switch {
	case c != nil:
		if rt.Calls != nil {
			rt.Calls.Add(c.op)
		}
		c.handle(w, r, params)
	case len(allowed) > 0 && rt.MethodNotAllowed != nil:
		rt.MethodNotAllowed(w, r, allowed)
	case len(allowed) > 0:
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	case rt.NotFound != nil:
		rt.NotFound(w, r)
	default:
		http.NotFound(w, r)
	}
}
