package nb

import (
	"bytes"
	"testing"
)

func TestMarkdown(t *testing.T) {
	var got []Output
	s := NewSession(&bytes.Buffer{}, func(o Output) { got = append(got, o) })
	s.Markdown("Energy: $E = mc^2$")
	s.Markdown("%d of %s, 100%% sure", 3, "four")
	if len(got) != 2 {
		t.Fatalf("%d outputs, want 2", len(got))
	}
	for i, want := range []string{"Energy: $E = mc^2$", "3 of four, 100% sure"} {
		if got[i]["text/markdown"] != want || got[i]["text/plain"] != want {
			t.Errorf("output %d: %v, want %q as markdown and text", i, got[i], want)
		}
	}
	// Without a display, the text is printed.
	var out bytes.Buffer
	NewSession(&out, nil).Markdown("# Title")
	if out.String() != "# Title\n" {
		t.Errorf("printed %q", out.String())
	}
}
