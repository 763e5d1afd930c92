// Share links: the File menu's Share link (the cells' sources packed into the URL's hash by
// share.js) and opening a notebook from such a link.
import { NotebookError } from "./notebook.js";
import * as share from "./share.js";
import { $ } from "./ui.js";

export class Sharing {
  /** @param app  {notebook, banners, documents} */
  constructor(app) {
    this.app = app;
  }

  wire() {
    $("#share").addEventListener("click", () => this.share());
    window.addEventListener("hashchange", () => {
      if (share.isShareHash(location.hash)) this.open(location.hash);
    });
  }

  /** A URL that opens the current notebook's sources; rejects when it is too large for one. */
  async link() {
    const frag = await share.encodeShare(share.shareJSON(this.app.notebook, this.app.documents.name));
    const url = new URL(location.href);
    url.hash = frag;
    return url.href;
  }

  async share() {
    const banners = this.app.banners;
    let link;
    try {
      link = await this.link();
    } catch (e) {
      banners.show("error", `Could not make a link: ${e.message}.`, { key: "share" });
      return;
    }
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      copied = false;
    }
    const wrap = document.createElement("span");
    wrap.className = "share-box";
    const label = document.createElement("label");
    label.textContent = copied ? "Link copied. It holds the cells' sources (not outputs): " : "Copy this link. It holds the cells' sources (not outputs): ";
    const input = document.createElement("input");
    input.type = "text";
    input.readOnly = true;
    input.value = link;
    input.className = "share-link";
    input.setAttribute("aria-label", "Share link");
    label.append(input);
    wrap.append(label);
    if (link.length > 32_000) wrap.append(" (This link is long; some chat tools cut long links. Download the notebook instead if it does not open.)");
    banners.show("info", wrap, {
      key: "share",
      actions: [
        {
          label: "Copy",
          keep: true,
          run: () => {
            input.select();
            navigator.clipboard.writeText(link).catch(() => document.execCommand("copy"));
          },
        },
      ],
    });
    input.focus();
    input.select();
  }

  /** Whether the page's address carries a shared notebook. */
  inAddress() {
    return share.isShareHash(location.hash);
  }

  /**
   * Opens a notebook from a share-link hash. Returns true if it did; a link that cannot be read
   * opens nothing, says why, and leaves the current notebook as it is.
   */
  async open(hash) {
    const banners = this.app.banners;
    let opened;
    try {
      opened = await share.openShareHash(hash);
    } catch (e) {
      const why = e instanceof share.ShareError || e instanceof NotebookError ? e.message : `it could not be read (${e.message})`;
      banners.show("error", `The notebook in this link was not opened: ${why}. Your notebook was not changed.`, { key: "share-open" });
      history.replaceState(null, "", location.pathname + location.search);
      return false;
    }
    history.replaceState(null, "", location.pathname + location.search);
    banners.close("share-open");
    const dropped = opened.droppedOutputs ? ` Its ${opened.droppedOutputs} outputs were left out: a link carries sources only.` : "";
    this.app.documents.replace(opened.notebook, opened.name, { keepPrevious: true, reason: "a link", message: `Opened "${opened.name}" from the link (the cells' sources; run them to see outputs).${dropped}` });
    return true;
  }
}
