package sims_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	_ "github.com/koppel/koppel/connectors/builtin"
	_ "github.com/koppel/koppel/connectors/builtin/sims"
	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/simkit"
)

// Every registered simulator must serve a demo its connector can use: the
// same system name and credential names, demo data a client reads with the
// demo credentials (and not without them), state that survives a snapshot,
// and an activity hook that changes something.
func TestRegisteredSimulatorsServeTheirConnector(t *testing.T) {
	systems := simkit.Systems()
	require.Subset(t, systems, []string{"ccvshop", "mplus"})
	for _, system := range systems {
		t.Run(system, func(t *testing.T) {
			reg, _ := simkit.Lookup(system)
			conn, ok := connectors.Lookup(system)
			require.True(t, ok, "a simulator without a connector of the same name")
			require.ElementsMatch(t, conn.Credentials, slices.Collect(maps.Keys(reg.DemoCredentials)),
				"the demo credentials must be exactly the connector's")
			require.NotNil(t, reg.Seed, "a demo simulator needs demo data")

			now := time.Now()
			inst := reg.Build(simkit.Config{})
			reg.Seed(inst, simkit.DemoContext{Now: now, Instance: 1})
			srv, err := simkit.Start("127.0.0.1:0", inst)
			require.NoError(t, err)
			t.Cleanup(func() { _ = srv.Close() })

			require.NoError(t, readDemo(srv.URL, system, reg.DemoCredentials, now), "with the demo credentials")
			wrong := map[string]string{}
			for k := range reg.DemoCredentials {
				wrong[k] = "not-the-demo-value"
			}
			require.Error(t, readDemo(srv.URL, system, wrong, now), "with wrong credentials")

			snap, err := inst.Snapshot()
			require.NoError(t, err)
			restored := reg.Build(simkit.Config{})
			require.NoError(t, restored.Restore(snap))
			again, err := restored.Snapshot()
			require.NoError(t, err)
			require.JSONEq(t, string(snap), string(again))

			if reg.Activity != nil {
				reg.Activity(inst, simkit.DemoContext{Now: now, Instance: 1, Rand: rand.New(rand.NewPCG(1, 2))})
				after, err := inst.Snapshot()
				require.NoError(t, err)
				require.False(t, bytes.Equal(snap, after), "the activity hook changed nothing")
			}
		})
	}
}

// readDemo reads the seeded demo through the system's own connector: the
// orders of a source, the catalogue's SKUs in a till.
func readDemo(baseURL, system string, creds map[string]string, now time.Time) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	settings := connectors.Settings{BaseURL: baseURL, Credentials: creds, Timeout: 5 * time.Second}
	if reg, _ := connectors.Lookup(system); reg.KeepsRefreshToken {
		tok, err := consent(ctx, settings)
		if err != nil {
			return err
		}
		settings.Tokens = eaccounting.StaticToken(tok)
	}
	client, err := connectors.Build(system, settings)
	if err != nil {
		return err
	}
	read := false
	if src, ok := client.(connectors.OrderSource); ok {
		page, err := src.ListOrders(ctx, connectors.OrderQuery{CreatedFrom: now.Add(-24 * time.Hour), CreatedTo: now.Add(time.Minute)})
		if err != nil {
			return err
		}
		if len(page.Orders) == 0 {
			return errNoDemo("orders")
		}
		read = true
	}
	if lookup, ok := client.(connectors.ProductLookup); ok {
		skus := []string{}
		for _, p := range simkit.DemoProducts() {
			skus = append(skus, p.SKU)
		}
		found, err := lookup.LookupProducts(ctx, skus)
		if err != nil {
			return err
		}
		if len(found) != len(skus) {
			return errNoDemo("the demo catalogue")
		}
		read = true
	}
	if !read {
		return errNoDemo("anything this test knows how to read")
	}
	return nil
}

// consent is what starter connect does, with the simulator's consent page
// approving by itself: it returns the access token of a new consent.
func consent(ctx context.Context, s connectors.Settings) (string, error) {
	oa, err := eaccounting.OAuthFromSettings(s)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, oa.ConsentURL("demo-state"), nil)
	if err != nil {
		return "", err
	}
	// Stop at the redirect: nothing listens on the redirect URI here.
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Do(req)
	if err != nil {
		return "", err
	}
	_ = resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Query().Get("code") == "" {
		return "", fmt.Errorf("the consent page answered %d without a code (Location %q)", resp.StatusCode, resp.Header.Get("Location"))
	}
	tok, err := oa.Exchange(ctx, back.Query().Get("code"))
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

type errNoDemo string

func (e errNoDemo) Error() string { return "the seeded simulator serves no " + string(e) }
