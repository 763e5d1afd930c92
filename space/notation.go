package space

import (
	"fmt"

	"nasbook/internal/limit"
)

// MaxNotation bounds the text of one architecture that the spaces' Parse
// methods read (1 MiB). An NB201 string is about 100 bytes, a DARTS
// genotype about 500, a custom space of a thousand choices under 64 KiB;
// the bound keeps a stray file (a table pasted whole, a binary) from being
// split and quoted in full.
const MaxNotation = 1 << 20

// CheckNotation returns an error, prefixed with pkg (e.g. "nb201"), when s
// is longer than MaxNotation.
func CheckNotation(pkg, s string) error {
	if len(s) > MaxNotation {
		return fmt.Errorf("%s: an architecture of %d bytes, more than %s", pkg, len(s), limit.Bytes(MaxNotation))
	}
	return nil
}

// Clip shortens a notation for an error message (60 bytes and "...").
func Clip(s string) string { return limit.Clip(s) }
