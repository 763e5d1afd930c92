//go:build race

package notebook

const raceEnabled = true
