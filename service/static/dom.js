// Small DOM helpers: build elements without innerHTML, mark spans of text, copy to the clipboard.

/** h("a", {href: "/x", class: "c"}, "text", child) -> element; text is always set as text, never parsed. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Text with [start, end) spans wrapped in <mark class=cls>; overlapping or touching spans are merged. */
export function marked(text, spans, cls) {
  const sorted = spans
    .map(([s, e]) => [Math.max(0, s), Math.min(text.length, e)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const [s, e] of merged) {
    if (s > pos) frag.append(text.slice(pos, s));
    frag.append(h("mark", { class: cls }, text.slice(s, e)));
    pos = e;
  }
  if (pos < text.length) frag.append(text.slice(pos));
  return frag;
}

/** Copy text; navigator.clipboard where allowed, else a hidden textarea and execCommand. */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // permission refused: try the old way
    }
  }
  const area = h("textarea", { class: "visually-hidden", readonly: true, "aria-hidden": "true", tabindex: "-1" });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** A link to the document view, optionally to a passage and a quote (document offsets) inside it. */
export function docHref(docId, passageId, start, end) {
  const params = new URLSearchParams();
  if (passageId) params.set("passage", passageId);
  if (Number.isInteger(start) && Number.isInteger(end)) {
    params.set("start", String(start));
    params.set("end", String(end));
  }
  const query = params.toString();
  return `/documents/${encodeURIComponent(docId)}${query ? `?${query}` : ""}`;
}
