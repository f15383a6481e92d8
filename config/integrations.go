package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/mapping"
	"github.com/koppel/koppel/model"
)

// File is the integration file: which systems are connected, which flows run
// between them and with which settings. Credentials are never in it: each one
// names the environment variable that holds it.
type File struct {
	Integrations []Integration `yaml:"integrations"`
}

// Integration connects one source system to one target system.
type Integration struct {
	Name   string `yaml:"name"`
	Source System `yaml:"source"`
	Target System `yaml:"target"`
	Flows  Flows  `yaml:"flows"`
	// Alerts, when set, reports records that failed for good.
	Alerts *Alerts `yaml:"alerts"`
	// Webhooks, when set, lets the source push changes (webhooks.go).
	Webhooks *Webhooks `yaml:"webhooks"`
	// Lookups are tables mapping rules read with lookup('name', key, default).
	Lookups map[string]map[string]string `yaml:"lookups"`
	// Countries book orders and customers per country (ISO alpha-2 code, or
	// "default" for the rest): VAT codes, revenue account, payment term.
	Countries map[string]CountrySettings `yaml:"countries"`
}

// System is one side of an integration.
type System struct {
	System  string `yaml:"system"`
	BaseURL string `yaml:"baseURL"`
	// Credentials maps a credential name (publicKey, secret …) to the name of the
	// environment variable that holds its value.
	Credentials map[string]string `yaml:"credentials"`
	RateLimit   RateLimit         `yaml:"rateLimit"`
	Timeout     Duration          `yaml:"timeout"`
	// Options are settings of this system only (e.g. mplus shippingPLU).
	Options map[string]string `yaml:"options"`
}

// RateLimit overrides a system's published limits (0 keeps them, -1 means none).
type RateLimit struct {
	ReadsPerMinute  int `yaml:"readsPerMinute"`
	WritesPerMinute int `yaml:"writesPerMinute"`
	TotalPerMinute  int `yaml:"totalPerMinute"`
}

// Flows holds the settings of each flow; a nil flow is not configured.
type Flows struct {
	Orders *OrderFlow `yaml:"orders"`
	// Products and Stock read the source and write the target; the
	// ...ToSource variants go the other way. One direction may be active.
	Products         *ProductFlow  `yaml:"products"`
	ProductsToSource *ProductFlow  `yaml:"productsToSource"`
	Stock            *StockFlow    `yaml:"stock"`
	StockToSource    *StockFlow    `yaml:"stockToSource"`
	Customers        *CustomerFlow `yaml:"customers"`
}

// OrderFlow is the order flow's settings.
type OrderFlow struct {
	Enabled *bool `yaml:"enabled"`
	// Interval and Jitter shape the polling schedule.
	Interval Duration `yaml:"interval"`
	Jitter   Duration `yaml:"jitter"`
	// StartFrom is where the first run starts (orders created at or after it).
	StartFrom Date `yaml:"startFrom"`
	// PaidOnly syncs only paid orders (the default).
	PaidOnly *bool `yaml:"paidOnly"`
	// Statuses limits the sync to orders in these statuses; empty means any.
	Statuses []string `yaml:"statuses"`
	// OrderType is what the target writes: order or invoice.
	OrderType string `yaml:"orderType"`
	// EmployeeNumber and Branch were the MplusKASSA employee and branch of
	// orders; they are target options now (target.options.employeeNumber,
	// branch). Files that still set them here keep working: the value moves
	// to the target's options when the target takes that option.
	EmployeeNumber string `yaml:"employeeNumber"`
	Branch         string `yaml:"branch"`
	// DefaultDebtor books every order on this existing target customer instead
	// of finding or creating one per order.
	DefaultDebtor string `yaml:"defaultDebtor"`
	// WalkInDebtor books the orders that have no customer (walk-in sales
	// at a till: no name, company or e-mail) on this existing target
	// customer; the others are found or created as usual.
	WalkInDebtor string `yaml:"walkInDebtor"`
	// CustomerMatch is how an existing target customer is found: email or externalId.
	CustomerMatch string `yaml:"customerMatch"`
	// ExternalIDPrefix goes before the source order id to form the target's
	// natural key (extOrderId). The default is the integration's name and a
	// dash, so two integrations writing to one target never share a key;
	// integrations from before that default keep "<source system>-" by
	// setting it. Two integrations writing to the same target account must
	// not use the same prefix.
	ExternalIDPrefix *string `yaml:"externalIdPrefix"`
	// CustomerIDPrefix goes before the source customer id where a customer
	// is matched (customerMatch: externalId) and created by it; default
	// like ExternalIDPrefix. Set it to "" to keep the unscoped ids of
	// relations made before.
	CustomerIDPrefix *string `yaml:"customerIdPrefix"`
	// RequireProducts (default true): every line's SKU must exist in the
	// target; false lets a target that can book a line without an article
	// (on a revenue account) write the order, and the check only warns.
	RequireProducts *bool `yaml:"requireProducts"`
	// RecheckQuotaPercent is the share of the source's read quota that
	// rechecking waiting orders may use (default 33).
	RecheckQuotaPercent int `yaml:"recheckQuotaPercent"`
	// PageSize is how many orders one listing call asks for.
	PageSize int `yaml:"pageSize"`
	// MaxOrdersPerRun bounds one scheduled run; the rest follows on the next tick.
	MaxOrdersPerRun int `yaml:"maxOrdersPerRun"`
	// SettleDelay is no longer used: sources list again what they listed
	// lately (their look-back). Accepted so older files still load.
	SettleDelay Duration `yaml:"settleDelay"`
	// PendingMaxAge is how long an order that is not yet eligible (unpaid) is
	// watched for a change before it is given up.
	PendingMaxAge Duration `yaml:"pendingMaxAge"`
	// Mapping overrides target fields with expressions (see package mapping).
	Mapping mapping.Rules `yaml:"mapping"`
	// PaymentMethods and ShippingMethods map the source's payment and
	// shipping methods to the target's codes; a method not listed is passed
	// as it is. PaymentTerms gives the payment term in days of an invoice,
	// by the source's payment method.
	PaymentMethods  map[string]string `yaml:"paymentMethods"`
	ShippingMethods map[string]string `yaml:"shippingMethods"`
	PaymentTerms    map[string]int    `yaml:"paymentTerms"`
	// CountryFrom says which address decides the country settings of an
	// order: shipping (the default, as VAT follows the delivery) or billing.
	CountryFrom string `yaml:"countryFrom"`
}

// OrderMapper compiles the order flow's mapping with the integration's lookup tables.
func (in Integration) OrderMapper() (*mapping.Mapper, error) {
	return mapping.Compile(mapping.FlowOrders, in.Flows.Orders.Mapping, in.Lookups)
}

// Defaults of the order flow.
const (
	DefaultInterval      = time.Minute
	DefaultPageSize      = 100
	DefaultMaxPerRun     = 500
	DefaultSettleDelay   = 10 * time.Second
	DefaultPendingMaxAge = 7 * 24 * time.Hour
	// DefaultRecheckQuotaPercent: waiting orders may use a third of the
	// source's read quota; new orders keep the rest.
	DefaultRecheckQuotaPercent = 33
)

// IsEnabled reports whether the flow runs (configured flows run unless disabled).
func (f *OrderFlow) IsEnabled() bool { return f != nil && (f.Enabled == nil || *f.Enabled) }

// ProductsRequired reports the requireProducts setting (default true).
func (f *OrderFlow) ProductsRequired() bool { return f.RequireProducts == nil || *f.RequireProducts }

// OnlyPaid reports the paidOnly setting (default true).
func (f *OrderFlow) OnlyPaid() bool { return f.PaidOnly == nil || *f.PaidOnly }

func (f *OrderFlow) applyDefaults(integration string) {
	if f.Interval == 0 {
		f.Interval = Duration(DefaultInterval)
	}
	if f.OrderType == "" {
		f.OrderType = string(connectors.KindOrder)
	}
	if f.CustomerMatch == "" {
		f.CustomerMatch = "email"
	}
	if f.ExternalIDPrefix == nil {
		p := integration + "-"
		f.ExternalIDPrefix = &p
	}
	if f.CustomerIDPrefix == nil {
		p := integration + "-"
		f.CustomerIDPrefix = &p
	}
	if f.RecheckQuotaPercent == 0 {
		f.RecheckQuotaPercent = DefaultRecheckQuotaPercent
	}
	if f.PageSize == 0 {
		f.PageSize = DefaultPageSize
	}
	if f.MaxOrdersPerRun == 0 {
		f.MaxOrdersPerRun = DefaultMaxPerRun
	}
	if f.SettleDelay == 0 {
		f.SettleDelay = Duration(DefaultSettleDelay)
	}
	if f.PendingMaxAge == 0 {
		f.PendingMaxAge = Duration(DefaultPendingMaxAge)
	}
	if f.CountryFrom == "" {
		f.CountryFrom = "shipping"
	}
}

// CustomerIDPrefix is what goes before a source customer id to make the
// target's external id: the orders flow's customerIdPrefix, else the
// integration's name and a dash.
func (in Integration) CustomerIDPrefix() string {
	if f := in.Flows.Orders; f != nil && f.CustomerIDPrefix != nil {
		return *f.CustomerIDPrefix
	}
	return in.Name + "-"
}

// Load reads and validates an integration file.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("integration file: %w (set KOPPEL_INTEGRATIONS or -f to its path)", err)
	}
	return Parse(path, b)
}

// Parse decodes and validates an integration file's content. Unknown keys are
// errors, so a typo never silently drops a setting.
func Parse(name string, b []byte) (*File, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, &Problems{Source: name, List: []string{strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	for i := range f.Integrations {
		fl := &f.Integrations[i].Flows
		if fl.Orders != nil {
			fl.Orders.applyDefaults(f.Integrations[i].Name)
			fl.Orders.Statuses = canonicalStatuses(f.Integrations[i].Source.System, fl.Orders.Statuses)
			moveToTargetOptions(&f.Integrations[i])
		}
		for _, pf := range []*ProductFlow{fl.Products, fl.ProductsToSource} {
			if pf != nil {
				pf.applyCatalogDefaults()
				if pf.AlwaysSync == nil {
					pf.AlwaysSync = append([]string(nil), DefaultAlwaysSync...)
				}
			}
		}
		for _, sf := range []*StockFlow{fl.Stock, fl.StockToSource} {
			if sf != nil {
				sf.applyCatalogDefaults()
				if sf.Calculation == "" {
					sf.Calculation = CalcAvailableMinusReserved
				}
			}
		}
		if fl.Customers != nil {
			fl.Customers.applyCatalogDefaults()
		}
		if w := f.Integrations[i].Webhooks; w != nil {
			w.applyDefaults(f.Integrations[i])
		}
	}
	if err := f.Validate(name); err != nil {
		return nil, err
	}
	return &f, nil
}

// Integration returns the integration with the given name.
func (f *File) Integration(name string) (*Integration, bool) {
	for i := range f.Integrations {
		if f.Integrations[i].Name == name {
			return &f.Integrations[i], true
		}
	}
	return nil, false
}

// Validate checks the whole file and reports every problem with its path.
func (f *File) Validate(name string) error {
	p := &Problems{Source: name}
	if len(f.Integrations) == 0 {
		p.add("integrations", "no integration is defined")
	}
	seen := map[string]bool{}
	for i, in := range f.Integrations {
		path := fmt.Sprintf("integrations[%d]", i)
		switch {
		case in.Name == "":
			p.add(path+".name", "is empty; give each integration a short unique name")
		case !validName(in.Name):
			p.add(path+".name", "%q may only hold letters, digits, '-' and '_' (it is part of workflow and schedule ids)", in.Name)
		case seen[in.Name]:
			p.add(path+".name", "%q is used twice", in.Name)
		}
		seen[in.Name] = true
		in.Source.validate(p, path+".source")
		in.Target.validate(p, path+".target")
		fl := in.Flows
		if fl.Orders == nil && fl.Products == nil && fl.ProductsToSource == nil && fl.Stock == nil && fl.StockToSource == nil && fl.Customers == nil {
			p.add(path+".flows", "no flow is configured; add one of orders, products, productsToSource, stock, stockToSource, customers")
		}
		if fl.Orders != nil {
			fl.Orders.validate(p, path+".flows.orders", in)
			if _, err := in.OrderMapper(); err != nil {
				var merr *mapping.Error
				if !errors.As(err, &merr) {
					p.add(path+".flows.orders.mapping", "%v", err)
				}
				for _, pr := range merrProblems(merr) {
					p.add(path+"."+mapping.FieldPath(mapping.FlowOrders, pr.Field), "%s (integration %s, orders flow, field %s)", pr.Message, in.Name, pr.Field)
				}
			}
			checkExtraFields(p, path+".flows.orders", mapping.FlowOrders, fl.Orders.Mapping, in.Target)
		}
		if fl.Products != nil {
			fl.Products.validate(p, path+".flows.products", in, SourceToTarget)
		}
		if fl.ProductsToSource != nil {
			fl.ProductsToSource.validate(p, path+".flows.productsToSource", in, TargetToSource)
		}
		oneDirection(p, path+".flows", "products", "productsToSource",
			catalogOf(fl.Products, func(f *ProductFlow) *CatalogFlow { return &f.CatalogFlow }),
			catalogOf(fl.ProductsToSource, func(f *ProductFlow) *CatalogFlow { return &f.CatalogFlow }))
		if fl.Stock != nil {
			fl.Stock.validate(p, path+".flows.stock", in, SourceToTarget)
		}
		if fl.StockToSource != nil {
			fl.StockToSource.validate(p, path+".flows.stockToSource", in, TargetToSource)
		}
		oneDirection(p, path+".flows", "stock", "stockToSource",
			catalogOf(fl.Stock, func(f *StockFlow) *CatalogFlow { return &f.CatalogFlow }),
			catalogOf(fl.StockToSource, func(f *StockFlow) *CatalogFlow { return &f.CatalogFlow }))
		if fl.Customers != nil {
			fl.Customers.validate(p, path+".flows.customers", in)
		}
		validateCountries(p, path+".countries", in.Countries)
		if in.Alerts != nil {
			in.Alerts.validate(p, path+".alerts")
		}
		if in.Webhooks != nil {
			in.Webhooks.validate(p, path+".webhooks", in)
		}
	}
	scopedKeysDoNotCollide(p, f.Integrations)
	if len(p.List) > 0 {
		return p
	}
	return nil
}

// scopedKeysDoNotCollide reports two integrations that write orders (or
// match customers by external id) into the same target account with the
// same key prefix: their orders 123 would be one order to the target.
func scopedKeysDoNotCollide(p *Problems, list []Integration) {
	type key struct{ account, kind, prefix string }
	first := map[key]string{}
	for i, in := range list {
		f := in.Flows.Orders
		if f == nil || f.ExternalIDPrefix == nil {
			continue
		}
		path := fmt.Sprintf("integrations[%d].flows.orders", i)
		account := in.Target.System + " " + strings.TrimRight(strings.ToLower(strings.TrimSpace(in.Target.BaseURL)), "/")
		check := func(kind, field, prefix string) {
			k := key{account, kind, prefix}
			if other, dup := first[k]; dup {
				p.add(path+"."+field, "%q is also the %s of %s, which writes to the same %s (%s); give each integration its own prefix, or the target takes one shop's order or customer for the other's",
					prefix, field, other, in.Target.System, in.Target.BaseURL)
				return
			}
			first[k] = path + "." + field
		}
		check("order", "externalIdPrefix", *f.ExternalIDPrefix)
		if f.CustomerMatch == "externalId" && f.CustomerIDPrefix != nil {
			check("customer", "customerIdPrefix", *f.CustomerIDPrefix)
		}
	}
}

func (s System) validate(p *Problems, path string) {
	reg, ok := connectors.Lookup(s.System)
	if !ok {
		p.add(path+".system", "%q is not one of %s", s.System, strings.Join(connectors.Systems(), ", "))
		return
	}
	if s.BaseURL == "" {
		p.add(path+".baseURL", "is empty; set the system's API address")
	} else if !strings.HasPrefix(s.BaseURL, "http://") && !strings.HasPrefix(s.BaseURL, "https://") {
		p.add(path+".baseURL", "%q must start with https:// (or http:// for a local simulator)", s.BaseURL)
	}
	for _, c := range reg.Credentials {
		v, ok := s.Credentials[c]
		switch {
		case !ok || v == "":
			p.add(path+".credentials."+c, "is missing; name the environment variable that holds it")
		case !validEnvName(v):
			p.add(path+".credentials."+c, "must name an environment variable (like %s), never hold the secret itself", envHint(s.System, c))
		}
	}
	for _, pr := range reg.CheckOptions(s.Options) {
		p.add(path+"."+pr.Path, "%s", pr.Message)
	}
	for c := range s.Credentials {
		if !contains(reg.Credentials, c) {
			p.add(path+".credentials."+c, "%s takes no credential %q (it takes %s)", s.System, c, strings.Join(reg.Credentials, ", "))
		}
	}
}

func (o *OrderFlow) validate(p *Problems, path string, in Integration) {
	if reg, ok := connectors.Lookup(in.Source.System); ok && !reg.Has(connectors.CapOrderSource) {
		p.add(path, "%s cannot be the source of orders", in.Source.System)
	}
	if reg, ok := connectors.Lookup(in.Target.System); ok {
		for _, c := range []connectors.Capability{connectors.CapOrderTarget, connectors.CapCustomerTarget, connectors.CapProductLookup} {
			if !reg.Has(c) {
				p.add(path, "%s cannot be the %s the order flow needs", in.Target.System, c)
			}
		}
	}
	if o.Interval.D() < time.Second {
		p.add(path+".interval", "%s is shorter than 1s", o.Interval.D())
	}
	if o.Jitter < 0 || o.Jitter.D() > o.Interval.D() {
		p.add(path+".jitter", "%s must be between 0 and the interval", o.Jitter.D())
	}
	if reg, ok := connectors.Lookup(in.Target.System); ok && reg.Has(connectors.CapOrderTarget) {
		if !o.ProductsRequired() && reg.LinesNeedProducts {
			p.add(path+".requireProducts", "%s writes every line on an existing product; it cannot be false", in.Target.System)
		}
		if !reg.WritesKind(connectors.OrderKind(o.OrderType)) {
			p.add(path+".orderType", "%q is not a kind %s writes (it writes %s)", o.OrderType, in.Target.System, kindNames(reg.OrderKinds))
		}
	} else if !slices.Contains(connectors.OrderKinds(), connectors.OrderKind(o.OrderType)) {
		p.add(path+".orderType", "%q is not one of %s", o.OrderType, kindNames(connectors.OrderKinds()))
	}
	switch o.CustomerMatch {
	case "email", "externalId":
	default:
		p.add(path+".customerMatch", "%q is not one of email, externalId", o.CustomerMatch)
	}
	for i, s := range o.Statuses {
		if !knownStatus(s) {
			p.add(fmt.Sprintf("%s.statuses[%d]", path, i), "%q is not one of %s%s", s, statusNames(), sourceStatusNames(in.Source.System))
		}
	}
	if o.PageSize < 1 {
		p.add(path+".pageSize", "%d is less than 1", o.PageSize)
	} else if reg, ok := connectors.Lookup(in.Source.System); ok && reg.MaxPageSize > 0 && o.PageSize > reg.MaxPageSize {
		p.add(path+".pageSize", "%d is not between 1 and %d (the most %s lists on a page)", o.PageSize, reg.MaxPageSize, in.Source.System)
	}
	if o.MaxOrdersPerRun < 1 || o.MaxOrdersPerRun > 1500 {
		p.add(path+".maxOrdersPerRun", "%d is not between 1 and 1500 (one run's history must stay small)", o.MaxOrdersPerRun)
	}
	if o.SettleDelay < 0 {
		p.add(path+".settleDelay", "must not be negative")
	}
	if o.PendingMaxAge < 0 {
		p.add(path+".pendingMaxAge", "must not be negative")
	}
	if reg, ok := connectors.Lookup(in.Target.System); ok {
		for _, f := range [][2]string{{"employeeNumber", o.EmployeeNumber}, {"branch", o.Branch}} {
			if f[1] != "" && !slices.Contains(reg.OptionNames(), f[0]) {
				p.add(path+"."+f[0], "%s has no %s; remove it (it was a MplusKASSA setting)", in.Target.System, f[0])
			}
		}
	}
	if o.RecheckQuotaPercent < 1 || o.RecheckQuotaPercent > 100 {
		p.add(path+".recheckQuotaPercent", "%d is not between 1 and 100", o.RecheckQuotaPercent)
	}
	switch o.CountryFrom {
	case "shipping", "billing":
	default:
		p.add(path+".countryFrom", "%q is not one of shipping, billing", o.CountryFrom)
	}
	for _, m := range sortedKeys(o.PaymentTerms) {
		if o.PaymentTerms[m] < 0 {
			p.add(path+".paymentTerms."+m, "must not be negative")
		}
	}
}

// Env resolves a system's credentials from the environment; every missing
// variable is reported at once.
func (s System) Env(path string, lookup func(string) (string, bool)) (map[string]string, error) {
	p := &Problems{Source: "environment"}
	out := map[string]string{}
	for name, envName := range s.Credentials {
		v, ok := lookup(envName)
		if !ok || v == "" {
			p.add(path+".credentials."+name, "environment variable %s is not set", envName)
			continue
		}
		out[name] = v
	}
	if len(p.List) > 0 {
		return nil, p
	}
	return out, nil
}

func knownStatus(s string) bool {
	for _, st := range model.OrderStatuses {
		if string(st) == s {
			return true
		}
	}
	return false
}

func statusNames() string {
	names := make([]string, len(model.OrderStatuses))
	for i, s := range model.OrderStatuses {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

func validName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return s != ""
}

func validEnvName(s string) bool {
	for i, r := range s {
		if !(r >= 'A' && r <= 'Z' || r == '_' || (i > 0 && r >= '0' && r <= '9')) {
			return false
		}
	}
	return s != ""
}

func envHint(system, cred string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(system) + "_" + cred {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r - 32)
		} else if r >= 'A' && r <= 'Z' || r == '_' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func merrProblems(e *mapping.Error) []mapping.Problem {
	if e == nil {
		return nil
	}
	return e.Problems
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedKeysOrNone[V any](m map[string]V) []string {
	if len(m) == 0 {
		return []string{"none"}
	}
	return sortedKeys(m)
}

// canonicalStatuses turns the source's own status names (CCV Shop's
// in_process …) into the canonical statuses they map to; a name neither
// knows stays, for validation to report.
func canonicalStatuses(source string, list []string) []string {
	reg, _ := connectors.Lookup(source)
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s
		if c, ok := reg.StatusNames[s]; ok && !knownStatus(s) {
			out[i] = string(c)
		}
	}
	return out
}

// sourceStatusNames lists a source's own status names for a message.
func sourceStatusNames(source string) string {
	reg, ok := connectors.Lookup(source)
	if !ok || len(reg.StatusNames) == 0 {
		return ""
	}
	return ", or one of " + source + "'s own: " + strings.Join(sortedKeys(reg.StatusNames), ", ")
}

func kindNames(kinds []connectors.OrderKind) string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return strings.Join(out, ", ")
}

// moveToTargetOptions carries the orders flow's employeeNumber and branch,
// from before they were target options, into the target's options when the
// target takes them and they are not set there.
func moveToTargetOptions(in *Integration) {
	f := in.Flows.Orders
	reg, ok := connectors.Lookup(in.Target.System)
	if !ok {
		return
	}
	for _, o := range [][2]string{{"employeeNumber", f.EmployeeNumber}, {"branch", f.Branch}} {
		name, v := o[0], o[1]
		if v == "" || !slices.Contains(reg.OptionNames(), name) {
			continue
		}
		if in.Target.Options == nil {
			in.Target.Options = map[string]string{}
		}
		if _, set := in.Target.Options[name]; !set {
			in.Target.Options[name] = v
		}
	}
}
