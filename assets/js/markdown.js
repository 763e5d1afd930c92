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
import { Marked } from "../vendor/marked.esm.js";
import DOMPurify from "../vendor/purify.es.mjs";

const marked = new Marked({ gfm: true, breaks: false });

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

/** Sanitised DOM fragment for markdown source. */
export function renderMarkdown(source) {
  return sanitizeHTML(marked.parse(String(source)));
}
