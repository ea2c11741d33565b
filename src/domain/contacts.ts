import { TZDate } from '@date-fns/tz'
import { LONDON } from './dates.ts'
import type { IsoDate } from './isoDate.ts'

/**
 * Contacts with a family. Attempted visits and visits where nobody answered are contacts too,
 * so that assertive outreach shows in the record.
 */

export const CONTACT_TYPES = {
  'home-visit': 'Home visit',
  office: 'Office or centre visit',
  phone: 'Phone call',
  video: 'Video call',
  message: 'Message (text, email or letter)',
  'group-session': 'Group session',
  'out-of-hours': 'Out of hours',
} as const
export type ContactType = keyof typeof CONTACT_TYPES

export const CONTACT_OUTCOMES = {
  completed: 'Took place',
  attempted: 'Attempted: could not reach the family',
  'no-access': 'No access: visited, but could not get in',
} as const
export type ContactOutcome = keyof typeof CONTACT_OUTCOMES

/** Contacts at which a worker can see the family in person (or on video). */
export const SEEING_TYPES: readonly ContactType[] = ['home-visit', 'office', 'video', 'group-session', 'out-of-hours']

/** Whether a contact saw the family: it took place, in a way that lets the worker see them. */
export function seesFamily(contact: { type: string; outcome: string }): boolean {
  return contact.outcome === 'completed' && (SEEING_TYPES as readonly string[]).includes(contact.type)
}

/** Each child at a contact: whether they were seen, and seen on their own. */
export interface ChildSeen {
  personId: string
  seen: boolean
  seenAlone: boolean
}

/** How a child was seen at a contact, as one answer: a child seen alone was seen. */
export const CHILD_SIGHTINGS = {
  'not-seen': 'Not seen',
  seen: 'Seen, with others there',
  'seen-alone': 'Seen, and seen on their own',
} as const
export type ChildSighting = keyof typeof CHILD_SIGHTINGS

export function sightingOf(child: Pick<ChildSeen, 'seen' | 'seenAlone'> | undefined): ChildSighting {
  if (!child?.seen) return 'not-seen'
  return child.seenAlone ? 'seen-alone' : 'seen'
}

export function childSeen(personId: string, sighting: ChildSighting): ChildSeen {
  return { personId, seen: sighting !== 'not-seen', seenAlone: sighting === 'seen-alone' }
}

/**
 * Why the children's answers cannot be right, if they cannot: a child seen alone was seen;
 * and no child is seen at a contact that did not take place, or at a call or a message.
 */
export function sightingProblem(
  contact: { type: string; outcome: string },
  children: readonly Pick<ChildSeen, 'seen' | 'seenAlone'>[],
): string | undefined {
  if (children.some((c) => c.seenAlone && !c.seen)) return 'A child seen on their own was seen: say they were seen'
  if (!children.some((c) => c.seen)) return undefined
  if (contact.outcome !== 'completed') return 'A child cannot be seen at a contact that did not take place'
  if (!(SEEING_TYPES as readonly string[]).includes(contact.type)) {
    return 'A child cannot be seen at a phone call or a message'
  }
  return undefined
}

/** The earliest home visit that took place: the first home visit the programme counts from. */
export function firstHomeVisit<T extends { id: string; type: string; outcome: string; occurredAt: Date }>(
  contacts: readonly T[],
): T | undefined {
  return contacts
    .filter((c) => c.type === 'home-visit' && c.outcome === 'completed')
    .reduce<T | undefined>(
      (first, c) =>
        !first ||
        c.occurredAt.getTime() < first.occurredAt.getTime() ||
        (c.occurredAt.getTime() === first.occurredAt.getTime() && c.id < first.id)
          ? c
          : first,
      undefined,
    )
}

/** A time of day as people type it ("14:30", "9.05", "2:30pm"), as hours and minutes; undefined if not a time. */
export function readTimeOfDay(text: string): { hours: number; minutes: number } | undefined {
  const match = /^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$/i.exec(text.trim())
  if (!match) return undefined
  let hours = Number(match[1])
  const minutes = match[2] === undefined ? 0 : Number(match[2])
  const half = match[3]?.toLowerCase()
  if (match[2] === undefined && !half) return undefined
  if (half) {
    if (hours < 1 || hours > 12) return undefined
    hours = (hours % 12) + (half === 'pm' ? 12 : 0)
  }
  if (hours > 23 || minutes > 59) return undefined
  return { hours, minutes }
}

/** "14:30": the time of day in the UK at which an instant falls, for an edit form. */
export function londonTimeOfDay(instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '00'
  return `${part('hour')}:${part('minute')}`
}

/** The instant of a UK date and time of day (the clocks' change is Europe/London's). */
export function londonInstant(date: IsoDate, time: { hours: number; minutes: number }): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  return new Date(new TZDate(year, month - 1, day, time.hours, time.minutes, 0, 0, LONDON).getTime())
}
