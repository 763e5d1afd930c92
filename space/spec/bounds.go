package spec

import (
	"fmt"
	"math"

	"nasbook/engine/cost"
	"nasbook/internal/limit"
)

// Bounds on the specs that Parse, Lower and Build accept. Specs come from
// files, notebook cells and command-line flags (-C, -layers), so each
// number is checked before any arithmetic or allocation depends on it; the
// cost model then checks every product (cost.MaxCount). Each bound is far
// beyond a published network.
const (
	// MaxBytes bounds a spec's JSON (16 MiB); DARTS's network with
	// custom ops is a few kilobytes.
	MaxBytes = 16 << 20
	// MaxCells bounds NB201's cells per stage (N, 5 in the benchmark) and
	// DARTS's cells (Layers, 20 on CIFAR, 14 on ImageNet).
	MaxCells = 1000
	// MaxNodes bounds the nodes of a cell, inputs included (DARTS cells
	// have 6, NASNet's 7).
	MaxNodes = 66
	// MaxEdges bounds the edges into one node of a cell.
	MaxEdges = 256
	// MaxOps bounds the operations a spec defines (Ops), and MaxOpLayers
	// the layers of each.
	MaxOps      = 1024
	MaxOpLayers = 256
	// MaxBranches bounds the branches of one branch block (ResNet's
	// blocks have 2, Inception's 4), and MaxNesting how deep branch
	// blocks nest inside one another.
	MaxBranches = 64
	MaxNesting  = 16
	// MaxBuildParams bounds the parameters of a network Build allocates:
	// 2^27 float32 weights are 512 MiB, and training keeps three more
	// buffers of that size (gradients, two optimizer slots), about what a
	// browser tab's 4 GiB WebAssembly memory can hold. Lower and Cost,
	// which allocate no weights, count networks of any size within the
	// cost model's bounds.
	MaxBuildParams = 1 << 27
)

// check reports the first number of s outside its bounds, named by its
// JSON path (cells.C, layers.3.out, ...).
func (s *Spec) check() error {
	in := func(name string, v, lo, hi int) error {
		if v < lo || v > hi {
			return fmt.Errorf("spec: %s = %d, want %d to %d", name, v, lo, hi)
		}
		return nil
	}
	if len(s.Input) > 4 {
		return fmt.Errorf("spec: input %v has %d dimensions", s.Input, len(s.Input))
	}
	for i, d := range s.Input {
		if err := in(fmt.Sprintf("input.%d", i), d, math.MinInt, cost.MaxSetting); err != nil { // network() names empty ones
			return err
		}
	}
	if err := in("classes", s.Classes, math.MinInt, cost.MaxSetting); err != nil {
		return err
	}
	if c := s.Cells; c != nil {
		for _, e := range []error{in("cells.C", c.C, 1, cost.MaxSetting), in("cells.N", c.N, 0, MaxCells), in("cells.layers", c.Layers, 0, MaxCells)} {
			if e != nil {
				return e
			}
		}
		cells := map[string]*Cell{"cells.normal": &c.Normal, "cells.reduce": c.Reduce}
		for name, cell := range cells {
			if cell == nil {
				continue
			}
			if err := in(name+".inputs", cell.Inputs, 0, 8); err != nil {
				return err
			}
			if err := in(name+".nodes (count)", len(cell.Nodes), 0, MaxNodes-cell.Inputs); err != nil {
				return err
			}
			for j, n := range cell.Nodes {
				if err := in(fmt.Sprintf("%s.nodes.%d (edges)", name, j), len(n), 0, MaxEdges); err != nil {
					return err
				}
			}
			if err := in(name+".concat (count)", len(cell.Concat), 0, MaxNodes); err != nil {
				return err
			}
		}
	}
	if err := in("layers (count)", len(s.Layers), 0, cost.MaxLayers); err != nil {
		return err
	}
	total := 0
	for i, l := range s.Layers {
		if err := l.check(fmt.Sprintf("layers.%d", i), 0, &total); err != nil {
			return err
		}
	}
	if err := in("ops (count)", len(s.Ops), 0, MaxOps); err != nil {
		return err
	}
	for name, ls := range s.Ops {
		name = "ops." + limit.Clip(name)
		if err := in(name+" (layers)", len(ls), 0, MaxOpLayers); err != nil {
			return err
		}
		total := 0
		for i, l := range ls {
			if err := l.check(fmt.Sprintf("%s.%d", name, i), 0, &total); err != nil {
				return err
			}
		}
	}
	return nil
}

// check reports a setting of l outside [0, cost.MaxSetting], an
// expansion, ratio or probability that is not a small finite number, or
// branch blocks nested more than MaxNesting deep, wider than MaxBranches
// or adding up to more than cost.MaxLayers layers with *total, the layers
// counted before l.
func (l Layer) check(name string, depth int, total *int) error {
	if *total++; *total > cost.MaxLayers {
		return fmt.Errorf("spec: %s: more than %d layers, branches included", name, cost.MaxLayers)
	}
	for _, f := range []struct {
		field string
		v     int
	}{{"out", l.Out}, {"kernel", l.Kernel}, {"stride", l.Stride}, {"padding", l.Padding}, {"dilation", l.Dilation},
		{"groups", l.Groups}, {"hidden", l.Hidden}, {"heads", l.Heads}, {"mlp_ratio", l.MLPRatio},
		{"experts", l.Experts}, {"top_k", l.TopK}, {"vocab", l.Vocab}} {
		if f.v < 0 || f.v > cost.MaxSetting {
			return fmt.Errorf("spec: %s.%s = %d, want 0 to %d", name, f.field, f.v, cost.MaxSetting)
		}
	}
	if math.IsNaN(l.Expand) || l.Expand < 0 || l.Expand > 1000 {
		return fmt.Errorf("spec: %s.expand = %g, want 0 to 1000", name, l.Expand)
	}
	if math.IsNaN(l.P) || l.P < 0 || l.P >= 1 {
		return fmt.Errorf("spec: %s.p = %g, want 0 to 1 (excluded)", name, l.P)
	}
	if math.IsNaN(l.SERatio) || l.SERatio < 0 || l.SERatio > 1 {
		return fmt.Errorf("spec: %s.se_ratio = %g, want 0 to 1", name, l.SERatio)
	}
	if len(l.Branches) > MaxBranches {
		return fmt.Errorf("spec: %s.branches: %d, want at most %d", name, len(l.Branches), MaxBranches)
	}
	if len(l.Branches) > 0 && depth >= MaxNesting {
		return fmt.Errorf("spec: %s.branches: branch blocks nested more than %d deep", name, MaxNesting)
	}
	for i, b := range l.Branches {
		for j, m := range b {
			if err := m.check(fmt.Sprintf("%s.branches.%d.%d", name, i, j), depth+1, total); err != nil {
				return err
			}
		}
	}
	return nil
}
