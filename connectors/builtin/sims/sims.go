// Package sims registers the simulator of every system that ships with
// Koppel (see simkit.Register); `starter dev` and the end-to-end tests
// import it for its side effect and build demos from whatever an
// integration file names.
package sims

import (
	_ "github.com/koppel/koppel/connectors/ccvshop/sim"
	_ "github.com/koppel/koppel/connectors/eaccounting/sim"
	_ "github.com/koppel/koppel/connectors/ecwid/sim"
	_ "github.com/koppel/koppel/connectors/mplus/sim"
	_ "github.com/koppel/koppel/connectors/salespos/sim"
	_ "github.com/koppel/koppel/connectors/shopware6/sim"
	_ "github.com/koppel/koppel/connectors/vismanet/sim"
)
