// The document view: the whole communiqué with paragraph numbers; the cited passage scrolled to and highlighted.

import { ApiError, getJSON } from "./api.js";
import { copyText, docHref, h, marked } from "./dom.js";
import { formatDate, initLanguage, onLangChange, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const state = { doc: null, error: null, scrolled: false };

function docIdFromPath() {
  const prefix = "/documents/";
  const path = window.location.pathname;
  return path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) : "";
}

function target() {
  const params = new URLSearchParams(window.location.search);
  const start = Number.parseInt(params.get("start") || "", 10);
  const end = Number.parseInt(params.get("end") || "", 10);
  return {
    passage: params.get("passage"),
    start: Number.isFinite(start) ? start : null,
    end: Number.isFinite(end) ? end : null,
  };
}

/** Body text outside every passage (headings such as the working group's name), as trimmed blocks. */
function gapBlocks(text) {
  return text
    .split(/\n[ \t]*\n+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => h("p", { class: "doc-gap" }, s));
}

function passageBlock(p, cited, quote, seen) {
  const first = !seen.has(p.ordinal);
  seen.add(p.ordinal);
  const id = first ? `p-${p.ordinal}` : null;
  const cls = ["para", p.ordinal === 0 ? "para-heading" : "", cited ? "cited" : ""].filter(Boolean).join(" ");
  const text =
    cited && quote && quote.start >= p.char_start && quote.end <= p.char_end && quote.end > quote.start
      ? marked(p.text, [[quote.start - p.char_start, quote.end - p.char_start]], "answer-span")
      : p.text;
  return h(
    "div",
    { class: cls, id, "data-passage-id": p.passage_id, "data-paragraph": String(p.ordinal), tabindex: cited ? "-1" : null },
    h("span", { class: "pnum", "aria-hidden": first ? null : "true" }, p.ordinal ? `¶${p.ordinal}` : ""),
    cited ? h("span", { class: "visually-hidden" }, `${t("citedPassage")}: `) : null,
    h("p", { class: "para-text" }, text),
  );
}

/** The cited paragraph's citation for pasting: its text, its label, the communiqué's source. */
function citationText(doc, p) {
  const lines = [`“${p.text}”`, p.label, `${t("sourceLabel")}: ${doc.source}`];
  if (doc.source_url) lines.push(doc.source_url);
  return lines.join("\n");
}

function copyBlock(doc, p) {
  const note = h("span", { class: "copy-note", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "copy-btn" }, t("copyDocCitation"));
  button.addEventListener("click", async () => {
    const text = citationText(doc, p);
    button.dataset.copied = text; // readable even where the clipboard is not
    const ok = await copyText(text);
    note.textContent = ok ? t("copied") : t("copyFailed");
    note.dataset.ok = String(ok);
  });
  return h("div", { class: "actions para-actions" }, button, note);
}

function renderBody(doc, tgt) {
  const body = $("doc-body");
  body.setAttribute("lang", doc.lang);
  const nodes = [];
  const seen = new Set();
  let pos = 0;
  for (const p of doc.passages) {
    if (p.char_start > pos) nodes.push(...gapBlocks(doc.body.slice(pos, p.char_start)));
    const cited = tgt.passage === p.passage_id;
    nodes.push(passageBlock(p, cited, cited && tgt.start !== null ? tgt : null, seen));
    // the cited paragraph (or, with none cited, each numbered one) can be copied as a citation
    if (p.ordinal && (cited || !tgt.passage)) nodes[nodes.length - 1].append(copyBlock(doc, p));
    pos = Math.max(pos, p.char_end);
  }
  if (pos < doc.body.length) nodes.push(...gapBlocks(doc.body.slice(pos)));
  body.replaceChildren(...nodes);
}

function renderMeta(doc) {
  const rows = [
    [t("docDate"), formatDate(doc.date)],
    [t("docLanguage"), doc.lang === "es" ? t("langEs") : t("langEn")],
    [t("sourceLabel"), doc.source],
  ];
  const meta = doc.meta || {};
  // what the header says, read into metadata (the header lines are not passages)
  rows.push([t("docMeeting"), meta.meeting], [t("docGroup"), meta.working_group], [t("docPlace"), meta.place]);
  if (meta.translation) rows.push([t("translationNote"), meta.translation]);
  const other = (doc.translations || [])[0];
  if (other && other.evidence) rows.push([t("linkEvidence"), `${other.doc_id}: ${other.evidence}`]);
  if (doc.excerpt_of) rows.push([t("excerptLabel"), t("excerptOf", { id: doc.excerpt_of })]);
  $("doc-meta").replaceChildren(...rows.filter(([, v]) => v).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function renderOtherLang(doc, tgt) {
  const link = $("other-lang");
  const other = doc.translations[0];
  if (!other) {
    link.hidden = true;
    return;
  }
  const cited = doc.passages.find((p) => p.passage_id === tgt.passage);
  const twin = cited && cited.twins.length ? cited.twins[0] : null;
  link.href = docHref(other.doc_id, twin);
  link.hreflang = other.lang;
  link.textContent = t(`readIn_${other.lang}`);
  link.hidden = false;
}

/** Which version of a revised communiqué this is, with a link to the other one. */
function renderVersion(doc) {
  const box = $("doc-version");
  const versions = doc.versions || [];
  if (versions.length < 2) {
    box.hidden = true;
    return;
  }
  const older = doc.doc_id !== doc.latest_version;
  const at = versions.findIndex((v) => v.doc_id === doc.doc_id);
  const other = older ? versions.find((v) => v.doc_id === doc.latest_version) : versions[at - 1];
  const label = [other.title, formatDate(other.date)].filter(Boolean).join(" · ");
  box.replaceChildren(t(older ? "versionOlder" : "versionLatest"), " ", h("a", { href: docHref(other.doc_id) }, label || other.doc_id));
  box.className = `doc-version${older ? " is-older" : ""}`;
  box.hidden = false;
}

function render() {
  const box = $("message");
  if (state.error) {
    $("document").hidden = true;
    const key = state.error.kind === "notfound" ? "errNotFound" : state.error.kind === "network" ? "errNetwork" : state.error.kind === "unavailable" ? "errUnavailable" : "errServer";
    box.replaceChildren(h("p", {}, t(key)));
    box.className = "message message-error";
    box.hidden = false;
    return;
  }
  box.hidden = true;
  const doc = state.doc;
  if (!doc) return;
  const tgt = target();
  document.title = `${doc.title} · ${t("appTitle")}`;
  $("doc-title").textContent = doc.title;
  $("doc-title").setAttribute("lang", doc.lang);
  renderMeta(doc);
  renderVersion(doc);
  renderOtherLang(doc, tgt);
  renderBody(doc, tgt);
  $("document").hidden = false;
  const cited = document.querySelector(".para.cited");
  if (cited && !state.scrolled) {
    state.scrolled = true;
    cited.scrollIntoView({ block: "center" });
    cited.focus({ preventScroll: true });
  }
}

async function load() {
  const docId = docIdFromPath();
  $("loading").hidden = false;
  try {
    state.doc = await getJSON(`/api/documents/${encodeURIComponent(docId)}`);
  } catch (err) {
    state.error = err instanceof ApiError ? err : new ApiError("server", 0, String(err));
  } finally {
    $("loading").hidden = true;
  }
  render();
  document.body.dataset.ready = "true";
}

function init() {
  initLanguage();
  onLangChange(() => render());
  // the search this page was opened from: its URL re-runs the same query with the same settings
  let last = null;
  try {
    last = window.sessionStorage.getItem("bnc.lastSearch");
  } catch {
    last = null;
  }
  if (last && last.startsWith("/?")) $("back").href = last;
  load();
}

init();
