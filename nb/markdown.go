package nb

import "fmt"

// Markdown shows text as markdown under the cell, as a markdown cell shows
// its source: headings, lists, tables, code, and math between dollars
// ($E = mc^2$ inline, $$...$$ displayed). Arguments are formatted as
// fmt.Sprintf does, e.g.
//
//	nb.Markdown("Best of %d: **%.2f%%**, $\\sigma = %.2f$", r.Budget, r.Mean, r.Std)
//
// Where nothing renders markdown (a program compiled with the Go
// toolchain), the text is printed as it is.
func Markdown(format string, args ...any) { Default.Markdown(format, args...) }

// Markdown shows text as markdown; see the package-level Markdown.
func (s *Session) Markdown(format string, args ...any) {
	text := format
	if len(args) > 0 {
		text = fmt.Sprintf(format, args...)
	}
	s.Display(Output{"text/markdown": text, "text/plain": text})
}
