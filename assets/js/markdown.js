// Markdown rendering and HTML sanitising for cells and outputs.
//
// Notebooks come from anywhere (a file, a link), so what their markdown and HTML outputs show
// is sanitised by DOMPurify with this page's rules on top of its own:
//   - nothing is loaded from elsewhere: no remote src, srcset, poster or background, no svg
//     <use>/<image>/<feImage> references, no url() in styles or attributes other than a "#id"
//     inside the same fragment, no <link>, <meta>, <base>, <style>, frames or objects. Only
//     data: images are shown; a remote image becomes a note with its address, which is not
//     fetched. Links stay links and open in a new tab (nothing is fetched until followed).
//   - nothing covers the page: no position fixed, sticky or absolute in styles. (The CSS also
//     clips every rendered output to its own box, `contain: paint`.)
//   - no forms or controls that would reach into the page.
//
// Math: `$...$` (inline) and `$$...$$` (display) are typeset by KaTeX, loaded the first time
// some markdown has math (assets/vendor/katex). The TeX goes through the sanitiser as text, and
// KaTeX's HTML goes through it again before it is shown: nothing KaTeX writes escapes the rules.
import { Marked } from "../vendor/marked.esm.js";
import DOMPurify from "../vendor/purify.es.mjs";

// $...$ as pandoc reads it: no space just inside the dollars, no digit right after the closing
// one (so "$5 and $10" stays text); $$...$$ anywhere, in a paragraph or on lines of its own.
const INLINE_MATH = /^\$(?!\$)((?:\\.|[^\\$\n])*?[^\s\\$])\$(?!\d)|^\$(?!\$)([^\s\\$])\$(?!\d)/;
const DISPLAY_MATH = /^\$\$([\s\S]+?)\$\$/;
const BLOCK_MATH = /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n|$)/;

const escapeHTML = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
// A placeholder that KaTeX fills in: a div for $$ on lines of their own, a span in a paragraph.
const mathHTML = (tex, display, tag = "span") =>
  `<${tag} class="math ${display ? "math-display" : "math-inline"}">${escapeHTML(display ? tex.trim() : tex)}</${tag}>`;

const marked = new Marked({ gfm: true, breaks: false });
marked.use({
  extensions: [
    {
      name: "blockMath",
      level: "block",
      start: (src) => src.match(/^ {0,3}\$\$/m)?.index,
      tokenizer(src) {
        const m = BLOCK_MATH.exec(src);
        if (m) return { type: "blockMath", raw: m[0], tex: m[1] };
      },
      renderer: (t) => mathHTML(t.tex, true, "div") + "\n",
    },
    {
      name: "inlineMath",
      level: "inline",
      start: (src) => src.indexOf("$") >= 0 ? src.indexOf("$") : undefined,
      tokenizer(src) {
        let m = DISPLAY_MATH.exec(src);
        if (m) return { type: "inlineMath", raw: m[0], tex: m[1], display: true };
        m = INLINE_MATH.exec(src);
        if (m) return { type: "inlineMath", raw: m[0], tex: m[1] ?? m[2], display: false };
      },
      renderer: (t) => mathHTML(t.tex, t.display),
    },
  ],
});

const PURIFY = {
  FORBID_TAGS: [
    "style", "link", "meta", "base", "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "script", "noscript", "template",
    "form", "input", "button", "textarea", "select", "option", "dialog",
    "video", "audio", "source", "track", "picture",
    "use", "image", "feimage", "animate", "set", "animatemotion", "animatetransform", "foreignobject", "mpath",
  ],
  FORBID_ATTR: ["srcset", "imagesrcset", "ping", "background", "poster", "action", "formaction", "lowsrc", "dynsrc", "longdesc", "manifest"],
  RETURN_DOM_FRAGMENT: true,
};

// Attributes whose value is fetched (or, for href outside <a>, may be).
const URL_ATTRS = new Set(["src", "href", "xlink:href", "data", "codebase", "cite"]);
// A data: URL of an image the page may show (an <img> cannot run what it shows).
const DATA_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp|bmp|svg\+xml)[;,]/i;
// url(...) pointing anywhere but an element of the same fragment.
const REMOTE_URL = /url\s*\(\s*(?!['"]?\s*#)/i;
const LOADS = /url\s*\(|image-set\s*\(|(?:^|[^-\w])image\s*\(|element\s*\(|@import|expression\s*\(|-moz-binding|behavior\s*:/i;
const POSITION_OK = new Set(["static", "relative", ""]);

/** The style attribute with what loads remote resources or escapes the cell taken out. */
function cleanStyle(value) {
  const decl = document.createElement("div").style;
  decl.cssText = value;
  for (let i = decl.length - 1; i >= 0; i--) {
    const prop = decl[i];
    const v = decl.getPropertyValue(prop);
    if (LOADS.test(v) || (prop === "position" && !POSITION_OK.has(v.trim().toLowerCase()))) decl.removeProperty(prop);
  }
  // Values the browser does not know (and so would not keep) are dropped with the rest.
  return decl.cssText;
}

const blocked = new WeakMap(); // <img> -> the remote address it had

// The guards let the module load where there is no DOM (unit checks under Node).
DOMPurify.addHook?.("uponSanitizeAttribute", (node, data) => {
  const name = data.attrName;
  const value = data.attrValue || "";
  const tag = node.nodeName.toLowerCase();
  if (name === "style") {
    data.attrValue = cleanStyle(value);
    if (!data.attrValue) data.keepAttr = false;
    return;
  }
  if (URL_ATTRS.has(name)) {
    const v = value.trim();
    const link = tag === "a" && (name === "href" || name === "xlink:href");
    const local = v.startsWith("#");
    const image = tag === "img" && name === "src" && DATA_IMAGE.test(v);
    if (!link && !local && !image) {
      data.keepAttr = false;
      if (tag === "img" && name === "src") blocked.set(node, v);
    }
    return;
  }
  // Presentation attributes (fill, filter, mask, ...) may point at another document.
  if (REMOTE_URL.test(value)) data.keepAttr = false;
});

// Links open in a new tab so that following one does not unload the notebook.
DOMPurify.addHook?.("afterSanitizeAttributes", (node) => {
  if (node.nodeName.toLowerCase() === "a" && node.hasAttribute("href") && !node.getAttribute("href").startsWith("#")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

// A remote image becomes a note naming it, so that the reader knows what is missing.
function noteBlockedImages(fragment) {
  for (const img of fragment.querySelectorAll("img:not([src])")) {
    const src = blocked.get(img);
    const note = document.createElement("span");
    note.className = "blocked-image";
    const alt = img.getAttribute("alt");
    note.textContent = `[image${alt ? ` "${alt}"` : ""} not loaded${src ? `: ${src}` : ""}; notebooks show only images they carry]`;
    img.replaceWith(note);
  }
  return fragment;
}

/** Sanitised DOM fragment for untrusted HTML. */
export function sanitizeHTML(html) {
  return noteBlockedImages(DOMPurify.sanitize(String(html), PURIFY));
}

/** Sanitised DOM fragment for markdown source; its math is typeset as soon as KaTeX is there. */
export function renderMarkdown(source) {
  return typesetMath(sanitizeHTML(marked.parse(String(source))));
}

const KATEX = new URL("../vendor/katex/katex.mjs", import.meta.url);
const KATEX_CSS = new URL("../vendor/katex/katex.css", import.meta.url);
let katex = null; // the module, once loaded
let loading = null;
const waiting = new Set(); // .math elements rendered before KaTeX was there

function loadKatex() {
  if (!loading) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = KATEX_CSS.href;
    document.head.append(link);
    loading = import(KATEX.href).then(
      (m) => {
        katex = m.default;
        for (const el of waiting) typeset(el);
        waiting.clear();
      },
      (e) => {
        loading = null; // a later render tries again
        for (const el of waiting) el.title = `The math could not be typeset: KaTeX did not load (${e.message}).`;
        waiting.clear();
      },
    );
  }
  return loading;
}

function typeset(el) {
  const tex = el.textContent;
  const display = el.classList.contains("math-display");
  const html = katex.renderToString(tex, { displayMode: display, throwOnError: false, output: "htmlAndMathml", trust: false, maxSize: 50, maxExpand: 1000 });
  el.replaceChildren(sanitizeHTML(html));
  el.dataset.tex = tex;
  el.classList.add("math-typeset");
}

/** Typesets the math placeholders of a rendered fragment now, or when KaTeX has loaded. */
export function typesetMath(fragment) {
  const maths = fragment.querySelectorAll(".math:not(.math-typeset)");
  if (!maths.length) return fragment;
  if (katex) maths.forEach(typeset);
  else {
    maths.forEach((el) => waiting.add(el));
    loadKatex();
  }
  return fragment;
}

/** Resolves when KaTeX has loaded (it loads with the first math to show). */
export function mathReady() {
  return loadKatex();
}
