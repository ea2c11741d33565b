import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { screen } from '../domain/eligibility.ts'
import { loadProgrammeFile } from './library.ts'

test("the README's worked example of a programme file loads, and screens as it says", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('### Writing a programme file'))
  const leaflet = /```text\n([\s\S]*?)```/.exec(section)?.[1]
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1]
  assert.ok(leaflet && yaml, 'the README has the example leaflet and file')
  const dir = mkdtempSync(join(tmpdir(), 'hearth-readme-'))
  mkdirSync(join(dir, 'sources'))
  writeFileSync(join(dir, 'sources', 'northshire-edge-of-care.txt'), leaflet)
  writeFileSync(join(dir, 'northshire-edge-of-care.yaml'), yaml)
  const programme = loadProgrammeFile(join(dir, 'northshire-edge-of-care.yaml'))
  assert.equal(programme.id, 'northshire-edge-of-care')
  const result = screen(programme, { children: [{ age: 17 }], safeguardingLevel: 3 }, '2026-11-23')
  assert.equal(result.result, 'needs-judgement')
  assert.equal(screen(programme, { children: [{ age: 9 }], safeguardingLevel: 3 }, '2026-11-23').result, 'not-eligible')
})
