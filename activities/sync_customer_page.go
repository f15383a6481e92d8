package activities

import (
	"context"
	"fmt"
	"strings"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// SyncCustomerPage lists one page of the source's customers and creates or
// updates each in the target, matched by e-mail, with the booking settings
// of the customer's country (billing address) and the mapped custom fields.
func (a *Activities) SyncCustomerPage(ctx context.Context, in PageInput) (PageResult, error) {
	rt, err := a.integration(in.Integration)
	if err != nil {
		return PageResult{}, err
	}
	f := rt.Customers
	if f == nil {
		return PageResult{}, configError(fmt.Errorf("integration %q has no enabled customers flow in this worker's integration file", in.Integration))
	}
	page, err := f.From.ListCustomers(ctx, in.Query)
	if err != nil {
		return PageResult{}, toTemporal(err)
	}
	res := PageResult{NextPageToken: page.NextPageToken, Cursor: page.Cursor}
	keys := make([]string, len(page.Customers))
	for i, c := range page.Customers {
		keys[i] = c.Customer.ID
	}
	return eachRecord(ctx, keys, res, func(i int) (RecordResult, error) {
		return syncCustomer(ctx, rt.Config, f, page.Customers[i], func(req UpsertCustomerInput) (EnsureCustomerResult, error) {
			return a.upsertViaKeeper(ctx, rt, req)
		})
	})
}

// syncCustomer writes one source customer. One that is not in the target
// is created through viaKeeper, the customer's keeper, so an order of the
// same new customer at the same moment does not create it a second time.
func syncCustomer(ctx context.Context, in config.Integration, f *CustomerFlow, sc connectors.SourceCustomer,
	viaKeeper func(UpsertCustomerInput) (EnsureCustomerResult, error)) (RecordResult, error) {
	rec := RecordResult{Key: sc.Customer.ID}
	ok, err := f.Filter.MatchCustomer(sc.Customer, sc.Raw)
	if err != nil {
		return rec, badRecord("%v", err)
	}
	if !ok {
		rec.Outcome = OutcomeFiltered
		return rec, nil
	}
	c, extra, err := f.Mapper.ApplyCustomer(sc.Customer, sc.Raw)
	if err != nil {
		return rec, err
	}
	if err := c.Validate(); err != nil {
		return rec, err
	}
	if strings.TrimSpace(c.Email) == "" {
		return rec, badRecord("customer %s has no e-mail address; customers are matched by e-mail, so it cannot be synced", sc.Customer.ID)
	}
	typed := typedEmail(c.Email)
	c = scopedCustomer(c, in.CustomerIDPrefix())
	want := CustomerDetailsFor(in, c, textFields(extra))
	match := connectors.CustomerMatch{Field: "email", Value: c.Email}
	existing, err := findCustomer(ctx, f.To, match, typed)
	if err != nil {
		return rec, err
	}
	var res EnsureCustomerResult
	if existing != nil {
		res, err = updateWithDetails(ctx, f.To, existing, c, want)
	} else {
		res, err = viaKeeper(UpsertCustomerInput{Integration: in.Name, Match: match, Customer: c, Details: &want, TypedEmail: typed})
	}
	if err != nil {
		return rec, err
	}
	switch res.Action {
	case CustomerCreated:
		rec.Outcome, rec.Detail = OutcomeCreated, fmt.Sprintf("created as %s in %s", res.CustomerID, f.ToName)
	case CustomerUpdated:
		rec.Outcome, rec.Detail = OutcomeUpdated, fmt.Sprintf("%s in %s", res.CustomerID, f.ToName)
	default:
		rec.Outcome = OutcomeUnchanged
	}
	return rec, nil
}

// CustomerDetailsFor picks the booking settings of the customer's billing
// country (or the default entry) and adds the custom fields.
func CustomerDetailsFor(in config.Integration, c model.Customer, extra map[string]string) connectors.CustomerDetails {
	cs := in.Country(c.Billing.CountryCode)
	return connectors.CustomerDetails{
		RevenueAccount: cs.RevenueAccount, VATCode: cs.CustomerVAT(), PaymentTermDays: cs.PaymentTermDays, Extra: extra,
	}
}

// DetailsNeedUpdate reports whether the target's details differ from what
// the flow would write; an empty wanted value leaves the target's alone.
func DetailsNeedUpdate(have, want connectors.CustomerDetails) bool {
	if want.RevenueAccount != "" && want.RevenueAccount != have.RevenueAccount ||
		want.VATCode != "" && want.VATCode != have.VATCode ||
		want.PaymentTermDays != 0 && want.PaymentTermDays != have.PaymentTermDays {
		return true
	}
	for k, v := range want.Extra {
		if have.Extra[k] != v {
			return true
		}
	}
	return false
}
