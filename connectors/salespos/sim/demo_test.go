package sim_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/salespos"
	"github.com/koppel/koppel/connectors/salespos/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

func TestRegisteredForTheDemo(t *testing.T) {
	reg, ok := simkit.Lookup(salespos.System)
	require.True(t, ok)
	assert.Equal(t, 18087, reg.DemoPort)
	assert.ElementsMatch(t, []string{salespos.CredentialPublicKey, salespos.CredentialSecretKey}, keys(reg.DemoCredentials))
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSeedDemoIsADayAtTheTill(t *testing.T) {
	now := time.Date(2026, 6, 12, 17, 0, 0, 0, time.UTC)
	pos := sim.New(sim.Options{})
	sim.SeedDemo(pos, simkit.DemoContext{Now: now, Instance: 2})

	sales := pos.Orders()
	require.Len(t, sales, 8)
	assert.Equal(t, "2501", sales[0].ID, "the second till numbers from 2501")
	var walkIns, refunds, cards int
	for _, o := range sales {
		assert.True(t, o.Paid)
		assert.True(t, !o.CreatedAt.Before(now.Add(-time.Hour)) && o.CreatedAt.Before(now), "within the hour before the seed")
		assert.Equal(t, o.ComputedTotal(), o.Total)
		if o.Customer.Email == "" {
			walkIns++
		}
		if o.Total.Amount < 0 {
			refunds++
		}
		if o.PaymentMethod == sim.DemoCard {
			cards++
		}
		s, ok := pos.Sale(o.ID)
		require.True(t, ok)
		assert.Equal(t, int64(sim.DemoStoreID), s.StoreID)
		assert.Contains(t, []int64{sim.DemoRegisterCounter, sim.DemoRegisterTerrace}, s.RegisterID)
	}
	assert.Equal(t, 5, walkIns)
	assert.Equal(t, 1, refunds)
	assert.Len(t, pos.TerminalReceipts(), cards, "a receipt per card payment")
	assert.Len(t, pos.Users(), 2, "the customers the till knows")
	require.Len(t, pos.Products(), len(simkit.DemoProducts())+1, "the catalogue and the T-shirt")
	shirt := pos.Products()[len(simkit.DemoProducts())]
	assert.Equal(t, sim.DemoShirtSKU, shirt.SKU)
	require.Len(t, shirt.Variants, len(sim.DemoSizes), "a variant per size")
	assert.Equal(t, "M", shirt.Variants[1].Attributes[sim.DemoSizeAttribute])
	assert.Equal(t, model.Pieces(sim.DemoStock), pos.Products()[0].Stock)
	cashups := pos.Cashups()
	require.Len(t, cashups, 2)
	assert.Equal(t, salespos.CashupClosed, cashups[0].Status)
	assert.Equal(t, salespos.CashupOpen, cashups[1].Status)
}

func TestDemoActivityRingsUpASale(t *testing.T) {
	now := time.Date(2026, 6, 12, 17, 0, 0, 0, time.UTC)
	pos := sim.New(sim.Options{})
	sim.SeedDemo(pos, simkit.DemoContext{Now: now, Instance: 1})
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 6 {
		receipts := len(pos.TerminalReceipts())
		sim.DemoActivity(pos, simkit.DemoContext{Now: now.Add(time.Duration(i) * time.Minute), Instance: 1, Rand: rng})
		sales := pos.Orders()
		require.Len(t, sales, 9+i)
		last := sales[len(sales)-1]
		assert.Equal(t, now.Add(time.Duration(i)*time.Minute), last.CreatedAt)
		assert.NotEmpty(t, last.Lines)
		want := receipts
		if last.PaymentMethod == sim.DemoCard {
			want++
		}
		assert.Len(t, pos.TerminalReceipts(), want)
	}
}
