package workflows

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

type orderSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
}

func TestOrderWorkflow(t *testing.T) { suite.Run(t, new(orderSuite)) }

// quietLogger keeps the SDK's debug lines out of test output.
var quietLogger = log.NewStructuredLogger(slog.New(slog.DiscardHandler))

func (s *orderSuite) SetupTest() {
	s.SetLogger(quietLogger)
	s.env = s.NewTestWorkflowEnvironment()
	s.env.RegisterActivity(a)
	s.env.RegisterWorkflow(NotifyFailureWorkflow)
}

// expectAlert expects one failure notice for the order, and captures it.
func (s *orderSuite) expectAlert() *activities.FailureNotice {
	var got activities.FailureNotice
	s.env.OnWorkflow(NotifyFailureWorkflow, mock.Anything, mock.Anything).Return(func(_ workflow.Context, n activities.FailureNotice) (map[string]string, error) {
		got = n
		return map[string]string{"webhook": "sent"}, nil
	}).Once()
	return &got
}

func (s *orderSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

func sampleOrder(company string) model.Order {
	return model.Order{
		ID: "1001", Number: "WEB-1001", Currency: "EUR", Paid: true, PricesIncludeVAT: true,
		Customer: model.Customer{Kind: model.KindFor(company), CompanyName: company, Email: "jan@example.nl",
			Person: model.Person{FirstName: "Jan", LastName: "Jansen"}},
		Lines: []model.OrderLine{
			{SKU: "MUG-1", Quantity: model.Pieces(2), UnitPrice: model.NewMoney(1250, "EUR"), VAT: model.VATPercent(21)},
			{SKU: "TEA-7", Quantity: model.Pieces(1), UnitPrice: model.NewMoney(499, "EUR"), VAT: model.VATPercent(9)},
		},
	}
}

func draftFor(o model.Order, kind connectors.OrderKind, debtor string) connectors.OrderDraft {
	return connectors.OrderDraft{Order: o, ExternalID: "ccvshop-" + o.ID, Kind: kind, CustomerID: debtor}
}

var input = OrderInput{Integration: "demo", OrderID: "1001", OrderNumber: "WEB-1001"}

// expectUpToProducts mocks fetch, enrich and the existence check.
func (s *orderSuite) expectUpToLookup(o model.Order, d connectors.OrderDraft, found bool) {
	s.env.OnActivity(a.FetchOrder, mock.Anything, activities.FetchOrderInput{Integration: "demo", OrderID: "1001"}).Return(o, nil).Once()
	s.env.OnActivity(a.EnrichOrder, mock.Anything, mock.Anything).Return(d, nil).Once()
	res := activities.FindTargetOrderResult{}
	if found {
		res = activities.FindTargetOrderResult{Found: true, Target: connectors.TargetOrder{ID: "ORD-9", Kind: d.Kind}}
	}
	s.env.OnActivity(a.FindTargetOrder, mock.Anything, activities.FindTargetOrderInput{
		Integration: "demo", ExternalID: d.ExternalID, Kind: d.Kind}).Return(res, nil).Once()
}

var productIDs = map[string]string{"MUG-1": "501", "TEA-7": "502"}

func (s *orderSuite) result() OrderResult {
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var r OrderResult
	s.Require().NoError(s.env.GetWorkflowResult(&r))
	return r
}

func (s *orderSuite) TestCreatesOrderForNewPerson() {
	o := sampleOrder("")
	d := draftFor(o, connectors.KindOrder, "")
	s.expectUpToLookup(o, d, false)
	s.env.OnActivity(a.EnsureCustomer, mock.Anything, mock.MatchedBy(func(in activities.EnsureCustomerInput) bool {
		return in.Customer.Kind == model.CustomerPerson && in.Customer.Email == "jan@example.nl"
	})).Return(activities.EnsureCustomerResult{CustomerID: "7", Action: activities.CustomerCreated}, nil).Once()
	s.env.OnActivity(a.CheckProducts, mock.Anything, activities.CheckProductsInput{Integration: "demo", SKUs: []string{"MUG-1", "TEA-7"}}).
		Return(productIDs, nil).Once()
	s.env.OnActivity(a.CommitOrder, mock.Anything, mock.MatchedBy(func(in activities.CommitOrderInput) bool {
		return in.Draft.CustomerID == "7" && in.Draft.ProductIDs["TEA-7"] == "502" && in.Draft.Kind == connectors.KindOrder
	})).Return(activities.CommitOrderResult{Target: connectors.TargetOrder{ID: "ORD-1", Kind: connectors.KindOrder}}, nil).Once()

	s.env.ExecuteWorkflow(OrderWorkflow, input)
	r := s.result()
	s.Equal(OrderCreated, r.Outcome)
	s.Equal("ORD-1", r.Target.ID)
	s.Equal(activities.CustomerCreated, r.Customer.Action)
	s.Contains(r.Message, "WEB-1001")
}

// A step this worker's rate limiter cannot serve in time is not retried on
// this worker: it goes to the task queue as a regular activity, which any
// worker may take, and the order goes on from there.
func (s *orderSuite) TestStepOfABusyLimiterIsHandedToTheFleet() {
	o := sampleOrder("")
	d := draftFor(o, connectors.KindOrder, "")
	busy := temporal.NewApplicationErrorWithOptions("ccvshop get order: waiting for the rate limiter", activities.ErrTypeLimiterBusy,
		temporal.ApplicationErrorOptions{NextRetryDelay: 40 * time.Second, Category: temporal.ApplicationErrorCategoryBenign})
	var local, handedOff int
	s.env.OnActivity(a.FetchOrder, mock.Anything, activities.FetchOrderInput{Integration: "demo", OrderID: "1001"}).Return(
		func(ctx context.Context, _ activities.FetchOrderInput) (model.Order, error) {
			if activity.GetInfo(ctx).IsLocalActivity {
				local++
				return model.Order{}, busy
			}
			handedOff++
			return o, nil
		})
	s.env.OnActivity(a.EnrichOrder, mock.Anything, mock.Anything).Return(d, nil).Once()
	s.env.OnActivity(a.FindTargetOrder, mock.Anything, mock.Anything).Return(activities.FindTargetOrderResult{}, nil).Once()
	s.env.OnActivity(a.EnsureCustomer, mock.Anything, mock.Anything).
		Return(activities.EnsureCustomerResult{CustomerID: "7", Action: activities.CustomerCreated}, nil).Once()
	s.env.OnActivity(a.CheckProducts, mock.Anything, mock.Anything).Return(productIDs, nil).Once()
	s.env.OnActivity(a.CommitOrder, mock.Anything, mock.Anything).
		Return(activities.CommitOrderResult{Target: connectors.TargetOrder{ID: "ORD-1", Kind: connectors.KindOrder}}, nil).Once()

	s.env.ExecuteWorkflow(OrderWorkflow, input)
	s.Equal(OrderCreated, s.result().Outcome)
	s.Equal(1, local, "one local attempt: a busy limiter is not waited for on this worker")
	s.Equal(1, handedOff, "then one regular activity, for whichever worker takes it")
}

func (s *orderSuite) TestCompanyGoesToCustomerStepAsCompanyWithContact() {
	o := sampleOrder("Jansen BV")
	d := draftFor(o, connectors.KindOrder, "")
	s.expectUpToLookup(o, d, false)
	s.env.OnActivity(a.EnsureCustomer, mock.Anything, mock.MatchedBy(func(in activities.EnsureCustomerInput) bool {
		c := in.Customer
		return c.Kind == model.CustomerCompany && c.CompanyName == "Jansen BV" && c.Person.FullName() == "Jan Jansen"
	})).Return(activities.EnsureCustomerResult{CustomerID: "8", Action: activities.CustomerUnchanged}, nil).Once()
	s.env.OnActivity(a.CheckProducts, mock.Anything, mock.Anything).Return(productIDs, nil).Once()
	s.env.OnActivity(a.CommitOrder, mock.Anything, mock.Anything).
		Return(activities.CommitOrderResult{Target: connectors.TargetOrder{ID: "ORD-2"}}, nil).Once()

	s.env.ExecuteWorkflow(OrderWorkflow, input)
	s.Equal("8", s.result().Customer.CustomerID)
}

func (s *orderSuite) TestSkipsOrderTheTargetAlreadyHas() {
	o := sampleOrder("")
	s.expectUpToLookup(o, draftFor(o, connectors.KindOrder, ""), true)
	// No customer, product or commit step may run: the mocks are not set, so
	// a call would fail the test.
	s.env.ExecuteWorkflow(OrderWorkflow, input)
	r := s.result()
	s.Equal(OrderSkipped, r.Outcome)
	s.Equal("ORD-9", r.Target.ID)
	s.Contains(r.Message, "already in the target")
}

func (s *orderSuite) TestDefaultDebtorSkipsCustomerLookup() {
	o := sampleOrder("")
	d := draftFor(o, connectors.KindOrder, "100")
	s.expectUpToLookup(o, d, false)
	s.env.OnActivity(a.CheckProducts, mock.Anything, mock.Anything).Return(productIDs, nil).Once()
	s.env.OnActivity(a.CommitOrder, mock.Anything, mock.MatchedBy(func(in activities.CommitOrderInput) bool {
		return in.Draft.CustomerID == "100"
	})).Return(activities.CommitOrderResult{Target: connectors.TargetOrder{ID: "ORD-3"}}, nil).Once()

	s.env.ExecuteWorkflow(OrderWorkflow, input)
	r := s.result()
	s.Equal("100", r.Customer.CustomerID)
	s.Equal(activities.CustomerAction("default debtor"), r.Customer.Action)
}

func (s *orderSuite) TestInvoiceIsLookedUpAndWrittenAsInvoice() {
	o := sampleOrder("")
	d := draftFor(o, connectors.KindInvoice, "100")
	s.expectUpToLookup(o, d, false)
	s.env.OnActivity(a.CheckProducts, mock.Anything, mock.Anything).Return(productIDs, nil).Once()
	s.env.OnActivity(a.CommitOrder, mock.Anything, mock.MatchedBy(func(in activities.CommitOrderInput) bool {
		return in.Draft.Kind == connectors.KindInvoice
	})).Return(activities.CommitOrderResult{Target: connectors.TargetOrder{ID: "INV-1", Kind: connectors.KindInvoice}}, nil).Once()

	s.env.ExecuteWorkflow(OrderWorkflow, input)
	s.Equal(connectors.KindInvoice, s.result().Target.Kind)
}

func (s *orderSuite) TestMissingProductFailsBeforeAnythingIsWritten() {
	o := sampleOrder("")
	d := draftFor(o, connectors.KindOrder, "100")
	s.expectUpToLookup(o, d, false)
	s.env.OnActivity(a.CheckProducts, mock.Anything, mock.Anything).Return(nil,
		temporal.NewNonRetryableApplicationError("1 of the order's SKUs do not exist in mplus: TEA-7", activities.ErrTypeUnknownProducts, nil)).Once()
	notice := s.expectAlert()

	s.env.ExecuteWorkflow(OrderWorkflow, input)
	s.Require().True(s.env.IsWorkflowCompleted())
	err := s.env.GetWorkflowError()
	s.Require().Error(err)
	var appErr *temporal.ApplicationError
	s.Require().True(errors.As(err, &appErr))
	s.Equal(activities.ErrTypeUnknownProducts, appErr.Type())
	s.Contains(err.Error(), "TEA-7")
	s.env.AssertNotCalled(s.T(), "CommitOrder", mock.Anything, mock.Anything)
	s.Equal("order WEB-1001", notice.Record)
	s.True(notice.Actionable, "an unknown SKU needs somebody to act")
	s.Contains(notice.Reason, "TEA-7")
	s.Equal("demo", notice.Integration)
}

func (s *orderSuite) TestOutageIsRetriedUntilItHeals() {
	o := sampleOrder("")
	d := draftFor(o, connectors.KindOrder, "100")
	s.expectUpToLookup(o, d, false)
	s.env.OnActivity(a.CheckProducts, mock.Anything, mock.Anything).Return(productIDs, nil).Once()
	s.env.OnActivity(a.CommitOrder, mock.Anything, mock.Anything).
		Return(activities.CommitOrderResult{}, temporal.NewApplicationError("mplus createOrder: unavailable (HTTP 503)", activities.ErrTypeUnavailable)).Twice()
	s.env.OnActivity(a.CommitOrder, mock.Anything, mock.Anything).
		Return(activities.CommitOrderResult{Target: connectors.TargetOrder{ID: "ORD-4"}}, nil).Once()

	s.env.ExecuteWorkflow(OrderWorkflow, input)
	s.Equal("ORD-4", s.result().Target.ID)
}

func (s *orderSuite) TestBadCredentialsFailAtOnce() {
	o := sampleOrder("")
	d := draftFor(o, connectors.KindOrder, "")
	s.expectUpToLookup(o, d, false)
	s.env.OnActivity(a.EnsureCustomer, mock.Anything, mock.Anything).Return(activities.EnsureCustomerResult{},
		temporal.NewNonRetryableApplicationError("mplus findRelation: auth", activities.ErrTypeAuth, nil)).Once()
	notice := s.expectAlert()

	s.env.ExecuteWorkflow(OrderWorkflow, input)
	err := s.env.GetWorkflowError()
	s.Require().Error(err)
	s.Contains(err.Error(), "auth")
	s.True(notice.Actionable)
}

// An outage that outlasts the step's retry budget fails the order and
// alerts, marked as not actionable (nothing to fix but waiting).
func (s *orderSuite) TestOutageBeyondTheBudgetAlertsOnce() {
	o := sampleOrder("")
	d := draftFor(o, connectors.KindOrder, "100")
	s.expectUpToLookup(o, d, false)
	s.env.OnActivity(a.CheckProducts, mock.Anything, mock.Anything).Return(productIDs, nil).Once()
	s.env.OnActivity(a.CommitOrder, mock.Anything, mock.Anything).
		Return(activities.CommitOrderResult{}, temporal.NewApplicationError("mplus createOrder: unavailable (HTTP 503)", activities.ErrTypeUnavailable))
	notice := s.expectAlert()

	s.env.ExecuteWorkflow(OrderWorkflow, input)
	s.Require().Error(s.env.GetWorkflowError())
	s.False(notice.Actionable, "transient errors alert only once the budget is spent, as not actionable")
	s.Contains(notice.Reason, "unavailable")
}

// An order that fails because the consent is gone sends no alert of its
// own: the token keeper sent the one alert, and a hundred orders must not
// send a hundred more.
func (s *orderSuite) TestLostConsentIsAlertedByTheKeeperNotPerOrder() {
	o := sampleOrder("")
	d := draftFor(o, connectors.KindOrder, "100")
	s.expectUpToLookup(o, d, false)
	s.env.OnActivity(a.CheckProducts, mock.Anything, mock.Anything).Return(productIDs, nil).Once()
	s.env.OnActivity(a.CommitOrder, mock.Anything, mock.Anything).Return(activities.CommitOrderResult{},
		temporal.NewNonRetryableApplicationError("reconnect: run starter connect --integration demo (invalid_grant)", activities.ErrTypeReconnect, nil))
	notices := 0
	s.env.OnWorkflow(NotifyFailureWorkflow, mock.Anything, mock.Anything).Return(func(workflow.Context, activities.FailureNotice) (map[string]string, error) {
		notices++
		return nil, nil
	}).Maybe()
	s.env.ExecuteWorkflow(OrderWorkflow, input)
	err := s.env.GetWorkflowError()
	s.Require().Error(err)
	s.Contains(err.Error(), "reconnect: run starter connect --integration demo")
	s.Zero(notices, "no notice per order: the keeper sent the one")
}

// No alert while an order succeeds after retries.
func (s *orderSuite) TestNoAlertForAnOrderThatSucceeds() {
	o := sampleOrder("")
	d := draftFor(o, connectors.KindOrder, "100")
	s.expectUpToLookup(o, d, false)
	s.env.OnActivity(a.CheckProducts, mock.Anything, mock.Anything).Return(productIDs, nil).Once()
	s.env.OnActivity(a.CommitOrder, mock.Anything, mock.Anything).
		Return(activities.CommitOrderResult{Target: connectors.TargetOrder{ID: "ORD-4"}}, nil).Once()
	s.env.ExecuteWorkflow(OrderWorkflow, input)
	s.result()
	s.env.AssertNotCalled(s.T(), "NotifyFailureWorkflow", mock.Anything, mock.Anything)
}

func (s *orderSuite) TestLostAnswerIsRecoveredNotDoubled() {
	o := sampleOrder("")
	d := draftFor(o, connectors.KindOrder, "100")
	s.expectUpToLookup(o, d, false)
	s.env.OnActivity(a.CheckProducts, mock.Anything, mock.Anything).Return(productIDs, nil).Once()
	s.env.OnActivity(a.CommitOrder, mock.Anything, mock.Anything).
		Return(activities.CommitOrderResult{Target: connectors.TargetOrder{ID: "ORD-5"}, AlreadyExisted: true}, nil).Once()

	s.env.ExecuteWorkflow(OrderWorkflow, input)
	r := s.result()
	s.Equal(OrderRecovered, r.Outcome)
	s.Equal("ORD-5", r.Target.ID)
}

func TestOrderWorkflowIDHoldsNoPersonalData(t *testing.T) {
	require.Equal(t, "demo/order/1001", OrderWorkflowID("demo", "1001"))
}
