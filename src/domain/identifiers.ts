/**
 * Identifiers Hearth checks before it trusts them.
 *
 * NHS number: 10 digits, the last a modulus 11 check digit. Multiply the first nine digits by
 * 10 down to 2, add them up, take the remainder on dividing by 11, and subtract it from 11.
 * 11 becomes 0; 10 means the number is not valid.
 */

/** The digits of an NHS number as people write it: "943 476 5919", "943-476-5919". */
export function normaliseNhsNumber(value: string): string {
  return value.replace(/[\s-]/g, '')
}

export function nhsCheckDigit(firstNine: string): number | undefined {
  if (!/^\d{9}$/.test(firstNine)) return undefined
  let sum = 0
  for (let i = 0; i < 9; i += 1) sum += Number(firstNine[i]) * (10 - i)
  const check = 11 - (sum % 11)
  if (check === 11) return 0
  if (check === 10) return undefined
  return check
}

export function isValidNhsNumber(value: string): boolean {
  const digits = normaliseNhsNumber(value)
  if (!/^\d{10}$/.test(digits)) return false
  return nhsCheckDigit(digits.slice(0, 9)) === Number(digits[9])
}

/** "943 476 5919", the way it is printed on NHS letters. */
export function formatNhsNumber(value: string): string {
  const digits = normaliseNhsNumber(value)
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`
}

/** A UK postcode in its usual form, "SW1A 1AA", or undefined if it cannot be one. */
export function normalisePostcode(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '').toUpperCase()
  if (!/^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/.test(compact)) return undefined
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`
}

/** Referral references: HRT-2026-000123, unique within an authority. */
export function referralReference(year: number, number: number): string {
  return `HRT-${year}-${String(number).padStart(6, '0')}`
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Ids in Hearth are UUIDs: anything else in a path is simply not found. */
export function isUuid(value: string): boolean {
  return UUID.test(value)
}
