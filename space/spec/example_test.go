package spec_test

import (
	"fmt"

	"nasbook/space/spec"
)

// A spec written as JSON and costed (package engine/build builds it). By hand: conv 432 + bn 32 +
// mbconv (expand 1024 + 128, depthwise 1600 + 128, SE 1040 + 1088, project
// 1536 + 48) + linear 250 = 7,306 parameters.
func Example() {
	s, err := spec.Parse([]byte(`{"kind": "sequential", "input": [3, 32, 32], "classes": 10,
	  "layers": [{"op": "conv", "out": 16, "kernel": 3, "same": true}, {"op": "bn"}, {"op": "relu"},
	             {"op": "mbconv", "out": 24, "kernel": 5, "stride": 2, "expand": 4, "se": true, "act": "hswish"},
	             {"op": "gap"}, {"op": "linear", "out": 10, "bias": true}]}`))
	if err != nil {
		panic(err)
	}
	r, err := spec.Cost(s, 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Params, "params,", r.MACs, "MACs")
	// Output:
	// 7306 params, 2296048 MACs
}
