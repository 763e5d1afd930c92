package nb

import (
	"fmt"
	"slices"
	"strings"

	"nasbook/engine/oneshot"
	"nasbook/engine/timing"
	"nasbook/space/nb201"
	"nasbook/space/spec"
)

// latencyModel returns the latency model of a latency-aware one-shot search
// on net: "device" times every candidate op where it runs in net, on this
// device (with the session's table of timed layers, as Latency); a device
// of the nb201/latency table fits each op's share on each edge to that
// device's latencies of NAS-Bench-201's 15,625 networks. The second result
// is the fit's root-mean-square error in ms (0 for "device").
func (s *Session) latencyModel(fn string, net *oneshot.Supernet, source string) (*oneshot.Latency, float64) {
	if source == "device" {
		s.latencyMu.Lock()
		defer s.latencyMu.Unlock()
		l, err := net.MeasureLatency(timing.Forward{}, &s.latency)
		if err != nil {
			fail(fn, err)
		}
		return l, 0
	}
	if !slices.Equal(net.Skeleton.Ops, nb201.OpNames()) || net.Skeleton.Macro != spec.MacroNB201 || len(net.Edges) != nb201.NumEdges {
		failf(fn, "latency %q: a device's table of networks fits NAS-Bench-201's cell only; use \"device\" for this space", source)
	}
	t := s.OpenTable("nb201/latency")
	if !slices.Contains(t.Columns(), source) {
		var devices []string
		for _, c := range t.Columns() {
			if c != "index" && c != "arch" {
				devices = append(devices, c)
			}
		}
		failf(fn, "latency %q: want \"device\" or one of nb201/latency's devices: %s", source, strings.Join(devices, ", "))
	}
	ms := t.Column(source)
	sel := make([][]int, 0, len(ms))
	for _, a := range t.Archs() {
		arch, err := nb201.Parse(a)
		if err != nil {
			fail(fn, fmt.Errorf("nb201/latency: %w", err))
		}
		row := make([]int, nb201.NumEdges)
		for e, op := range arch {
			row[e] = int(op)
		}
		sel = append(sel, row)
	}
	l, rmse, err := oneshot.FitLatency(sel, ms, nb201.NumEdges, nb201.NumOps)
	if err != nil {
		fail(fn, err)
	}
	return l, rmse
}
