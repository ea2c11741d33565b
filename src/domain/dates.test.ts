import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatDate, formatDateTime } from './dates.ts'

test('dates read as 5 January 2026, in UK time', () => {
  assert.equal(formatDate(new Date('2026-01-05T12:00:00Z')), '5 January 2026')
  // 23:30 UTC on 30 June is already 1 July in British Summer Time.
  assert.equal(formatDate(new Date('2026-06-30T23:30:00Z')), '1 July 2026')
  assert.equal(formatDateTime(new Date('2026-06-30T13:05:00Z')), '30 June 2026 at 2:05pm')
})
