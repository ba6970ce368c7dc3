/*
 * Python's difflib.get_close_matches, step for step (SequenceMatcher with its "popular element"
 * heuristic, real_quick_ratio, quick_ratio and ratio), so that "did you mean …?" suggests what
 * `rsdir` suggests. Strings are compared as sequences of code points, as in Python.
 */

function ratio(matches, length) {
  return length ? (2.0 * matches) / length : 1.0;
}

class SequenceMatcher {
  constructor(b) {
    this.b = b;
    const b2j = new Map();
    b.forEach((element, j) => {
      if (!b2j.has(element)) b2j.set(element, []);
      b2j.get(element).push(j);
    });
    // Python's autojunk: in a long sequence, elements making up more than 1 % of it are ignored.
    if (b.length >= 200) {
      const limit = Math.floor(b.length / 100) + 1;
      for (const [element, indices] of [...b2j]) if (indices.length > limit) b2j.delete(element);
    }
    this.b2j = b2j;
    this.fullBCount = new Map();
    for (const element of b) this.fullBCount.set(element, (this.fullBCount.get(element) ?? 0) + 1);
  }

  setA(a) {
    this.a = a;
  }

  longestMatch(alo, ahi, blo, bhi) {
    const { a, b, b2j } = this;
    let [besti, bestj, bestsize] = [alo, blo, 0];
    let j2len = new Map();
    for (let i = alo; i < ahi; i++) {
      const next = new Map();
      for (const j of b2j.get(a[i]) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) [besti, bestj, bestsize] = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti -= 1;
      bestj -= 1;
      bestsize += 1;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize += 1;
    return [besti, bestj, bestsize];
  }

  ratio() {
    let matches = 0;
    const queue = [[0, this.a.length, 0, this.b.length]];
    while (queue.length) {
      const [alo, ahi, blo, bhi] = queue.pop();
      const [i, j, k] = this.longestMatch(alo, ahi, blo, bhi);
      if (k) {
        matches += k;
        if (alo < i && blo < j) queue.push([alo, i, blo, j]);
        if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
      }
    }
    return ratio(matches, this.a.length + this.b.length);
  }

  quickRatio() {
    const avail = new Map();
    let matches = 0;
    for (const element of this.a) {
      const count = avail.has(element) ? avail.get(element) : this.fullBCount.get(element) ?? 0;
      avail.set(element, count - 1);
      if (count > 0) matches += 1;
    }
    return ratio(matches, this.a.length + this.b.length);
  }

  realQuickRatio() {
    return ratio(Math.min(this.a.length, this.b.length), this.a.length + this.b.length);
  }
}

/** Python's order of strings: by code point (JavaScript's `<` compares UTF-16 units). */
export function codePointOrder(first, second) {
  const [a, b] = [Array.from(first), Array.from(second)];
  for (let n = 0; n < Math.min(a.length, b.length); n++) {
    if (a[n] !== b[n]) return a[n].codePointAt(0) - b[n].codePointAt(0);
  }
  return a.length - b.length;
}

/** The best of `possibilities` that is close enough to `word` (ratio at least `cutoff`), as a
 *  list of at most one, like `get_close_matches(word, possibilities, n=1)`. */
export function closeMatch(word, possibilities, cutoff = 0.6) {
  const matcher = new SequenceMatcher(Array.from(word));
  let best = null;
  for (const possibility of possibilities) {
    matcher.setA(Array.from(possibility));
    if (matcher.realQuickRatio() >= cutoff && matcher.quickRatio() >= cutoff) {
      const score = matcher.ratio();
      // Python keeps the largest (score, possibility) pair.
      if (score >= cutoff && (best === null || score > best[0] || (score === best[0] && codePointOrder(possibility, best[1]) > 0))) {
        best = [score, possibility];
      }
    }
  }
  return best === null ? [] : [best[1]];
}
