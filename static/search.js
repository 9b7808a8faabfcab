// digest: the search page. Pagefind's JS API over the index built with the site (pagefind/),
// a character table that brings a query to the articles' script (search/script-map.json), and
// results written as text: titles, dates and sources through textContent; of an excerpt only
// its text and Pagefind's <mark> highlights are taken over, as new nodes.

const PAGE_SIZE = 20;
const DEBOUNCE_MS = 250;

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

let pagefind = null;
let scriptMap = new Map();
let generation = 0; // each search gets a number; a slower, older one never overwrites a newer one
let results = [];
let shown = 0;

withoutSearch.hidden = true;
form.hidden = false;

// ------------------------------------------------------------------ loading --------------

async function loadPagefind() {
  const module = await import(form.dataset.bundleUrl);
  // Result URLs in the index are paths from the site root; baseUrl puts the site's base path in front.
  await module.options({ baseUrl: form.dataset.baseUrl });
  await module.init();
  return module;
}

async function loadScriptMap() {
  // {"from": "黨組織…", "to": "党组织…"}: from[i] becomes to[i], read by code point.
  const response = await fetch(form.dataset.scriptMapUrl);
  if (!response.ok) throw new Error(`${response.status} ${response.url}`);
  const table = await response.json();
  const from = Array.from(table.from);
  const to = Array.from(table.to);
  return new Map(from.map((char, index) => [char, to[index]]));
}

async function fillFilters() {
  const counts = await pagefind.filters();
  for (const [name, select] of Object.entries(selects)) {
    const values = Object.entries(counts[name] || {})
      .sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b, "zh"));
    for (const [value, count] of values) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = `${value}（${count}）`;
      select.append(option);
    }
  }
  filterBox.hidden = Object.values(selects).every((select) => select.options.length <= 1);
}

// ------------------------------------------------------------------ searching ------------

function toSiteScript(text) {
  return Array.from(text, (char) => scriptMap.get(char) ?? char).join("");
}

function chosenFilters() {
  const filters = {};
  for (const [name, select] of Object.entries(selects)) {
    if (select.value) filters[name] = select.value;
  }
  return filters;
}

async function search(query, filters) {
  // The query converted to the articles' script, and as typed when that differs: the table works
  // character by character, so a word already in the site's script (乾隆) could be changed (干隆).
  // Results of both, each page once with its best score, best first.
  const converted = toSiteScript(query);
  const terms = converted === query ? [query] : [converted, query];
  const responses = await Promise.all(terms.map((term) => pagefind.search(term || null, { filters })));
  const best = new Map();
  for (const response of responses) {
    for (const result of response.results) {
      const seen = best.get(result.id);
      if (!seen || seen.score < result.score) best.set(result.id, result);
    }
  }
  return [...best.values()].sort((a, b) => b.score - a.score);
}

async function run() {
  const number = ++generation;
  const query = input.value.trim();
  const filters = chosenFilters();
  const address = keepInAddress(query, filters);
  if (!query && Object.keys(filters).length === 0) {
    show([], "");
  } else {
    try {
      const found = await search(query, filters);
      if (number !== generation) return;
      const what = query ? message("about", { query }) : message("matching");
      show(found, found.length ? message("found", { count: found.length, what }) : message("none", { what }));
      await showMore();
    } catch (error) {
      if (number !== generation) return;
      show([], message("error", { error: error.message }));
    }
  }
  if (number === generation) list.dataset.resultsFor = address; // which search the list shows (for tests)
}

function keepInAddress(query, filters) {
  // The address names the search, so a result list can be bookmarked, shared and reloaded.
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [name, value] of Object.entries(filters)) params.set(name, value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
  return search;
}

// ------------------------------------------------------------------ showing --------------

function show(found, message) {
  results = found;
  shown = 0;
  list.replaceChildren();
  more.hidden = true;
  statusLine.textContent = message;
}

async function showMore() {
  const number = generation;
  const slice = results.slice(shown, shown + PAGE_SIZE);
  const pages = await Promise.all(slice.map((result) => result.data()));
  if (number !== generation) return;
  list.append(...pages.map(entry));
  shown += slice.length;
  more.hidden = shown >= results.length;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function entry(page) {
  const link = element("a", "", page.meta.title || page.url);
  link.href = page.url;
  const heading = element("h2");
  heading.append(link);
  const facts = [page.meta.date, page.meta.source].filter(Boolean).join(" · ");
  const excerpt = element("p", "summary");
  appendExcerpt(excerpt, page.excerpt);
  const article = element("article");
  article.append(heading, element("p", "meta", facts), excerpt);
  const item = element("li", "entry");
  item.append(article);
  return item;
}

function appendExcerpt(parent, excerpt) {
  // Pagefind's excerpt is the page's text with < and > escaped and <mark> around the matches.
  // DOMParser makes an inert document (nothing in it runs or loads); only text and marks are copied.
  const parsed = new DOMParser().parseFromString(excerpt, "text/html").body;
  for (const node of parsed.childNodes) {
    parent.append(node.nodeName === "MARK" ? element("mark", "", node.textContent)
      : document.createTextNode(node.textContent));
  }
}

// ------------------------------------------------------------------ wiring ---------------

function debounce(action, delay) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(action, delay);
  };
}

async function start() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  statusLine.textContent = message("loading");
  try {
    pagefind = await loadPagefind();
  } catch (error) {
    statusLine.textContent = message("failed", { error: error.message });
    form.hidden = true;
    document.getElementById("search-needs-script").hidden = true;
    withoutSearch.hidden = false;
    return;
  }
  try {
    scriptMap = await loadScriptMap();
  } catch (error) {
    // Without the table a search still works, only not across scripts.
    console.warn("search: no script conversion table", error);
  }
  await fillFilters();
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
