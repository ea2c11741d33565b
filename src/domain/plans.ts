import { formatIsoDate, type IsoDate } from './isoDate.ts'
import type { Programme } from './programme/schema.ts'

/**
 * The rules of a case's plans, without storage: the crisis intervention plan (Derby: "create a
 * crisis intervention plan and a tailored package of support within 5 days") and the family's
 * plan (the Family Action Plan, whatever the service calls it), each written as a draft, agreed
 * with the family, signed off by a manager, and changed by a new edition that keeps the last.
 */

export const PLAN_KINDS = {
  crisis: 'Crisis intervention plan',
  'family-action': 'Family Action Plan',
} as const
export type PlanKind = keyof typeof PLAN_KINDS

export function isPlanKind(value: unknown): value is PlanKind {
  return typeof value === 'string' && Object.hasOwn(PLAN_KINDS, value)
}

/** What the service calls a plan of this kind: the family's plan goes by the programme's own name. */
export function planName(programme: Programme, kind: PlanKind): string {
  return kind === 'crisis' ? PLAN_KINDS.crisis : programme.plan.name
}

export const PLAN_STATUSES = { draft: 'Draft', agreed: 'Agreed', superseded: 'Superseded' } as const
export type PlanStatus = keyof typeof PLAN_STATUSES

/** How each action is going, for the team. */
export const ACTION_STATUSES = {
  'not-started': 'Not started',
  'in-progress': 'In progress',
  done: 'Done',
  stopped: 'Stopped',
} as const
export type ActionStatus = keyof typeof ACTION_STATUSES
export const ACTION_STATUS_IDS = Object.keys(ACTION_STATUSES) as [ActionStatus, ...ActionStatus[]]

/** The same, in the family's copy: plain words, nothing that sounds like a case file. */
export const FAMILY_PROGRESS: Record<ActionStatus, string> = {
  'not-started': 'Not started yet',
  'in-progress': 'Started',
  done: 'Done',
  stopped: 'We stopped this',
}

/** The GOV.UK tag colour for each action status. */
export const ACTION_STATUS_TAGS: Record<ActionStatus, string> = {
  'not-started': 'govuk-tag--grey',
  'in-progress': 'govuk-tag--blue',
  done: 'govuk-tag--green',
  stopped: 'govuk-tag--orange',
}

export interface PlanGoalContent {
  id: string
  need: string
  outcome: string
  howWeKnow: string | null
  headlineOutcome: number | null
}

export interface PlanActionContent {
  id: string
  /** Null for a crisis plan's safety actions, and for a social worker's request not yet tied to a goal. */
  goalId: string | null
  what: string
  who: string
  byWhen: IsoDate | null
  supportId: string | null
  status: ActionStatus
  requestedBySocialWorker: boolean
  professionalOnly: boolean
}

export interface PlanContent {
  kind: PlanKind
  summary: string | null
  risks: string | null
  contactArrangements: string | null
  goals: PlanGoalContent[]
  actions: PlanActionContent[]
}

/**
 * What is missing before a plan can be agreed, by field. A family plan needs at least one goal
 * and an action for every goal; a crisis plan needs the immediate risks, at least one safety
 * action and how the family can reach the team ("The family can contact the team at any time").
 */
export function agreementProblems(plan: PlanContent): Record<string, string> {
  const problems: Record<string, string> = {}
  if (plan.kind === 'crisis') {
    if (!plan.risks) problems.risks = 'Write the immediate risks before the crisis plan is agreed'
    if (!plan.actions.some((a) => a.goalId === null)) {
      problems.actions = 'Add at least one safety action before the crisis plan is agreed'
    }
    if (!plan.contactArrangements) {
      problems.contactArrangements = 'Write how the family can reach the team before the crisis plan is agreed'
    }
    return problems
  }
  if (plan.goals.length === 0) problems.goals = 'Add at least one goal before the plan is agreed'
  plan.goals.forEach((goal, index) => {
    if (!plan.actions.some((a) => a.goalId === goal.id)) {
      problems[`goal-${goal.id}`] = `Add at least one action to goal ${index + 1} before the plan is agreed`
    }
  })
  return problems
}

/**
 * Problems with the day a plan was agreed: it must have happened (not after
 * `today`), not before the family was accepted, and not before the edition it replaces was agreed.
 */
export function agreementDateProblems(
  agreedOn: IsoDate,
  limits: { today: IsoDate; acceptedOn: IsoDate; previousAgreedOn?: IsoDate | null },
): Record<string, string> {
  const problems: Record<string, string> = {}
  if (agreedOn > limits.today) problems.agreedOn = 'The date the plan was agreed must be today or in the past'
  else if (agreedOn < limits.acceptedOn) {
    problems.agreedOn = `The date the plan was agreed must be on or after ${formatIsoDate(limits.acceptedOn)}, when the family was accepted`
  } else if (limits.previousAgreedOn && agreedOn < limits.previousAgreedOn) {
    problems.agreedOn = `The date the plan was agreed must be on or after ${formatIsoDate(limits.previousAgreedOn)}, when the edition it replaces was agreed`
  }
  return problems
}

/** What the edition's status tag says: a draft, agreed but waiting for a manager, signed off, or replaced. */
export function planTag(plan: { status: string; signedOffAt: Date | null }): { text: string; classes: string } {
  if (plan.status === 'draft') return { text: 'Draft', classes: 'govuk-tag--grey' }
  if (plan.status === 'superseded') return { text: 'Replaced by a later edition', classes: 'govuk-tag--grey' }
  if (plan.signedOffAt) return { text: 'Signed off', classes: 'govuk-tag--green' }
  return { text: 'Agreed, not signed off', classes: 'govuk-tag--yellow' }
}

export interface SupportItem {
  id: string
  name: string
}

/**
 * The support package: each item of the service's catalogue that the plan's actions deliver,
 * in catalogue order, with those actions.
 */
export function supportPackage<A extends { supportId: string | null }>(
  actions: A[],
  catalogue: SupportItem[],
): { item: SupportItem; actions: A[] }[] {
  return catalogue
    .map((item) => ({ item, actions: actions.filter((a) => a.supportId === item.id) }))
    .filter((p) => p.actions.length > 0)
}

/** One line of "Who will do what, and by when" in the family's copy. */
export interface FamilyAction {
  what: string
  who: string
  byWhen: IsoDate | null
  progress: string
}

export interface FamilyGoal {
  workingOn: string
  wouldLikeToSee: string
  whatWillHelp: string[]
  whoDoesWhat: FamilyAction[]
  howWeWillKnow: string | null
}

/** The family's copy of a plan: their words and ours in plain language, and nothing they should not see. */
export interface FamilyCopy {
  kind: PlanKind
  planName: string
  familyName: string
  /** False while the plan is still being written with the family. */
  agreed: boolean
  /** A later plan, agreed since, has replaced this one. */
  replaced: boolean
  agreedOn: IsoDate | null
  agreedWith: string | null
  summary: string | null
  risks: string | null
  safetyActions: FamilyAction[]
  contactArrangements: string | null
  goals: FamilyGoal[]
  /** Agreed actions that belong to no goal (a piece of work the social worker asked for, say). */
  otherActions: FamilyAction[]
}

/**
 * The family's copy: professional-only actions left out, support named (never by its code), no
 * status words of the case file, no marks of who asked for what, no workers' notes.
 */
export function familyCopy(
  plan: PlanContent & { status: string; agreedOn: IsoDate | null; agreedWith: string | null },
  names: { planName: string; familyName: string },
  catalogue: SupportItem[],
): FamilyCopy {
  const shown = plan.actions.filter((a) => !a.professionalOnly)
  const line = (a: PlanActionContent): FamilyAction => ({
    what: a.what,
    who: a.who,
    byWhen: a.byWhen,
    progress: FAMILY_PROGRESS[a.status],
  })
  const agreed = plan.status !== 'draft'
  return {
    kind: plan.kind,
    planName: names.planName,
    familyName: names.familyName,
    agreed,
    replaced: plan.status === 'superseded',
    agreedOn: agreed ? plan.agreedOn : null,
    agreedWith: agreed ? plan.agreedWith : null,
    summary: plan.summary,
    risks: plan.kind === 'crisis' ? plan.risks : null,
    safetyActions: plan.kind === 'crisis' ? shown.filter((a) => a.goalId === null).map(line) : [],
    contactArrangements: plan.kind === 'crisis' ? plan.contactArrangements : null,
    goals: plan.goals.map((goal) => {
      const actions = shown.filter((a) => a.goalId === goal.id)
      return {
        workingOn: goal.need,
        wouldLikeToSee: goal.outcome,
        whatWillHelp: supportPackage(actions, catalogue).map((p) => p.item.name),
        whoDoesWhat: actions.map(line),
        howWeWillKnow: goal.howWeKnow,
      }
    }),
    otherActions: plan.kind === 'crisis' ? [] : shown.filter((a) => a.goalId === null).map(line),
  }
}
