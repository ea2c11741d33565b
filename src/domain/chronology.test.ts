import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  CHRONOLOGY_CATEGORIES,
  chronologyCsv,
  csvCell,
  csvText,
  isChronologyCategory,
  UTF8_BOM,
  WORKER_CATEGORIES,
} from './chronology.ts'

/** A strict RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let i = 0
  let quoted = false
  while (i < text.length) {
    const ch = text[i] as string
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i += 2
        continue
      }
      if (ch === '"') quoted = false
      else cell += ch
      i++
      continue
    }
    if (ch === '"' && cell === '') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else {
      assert.ok(ch !== '"' && ch !== '\n' && ch !== '\r', `unquoted ${JSON.stringify(ch)} in ${JSON.stringify(text)}`)
      cell += ch
    }
    i++
  }
  assert.equal(cell, '', 'the last record ends with CRLF')
  assert.equal(row.length, 0)
  return rows
}

test('plain text is written as it is', () => {
  assert.equal(csvCell('Home visit went well'), 'Home visit went well')
  assert.equal(csvCell(''), '')
  assert.equal(csvCell(null), '')
  assert.equal(csvCell(undefined), '')
  assert.equal(csvCell(12), '12')
})

test('commas, quotes and line breaks are quoted, with quotes doubled', () => {
  assert.equal(csvCell('School, then GP'), '"School, then GP"')
  assert.equal(csvCell('She said "no"'), '"She said ""no"""')
  assert.equal(csvCell('Line one\nLine two'), '"Line one\nLine two"')
  assert.equal(csvCell('Line one\r\nLine two'), '"Line one\r\nLine two"')
})

test('a cell a spreadsheet would run as a formula is kept as text', () => {
  assert.equal(csvCell('=HYPERLINK("http://example.org","x")'), `"'=HYPERLINK(""http://example.org"",""x"")"`)
  assert.equal(csvCell('+44 7700 900123'), "'+44 7700 900123")
  assert.equal(csvCell('-1+2'), "'-1+2")
  assert.equal(csvCell('@SUM(A1:A2)'), "'@SUM(A1:A2)")
  assert.equal(csvCell('\tTabbed'), "'\tTabbed")
  assert.equal(csvCell('\rreturn'), `"'\rreturn"`)
  // Only the first character matters.
  assert.equal(csvCell('Score = 7'), 'Score = 7')
})

test('any text survives the round trip, formula guard aside', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }), { maxLength: 5 }),
      (rows) => {
        const parsed = parseCsv(csvText(rows))
        assert.deepEqual(
          parsed,
          rows.map((row) => row.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell))),
        )
      },
    ),
  )
})

test('the chronology file starts with the byte order mark and a heading row, one row per entry', () => {
  const csv = chronologyCsv([
    {
      occurredOn: '2026-01-05',
      headline: '=cmd|" /C calc"!A0',
      category: 'health',
      source: 'GP, by phone',
      impact: 'Casey was "really worried"\nand missed school',
      action: null,
      recordedByName: 'Test Worker',
      origin: 'worker',
    },
    {
      occurredOn: '2026-01-04',
      headline: 'Referral HRT-2026-00001 received',
      category: 'referral',
      source: null,
      impact: null,
      action: null,
      recordedByName: 'Test Manager',
      origin: 'hearth',
    },
  ])
  assert.ok(csv.startsWith(UTF8_BOM))
  const rows = parseCsv(csv.slice(1))
  assert.deepEqual(rows[0], [
    'Date',
    'Headline',
    'Category',
    'Source',
    'Impact on the child',
    'Action or decision',
    'Recorded by',
    'Written by',
  ])
  assert.deepEqual(rows[1], [
    '2026-01-05',
    `'=cmd|" /C calc"!A0`,
    'Health',
    'GP, by phone',
    'Casey was "really worried"\nand missed school',
    '',
    'Test Worker',
    'Worker',
  ])
  assert.deepEqual(rows[2]?.slice(0, 3), ['2026-01-04', 'Referral HRT-2026-00001 received', 'Referral and decision'])
  assert.equal(rows[2]?.[7], 'Hearth')
  assert.equal(rows.length, 3)
})

test('every category a worker can choose is a chronology category', () => {
  for (const c of WORKER_CATEGORIES) assert.ok(isChronologyCategory(c), c)
  assert.equal(isChronologyCategory('toString'), false)
  assert.equal(isChronologyCategory('nonsense'), false)
  assert.ok(Object.keys(CHRONOLOGY_CATEGORIES).every(isChronologyCategory))
})
