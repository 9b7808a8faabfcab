// digest: the search index, read in the browser. No DOM here: folding, the n-gram files and the
// query. The build writes the index (digest/search_index.py) and folds text the same way
// (digest/search.py, whose doc says what folding is); tests check the two agree.

// Whitespace, as digest/search.py lists it.
const WHITESPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f,
  0x205f, 0x3000, 0xfeff]);
for (let code = 0x2000; code <= 0x200a; code += 1) WHITESPACE.add(code);

function isControl(code) {
  return code <= 0x08 || (code >= 0x0e && code <= 0x1f) || code === 0x7f;
}

function isAlnum(code) {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a);
}

// Steps 1 and 2 of the fold, for one code point: the code point it becomes, or -1 (deleted).
function foldPoint(table, code) {
  const mapped = table.get(code);
  if (mapped !== undefined) return mapped;
  if (code >= 0xff01 && code <= 0xff5e) code -= 0xfee0;
  if (code >= 0x41 && code <= 0x5a) return code + 32;
  if (code === 0x3000) return 0x20;
  return isControl(code) ? -1 : code;
}

// The fold table ({"from": "...", "to": "..."}) as a Map of code points.
export function foldTable(data) {
  const from = Array.from(data.from, (char) => char.codePointAt(0));
  const to = Array.from(data.to, (char) => char.codePointAt(0));
  return new Map(from.map((code, index) => [code, to[index]]));
}

// `text` folded: {points, starts, ends}: the folded code points, and for each the range of code
// units of `text` it came from (a kept gap: the whitespace run).
export function fold(table, text) {
  const raw = [];
  for (let index = 0; index < text.length;) {
    const code = text.codePointAt(index);
    const width = code > 0xffff ? 2 : 1;
    const folded = foldPoint(table, code);
    if (folded >= 0) raw.push([folded, index, index + width]);
    index += width;
  }
  const points = [];
  const starts = [];
  const ends = [];
  for (let index = 0; index < raw.length;) {
    if (!WHITESPACE.has(raw[index][0])) {
      points.push(raw[index][0]);
      starts.push(raw[index][1]);
      ends.push(raw[index][2]);
      index += 1;
      continue;
    }
    let end = index;
    while (end < raw.length && WHITESPACE.has(raw[end][0])) end += 1;
    if (index > 0 && end < raw.length && isAlnum(raw[index - 1][0]) && isAlnum(raw[end][0])) {
      points.push(0x20);
      starts.push(raw[index][1]);
      ends.push(raw[end - 1][2]);
    }
    index = end;
  }
  return { points, starts, ends };
}

// A query's terms, each an array of code points: split at whitespace, folded, repeats left out.
export function queryTerms(table, query) {
  const terms = new Map();
  let current = [];
  const flush = () => {
    if (current.length) terms.set(String.fromCodePoint(...current), current);
    current = [];
  };
  for (const char of query) {
    const code = foldPoint(table, char.codePointAt(0));
    if (code < 0) continue;
    if (WHITESPACE.has(code)) flush();
    else current.push(code);
  }
  flush();
  return [...terms.values()];
}

export function bucketOf(first, second, buckets) {
  let h = (Math.imul(first, 0x9e3779b1) ^ Math.imul(second + 1, 0x85ebca77)) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  h = (h ^ (h >>> 12)) >>> 0;
  return h & (buckets - 1);
}

// The n-grams that pin a term: [offset, first, second]; a single character is [0, char, 0].
export function grams(term) {
  if (term.length === 1) return [[0, term[0], 0]];
  const offsets = [];
  for (let offset = 0; offset + 1 < term.length; offset += 2) offsets.push(offset);
  if (offsets[offsets.length - 1] !== term.length - 2) offsets.push(term.length - 2);
  return offsets.map((offset) => [offset, term[offset], term[offset + 1]]);
}

class Reader {
  constructor(bytes, at = 0) {
    this.bytes = bytes;
    this.at = at;
  }

  varint() {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.bytes[this.at];
      this.at += 1;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  }
}

// The entries of `wanted` (a Set of "first,second") in one bucket file: Map "shard,first,second" -> body bytes.
export function readBucket(bytes, wanted) {
  const found = new Map();
  const reader = new Reader(bytes);
  while (reader.at < bytes.length) {
    const shard = reader.varint();
    const length = reader.varint();
    const end = reader.at + length;
    const count = reader.varint();
    const headers = [];
    let first = 0;
    for (let entry = 0; entry < count; entry += 1) {
      first += reader.varint();
      headers.push([first, reader.varint(), reader.varint()]);
    }
    let body = reader.at;
    for (const [one, two, size] of headers) {
      if (wanted.has(`${one},${two}`)) found.set(`${shard},${one},${two}`, bytes.subarray(body, body + size));
      body += size;
    }
    reader.at = end;
  }
  return found;
}

// A body of counts: Map article -> [[count, flags], ...].
function counts(body, plain) {
  const result = new Map();
  const reader = new Reader(body);
  let article = 0;
  while (reader.at < body.length) {
    article += reader.varint();
    const value = reader.varint();
    const flags = value % 2 ? reader.varint() : plain;
    if (!result.has(article)) result.set(article, []);
    result.get(article).push([Math.floor(value / 2), flags]);
  }
  return result;
}

// A body of positions, flat: article i (articles[i], ascending) has positions[starts[i]] up to
// positions[starts[i + 1]] (ascending), flags[j] the flags of positions[j].
function places(body, plain) {
  const articles = [];
  const starts = [];
  const positions = [];
  const flags = [];
  const reader = new Reader(body);
  let article = 0;
  while (reader.at < body.length) {
    article += reader.varint();
    articles.push(article);
    starts.push(positions.length);
    const count = reader.varint();
    let position = 0;
    for (let index = 0; index < count; index += 1) {
      const value = reader.varint();
      position += Math.floor(value / 2);
      positions.push(position);
      flags.push(value % 2 ? reader.varint() : plain);
    }
  }
  starts.push(positions.length);
  return { articles, starts, positions, flags };
}

// A term's occurrences in one shard: Map article -> [[count, flags], ...]. `bodies`: the counts of
// its n-gram (one or two characters), or the positions of the bigrams that pin it, which are
// walked side by side (all ascending) rather than looked up.
function occurrences(term, bodies, plain) {
  if (term.length <= 2) return bodies[0] ? counts(bodies[0], plain) : new Map();
  if (bodies.some((body) => !body)) return new Map();
  const offsets = grams(term).map(([offset]) => offset);
  const lists = bodies.map((body) => places(body, plain));
  const at = lists.map(() => 0); // each list's index of the current article
  const found = new Map();
  const [head] = lists;
  head.articles.forEach((article, index) => {
    for (let other = 1; other < lists.length; other += 1) {
      const { articles } = lists[other];
      while (at[other] < articles.length && articles[at[other]] < article) at[other] += 1;
      if (articles[at[other]] !== article) return;
    }
    const walk = lists.map((list, other) => list.starts[at[other]]);
    const shown = [];
    for (let place = head.starts[index]; place < head.starts[index + 1]; place += 1) {
      let flags = head.flags[place];
      for (let other = 1; other < lists.length && flags > 1; other += 1) {
        const list = lists[other];
        const wanted = head.positions[place] + offsets[other];
        const end = list.starts[at[other] + 1];
        while (walk[other] < end && list.positions[walk[other]] < wanted) walk[other] += 1;
        flags &= (walk[other] < end && list.positions[walk[other]] === wanted ? list.flags[walk[other]] : 0) | 1;
      }
      if (flags > 1) shown.push([1, flags]);
    }
    if (shown.length) found.set(article, shown);
  });
  return found;
}

// Site order of each article, shard by shard: ranks.bin's varints.
export function readRanks(bytes) {
  const ranks = [];
  const reader = new Reader(bytes);
  while (reader.at < bytes.length) ranks.push(reader.varint());
  return ranks;
}

export class SearchIndex {
  // `docs`: docs.json; `ranks`: readRanks of ranks.bin; `load(name)`: the bytes of an index file
  // (a Uint8Array); `loadJson(name)`: an index file's JSON.
  constructor(docs, ranks, edition, load, loadJson) {
    this.docs = docs;
    this.ranks = ranks;
    this.bit = 1 << edition;
    this.load = load;
    this.loadJson = loadJson;
    this.buckets = new Map();
    this.shardSlugs = new Map();
    this.offsets = [];
    let offset = 0;
    for (const size of docs.shards) {
      this.offsets.push(offset);
      offset += size;
    }
    this.size = offset;
  }

  shardOf(number) {
    let shard = this.offsets.length - 1;
    while (this.offsets[shard] > number) shard -= 1;
    return shard;
  }

  // Sets the slug of each of `results` ({number, ...}), fetching the slug lists of their shards.
  async name(results) {
    const shards = [...new Set(results.map((result) => this.shardOf(result.number)))];
    await Promise.all(shards.map((shard) => {
      if (!this.shardSlugs.has(shard)) this.shardSlugs.set(shard, this.loadJson(`shard-${shard}.json`));
      return this.shardSlugs.get(shard);
    }));
    for (const result of results) {
      const shard = this.shardOf(result.number);
      result.slug = (await this.shardSlugs.get(shard))[result.number - this.offsets[shard]];
    }
    return results;
  }

  bucket(number) {
    if (!this.buckets.has(number)) this.buckets.set(number, this.load(`${number}.bin`));
    return this.buckets.get(number);
  }

  // Map article number -> {count, title} for one term, in this edition.
  async term(term) {
    const pins = grams(term);
    const wanted = new Set(pins.map(([, one, two]) => `${one},${two}`));
    const { buckets } = this.docs; // files of counts by hash mod buckets, then of positions by hash mod 2 * buckets (POSITION_FILES in search_encode.py)
    const file = term.length > 2
      ? (one, two) => buckets + bucketOf(one, two, 2 * buckets)
      : (one, two) => bucketOf(one, two, buckets);
    const files = await Promise.all(pins.map(([, one, two]) => this.bucket(file(one, two))));
    const entries = new Map();
    for (const file of new Set(files)) for (const [key, body] of readBucket(file, wanted)) entries.set(key, body);
    const result = new Map();
    const plain = ((1 << this.docs.editions) - 1) * 2;
    this.docs.shards.forEach((size, number) => {
      const bodies = pins.map(([, one, two]) => entries.get(`${number},${one},${two}`));
      for (const [local, shown] of occurrences(term, bodies, plain)) {
        let count = 0;
        let title = false;
        for (const [times, flags] of shown) {
          if (!((flags >> 1) & this.bit)) continue;
          count += times;
          title = title || (flags & 1) === 1;
        }
        if (count) result.set(this.offsets[number] + local, { count, title });
      }
    });
    return result;
  }

  // The articles containing every term and passing the filters (Sets of article numbers), best first:
  // [{number, rank, titles, count}] (`name` adds their slugs).
  async search(terms, filters = []) {
    let found = null;
    for (const term of terms) {
      const matches = await this.term(term);
      if (found === null) {
        found = new Map([...matches].map(([number, { count, title }]) => [number, { count, titles: +title }]));
      } else {
        for (const [number, score] of found) {
          const match = matches.get(number);
          if (!match) found.delete(number);
          else {
            score.count += match.count;
            score.titles += +match.title;
          }
        }
      }
      if (found.size === 0) return [];
    }
    if (found === null) found = new Map(Array.from({ length: this.size }, (_, number) => [number, { count: 0, titles: 0 }]));
    const results = [];
    for (const [number, score] of found) {
      if (filters.every((members) => members.has(number))) results.push({ number, rank: this.ranks[number], ...score });
    }
    return results.sort((a, b) => b.titles - a.titles || b.count - a.count || a.rank - b.rank);
  }
}

// filters.json's lists of deltas -> Sets of article numbers.
export function filterSets(data) {
  const sets = {};
  for (const [kind, values] of Object.entries(data)) {
    sets[kind] = new Map(Object.entries(values).map(([name, deltas]) => {
      let number = 0;
      return [name, new Set(deltas.map((delta) => (number += delta)))];
    }));
  }
  return sets;
}

// Where the terms occur first in one of `texts` (strings): {text, ranges} with the code unit ranges
// of every occurrence in that text, or null.
export function firstMatch(table, texts, terms) {
  const keys = terms.map((term) => [String.fromCodePoint(...term), term.length]);
  for (const text of texts) {
    const folded = fold(table, text);
    const haystack = String.fromCodePoint(...folded.points);
    const pointAt = new Map();
    let unit = 0;
    folded.points.forEach((point, index) => {
      pointAt.set(unit, index);
      unit += point > 0xffff ? 2 : 1;
    });
    const ranges = [];
    for (const [key, length] of keys) {
      for (let at = haystack.indexOf(key); at >= 0; at = haystack.indexOf(key, at + 1)) {
        const first = pointAt.get(at);
        if (first !== undefined) ranges.push([folded.starts[first], folded.ends[first + length - 1]]);
      }
    }
    if (ranges.length) return { text, ranges: ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]) };
  }
  return null;
}
