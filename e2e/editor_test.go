package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// policedPage opens the playground like page, recording violations of the
// Content-Security-Policy (recordViolations); the returned func fails the
// test t on any seen so far.
func policedPage(t *testing.T) (context.Context, func(*testing.T)) {
	t.Helper()
	ctx := tab(t)
	consoleLines := recordViolations(t, ctx)
	load(t, ctx, "")
	return ctx, func(t *testing.T) {
		t.Helper()
		for _, v := range append(eval[[]string](t, ctx, `window.__csp || []`, patience), consoleLines()...) {
			t.Errorf("policy violation: %s", v)
		}
	}
}

// TestPageUnderItsPolicy runs the checks of the page's own parts (the
// default notebook, the editor, math, command mode, the menus) one after
// another on one page (onOnePage) that records violations of its
// Content-Security-Policy: each check fails on any seen by its end.
func TestPageUnderItsPolicy(t *testing.T) {
	ctx, checkPolicy := policedPage(t)
	policed := func(check func(*testing.T, context.Context)) func(*testing.T, context.Context) {
		return func(t *testing.T, ctx context.Context) {
			check(t, ctx)
			checkPolicy(t)
		}
	}
	onOnePage(t, ctx, []check{
		// First: it runs the default notebook, as the page opens it.
		{"ContentSecurityPolicy", policed(contentSecurityPolicy)},
		{"ShortcutsPanelListsJupyterLabKeys", policed(shortcutsPanelListsJupyterLabKeys)},
		{"PageNamesSIMDKernels", policed(pageNamesSIMDKernels)},
		{"MathInMarkdown", policed(mathInMarkdown)},
		{"EditorInTheBrowser", policed(editorInTheBrowser)},
		{"CommandMode", policed(commandMode)},
		{"ScriptLessonsInTheMenu", policed(scriptLessonsInTheMenu)},
	})
}

// waitFor waits until the JavaScript expression cond is true, and returns
// the value of then, evaluated at that moment.
func waitFor[T any](t *testing.T, ctx context.Context, what, cond, then string) T {
	t.Helper()
	v, err := evalErr[T](ctx, `new Promise(resolve => { (function poll() {
		if (`+cond+`) resolve(`+then+`); else requestAnimationFrame(poll); })(); })`, patience)
	if err != nil {
		t.Fatalf("waiting for %s (%s): %v", what, cond, err)
	}
	return v
}

// keys types text or presses keys (kb.Tab, ...) with modifiers into the
// focused element, as a keyboard does: each key's text comes with its
// keydown, so that a page that handles the keydown (Enter picking a
// completion) keeps the text from being typed too. (chromedp.KeyEvent sends
// the text as an event of its own, which no handler of the keydown stops.)
func keys(t *testing.T, ctx context.Context, s string, mods ...chromedp.Modifier) {
	t.Helper()
	var m int64
	for _, x := range mods {
		m |= int64(x)
	}
	for _, r := range s {
		var down, up *input.DispatchKeyEventParams
		text := ""
		for _, p := range kb.Encode(r) {
			switch p.Type {
			case kb.KeyDown:
				down = p
			case kb.KeyUp:
				up = p
			case kb.KeyChar:
				text = p.Text
			}
		}
		if m&int64(chromedp.ModifierCtrl|chromedp.ModifierAlt|chromedp.ModifierMeta) == 0 {
			down.Text, down.UnmodifiedText = text, text
		}
		down.Modifiers |= m
		up.Modifiers |= m
		for _, p := range []*input.DispatchKeyEventParams{down, up} {
			if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, *p); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// cellJS is a JavaScript expression for the i-th cell's section (0-based).
func cellJS(i int) string {
	return `document.querySelectorAll('#cells section.cell')[` + strconv.Itoa(i) + `]`
}

// waitSource waits until cell i's source is want, and reports what it is
// when it does not become that.
func waitSource(t *testing.T, ctx context.Context, what string, i int, want string) {
	t.Helper()
	src := `window.nasbook.cells()[` + strconv.Itoa(i) + `].source`
	if _, err := evalErr[bool](ctx, `new Promise(resolve => { (function poll() {
		if (`+src+` === `+jsString(want)+`) resolve(true); else requestAnimationFrame(poll); })(); })`, patience); err != nil {
		t.Fatalf("%s: cell %d's source is %q, want %q", what, i+1, eval[string](t, ctx, src, patience), want)
	}
}

// clearEditor empties the focused editor with the keyboard (select all,
// delete) and waits for the cell's source to be empty.
func clearEditor(t *testing.T, ctx context.Context, cell int) {
	t.Helper()
	keys(t, ctx, "a", chromedp.ModifierCtrl)
	keys(t, ctx, kb.Backspace)
	waitSource(t, ctx, "an emptied cell", cell, "")
}

// editorInTheBrowser types into a code cell's editor as a reader does:
// the code is highlighted, the text reaches the notebook (and so its saving
// and share links), Ctrl+Space offers package nb's names with their doc
// comments and an earlier cell's function, Tab and Shift+Tab indent and
// dedent, Ctrl+/ comments, Enter indents, brackets match, Ctrl+Z undoes,
// Shift+Enter runs; a failing cell's error line is
// marked and its line reference moves the cursor there.
func editorInTheBrowser(t *testing.T, ctx context.Context) {
	eval[any](t, ctx, `window.nasbook.load({nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [
		{cell_type: "code", metadata: {}, outputs: [], execution_count: null,
		 source: "import \"nasbook/nb\"\n\n// scoreOf rates an architecture by its parameters.\nfunc scoreOf(a string) float64 { return float64(len(a)) }"},
		{cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: ""}]}, "editor.ipynb")`, patience)
	waitFor[bool](t, ctx, "two editors", `document.querySelectorAll('#cells .cm-content').length === 2`, "true")
	eval[any](t, ctx, cellJS(1)+`.querySelector('.cm-content').focus()`, patience)

	// Highlighting, and the model follows the editor.
	keys(t, ctx, `var s = "hi" // note`)
	src := waitFor[string](t, ctx, "the typed source", `window.nasbook.cells()[1].source.endsWith("// note")`, `window.nasbook.cells()[1].source`)
	if src != `var s = "hi" // note` {
		t.Errorf("source %q after typing", src)
	}
	got := waitFor[string](t, ctx, "highlighting", cellJS(1)+`.querySelector('.tok-keyword') && `+cellJS(1)+`.querySelector('.tok-string') && `+cellJS(1)+`.querySelector('.tok-comment')`,
		`[...`+cellJS(1)+`.querySelectorAll('[class^="tok-"]')].map(e => e.className + "=" + e.textContent).join(" ")`)
	for _, want := range []string{"tok-keyword=var", `tok-string="hi"`, "tok-comment=// note"} {
		if !strings.Contains(got, want) {
			t.Errorf("highlighting %q lacks %q", got, want)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('textarea.editor').length`, patience); n != 0 {
		t.Errorf("%d textareas still edit cells", n)
	}

	// Ctrl+Space after "nb.Sea": package nb's names, with the doc comment beside.
	clearEditor(t, ctx, 1)
	keys(t, ctx, "nb.Sea")
	keys(t, ctx, " ", chromedp.ModifierCtrl)
	labels := waitFor[string](t, ctx, "nb's completions", `document.querySelector('.cm-tooltip-autocomplete li')`,
		`[...document.querySelectorAll('.cm-tooltip-autocomplete li .cm-completionLabel')].map(e => e.textContent).join(" ")`)
	for _, want := range []string{"Search", "SearchConfig"} {
		if !strings.Contains(" "+labels+" ", " "+want+" ") {
			t.Errorf("completions after nb.Sea: %q, want %s among them", labels, want)
		}
	}
	info := waitFor[string](t, ctx, "the doc beside the completion", `document.querySelector('.cm-completionInfo .completion-text')`,
		`document.querySelector('.cm-tooltip-autocomplete li[aria-selected] .cm-completionLabel').textContent + "|" + document.querySelector('.cm-completionInfo').textContent`)
	if !strings.HasPrefix(info, "Search|func Search(cfg SearchConfig) SearchResult") || !strings.Contains(info, "Search runs a search strategy") {
		t.Errorf("the selected completion and its doc: %q", info)
	}
	// Enter picks the completion: the list takes no key in its first 75 ms on screen, so that
	// Enter typed as it appears is a new line (CodeMirror's interactionDelay).
	waitFor[bool](t, ctx, "the list open for 150 ms", `(() => { const li = document.querySelector('.cm-tooltip-autocomplete li[aria-selected]');
		if (!li) return false; li.__seen ??= performance.now(); return performance.now() - li.__seen > 150; })()`, "true")
	keys(t, ctx, kb.Enter)
	waitSource(t, ctx, "the picked completion", 1, "nb.Search")
	keys(t, ctx, kb.Escape)

	// An earlier cell's function, with its comment; in the cell, not a command.
	eval[any](t, ctx, cellJS(1)+`.querySelector('.cm-content').focus()`, patience)
	clearEditor(t, ctx, 1)
	keys(t, ctx, "scor")
	keys(t, ctx, " ", chromedp.ModifierCtrl)
	info = waitFor[string](t, ctx, "the earlier cell's function", `[...document.querySelectorAll('.cm-tooltip-autocomplete li .cm-completionLabel')].some(e => e.textContent === "scoreOf") && document.querySelector('.cm-completionInfo')`,
		`document.querySelector('.cm-completionInfo').textContent`)
	if !strings.Contains(info, "scoreOf rates an architecture") || !strings.Contains(info, "func scoreOf(a string) float64") {
		t.Errorf("scoreOf's completion info: %q", info)
	}
	keys(t, ctx, kb.Escape) // closes the list, stays in the editor
	if !eval[bool](t, ctx, cellJS(1)+`.querySelector('.cm-editor').classList.contains('cm-focused')`, patience) {
		t.Error("Esc with the completion list open left the editor")
	}

	// As you type, without Ctrl+Space.
	clearEditor(t, ctx, 1)
	keys(t, ctx, "nb.Histo")
	waitFor[bool](t, ctx, "completions as you type", `[...document.querySelectorAll('.cm-tooltip-autocomplete li .cm-completionLabel')].some(e => e.textContent === "Histogram")`, "true")
	keys(t, ctx, kb.Escape)

	// Inside nb.SearchConfig{...}: its fields; after r := nb.Search(...), r.: SearchResult's.
	clearEditor(t, ctx, 1)
	keys(t, ctx, "cfg := nb.SearchConfig{Bud")
	keys(t, ctx, " ", chromedp.ModifierCtrl)
	// The list for what was typed: a busy machine may still show the one for "nb.Se".
	info = waitFor[string](t, ctx, "the struct's field", `[...document.querySelectorAll('.cm-tooltip-autocomplete li .cm-completionLabel')].some(e => e.textContent.startsWith("Bud")) &&
		document.querySelector('.cm-tooltip-autocomplete li[aria-selected]') && document.querySelector('.cm-completionInfo')`,
		`document.querySelector('.cm-tooltip-autocomplete li[aria-selected] .cm-completionLabel').textContent + "|" + document.querySelector('.cm-completionInfo').textContent`)
	if !strings.HasPrefix(info, "Budget|Budget int") {
		t.Errorf("the field completed in nb.SearchConfig{Bud: %q", info)
	}
	keys(t, ctx, kb.Escape)
	clearEditor(t, ctx, 1)
	keys(t, ctx, "r := nb.Search(cfg)")
	keys(t, ctx, kb.Enter)
	keys(t, ctx, "r.Cu")
	keys(t, ctx, " ", chromedp.ModifierCtrl)
	labels = waitFor[string](t, ctx, "the result's fields", `[...document.querySelectorAll('.cm-tooltip-autocomplete li .cm-completionLabel')].some(e => e.textContent === "Curve")`,
		`[...document.querySelectorAll('.cm-tooltip-autocomplete li .cm-completionLabel')].map(e => e.textContent).join(" ")`)
	if strings.Contains(labels, "Search") {
		t.Errorf("r. offers package names: %q", labels)
	}
	keys(t, ctx, kb.Escape)

	// The reader of cells' definitions takes any text: a thousand mangled sources, none throws,
	// and a source of every kind of declaration is read right.
	defs := eval[string](t, ctx, `import('/assets/js/completion.js').then(m => {
		const src = "// Doc of f.\nfunc f(a int) (nb.Arch, error) {\n}\ntype (\n\tT struct{}\n\tU = int\n)\nvar v, w = nb.Sample(sp, 1), 2\nconst c float64 = 1\nx, _ := nb.Search(cfg), 1\nfunc (t T) M() {}";
		const chars = "(){}[]\n\t /:=,.\"'\x60abcfuntypevarconst_01";
		let seed = 1;
		const rand = (n) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
		for (let i = 0; i < 1000; i++) {
			let s = src.split("");
			for (let k = rand(20); k >= 0; k--) s.splice(rand(s.length + 1), rand(3), chars[rand(chars.length)]);
			m.definitions(s.join(""));
		}
		return m.definitions(src).map(d => d.kind + " " + d.name + (d.doc ? " (" + d.doc + ")" : "") + (d.result ? " -> " + d.result : "") + (d.type ? " : " + JSON.stringify(d.type) : "")).join("; ");
	})`, patience)
	wantDefs := `func f (Doc of f.) -> nb.Arch; type T; type U; var v : {"call":"nb.Sample"}; var w; const c : {"name":"float64"}; var x : {"call":"nb.Search"}`
	if defs != wantDefs {
		t.Errorf("definitions:\n got %s\nwant %s", defs, wantDefs)
	}

	// Tab indents the line, Shift+Tab dedents it; Ctrl+/ comments it out and back.
	clearEditor(t, ctx, 1)
	keys(t, ctx, "x := 1")
	keys(t, ctx, kb.Home)
	keys(t, ctx, kb.Tab)
	waitSource(t, ctx, "Tab's indent", 1, "\tx := 1")
	keys(t, ctx, kb.Tab, chromedp.ModifierShift)
	waitSource(t, ctx, "Shift+Tab's dedent", 1, "x := 1")
	keys(t, ctx, "/", chromedp.ModifierCtrl)
	waitSource(t, ctx, "Ctrl+/'s comment", 1, "// x := 1")
	keys(t, ctx, "/", chromedp.ModifierCtrl)
	waitSource(t, ctx, "Ctrl+/ again", 1, "x := 1")
	// Enter after a brace indents the next line (and the brace was closed).
	clearEditor(t, ctx, 1)
	keys(t, ctx, "if true {")
	keys(t, ctx, kb.Enter)
	waitSource(t, ctx, "the indented line", 1, "if true {\n\t\n}")
	// Ctrl+Z undoes typing.
	keys(t, ctx, "z", chromedp.ModifierCtrl)
	waitSource(t, ctx, "the undone newline", 1, "if true {}")
	// The cursor is back between the braces, and both are marked as a matching pair.
	pair := waitFor[string](t, ctx, "the matching braces", cellJS(1)+`.querySelectorAll('.cm-matchingBracket').length === 2`,
		`[...`+cellJS(1)+`.querySelectorAll('.cm-matchingBracket')].map(e => e.textContent).join("")`)
	if pair != "{}" {
		t.Errorf("matching brackets %q, want {}", pair)
	}

	// Shift+Enter runs the cell from the editor and moves on.
	clearEditor(t, ctx, 1)
	keys(t, ctx, "func explode() {")
	keys(t, ctx, kb.Enter)
	keys(t, ctx, `panic("kaboom")`)
	keys(t, ctx, kb.ArrowDown)
	keys(t, ctx, kb.End)
	keys(t, ctx, kb.Enter)
	keys(t, ctx, kb.Enter)
	keys(t, ctx, "explode()")
	want := "func explode() {\n\tpanic(\"kaboom\")\n}\n\nexplode()"
	waitSource(t, ctx, "the failing cell's source", 1, want)
	keys(t, ctx, kb.Enter, chromedp.ModifierShift)
	errText := waitFor[string](t, ctx, "the cell's error", `window.nasbook.cells()[1].state === "error"`, `window.nasbook.cells()[1].error`)
	if !strings.Contains(errText, "line 2") {
		t.Fatalf("the error names no line 2: %q", errText)
	}
	marked := waitFor[int](t, ctx, "the marked error line", cellJS(1)+`.querySelector('.cm-error-line')`,
		`[...`+cellJS(1)+`.querySelectorAll('.cm-line')].indexOf(`+cellJS(1)+`.querySelector('.cm-error-line')) + 1`)
	if marked != 2 {
		t.Errorf("line %d is marked, want 2", marked)
	}
	// The focus moved on (Shift+Enter); clicking "line 2" brings the cursor back to that line.
	if _, err := chromedp.Run(ctx, chromedp.Click(`#cells section.cell:nth-of-type(2) .output .line-link`)); err != nil {
		t.Fatal(err)
	}
	line := waitFor[int](t, ctx, "the cursor on the error line", cellJS(1)+`.querySelector('.cm-editor').classList.contains('cm-focused') && getSelection().anchorNode`,
		`(() => { const n = getSelection().anchorNode; const el = n.nodeType === 1 ? n : n.parentElement;
			return [...`+cellJS(1)+`.querySelectorAll('.cm-line')].indexOf(el.closest('.cm-line')) + 1; })()`)
	if line != 2 {
		t.Errorf("the cursor is on line %d after clicking the error's line 2", line)
	}
	// Running it again without the error clears the mark.
	clearEditor(t, ctx, 1)
	keys(t, ctx, "1 + 1")
	keys(t, ctx, kb.Enter, chromedp.ModifierCtrl)
	waitFor[bool](t, ctx, "the mark cleared", `window.nasbook.cells()[1].state === "done" && !`+cellJS(1)+`.querySelector('.cm-error-line')`, "true")

	// Esc leaves the editor for the cell (command mode), also right after typing, while a
	// completion is being looked for.
	eval[any](t, ctx, cellJS(1)+`.querySelector('.cm-content').focus()`, patience)
	keys(t, ctx, " + 2")
	keys(t, ctx, kb.Escape)
	waitFor[bool](t, ctx, "the cell focused", `document.activeElement === `+cellJS(1), "true")
}

// mathInMarkdown: $...$ and $$...$$ in a markdown cell and in a
// markdown output are typeset by KaTeX (with its fonts, under the page's
// policy), the result still passes the sanitiser, prices stay text, and
// the markdown cell edits in CodeMirror's markdown mode.
func mathInMarkdown(t *testing.T, ctx context.Context) {
	if eval[bool](t, ctx, `!!document.querySelector('link[href*="katex"]')`, patience) {
		t.Error("KaTeX's styles loaded before any math was shown")
	}
	eval[any](t, ctx, `window.nasbook.load({nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [
		{cell_type: "markdown", metadata: {}, source: "Energy: $E = mc^2$, for $5 or $10.\n\n$$\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}$$\n\n$\\href{javascript:alert(1)}{x}$"},
		{cell_type: "code", metadata: {}, execution_count: 1, source: "", outputs: [
			{output_type: "display_data", metadata: {}, data: {"text/markdown": "Pythagoras: $a^2 + b^2 = c^2$", "text/plain": "md"}}]}]}, "math.ipynb")`, patience)
	got := waitFor[string](t, ctx, "typeset math", `document.querySelectorAll('.markdown-rendered .katex').length >= 3 && document.querySelector('.output-markdown .katex')`,
		`JSON.stringify({
			inline: document.querySelector('.markdown-rendered .math-inline').dataset.tex,
			display: !!document.querySelector('.markdown-rendered .katex-display'),
			text: document.querySelector('.markdown-rendered').textContent,
			output: document.querySelector('.output-markdown .math-inline').dataset.tex,
			scripts: document.querySelectorAll('#cells script, #cells a[href^="javascript"]').length,
			annotation: document.querySelector('.markdown-rendered .katex-mathml') ? "mathml" : "none",
		})`)
	for _, want := range []string{`"inline":"E = mc^2"`, `"display":true`, `for $5 or $10.`, `"output":"a^2 + b^2 = c^2"`, `"scripts":0`} {
		if !strings.Contains(got, want) {
			t.Errorf("math: %s lacks %s", got, want)
		}
	}
	// nb.Markdown's output, from a cell, the same way.
	r := runCell(t, ctx, "import \"nasbook/nb\"\nnb.Markdown(\"Spearman's $\\\\rho = %.2f$\", 0.5)")
	if r.Error != nil || r.Text != "Spearman's $\\rho = 0.50$\n" {
		t.Errorf("nb.Markdown: text %q, error %s", r.Text, deref(r.Error))
	}
	tex := waitFor[string](t, ctx, "nb.Markdown's math", `document.querySelector('#cells section.cell:last-of-type .output-markdown .katex')`,
		`document.querySelector('#cells section.cell:last-of-type .output-markdown .math').dataset.tex`)
	if tex != `\rho = 0.50` {
		t.Errorf("nb.Markdown's math %q", tex)
	}

	// KaTeX's fonts come from the page's server and are used.
	font := waitFor[string](t, ctx, "KaTeX's fonts", `document.fonts.check('1em KaTeX_Main') && [...document.fonts].some(f => f.family.includes('KaTeX_Main') && f.status === 'loaded')`,
		`getComputedStyle(document.querySelector('.katex')).fontFamily`)
	if !strings.Contains(font, "KaTeX_Main") {
		t.Errorf("math is set in %q", font)
	}

	// Double-click edits the markdown in CodeMirror's markdown mode.
	if _, err := chromedp.Run(ctx, chromedp.DoubleClick(`#cells section.cell:nth-of-type(1) .markdown-rendered`)); err != nil {
		t.Fatal(err)
	}
	waitFor[bool](t, ctx, "the markdown editor", `document.querySelector('#cells section.cell .editor:not([hidden]) .cm-content') && document.activeElement.classList.contains('cm-content')`, "true")
	keys(t, ctx, "a", chromedp.ModifierCtrl)
	keys(t, ctx, "# Title with $x^2$")
	waitFor[bool](t, ctx, "a markdown heading highlighted", `document.querySelector('#cells section.cell .tok-heading')`, "true")
	keys(t, ctx, kb.Enter, chromedp.ModifierShift)
	tex = waitFor[string](t, ctx, "the heading's math", `document.querySelector('.markdown-rendered h1 .katex')`, `document.querySelector('.markdown-rendered h1 .math').dataset.tex`)
	if tex != "x^2" {
		t.Errorf("heading's math %q", tex)
	}
}
