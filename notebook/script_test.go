package notebook

import (
	"strings"
	"testing"
)

func TestFromScript(t *testing.T) {
	src := `//go:build ignore

// Some words.
package main

// %% Define
import "fmt"
x := 1
// %%
fmt.Println(x + 1)

// Output:
// 2
`
	nb, want, ok := FromScript(src)
	if !ok || want != "2" {
		t.Errorf("want %q %v", want, ok)
	}
	var kinds []string
	for _, c := range nb.Cells {
		kinds = append(kinds, c.CellType+":"+string(c.Source))
	}
	if got := strings.Join(kinds, "|"); got != "markdown:Define|code:import \"fmt\"\nx := 1|code:fmt.Println(x + 1)" {
		t.Errorf("cells %q", got)
	}
	var out strings.Builder
	if failed, err := Execute(nb, ExecOptions{OnOutput: func(_ int, o *Output) { out.WriteString(o.PlainText()) }}); err != nil || failed != 0 {
		t.Fatal(failed, err)
	}
	if strings.TrimSpace(out.String()) != want {
		t.Errorf("ran %q", out.String())
	}
}

func TestMatchOutput(t *testing.T) {
	for _, c := range []struct {
		got, want string
		ok        bool
	}{
		{"a\nb\n", "a\nb", true},
		{"a\nbest k5 in 3.2 ms\n", "a\nbest k5...", true},
		{"a\nworst\n", "a\nbest...", false},
		{"a\n", "a\nb", false},
		{"a\nb\nc", "a\nb", false},
	} {
		if err := MatchOutput(c.got, c.want); (err == nil) != c.ok {
			t.Errorf("MatchOutput(%q, %q) = %v", c.got, c.want, err)
		}
	}
}
