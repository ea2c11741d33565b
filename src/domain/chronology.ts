/**
 * The family's chronology: a date-ordered record of significant events, good and bad, not
 * every contact (../shared/domain/practice.md). Hearth writes the events it knows about
 * (referral, decision, allocation, phases); workers add the rest.
 */

export const CHRONOLOGY_CATEGORIES = {
  referral: 'Referral and decision',
  allocation: 'Allocation',
  phase: 'Stage of the work',
  contact: 'Contact with the family',
  plan: 'Plans and reviews',
  safeguarding: 'Safeguarding',
  health: 'Health',
  education: 'Education',
  police: 'Police and justice',
  housing: 'Housing and money',
  family: 'Family life and relationships',
  progress: 'Progress and achievements',
  closure: 'Closure',
  other: 'Other',
} as const
export type ChronologyCategory = keyof typeof CHRONOLOGY_CATEGORIES

/** Categories a worker chooses from (Hearth's own categories are written by Hearth). */
export const WORKER_CATEGORIES: readonly ChronologyCategory[] = [
  'safeguarding',
  'health',
  'education',
  'police',
  'housing',
  'family',
  'progress',
  'plan',
  'other',
]

export function isChronologyCategory(value: string): value is ChronologyCategory {
  return Object.hasOwn(CHRONOLOGY_CATEGORIES, value)
}

/** Who wrote an entry: Hearth itself (from something that happened in Hearth) or a worker. */
export const CHRONOLOGY_ORIGINS = { hearth: 'Hearth', worker: 'Worker' } as const
export type ChronologyOrigin = keyof typeof CHRONOLOGY_ORIGINS

/**
 * One CSV cell (RFC 4180): a cell a spreadsheet would read as a formula (starting with
 * = + - @, a tab or a carriage return) is prefixed with a single quote so it stays text, and
 * a cell holding a comma, a double quote or a line break is quoted with its quotes doubled.
 */
export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Rows of cells as CSV text: CRLF between records, as RFC 4180 says, and after the last. */
export function csvText(rows: (string | number | null | undefined)[][]): string {
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('')
}

/** The byte order mark that makes Excel read a CSV file as UTF-8. */
export const UTF8_BOM = '\uFEFF'

export interface ChronologyCsvEntry {
  occurredOn: string
  headline: string
  category: string
  source: string | null
  impact: string | null
  action: string | null
  recordedByName: string | null
  origin: string
}

export const CHRONOLOGY_CSV_HEADINGS = [
  'Date',
  'Headline',
  'Category',
  'Source',
  'Impact on the child',
  'Action or decision',
  'Recorded by',
  'Written by',
]

/** The chronology as a CSV file for a spreadsheet, with the byte order mark Excel needs. */
export function chronologyCsv(entries: ChronologyCsvEntry[]): string {
  return (
    UTF8_BOM +
    csvText([
      CHRONOLOGY_CSV_HEADINGS,
      ...entries.map((e) => [
        e.occurredOn,
        e.headline,
        isChronologyCategory(e.category) ? CHRONOLOGY_CATEGORIES[e.category] : e.category,
        e.source,
        e.impact,
        e.action,
        e.recordedByName,
        e.origin === 'hearth' ? CHRONOLOGY_ORIGINS.hearth : CHRONOLOGY_ORIGINS.worker,
      ]),
    ])
  )
}
