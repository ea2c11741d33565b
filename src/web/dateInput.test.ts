import assert from 'node:assert/strict'
import { test } from 'node:test'
import { dateInputParts, readDateInput } from './dateInput.ts'

test('a date input gives a date, or the Design System’s message for what is wrong', () => {
  const read = (day: string, month: string, year: string, required = false) =>
    readDateInput({ 'dob-day': day, 'dob-month': month, 'dob-year': year }, 'dob', 'the date of birth', required)
  assert.deepEqual(read('5', '1', '2026'), { ok: true, value: '2026-01-05' })
  assert.deepEqual(read('', '', ''), { ok: true })
  assert.deepEqual(read('', '', '', true), { ok: false, message: 'Enter the date of birth' })
  assert.deepEqual(read('5', '', ''), { ok: false, message: 'The date of birth must include a month and year' })
  assert.deepEqual(read('30', '2', '2026'), { ok: false, message: 'The date of birth must be a real date' })
  assert.deepEqual(read('five', '1', '2026'), { ok: false, message: 'The date of birth must be a real date' })
  assert.deepEqual(dateInputParts('2026-01-05'), { day: '5', month: '1', year: '2026' })
})
