// digest: the search page. The index built with the site (search/index/, read by search-core.js),
// the fold table (search/fold.json), and for each result shown its text file in this edition
// (search/text/<slug>.json). Everything from the index or the articles is written as text nodes.

import { SearchIndex, filterSets, firstMatch, foldTable, queryTerms, readRanks } from "./search-core.js";

const PAGE_SIZE = 10; // results shown at once: each fetches its text file (about 8 kB) for the excerpt
const DEBOUNCE_MS = 250;
const BEFORE = 30; // characters of an excerpt before the first match
const LENGTH = 110; // characters of an excerpt in all

const form = document.getElementById("search");
const input = document.getElementById("search-q");
const selects = { tag: document.getElementById("search-tag"), source: document.getElementById("search-source") };
const filterBox = document.getElementById("search-filters");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const withoutSearch = document.getElementById("search-without-script");

// The page's messages, in the page's script (each edition's page has them converted), with {name} slots.
function message(key, values = {}) {
  const template = document.querySelector(`#search-messages [data-message="${key}"]`).textContent;
  return template.replace(/\{(\w+)\}/g, (slot, name) => String(values[name]));
}

let index = null;
let table = new Map();
let filters = null;
let generation = 0; // each search gets a number; a slower, older one never overwrites a newer one
let results = [];
let terms = [];
let shown = 0;

withoutSearch.hidden = true;
form.hidden = false;

// ------------------------------------------------------------------ loading --------------

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${response.status} ${response.url}`);
  return response;
}

async function loadIndex() {
  const base = form.dataset.indexUrl.replace(/docs\.json$/, "");
  const load = async (name) => new Uint8Array(await (await fetchOk(base + name)).arrayBuffer());
  const loadJson = async (name) => (await fetchOk(base + name)).json();
  const [docs, ranks, fold] = await Promise.all([
    fetchOk(form.dataset.indexUrl).then((response) => response.json()),
    load("ranks.bin"),
    fetchOk(form.dataset.foldUrl).then((response) => response.json()),
  ]);
  table = foldTable(fold);
  index = new SearchIndex(docs, readRanks(ranks), Number(form.dataset.edition), load, loadJson);
}

async function chosenFilters() {
  const chosen = Object.entries(selects).filter(([, select]) => select.value);
  if (!chosen.length) return [];
  if (!filters) filters = filterSets(await (await fetchOk(form.dataset.indexUrl.replace(/docs\.json$/, "filters.json"))).json());
  return chosen.map(([name, select]) => filters[name].get(select.value) || new Set());
}

// ------------------------------------------------------------------ searching ------------

async function run() {
  const number = ++generation;
  const query = input.value.trim();
  const address = keepInAddress(query);
  const wanted = queryTerms(table, query);
  const filtering = Object.values(selects).some((select) => select.value);
  if (!wanted.length && !filtering) {
    show([], [], "");
  } else {
    try {
      const found = await index.search(wanted, await chosenFilters());
      if (number !== generation) return;
      const what = query ? message("about", { query }) : message("matching");
      show(found, wanted, found.length ? message("found", { count: found.length, what }) : message("none", { what }));
      await showMore();
    } catch (error) {
      if (number !== generation) return;
      show([], [], message("error", { error: error.message }));
    }
  }
  if (number === generation) list.dataset.resultsFor = address; // which search the list shows (for tests)
}

function keepInAddress(query) {
  // The address names the search, so a result list can be bookmarked, shared and reloaded.
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [name, select] of Object.entries(selects)) if (select.value) params.set(name, select.value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
  return search;
}

// ------------------------------------------------------------------ showing --------------

function show(found, searched, text) {
  results = found;
  terms = searched;
  shown = 0;
  list.replaceChildren();
  more.hidden = true;
  statusLine.textContent = text;
}

async function showMore() {
  const number = generation;
  const slice = await index.name(results.slice(shown, shown + PAGE_SIZE));
  if (number !== generation) return;
  const texts = await Promise.all(slice.map((result) =>
    fetchOk(form.dataset.textPattern.replace("{slug}", result.slug)).then((response) => response.json())));
  if (number !== generation) return;
  list.append(...slice.map((result, at) => entry(result, texts[at])));
  shown += slice.length;
  more.hidden = shown >= results.length;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function entry(result, text) {
  const title = text.segments.find(([kind]) => kind === 0);
  const link = element("a", "", title ? title[1] : result.slug);
  link.href = form.dataset.articlePattern.replace("{slug}", result.slug);
  const heading = element("h2");
  heading.append(link);
  const date = text.date ? text.date.split("-").map(Number) : null;
  const facts = [date && `${date[0]}年${date[1]}月${date[2]}日`, text.source].filter(Boolean).join(" · ");
  const excerpt = element("p", "summary");
  appendExcerpt(excerpt, text.segments);
  const article = element("article");
  article.append(heading, element("p", "meta", facts), excerpt);
  const item = element("li", "entry");
  item.append(article);
  return item;
}

function appendExcerpt(parent, segments) {
  // Around the first match in the text (then in the authors, source and tags); the start of the
  // text when only the title matches. Matches are <mark>s; all of it text nodes.
  const texts = [1, 2].flatMap((kind) => segments.filter(([of]) => of === kind).map(([, text]) => text));
  const match = firstMatch(table, texts, terms) || { text: texts[0] || "", ranges: [] };
  const { text, ranges } = match;
  const start = ranges.length ? Math.max(0, ranges[0][0] - BEFORE) : 0;
  const end = Math.min(text.length, start + LENGTH);
  let at = start;
  if (start > 0) parent.append("…");
  for (const [from, to] of ranges) {
    if (from < at || from >= end) continue;
    parent.append(text.slice(at, from), element("mark", "", text.slice(from, to)));
    at = to;
  }
  if (at < end) parent.append(text.slice(at, end));
  if (end < text.length) parent.append("…");
}

// ------------------------------------------------------------------ wiring ---------------

function debounce(action, delay) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(action, delay);
  };
}

// For tests and benchmarks: the numbers and slugs of the articles a query finds, best first.
window.digestSearch = async (query) => (await index.name(await index.search(queryTerms(table, query))))
  .map((result) => result.slug);

async function start() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  statusLine.textContent = message("loading");
  try {
    await loadIndex();
  } catch (error) {
    statusLine.textContent = message("failed", { error: error.message });
    form.hidden = true;
    document.getElementById("search-needs-script").hidden = true;
    withoutSearch.hidden = false;
    return;
  }
  filterBox.hidden = Object.values(selects).every((select) => select.options.length <= 1);
  for (const [name, select] of Object.entries(selects)) {
    const wanted = params.get(name);
    if (wanted && [...select.options].some((option) => option.value === wanted)) select.value = wanted;
    select.addEventListener("change", run);
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", debounce(run, DEBOUNCE_MS));
  more.querySelector("button").addEventListener("click", showMore);
  statusLine.textContent = "";
  form.dataset.ready = "true"; // for tests: the index is loaded and the form is live
  await run();
}

start();
