package sim

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/simkit"
)

// salesRead are the scopes the contract names on the sales reads.
var salesRead = []string{eaccounting.ScopeSales, eaccounting.ScopeSalesReadOnly}

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
	rt.Handle(http.MethodGet, "/companysettings", s.guard("/companysettings", salesRead, s.companySettings))
	rt.Handle(http.MethodGet, "/customers", s.guard("/customers", salesRead, s.listCustomers))
	return rt
}

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
	c := s.st.Company
	s.mu.Unlock()
	s.out.JSON(w, r, http.StatusOK, c)
}

// listCustomers pages the customers in the order they were added.
func (s *Sim) listCustomers(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	q := r.URL.Query()
	// $filter and $orderby are OData the flows will need; until the
	// simulator evaluates them it refuses them rather than ignore them.
	for _, unsupported := range []string{"$filter", "$orderby"} {
		if q.Get(unsupported) != "" {
			s.apiError(w, r, http.StatusBadRequest, eaccounting.CodeValidation, "The request is invalid.",
				[]eaccounting.ErrorDetail{{Field: unsupported, Message: "the simulator does not evaluate " + unsupported + " yet"}})
			return
		}
	}
	page, err := s.pager.Parse(q)
	if err != nil {
		var pe *simkit.PagingError
		if errors.As(err, &pe) {
			s.apiError(w, r, http.StatusBadRequest, eaccounting.CodeValidation, "The request is invalid.",
				[]eaccounting.ErrorDetail{{Field: pe.Param, Message: pe.Reason}})
			return
		}
		s.apiError(w, r, http.StatusBadRequest, eaccounting.CodeValidation, err.Error(), nil)
		return
	}
	s.mu.Lock()
	all := slices.Clone(s.st.Customers)
	s.mu.Unlock()
	writePage(s, w, r, all, page)
}

// writePage sends one page in the {Meta, Data} envelope.
func writePage[T any](s *Sim, w http.ResponseWriter, r *http.Request, all []T, p simkit.Page) {
	pages := (len(all) + p.Size - 1) / p.Size
	data := simkit.Slice(all, p)
	if data == nil {
		data = []T{}
	}
	s.out.JSON(w, r, http.StatusOK, eaccounting.Page[T]{
		Meta: eaccounting.Meta{CurrentPage: p.Number(), PageSize: p.Size, TotalNumberOfPages: pages,
			TotalNumberOfResults: len(all), ServerTimeUtc: s.o.Now().UTC()},
		Data: data,
	})
}
