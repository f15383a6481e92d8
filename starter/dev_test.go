package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/config"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	ecwidsim "github.com/koppel/koppel/connectors/ecwid/sim"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	swsim "github.com/koppel/koppel/connectors/shopware6/sim"
	"github.com/koppel/koppel/model"
)

// The files as seen from this package's folder.
var (
	exampleFileHere = "../" + exampleFile
	twoShopsFile    = "../config/integrations.two-shops.yaml"
)

// startFileSims starts the simulators of an integration file on free ports,
// as `starter dev` does on its demo ports, and derives the worker's file.
func startFileSims(t *testing.T, path, dir string) (*devSims, *config.File) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	f, err := config.Parse(path, raw)
	require.NoError(t, err)
	sims, err := startSims(f, dir, anyPorts, io.Discard)
	require.NoError(t, err)
	t.Cleanup(sims.close)
	derived, err := writeDerivedFile(sims, path, raw, filepath.Join(dir, derivedFileName))
	require.NoError(t, err)
	return sims, derived
}

func (s *devSims) shopOf(t *testing.T, integration int) *ccvsim.Sim {
	shop, ok := s.bySide[devSide{integration, "source"}].inst.(*ccvsim.Sim)
	require.True(t, ok)
	return shop
}

func (s *devSims) shopwareOf(t *testing.T, integration int) *swsim.Sim {
	shop, ok := s.bySide[devSide{integration, "source"}].inst.(*swsim.Sim)
	require.True(t, ok)
	return shop
}

func (s *devSims) tillOf(t *testing.T, integration int) *mplussim.Sim {
	till, ok := s.bySide[devSide{integration, "target"}].inst.(*mplussim.Sim)
	require.True(t, ok)
	return till
}

// The example file: the CCV shop and the Shopware shop, each with its demo
// orders, selling into one till (both name its baseURL); the CCV shop also
// feeds an eAccounting company; a second CCV shop feeds a Visma.net company.
func TestExampleFileGetsTwoShopsAndOneTill(t *testing.T) {
	dir := t.TempDir()
	sims, derived := startFileSims(t, exampleFileHere, dir)
	require.Len(t, sims.list, 8, "a CCV shop, a till, a Shopware shop, an eAccounting company, a second CCV shop, a Visma.net company, a SalesPOS till and an Ecwid store")
	shop, till := sims.shopOf(t, 0), sims.tillOf(t, 0)
	assert.Equal(t, 11, shop.Len(), "today's demo orders")
	assert.Equal(t, []string{"1005", "1009"}, shop.Unpaid(), "the first shop numbers its orders as the demo always did")
	_, ok := till.Product("KOF-1000")
	assert.True(t, ok, "the till holds the demo catalogue")
	require.Same(t, till, sims.tillOf(t, 1), "the Shopware integration writes into the same till")
	sw := sims.shopwareOf(t, 1)
	assert.Equal(t, 8, sw.Len(), "the Shopware demo orders")
	assert.Len(t, sw.Unpaid(), 2)

	require.Len(t, derived.Integrations, 5)
	in, swIn, eaIn, vnIn := derived.Integrations[0], derived.Integrations[1], derived.Integrations[2], derived.Integrations[3]
	assert.Equal(t, in.Source.BaseURL, eaIn.Source.BaseURL, "the eAccounting integration reads the same shop")
	assert.NotEqual(t, in.Source.BaseURL, vnIn.Source.BaseURL, "the Visma.net integration has a shop of its own")
	assert.NotSame(t, sims.bySide[devSide{0, "source"}].inst, sims.bySide[devSide{3, "source"}].inst)
	assert.Equal(t, sims.list[3].url(), eaIn.Target.BaseURL)
	assert.Equal(t, sims.list[0].url(), in.Source.BaseURL)
	assert.Equal(t, sims.list[1].url(), in.Target.BaseURL)
	assert.Equal(t, sims.list[2].url(), swIn.Source.BaseURL)
	assert.Equal(t, in.Target.BaseURL, swIn.Target.BaseURL)
	assert.Equal(t, map[string]string{"publicKey": "KOPPEL_DEMO_CCVSHOP_PUBLICKEY", "secretKey": "KOPPEL_DEMO_CCVSHOP_SECRETKEY"}, in.Source.Credentials)
	assert.Equal(t, map[string]string{"accessKeyId": "KOPPEL_DEMO_SHOPWARE6_ACCESSKEYID", "secretAccessKey": "KOPPEL_DEMO_SHOPWARE6_SECRETACCESSKEY"},
		swIn.Source.Credentials)
	assert.Equal(t, []string{
		"KOPPEL_DEMO_CCVSHOP_PUBLICKEY=demo-public-key", "KOPPEL_DEMO_CCVSHOP_SECRETKEY=demo-secret-key",
		"KOPPEL_DEMO_MPLUS_IDENT=demo-ident", "KOPPEL_DEMO_MPLUS_SECRET=demo-secret",
		"KOPPEL_DEMO_SHOPWARE6_ACCESSKEYID=SWIADEMOKOPPELACCESSKEY01", "KOPPEL_DEMO_SHOPWARE6_SECRETACCESSKEY=demo-secret-access-key",
		"KOPPEL_DEMO_EACCOUNTING_CLIENTID=koppel-demo-app", "KOPPEL_DEMO_EACCOUNTING_CLIENTSECRET=demo-client-secret",
		"KOPPEL_DEMO_VISMANET_CLIENTID=koppel-demo-vismanet", "KOPPEL_DEMO_VISMANET_CLIENTSECRET=demo-vismanet-secret",
		"KOPPEL_DEMO_VISMANET_TENANTID=demo-tenant",
		"KOPPEL_DEMO_SALESPOS_PUBLICKEY=demo-salespos-public-key", "KOPPEL_DEMO_SALESPOS_SECRETKEY=demo-salespos-secret-key",
		"KOPPEL_DEMO_ECWID_STOREID=1003", "KOPPEL_DEMO_ECWID_TOKEN=secret_koppel_demo_token",
	}, sims.credentialEnv())

	// The SalesPOS till's walk-in sales are booked on the demo store's
	// walk-in customer.
	posIn := derived.Integrations[4]
	store, ok := sims.bySide[devSide{4, "target"}].inst.(*ecwidsim.Sim)
	require.True(t, ok)
	walkIn, ok := store.Customer(ecwidsim.DemoWalkInCustomerID)
	require.True(t, ok, "the store has the customer walkInDebtor names")
	assert.Equal(t, strconv.Itoa(ecwidsim.DemoWalkInCustomerID), posIn.Flows.Orders.WalkInDebtor)
	assert.Equal(t, ecwidsim.DemoWalkInEmail, walkIn.Email)

	user, err := config.Load(exampleFileHere)
	require.NoError(t, err)
	for i := range user.Integrations {
		u, d := &user.Integrations[i], derived.Integrations[i]
		u.Source.BaseURL, u.Target.BaseURL = d.Source.BaseURL, d.Target.BaseURL
		u.Source.Credentials, u.Target.Credentials = d.Source.Credentials, d.Target.Credentials
	}
	assert.Equal(t, user, derived, "apart from baseURLs and credentials the worker runs the file as written")

	// The next make run resumes the Shopware shop from its snapshot.
	require.NoError(t, sw.SetPaid(sw.Unpaid()[0]))
	sims.stop()
	_, err = os.Stat(filepath.Join(dir, "sims", "shopware6-127.0.0.1_18083.json"))
	require.NoError(t, err)
	again, _ := startFileSims(t, exampleFileHere, dir)
	assert.Equal(t, 8, again.shopwareOf(t, 1).Len())
	assert.Len(t, again.shopwareOf(t, 1).Unpaid(), 1, "resumed, not seeded afresh")
}

// The demo pair twice: distinct shops with distinct orders, one till where
// both name the same till baseURL, and each simulator's own state kept.
func TestTwoShopsFileGetsTwoShopsAndOneTill(t *testing.T) {
	dir := t.TempDir()
	sims, derived := startFileSims(t, twoShopsFile, dir)
	require.Len(t, sims.list, 3, "two shops and one till")
	noord, zuid := sims.shopOf(t, 0), sims.shopOf(t, 1)
	require.NotSame(t, noord, zuid)
	require.Same(t, sims.tillOf(t, 0), sims.tillOf(t, 1), "the same till baseURL is one till")

	assert.Equal(t, []string{"1005", "1009"}, noord.Unpaid())
	assert.Equal(t, []string{"2005", "2009"}, zuid.Unpaid(), "the second shop's orders have ids of their own")
	zuid.AddOrder(model.Order{Paid: false, Currency: "EUR"})
	assert.Equal(t, 11, noord.Len(), "an order in one shop is not in the other")
	assert.Equal(t, 12, zuid.Len())

	n, z := derived.Integrations[0], derived.Integrations[1]
	assert.NotEqual(t, n.Source.BaseURL, z.Source.BaseURL)
	assert.Equal(t, sims.list[0].url(), n.Source.BaseURL)
	assert.Equal(t, n.Target.BaseURL, z.Target.BaseURL)
	assert.Equal(t, n.Source.Credentials, z.Source.Credentials, "every shop accepts the demo credentials")
	assert.Equal(t, "zuid-", *z.Flows.Orders.ExternalIDPrefix)

	// Stopping saves one snapshot per simulator; the next start resumes
	// each from its own.
	sims.stop()
	snaps, err := filepath.Glob(filepath.Join(dir, "sims", "*.json"))
	require.NoError(t, err)
	names := make([]string, len(snaps))
	for i, p := range snaps {
		names[i] = filepath.Base(p)
	}
	assert.ElementsMatch(t, []string{"ccvshop-127.0.0.1_18081.json", "ccvshop-127.0.0.1_18091.json", "mplus-127.0.0.1_18082.json"}, names)
	again, _ := startFileSims(t, twoShopsFile, dir)
	assert.Equal(t, 11, again.shopOf(t, 0).Len())
	assert.Equal(t, 12, again.shopOf(t, 1).Len(), "the second shop resumes with its own orders")
}

// Two integrations with their own till baseURLs get a till each.
func TestSeparateTillsForSeparateBaseURLs(t *testing.T) {
	raw, err := os.ReadFile(twoShopsFile)
	require.NoError(t, err)
	own := strings.Replace(string(raw), "baseURL: http://127.0.0.1:18082   # the same till", "baseURL: http://127.0.0.1:18092   # the same till", 1)
	require.NotEqual(t, string(raw), own)
	path := filepath.Join(t.TempDir(), "own-tills.yaml")
	require.NoError(t, os.WriteFile(path, []byte(own), 0o600))

	sims, derived := startFileSims(t, path, t.TempDir())
	require.Len(t, sims.list, 4)
	require.NotSame(t, sims.tillOf(t, 0), sims.tillOf(t, 1))
	assert.NotEqual(t, derived.Integrations[0].Target.BaseURL, derived.Integrations[1].Target.BaseURL)
}

func TestDerivedFileKeepsTheUsersComments(t *testing.T) {
	dir := t.TempDir()
	startFileSims(t, twoShopsFile, dir)
	b, err := os.ReadFile(filepath.Join(dir, derivedFileName))
	require.NoError(t, err)
	text := string(b)
	assert.True(t, strings.HasPrefix(text, "# Written by starter dev from "+twoShopsFile), text)
	assert.Contains(t, text, "# one prefix per shop keeps equal order ids of two shops apart.")
	assert.NotContains(t, text, "NOORD_CCVSHOP_PUBLIC_KEY", "credentials point at the demo variables")
}

func TestASystemWithoutSimulatorIsRefused(t *testing.T) {
	f, err := config.Load(exampleFileHere)
	require.NoError(t, err)
	f.Integrations[0].Target.System = "no-such-system"
	_, err = planSims(f, t.TempDir())
	require.ErrorContains(t, err, "no-such-system has no simulator")
}

func TestDataFolderOfAnotherFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	startFileSims(t, exampleFileHere, dir)
	derived := filepath.Join(dir, derivedFileName)

	example, err := config.Load(exampleFileHere)
	require.NoError(t, err)
	require.NoError(t, sameIntegrations(derived, example), "the same file again")
	twoShops, err := config.Load(twoShopsFile)
	require.NoError(t, err)
	err = sameIntegrations(derived, twoShops)
	require.ErrorContains(t, err, "(demo-shop, demo-shopware, demo-eaccounting, demo-vismanet, demo-salespos)")
	require.ErrorContains(t, err, "--data")
}

func TestSnapshotNamesDifferPerBaseURL(t *testing.T) {
	names := []string{
		snapshotName("ccvshop", "http://127.0.0.1:18081"),
		snapshotName("ccvshop", "http://127.0.0.1:18091"),
		snapshotName("mplus", "http://127.0.0.1:18081"),
		snapshotName("ccvshop", "https://shop.example/api"),
	}
	assert.Equal(t, "ccvshop-shop.example_api.json", names[3])
	assert.Len(t, slices.Compact(slices.Sorted(slices.Values(names))), len(names))
}

func TestEachFileGetsItsOwnDataFolder(t *testing.T) {
	assert.Equal(t, ".dev", defaultDataDir(exampleFile))
	assert.Equal(t, ".dev", defaultDataDir("./"+exampleFile))
	assert.Equal(t, filepath.Join(".dev", "two-shops"), defaultDataDir("config/integrations.two-shops.yaml"))
	assert.Equal(t, filepath.Join(".dev", "mine"), defaultDataDir("/tmp/mine.yml"))
}

// A data folder from before simulators were built per integration keeps one
// snapshot per system; the first simulator of each system resumes from it.
func TestFirstSimulatorResumesFromTheOldSnapshot(t *testing.T) {
	dir := t.TempDir()
	old := ccvsim.New(ccvsim.Options{})
	old.AddOrder(model.Order{ID: "4242", Currency: "EUR"})
	b, err := old.Snapshot()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ccvshop.json"), b, 0o600))

	sims, _ := startFileSims(t, twoShopsFile, dir)
	assert.Equal(t, []string{"4242"}, sims.shopOf(t, 0).Unpaid(), "the first shop resumes")
	assert.Equal(t, 11, sims.shopOf(t, 1).Len(), "the second shop is seeded")
}
