import { readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml'
import type { z } from 'zod'
import { type Criterion, type Programme, programmeSchema } from '../domain/programme/schema.ts'

/** The programme files shipped with Hearth. */
export const PROGRAMMES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../programmes')

export interface ProgrammeProblem {
  file: string
  /** Where in the file: `eligibility.rule.of.0.minimum.years` */
  path: string
  line?: number
  message: string
}

/** A programme file that cannot be used, with every problem found in it. */
export class ProgrammeFileError extends Error {
  constructor(readonly problems: ProgrammeProblem[]) {
    super(problems.map(formatProblem).join('\n'))
    this.name = 'ProgrammeFileError'
  }
}

export function formatProblem(problem: ProgrammeProblem): string {
  const where = [problem.line ? `line ${problem.line}` : undefined, problem.path || undefined]
    .filter(Boolean)
    .join(', ')
  return `${problem.file}${where ? ` (${where})` : ''}: ${problem.message}`
}

export interface ProgrammeLibrary {
  programmes: Programme[]
  get(id: string): Programme | undefined
}

/** Reads and checks one programme file. Throws ProgrammeFileError listing every problem. */
export function loadProgrammeFile(file: string): Programme {
  const shown = displayName(file)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new ProgrammeFileError([{ file: shown, path: '', message: 'cannot be read' }])
  }
  const lines = new LineCounter()
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true })
  if (document.errors.length > 0) {
    throw new ProgrammeFileError(
      document.errors.map((error) => ({
        file: shown,
        path: '',
        line: error.linePos?.[0]?.line,
        message: `is not valid YAML: ${error.message.split(/ at line \d/)[0]}`,
      })),
    )
  }
  const result = programmeSchema.safeParse(document.toJS())
  if (!result.success) {
    throw new ProgrammeFileError(
      result.error.issues.map((issue) => ({
        file: shown,
        path: issue.path.join('.'),
        line: lineOf(document, lines, issue.path),
        message: describeIssue(issue),
      })),
    )
  }
  const programme = result.data
  const problems: ProgrammeProblem[] = []
  if (programme.id !== basename(file).replace(/\.ya?ml$/, '')) {
    problems.push({ file: shown, path: 'id', message: `the id "${programme.id}" must match the file name` })
  }
  problems.push(...checkQuotes(programme, dirname(file), shown))
  if (problems.length > 0) throw new ProgrammeFileError(problems)
  return programme
}

/** Every programme file in a folder. Problems in all files are reported together. */
export function loadProgrammeLibrary(dir = PROGRAMMES_DIR): ProgrammeLibrary {
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
  const programmes: Programme[] = []
  const problems: ProgrammeProblem[] = []
  for (const name of files) {
    try {
      programmes.push(loadProgrammeFile(join(dir, name)))
    } catch (error) {
      if (!(error instanceof ProgrammeFileError)) throw error
      problems.push(...error.problems)
    }
  }
  if (files.length === 0) problems.push({ file: displayName(dir), path: '', message: 'has no programme files' })
  if (problems.length > 0) throw new ProgrammeFileError(problems)
  const byId = new Map(programmes.map((p) => [p.id, p]))
  return { programmes, get: (id) => byId.get(id) }
}

/** A library built from definitions already in memory (tests, and checks of one file). */
export function programmeLibrary(programmes: Programme[]): ProgrammeLibrary {
  const byId = new Map(programmes.map((p) => [p.id, p]))
  return { programmes, get: (id) => byId.get(id) }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `has a field Hearth does not know: ${issue.keys.join(', ')}`
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `must be one of: ${(issue.values as unknown[]).map(String).join(', ')}`
  }
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return 'has a "type" Hearth does not know'
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return 'is missing'
  return issue.message
}

function lineOf(
  document: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  path: PropertyKey[],
): number | undefined {
  for (let length = path.length; length >= 0; length -= 1) {
    const node = document.getIn(path.slice(0, length) as unknown[], true) as
      | { range?: [number, number, number] }
      | undefined
    if (node && (isMap(node) || isSeq(node) || node.range)) {
      const offset = node.range?.[0]
      if (offset !== undefined) return lines.linePos(offset).line
    }
  }
  return undefined
}

function displayName(file: string): string {
  const shown = relative(process.cwd(), file)
  return shown.startsWith('..') ? file : shown
}

/** Straight and curly quotes, dashes and runs of space count as the same when matching a quote. */
export function normaliseQuote(text: string): string {
  return text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/[–—]/g, '-').replace(/\s+/g, ' ').trim()
}

/** Every `source` must be the source document's own words. */
function checkQuotes(programme: Programme, dir: string, shown: string): ProgrammeProblem[] {
  let documentText: string
  try {
    documentText = normaliseQuote(readFileSync(join(dir, programme.sourceDocument.file), 'utf8'))
  } catch {
    return [{ file: shown, path: 'sourceDocument.file', message: `cannot read ${programme.sourceDocument.file}` }]
  }
  const problems: ProgrammeProblem[] = []
  for (const [path, quote] of quotesIn(programme)) {
    if (!documentText.includes(normaliseQuote(quote))) {
      problems.push({ file: shown, path, message: `this quote is not in ${programme.sourceDocument.file}: "${quote}"` })
    }
  }
  return problems
}

function quotesIn(value: unknown, path: string[] = []): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => quotesIn(item, [...path, String(index)]))
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      key === 'source' && typeof item === 'string'
        ? [[[...path, key].join('.'), item] as [string, string]]
        : quotesIn(item, [...path, key]),
    )
  }
  return []
}

/** Every criterion in a rule tree, depth first. */
export function criteriaIn(rule: Criterion): Criterion[] {
  return rule.type === 'all' || rule.type === 'any' ? [rule, ...rule.of.flatMap(criteriaIn)] : [rule]
}
