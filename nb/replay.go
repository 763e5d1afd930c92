package nb

import (
	"fmt"

	"nasbook/viz/scene"
)

// Replay shows a finished search on the canvas again, to be played back: r
// is what Search or CompareSearch returned (its first run, with every
// evaluation, the population and the incumbent or the Pareto front as they
// were after each one) or what DARTS returned (the cell's operation weights
// before the first epoch and after each). Under the canvas a slider chooses
// the step, Play plays it at the speed chosen beside it, and on the canvas
// Space plays or pauses and the arrow keys step.
//
// A search leaves its own replay on the canvas when it ends; Replay brings
// it back after other scenes replaced it, e.g. one strategy of a
// CompareSearch:
//
//	results := nb.CompareSearch(cfg, "rs", "re")
//	nb.Replay(results[1])
func Replay(r any) { Default.Replay(r) }

// Replay shows a search's replay; see the package-level Replay.
func (s *Session) Replay(r any) {
	var sc *scene.Scene
	switch v := r.(type) {
	case SearchResult:
		sc = v.replay
	case *SearchResult:
		if v != nil {
			sc = v.replay
		}
	case *DARTSResult:
		if v == nil {
			failf("Replay", "no DARTS result (nil)")
		}
		if v.replay == nil {
			failf("Replay", "a %s search samples paths and has no operation weights to replay", v.Method)
		}
		sc = v.replay
	default:
		failf("Replay", "cannot replay a %T; pass what nb.Search, nb.CompareSearch or nb.DARTS returned", r)
	}
	if sc == nil {
		failf("Replay", "this search result has no history to replay: a search records its first run as it evaluates, and this one evaluated nothing in this session (a zero SearchResult, or one resumed from a finished state)")
	}
	s.Display(Output{scene.MIMEType: sc, "text/plain": fmt.Sprintf("[replay: %s, %d %ss]", sc.Title, sc.Replay.Steps, sc.Replay.Unit)})
}
