package shopware6_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/koppel/koppel/connectors/shopware6"
)

func TestDeterministicID(t *testing.T) {
	id := shopware6.DeterministicID("product", "KOF-1000")
	assert.True(t, shopware6.IsID(id), id)
	// The same key gives the same id in every run and on every machine:
	// md5("koppel/product/KOF-1000"), as md5sum computes it.
	assert.Equal(t, "c56afa734933ad7352d21474076edc05", id)
	assert.Equal(t, id, shopware6.DeterministicID("product", "KOF-1000"))
	assert.Equal(t, id, shopware6.DeterministicID("Product", "KOF-1000"), "entity names are matched without regard to case")

	seen := map[string]string{id: "product KOF-1000"}
	for _, k := range [][2]string{{"product", "kof-1000"}, {"product", "KOF-1000 "}, {"product", "KOF-0250"}, {"customer", "KOF-1000"}, {"product_visibility", "KOF-1000"}} {
		other := shopware6.DeterministicID(k[0], k[1])
		assert.True(t, shopware6.IsID(other))
		assert.NotContains(t, seen, other, "%s %q collides with %s", k[0], k[1], seen[other])
		seen[other] = k[0] + " " + k[1]
	}

	for _, bad := range []string{"", "C56AFA734933AD7352D21474076EDC05", "c56afa73-4933-ad73-52d2-1474076edc05", "c56afa734933ad7352d21474076edc0", "10001"} {
		assert.False(t, shopware6.IsID(bad), bad)
	}
}
