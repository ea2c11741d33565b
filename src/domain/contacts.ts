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
