package scene_test

import (
	"testing"

	"nasbook/viz/layout"
	"nasbook/viz/scene"
)

// FuzzDecode: whatever a notebook's output holds, Decode returns an error or
// a scene that lays out, at every step of its replay, without a panic.
func FuzzDecode(f *testing.F) {
	f.Add(`{"kind":"pareto","plot":{"x":{"label":"ms","minimize":true},"y":{"label":"acc"},"points":[{"x":1,"y":2,"cell":0},{"x":3,"y":4}],
		"editOptions":[["a","b"]],"cells":[{"nodes":[{"id":0,"label":"in"},{"id":1,"label":"out"}],"edges":[{"from":0,"to":1,"op":"b","weight":1}],
		"edit":{"space":"s","choices":[1],"op":[0]}}]},"replay":{"unit":"evaluation","steps":2,"spans":[{"p":1,"from":2,"group":"population"}]}}`)
	f.Add(`{"kind":"points","plot":{"x":{"label":"n","range":[0,10]},"y":{"label":"acc"},"points":[{"x":1,"y":2}]},"replay":{"unit":"evaluation","steps":1}}`)
	f.Add(`{"kind":"cell","cell":{"nodes":[{"id":0,"label":"in"},{"id":1,"label":"out"}],"edges":[{"from":0,"to":1,"op":"a","weight":1},{"from":0,"to":1,"op":"b","weight":0.5}]},
		"replay":{"unit":"epoch","steps":1,"weights":[[1,1],[1,0.2]]}}`)
	f.Fuzz(func(t *testing.T, js string) {
		s, err := scene.Decode([]byte(js))
		if err != nil {
			return
		}
		steps := 0
		if s.Replay != nil {
			steps = s.Replay.Steps
		}
		for _, k := range []int{-1, 0, steps / 2, steps, steps + 1} {
			v := layout.Replayed(s, k)
			if v.Validate() != nil {
				t.Fatalf("step %d of an accepted scene is not one: %v", k, v.Validate())
			}
			switch v.Kind {
			case scene.KindCell:
				layout.Compute(v.Title, v.Cell, 400, 300, mono{}, layout.Options{Scale: 1})
			default:
				layout.ComputeChart(v, 400, 300, mono{}, layout.Options{Scale: 1})
			}
		}
	})
}

type mono struct{}

func (mono) Measure(s string, size float64) (w, h float64) { return 0.6 * size * float64(len(s)), size }
