package layout

// Notes is a block of text lines under an edited cell: a hint on how to
// edit it, then its figures (costs, a benchmark's accuracies).
type Notes struct {
	Box   Rect   // the block, across the view's width
	Lines []Text // left-aligned, top to bottom
}

// NotesHeight returns the height of a block of n lines set at size, which
// a view keeps free at its bottom so the cell above does not move when the
// lines change.
func NotesHeight(n int, size float64, m Measurer) float64 {
	_, lh := m.Measure("Xg", size)
	return float64(n)*lh + 0.8*size
}

// ComputeNotes sets lines at size in a block of at most n lines at the
// bottom of a w x h view with the given margin: each line wrapped to the
// width (WrapLabel), lines past n dropped.
func ComputeNotes(lines []string, n int, w, h, margin, size float64, m Measurer) *Notes {
	_, lh := m.Measure("Xg", size)
	top := h - margin/2 - NotesHeight(n, size, m)
	nt := &Notes{Box: Rect{Point{0, top}, Point{w, h}}}
	y := top + 0.4*size
	for _, s := range lines {
		for _, l := range WrapLabel(s, w-2*margin, size, m) {
			if len(nt.Lines) == n {
				return nt
			}
			tw, _ := m.Measure(l, size)
			nt.Lines = append(nt.Lines, Text{S: l, Size: size, Box: Rect{Point{margin, y}, Point{margin + tw, y + lh}}})
			y += lh
		}
	}
	return nt
}
