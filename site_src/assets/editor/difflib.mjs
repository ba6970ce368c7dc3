/*
 * Python's difflib.get_close_matches, step for step, so that "did you mean …?" suggests in the
 * browser exactly what `rsdir validate` suggests: the same ratio (twice the matched characters
 * over both lengths, from SequenceMatcher's longest-match recursion, "popular" characters of
 * long words left out as its autojunk does), the same cut-off and the same tie-break (the larger
 * string wins). Strings are compared by code point, as Python does.
 */

function codePoints(text) {
  return Array.from(text);
}

/* SequenceMatcher's b2j: where each character of `b` stands; with autojunk, characters that make
 * up more than 1% of a word of 200 or more characters are left out. */
function positions(b) {
  const where = new Map();
  b.forEach((char, index) => {
    if (!where.has(char)) where.set(char, []);
    where.get(char).push(index);
  });
  if (b.length >= 200) {
    const popular = Math.floor(b.length / 100) + 1;
    for (const [char, found] of [...where]) if (found.length > popular) where.delete(char);
  }
  return where;
}

function longestMatch(a, b, where, alo, ahi, blo, bhi) {
  let besti = alo, bestj = blo, bestsize = 0;
  let lengths = new Map();
  for (let i = alo; i < ahi; i++) {
    const next = new Map();
    for (const j of where.get(a[i]) || []) {
      if (j < blo) continue;
      if (j >= bhi) break;
      const k = (lengths.get(j - 1) || 0) + 1;
      next.set(j, k);
      if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
    }
    lengths = next;
  }
  // No character is junk (isjunk is None), so the match grows over equal neighbours, popular
  // characters included.
  while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) { besti--; bestj--; bestsize++; }
  while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
  return [besti, bestj, bestsize];
}

function matchedCharacters(a, b) {
  const where = positions(b);
  const queue = [[0, a.length, 0, b.length]];
  let matched = 0;
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop();
    const [i, j, k] = longestMatch(a, b, where, alo, ahi, blo, bhi);
    if (k) {
      matched += k;
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
  }
  return matched;
}

/* SequenceMatcher(None, candidate, word).ratio() */
export function ratio(candidate, word) {
  const a = codePoints(candidate), b = codePoints(word);
  const length = a.length + b.length;
  return length ? 2.0 * matchedCharacters(a, b) / length : 1.0;
}

export function compareCodePoints(first, second) {
  const a = codePoints(first), b = codePoints(second);
  for (let n = 0; n < Math.min(a.length, b.length); n++) {
    if (a[n] !== b[n]) return a[n].codePointAt(0) - b[n].codePointAt(0);
  }
  return a.length - b.length;
}

/* difflib.get_close_matches(word, possibilities, n, cutoff) */
export function closeMatches(word, possibilities, n = 3, cutoff = 0.6) {
  const scored = [];
  for (const candidate of possibilities) {
    const score = ratio(candidate, word);
    if (score >= cutoff) scored.push([score, candidate]);
  }
  scored.sort((x, y) => (y[0] - x[0]) || compareCodePoints(y[1], x[1]));
  return scored.slice(0, n).map(([, candidate]) => candidate);
}
