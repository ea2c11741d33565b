import type { Duration, Programme } from '../../domain/programme/schema.ts'
import { CASE_EVENTS, PARTICIPANTS } from '../../domain/programme/vocabulary.ts'
import { describeDuration } from './describe.ts'

/**
 * The timeline picture of a programme: phases as bars, reviews and timescales as markers, on
 * an axis of weeks from the day support starts. It is drawn as SVG on the server, and the same
 * items are listed in a table beside it, so nothing is only in the picture.
 */

export interface TimelineItem {
  kind: 'phase' | 'review' | 'timescale'
  label: string
  /** Weeks from the start of support. */
  start: number
  end: number
  /** For a phase with a minimum and a maximum, where the minimum falls. */
  minimum?: number
  when: string
  /** False when the anchor has no place on the axis (closure, say): the item is in the table only. */
  pictured: boolean
}

export interface TimelineRow {
  y: number
  label: string
  kind: TimelineItem['kind']
  x: number
  width: number
  minimumX?: number
  markers?: { x: number; label: string }[]
}

export interface Timeline {
  items: TimelineItem[]
  weeks: number
  width: number
  height: number
  chartLeft: number
  rows: TimelineRow[]
  ticks: { x: number; label: string }[]
  description: string
}

const WEEKS_IN: Record<Duration['unit'], number> = {
  hours: 1 / 168,
  days: 1 / 7,
  'working days': 1 / 5,
  weeks: 1,
  months: 52 / 12,
}
const inWeeks = (d: Duration) => d.amount * WEEKS_IN[d.unit]

export function timelineFor(programme: Programme): Timeline {
  const items: TimelineItem[] = []
  // When each event happens, in weeks from the start of support, as far as the phases tell us.
  const eventAt = new Map<string, number>([
    ['referral-received', 0],
    ['case-discussion', 0],
    ['accepted', 0],
    ['allocated', 0],
    ['support-started', 0],
  ])
  let previousEnd = 0
  for (const phase of programme.phases) {
    const start = eventAt.get(phase.startsWith) ?? previousEnd
    eventAt.set(phase.startsWith, start)
    const length = phase.length ?? phase.maximum
    const end = start + (length ? inWeeks(length) : 0)
    const pathways = phase.pathways?.map((id) => programme.pathways.find((p) => p.id === id)?.name ?? id)
    items.push({
      kind: 'phase',
      label: phase.name,
      start,
      end,
      minimum: phase.minimum ? start + inWeeks(phase.minimum) : undefined,
      pictured: true,
      when: [
        phase.length
          ? describeDuration(phase.length)
          : `${phase.minimum ? `${describeDuration(phase.minimum)} to ` : 'up to '}${describeDuration(phase.maximum as Duration)}`,
        `from ${CASE_EVENTS[phase.startsWith].toLowerCase()}`,
        pathways ? `(${pathways.join(', ')} only)` : '',
      ]
        .filter(Boolean)
        .join(' '),
    })
    previousEnd = Math.max(previousEnd, end)
  }
  for (const review of programme.reviewSchedule?.reviews ?? []) {
    const attendees = review.attendees.map((a) => PARTICIPANTS[a].toLowerCase())
    items.push({
      kind: 'review',
      label: `Week ${review.week} review`,
      start: review.week,
      end: review.week,
      pictured: true,
      when: `by the end of week ${review.week}${attendees.length ? `, with the ${attendees.join(' and ')}` : ''}`,
    })
  }
  for (const timescale of programme.timescales) {
    const anchor = timescale.from[0] as keyof typeof CASE_EVENTS
    const start = eventAt.get(anchor)
    // What meets a timescale happens, at the latest, when it falls due: later timescales can count from there.
    if (start !== undefined) {
      for (const event of timescale.metBy)
        if (!eventAt.has(event)) eventAt.set(event, start + inWeeks(timescale.within))
    }
    items.push({
      kind: 'timescale',
      label: timescale.name,
      start: start ?? 0,
      end: (start ?? 0) + inWeeks(timescale.within),
      pictured: start !== undefined,
      when: `within ${describeDuration(timescale.within)} of ${CASE_EVENTS[anchor].toLowerCase()}`,
    })
  }

  const weeks = Math.max(4, Math.ceil(Math.max(...items.filter((i) => i.pictured).map((i) => i.end))))
  const width = 960
  const chartLeft = 300
  const chartWidth = width - chartLeft - 30
  const x = (week: number) => Math.round(chartLeft + (week / weeks) * chartWidth)
  const rowHeight = 34
  const rows: TimelineRow[] = []
  let y = 40
  for (const item of items.filter((i) => i.kind === 'phase')) {
    rows.push({
      y,
      label: item.label,
      kind: 'phase',
      x: x(item.start),
      width: Math.max(2, x(item.end) - x(item.start)),
      minimumX: item.minimum !== undefined ? x(item.minimum) : undefined,
    })
    y += rowHeight
  }
  const reviews = items.filter((i) => i.kind === 'review')
  if (reviews.length > 0) {
    rows.push({
      y,
      label: 'Reviews',
      kind: 'review',
      x: chartLeft,
      width: 0,
      markers: reviews.map((r) => ({ x: x(r.end), label: `Week ${r.end}` })),
    })
    y += rowHeight
  }
  for (const item of items.filter((i) => i.kind === 'timescale' && i.pictured)) {
    rows.push({
      y,
      label: item.label,
      kind: 'timescale',
      x: x(item.start),
      width: Math.max(0, x(item.end) - x(item.start)),
      markers: [{ x: x(item.end), label: '' }],
    })
    y += rowHeight
  }
  const step = weeks <= 16 ? 2 : weeks <= 32 ? 4 : weeks <= 60 ? 8 : 13
  const ticks: Timeline['ticks'] = []
  for (let week = 0; week <= weeks; week += step) ticks.push({ x: x(week), label: String(week) })

  const phases = items.filter((i) => i.kind === 'phase')
  const description = `${phases.map((p) => `${p.label}: ${p.when}`).join('. ')}.${
    reviews.length ? ` Reviews in weeks ${reviews.map((r) => r.end).join(', ')}.` : ''
  }`
  return { items, weeks, width, height: y + 30, chartLeft, rows, ticks, description }
}
