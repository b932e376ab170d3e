// The search page: ask (POST /api/ask), show the cited answer card and the ranked passages.

import { ApiError, postJSON } from "./api.js";
import { copyText, docHref, h, marked } from "./dom.js";
import { STRINGS, formatDate, initLanguage, lang, onLangChange, t } from "./i18n.js";

const ASK_DEFAULT_K = 5; // passages the answer is read from when the list comes from /api/search
const ASK_MAX_K = 20;
const CONTEXT_CHARS = 160; // context shown around the answer sentence in the card
const $ = (id) => document.getElementById(id);
export const LAST_SEARCH_KEY = "bnc.lastSearch"; // read by the document view's "Back to search"

const state = { params: null, ask: null, hits: null, error: null, empty: false };
let inflight = null;

/** Form values -> request parameters, or an error key. */
function readForm() {
  const q = $("q").value.trim();
  const k = Number.parseInt($("k").value, 10);
  const params = {
    q,
    doc_lang: $("doc-lang").value || null,
    date_from: $("date-from").value || null,
    date_to: $("date-to").value || null,
    mode: $("mode").value,
    k: Number.isFinite(k) ? Math.min(100, Math.max(1, k)) : ASK_DEFAULT_K,
    include_superseded: $("superseded").checked,
    group: $("group").checked ? "document" : "none",
  };
  if (!q) return { error: "errEmptyQuery", focus: "q" };
  if (params.date_from && params.date_to && params.date_from > params.date_to) return { error: "errDates", focus: "date-from" };
  return { params };
}

function writeForm(params) {
  $("q").value = params.q || "";
  $("doc-lang").value = params.doc_lang || "";
  $("date-from").value = params.date_from || "";
  $("date-to").value = params.date_to || "";
  $("mode").value = params.mode || "hybrid";
  $("k").value = String(params.k || ASK_DEFAULT_K);
  $("superseded").checked = Boolean(params.include_superseded);
  $("group").checked = params.group === "document";
  if ((params.mode && params.mode !== "hybrid") || (params.k && params.k !== ASK_DEFAULT_K) || params.include_superseded) $("advanced").open = true;
  if (params.group === "document") $("advanced").open = true;
}

function paramsFromUrl() {
  const url = new URLSearchParams(window.location.search);
  if (!url.get("q")) return null;
  const k = Number.parseInt(url.get("k") || "", 10);
  return {
    q: url.get("q"),
    doc_lang: ["en", "es"].includes(url.get("doc_lang")) ? url.get("doc_lang") : null,
    date_from: url.get("date_from"),
    date_to: url.get("date_to"),
    mode: ["hybrid", "bm25", "dense"].includes(url.get("mode")) ? url.get("mode") : "hybrid",
    k: Number.isFinite(k) ? k : ASK_DEFAULT_K,
    include_superseded: url.get("include_superseded") === "true",
    group: url.get("group") === "document" ? "document" : "none",
  };
}

function urlFor(params) {
  const url = new URLSearchParams({ q: params.q });
  for (const name of ["doc_lang", "date_from", "date_to"]) if (params[name]) url.set(name, params[name]);
  if (params.mode !== "hybrid") url.set("mode", params.mode);
  if (params.k !== ASK_DEFAULT_K) url.set("k", String(params.k));
  if (params.include_superseded) url.set("include_superseded", "true");
  if (params.group === "document") url.set("group", "document");
  return `/?${url.toString()}`;
}

function filters(params) {
  const out = { q: params.q };
  for (const name of ["doc_lang", "date_from", "date_to"]) if (params[name]) out[name] = params[name];
  if (params.include_superseded) out.include_superseded = true;
  if (params.understand === false) out.understand = false;
  return out;
}

/** Ask, and when the advanced settings want another list, search alongside. */
async function run(params) {
  if (inflight) inflight.abort();
  const controller = new AbortController();
  inflight = controller;
  setLoading(true);
  // one result per communiqué: the list comes from /api/search with group=document
  const grouped = params.group === "document";
  const askHits = params.mode === "hybrid" && params.k <= ASK_MAX_K && !grouped;
  const asking = postJSON("/api/ask", { ...filters(params), k: askHits ? params.k : ASK_DEFAULT_K }, controller.signal);
  const listBody = { ...filters(params), k: params.k, mode: params.mode, translate_hits: true };
  if (grouped) listBody.group = "document";
  const listing = askHits ? null : postJSON("/api/search", listBody, controller.signal);
  try {
    const [ask, list] = await Promise.all([asking, listing]);
    Object.assign(state, { params, ask, hits: list ? list.hits : ask.hits, error: null });
  } catch (err) {
    if (err && err.name === "AbortError") return;
    const error = err instanceof ApiError ? err : new ApiError("server", 0, String(err));
    Object.assign(state, { params, ask: null, hits: null, error });
  } finally {
    if (inflight === controller) {
      inflight = null;
      setLoading(false);
    }
  }
  render();
}

function setLoading(on) {
  $("loading").hidden = !on;
  $("results").setAttribute("aria-busy", String(on));
  document.body.classList.toggle("is-loading", on);
}

function errorText(error) {
  if (typeof error === "string") return t(error);
  // the API's stable code, in the interface language; codes the page has no words for fall through
  if (error.code && `err_${error.code}` in STRINGS.en) return t(`err_${error.code}`);
  switch (error.kind) {
    case "network":
      return t("errNetwork");
    case "unavailable":
      return t("errUnavailable");
    case "input":
      return t("errInput", { detail: error.detail || error.status });
    default:
      return t("errServer");
  }
}

function showMessage(text, kind) {
  const box = $("message");
  box.replaceChildren(h("p", {}, text));
  box.className = `message message-${kind}`;
  box.dataset.kind = kind;
  box.hidden = false;
}

/** One sentence for screen readers (the status live region) once results are on screen. */
function announce(text) {
  $("announce").textContent = text;
}

function render() {
  announce("");
  const box = $("message");
  box.hidden = true;
  box.replaceChildren();
  const answer = $("answer");
  const passages = $("passages");
  if (state.error) {
    answer.hidden = passages.hidden = true;
    showMessage(errorText(state.error), "error");
    return;
  }
  if (!state.ask) {
    answer.hidden = passages.hidden = true;
    return;
  }
  if (!state.hits.length) {
    answer.hidden = passages.hidden = true;
    showMessage(t("noResults"), "info");
    return;
  }
  // a keyword search asks nothing a sentence could answer: the passages are the reply, no card
  const level = state.ask.level;
  const card = level !== "not_a_question";
  if (card) answer.replaceChildren(...answerCard(state.ask, state.ask.hits));
  answer.classList.toggle("no-answer", !state.ask.answered);
  answer.classList.toggle("likely-answer", level === "likely");
  answer.hidden = !card;
  passages.replaceChildren(...understoodNote(state.ask.understood), ...passageList(state.hits, state.ask));
  passages.hidden = false;
  try {
    window.sessionStorage.setItem(LAST_SEARCH_KEY, urlFor(state.params));
  } catch {
    // storage off: the document view's back link goes to the empty search page
  }
  const words = { answer: "announceAnswer", likely: "announceLikely", not_found: "announceNoAnswer" };
  announce(t(words[level] || "announcePassages", { n: state.hits.length }));
}

/** A date or meeting read in the question, shown as a filter the user can remove. */
function understoodNote(understood) {
  if (!understood) return [];
  const remove = h("button", { type: "button", class: "understood-remove" }, t("understoodRemove"));
  remove.addEventListener("click", () => run({ ...state.params, understand: false }));
  return [h("p", { class: "understood" }, t("understood", { text: understood.text }), " ", remove)];
}

/** The plain-text citation staff paste into a memo: quote, label, source. */
export function citationText(quote) {
  const cit = quote.citation;
  const lines = [`“${cit.quote}”`, cit.label, `${t("sourceLabel")}: ${cit.source}`];
  if (cit.source_url) lines.push(cit.source_url);
  return lines.join("\n");
}

function copyButton(quote, labelKey) {
  const note = h("span", { class: "copy-note", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "copy-btn" }, t(labelKey));
  button.addEventListener("click", async () => {
    const text = citationText(quote);
    button.dataset.copied = text; // readable even where the clipboard is not
    const ok = await copyText(text);
    note.textContent = ok ? t("copied") : t("copyFailed");
    note.dataset.ok = String(ok);
  });
  return [button, note];
}

/** At most about `limit` characters of context, cut at a word boundary, with an ellipsis on the cut side. */
function trimContext(text, limit, keepEnd) {
  if (text.length <= limit) return text;
  if (keepEnd) {
    const cut = text.slice(text.length - limit);
    return `…${cut.slice(cut.indexOf(" ") + 1)}`;
  }
  const cut = text.slice(0, limit);
  const space = cut.lastIndexOf(" ");
  return `${space > 0 ? cut.slice(0, space) : cut}…`;
}

/** The quote as a mark, with the answer phrase (a date, a number, a name) inside it in bold. */
function answerMark(quote, phrase) {
  const start = phrase ? phrase.char_start - quote.char_start : -1;
  const end = phrase ? phrase.char_end - quote.char_start : -1;
  if (!phrase || start < 0 || end > quote.text.length || quote.text.slice(start, end) !== phrase.text) {
    return h("mark", { class: "answer-span" }, quote.text);
  }
  const strong = h("strong", { class: "answer-phrase" }, phrase.text);
  return h("mark", { class: "answer-span" }, quote.text.slice(0, start), strong, quote.text.slice(end));
}

/** The answer sentence highlighted inside a little of its passage (the whole passage is in the list below). */
function quoteBlock(quote, hit, phrase) {
  const block = h("blockquote", { class: "quote", lang: quote.lang });
  if (hit && hit.passage_id === quote.passage_id) {
    const start = quote.char_start - hit.citation.char_start;
    const end = quote.char_end - hit.citation.char_start;
    if (start >= 0 && end <= hit.text.length && hit.text.slice(start, end) === quote.text) {
      const before = trimContext(hit.text.slice(0, start), CONTEXT_CHARS, true);
      const after = trimContext(hit.text.slice(end), CONTEXT_CHARS, false);
      if (before) block.append(h("span", { class: "context" }, before));
      block.append(answerMark(quote, phrase));
      if (after) block.append(h("span", { class: "context" }, after));
      return block;
    }
  }
  block.append(answerMark(quote, phrase));
  return block;
}

function actions(quote, labelKey) {
  const href = docHref(quote.citation.doc_id, quote.passage_id, quote.char_start, quote.char_end);
  return h("div", { class: "actions" }, ...copyButton(quote, labelKey), h("a", { class: "open-doc", href }, t("openDoc")));
}

// the card's level comes with the answer (answer, likely, not_found; none for a keyword search), read from
// the calibrated probability: a quote more likely right than not is always shown, never under "not found"
const SHOWN_LEVELS = ["answer", "likely"];

function answerCard(ask, hits) {
  if (!SHOWN_LEVELS.includes(ask.level) || !ask.answer) {
    return [
      h("h2", { id: "answer-heading" }, t("noAnswer")),
      h("p", { class: "no-answer-help" }, t("noAnswerHelp", { n: Math.round(ask.confidence * 100) })),
    ];
  }
  const quote = ask.answer;
  const hit = hits.find((x) => x.passage_id === quote.passage_id);
  const level = ask.confidence_level;
  const words = t(`conf_${level}`, { n: Math.round(ask.confidence * 100) });
  const main = h(
    "div",
    { class: "answer-main" },
    quoteBlock(quote, hit, ask.phrase),
    h("p", { class: "citation-label" }, h("cite", {}, quote.citation.label)),
    actions(quote, "copy"),
  );
  const body = h("div", { class: `answer-body${ask.twin ? " has-twin" : ""}` }, main);
  if (ask.twin) {
    const twin = ask.twin;
    body.append(
      h(
        "div",
        { class: "twin" },
        h("h3", {}, t(`twinIn_${twin.lang}`)),
        h("blockquote", { class: "quote twin-quote", lang: twin.lang }, twin.text),
        h("p", { class: "citation-label" }, h("cite", {}, twin.citation.label)),
        actions(twin, "copyTwin"),
      ),
    );
  }
  return [
    h("h2", { id: "answer-heading" }, t(ask.level === "answer" ? "answerHeading" : "likelyHeading")),
    h(
      "p",
      { class: `confidence confidence-${level}`, "data-level": level },
      h("meter", { min: "0", max: "1", value: String(ask.confidence), "aria-hidden": "true" }),
      words,
    ),
    body,
  ];
}

function langBadge(code) {
  return h(
    "span",
    { class: `badge badge-${code}` },
    h("span", { "aria-hidden": "true" }, code.toUpperCase()),
    h("span", { class: "visually-hidden" }, code === "es" ? t("langEs") : t("langEn")),
  );
}

function paragraphLabel(n) {
  return n ? `¶${n}` : t("heading");
}

function hitItem(hit, ask) {
  const cit = hit.citation;
  const meta = [formatDate(cit.date), cit.section, paragraphLabel(cit.paragraph)].filter(Boolean).join(" · ");
  const links = [h("a", { href: docHref(hit.doc_id, hit.passage_id) }, t("openDoc"))];
  if (hit.twin) {
    links.push(h("a", { href: docHref(hit.twin.citation.doc_id, hit.twin.passage_id), hreflang: hit.twin.lang }, t(`readIn_${hit.twin.lang}`)));
  }
  const more = hit.more_from_document;
  if (more && more.count) {
    const label = more.count === 1 ? t("moreFromDocOne") : t("moreFromDoc", { n: more.count });
    links.push(h("a", { href: docHref(hit.doc_id, more.passage_ids[0]), class: "more-from-doc" }, label));
  }
  const isAnswer = ask && ask.answered && ask.answer && ask.answer.passage_id === hit.passage_id;
  return h(
    "li",
    { class: `hit${isAnswer ? " is-answer" : ""}`, "data-passage-id": hit.passage_id },
    h(
      "h3",
      { class: "hit-title" },
      h("a", { href: docHref(hit.doc_id, hit.passage_id), lang: hit.lang }, cit.title),
      " ",
      langBadge(hit.lang),
    ),
    h("p", { class: "hit-meta" }, meta, hit.superseded_by ? [" · ", h("span", { class: "badge badge-older" }, t("olderVersion"))] : []),
    h("p", { class: "hit-text", lang: hit.lang }, marked(hit.text, hit.highlights, "term")),
    hit.machine_translation
      ? h(
          "p",
          { class: "hit-mt", lang: hit.machine_translation.lang },
          h("span", { class: "mt-label" }, `${hit.machine_translation.label}: `),
          hit.machine_translation.text,
        )
      : null,
    h("p", { class: "hit-links" }, ...links.flatMap((a, i) => (i ? [" · ", a] : [a]))),
    h("div", { class: "actions hit-actions" }, ...copyButton(hit, "copy")),
  );
}

/** The API's export of the list on screen (the server names the file after the query and the day). */
function exportLinks(params) {
  const query = new URLSearchParams(filters(params));
  query.set("k", String(params.k));
  if (params.mode !== "hybrid") query.set("mode", params.mode);
  if (params.group === "document") query.set("group", "document");
  const link = (ext, key) => h("a", { class: `export-${ext}`, href: `/api/search.${ext}?${query}`, download: "" }, t(key));
  return h("p", { class: "export" }, t("exportLabel"), " ", link("csv", "exportCsv"), " · ", link("jsonl", "exportJsonl"));
}

function passageList(hits, ask) {
  const count = hits.length === 1 ? t("passagesCountOne") : t("passagesCount", { n: hits.length });
  return [
    h("h2", { id: "passages-heading" }, t("passagesHeading")),
    h("p", { class: "count" }, count),
    state.params ? exportLinks(state.params) : null,
    h("ol", { class: "hits" }, ...hits.map((hit) => hitItem(hit, ask))),
  ];
}

function onSubmit(event) {
  event.preventDefault();
  const { params, error, focus } = readForm();
  if (error) {
    Object.assign(state, { ask: null, hits: null, error });
    render();
    $(focus).focus();
    return;
  }
  const url = urlFor(params);
  if (`${window.location.pathname}${window.location.search}` !== url) window.history.pushState(null, "", url);
  run(params);
}

function fromUrl() {
  const params = paramsFromUrl();
  if (!params) {
    Object.assign(state, { params: null, ask: null, hits: null, error: null });
    render();
    return;
  }
  writeForm(params);
  run(params);
}

/** Escape in the query box clears it (and, when it is already empty, the results too). */
function onQueryKey(event) {
  if (event.key !== "Escape") return;
  event.preventDefault();
  if ($("q").value) {
    $("q").value = "";
    return;
  }
  if (inflight) inflight.abort();
  Object.assign(state, { params: null, ask: null, hits: null, error: null });
  render();
}

function init() {
  initLanguage();
  onLangChange(() => render());
  $("search-form").addEventListener("submit", onSubmit);
  $("q").addEventListener("keydown", onQueryKey);
  window.addEventListener("popstate", fromUrl);
  fromUrl();
  document.body.dataset.ready = "true";
}

init();
