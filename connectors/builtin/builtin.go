// Package builtin registers every connector that ships with Koppel; binaries
// and tests import it for its side effect.
package builtin

import (
	_ "github.com/koppel/koppel/connectors/ccvshop"
	_ "github.com/koppel/koppel/connectors/eaccounting"
	_ "github.com/koppel/koppel/connectors/ecwid"
	_ "github.com/koppel/koppel/connectors/mplus"
	_ "github.com/koppel/koppel/connectors/salespos"
	_ "github.com/koppel/koppel/connectors/shopware6"
	_ "github.com/koppel/koppel/connectors/vismanet"
)
