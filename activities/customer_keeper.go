package activities

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// One customer, one relation: two orders of one new customer started at
// once (a backlog, a backfill, after an outage), or an order while the
// customers flow runs, must not both find nothing and both create. Every
// create of a customer therefore goes through one workflow per target
// account and match key — the customer keeper — whose update handler runs
// the find-then-create (or update) one request at a time, across workflows
// and worker processes. Its id is a keyed hash, never the e-mail.

// Names the keeper is reached by (workflows/customer_keeper.go).
const (
	CustomerKeeperWorkflowName = "CustomerKeeperWorkflow"
	UpdateUpsertCustomer       = "upsertCustomer"
)

// UpsertCustomerInput is one request to the keeper: find the customer by
// Match in the integration's target, then update or create it. Details
// are set by the customers flow (it keeps them too), nil for orders.
type UpsertCustomerInput struct {
	Integration string                      `json:"integration"`
	Match       connectors.CustomerMatch    `json:"match"`
	Customer    model.Customer              `json:"customer"`
	Details     *connectors.CustomerDetails `json:"details,omitempty"`
	// TypedEmail is the e-mail as the source sent it, when it is not all
	// lower case: a target that matches case-sensitively may hold a relation
	// made by hand under that spelling.
	TypedEmail string `json:"typedEmail,omitempty"`
}

// CustomerKeeperWorkflowID names the keeper of one match key in one target
// account: "customer/" and 32 hex digits of an HMAC-SHA256 keyed with
// Activities.IDKey over the account and the key (lower-cased).
func CustomerKeeperWorkflowID(idKey []byte, account string, m connectors.CustomerMatch) string {
	mac := hmac.New(sha256.New, idKey)
	fmt.Fprintf(mac, "%s\x00%s\x00%s", account, m.Field, strings.ToLower(strings.TrimSpace(m.Value)))
	return "customer/" + hex.EncodeToString(mac.Sum(nil))[:32]
}

// TargetAccount names the account an integration writes to: the target
// system and its base URL.
func TargetAccount(in config.Integration) string {
	return in.Target.System + " " + strings.TrimRight(strings.ToLower(strings.TrimSpace(in.Target.BaseURL)), "/")
}

// upsertViaKeeper hands the request to the customer's keeper (started if
// none runs) and waits for its answer. Without a Temporal client (tests,
// previews) it upserts directly.
func (a *Activities) upsertViaKeeper(ctx context.Context, rt *Integration, req UpsertCustomerInput) (EnsureCustomerResult, error) {
	if a.Temporal == nil {
		return a.UpsertCustomer(ctx, req)
	}
	id := CustomerKeeperWorkflowID(a.IDKey, TargetAccount(rt.Config), req.Match)
	var res EnsureCustomerResult
	err := updateKeeper(ctx, a.Temporal, keeperUpdate{ID: id, Queue: a.keeperQueue(ctx), Workflow: CustomerKeeperWorkflowName,
		Update: UpdateUpsertCustomer, Arg: req, UpdateID: callerUpdateID(ctx)}, &res)
	if err != nil {
		return EnsureCustomerResult{}, toTemporal(err)
	}
	return res, nil
}

// UpsertCustomer finds the customer in the target and updates or creates
// it. The keeper runs it, one request at a time per customer.
func (a *Activities) UpsertCustomer(ctx context.Context, in UpsertCustomerInput) (EnsureCustomerResult, error) {
	defer keepAlive(ctx)()
	rt, err := a.integration(in.Integration)
	if err != nil {
		return EnsureCustomerResult{}, err
	}
	if in.Details != nil {
		if rt.Customers == nil {
			return EnsureCustomerResult{}, configError(fmt.Errorf("integration %q has no enabled customers flow in this worker's integration file", in.Integration))
		}
		return upsertWithDetails(ctx, rt.Customers.To, in.Match, in.TypedEmail, in.Customer, *in.Details)
	}
	if rt.Target == nil {
		return EnsureCustomerResult{}, configError(fmt.Errorf("integration %q has no orders flow in this worker's integration file", in.Integration))
	}
	return upsert(ctx, rt.Target, in.Match, in.TypedEmail, in.Customer)
}

// findCustomer looks the customer up by m and, when m is an e-mail the
// source typed with capitals, by that spelling too: e-mail matching is
// case-insensitive whether or not the target's lookup is.
func findCustomer(ctx context.Context, t connectors.CustomerTarget, m connectors.CustomerMatch, typedEmail string) (*connectors.CustomerRecord, error) {
	found, err := t.FindCustomer(ctx, m)
	if err != nil || found != nil || m.Field != "email" || typedEmail == "" || typedEmail == m.Value {
		return found, err
	}
	return t.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: typedEmail})
}

// typedEmail is c's e-mail as typed, when it differs from its lower case.
func typedEmail(email string) string {
	e := strings.TrimSpace(email)
	if e == strings.ToLower(e) {
		return ""
	}
	return e
}

// upsert is the find-then-create-or-update of the order flow.
func upsert(ctx context.Context, t connectors.CustomerTarget, m connectors.CustomerMatch, typed string, c model.Customer) (EnsureCustomerResult, error) {
	existing, err := findCustomer(ctx, t, m, typed)
	if err != nil {
		return EnsureCustomerResult{}, toTemporal(err)
	}
	if existing == nil {
		id, err := t.CreateCustomer(ctx, c)
		if err != nil {
			return EnsureCustomerResult{}, toTemporal(err)
		}
		return EnsureCustomerResult{CustomerID: id, Action: CustomerCreated}, nil
	}
	return updateIfNeeded(ctx, t, existing, c)
}

func updateIfNeeded(ctx context.Context, t connectors.CustomerTarget, existing *connectors.CustomerRecord, c model.Customer) (EnsureCustomerResult, error) {
	if !CustomerNeedsUpdate(existing.Customer, c) {
		return EnsureCustomerResult{CustomerID: existing.ID, Action: CustomerUnchanged}, nil
	}
	if err := t.UpdateCustomer(ctx, existing.ID, c); err != nil {
		return EnsureCustomerResult{}, toTemporal(err)
	}
	return EnsureCustomerResult{CustomerID: existing.ID, Action: CustomerUpdated}, nil
}

// upsertWithDetails is the customers flow's find-then-create-or-update.
func upsertWithDetails(ctx context.Context, t connectors.CustomerDetailsTarget, m connectors.CustomerMatch, typed string, c model.Customer, want connectors.CustomerDetails) (EnsureCustomerResult, error) {
	existing, err := findCustomer(ctx, t, m, typed)
	if err != nil {
		return EnsureCustomerResult{}, toTemporal(err)
	}
	if existing == nil {
		id, err := t.CreateCustomerWithDetails(ctx, c, want)
		if err != nil {
			return EnsureCustomerResult{}, toTemporal(err)
		}
		return EnsureCustomerResult{CustomerID: id, Action: CustomerCreated}, nil
	}
	return updateWithDetails(ctx, t, existing, c, want)
}

func updateWithDetails(ctx context.Context, t connectors.CustomerDetailsTarget, existing *connectors.CustomerRecord, c model.Customer, want connectors.CustomerDetails) (EnsureCustomerResult, error) {
	have, err := t.CustomerDetails(ctx, existing.ID)
	if err != nil {
		return EnsureCustomerResult{}, toTemporal(err)
	}
	if !CustomerNeedsUpdate(existing.Customer, c) && !DetailsNeedUpdate(have, want) {
		return EnsureCustomerResult{CustomerID: existing.ID, Action: CustomerUnchanged}, nil
	}
	if err := t.UpdateCustomerWithDetails(ctx, existing.ID, c, want); err != nil {
		return EnsureCustomerResult{}, toTemporal(err)
	}
	return EnsureCustomerResult{CustomerID: existing.ID, Action: CustomerUpdated}, nil
}
