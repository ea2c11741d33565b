import { dayNumber, formatIsoDate, type IsoDate } from './isoDate.ts'
import { changeInWords, distanceTravelled, SCALE, type ScoreOnDay } from './measures.ts'

/**
 * The distance-travelled chart: one goal's scaling scores over time, the family's and the
 * worker's, as an SVG string drawn on the server (no script). The scale runs 0 to 10 up the side
 * and the dates along the bottom. It is an image with a title and a description that says what it
 * shows; the page puts a table of the same figures right beneath it, which is the accessible
 * equivalent. Colours are from the GOV.UK palette, and the two lines differ in more than colour
 * (solid with circles, dashed with squares). Presentation attributes only: no inline styles (CSP).
 */

export const CHART = { width: 640, height: 320, left: 56, right: 24, top: 56, bottom: 52 } as const
const FAMILY = { colour: '#1d70b8', name: 'Family’s score' }
const WORKER = { colour: '#0b0c0c', name: 'Worker’s score' }
const GRID = '#b1b4b6'
const INK = '#0b0c0c'
const LABEL_GAP = 96

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** "5 Jan 2026", for the axis. */
export function shortDate(date: IsoDate): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  return `${day} ${SHORT_MONTHS[month - 1]} ${year}`
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const r = (n: number) => Math.round(n * 10) / 10

export interface ChartGeometry {
  x: (day: IsoDate) => number
  y: (score: number) => number
  /** The dates labelled along the bottom: the first, the last, and those between with room. */
  ticks: { day: IsoDate; x: number }[]
}

/** Where dates and scores fall on the chart. Scores oldest first. */
export function geometry(scores: ScoreOnDay[]): ChartGeometry {
  const { width, height, left, right, top, bottom } = CHART
  const inset = 24
  const days = [...new Set(scores.map((s) => s.askedOn))].sort()
  const from = days.length > 0 ? dayNumber(days[0] as IsoDate) : 0
  const to = days.length > 0 ? dayNumber(days.at(-1) as IsoDate) : 0
  const plotLeft = left + inset
  const plotWidth = width - right - inset - plotLeft
  const x = (day: IsoDate) =>
    to === from ? plotLeft + plotWidth / 2 : plotLeft + ((dayNumber(day) - from) / (to - from)) * plotWidth
  const y = (score: number) =>
    top + ((SCALE.maximum - score) / (SCALE.maximum - SCALE.minimum)) * (height - top - bottom)
  const ticks: { day: IsoDate; x: number }[] = []
  const last = days.at(-1)
  for (const day of days) {
    const at = x(day)
    const previous = ticks.at(-1)
    const roomBefore = !previous || at - previous.x >= LABEL_GAP
    const roomAfter = day === last || last === undefined || x(last) - at >= LABEL_GAP
    if (roomBefore && roomAfter) ticks.push({ day, x: at })
  }
  return { x, y, ticks }
}

/** What the chart shows, in words: the family's and the worker's first and latest scores, and the change. */
export function describeChart(scores: ScoreOnDay[]): string {
  if (scores.length === 0) return 'No scores yet.'
  const part = (side: 'familyScore' | 'workerScore', who: string) => {
    const d = distanceTravelled(scores, side)
    if (!d.first || !d.latest) return `${who} has not given a score yet.`
    const first = `${who} scored ${d.first.score} on ${formatIsoDate(d.first.on)}`
    if (d.change === null) return `${first}.`
    return `${first}, and ${d.latest.score} on ${formatIsoDate(d.latest.on)}: ${changeInWords(d.change)}.`
  }
  return `${part('familyScore', 'The family')} ${part('workerScore', 'The worker')}`
}

/** The chart as SVG markup. `id` makes the title and description ids unique on the page. */
export function distanceChart(scores: ScoreOnDay[], options: { id: string; title: string }): string {
  const { width, height, left, right, top, bottom } = CHART
  const g = geometry(scores)
  const id = escapeXml(options.id)
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="hearth-chart__svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false" font-family="arial, sans-serif" font-size="14">`,
    `<title id="${id}-title">${escapeXml(options.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(`${describeChart(scores)} The table below gives every score.`)}</desc>`,
  )
  // The key, above the chart.
  out.push(
    `<line x1="${left}" x2="${left + 32}" y1="20" y2="20" stroke="${FAMILY.colour}" stroke-width="3"/>`,
    `<circle cx="${left + 16}" cy="20" r="5" fill="${FAMILY.colour}"/>`,
    `<text x="${left + 40}" y="25" fill="${INK}">${FAMILY.name}</text>`,
    `<line x1="${left + 200}" x2="${left + 232}" y1="20" y2="20" stroke="${WORKER.colour}" stroke-width="3" stroke-dasharray="6 4"/>`,
    `<rect x="${left + 211}" y="15" width="10" height="10" fill="#ffffff" stroke="${WORKER.colour}" stroke-width="2"/>`,
    `<text x="${left + 240}" y="25" fill="${INK}">${WORKER.name}</text>`,
  )
  // The 0 to 10 scale, with a line at every second point.
  for (let score = SCALE.minimum; score <= SCALE.maximum; score += 2) {
    const y = r(g.y(score))
    out.push(
      `<line x1="${left}" x2="${width - right}" y1="${y}" y2="${y}" stroke="${GRID}" stroke-width="1"/>`,
      `<text x="${left - 10}" y="${y + 5}" text-anchor="end" fill="${INK}">${score}</text>`,
    )
  }
  out.push(
    `<text x="16" y="${r((top + height - bottom) / 2)}" text-anchor="middle" fill="${INK}" transform="rotate(-90 16 ${r((top + height - bottom) / 2)})">Score, 0 to 10</text>`,
    `<line x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}" stroke="${INK}" stroke-width="1"/>`,
  )
  for (const tick of g.ticks) {
    out.push(
      `<line x1="${r(tick.x)}" x2="${r(tick.x)}" y1="${height - bottom}" y2="${height - bottom + 6}" stroke="${INK}" stroke-width="1"/>`,
      `<text x="${r(tick.x)}" y="${height - bottom + 24}" text-anchor="middle" fill="${INK}">${shortDate(tick.day)}</text>`,
    )
  }
  // The two lines, then their points on top.
  const points = (side: 'familyScore' | 'workerScore') =>
    scores.filter((s) => s[side] !== null).map((s) => [r(g.x(s.askedOn)), r(g.y(s[side] as number))] as const)
  const family = points('familyScore')
  const worker = points('workerScore')
  const path = (list: (readonly [number, number])[]) =>
    list.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x},${y}`).join(' ')
  if (worker.length > 1) {
    out.push(
      `<path d="${path(worker)}" fill="none" stroke="${WORKER.colour}" stroke-width="3" stroke-dasharray="6 4"/>`,
    )
  }
  if (family.length > 1) out.push(`<path d="${path(family)}" fill="none" stroke="${FAMILY.colour}" stroke-width="3"/>`)
  for (const [x, y] of worker) {
    out.push(
      `<rect x="${x - 5}" y="${y - 5}" width="10" height="10" fill="#ffffff" stroke="${WORKER.colour}" stroke-width="2"/>`,
    )
  }
  for (const [x, y] of family) out.push(`<circle cx="${x}" cy="${y}" r="5" fill="${FAMILY.colour}"/>`)
  out.push('</svg>')
  return out.join('')
}
