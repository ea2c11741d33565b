import type { Calendar } from './calendar.ts'
import { dueAfter } from './deadlines.ts'
import type { Screening } from './eligibility.ts'
import type { Duration, Programme } from './programme/schema.ts'

/**
 * The life of a referral, from arriving to a decision. Pure rules: what a status may become,
 * what a decision needs, and when it is due.
 */

export const REFERRAL_STATUSES = {
  new: 'New',
  screening: 'Screening',
  'awaiting-decision': 'Awaiting decision',
  accepted: 'Accepted',
  declined: 'Declined',
  signposted: 'Signposted',
  withdrawn: 'Withdrawn',
} as const
export type ReferralStatus = keyof typeof REFERRAL_STATUSES

export const OPEN_STATUSES: readonly ReferralStatus[] = ['new', 'screening', 'awaiting-decision']
export const isOpen = (status: ReferralStatus) => OPEN_STATUSES.includes(status)

export const DECLINE_REASONS = {
  'criteria-not-met': 'The criteria are not met',
  'needs-met-elsewhere': 'Needs are better met by another service',
  'no-consent': 'The family does not agree to the referral',
  'threshold-too-high': 'The level of risk needs a statutory response',
  'no-capacity': 'The service cannot take the family at the moment',
  other: 'Another reason',
} as const
export type DeclineReason = keyof typeof DECLINE_REASONS

export type Decision =
  | {
      outcome: 'accept'
      pathway?: string
      rationale?: string
      /** When the referrer was not sure which service: the service chosen now. */
      programmeId?: string
    }
  | { outcome: 'decline'; reason: DeclineReason; detail: string; signpostTo?: string }
  | { outcome: 'signpost'; signpostTo: string; detail?: string }
  | { outcome: 'more-information'; detail: string }
  | { outcome: 'withdrawn'; detail?: string }

/** The answers a decision is made of, from the decision page or the API. */
export const DECISION_FIELDS = [
  'outcome',
  'programmeId',
  'pathway',
  'rationale',
  'reason',
  'detail',
  'signpostTo',
] as const

/**
 * The decision some answers describe, or undefined if no outcome (or, to decline, no reason)
 * was given. Blank answers count as not given.
 */
export function decisionFromAnswers(
  answers: Partial<Record<(typeof DECISION_FIELDS)[number], string | undefined>>,
): Decision | undefined {
  const given = (name: (typeof DECISION_FIELDS)[number]) => answers[name]?.trim() || undefined
  switch (given('outcome')) {
    case 'accept':
      return {
        outcome: 'accept',
        pathway: given('pathway'),
        rationale: given('rationale'),
        programmeId: given('programmeId'),
      }
    case 'decline': {
      const reason = given('reason')
      if (!reason || !(reason in DECLINE_REASONS)) return undefined
      return {
        outcome: 'decline',
        reason: reason as DeclineReason,
        detail: given('detail') ?? '',
        signpostTo: given('signpostTo'),
      }
    }
    case 'signpost':
      return { outcome: 'signpost', signpostTo: given('signpostTo') ?? '', detail: given('detail') }
    case 'more-information':
      return { outcome: 'more-information', detail: given('detail') ?? '' }
    case 'withdrawn':
      return { outcome: 'withdrawn', detail: given('detail') }
    default:
      return undefined
  }
}

/** The status a decision leaves the referral in. */
export const STATUS_AFTER: Record<Decision['outcome'], ReferralStatus> = {
  accept: 'accepted',
  decline: 'declined',
  signpost: 'signposted',
  'more-information': 'screening',
  withdrawn: 'withdrawn',
}

export interface DecisionProblem {
  field: string
  message: string
}

/**
 * What is missing from a decision before it can be recorded. Accepting when a criterion is
 * not met needs a written rationale; a pathway is chosen at acceptance when the programme says so.
 */
export function decisionProblems(
  programme: Programme | undefined,
  status: ReferralStatus,
  screening: Screening | undefined,
  decision: Decision,
): DecisionProblem[] {
  const problems: DecisionProblem[] = []
  if (!isOpen(status)) {
    problems.push({ field: 'outcome', message: `This referral is already ${REFERRAL_STATUSES[status].toLowerCase()}` })
    return problems
  }
  switch (decision.outcome) {
    case 'accept': {
      if (!programme) {
        problems.push({ field: 'programmeId', message: 'Choose the service the family will receive' })
        break
      }
      const choosesNow = programme.pathways.length > 0 && programme.pathwayChosenAt?.event === 'accepted'
      if (choosesNow && !decision.pathway) problems.push({ field: 'pathway', message: 'Choose the pathway' })
      if (decision.pathway && !programme.pathways.some((p) => p.id === decision.pathway)) {
        problems.push({ field: 'pathway', message: 'Choose one of the pathways this service offers' })
      }
      if (screening && screening.counts['not-met'] > 0 && !decision.rationale?.trim()) {
        problems.push({
          field: 'rationale',
          message: 'Explain why you are accepting when a criterion is not met',
        })
      }
      break
    }
    case 'decline':
      if (!decision.detail.trim())
        problems.push({ field: 'detail', message: 'Explain the decision in a sentence or two' })
      break
    case 'signpost':
      if (!decision.signpostTo.trim())
        problems.push({ field: 'signpostTo', message: 'Say where the family is signposted to' })
      break
    case 'more-information':
      if (!decision.detail.trim()) problems.push({ field: 'detail', message: 'Say what information is needed' })
      break
    case 'withdrawn':
      break
  }
  return problems
}

export const DEFAULT_DECISION_WITHIN: Duration = { amount: 1, unit: 'working days' }

/** When a decision on a referral received at `receivedAt` is due. */
export function decisionDue(programme: Programme | undefined, receivedAt: Date, calendar: Calendar): Date {
  return dueAfter(receivedAt, programme?.referral.decisionWithin ?? DEFAULT_DECISION_WITHIN, calendar)
}
