/**
 * Comparing names the way people mistype them: "Siobhan O'Neill" and "Siobhan Oneil",
 * "Smith-Jones" and "Smith Jones", "Katherine" and "Catherine". Two measures: trigram
 * similarity (as PostgreSQL's pg_trgm computes it) and a phonetic key (NYSIIS).
 */

/** Lower case, accents and punctuation gone, hyphens and apostrophes as spaces or nothing. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z]+/g, ' ')
    .trim()
}

/** pg_trgm's trigrams: each word padded with two spaces before and one after. */
export function trigrams(text: string): Set<string> {
  const result = new Set<string>()
  for (const word of normaliseName(text).split(' ').filter(Boolean)) {
    const padded = `  ${word} `
    for (let i = 0; i + 3 <= padded.length; i += 1) result.add(padded.slice(i, i + 3))
  }
  return result
}

/** Shared trigrams over all trigrams, from 0 (nothing alike) to 1 (the same). */
export function trigramSimilarity(a: string, b: string): number {
  const x = trigrams(a)
  const y = trigrams(b)
  if (x.size === 0 && y.size === 0) return 0
  let shared = 0
  for (const t of x) if (y.has(t)) shared += 1
  return shared / (x.size + y.size - shared)
}

const VOWELS = new Set(['A', 'E', 'I', 'O', 'U'])

/**
 * The NYSIIS phonetic key of one word (New York State Identification and Intelligence
 * System): names that sound alike share a key, e.g. Catherine and Katherine, Philips and Phillips.
 */
export function nysiis(word: string): string {
  let name = normaliseName(word).replace(/ /g, '').toUpperCase()
  if (!name) return ''
  const starts: [string, string][] = [
    ['MAC', 'MCC'],
    ['KN', 'NN'],
    ['K', 'C'],
    ['PH', 'FF'],
    ['PF', 'FF'],
    ['SCH', 'SSS'],
  ]
  for (const [from, to] of starts) {
    if (name.startsWith(from)) {
      name = to + name.slice(from.length)
      break
    }
  }
  const ends: [string, string][] = [
    ['EE', 'Y'],
    ['IE', 'Y'],
    ['DT', 'D'],
    ['RT', 'D'],
    ['RD', 'D'],
    ['NT', 'D'],
    ['ND', 'D'],
  ]
  for (const [from, to] of ends) {
    if (name.endsWith(from)) {
      name = name.slice(0, -from.length) + to
      break
    }
  }
  const chars = name.split('')
  let key = chars[0] as string
  for (let i = 1; i < chars.length; i += 1) {
    const c = chars[i] as string
    const next = chars[i + 1] ?? ''
    let replacement: string
    if (c === 'E' && next === 'V') {
      replacement = 'AF'
      chars[i + 1] = 'F'
    } else if (VOWELS.has(c)) replacement = 'A'
    else if (c === 'Q') replacement = 'G'
    else if (c === 'Z') replacement = 'S'
    else if (c === 'M') replacement = 'N'
    else if (c === 'K') {
      if (next === 'N') {
        replacement = 'N'
      } else replacement = 'C'
    } else if (c === 'S' && next === 'C' && chars[i + 2] === 'H') {
      replacement = 'SSS'
      chars[i + 1] = 'S'
      chars[i + 2] = 'S'
    } else if (c === 'P' && next === 'H') {
      replacement = 'F'
      chars[i + 1] = 'F'
    } else if (c === 'H' && (!VOWELS.has(chars[i - 1] as string) || (next && !VOWELS.has(next)))) {
      replacement = chars[i - 1] as string
    } else if (c === 'W' && VOWELS.has(chars[i - 1] as string)) {
      replacement = chars[i - 1] as string
    } else replacement = c
    chars[i] = replacement.slice(-1)
    const piece = replacement
    if (!key.endsWith(piece.slice(-1)) || piece.length > 1) {
      for (const p of piece) if (!key.endsWith(p)) key += p
    }
  }
  if (key.length > 1 && key.endsWith('S')) key = key.slice(0, -1)
  if (key.endsWith('AY')) key = `${key.slice(0, -2)}Y`
  if (key.length > 1 && key.endsWith('A')) key = key.slice(0, -1)
  return key
}

/** A phonetic key for a whole name: the NYSIIS key of each word, in order. */
export function phoneticKey(name: string): string {
  return normaliseName(name).split(' ').filter(Boolean).map(nysiis).join(' ')
}

/** True if two names share a phonetic key for the family name and one other word. */
export function soundAlike(a: string, b: string): boolean {
  const x = phoneticKey(a).split(' ').filter(Boolean)
  const y = phoneticKey(b).split(' ').filter(Boolean)
  if (x.length === 0 || y.length === 0) return false
  return x.at(-1) === y.at(-1) && x.slice(0, -1).some((w) => y.slice(0, -1).includes(w))
}
