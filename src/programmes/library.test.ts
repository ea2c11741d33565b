import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { SCHEMA_FILE, schemaFileText } from '../cli/programmes.ts'
import { loadProgrammeFile, loadProgrammeLibrary, PROGRAMMES_DIR, ProgrammeFileError } from './library.ts'

const FIVE = [
  'derby-staying-together',
  'derbyshire-stronger-families',
  'lewisham-safer-stronger',
  'staying-together',
  'tameside-stars',
]

/** A copy of one shipped programme, changed, in a folder of its own. */
function changedCopy(id: string, change: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-programme-'))
  mkdirSync(join(dir, 'sources'))
  copyFileSync(join(PROGRAMMES_DIR, 'sources', `${id}.txt`), join(dir, 'sources', `${id}.txt`))
  const file = join(dir, `${id}.yaml`)
  writeFileSync(file, change(readFileSync(join(PROGRAMMES_DIR, `${id}.yaml`), 'utf8')))
  return file
}

function problemsIn(file: string) {
  try {
    loadProgrammeFile(file)
  } catch (error) {
    assert.ok(error instanceof ProgrammeFileError)
    return error.problems
  }
  assert.fail('the file loaded')
}

describe('the programme library', () => {
  test('the five services load and pass the schema', () => {
    assert.deepEqual(
      loadProgrammeLibrary().programmes.map((p) => p.id),
      FIVE,
    )
  })

  test('every quote in every file is the source document’s own words (checked on load)', () => {
    const problems = problemsIn(
      changedCopy('staying-together', (text) =>
        text.replace('young people aged from 11 to 18 years old', 'young people aged from 10 to 18 years old'),
      ),
    )
    assert.equal(problems.length, 1)
    assert.match(problems[0]?.message ?? '', /this quote is not in sources\/staying-together\.txt/)
    assert.equal(problems[0]?.path, 'eligibility.rule.of.0.of.0.of.0.source')
  })

  test('a mistake names the file, the line, the path inside it and the reason', () => {
    const problems = problemsIn(
      changedCopy('derby-staying-together', (text) => text.replace('within: 5 working days', 'within: 5 fortnights')),
    )
    assert.equal(problems.length, 1)
    const [problem] = problems
    assert.match(problem?.file ?? '', /derby-staying-together\.yaml$/)
    assert.equal(problem?.path, 'timescales.1.within')
    assert.equal(problem?.line, 164)
    assert.match(problem?.message ?? '', /hours, days, working days, weeks or months/)
  })

  test('unknown fields, unknown types, an id that does not match the file name and broken YAML are refused', () => {
    assert.match(
      problemsIn(changedCopy('lewisham-safer-stronger', (t) => t.replace('summary: >-', 'sumary: x\nsummary: >-')))[0]
        ?.message ?? '',
      /does not know: sumary/,
    )
    assert.match(
      problemsIn(
        changedCopy('lewisham-safer-stronger', (t) => t.replace('type: child-in-need-step-down', 'type: cin')),
      )[0]?.message ?? '',
      /"type" Hearth does not know/,
    )
    assert.match(
      problemsIn(
        changedCopy('lewisham-safer-stronger', (t) => t.replace('id: lewisham-safer-stronger', 'id: lewisham')),
      )[0]?.message ?? '',
      /must match the file name/,
    )
    const broken = problemsIn(changedCopy('lewisham-safer-stronger', (t) => t.replace('phases:', 'phases: [')))
    assert.match(broken[0]?.message ?? '', /is not valid YAML/)
    assert.ok(broken[0]?.line)
  })

  test('a phase naming a pathway that does not exist is refused', () => {
    const problems = problemsIn(
      changedCopy('derbyshire-stronger-families', (t) =>
        t.replace('pathways: [crisis-de-escalation]', 'pathways: [crisis]'),
      ),
    )
    assert.equal(problems[0]?.message, 'there is no pathway "crisis"')
  })

  test('programmes/programme.schema.json is the schema Hearth checks with (run `programmes schema` after changing it)', () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), schemaFileText())
  })
})
