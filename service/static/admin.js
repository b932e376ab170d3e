// The page for adding communiqués: files in, one build, and a row per file saying what was read from it.

import { ApiError, postForm, sendJSON } from "./api.js";
import { docHref, h } from "./dom.js";
import { STRINGS, formatDate, initLanguage, onLangChange, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const KEY_STORAGE = "bnc-admin-key"; // sessionStorage: gone when the tab closes
const MAX_FILES = 50;
const state = { result: null, undone: new Set() }; // undone: "<doc_id>:removed" | ":pair" | ":revision"
const undone = (row, what) => state.undone.has(`${row.doc_id}:${what}`);

function storedKey() {
  try {
    return window.sessionStorage.getItem(KEY_STORAGE) || "";
  } catch {
    return "";
  }
}

function keepKey(key) {
  try {
    window.sessionStorage.setItem(KEY_STORAGE, key);
  } catch {
    // not kept; asked again next time
  }
}

function showMessage(text, kind = "error") {
  const box = $("message");
  box.replaceChildren(h("p", {}, text));
  box.className = `message message-${kind}`;
  box.hidden = false;
}

function errorText(err) {
  if (!(err instanceof ApiError)) return t("errServer");
  if (err.kind === "network") return t("errNetwork");
  if (err.kind === "unavailable") return t("errUnavailable");
  // the admin key's codes in the page's own words (the API's text speaks of HTTP headers)
  if (err.code && `err_${err.code}` in STRINGS.en) return t(`err_${err.code}`);
  if (err.kind === "input" || err.kind === "notfound") return err.detail || t("errServer");
  return t("errServer");
}

function resultCell(row) {
  if (undone(row, "removed")) return h("td", {}, h("span", { class: "badge badge-refused" }, t("rowRemoved")));
  const added = row.action === "added";
  return h("td", {}, h("span", { class: `badge ${added ? "badge-ok" : "badge-refused"}` }, t(added ? "rowAdded" : "rowRefused")));
}

/** A small button that runs one admin call for this row, then re-renders with what it undid. */
function undoButton(label, row, undo, call) {
  const btn = h("button", { type: "button", class: "link-btn" }, label);
  btn.addEventListener("click", async () => {
    if (undo === "removed" && !window.confirm(t("confirmRemove", { id: row.doc_id }))) return;
    btn.disabled = true;
    $("message").hidden = true;
    try {
      await call($("api-key").value.trim());
      state.undone.add(`${row.doc_id}:${undo}`);
      render();
      showMessage(t(`done_${undo}`, { id: row.doc_id }), "info");
    } catch (err) {
      btn.disabled = false;
      showMessage(errorText(err));
    }
  });
  return btn;
}

function remove(row) {
  const url = `/api/documents/${encodeURIComponent(row.doc_id)}?wait=true`;
  return undoButton(t("removeDoc"), row, "removed", (key) => sendJSON("DELETE", url, undefined, { "X-API-Key": key }));
}

function refuse(row, kind, other) {
  const url = `/api/documents/${encodeURIComponent(row.doc_id)}/refusals?wait=true`;
  const label = t(kind === "translation" ? "notTranslation" : "notRevision");
  return undoButton(label, row, kind === "translation" ? "pair" : "revision", (key) =>
    sendJSON("POST", url, { kind, other }, { "X-API-Key": key }),
  );
}

function docCell(row) {
  if (!row.doc_id) return h("td", {}, "");
  const title = row.title || row.doc_id;
  const extra = [row.meeting, row.working_group].filter(Boolean).join(" · ");
  return h(
    "td",
    {},
    live(row) ? h("a", { href: docHref(row.doc_id) }, title) : title, // a removed document has no page
    extra ? h("div", { class: "cell-note" }, extra) : "",
    h("div", { class: "cell-note" }, h("code", {}, row.doc_id)),
  );
}

function langCell(row) {
  if (!row.lang) return h("td", {}, "");
  const name = t(row.lang === "es" ? "langEs" : "langEn");
  const sure = row.lang_confidence == null ? "" : ` (${Math.round(row.lang_confidence * 100)}%)`;
  return h("td", {}, name + sure);
}

function live(row) {
  return row.action === "added" && !undone(row, "removed");
}

function pairedCell(row) {
  if (!row.paired_with || undone(row, "pair")) {
    return h("td", {}, row.action === "added" ? t(row.paired_with ? "pairRefused" : "notPaired") : "");
  }
  const score = row.pair_score == null ? "" : ` (${Math.round(row.pair_score * 100)}%)`;
  const link = h("a", { href: docHref(row.paired_with) }, row.paired_with);
  const evidence = row.pair_evidence ? h("div", { class: "evidence" }, row.pair_evidence) : "";
  const button = live(row) ? h("div", {}, refuse(row, "translation", row.paired_with)) : "";
  return h("td", {}, link, score, evidence, button);
}

function notesCell(row) {
  const notes = [...(row.warnings || [])].map((n) => h("li", {}, n));
  if (row.revision_of && undone(row, "revision")) notes.unshift(h("li", {}, t("revisionRefused")));
  else if (row.revision_of) {
    const button = live(row) ? refuse(row, "revision", row.revision_of) : "";
    notes.unshift(h("li", {}, t("revisionOf", { id: row.revision_of }), " ", button));
  }
  if (row.duplicate_of) notes.unshift(h("li", {}, t("excerptOf", { id: row.duplicate_of })));
  if (row.error) notes.unshift(h("li", {}, row.error));
  const actions = live(row) ? h("div", { class: "row-actions" }, remove(row)) : "";
  if (!notes.length) return h("td", {}, actions);
  return h("td", {}, h("ul", { class: "notes" }, ...notes), actions);
}

function render() {
  const report = $("report");
  if (!state.result) {
    report.hidden = true;
    return;
  }
  const rows = state.result.files || [];
  const added = rows.filter((r) => r.action === "added").length;
  const build = state.result.build;
  let summary = t("summary", { added, refused: rows.length - added });
  if (added && state.result.published) summary += " " + t("summaryPublished");
  else if (added && build && build.error) summary += " " + t("summaryBuildFailed", { error: build.error });
  else if (added) summary += " " + t("summaryQueued");
  $("report-summary").textContent = summary;
  const body = report.querySelector("tbody");
  body.replaceChildren(
    ...rows.map((row) =>
      h(
        "tr",
        { class: row.action === "added" ? "" : "row-refused" },
        h("th", { scope: "row" }, row.file),
        resultCell(row),
        docCell(row),
        langCell(row),
        h("td", {}, row.date ? formatDate(row.date) : ""),
        pairedCell(row),
        notesCell(row),
      ),
    ),
  );
  report.hidden = false;
}

function setBusy(busy) {
  $("loading").hidden = !busy;
  $("import").disabled = busy;
  document.body.classList.toggle("is-loading", busy);
}

async function submit(files) {
  $("message").hidden = true;
  const key = $("api-key").value.trim();
  if (!key) {
    showMessage(t("errNoKey"));
    $("api-key").focus();
    return;
  }
  if (!files.length) {
    showMessage(t("errNoFiles"));
    $("files").focus();
    return;
  }
  if (files.length > MAX_FILES) {
    showMessage(t("errTooManyFiles", { n: MAX_FILES }));
    return;
  }
  keepKey(key);
  const form = new FormData();
  for (const file of files) form.append("file", file, file.name);
  setBusy(true);
  try {
    state.result = await postForm("/api/documents/import?wait=true", form, { "X-API-Key": key });
    state.undone = new Set();
    render();
    $("report-heading").focus();
  } catch (err) {
    showMessage(errorText(err));
    if (err instanceof ApiError && err.field === "X-API-Key") $("api-key").focus();
  } finally {
    setBusy(false);
  }
}

function wireDrop() {
  const zone = $("drop");
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (ev) => {
      ev.preventDefault();
      zone.classList.add("drop-active");
    });
  }
  for (const type of ["dragleave", "drop"]) zone.addEventListener(type, () => zone.classList.remove("drop-active"));
  zone.addEventListener("drop", (ev) => {
    ev.preventDefault();
    const files = [...(ev.dataTransfer ? ev.dataTransfer.files : [])];
    if (files.length) submit(files);
  });
}

function init() {
  initLanguage();
  onLangChange(render);
  $("api-key").value = storedKey();
  $("report-heading").setAttribute("tabindex", "-1");
  $("import-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    submit([...$("files").files]);
  });
  wireDrop();
  // inert in the page as served: a click before this script runs submits nothing
  $("import").disabled = false;
}

init();
