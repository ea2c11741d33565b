import type { Calendar } from './calendar.ts'
import { datedDeadline } from './deadlines.ts'
import { formatIsoDate, type IsoDate, londonMoment } from './isoDate.ts'
import {
  isCurrentConsent,
  isLawfulReason,
  LAWFUL_REASONS,
  mustConsent,
  type NetworkConsent,
  type NetworkPerson,
} from './network.ts'
import type { Programme } from './programme/schema.ts'

/**
 * Onward referrals: the family's plan sends them to another agency for targeted support (STARS:
 * "referrals to other agencies to provide additional targeted support"; Staying Together: "It will
 * support and co-ordinate services for them"). What was sent, on what basis, when a response is
 * due, each time it was chased, and what came of it. Pure rules, no clock: pass `today` or `now`.
 */

export const REFERRAL_OUTCOMES = {
  accepted: 'Accepted',
  declined: 'Declined',
  'waiting-list': 'On a waiting list',
  'support-completed': 'Support completed',
  'no-response': 'No response',
} as const
export type ReferralOutcome = keyof typeof REFERRAL_OUTCOMES

export function isReferralOutcome(value: string): value is ReferralOutcome {
  return Object.hasOwn(REFERRAL_OUTCOMES, value)
}

/** What a referral rests on: the family's consent, or a lawful reason to refer without it. */
export const REFERRAL_BASES = {
  consent: 'With consent',
  ...Object.fromEntries(Object.entries(LAWFUL_REASONS).map(([key, text]) => [key, `Without consent: ${text}`])),
} as Record<'consent' | keyof typeof LAWFUL_REASONS, string>
export type ReferralBasis = keyof typeof REFERRAL_BASES

export function isReferralBasis(value: string): value is ReferralBasis {
  return value === 'consent' || isLawfulReason(value)
}

/** The response is asked for within 10 working days of sending, unless the worker says otherwise. */
export const RESPONSE_WORKING_DAYS = 10
/** After a chase, the suggested new date: 5 working days on. */
export const CHASE_WORKING_DAYS = 5
/** Due soon this many days before (the same as the case's "Response from …" deadline). */
export const RESPONSE_SOON_DAYS = 2

/** Where a referral stands: waiting for a response (due soon, overdue) or answered. */
export const REFERRAL_STATES = {
  waiting: 'Waiting',
  'due-soon': 'Due soon',
  overdue: 'Overdue — chase',
  responded: 'Responded',
} as const
export type ReferralState = keyof typeof REFERRAL_STATES

export function suggestedResponseDue(sentOn: IsoDate, calendar: Calendar): IsoDate {
  return calendar.addWorkingDays(sentOn, RESPONSE_WORKING_DAYS)
}

export function suggestedChaseDue(chasedOn: IsoDate, calendar: Calendar): IsoDate {
  return calendar.addWorkingDays(chasedOn, CHASE_WORKING_DAYS)
}

/**
 * The referral's state at `now`, counted exactly as the case's "Response from …" deadline is
 * (due by the end of the response date, due soon two days before), so the list, the case header
 * and My work always agree.
 */
export function referralState(
  referral: { agency: string; sentOn: IsoDate; responseDueOn: IsoDate; respondedOn: IsoDate | null },
  now: Date,
): ReferralState {
  if (referral.respondedOn) return 'responded'
  const { status } = datedDeadline(
    {
      id: 'referral',
      name: `Response from ${referral.agency}`,
      kind: 'referral-response',
      anchor: { type: 'referral-sent', at: londonMoment(referral.sentOn, 12, 0) },
      dueOn: referral.responseDueOn,
      soonDays: RESPONSE_SOON_DAYS,
    },
    now,
  )
  return status === 'overdue' ? 'overdue' : status === 'due-soon' ? 'due-soon' : 'waiting'
}

/** Field → message: every problem at once. */
export type Problems = Record<string, string>

/** What a sent referral's dates must satisfy: sent on a day of the case, the response due on or after. */
export function sendingProblems(
  input: { sentOn?: IsoDate | undefined; responseDueOn?: IsoDate | undefined },
  context: { today: IsoDate; acceptedOn: IsoDate; firstChasedOn?: IsoDate | undefined; respondedOn?: IsoDate | null },
): Problems {
  const problems: Problems = {}
  const { sentOn, responseDueOn } = input
  if (sentOn && sentOn > context.today) problems.sentOn = 'The date the referral was sent must be today or in the past'
  else if (sentOn && sentOn < context.acceptedOn) {
    problems.sentOn = `The date the referral was sent must be on or after ${formatIsoDate(context.acceptedOn)}, when the family was accepted`
  } else if (sentOn && context.firstChasedOn && sentOn > context.firstChasedOn) {
    problems.sentOn = `The date the referral was sent must be on or before ${formatIsoDate(context.firstChasedOn)}, when it was first chased`
  } else if (sentOn && context.respondedOn && sentOn > context.respondedOn) {
    problems.sentOn = `The date the referral was sent must be on or before ${formatIsoDate(context.respondedOn)}, when the agency responded`
  }
  if (sentOn && responseDueOn && responseDueOn < sentOn) {
    problems.responseDueOn = 'The date a response is due must be on or after the date the referral was sent'
  }
  return problems
}

/** A chase: only while waiting, on a day from the sending (and the last chase) to today; a new due date after it. */
export function chaseProblems(
  input: { chasedOn?: IsoDate | undefined; responseDueOn?: IsoDate | undefined },
  referral: { sentOn: IsoDate; chasedOn: IsoDate[]; respondedOn: IsoDate | null },
  today: IsoDate,
): Problems {
  if (referral.respondedOn) {
    return { form: 'The agency has already responded, so the referral cannot be chased' }
  }
  const problems: Problems = {}
  const { chasedOn, responseDueOn } = input
  const last = referral.chasedOn.at(-1)
  if (chasedOn && chasedOn > today) problems.chasedOn = 'The date it was chased must be today or in the past'
  else if (chasedOn && chasedOn < referral.sentOn) {
    problems.chasedOn = `The date it was chased must be on or after ${formatIsoDate(referral.sentOn)}, when the referral was sent`
  } else if (chasedOn && last && chasedOn <= last) {
    problems.chasedOn = `The date it was chased must be after ${formatIsoDate(last)}, when it was last chased`
  }
  if (chasedOn && responseDueOn && responseDueOn <= chasedOn) {
    problems.responseDueOn = 'The new date a response is due must be after the date it was chased'
  }
  return problems
}

/** A response: on or after the day the referral was sent, not in the future. */
export function responseProblems(
  input: { respondedOn?: IsoDate | undefined },
  referral: { sentOn: IsoDate },
  today: IsoDate,
): Problems {
  const { respondedOn } = input
  if (respondedOn && respondedOn > today)
    return { respondedOn: 'The date of the response must be today or in the past' }
  if (respondedOn && respondedOn < referral.sentOn) {
    return {
      respondedOn: `The date of the response must be on or after ${formatIsoDate(referral.sentOn)}, when the referral was sent`,
    }
  }
  return {}
}

/** Whose consent to refer covers a referral to `agency` on `on`, and whether Hearth should warn. */
export interface ReferralConsent {
  basis: ReferralBasis
  /** The lawful reason, in words, when the referral is made without consent. */
  lawfulReason: string | null
  /** Everyone whose consent to a referral covers this agency on the day. */
  consentedBy: NetworkPerson[]
  /** Parents, carers and young people of 16 or over with no such consent. */
  notFrom: NetworkPerson[]
  /** With consent as its basis, but no one on the case has consented: a warning, never a block. */
  warning: boolean
}

const sameAgency = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase()

/** A consent to a referral: to any agency (agency left blank), or to this one by name. */
export function coversReferral(consent: NetworkConsent, agency: string | undefined, on: IsoDate): boolean {
  return (
    consent.purpose === 'onward-referral' &&
    (!consent.agency?.trim() || (agency !== undefined && sameAgency(consent.agency, agency))) &&
    isCurrentConsent(consent, on)
  )
}

/**
 * The consent behind a referral (practice: "Sharing without consent is lawful where there is
 * risk of significant harm or a legal duty; record why"). With no agency yet (a blank form),
 * only consent to a referral to any agency counts.
 */
export function referralConsent(
  basis: ReferralBasis,
  agency: string | undefined,
  people: NetworkPerson[],
  consents: NetworkConsent[],
  on: IsoDate,
): ReferralConsent {
  const covered = (p: NetworkPerson) => consents.some((c) => c.personId === p.personId && coversReferral(c, agency, on))
  const consentedBy = people.filter(covered)
  return {
    basis,
    lawfulReason: basis === 'consent' ? null : LAWFUL_REASONS[basis],
    consentedBy,
    notFrom: people.filter((p) => mustConsent(p, on) && !covered(p)),
    warning: basis === 'consent' && consentedBy.length === 0,
  }
}

/** The chase the list shows: each day, with the due date it set, oldest first. */
export function chaseDays(chasedOn: unknown): IsoDate[] {
  return Array.isArray(chasedOn) ? chasedOn.filter((d): d is IsoDate => typeof d === 'string') : []
}

/** The first line of the reason, cut short for a table. */
export function shortReason(reason: string, max = 80): string {
  const line = reason.trim().split(/\r?\n/)[0]?.trim() ?? ''
  if (line.length <= max) return line
  const cut = line.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`
}

/** A place in the programme file that says why the service refers on or co-ordinates others. */
export interface ReferralSource {
  /** What the programme calls it: its plan, or an item of its support catalogue. */
  about: string
  /** The service's own words. */
  source: string
}

/**
 * The service's own words for referring on and co-ordinating other services, from its programme
 * file (its plan and support catalogue), so the page can say why the work is done.
 */
export function referralSources(programme: Pick<Programme, 'plan' | 'support'>): ReferralSource[] {
  const mentions = /referrals? to other agenc|co-ordinat/i
  const places = [
    ...(programme.plan.source ? [{ about: programme.plan.name, source: programme.plan.source }] : []),
    ...programme.support.map((s) => ({ about: s.name, source: s.source })),
  ]
  return places.filter((p) => mentions.test(p.about) || mentions.test(p.source))
}
