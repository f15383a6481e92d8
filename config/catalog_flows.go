package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/mapping"
	"github.com/koppel/koppel/model"
)

// Direction says which side of an integration a flow reads from.
type Direction string

const (
	// SourceToTarget reads the integration's source and writes its target.
	SourceToTarget Direction = "sourceToTarget"
	// TargetToSource reads the target and writes the source (e.g. products
	// kept in the till and sold in the shop).
	TargetToSource Direction = "targetToSource"
)

// CatalogFlow is what the products, stock and customers flows share: a
// schedule and a page size.
type CatalogFlow struct {
	Enabled  *bool    `yaml:"enabled"`
	Interval Duration `yaml:"interval"`
	Jitter   Duration `yaml:"jitter"`
	// PageSize is how many records one listing call (and one activity) handles.
	PageSize int `yaml:"pageSize"`
	// PagesPerRun bounds one scheduled run; the rest follows on the next tick.
	PagesPerRun int `yaml:"pagesPerRun"`
	// Filter selects the source set (see mapping.Filter).
	Filter string `yaml:"filter"`
	// Mapping overrides target fields with expressions (see package mapping).
	Mapping mapping.Rules `yaml:"mapping"`
}

// IsEnabled reports whether the flow runs (configured flows run unless disabled).
func (f *CatalogFlow) IsEnabled() bool { return f != nil && (f.Enabled == nil || *f.Enabled) }

// Defaults of the catalog flows.
const (
	DefaultCatalogInterval = 5 * time.Minute
	DefaultCatalogPageSize = 50
	DefaultPagesPerRun     = 20
)

func (f *CatalogFlow) applyCatalogDefaults() {
	if f.Interval == 0 {
		f.Interval = Duration(DefaultCatalogInterval)
	}
	if f.PageSize == 0 {
		f.PageSize = DefaultCatalogPageSize
	}
	if f.PagesPerRun == 0 {
		f.PagesPerRun = DefaultPagesPerRun
	}
}

func (f *CatalogFlow) validateCatalog(p *Problems, path, flow string, in Integration) {
	tables := in.Lookups
	if f.Interval.D() < time.Second {
		p.add(path+".interval", "%s is shorter than 1s", f.Interval.D())
	}
	if f.Jitter < 0 || f.Jitter.D() > f.Interval.D() {
		p.add(path+".jitter", "%s must be between 0 and the interval", f.Jitter.D())
	}
	if f.PageSize < 1 || f.PageSize > 250 {
		p.add(path+".pageSize", "%d is not between 1 and 250", f.PageSize)
	}
	if f.PagesPerRun < 1 || f.PagesPerRun > 200 {
		p.add(path+".pagesPerRun", "%d is not between 1 and 200 (one run's history must stay small)", f.PagesPerRun)
	}
	if _, err := mapping.CompileFilter(flow, f.Filter, tables); err != nil {
		p.add(path+".filter", "%v (integration %s, %s flow)", err, in.Name, flow)
	}
	if _, err := mapping.Compile(flow, f.Mapping, tables); err != nil {
		var merr *mapping.Error
		if !errors.As(err, &merr) {
			p.add(path+".mapping", "%v (integration %s)", err, in.Name)
		}
		for _, pr := range merrProblems(merr) {
			p.add(fmt.Sprintf("%s.mapping[%q]", path, pr.Field), "%s (integration %s, %s flow, field %s)", pr.Message, in.Name, flow, pr.Field)
		}
	}
}

// ProductFlow is the products flow's settings.
type ProductFlow struct {
	CatalogFlow `yaml:",inline"`
	// UpdateProductInfo: false (the default) keeps an existing product's name,
	// descriptions, categories, images and attributes in the target and moves
	// only the AlwaysSync fields; true overwrites every mapped field.
	UpdateProductInfo bool `yaml:"updateProductInfo"`
	// AlwaysSync names the fields that move even when UpdateProductInfo is off.
	AlwaysSync []string `yaml:"alwaysSync"`
	// Attributes maps the source's attribute names to the target's (Maat:
	// size); attributes it does not name keep their names.
	Attributes map[string]string `yaml:"attributes"`
	// CreateCategories creates categories the target lacks (default true);
	// false fails a product whose category is missing, naming it.
	CreateCategories *bool `yaml:"createCategories"`
	// Images uploads photos where the target takes them (default true).
	Images *bool `yaml:"images"`
}

// ProductFields are the fields a product write can move; AlwaysSync names some.
var ProductFields = []string{"name", "shortDescription", "description", "ean", "price", "vat", "active", "manageStock", "categories", "images", "attributes"}

// DefaultAlwaysSync are the fields that move when UpdateProductInfo is off.
var DefaultAlwaysSync = []string{"price", "vat", "ean", "active", "manageStock"}

// CreatesCategories reports the createCategories setting (default true).
func (f *ProductFlow) CreatesCategories() bool {
	return f.CreateCategories == nil || *f.CreateCategories
}

// WritesImages reports the images setting (default true).
func (f *ProductFlow) WritesImages() bool { return f.Images == nil || *f.Images }

// Stock calculations: which figure of the source becomes the target's stock.
const (
	CalcAvailableMinusReserved = "availableMinusReserved"
	CalcPhysical               = "physical"
	CalcAvailable              = "available"
)

// StockCalculations lists the calculation types.
var StockCalculations = []string{CalcAvailableMinusReserved, CalcPhysical, CalcAvailable}

// StockFlow is the stock flow's settings.
type StockFlow struct {
	CatalogFlow `yaml:",inline"`
	// Calculation is one of StockCalculations (default availableMinusReserved).
	Calculation string `yaml:"calculation"`
	// ManageStock switches stock keeping on in the target for every SKU written.
	ManageStock bool `yaml:"manageStock"`
	// Buffer is held back: the target never shows more than stock minus
	// Buffer, and never less than zero.
	Buffer float64 `yaml:"buffer"`
}

// BufferQuantity is Buffer as a quantity.
func (f *StockFlow) BufferQuantity() model.Quantity {
	q, _ := model.ParseQuantity(strconv.FormatFloat(f.Buffer, 'f', -1, 64))
	return q
}

// CustomerFlow is the customers flow's settings.
type CustomerFlow struct {
	CatalogFlow `yaml:",inline"`
}

// CountrySettings book a country's orders and customers: VATCodes maps a VAT
// rate ("21", "9") to the target's VAT code, VATCode is the code for a rate
// the table does not name (or for every line), RevenueAccount the target's
// revenue account (MplusKASSA: turnover group), PaymentTermDays a customer's
// payment term and CustomerVATCode the default VAT code a customer of the
// country gets (default VATCode).
type CountrySettings struct {
	VATCode         string            `yaml:"vatCode"`
	VATCodes        map[string]string `yaml:"vatCodes"`
	CustomerVATCode string            `yaml:"customerVatCode"`
	RevenueAccount  string            `yaml:"revenueAccount"`
	PaymentTermDays int               `yaml:"paymentTermDays"`
}

// CustomerVAT is the default VAT code of a customer of the country.
func (s CountrySettings) CustomerVAT() string {
	if s.CustomerVATCode != "" {
		return s.CustomerVATCode
	}
	return s.VATCode
}

// DefaultCountry is the key of the settings for a country not listed.
const DefaultCountry = "default"

// Country returns the settings for an ISO 3166-1 alpha-2 country code, or
// the default entry, or zero settings.
func (in Integration) Country(code string) CountrySettings {
	if s, ok := in.Countries[strings.ToUpper(strings.TrimSpace(code))]; ok {
		return s
	}
	return in.Countries[DefaultCountry]
}

// Accounting turns country settings into what a target books lines with.
func (s CountrySettings) Accounting() connectors.LineAccounting {
	codes := map[string]string{}
	for rate, code := range s.VATCodes {
		r, err := model.ParseVATRate(rate)
		if err == nil {
			codes[r.String()] = code
		}
	}
	if len(codes) == 0 {
		codes = nil
	}
	return connectors.LineAccounting{VATCodes: codes, VATCode: s.VATCode, RevenueAccount: s.RevenueAccount}
}

func validateCountries(p *Problems, path string, countries map[string]CountrySettings) {
	for _, code := range sortedKeys(countries) {
		at := path + "." + code
		if code != DefaultCountry && (len(code) != 2 || strings.ToUpper(code) != code) {
			at := path + "." + code
			p.add(at, "%q is not an upper-case ISO 3166-1 alpha-2 code such as NL or BE (or %q)", code, DefaultCountry)
		}
		for _, rate := range sortedKeys(countries[code].VATCodes) {
			if _, err := model.ParseVATRate(rate); err != nil {
				p.add(at+".vatCodes."+rate, "%q is not a VAT percentage such as 21 or 9", rate)
			}
		}
		if countries[code].PaymentTermDays < 0 {
			p.add(at+".paymentTermDays", "must not be negative")
		}
	}
}

// flowSides returns the systems a flow reads and writes.
func flowSides(in Integration, d Direction) (from, to System) {
	if d == TargetToSource {
		return in.Target, in.Source
	}
	return in.Source, in.Target
}

// needs reports a problem when a system lacks a capability a flow needs.
func needs(p *Problems, path string, s System, caps ...connectors.Capability) {
	reg, ok := connectors.Lookup(s.System)
	if !ok {
		return
	}
	for _, c := range caps {
		if !reg.Has(c) {
			p.add(path, "%s cannot be the %s this flow needs", s.System, c)
		}
	}
}

// checkExtraFields reports extra.* rules a target does not take.
func checkExtraFields(p *Problems, path, flow string, rules mapping.Rules, target System) {
	reg, ok := connectors.Lookup(target.System)
	if !ok {
		return
	}
	takes := reg.ExtraFields[flow]
	for _, field := range sortedKeys(rules) {
		name, isExtra := strings.CutPrefix(field, "extra.")
		if !isExtra {
			name, isExtra = strings.CutPrefix(field, "lines.extra.")
			if isExtra {
				p.add(path+".mapping[\""+field+"\"]", "%s takes no custom fields on lines; remove the rule", target.System)
				continue
			}
		}
		if !isExtra || contains(takes, "*") || contains(takes, name) {
			continue
		}
		if len(takes) == 0 {
			p.add(path+".mapping[\""+field+"\"]", "%s takes no custom fields in the %s flow; remove the rule", target.System, flow)
		} else {
			p.add(path+".mapping[\""+field+"\"]", "%s takes no custom field %q in the %s flow (it takes %s)", target.System, name, flow, strings.Join(takes, ", "))
		}
	}
}

func (f *ProductFlow) validate(p *Problems, path string, in Integration, d Direction) {
	from, to := flowSides(in, d)
	needs(p, path, from, connectors.CapProductSource)
	needs(p, path, to, connectors.CapProductTarget)
	f.validateCatalog(p, path, mapping.FlowProducts, in)
	checkExtraFields(p, path, mapping.FlowProducts, f.Mapping, to)
	// images defaults to on and then means "where the target takes them";
	// asked for by name, a target that takes none is a mistake to say.
	if f.Images != nil && *f.Images {
		if reg, ok := connectors.Lookup(to.System); ok && !reg.Has(connectors.CapProductImages) {
			p.add(path+".images", "%s takes no product images through its API; remove images or set it to false", to.System)
		}
	}
	for i, field := range f.AlwaysSync {
		if !contains(ProductFields, field) {
			p.add(fmt.Sprintf("%s.alwaysSync[%d]", path, i), "%q is not one of %s", field, strings.Join(ProductFields, ", "))
		}
	}
	for from, to := range f.Attributes {
		if strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
			p.add(path+".attributes", "an attribute name is empty (%q: %q)", from, to)
		}
	}
}

func (f *StockFlow) validate(p *Problems, path string, in Integration, d Direction) {
	from, to := flowSides(in, d)
	needs(p, path, from, connectors.CapStockSource)
	needs(p, path, to, connectors.CapStockTarget)
	f.validateCatalog(p, path, mapping.FlowStock, in)
	checkExtraFields(p, path, mapping.FlowStock, f.Mapping, to)
	if !contains(StockCalculations, f.Calculation) {
		p.add(path+".calculation", "%q is not one of %s", f.Calculation, strings.Join(StockCalculations, ", "))
	}
	if f.Buffer < 0 {
		p.add(path+".buffer", "must not be negative")
	} else if _, err := model.ParseQuantity(strconv.FormatFloat(f.Buffer, 'f', -1, 64)); err != nil {
		p.add(path+".buffer", "%v", err)
	}
}

func (f *CustomerFlow) validate(p *Problems, path string, in Integration) {
	needs(p, path, in.Source, connectors.CapCustomerSource)
	needs(p, path, in.Target, connectors.CapCustomerDetails)
	f.validateCatalog(p, path, mapping.FlowCustomers, in)
	checkExtraFields(p, path, mapping.FlowCustomers, f.Mapping, in.Target)
}

// oneDirection reports a problem when both directions of a flow are enabled.
func oneDirection(p *Problems, path, name, reverse string, forward, back *CatalogFlow) {
	if forward.IsEnabled() && back.IsEnabled() {
		p.add(path, "flows.%s (source → target) and flows.%s (target → source) are both enabled; only one direction may be active per integration, so set enabled: false on one of them", name, reverse)
	}
}

// ProductFlowFor returns the active product flow and its direction; nil when
// none is enabled.
func (in Integration) ProductFlowFor() (*ProductFlow, Direction) {
	switch {
	case in.Flows.Products != nil && in.Flows.Products.IsEnabled():
		return in.Flows.Products, SourceToTarget
	case in.Flows.ProductsToSource != nil && in.Flows.ProductsToSource.IsEnabled():
		return in.Flows.ProductsToSource, TargetToSource
	}
	return nil, ""
}

// StockFlowFor returns the active stock flow and its direction; nil when none is enabled.
func (in Integration) StockFlowFor() (*StockFlow, Direction) {
	switch {
	case in.Flows.Stock != nil && in.Flows.Stock.IsEnabled():
		return in.Flows.Stock, SourceToTarget
	case in.Flows.StockToSource != nil && in.Flows.StockToSource.IsEnabled():
		return in.Flows.StockToSource, TargetToSource
	}
	return nil, ""
}

// CustomerFlowFor returns the customers flow when it is enabled.
func (in Integration) CustomerFlowFor() *CustomerFlow {
	if in.Flows.Customers != nil && in.Flows.Customers.IsEnabled() {
		return in.Flows.Customers
	}
	return nil
}

func catalogOf[F any](f *F, get func(*F) *CatalogFlow) *CatalogFlow {
	if f == nil {
		return nil
	}
	return get(f)
}
