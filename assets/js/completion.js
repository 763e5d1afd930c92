// Completion for Go cells: what a cell may use.
//
//   - after `pkg.`: the exported names of an allowed package (assets/build/catalog.json, made by
//     the build from the interpreter's symbol tables and the packages' doc comments);
//   - after `x.`: the fields and methods of x's type, where an earlier line says what it is
//     (`x := nb.Search(...)`, `x := nb.SearchConfig{...}`, `var x nb.Arch`);
//   - inside `nb.SearchConfig{ ... }`: the struct's fields;
//   - a plain name: Go's predeclared names, the allowed packages, and what earlier cells defined
//     (functions, types, variables, constants), with their doc comments. Keywords, snippets and
//     the names local to this cell come from @codemirror/lang-go beside this source.
import { syntaxTree } from "../vendor/codemirror.js";

const CATALOG = new URL("../build/catalog.json", import.meta.url);
const BUILTIN = "builtin";

let catalog = null; // Promise<{packages: Map<name, package>, builtin: package|null}>

/** The catalog, fetched once, when a completion first needs it. */
export function loadCatalog() {
  if (!catalog) {
    catalog = fetch(CATALOG)
      .then((r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return r.json();
      })
      .then((c) => {
        const packages = new Map();
        let builtin = null;
        for (const p of c.packages) {
          p.byName = new Map(p.members.map((m) => [m.name, m]));
          if (p.path === BUILTIN) builtin = p;
          else packages.set(p.name, p);
        }
        return { packages, builtin };
      })
      .catch((e) => {
        catalog = null; // try again next time (the server may be back)
        console.warn(`completion: the catalog could not be loaded: ${e.message}`);
        return { packages: new Map(), builtin: null };
      });
  }
  return catalog;
}

const TYPE_OF_KIND = { func: "function", method: "method", type: "type", var: "variable", const: "constant", field: "property" };

/** The element shown beside a completion: the declaration, then its doc comment. */
function infoNode(detail, doc) {
  const box = document.createElement("div");
  box.className = "completion-doc";
  if (detail) {
    const code = document.createElement("code");
    code.className = "completion-decl";
    code.textContent = detail;
    box.append(code);
  }
  if (doc) {
    const p = document.createElement("div");
    p.className = "completion-text";
    p.textContent = doc;
    box.append(p);
  }
  return box;
}

function option(m, boost = 0, apply) {
  const o = { label: m.name, type: TYPE_OF_KIND[m.kind] || "variable", boost };
  if (m.detail) o.detail = shortDetail(m);
  if (m.detail || m.doc) o.info = () => infoNode(m.detail, m.doc);
  if (apply) o.apply = apply;
  return o;
}

// What the list shows beside a name: a function's parameters and results, a type's kind.
function shortDetail(m) {
  const d = m.detail;
  if (m.kind === "func" || m.kind === "method") {
    const at = d.indexOf(m.name + "(") >= 0 ? d.indexOf(m.name + "(") + m.name.length : d.indexOf(m.name + "[") + m.name.length;
    return cut(d.slice(at), 60);
  }
  if (m.kind === "field") return cut(d.slice(m.name.length + 1), 40);
  if (m.kind === "type") return cut(d.slice(d.indexOf(m.name) + m.name.length + 1), 40);
  return cut(d.replace(/^(var|const) \S+ ?/, ""), 40);
}

function cut(s, n) {
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

// --- what the notebook's cells define ---------------------------------------------------------

// Top-level declarations of a cell's source, as gofmt writes them (at the start of a line):
// [{name, kind, detail, doc, type}], type being what a variable is known to be ("nb.SearchResult"
// or a call or literal to resolve against the catalog: {call: "nb.Search"} / {lit: "nb.Arch"}).
export function definitions(source) {
  const lines = source.split("\n");
  const out = [];
  let block = null; // "var" | "const" | "type" inside a ( ... ) group
  let doc = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const comment = /^\s*\/\/ ?(.*)$/.exec(line);
    if (comment && (!block || /^\t/.test(line))) {
      doc.push(comment[1]);
      continue;
    }
    const text = doc.join("\n");
    doc = [];
    if (block) {
      if (/^\)/.test(line)) block = null;
      else {
        const m = /^\t(\w+(?:\s*,\s*\w+)*)\s*(.*)$/.exec(line);
        if (m) m[1].split(/\s*,\s*/).forEach((name, k) => out.push(def(name, k, block, `${block} ${line.trim()}`, text, m[2])));
      }
      continue;
    }
    let m;
    if ((m = /^func\s+(\w+)\s*(\[[^\]]*\])?\s*\(/.exec(line))) {
      out.push({ name: m[1], kind: "func", detail: line.replace(/\s*\{\s*$/, ""), doc: text, result: funcResult(line) });
    } else if ((m = /^(var|const|type)\s*\(\s*$/.exec(line))) {
      block = m[1];
    } else if ((m = /^type\s+(\w+)(.*)$/.exec(line))) {
      out.push({ name: m[1], kind: "type", detail: line.replace(/\s*\{\s*$/, ""), doc: text });
    } else if ((m = /^(var|const)\s+(\w+(?:\s*,\s*\w+)*)\s*(.*)$/.exec(line))) {
      m[2].split(/\s*,\s*/).forEach((name, k) => out.push(def(name, k, m[1], line.trim(), text, m[3])));
    } else if ((m = /^(\w+(?:\s*,\s*\w+)*)\s*:=\s*(.*)$/.exec(line))) {
      const names = m[1].split(/\s*,\s*/);
      names.forEach((name, k) => {
        if (name !== "_") out.push({ name, kind: "var", detail: line.trim(), doc: text, type: k === 0 ? valueType(m[2]) : null });
      });
    }
  }
  return out;
}

// A name of a var, const or type declaration, the k-th of its line; rest is what follows the
// names: "nb.Arch", "= nb.Sample(...)", "nb.Arch = ...", or a type's definition.
function def(name, k, kind, detail, doc, rest) {
  let type = null;
  const typed = /^\*?([A-Za-z_]\w*(?:\.\w+)?)\b/.exec(rest);
  if (kind === "type") type = null;
  else if (typed) type = { name: typed[1] };
  else if (rest.startsWith("=") && k === 0) type = valueType(rest.slice(1).trim());
  return { name, kind, detail, doc, type };
}

// What a value expression is, as far as a line tells: a call of pkg.Func, a composite literal
// of pkg.Type (or &pkg.Type{...}).
function valueType(expr) {
  let m;
  if ((m = /^&?([A-Za-z_]\w*\.[A-Z]\w*)\s*\{/.exec(expr))) return { name: m[1] };
  if ((m = /^([A-Za-z_]\w*\.[A-Z]\w*)\s*\(/.exec(expr))) return { call: m[1] };
  if ((m = /^([A-Za-z_]\w*)\s*\(/.exec(expr))) return { call: m[1] };
  return null;
}

// The named type of a cell function's first result, "nb.Arch" or "Score".
function funcResult(line) {
  const m = /\)\s*\(?\s*(?:\w+\s+)?\*?([A-Za-z_]\w*(?:\.\w+)?)\s*[,){]/.exec(line.replace(/^func\s+\w+\s*(\[[^\]]*\])?\s*\([^)]*/, ""));
  return m ? m[1] : "";
}

// --- resolving types ---------------------------------------------------------------------------

// The catalog type named "pkg.Type" (or "Type" of package pkg), or null.
function catalogType(cat, name, pkg) {
  const dot = name.indexOf(".");
  const p = dot >= 0 ? cat.packages.get(name.slice(0, dot)) : pkg;
  const m = p && p.byName.get(dot >= 0 ? name.slice(dot + 1) : name);
  return m && m.kind === "type" ? { type: m, pkg: p } : null;
}

// The type of the variable `name` from what the cells define (later definitions win).
function variableType(cat, defs, name) {
  for (let i = defs.length - 1; i >= 0; i--) {
    const d = defs[i];
    if (d.name !== name || !d.type) continue;
    if (d.type.name) return catalogType(cat, d.type.name, null);
    const call = d.type.call;
    const dot = call.indexOf(".");
    if (dot >= 0) {
      const p = cat.packages.get(call.slice(0, dot));
      const f = p && p.byName.get(call.slice(dot + 1));
      if (f && f.result) return catalogType(cat, f.result, p);
    } else {
      const f = defs.find((x) => x.name === call && x.kind === "func");
      if (f && f.result) return catalogType(cat, f.result, null);
    }
    return null;
  }
  return null;
}

// --- the completion source ---------------------------------------------------------------------

const SKIP = new Set(["String", "RawString", "Rune", "LineComment", "BlockComment", "Comment"]);

function inCommentOrString(state, pos) {
  for (let n = syntaxTree(state).resolveInner(pos, -1); n; n = n.parent) if (SKIP.has(n.name)) return true;
  return false;
}

// The `pkg.Type{` whose braces hold pos, when pos is where a field name goes, or null.
function literalAt(text) {
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === "}" || ch === ")" || ch === "]") depth++;
    else if (ch === "(" || ch === "[") {
      if (depth === 0) return null;
      depth--;
    } else if (ch === "{") {
      if (depth > 0) {
        depth--;
        continue;
      }
      const m = /&?([A-Za-z_]\w*\.[A-Z]\w*)\s*$/.exec(text.slice(0, i));
      if (!m) return null;
      // A field name starts an element: nothing but space since the brace or the last comma.
      const since = text.slice(i + 1);
      const last = Math.max(since.lastIndexOf(","), -1);
      return /^\s*$/.test(since.slice(last + 1)) || last < 0 ? m[1] : null;
    }
  }
  return null;
}

/**
 * A completion source for a Go cell; earlier() returns the sources of the code cells above it.
 */
export function notebookCompletions(earlier) {
  return async (context) => {
    const { state, pos } = context;
    if (inCommentOrString(state, pos)) return null;
    const line = state.doc.lineAt(pos);
    const before = line.text.slice(0, pos - line.from);
    const member = /([A-Za-z_]\w*)\.(\w*)$/.exec(before);
    const word = /[A-Za-z_]\w*$/.exec(before);
    if (!member && !word && !context.explicit) return null;
    const cat = await loadCatalog();
    if (context.aborted) return null;
    const defs = earlier().flatMap(definitions);
    const own = definitions(state.doc.toString());

    if (member) {
      const from = pos - member[2].length;
      const pkg = cat.packages.get(member[1]);
      if (pkg && !own.concat(defs).some((d) => d.name === member[1])) {
        return { from, options: pkg.members.map((m) => option(m)), validFor: /^\w*$/ };
      }
      const t = variableType(cat, defs.concat(own), member[1]);
      if (!t) return null;
      const options = (t.type.fields || []).map((f) => option(f, 1)).concat((t.type.methods || []).map((m) => option(m)));
      return options.length ? { from, options, validFor: /^\w*$/ } : null;
    }

    const from = word ? pos - word[0].length : pos;
    const options = [];
    const lit = literalAt(state.sliceDoc(Math.max(0, pos - 4000), from));
    if (lit) {
      const t = catalogType(cat, lit, null);
      for (const f of (t && t.type.fields) || []) options.push(option(f, 3, `${f.name}: `));
    }
    const seen = new Set(own.map((d) => d.name));
    for (let i = defs.length - 1; i >= 0; i--) {
      const d = defs[i];
      if (seen.has(d.name)) continue;
      seen.add(d.name);
      options.push(option(d, 2));
    }
    for (const p of cat.packages.values()) {
      if (!seen.has(p.name)) options.push({ label: p.name, type: "namespace", detail: p.path, info: p.doc || undefined, boost: 1 });
    }
    if (cat.builtin) for (const m of cat.builtin.members) if (!seen.has(m.name)) options.push(option(m, -1));
    return { from, options, validFor: /^\w*$/ };
  };
}
