package shopware6

import (
	"crypto/md5"
	"encoding/hex"
	"regexp"
	"strings"
)

// Shopware ids are 32 lower-case hex characters, a UUID without dashes, and
// a client may choose them itself on create (research §1.1, §1.12). An id
// Koppel derives from a record's natural key makes every write an upsert of
// the same record: a retried create after a lost answer finds the record it
// made instead of making a second one.

// idPattern is the API's id pattern (^[0-9a-f]{32}$).
var idPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// IsID reports whether s has the form of a Shopware id.
func IsID(s string) bool { return idPattern.MatchString(s) }

// idNamespace keeps Koppel's ids apart from ids other tools derive from the
// same keys.
const idNamespace = "koppel"

// DeterministicID derives the id of the entity of the given kind (its
// entity name, "product") with the given natural key (a SKU, an external
// order id): the same kind and key give the same id on every machine and in
// every run, different ones a different id. It is the MD5 of the namespaced
// key in hex, the same construction as Shopware's own Uuid::fromStringToHex,
// which the documentation suggests for ids from an external key; Shopware
// does not check the UUID version bits. Keys are used as given (case and
// spaces count).
func DeterministicID(entity, naturalKey string) string {
	sum := md5.Sum([]byte(idNamespace + "/" + strings.ToLower(entity) + "/" + naturalKey))
	return hex.EncodeToString(sum[:])
}
