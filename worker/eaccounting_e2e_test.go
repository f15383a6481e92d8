package worker_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/eaccounting"
	easim "github.com/koppel/koppel/connectors/eaccounting/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

// CCV Shop → Visma eAccounting: the third pair's orders flow on a real dev
// server, the tokens held by the token keeper, the consent given as
// starter connect gives it.

// eaTargetOptions book shipping, coupons and cent differences on the
// articles the simulated company has for them.
const eaTargetOptions = `{shippingArticles: VERZEND-21, discountArticles: "21%=KORTING-21, 9%=KORTING-9", costArticles: KOSTEN-21, roundingArticle: "21%=KORTING-21, 9%=KORTING-9, 0%=AFRONDING-0"}`

func newEAccountingStack(t *testing.T, o stackOptions) (*stack, *easim.Sim) {
	t.Helper()
	o.source, o.target = "ccvshop", "eaccounting"
	if o.targetOptions == "" {
		o.targetOptions = eaTargetOptions
	}
	s := newStack(t, o)
	ea, ok := s.target.(*easim.Sim)
	require.True(t, ok, "the target is the eAccounting simulator")
	easim.SeedDemo(ea, simkit.DemoContext{Now: time.Now(), Instance: 1})
	// Prices include VAT for private persons, as a Dutch shop shows them;
	// a company's documents are without VAT.
	c := ea.Company()
	c.ShowPricesExclVatPC = true
	ea.SetCompany(c)
	s.connectEAccounting(t, ea)
	return s, ea
}

// eaRef is the token keeper's credential of the stack's target.
func (s *stack) eaRef() activities.TokenKeeperRef {
	in := s.file.Integrations[0]
	return activities.TokenKeeperRef{Integration: in.Name, Side: activities.SideTarget, System: eaccounting.System, ClientID: easim.DemoClientID}
}

// connectEAccounting gives the consent as starter connect does: a code from
// the identity server, exchanged, handed to the token keeper.
func (s *stack) connectEAccounting(t *testing.T, ea *easim.Sim) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in := s.file.Integrations[0]
	oa, err := eaccounting.OAuthFromSettings(connectors.Settings{BaseURL: in.Target.BaseURL, Options: in.Target.Options,
		Credentials: map[string]string{eaccounting.CredClientID: easim.DemoClientID, eaccounting.CredClientSecret: easim.DemoClientSecret}})
	require.NoError(t, err)
	code, err := ea.Authorize(oa.RedirectURI, oa.Scopes...)
	require.NoError(t, err)
	tok, err := oa.Exchange(ctx, code)
	require.NoError(t, err)
	st, err := activities.ConnectTokenKeeper(ctx, s.client, s.taskQueue, nil, s.eaRef(), activities.TokenSet{
		AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry, Lifetime: tok.Lifetime, Scope: tok.Scope})
	require.NoError(t, err)
	require.Equal(t, activities.TokenStateConnected, st.State)
}

// eaDoc is one sales document as the simulated company holds it.
type eaDoc struct {
	customerID string
	total      int64 // incl. VAT, cents
	rows       []string
}

// eaDocs reads the documents of a kind by their reference (the order's key).
func eaDocs(ea *easim.Sim, kind connectors.OrderKind) map[string][]eaDoc {
	out := map[string][]eaDoc{}
	switch kind {
	case connectors.KindOrder:
		for _, d := range ea.Orders() {
			rows := articleNumbers(d.Rows, func(r easim.OrderRow) string { return r.ArticleNumber })
			addDoc(out, d.YourReference, eaDoc{d.CustomerId, d.Amount.CentsValue() + d.VatAmount.CentsValue(), rows})
		}
	case connectors.KindInvoice:
		for _, d := range ea.InvoiceDrafts() {
			rows := articleNumbers(d.Rows, func(r easim.InvoiceDraftRow) string { return r.ArticleNumber })
			addDoc(out, d.YourReference, eaDoc{d.CustomerId, d.TotalAmount.CentsValue(), rows})
		}
	case connectors.KindSalesInvoice:
		for _, d := range ea.Invoices() {
			rows := articleNumbers(d.Rows, func(r easim.InvoiceRow) string { return r.ArticleNumber })
			addDoc(out, d.YourReference, eaDoc{d.CustomerId, d.TotalAmount.CentsValue(), rows})
		}
	case connectors.KindQuote:
		for _, d := range ea.Quotes() {
			rows := articleNumbers(d.Rows, func(r easim.QuoteRow) string { return r.ArticleNumber })
			// The simulator's quote TotalAmount is without VAT.
			addDoc(out, d.CustomerReference, eaDoc{d.CustomerId, d.TotalAmount.CentsValue() + d.VatAmount.CentsValue(), rows})
		}
	}
	return out
}

func addDoc(docs map[string][]eaDoc, ref string, d eaDoc) { docs[ref] = append(docs[ref], d) }

// articleNumbers lists the article of each row of a document.
func articleNumbers[R any](rows []R, number func(R) string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, number(r))
	}
	return out
}

func eaCustomerByEmail(ea *easim.Sim, email string) (easim.Customer, int) {
	var found easim.Customer
	n := 0
	for _, c := range ea.Customers() {
		if strings.EqualFold(c.EmailAddress, email) {
			found, n = c, n+1
		}
	}
	return found, n
}

// Each kind to the cent: a private person with shipping and a coupon (a
// gross document), a company with odd cents (a net document whose VAT
// rounding needs the rounding row), a Belgian customer; a second sync
// writes nothing; a lost answer after the write is still one document.
func TestEAccountingOrdersEachKindEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	for _, kind := range []connectors.OrderKind{connectors.KindOrder, connectors.KindInvoice, connectors.KindSalesInvoice, connectors.KindQuote} {
		t.Run(string(kind), func(t *testing.T) {
			s, ea := newEAccountingStack(t, stackOptions{flow: ", orderType: " + string(kind)})
			base := time.Now().Add(-2 * time.Hour).Truncate(time.Second)

			withShip := order(person("Jan", "Visser", "Jan.Visser@example.nl"), base.Add(time.Minute), true, coffee.line(2), mug.line(1))
			withShip.ShippingMethod, withShip.ShippingCost = "PostNL", eurCents(495)
			withShip.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Kortingscode WELKOM", Amount: eurCents(-500), VAT: model.VATPercent(21)}}
			withShip.Total = eurCents(withShip.Total.Amount + 495 - 500)

			oddCents := order(company("Bakkerij Smit", "Petra", "Smit", "inkoop@smit.example"), base.Add(2*time.Minute), true,
				product{sku: "MOK-0001", name: "Mok wit", cents: 1005, vat: 21}.line(3), withDiscount(coffee.line(1), 33))

			belgian := person("An", "Peeters", "an@example.be")
			belgian = inBelgium(belgian)
			fromBelgium := order(belgian, base.Add(3*time.Minute), true, filter.line(4))

			ids := map[string]string{}
			orders := map[string]model.Order{"shipping and coupon": withShip, "company odd cents": oddCents, "belgian": fromBelgium}
			for name, o := range orders {
				ids[name] = s.ccv.AddOrder(o)
			}
			lost := order(person("Sophie", "Jansen", "sophie@example.nl"), base.Add(4*time.Minute), true, mug.line(2))
			ea.Faults().Add(simkit.Rule{Op: eaCreateOp(kind), Kind: simkit.FaultDropAfterCommit, Times: 1})
			ids["lost answer"] = s.ccv.AddOrder(lost)
			orders["lost answer"] = lost

			stats := s.backfill(base, time.Now())
			require.Equal(t, 4, stats.Started)
			for name := range orders {
				r, err := s.orderResult(ids[name])
				require.NoError(t, err, name)
				assert.Contains(t, []workflows.OrderOutcome{workflows.OrderCreated, workflows.OrderRecovered}, r.Outcome, name)
			}
			assert.Equal(t, 1, ea.Faults().Hits(simkit.FaultDropAfterCommit), "the answer of one write was lost")

			docs := eaDocs(ea, kind)
			require.Len(t, docs, 4, "one document per order: %v", docs)
			for name, o := range orders {
				got := docs["shop-"+ids[name]]
				require.Len(t, got, 1, "%s: exactly one %s", name, kind)
				total := o.Total.Amount
				if name != "shipping and coupon" {
					total = linesTotal(o)
				}
				assert.Equal(t, total, got[0].total, "%s: the %s's total is the shop's, to the cent", name, kind)
			}
			ship := docs["shop-"+ids["shipping and coupon"]][0]
			assert.Equal(t, []string{"KOF-1000", "MOK-0001", "VERZEND-21", "KORTING-21"}, ship.rows)

			jan, n := eaCustomerByEmail(ea, "jan.visser@example.nl")
			require.Equal(t, 1, n)
			assert.True(t, jan.IsPrivatePerson)
			assert.Equal(t, jan.Id, ship.customerID)
			smit, n := eaCustomerByEmail(ea, "inkoop@smit.example")
			require.Equal(t, 1, n)
			assert.False(t, smit.IsPrivatePerson)
			assert.Equal(t, "Bakkerij Smit", smit.Name)
			an, n := eaCustomerByEmail(ea, "an@example.be")
			require.Equal(t, 1, n)
			assert.Equal(t, "BE", an.InvoiceCountryCode, "the Belgian customer is Belgian: eAccounting books her sales by her country")

			// The same window again writes nothing.
			writes := ea.Calls().Count(eaCreateOp(kind))
			again := s.backfill(base, time.Now())
			assert.Equal(t, 4, again.AlreadyKnown)
			assert.Equal(t, writes, ea.Calls().Count(eaCreateOp(kind)), "a second sync writes nothing")
			assert.Len(t, eaDocs(ea, kind), 4)
		})
	}
}

// eaCreateOp is the simulator's op of the write of a kind.
func eaCreateOp(kind connectors.OrderKind) string {
	return map[connectors.OrderKind]string{connectors.KindOrder: "POST /orders", connectors.KindInvoice: "POST /customerinvoicedrafts",
		connectors.KindSalesInvoice: "POST /customerinvoices", connectors.KindQuote: "POST /quotes"}[kind]
}

// A revoked consent stops every eAccounting step with the reconnect message
// and nothing written; after a new consent the failed orders replay.
func TestEAccountingRevokedConsentStopsAndResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, ea := newEAccountingStack(t, stackOptions{})
	ea.RevokeConsent()
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	id := s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), base, true, coffee.line(1)))
	s.backfill(base.Add(-time.Minute), time.Now())
	_, err := s.orderResult(id)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "reconnect: run starter connect --integration shop")
	assert.Empty(t, ea.Orders(), "nothing is written without a consent")

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := activities.TokenKeeperStatus(ctx, s.client, nil, s.eaRef())
	require.NoError(t, err)
	assert.Equal(t, activities.TokenStateReconnect, st.State)

	s.connectEAccounting(t, ea)
	// What starter connect does next: replay the orders that failed since.
	replayed, err := kworker.ReplayFailedSince(ctx, s.client, s.taskQueue, s.file.Integrations[0], st.ReconnectAt.Add(-time.Minute),
		func(r kworker.OrderRef, err error) { t.Errorf("order %s not replayed: %v", r.ID, err) })
	require.NoError(t, err)
	require.Equal(t, 1, replayed, "the order that failed on the lost consent is replayed")
	r, err := s.orderResult(id)
	require.NoError(t, err)
	assert.Equal(t, workflows.OrderCreated, r.Outcome)
	assert.Len(t, ea.Orders(), 1)
}

// Two workers, access tokens that live 12 seconds, a run longer than that:
// one refresh per expiry, never a refresh token used twice.
func TestEAccountingTokensRotateOnceAcrossTwoWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, ea := newEAccountingStack(t, stackOptions{unthrottled: true})
	ea.SetAccessTokenLifetime(12 * time.Second)
	second := s.startSecondWorker(t)
	defer second()
	// The consent's first token had the old lifetime: start from a fresh one.
	s.connectEAccounting(t, ea)

	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	deadline := time.Now().Add(32 * time.Second)
	n := 0
	for time.Now().Before(deadline) {
		for i := 0; i < 5; i++ {
			s.ccv.AddOrder(order(person("Klant", "Nummer", "klant@example.nl"), base.Add(time.Duration(n)*time.Second), true, mug.line(1)))
			n++
		}
		s.backfill(base.Add(-time.Minute), time.Now())
		time.Sleep(2 * time.Second)
	}
	assert.Len(t, ea.Orders(), n, "every order written once")
	assert.Zero(t, ea.Reused(), "no refresh token was used twice")
	refreshes := ea.Granted("refresh_token")
	t.Logf("%d orders over two workers, %d refreshes, %d refresh tokens reused", n, refreshes, ea.Reused())
	assert.GreaterOrEqual(t, refreshes, 2, "the tokens expired during the run")
	assert.LessOrEqual(t, refreshes, 5, "one refresh per expiry (a 12 s token is renewed 2.4 s early), not one per worker or call")
}
