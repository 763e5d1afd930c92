// A cell's editor: CodeMirror 6 (assets/vendor/codemirror.js, built by tools/editor) set up for
// Go or markdown.
//
// Keys inside the editor: Shift+Enter, Ctrl/⌘+Enter and Alt+Enter run the cell (the handlers
// given); Esc leaves the editor for the cell (command mode), after closing an open completion;
// Tab indents (or inserts a tab at the cursor), Shift+Tab dedents; Ctrl/⌘+/ toggles comments;
// Ctrl+Space completes; Ctrl/⌘+Z and Ctrl/⌘+Shift+Z undo and redo.
//
// Every change goes through one transaction, so that the model, undo history and error marks
// agree: changes typed in the editor reach onChange; setValue (a change from the model) does not
// call back and is not undone by Ctrl+Z.
import {
  EditorState,
  EditorView,
  Compartment,
  StateEffect,
  StateField,
  Decoration,
  Prec,
  Transaction,
  keymap,
  drawSelection,
  highlightSpecialChars,
  syntaxHighlighting,
  classHighlighter,
  bracketMatching,
  indentOnInput,
  indentUnit,
  history,
  historyKeymap,
  defaultKeymap,
  indentLess,
  insertTab,
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  go,
  goLanguage,
  markdownLanguage,
  insertNewlineContinueMarkup,
  deleteMarkupBackward,
} from "../vendor/codemirror.js";
import { notebookCompletions } from "./completion.js";

// The line of an error, marked until the cell runs again; it moves with edits above it.
const setErrorLine = StateEffect.define();
const errorLineMark = Decoration.line({ class: "cm-error-line", attributes: { "data-error-line": "true" } });

const errorLine = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setErrorLine)) continue;
      const n = e.value;
      marks = n && n >= 1 && n <= tr.state.doc.lines ? Decoration.set([errorLineMark.range(tr.state.doc.line(n).from)]) : Decoration.none;
    }
    return marks;
  },
  provide: (f) => EditorView.decorations.from(f),
});

// A change made by setValue: not the reader's typing.
const external = Transaction.userEvent.of("nasbook.model");

export class CellEditor {
  /**
   * @param parent   element to put the editor in
   * @param opts     {source, type: "code"|"markdown"|"raw", label, onChange(source),
   *                  onRun(after: "advance"|"stay"|"insert"), onEscape(), earlier() -> [source]}
   */
  constructor(parent, opts) {
    this.opts = opts;
    this.label = new Compartment();
    const run = (after) => () => {
      opts.onRun(after);
      return true;
    };
    const cellKeys = [
      { key: "Shift-Enter", run: run("advance") },
      { key: "Mod-Enter", run: run("stay") },
      { key: "Alt-Enter", run: run("insert") },
      { key: "Tab", run: insertTab, shift: indentLess },
    ];
    // Esc closes a completion list on screen; otherwise it leaves the editor at once, even while
    // a completion is being computed (which would take the key first).
    const escape = {
      key: "Escape",
      run: (view) => {
        if (view.dom.querySelector(".cm-tooltip-autocomplete")) return false; // a list on screen
        opts.onEscape();
        return true;
      },
    };
    const extensions = [
      Prec.highest(keymap.of([escape])),
      // Below the completion list's own keys (Enter picks, Esc closes), above the rest.
      Prec.high(keymap.of(cellKeys)),
      history(),
      drawSelection(),
      highlightSpecialChars(),
      EditorState.tabSize.of(4),
      indentUnit.of("\t"),
      syntaxHighlighting(classHighlighter),
      errorLine,
      this.label.of(EditorView.contentAttributes.of(attrs(opts.label))),
      EditorView.updateListener.of((u) => {
        if (u.docChanged && !u.transactions.every((tr) => tr.isUserEvent("nasbook.model"))) opts.onChange(u.state.doc.toString());
      }),
    ];
    if (opts.type === "code") {
      // autocompletion() brings its keys (Ctrl+Space, arrows, Enter, Esc) at the highest precedence.
      extensions.push(
        go(),
        goLanguage.data.of({ autocomplete: notebookCompletions(opts.earlier) }),
        autocompletion({ icons: true }),
        closeBrackets(),
        bracketMatching(),
        indentOnInput(),
        keymap.of(closeBracketsKeymap),
      );
    } else if (opts.type === "markdown") {
      extensions.push(
        markdownLanguage,
        EditorView.lineWrapping,
        Prec.high(keymap.of([
          { key: "Enter", run: insertNewlineContinueMarkup },
          { key: "Backspace", run: deleteMarkupBackward },
        ])),
      );
    } else {
      extensions.push(EditorView.lineWrapping);
    }
    extensions.push(keymap.of([...defaultKeymap, ...historyKeymap]));
    this.view = new EditorView({ state: EditorState.create({ doc: opts.source, extensions }), parent });
  }

  get value() {
    return this.view.state.doc.toString();
  }

  /** Replaces the text with a change from the model (not undoable, no onChange). */
  setValue(text) {
    if (text === this.value) return;
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: text },
      annotations: [external, Transaction.addToHistory.of(false)],
    });
  }

  focus() {
    this.view.focus();
  }

  get hasFocus() {
    return this.view.hasFocus;
  }

  /** Selects line n (1-based, clamped to the text) and scrolls it into view. */
  goToLine(n) {
    const doc = this.view.state.doc;
    const line = doc.line(Math.max(1, Math.min(n, doc.lines)));
    this.view.dispatch({ selection: { anchor: line.from, head: line.to }, scrollIntoView: true });
    this.view.focus();
  }

  /** Marks line n as the error's (null clears the mark). */
  markError(n) {
    this.view.dispatch({ effects: setErrorLine.of(n) });
  }

  setLabel(label) {
    this.view.dispatch({ effects: this.label.reconfigure(EditorView.contentAttributes.of(attrs(label))) });
  }

  /** Measures again after the layout changed around the editor (it was hidden, the type grew). */
  layout() {
    this.view.requestMeasure();
  }

  destroy() {
    this.view.destroy();
  }
}

function attrs(label) {
  return { "aria-label": label || "Cell source", "aria-describedby": "editor-help", spellcheck: "false", autocapitalize: "off", autocorrect: "off" };
}
