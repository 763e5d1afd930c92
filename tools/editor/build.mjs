// Builds the page's vendored editor and math libraries from the pinned packages of package.json:
//
//   assets/vendor/codemirror.js        CodeMirror 6 (the names src/codemirror.js exports), one ES module
//   assets/vendor/katex/katex.mjs      KaTeX as an ES module, loaded by the page when markdown has math
//   assets/vendor/katex/katex.css      its style sheet, pointing at the woff2 fonts only
//   assets/vendor/katex/fonts/*.woff2  its fonts
//   assets/vendor/LICENSE.*            the licences of everything bundled
//
// Run from this directory: npm ci && npm run build (see ../../README.md).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "../../assets/vendor");
const modules = join(here, "node_modules");

// CodeMirror writes its own styles (layout, cursor, completion list) through style-mod, which
// puts them into a <style> element in a document and into a constructed style sheet only in a
// shadow root. The page's Content-Security-Policy allows style sheets from its origin only, so a
// <style> element is refused; constructed style sheets (document.adoptedStyleSheets) are not
// inline markup and are allowed. This makes style-mod use them in documents too, and fails the
// build if style-mod's code no longer reads as expected.
const STYLE_MOD_DOCUMENT_CHECK = "if (!root.head && root.adoptedStyleSheets && win.CSSStyleSheet) {";
const adoptedStyles = {
  name: "adopted-styles",
  setup(b) {
    b.onLoad({ filter: /style-mod[\\/]src[\\/]style-mod\.js$/ }, (args) => {
      const src = readFileSync(args.path, "utf8");
      if (!src.includes(STYLE_MOD_DOCUMENT_CHECK)) throw new Error(`${args.path}: style-mod changed; check how it adds style sheets`);
      return { contents: src.replace(STYLE_MOD_DOCUMENT_CHECK, "if (root.adoptedStyleSheets && win.CSSStyleSheet) {"), loader: "js" };
    });
  },
};

// CodeMirror: one minified module. Source maps are not shipped, as for the other vendored files.
const cm = await build({
  plugins: [adoptedStyles],
  entryPoints: [join(here, "src/codemirror.js")],
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  legalComments: "none",
  metafile: true,
  outfile: join(vendor, "codemirror.js"),
  logLevel: "warning",
});

// Every package with code in the bundle (not those esbuild read and dropped), for the licences.
const bundled = new Set();
for (const [input, { bytesInOutput }] of Object.entries(Object.values(cm.metafile.outputs)[0].inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m && bytesInOutput > 0) bundled.add(m[1]);
}

// KaTeX: its ES module minified; its CSS with only the woff2 fonts (every browser that runs the
// page's modules reads woff2), and those fonts.
const katexOut = join(vendor, "katex");
rmSync(katexOut, { recursive: true, force: true });
mkdirSync(join(katexOut, "fonts"), { recursive: true });
await build({
  entryPoints: [join(modules, "katex/dist/katex.mjs")],
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  legalComments: "none",
  outfile: join(katexOut, "katex.mjs"),
  logLevel: "warning",
});
const css = readFileSync(join(modules, "katex/dist/katex.min.css"), "utf8");
const woff2Only = css.replace(/src:url\((fonts\/[^)]+\.woff2)\) format\("woff2"\)(?:,url\([^)]+\) format\("[^"]+"\))*/g, 'src:url($1) format("woff2")');
if (/\.woff\)|\.ttf\)/.test(woff2Only)) throw new Error("katex.min.css: a font that is not woff2 is still referenced");
writeFileSync(join(katexOut, "katex.css"), woff2Only);
for (const f of readdirSync(join(modules, "katex/dist/fonts"))) {
  if (f.endsWith(".woff2")) copyFileSync(join(modules, "katex/dist/fonts", f), join(katexOut, "fonts", f));
}
bundled.add("katex");

// Licences: one file per package, named after it; those of the last build go first.
const listing = join(vendor, "bundled.json");
try {
  for (const r of JSON.parse(readFileSync(listing, "utf8"))) rmSync(join(vendor, r.file), { force: true });
} catch (e) {
  if (e.code !== "ENOENT") throw e;
}
const rows = [];
for (const pkg of [...bundled].sort()) {
  const dir = join(modules, pkg);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const licence = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  if (!licence) throw new Error(`${pkg}: no licence file`);
  const name = "LICENSE." + pkg.replace(/^@/, "").replace("/", "-");
  copyFileSync(join(dir, licence), join(vendor, name));
  rows.push({ pkg, version: meta.version, license: meta.license, file: name });
}
writeFileSync(listing, JSON.stringify(rows, null, 2) + "\n");
for (const r of rows) console.log(`${r.pkg}@${r.version} (${r.license})`);
