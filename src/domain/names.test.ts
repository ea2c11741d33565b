import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { normaliseName, nysiis, phoneticKey, soundAlike, trigramSimilarity } from './names.ts'

test('names are compared without case, accents, apostrophes or hyphens getting in the way', () => {
  assert.equal(normaliseName("Siobhán O'Neill-Smith"), 'siobhan oneill smith')
  assert.equal(trigramSimilarity('Smith-Jones', 'smith jones'), 1)
})

test('trigram similarity matches pg_trgm on a known pair', () => {
  // SELECT similarity('word', 'two words') in PostgreSQL gives 0.36363637.
  assert.equal(trigramSimilarity('word', 'two words').toFixed(4), '0.3636')
})

test('trigram similarity is symmetric, between 0 and 1, and 1 for the same name', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (a, b) => {
      const s = trigramSimilarity(a, b)
      return s === trigramSimilarity(b, a) && s >= 0 && s <= 1
    }),
  )
  fc.assert(fc.property(fc.stringMatching(/^[a-z]{1,12}$/), (a) => trigramSimilarity(a, a) === 1))
})

test('names that sound alike share a phonetic key', () => {
  assert.equal(nysiis('Catherine'), nysiis('Katherine'))
  assert.equal(nysiis('Phillips'), nysiis('Philips'))
  assert.equal(nysiis('Stephen'), nysiis('Steven'))
  assert.notEqual(nysiis('Smith'), nysiis('Jones'))
  assert.equal(soundAlike('Katherine Philips', 'Catherine Phillips'), true)
  assert.equal(soundAlike('Katherine Philips', 'Catherine Jones'), false)
  assert.equal(phoneticKey(''), '')
})

test('a phonetic key is never empty for a name with letters, and never throws', () => {
  fc.assert(
    fc.property(fc.string(), (name) => {
      const key = phoneticKey(name)
      return /[a-z]/i.test(normaliseName(name)) ? key.length > 0 : key === ''
    }),
  )
})
