package main

import (
	"fmt"
	"strings"
	"time"

	"nasbook/engine/oneshot"
	"nasbook/engine/proxy"
	"nasbook/engine/search"
)

// A check is one flag's range: atLeast and within make them, checkAll runs
// them and returns the first failure, naming the flag.
type check func() error

func atLeast[T int | int64 | float64 | time.Duration](name string, v, low T) check {
	return func() error {
		if !(v >= low) { // also refuses NaN
			return fmt.Errorf("-%s %v: want %v or more", name, v, low)
		}
		return nil
	}
}

func within[T int | int64 | float64](name string, v, low, high T) check {
	return func() error {
		if !(v >= low && v <= high) {
			return fmt.Errorf("-%s %v: want %v to %v", name, v, low, high)
		}
		return nil
	}
}

func checkAll(cs ...check) error {
	for _, c := range cs {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

// The names the engine knows, for usage texts and messages: they come from
// the engine's own lists so that they cannot drift from what it accepts.

func oneshotNames() []string {
	var s []string
	for m := range oneshot.NumMethods {
		s = append(s, m.String())
	}
	return s
}

func proxyNames() []string {
	var s []string
	for _, p := range proxy.All() {
		s = append(s, p.String())
	}
	return s
}

func strategyNames() []string { return search.StrategyNames }

func list(s []string) string { return strings.Join(s, ", ") }

// wrap breaks text into lines of at most width runes after an indent.
func wrap(indent, text string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(text) {
		if i > 0 && n+1+len(w) > width {
			b.WriteString("\n" + indent)
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return indent + b.String()
}
