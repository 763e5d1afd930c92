// Markdown rendering and HTML sanitising for cells and outputs.
import { Marked } from "../vendor/marked.esm.js";
import DOMPurify from "../vendor/purify.es.mjs";

const marked = new Marked({ gfm: true, breaks: false });

// Style sheets and form controls from a cell would reach into the page itself.
const PURIFY = {
  FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "option", "dialog"],
  RETURN_DOM_FRAGMENT: true,
};

// Links open in a new tab so that following one does not unload the notebook. (The guard lets
// the module load where there is no DOM, e.g. in unit checks under Node.)
DOMPurify.addHook?.("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.hasAttribute("href") && !node.getAttribute("href").startsWith("#")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

/** Sanitised DOM fragment for untrusted HTML. */
export function sanitizeHTML(html) {
  return DOMPurify.sanitize(String(html), PURIFY);
}

/** Sanitised DOM fragment for markdown source. */
export function renderMarkdown(source) {
  return sanitizeHTML(marked.parse(String(source)));
}
