package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// key presses a key in the page as a keyboard does: one keyDown that carries
// the key's text (so that a handler that cancels the keydown cancels the
// text too, which chromedp.KeyEvent's separate char event would not), then
// a keyUp. mods are such as chromedp.ModifierShift.
func key(t *testing.T, ctx context.Context, k string, mods ...chromedp.Modifier) {
	t.Helper()
	r := []rune(k)[0]
	info, ok := kb.Keys[r]
	if !ok {
		t.Fatalf("no key %q", k)
	}
	var m chromedp.Modifier
	for _, x := range mods {
		m |= x
	}
	if info.Shift {
		m |= chromedp.ModifierShift
	}
	down := input.DispatchKeyEventParams{Type: kb.KeyDown, Key: info.Key, Code: info.Code,
		NativeVirtualKeyCode: info.Native, WindowsVirtualKeyCode: info.Windows, Modifiers: int64(m)}
	up := down
	up.Type = kb.KeyUp
	if info.Print {
		down.Text, down.UnmodifiedText = info.Text, info.Unmodified
	}
	send := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, p := range []input.DispatchKeyEventParams{down, up} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	})
	if _, err := chromedp.Run(ctx, send); err != nil {
		t.Fatalf("key %q: %v", k, err)
	}
}

// notebookState is what a command changes: the cells (type and source,
// "code:a"), the active cell's index, the selected cells' indices, and
// where the focus is ("cell" for a cell in command mode, "editor" for a
// cell's editor, or the focused element's tag).
type notebookState struct {
	Cells    []string `json:"cells"`
	Active   int      `json:"active"`
	Selected []int    `json:"selected,omitempty"`
	Focus    string   `json:"focus"`
	FocusAt  int      `json:"focusAt"`
}

const stateJS = `(() => {
	const els = [...document.querySelectorAll('#cells .cell')];
	const a = document.activeElement;
	const cell = a && a.closest ? a.closest('#cells .cell') : null;
	let focus = a ? a.tagName.toLowerCase() : "";
	if (a && a.matches('section.cell')) focus = "cell";
	else if (cell && (a.matches('textarea, [contenteditable="true"]'))) focus = "editor";
	return {
		cells: window.nasbook.cells().map(c => c.type + ":" + c.source),
		active: els.findIndex(e => e.classList.contains('active')),
		selected: els.map((e, i) => e.classList.contains('selected') ? i : -1).filter(i => i >= 0),
		focus, focusAt: cell ? els.indexOf(cell) : -1,
	};
})()`

// expect waits until the notebook is in the state want describes.
func expect(t *testing.T, ctx context.Context, step string, want notebookState) {
	t.Helper()
	cond := fmt.Sprintf(`new Promise(resolve => { (function poll() {
		const s = %s, w = %s;
		if (JSON.stringify(s.cells) === JSON.stringify(w.cells) && s.active === w.active && s.focus === w.focus && s.focusAt === w.focusAt &&
			JSON.stringify(s.selected) === JSON.stringify(w.selected || [])) resolve(true); else setTimeout(poll, 20); })(); })`, stateJS, mustJSON(want))
	if _, err := evalErr[bool](ctx, cond, patience); err != nil {
		got, _ := evalErr[notebookState](ctx, stateJS, patience)
		t.Fatalf("after %s:\n got %+v\nwant %+v", step, got, want)
	}
}

// clickFirstCell clicks the first cell's state badge, which selects the
// cell without entering its editor.
func clickFirstCell(t *testing.T, ctx context.Context) {
	t.Helper()
	p := eval[[2]float64](t, ctx, `(() => { const r = document.querySelector('#cells .cell .state-badge').getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2]; })()`, patience)
	mouse(t, ctx, input.DispatchMouseEventTypeMousePressed, p[0], p[1])
	mouse(t, ctx, input.DispatchMouseEventTypeMouseReleased, p[0], p[1])
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// commandMode presses JupyterLab's command-mode keys one by one and
// checks what each did to the cells, the selection and the focus.
func commandMode(t *testing.T, ctx context.Context) {
	nb := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
		{"cell_type": "code", "source": "a", "metadata": {}, "outputs": [], "execution_count": null},
		{"cell_type": "code", "source": "b", "metadata": {}, "outputs": [], "execution_count": null},
		{"cell_type": "code", "source": "c", "metadata": {}, "outputs": [], "execution_count": null}]}`
	eval[any](t, ctx, `(window.nasbook.load(`+jsString(nb)+`, "keys.ipynb"), true)`, patience)
	clickFirstCell(t, ctx)
	cells := func(s ...string) []string { return s }
	shift := chromedp.ModifierShift
	expect(t, ctx, "focusing the first cell", notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 0, Focus: "cell", FocusAt: 0})

	steps := []struct {
		name string
		k    string
		mods []chromedp.Modifier
		want notebookState
	}{
		{"↓", kb.ArrowDown, nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"J", "j", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 2, Focus: "cell", FocusAt: 2}},
		{"J at the end", "j", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 2, Focus: "cell", FocusAt: 2}},
		{"K", "k", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"↑", kb.ArrowUp, nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 0, Focus: "cell", FocusAt: 0}},
		{"B", "b", nil, notebookState{Cells: cells("code:a", "code:", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"A", "a", nil, notebookState{Cells: cells("code:a", "code:", "code:", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"D", "d", nil, notebookState{Cells: cells("code:a", "code:", "code:", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"D, D", "d", nil, notebookState{Cells: cells("code:a", "code:", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"D, D again", "d", nil, notebookState{Cells: cells("code:a", "code:", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"", "d", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"Z", "z", nil, notebookState{Cells: cells("code:a", "code:", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"Z again", "z", nil, notebookState{Cells: cells("code:a", "code:", "code:", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"Shift+↓", kb.ArrowDown, []chromedp.Modifier{shift}, notebookState{Cells: cells("code:a", "code:", "code:", "code:b", "code:c"), Active: 2, Selected: []int{1, 2}, Focus: "cell", FocusAt: 2}},
		{"D, D on a selection", "d", nil, notebookState{Cells: cells("code:a", "code:", "code:", "code:b", "code:c"), Active: 2, Selected: []int{1, 2}, Focus: "cell", FocusAt: 2}},
		{"", "d", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"Shift+J", "J", []chromedp.Modifier{shift}, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 2, Selected: []int{1, 2}, Focus: "cell", FocusAt: 2}},
		{"C", "c", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 2, Selected: []int{1, 2}, Focus: "cell", FocusAt: 2}},
		{"K ends the selection", "k", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"↑", kb.ArrowUp, nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 0, Focus: "cell", FocusAt: 0}},
		{"V", "v", nil, notebookState{Cells: cells("code:a", "code:b", "code:c", "code:b", "code:c"), Active: 2, Selected: []int{1, 2}, Focus: "cell", FocusAt: 2}},
		{"Z undoes the paste", "z", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 0, Focus: "cell", FocusAt: 0}},
		{"Shift+V", "V", []chromedp.Modifier{shift}, notebookState{Cells: cells("code:b", "code:c", "code:a", "code:b", "code:c"), Active: 1, Selected: []int{0, 1}, Focus: "cell", FocusAt: 1}},
		{"X", "x", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 0, Focus: "cell", FocusAt: 0}},
		{"Shift+K at the top", "K", []chromedp.Modifier{shift}, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 0, Focus: "cell", FocusAt: 0}},
		{"Shift+M merges with the cell below", "M", []chromedp.Modifier{shift}, notebookState{Cells: cells("code:a\n\nb", "code:c"), Active: 0, Focus: "cell", FocusAt: 0}},
		{"Z undoes the merge", "z", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 1, Selected: []int{0, 1}, Focus: "cell", FocusAt: 1}},
		{"K", "k", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 0, Focus: "cell", FocusAt: 0}},
		{"Shift+↓", kb.ArrowDown, []chromedp.Modifier{shift}, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 1, Selected: []int{0, 1}, Focus: "cell", FocusAt: 1}},
		{"Shift+↓ again", kb.ArrowDown, []chromedp.Modifier{shift}, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 2, Selected: []int{0, 1, 2}, Focus: "cell", FocusAt: 2}},
		{"Shift+↑", kb.ArrowUp, []chromedp.Modifier{shift}, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 1, Selected: []int{0, 1}, Focus: "cell", FocusAt: 1}},
		{"Shift+↓", kb.ArrowDown, []chromedp.Modifier{shift}, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 2, Selected: []int{0, 1, 2}, Focus: "cell", FocusAt: 2}},
		{"Shift+M merges the selection", "M", []chromedp.Modifier{shift}, notebookState{Cells: cells("code:a\n\nb\n\nc"), Active: 0, Focus: "cell", FocusAt: 0}},
		{"Z", "z", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 2, Selected: []int{0, 1, 2}, Focus: "cell", FocusAt: 2}},
		{"K", "k", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
		{"J", "j", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 2, Focus: "cell", FocusAt: 2}},
		{"M", "m", nil, notebookState{Cells: cells("code:a", "code:b", "markdown:c"), Active: 2, Focus: "cell", FocusAt: 2}},
		{"R", "r", nil, notebookState{Cells: cells("code:a", "code:b", "raw:c"), Active: 2, Focus: "cell", FocusAt: 2}},
		{"Y", "y", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 2, Focus: "cell", FocusAt: 2}},
		{"Enter edits", kb.Enter, nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 2, Focus: "editor", FocusAt: 2}},
		{"Esc leaves the editor", kb.Escape, nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 2, Focus: "cell", FocusAt: 2}},
		{"K", "k", nil, notebookState{Cells: cells("code:a", "code:b", "code:c"), Active: 1, Focus: "cell", FocusAt: 1}},
	}
	for _, s := range steps {
		key(t, ctx, s.k, s.mods...)
		name := s.name
		if name == "" {
			name = "the next key"
		}
		expect(t, ctx, name, s.want)
	}

	// Shift+Enter in command mode runs the cell and selects the next one,
	// still in command mode; on the last cell it adds one and edits it.
	eval[any](t, ctx, `(window.nasbook.load(`+jsString(strings.ReplaceAll(strings.ReplaceAll(nb, `"a"`, `"1 + 1"`), `"b"`, `"2 + 2"`))+`, "run.ipynb"), true)`, patience)
	clickFirstCell(t, ctx)
	key(t, ctx, kb.Enter, shift)
	expect(t, ctx, "Shift+Enter", notebookState{Cells: cells("code:1 + 1", "code:2 + 2", "code:c"), Active: 1, Focus: "cell", FocusAt: 1})
	eval[any](t, ctx, `new Promise(resolve => { (function poll() { const c = window.nasbook.cells()[0]; if (c.state === "done" && c.text === "2\n") resolve(true); else setTimeout(poll, 50); })(); })`, patience)
	key(t, ctx, "j")
	key(t, ctx, kb.Enter, shift)
	expect(t, ctx, "Shift+Enter on the last cell", notebookState{Cells: cells("code:1 + 1", "code:2 + 2", "code:c", "code:"), Active: 3, Focus: "editor", FocusAt: 3})

	// Typing in an editor is not a command: "d" and "j" are text there.
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent("ddj")); err != nil {
		t.Fatal(err)
	}
	expect(t, ctx, "typing in an editor", notebookState{Cells: cells("code:1 + 1", "code:2 + 2", "code:c", "code:ddj"), Active: 3, Focus: "editor", FocusAt: 3})
}

// shortcutsPanelListsJupyterLabKeys holds the View menu's Shortcuts to
// JupyterLab's default command-mode keys for every command the page has.
func shortcutsPanelListsJupyterLabKeys(t *testing.T, ctx context.Context) {
	got := eval[[]string](t, ctx, `[...document.querySelectorAll('#shortcuts dt')].map(d => d.textContent)`, patience)
	joined := "|" + strings.Join(got, "|") + "|"
	for _, k := range []string{"Enter", "Esc", "Shift+Enter", "Ctrl+Enter", "Alt+Enter", "↑ / K", "↓ / J", "Shift+↑ / Shift+K", "Shift+↓ / Shift+J",
		"A", "B", "D, D", "Z", "X", "C", "V", "Shift+V", "Shift+M", "Y", "M", "R", "I, I", "0, 0"} {
		if !strings.Contains(joined, "|"+k+"|") {
			t.Errorf("the Shortcuts panel does not list %q; it lists %q", k, got)
		}
	}
}
