package sim

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/simkit"
)

// Scopes as the contract's operations list them ("Requires any of the
// following scopes").
var (
	salesRead  = []string{eaccounting.ScopeSales, eaccounting.ScopeSalesReadOnly}
	salesWrite = []string{eaccounting.ScopeSales}
)

func (s *Sim) apiRouter() *simkit.Router {
	rt := &simkit.Router{Prefix: eaccounting.APIPath, Calls: &s.calls,
		NotFound: func(w http.ResponseWriter, r *http.Request) {
			s.out.JSON(w, r, http.StatusNotFound, map[string]string{
				"Message": "No HTTP resource was found that matches the request URI '" + r.URL.Path + "'."})
		},
		MethodNotAllowed: func(w http.ResponseWriter, r *http.Request, allowed []string) {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			s.out.JSON(w, r, http.StatusMethodNotAllowed, map[string]string{
				"Message": "The requested resource does not support http method '" + r.Method + "'."})
		}}
	s.handle(rt, http.MethodGet, "/companysettings", salesRead, s.companySettings)
	s.customerRoutes(rt)
	s.articleRoutes(rt)
	s.documentRoutes(rt)
	s.referenceRoutes(rt)
	return rt
}

// handle adds a route behind the guard. Its op ("POST /orders") is what
// fault rules and call counts use; its quota counts per path template.
func (s *Sim) handle(rt *simkit.Router, method, pattern string, anyOf []string, h simkit.HandlerFunc) {
	rt.Handle(method, pattern, s.guard(quotaEndpoint(pattern), anyOf, h))
}

var placeholderRE = regexp.MustCompile(`\{[^}]*\}`)

// quotaEndpoint is the endpoint the quota counts (§2.6 "per endpoint/URL"):
// the path template whatever the method, "/customers/{id}" apart from
// "/customers". The contract names one path's parameter differently per
// method (/customerinvoicedrafts/{invoiceDraftId} and
// /{customerInvoiceDraftId}); it is still one URL.
func quotaEndpoint(pattern string) string { return placeholderRE.ReplaceAllString(pattern, "{id}") }

// guard is what stands before every API path: the bearer token (401,
// 4005), the path's scopes (403, 4006) and the quota per client and
// endpoint (429, 4010).
func (s *Sim) guard(endpoint string, anyOf []string, h simkit.HandlerFunc) simkit.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		scopes, ok := s.bearer(r)
		if !ok {
			s.apiError(w, r, http.StatusUnauthorized, eaccounting.CodeNotAuthorized,
				"AuthorizationException - Authorization has been denied for this request.", nil)
			return
		}
		if !slices.Contains(scopes, eaccounting.ScopeAPI) || !slices.ContainsFunc(anyOf, func(sc string) bool { return slices.Contains(scopes, sc) }) {
			s.apiError(w, r, http.StatusForbidden, eaccounting.CodeNoScope,
				"NoAccessToScopes - The access token does not hold any of the scopes this endpoint requires: "+strings.Join(anyOf, ", ")+".", nil)
			return
		}
		// The quota counts per client (one app here) and endpoint (§2.6).
		if !s.limiter.Admit(w, r, s.o.ClientID+" "+endpoint, s.o.RequestsPerMinute, s.tooMany) {
			return
		}
		h(w, r, p)
	}
}

// bearer finds the access token's scopes; false when it is missing,
// unknown, expired or its grant revoked.
func (s *Sim) bearer(r *http.Request) ([]string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.Access[tok]
	if a == nil || !s.o.Now().Before(a.Expires) {
		return nil, false
	}
	g := s.st.Grants[a.Grant]
	if g == nil || g.Revoked {
		return nil, false
	}
	return slices.Clone(g.Scopes), true
}

func (s *Sim) companySettings(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	s.mu.Lock()
	c := s.companyLocked()
	s.mu.Unlock()
	s.out.JSON(w, r, http.StatusOK, c)
}

// companyLocked is the settings with the counters the company reports.
func (s *Sim) companyLocked() CompanySettings {
	c := clone(s.st.Company)
	c.NextCustomerNumber = nextCustomerNumber(s.st.Customers)
	c.NextOrderNumber = s.st.LastOrderNumber + 1
	c.NextCustomerInvoiceNumber = s.st.LastInvoiceNumber + 1
	c.NextQuoteNumber = s.st.LastQuoteNumber + 1
	c.ActivatedModules = slices.DeleteFunc(c.ActivatedModules, func(m string) bool { return m == stockModuleName })
	if s.st.StockModule {
		c.ActivatedModules = append(c.ActivatedModules, stockModuleName)
	}
	return c
}

// stockModuleName is how ActivatedModules names the stock add-on (the
// simulator's guess; the contract lists no values).
const stockModuleName = "Stock"

// Errors.

// invalid answers 400 with ErrorCode 2000 and the fields.
func (s *Sim) invalid(w http.ResponseWriter, r *http.Request, ps problems) {
	s.apiError(w, r, http.StatusBadRequest, eaccounting.CodeValidation, "The request is invalid.", ps)
}

// missing answers a record referenced in a body that does not exist: 400
// with ErrorCode 3000 naming the field (research §2.7: 404 or 400 [?]; a
// 400 is what the contract declares for these operations).
func (s *Sim) missing(w http.ResponseWriter, r *http.Request, field, what string) {
	s.apiError(w, r, http.StatusBadRequest, eaccounting.CodeNotFound, "ResourceNotFound - "+what+" was not found.",
		[]ErrorDetail{{Field: field, ErrorCode: "3000", Message: what + " was not found."}})
}

// notFound answers a path whose record does not exist: 404, ErrorCode 3000.
func (s *Sim) notFound(w http.ResponseWriter, r *http.Request, what string) {
	s.apiError(w, r, http.StatusNotFound, eaccounting.CodeNotFound, "ResourceNotFound - "+what+" was not found.", nil)
}

// conflict answers a natural key taken already: 400, ErrorCode 4000
// (research: 409 or 400 [?]; the contract declares only 400).
func (s *Sim) conflict(w http.ResponseWriter, r *http.Request, field, message string) {
	s.apiError(w, r, http.StatusBadRequest, eaccounting.CodeConflict, "Conflict - "+message,
		[]ErrorDetail{{Field: field, ErrorCode: "4000", Message: message}})
}

// Listings.

// page is one page of a listing (PaginatedResponseOf…).
type page[T any] struct {
	Meta Meta `json:"Meta"`
	Data []T  `json:"Data"`
}

// listOf serves a listing with OData: $filter and $orderby on the
// entity's own properties, then $page/$pagesize, in the order the records
// were added unless $orderby says otherwise.
func listOf[T any](s *Sim, all func(*state) []T) simkit.HandlerFunc {
	return listWith(s, all, nil)
}

// listWith is listOf for records that a read shows with more than is
// stored (shape fills it in on a shallow copy). Filters and sorting read
// the records where they are; only the page's records are copied out.
func listWith[T any](s *Sim, all func(*state) []T, shape func(*state, *T)) simkit.HandlerFunc {
	props := propertiesOf(reflect.TypeFor[T]())
	fields := jsonFieldsOf(reflect.TypeFor[T]())
	return func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		q := r.URL.Query()
		pg, err := s.pager.Parse(q)
		if err != nil {
			var pe *simkit.PagingError
			if errors.As(err, &pe) {
				s.invalid(w, r, problems{{Field: pe.Param, ErrorCode: "2000", Message: pe.Reason}})
				return
			}
			s.invalid(w, r, problems{{Field: "$page", ErrorCode: "2000", Message: err.Error()}})
			return
		}
		var filter filterExpr
		if f := q.Get("$filter"); f != "" {
			if filter, err = parseFilter(f, props); err != nil {
				s.odataInvalid(w, r, err)
				return
			}
		}
		var order []orderKey
		if o := q.Get("$orderby"); o != "" {
			if order, err = parseOrderBy(o, props); err != nil {
				s.odataInvalid(w, r, err)
				return
			}
		}
		s.mu.Lock()
		type row struct {
			item  T
			props properties
		}
		var rows []row
		for _, it := range all(&s.st) {
			if shape != nil {
				shape(&s.st, &it)
			}
			p := fields.of(&it)
			if filter == nil || filter.eval(p) {
				rows = append(rows, row{it, p})
			}
		}
		if len(order) > 0 {
			slices.SortStableFunc(rows, func(a, b row) int {
				for _, k := range order {
					c := compareJSON(a.props(k.prop), b.props(k.prop))
					if k.desc {
						c = -c
					}
					if c != 0 {
						return c
					}
				}
				return 0
			})
		}
		data := make([]T, 0, pg.Size)
		for _, x := range simkit.Slice(rows, pg) {
			data = append(data, clone(x.item))
		}
		s.mu.Unlock()
		s.out.JSON(w, r, http.StatusOK, page[T]{
			Meta: Meta{CurrentPage: pg.Number(), PageSize: pg.Size, TotalNumberOfPages: (len(rows) + pg.Size - 1) / pg.Size,
				TotalNumberOfResults: len(rows), ServerTimeUtc: At(s.o.Now())},
			Data: data,
		})
	}
}

func (s *Sim) odataInvalid(w http.ResponseWriter, r *http.Request, err error) {
	var oe *odataError
	if errors.As(err, &oe) {
		s.invalid(w, r, problems{{Field: oe.Field, ErrorCode: "2000", Message: oe.Message}})
		return
	}
	s.invalid(w, r, problems{{Field: "$filter", ErrorCode: "2000", Message: err.Error()}})
}

// oneOf serves one record by the path parameter; guid says the parameter
// must be a GUID (a country code is not).
func oneOf[T any](s *Sim, param string, guid bool, find func(*state, string) *T) simkit.HandlerFunc {
	return oneWith(s, param, guid, func(st *state, id string) (T, bool) {
		if p := find(st, id); p != nil {
			return clone(*p), true
		}
		var zero T
		return zero, false
	})
}

func oneWith[T any](s *Sim, param string, guid bool, view func(*state, string) (T, bool)) simkit.HandlerFunc {
	what := recordName[T]()
	return func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		id := p.Get(param)
		if guid && !guidRE.MatchString(id) {
			s.invalid(w, r, problems{{Field: param, ErrorCode: "2000", Message: "The value '" + id + "' is not valid."}})
			return
		}
		s.mu.Lock()
		v, ok := view(&s.st, id)
		s.mu.Unlock()
		if !ok {
			s.notFound(w, r, what)
			return
		}
		s.out.JSON(w, r, http.StatusOK, v)
	}
}

// recordName is how a 404 names a record of type T.
func recordName[T any]() string { return strings.TrimSuffix(reflect.TypeFor[T]().Name(), "Api") }

// lockedCopy returns a deep copy of part of the state, read under the lock.
func lockedCopy[T any](s *Sim, part func(*state) T) T {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clone(part(&s.st))
}

// clone copies a record deeply through its JSON, so no caller shares rows
// or pointers with the state.
func clone[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// jsonFields are a record type's JSON properties by name: how $filter
// and $orderby read one property of a record without encoding all of it.
type jsonFields map[string]jsonField

type jsonField struct {
	index     int
	omitEmpty bool
}

func jsonFieldsOf(t reflect.Type) jsonFields {
	out := jsonFields{}
	for i := range t.NumField() {
		name, opts, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = jsonField{index: i, omitEmpty: slices.Contains(strings.Split(opts, ","), "omitempty")}
		}
	}
	return out
}

// of reads the properties of *v as its JSON shows them: a property the
// JSON leaves out (omitempty) is nil, numbers are json.Number. Each is
// read once.
func (fs jsonFields) of(v any) properties {
	rv := reflect.ValueOf(v).Elem()
	seen := map[string]any{}
	return func(name string) any {
		if x, ok := seen[name]; ok {
			return x
		}
		var x any
		if f, ok := fs[name]; ok {
			fv := rv.Field(f.index)
			switch {
			case f.omitEmpty && emptyJSON(fv):
			case plainString(fv):
				// What the JSON round trip below gives, without it: a
				// list filters every record, and this is the common case.
				x = fv.String()
			default:
				b, _ := json.Marshal(fv.Interface())
				d := json.NewDecoder(bytes.NewReader(b))
				d.UseNumber()
				_ = d.Decode(&x)
			}
		}
		seen[name] = x
		return x
	}
}

// plainString is a string field that JSON carries unchanged: no JSON
// marshaler of its own, and valid UTF-8 (encoding/json replaces invalid
// bytes).
func plainString(v reflect.Value) bool {
	if v.Kind() != reflect.String || !utf8.ValidString(v.String()) {
		return false
	}
	for _, t := range []reflect.Type{v.Type(), reflect.PointerTo(v.Type())} {
		if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) {
			return false
		}
	}
	return true
}

var jsonMarshaler, textMarshaler = reflect.TypeFor[json.Marshaler](), reflect.TypeFor[encoding.TextMarshaler]()

// emptyJSON is encoding/json's omitempty test.
func emptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// SetCompany replaces the company's settings (ShowPricesExclVatPC decides
// IncludesVat of private customers' documents); the counters stay computed.
func (s *Sim) SetCompany(c CompanySettings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Company = clone(c)
}

// Company returns the settings as GET /companysettings shows them.
func (s *Sim) Company() CompanySettings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.companyLocked()
}
