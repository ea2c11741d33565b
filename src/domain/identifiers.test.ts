import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  formatNhsNumber,
  isValidNhsNumber,
  nhsCheckDigit,
  normalisePostcode,
  referralReference,
} from './identifiers.ts'

test('NHS numbers: the modulus 11 check digit', () => {
  // 943 476 5919 is the NHS's own published example of a valid number.
  assert.equal(isValidNhsNumber('943 476 5919'), true)
  assert.equal(isValidNhsNumber('9434765919'), true)
  assert.equal(isValidNhsNumber('943-476-5918'), false)
  assert.equal(isValidNhsNumber('94347659'), false)
  assert.equal(isValidNhsNumber('abcdefghij'), false)
  assert.equal(formatNhsNumber('9434765919'), '943 476 5919')
})

test('NHS numbers: a check of 11 is 0, and a check of 10 makes no valid number', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^\d{9}$/), (firstNine) => {
      const check = nhsCheckDigit(firstNine)
      const sum = [...firstNine].reduce((total, digit, i) => total + Number(digit) * (10 - i), 0)
      if (11 - (sum % 11) === 10) return check === undefined && !isValidNhsNumber(`${firstNine}0`)
      return check !== undefined && isValidNhsNumber(`${firstNine}${check}`)
    }),
  )
})

test('NHS numbers: changing any one digit of a valid number makes it invalid', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^\d{9}$/),
      fc.integer({ min: 0, max: 9 }),
      fc.integer({ min: 1, max: 9 }),
      (nine, at, by) => {
        const check = nhsCheckDigit(nine)
        fc.pre(check !== undefined)
        const valid = `${nine}${check}`
        const changed = `${valid.slice(0, at)}${(Number(valid[at]) + by) % 10}${valid.slice(at + 1)}`
        return !isValidNhsNumber(changed)
      },
    ),
  )
})

test('postcodes are tidied, and what cannot be a postcode is refused', () => {
  assert.equal(normalisePostcode('sw1a1aa'), 'SW1A 1AA')
  assert.equal(normalisePostcode(' DE1  2FS '), 'DE1 2FS')
  assert.equal(normalisePostcode('not a postcode'), undefined)
})

test('referral references read HRT-2026-000123', () => {
  assert.equal(referralReference(2026, 123), 'HRT-2026-000123')
})
