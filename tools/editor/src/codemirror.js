// What the page uses of CodeMirror 6, bundled by build.mjs into assets/vendor/codemirror.js.
// Only names listed here reach the page; esbuild drops the rest.
export { EditorState, EditorSelection, Compartment, StateEffect, StateField, Prec, Transaction, Annotation, RangeSetBuilder } from "@codemirror/state";
export { EditorView, keymap, drawSelection, highlightSpecialChars, Decoration, ViewPlugin, placeholder } from "@codemirror/view";
export {
  syntaxHighlighting,
  bracketMatching,
  indentOnInput,
  indentUnit,
  syntaxTree,
  foldNodeProp,
} from "@codemirror/language";
export { classHighlighter } from "@lezer/highlight";
export {
  history,
  historyKeymap,
  defaultKeymap,
  indentMore,
  indentLess,
  insertTab,
  toggleComment,
  insertNewlineAndIndent,
  undo,
  redo,
} from "@codemirror/commands";
export {
  autocompletion,
  completionKeymap,
  closeBrackets,
  closeBracketsKeymap,
  startCompletion,
  completionStatus,
  currentCompletions,
  acceptCompletion,
  snippetCompletion,
} from "@codemirror/autocomplete";
export { go, goLanguage } from "@codemirror/lang-go";
export { markdownLanguage, insertNewlineContinueMarkup, deleteMarkupBackward } from "@codemirror/lang-markdown";
