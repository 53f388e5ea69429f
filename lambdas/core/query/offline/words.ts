/** Tokenising and light stemming, so "created new access keys" meets CreateAccessKey. */

export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length <= 3) return w;
  if (w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  const before = w;
  for (const suffix of ['ing', 'ed', 'es', 's', 'e']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      if (suffix === 's' && w.endsWith('ss')) break;
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  // "stopped" -> "stopp" -> "stop", "logging" -> "logg" -> "log"
  if (w !== before && /([b-df-hj-np-tv-z])\1$/.test(w) && !w.endsWith('ss')) w = w.slice(0, -1);
  return w;
}

/** Lower-cased words of a question (letters and digits), in order. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

export function stems(text: string): string[] {
  return words(text).map(stem);
}

/** CamelCase API names to their words: CreateAccessKey -> create, access, key. */
export function camelWords(name: string): string[] {
  return (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [name]).map((w) => w.toLowerCase());
}

/**
 * True when `needle` occurs in `hay` in order, with at most `gap` other words between neighbours
 * ("created new access keys" contains create-access-key with a gap of one).
 */
export function containsInOrder(hay: readonly string[], needle: readonly string[], gap = 1): boolean {
  outer: for (let start = 0; start < hay.length; start++) {
    if (hay[start] !== needle[0]) continue;
    let at = start;
    for (let i = 1; i < needle.length; i++) {
      let found = -1;
      for (let j = at + 1; j <= at + 1 + gap && j < hay.length; j++) {
        if (hay[j] === needle[i]) {
          found = j;
          break;
        }
      }
      if (found < 0) continue outer;
      at = found;
    }
    return true;
  }
  return false;
}

/** A SQL string literal: quotes doubled, so text from a question can never close it. */
export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
