package main

import (
	"github.com/koppel/koppel/connectors"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConnectorsListsEverySystem(t *testing.T) {
	var out strings.Builder
	require.NoError(t, connectorsCmd(&out, nil))
	text := out.String()

	shop, till, found := strings.Cut(text, "\nmplus\n")
	require.True(t, found, "mplus follows ccvshop:\n%s", text)
	require.True(t, strings.HasPrefix(shop, "ccvshop\n"), text)

	// Rows are matched with any run of spaces between columns, so the test
	// does not depend on column widths.
	has := func(section, row string) {
		t.Helper()
		cols := strings.Split(row, "|")
		for i := range cols {
			cols[i] = regexp.QuoteMeta(cols[i])
		}
		assert.Regexp(t, "(?m)^ +"+strings.Join(cols, " {2,}")+"$", section)
	}
	has(shop, "credentials|publicKey, secretKey")
	has(shop, "orders|yes|no")
	has(shop, "products|yes|yes, with images")
	has(shop, "GET requests per resource|150 per minute")
	has(shop, "POST/PUT/PATCH/DELETE requests per resource|100 per minute")
	assert.Regexp(t, `(?m)^ +all requests per API key +not published `, shop)
	has(shop, "cacheTTL|positive duration|5m|how long the category tree and the SKU index are reused (a miss rebuilds them at once)")
	assert.Regexp(t, `(?m)^ +currency +text +EUR `, shop)
	assert.Regexp(t, `(?m)^ +pricesIncludeVat +one of true\|false +- `, shop)

	has(till, "order kinds|order, invoice; every line must reference an existing product")
	has(till, "orders|no|yes")
	has(till, "customers|no|yes")
	assert.Regexp(t, `(?m)^ +none published$`, till)
	assert.Regexp(t, `(?m)^ +stockEmployee +positive whole number +999999 `, till)
	assert.Regexp(t, `(?m)^ +parentSKU +text +P-\{productNumber\} `, till)

	var again strings.Builder
	require.NoError(t, connectorsCmd(&again, nil))
	assert.Equal(t, text, again.String(), "the output is deterministic")
}

func TestConnectorsNamesOneSystem(t *testing.T) {
	var out strings.Builder
	require.NoError(t, connectorsCmd(&out, []string{"mplus"}))
	assert.True(t, strings.HasPrefix(out.String(), "mplus\n"))
	assert.NotContains(t, out.String(), "ccvshop")

	err := connectorsCmd(&out, []string{"nope"})
	assert.EqualError(t, err, `unknown system "nope" (known: `+strings.Join(connectors.Systems(), ", ")+`)`)
	assert.Contains(t, err.Error(), "ccvshop, eaccounting", "the known systems, sorted")
}
