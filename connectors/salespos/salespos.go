// Package salespos is the CCV SalesPOS connector: CCV's till, which speaks
// the same REST framework as CCV Shop (research/apis-shop-pos.md §4). It is
// the ccvshop client with the SalesPOS flavour — the SalesPOS media type,
// the system name, and a reading of POS sales (register and store, refunds,
// walk-in sales) — plus what a till needs beyond a webshop:
//
//   - it is an order target (Ecwid → SalesPOS): orders are written with
//     POST /orders/ and found by their natural key, the customers they are
//     booked on are found or made as accounts (/users/), and SKUs resolve to
//     products and variants — ccvshop.OrderWriter, which CCV Shop's own
//     registration leaves out;
//   - it reads the POS-only resources, cash-ups and terminal receipts
//     (pos.go), read-only.
//
// Products (both ways), stock (both ways) and customer accounts (as a
// source) are CCV Shop's, unchanged. The public facts about SalesPOS are
// thin: everything the connector assumes is in assumptions.go, and
// docs/salespos.md says how to check each against a live account.
package salespos

// System is the connector's registry name and the System of its errors.
const System = "salespos"

// The credential names, the same as CCV Shop's: a SalesPOS API key pair is
// a CCV key pair (created in the SalesPOS back office [A]).
const (
	CredentialPublicKey = "publicKey"
	CredentialSecretKey = "secretKey"
)
