// Interface strings in English and Spanish, the chosen language (remembered per browser), and applying it.

export const STRINGS = {
  en: {
    appTitle: "Binational Commission search",
    tagline: "Ask in English or Spanish; get exact, cited quotes from the U.S.-Mexico Binational Commission communiqués.",
    skip: "Skip to results",
    uiLanguage: "Interface language",
    queryLabel: "Your question",
    queryPlaceholder: "e.g. When did the border crossing card replacement program end?",
    submit: "Ask",
    filters: "Filters",
    docLang: "Document language",
    docLangAny: "Both languages",
    langEn: "English",
    langEs: "Spanish",
    dateFrom: "From date",
    dateTo: "To date",
    advanced: "Advanced",
    mode: "Search mode",
    modeHybrid: "Hybrid (words and meaning)",
    modeBm25: "BM25 (exact words)",
    modeDense: "Dense (meaning only)",
    k: "Number of passages",
    loading: "Searching…",
    answerHeading: "Answer",
    likelyHeading: "Likely answer — check the passage",
    noAnswer: "Not found in the communiqués",
    noAnswerHelp: "No sentence in the communiqués is likely to answer this (the closest: {n}%). The passages below are the nearest matches.",
    conf_high: "High confidence ({n}%): about {n} in 100 answers this sure contain the answer.",
    conf_medium: "Moderate confidence ({n}%): about {n} in 100 answers this sure contain the answer; read the passage around it.",
    conf_low: "Low confidence ({n}%).",
    copy: "Copy citation",
    copyTwin: "Copy this citation",
    copied: "Citation copied.",
    copyFailed: "Could not copy. Select the quote and copy it by hand.",
    openDoc: "Open in the communiqué",
    twinIn_en: "The same passage in English",
    twinIn_es: "The same passage in Spanish",
    readIn_en: "Read in English",
    readIn_es: "Read in Spanish",
    includeSuperseded: "Include older versions of revised communiqués",
    groupByDoc: "One result per communiqué",
    olderVersion: "older version",
    versionOlder: "This is an older version of this communiqué. A revised version replaces it in search:",
    versionLatest: "This is the latest version of a revised communiqué. Older version:",
    sourceLabel: "Source",
    passagesHeading: "Passages",
    passagesCount: "{n} passages, most relevant first",
    passagesCountOne: "1 passage",
    exportLabel: "Download these results:",
    exportCsv: "CSV (spreadsheet)",
    exportJsonl: "JSON Lines",
    copyDocCitation: "Copy citation of this paragraph",
    moreFromDoc: "{n} more from this communiqué",
    moreFromDocOne: "1 more from this communiqué",
    understood: "Preferring documents of “{text}”",
    understoodRemove: "Remove",
    heading: "heading",
    noResults: "No passages match. Try other words, a wider date range, or both languages.",
    errNetwork: "The server could not be reached. Check your connection and try again.",
    errServer: "The server ran into an error and could not answer. Try again in a moment; if it keeps happening, tell the search team.",
    errUnavailable: "Search is not available right now: the index is not loaded. Try again later or tell the search team.",
    errInput: "The search could not be run: {detail}",
    errEmptyQuery: "Type a question first.",
    errDates: "The “from” date is after the “to” date.",
    errNotFound: "This communiqué is not in the index.",
    err_query_empty: "Type a question first: the query is empty.",
    err_query_too_long: "The question is too long: use at most 1,000 characters.",
    err_k_out_of_range: "The number of passages must be between 1 and 100.",
    err_dates_out_of_order: "The “from” date is after the “to” date.",
    err_payload_too_large: "The request is too large. Shorten the question.",
    err_index_not_ready: "Search is not available right now: the index is not loaded. Try again later or tell the search team.",
    err_encoder_mismatch: "Search is not available right now: the index does not match the server. Tell the search team.",
    err_internal_error: "The server ran into an error and could not answer. Try again in a moment; if it keeps happening, tell the search team.",
    err_api_key_missing: "Enter the admin key first.",
    err_api_key_invalid: "That admin key is not valid. Check it and try again.",
    err_admin_disabled: "Adding communiqués is turned off on this server: no admin key is set. Ask the person who runs it.",
    announceAnswer: "Answer found. {n} passages below.",
    announceLikely: "Likely answer found. {n} passages below.",
    announceNoAnswer: "Not found in the communiqués. {n} passages below.",
    announcePassages: "{n} passages found.",
    backToSearch: "Back to search",
    loadingDoc: "Loading the communiqué…",
    docLanguage: "Language",
    docDate: "Date",
    citedPassage: "Cited passage",
    translationNote: "Translation note",
    docMeeting: "Meeting",
    docGroup: "Working group",
    docPlace: "Place",
    linkEvidence: "Translation link",
    excerptOf: "Excerpt of {id}: its text is searched there, not twice.",
    excerptLabel: "Excerpt",
    footer: "Quotes are exact text from the communiqués. Check the cited paragraph before you use a quote.",
    addLink: "Add communiqués",
    adminHeading: "Add communiqués",
    adminHelp: "Word, PDF, RTF, web pages, text, or scans (PNG, JPEG, TIFF). No metadata is needed: the language, date, meeting and working group are read from the text, and a translation already indexed is paired with it.",
    apiKey: "Admin key",
    apiKeyHelp: "Kept in this browser tab only, until you close it.",
    filesLabel: "Files",
    dropHelp: "Or drop files here. Up to 50 files, 20 MB each.",
    importSubmit: "Add to the archive",
    importing: "Reading the files and updating the index…",
    reportHeading: "What was added",
    colFile: "File",
    colResult: "Result",
    colDocument: "Communiqué",
    colLanguage: "Language",
    colDate: "Date",
    colPaired: "Translation",
    colNotes: "Notes",
    rowAdded: "Added",
    rowRefused: "Refused",
    notPaired: "none indexed yet",
    revisionOf: "Replaces the older version {id} in search.",
    summary: "{added} added, {refused} refused.",
    summaryPublished: "The index is updated: they can be searched now.",
    summaryQueued: "The index is being updated; they can be searched in a moment.",
    summaryBuildFailed: "The files are stored, but the index could not be updated: {error}",
    errNoKey: "Type the admin key first.",
    errNoFiles: "Choose one or more files first.",
    errTooManyFiles: "At most {n} files at a time.",
    rowRemoved: "Removed",
    removeDoc: "Remove from the archive",
    confirmRemove: "Remove {id} from the archive and the index?",
    done_removed: "{id} is removed from the archive and the index.",
    notTranslation: "Not its translation",
    done_pair: "{id} will no longer be paired with that document.",
    pairRefused: "pairing refused",
    notRevision: "Not a revision",
    done_revision: "{id} is no longer taken for a revision of that document.",
    revisionRefused: "Not a revision (refused).",
    adminFooter: "Adding needs an admin key (BNC_API_KEYS on the server). Every file is kept as sent; a refused file changes nothing.",
  },
  es: {
    appTitle: "Búsqueda en la Comisión Binacional",
    tagline: "Pregunte en español o en inglés y obtenga citas textuales de los comunicados de la Comisión Binacional.",
    skip: "Ir a los resultados",
    uiLanguage: "Idioma de la interfaz",
    queryLabel: "Su pregunta",
    queryPlaceholder: "p. ej., ¿Cuándo terminó el programa de reemplazo de las tarjetas de cruce?",
    submit: "Preguntar",
    filters: "Filtros",
    docLang: "Idioma del documento",
    docLangAny: "Ambos idiomas",
    langEn: "Inglés",
    langEs: "Español",
    dateFrom: "Desde la fecha",
    dateTo: "Hasta la fecha",
    advanced: "Opciones avanzadas",
    mode: "Modo de búsqueda",
    modeHybrid: "Híbrido (palabras y significado)",
    modeBm25: "BM25 (palabras exactas)",
    modeDense: "Denso (solo significado)",
    k: "Número de pasajes",
    loading: "Buscando…",
    answerHeading: "Respuesta",
    likelyHeading: "Respuesta probable: revísela en su pasaje",
    noAnswer: "No se encontró en los comunicados",
    noAnswerHelp: "Ninguna oración de los comunicados parece responder a esto (la más cercana: {n} %). Los pasajes de abajo son los más próximos.",
    conf_high: "Confianza alta ({n} %): unas {n} de cada 100 respuestas así de seguras contienen la respuesta.",
    conf_medium: "Confianza media ({n} %): unas {n} de cada 100 respuestas así de seguras contienen la respuesta; lea el pasaje completo.",
    conf_low: "Confianza baja ({n} %).",
    copy: "Copiar cita",
    copyTwin: "Copiar esta cita",
    copied: "Cita copiada.",
    copyFailed: "No se pudo copiar. Seleccione la cita y cópiela a mano.",
    openDoc: "Abrir en el comunicado",
    twinIn_en: "El mismo pasaje en inglés",
    twinIn_es: "El mismo pasaje en español",
    readIn_en: "Leer en inglés",
    readIn_es: "Leer en español",
    includeSuperseded: "Incluir versiones anteriores de comunicados revisados",
    groupByDoc: "Un resultado por comunicado",
    olderVersion: "versión anterior",
    versionOlder: "Esta es una versión anterior de este comunicado. Una versión revisada la sustituye en la búsqueda:",
    versionLatest: "Esta es la versión más reciente de un comunicado revisado. Versión anterior:",
    sourceLabel: "Fuente",
    passagesHeading: "Pasajes",
    passagesCount: "{n} pasajes, del más al menos pertinente",
    passagesCountOne: "1 pasaje",
    exportLabel: "Descargar estos resultados:",
    exportCsv: "CSV (hoja de cálculo)",
    exportJsonl: "JSON Lines",
    copyDocCitation: "Copiar la cita de este párrafo",
    moreFromDoc: "{n} más de este comunicado",
    moreFromDocOne: "1 más de este comunicado",
    understood: "Se prefieren los documentos de «{text}»",
    understoodRemove: "Quitar",
    heading: "encabezado",
    noResults: "Ningún pasaje coincide. Pruebe otras palabras, un periodo más amplio o ambos idiomas.",
    errNetwork: "No se pudo conectar con el servidor. Revise su conexión e inténtelo de nuevo.",
    errServer: "El servidor tuvo un error y no pudo responder. Inténtelo de nuevo en un momento; si se repite, avise al equipo de búsqueda.",
    errUnavailable: "La búsqueda no está disponible en este momento: el índice no está cargado. Inténtelo más tarde o avise al equipo de búsqueda.",
    errInput: "No se pudo realizar la búsqueda: {detail}",
    errEmptyQuery: "Escriba primero una pregunta.",
    errDates: "La fecha «desde» es posterior a la fecha «hasta».",
    errNotFound: "Este comunicado no está en el índice.",
    err_query_empty: "Escriba primero una pregunta: la consulta está vacía.",
    err_query_too_long: "La pregunta es demasiado larga: use como máximo 1000 caracteres.",
    err_k_out_of_range: "El número de pasajes debe estar entre 1 y 100.",
    err_dates_out_of_order: "La fecha «desde» es posterior a la fecha «hasta».",
    err_payload_too_large: "La solicitud es demasiado grande. Acorte la pregunta.",
    err_index_not_ready: "La búsqueda no está disponible en este momento: el índice no está cargado. Inténtelo más tarde o avise al equipo de búsqueda.",
    err_encoder_mismatch: "La búsqueda no está disponible en este momento: el índice no corresponde al servidor. Avise al equipo de búsqueda.",
    err_internal_error: "El servidor tuvo un error y no pudo responder. Inténtelo de nuevo en un momento; si se repite, avise al equipo de búsqueda.",
    err_api_key_missing: "Escriba primero la clave de administración.",
    err_api_key_invalid: "Esa clave de administración no es válida. Revísela e inténtelo de nuevo.",
    err_admin_disabled: "Agregar comunicados está desactivado en este servidor: no hay ninguna clave de administración. Pregunte a quien lo administra.",
    announceAnswer: "Se encontró una respuesta. {n} pasajes a continuación.",
    announceLikely: "Se encontró una respuesta probable. {n} pasajes a continuación.",
    announceNoAnswer: "No se encontró en los comunicados. {n} pasajes a continuación.",
    announcePassages: "{n} pasajes encontrados.",
    backToSearch: "Volver a la búsqueda",
    loadingDoc: "Cargando el comunicado…",
    docLanguage: "Idioma",
    docDate: "Fecha",
    citedPassage: "Pasaje citado",
    translationNote: "Nota sobre la traducción",
    docMeeting: "Reunión",
    docGroup: "Grupo de trabajo",
    docPlace: "Lugar",
    linkEvidence: "Vínculo con la traducción",
    excerptOf: "Extracto de {id}: su texto se busca allí, no dos veces.",
    excerptLabel: "Extracto",
    footer: "Las citas son texto exacto de los comunicados. Revise el párrafo citado antes de usar una cita.",
    addLink: "Agregar comunicados",
    adminHeading: "Agregar comunicados",
    adminHelp: "Word, PDF, RTF, páginas web, texto o escaneos (PNG, JPEG, TIFF). No se necesitan metadatos: el idioma, la fecha, la reunión y el grupo de trabajo se leen del texto, y se empareja con su traducción si ya está indexada.",
    apiKey: "Clave de administración",
    apiKeyHelp: "Se guarda solo en esta pestaña del navegador, hasta que la cierre.",
    filesLabel: "Archivos",
    dropHelp: "O suelte los archivos aquí. Hasta 50 archivos de 20 MB cada uno.",
    importSubmit: "Agregar al archivo",
    importing: "Leyendo los archivos y actualizando el índice…",
    reportHeading: "Lo que se agregó",
    colFile: "Archivo",
    colResult: "Resultado",
    colDocument: "Comunicado",
    colLanguage: "Idioma",
    colDate: "Fecha",
    colPaired: "Traducción",
    colNotes: "Notas",
    rowAdded: "Agregado",
    rowRefused: "Rechazado",
    notPaired: "ninguna indexada aún",
    revisionOf: "Reemplaza en la búsqueda a la versión anterior {id}.",
    summary: "{added} agregados, {refused} rechazados.",
    summaryPublished: "El índice está actualizado: ya se pueden buscar.",
    summaryQueued: "El índice se está actualizando; se podrán buscar en un momento.",
    summaryBuildFailed: "Los archivos están guardados, pero el índice no se pudo actualizar: {error}",
    errNoKey: "Escriba primero la clave de administración.",
    errNoFiles: "Elija primero uno o más archivos.",
    errTooManyFiles: "Como máximo {n} archivos a la vez.",
    rowRemoved: "Eliminado",
    removeDoc: "Quitar del archivo",
    confirmRemove: "¿Quitar {id} del archivo y del índice?",
    done_removed: "{id} se quitó del archivo y del índice.",
    notTranslation: "No es su traducción",
    done_pair: "{id} ya no se emparejará con ese documento.",
    pairRefused: "emparejamiento rechazado",
    notRevision: "No es una revisión",
    done_revision: "{id} ya no se toma por revisión de ese documento.",
    revisionRefused: "No es una revisión (rechazado).",
    adminFooter: "Para agregar se necesita una clave de administración (BNC_API_KEYS en el servidor). Cada archivo se guarda tal como se envió; un archivo rechazado no cambia nada.",
  },
};

export const LANGS = ["en", "es"];
const STORAGE_KEY = "bnc-ui-lang";
const listeners = [];
let current = initialLang();

function storedLang() {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: fall back to the browser's language
  }
}

/** The remembered choice, else the first English or Spanish entry of the browser's languages, else English. */
function initialLang() {
  const stored = storedLang();
  if (LANGS.includes(stored)) return stored;
  const prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"];
  for (const pref of prefs) {
    const base = String(pref).toLowerCase().split("-")[0];
    if (LANGS.includes(base)) return base;
  }
  return "en";
}

export function lang() {
  return current;
}

/** The string for key in the interface language, with {name} placeholders filled. */
export function t(key, vars = {}) {
  const table = STRINGS[current] || STRINGS.en;
  const text = key in table ? table[key] : STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** Fill every [data-i18n] text and [data-i18n-attr="attr:key,attr:key"] attribute under root. */
export function applyStrings(root = document) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(",")) {
      const [attr, key] = pair.split(":").map((s) => s.trim());
      el.setAttribute(attr, t(key));
    }
  }
  for (const btn of root.querySelectorAll("[data-ui-lang]")) {
    btn.setAttribute("aria-pressed", String(btn.dataset.uiLang === current));
  }
}

/** Switch the interface language, remember it, and re-render whoever listens. */
export function setLang(next) {
  if (!LANGS.includes(next)) return;
  current = next;
  try {
    window.localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered, still switched
  }
  applyStrings();
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn) {
  listeners.push(fn);
}

/** Wire the language buttons and apply the initial language. */
export function initLanguage() {
  for (const btn of document.querySelectorAll("[data-ui-lang]")) {
    btn.addEventListener("click", () => setLang(btn.dataset.uiLang));
  }
  applyStrings();
}

/** An ISO date (yyyy-mm-dd) written out in the interface language. */
export function formatDate(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return new Intl.DateTimeFormat(current === "es" ? "es-MX" : "en-US", { dateStyle: "long", timeZone: "UTC" }).format(date);
}
