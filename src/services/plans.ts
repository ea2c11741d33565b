import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '../db/client.ts'
import { plan, planAction, planGoal } from '../db/schema/index.ts'
import { can } from '../domain/access.ts'
import { type IsoDate, isIsoDate, londonDate } from '../domain/isoDate.ts'
import {
  ACTION_STATUS_IDS,
  type ActionStatus,
  agreementDateProblems,
  agreementProblems,
  type FamilyCopy,
  familyCopy,
  isPlanKind,
  type PlanActionContent,
  type PlanContent,
  type PlanGoalContent,
  type PlanKind,
  type PlanStatus,
  planName,
} from '../domain/plans.ts'
import type { Programme } from '../domain/programme/schema.ts'
import { HEADLINE_OUTCOMES } from '../domain/programme/vocabulary.ts'
import type { AuditLog } from './audit.ts'
import type { CaseRow, Casework } from './casework.ts'
import type { Clock, RequestContext } from './context.ts'
import { ConflictError, fieldProblems, InvalidInputError, NotFoundError } from './errors.ts'
import { optionalDate, optionalText, requiredText } from './fields.ts'
import type { ProgrammeService } from './programmes.ts'

/**
 * The case's plans: Derby's crisis intervention plan and the family's plan (the Family Action
 * Plan, or whatever the service calls it), written as a draft, agreed with the family (the first
 * agreement of each kind is the case event its timescale waits for), signed off by a manager, and
 * changed by a new edition that copies the last and keeps it. Action statuses move on without a
 * new edition. Where the service says so (Staying Together), the family's social worker asks for
 * pieces of work, which join the plan as actions marked as theirs.
 */

export const WHAT_MAX = 2000
export const WHO_MAX = 200
export const WITH_MAX = 500
const MAX_GOALS = 30
const MAX_ACTIONS = 100

export const detailsInputSchema = z.object({
  summary: optionalText('What the family is working towards').describe(
    "Family plan: what the family is working towards, in the family's words",
  ),
  risks: optionalText('The immediate risks').describe('Crisis plan: the immediate risks'),
  contactArrangements: optionalText('How the family can reach the team').describe(
    'Crisis plan: how the family can reach the team, at any time',
  ),
})
export type DetailsInput = z.input<typeof detailsInputSchema>

export const goalInputSchema = z.object({
  need: requiredText('Enter the need: what the family is working on', 'The need').describe(
    'What the family is working on',
  ),
  outcome: requiredText('Enter the outcome the family wants to see', 'The outcome').describe(
    'What the family would like to see',
  ),
  howWeKnow: optionalText('How we will know').describe('How everyone will know things are better'),
  headlineOutcome: z
    .number({ error: 'Choose a headline outcome from the list' })
    .int('Choose a headline outcome from the list')
    .refine((n) => n in HEADLINE_OUTCOMES, 'Choose a headline outcome from the list')
    .nullish()
    .transform((v) => v ?? null)
    .describe('The Supporting Families headline outcome (1 to 10) the goal works towards, if any'),
})
export type GoalInput = z.input<typeof goalInputSchema>

const actionFields = {
  what: requiredText('Enter what will be done', 'What will be done', WHAT_MAX).describe('What will be done'),
  who: requiredText('Enter who will do it', 'Who will do it', WHO_MAX).describe('Who will do it'),
  byWhen: optionalDate('The date it will be done by must be a real date, written YYYY-MM-DD').describe(
    'By when, if there is a date',
  ),
  supportId: z
    .string()
    .trim()
    .max(100)
    .nullish()
    .transform((v) => v || null)
    .describe("The item of the service's support catalogue it delivers (`programme.support[].id`)"),
  professionalOnly: z
    .boolean()
    .default(false)
    .describe("Left out of the family's copy of the plan (a check with another agency, say)"),
}

export const actionInputSchema = z.object({
  goalId: z
    .uuid('Choose the goal this action is for')
    .nullish()
    .transform((v) => v ?? null)
    .describe("The goal it serves; none for a crisis plan's safety actions"),
  ...actionFields,
})
export type ActionInput = z.input<typeof actionInputSchema>

const idField = (what: string) =>
  z.uuid().optional().describe(`Keep the ${what}'s id to change it; leave out for a new one`)
const contentAction = z.object({ id: idField('action'), ...actionFields })

export const planContentSchema = z.object({
  version: z.number().int().describe('The version read (optimistic locking)'),
  ...detailsInputSchema.shape,
  goals: z
    .array(
      goalInputSchema.extend({
        id: idField('goal'),
        actions: z.array(contentAction).max(MAX_ACTIONS).default([]),
      }),
    )
    .max(MAX_GOALS)
    .default([])
    .describe('Family plan: the goals, in order, each with its actions'),
  actions: z
    .array(contentAction)
    .max(MAX_ACTIONS)
    .default([])
    .describe("Crisis plan: the safety actions. Family plan: the social worker's requests not yet tied to a goal"),
})
export type PlanContentInput = z.input<typeof planContentSchema>

export const agreeInputSchema = z.object({
  agreedOn: z
    .string({ error: 'Enter the date the plan was agreed' })
    .min(1, 'Enter the date the plan was agreed')
    .refine(isIsoDate, 'The date the plan was agreed must be a real date, written YYYY-MM-DD')
    .describe('The day it was agreed; not in the future, not before the family was accepted'),
  agreedWith: requiredText('Enter who the plan was agreed with', 'Who the plan was agreed with', WITH_MAX).describe(
    'With whom: "Sam and Alex Testfamily, and their social worker"',
  ),
})
export type AgreeInput = z.input<typeof agreeInputSchema>

export const editionInputSchema = z.object({
  changeReason: requiredText('Enter what is changing, and why', 'What is changing, and why').describe(
    'What is changing from the edition in force, and why',
  ),
})

export const statusInputSchema = z.object({
  status: z.enum(ACTION_STATUS_IDS, { error: 'Choose how the action is going' }).describe('How the action is going'),
  statusNote: optionalText('The note', 2000).describe('A short note for the team (never in the family copy)'),
  statusOn: optionalDate('The date must be a real date, written YYYY-MM-DD').describe(
    'When it changed; today if left out; not in the future',
  ),
})
export type StatusInput = z.input<typeof statusInputSchema>

export const requestInputSchema = z.object({
  what: requiredText('Enter the piece of work you are asking for', 'The piece of work', WHAT_MAX).describe(
    'The piece of work, as agreed with the family in the Children and Family assessment',
  ),
  who: requiredText('Enter who you would like to do it', 'Who will do it', WHO_MAX).describe('Who will do it'),
  byWhen: optionalDate('The date it is needed by must be a real date, written YYYY-MM-DD').describe(
    'By when, if there is a date',
  ),
  goalId: z
    .uuid('Choose a goal from the list')
    .nullish()
    .transform((v) => v ?? null)
    .describe('The goal of the current plan it serves, if any'),
})
export type RequestInput = z.input<typeof requestInputSchema>

function valid<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {})
  if (!parsed.success) throw new InvalidInputError(fieldProblems(parsed.error))
  return parsed.data
}

export interface Who {
  id: string
  name: string
}

export interface Offer {
  source: string
  interpretation?: string | undefined
}

/** What the case's service offers for plans, and what it calls them. */
export interface PlanOffers {
  crisis: Offer | null
  plan: { name: string; source?: string | undefined; interpretation?: string | undefined }
  socialWorkerRequests: Offer | null
  catalogue: { id: string; name: string; licensed: boolean }[]
}

export interface GoalView extends PlanGoalContent {
  position: number
}

export interface ActionView extends PlanActionContent {
  position: number
  supportName: string | null
  statusNote: string | null
  statusOn: IsoDate | null
  updatedBy: Who | null
  updatedAt: Date | null
}

export interface PlanView {
  id: string
  caseId: string
  kind: PlanKind
  /** What the service calls it: "Crisis intervention plan", "Measurable goals"… */
  name: string
  edition: number
  status: PlanStatus
  previousId: string | null
  summary: string | null
  risks: string | null
  contactArrangements: string | null
  changeReason: string | null
  agreedOn: IsoDate | null
  agreedWith: string | null
  agreedBy: Who | null
  signedOffBy: Who | null
  signedOffAt: Date | null
  createdBy: Who
  createdAt: Date
  updatedBy: Who | null
  updatedAt: Date | null
  version: number
  goals: GoalView[]
  actions: ActionView[]
}

export type EditionSummary = Pick<
  PlanView,
  'id' | 'kind' | 'name' | 'edition' | 'status' | 'agreedOn' | 'agreedWith' | 'signedOffAt' | 'changeReason'
>

/** One kind of plan on a case: the edition in force, the draft being written, and the earlier ones. */
export interface PlanLine {
  inForce: PlanView | null
  draft: PlanView | null
  earlier: EditionSummary[]
}

/** Where a case's plans stand, for the plan tab and the API. */
export interface CasePlans {
  offers: PlanOffers
  closed: boolean
  crisis: PlanLine
  family: PlanLine
  /** The pieces of work the social worker asked for, from the current plan, with their progress. */
  requests: ActionView[]
  /** The signed-in person is the case's allocated social worker, on a service that takes their requests. */
  canRequest: boolean
  canSignOff: boolean
}

type PlanRow = typeof plan.$inferSelect
type GoalRow = typeof planGoal.$inferSelect
type ActionRow = typeof planAction.$inferSelect

/** Who recorded something when no person did (the command line, say). */
const SYSTEM_USER = '00000000-0000-0000-0000-000000000000'
const recorder = (ctx: RequestContext) => ctx.actor.userId ?? SYSTEM_USER

const stale = () =>
  new ConflictError(
    'This plan was changed by someone else since you opened it. Nothing has been saved: check the plan as it is now and make your change again.',
  )

export function createPlanService(
  database: Database,
  _audit: AuditLog,
  clock: Clock,
  programmes: ProgrammeService,
  casework: Casework,
) {
  const today = () => londonDate(clock())

  function offersOf(programme: Programme): PlanOffers {
    return {
      crisis: programme.crisisPlan
        ? { source: programme.crisisPlan.source, interpretation: programme.crisisPlan.interpretation }
        : null,
      plan: {
        name: programme.plan.name,
        source: programme.plan.source,
        interpretation: programme.plan.interpretation,
      },
      socialWorkerRequests: programme.plan.socialWorkerRequests
        ? {
            source: programme.plan.socialWorkerRequests.source,
            interpretation: programme.plan.socialWorkerRequests.interpretation,
          }
        : null,
      catalogue: programme.support.map((s) => ({ id: s.id, name: s.name, licensed: s.licensed })),
    }
  }

  /** The case, if it can still be changed. */
  async function openCase(tx: Tx, ctx: RequestContext, caseId: string): Promise<CaseRow> {
    const row = await casework.load(tx, ctx, caseId, { lock: true })
    if (row.status === 'closed') {
      throw new InvalidInputError({ form: 'The case is closed: its plans can no longer be changed' })
    }
    return row
  }

  async function loadPlan(tx: Tx, authorityId: string, caseId: string, planId: string): Promise<PlanRow> {
    const [row] = await tx
      .select()
      .from(plan)
      .where(and(eq(plan.authorityId, authorityId), eq(plan.caseId, caseId), eq(plan.id, planId)))
    if (!row) throw new NotFoundError('Plan')
    return row
  }

  async function editionsOf(tx: Tx, authorityId: string, caseId: string, kind?: PlanKind): Promise<PlanRow[]> {
    return tx
      .select()
      .from(plan)
      .where(and(eq(plan.authorityId, authorityId), eq(plan.caseId, caseId), ...(kind ? [eq(plan.kind, kind)] : [])))
      .orderBy(desc(plan.edition))
  }

  async function partsOf(tx: Tx, authorityId: string, planIds: string[]) {
    if (planIds.length === 0) return { goals: [] as GoalRow[], actions: [] as ActionRow[] }
    const goals = await tx
      .select()
      .from(planGoal)
      .where(and(eq(planGoal.authorityId, authorityId), inArray(planGoal.planId, planIds)))
      .orderBy(asc(planGoal.position))
    const actions = await tx
      .select()
      .from(planAction)
      .where(and(eq(planAction.authorityId, authorityId), inArray(planAction.planId, planIds)))
      .orderBy(asc(planAction.position))
    return { goals, actions }
  }

  function contentOf(p: PlanRow, goals: GoalRow[], actions: ActionRow[]): PlanContent {
    return {
      kind: p.kind as PlanKind,
      summary: p.summary,
      risks: p.risks,
      contactArrangements: p.contactArrangements,
      goals: goals
        .filter((g) => g.planId === p.id)
        .map((g) => ({
          id: g.id,
          need: g.need,
          outcome: g.outcome,
          howWeKnow: g.howWeKnow,
          headlineOutcome: g.headlineOutcome,
        })),
      actions: actions
        .filter((a) => a.planId === p.id)
        .map((a) => ({
          id: a.id,
          goalId: a.goalId,
          what: a.what,
          who: a.who,
          byWhen: a.byWhen,
          supportId: a.supportId,
          status: a.status as ActionStatus,
          requestedBySocialWorker: a.requestedBySocialWorker,
          professionalOnly: a.professionalOnly,
        })),
    }
  }

  /** Full views of the given editions, with everyone's names. */
  async function views(tx: Tx, row: CaseRow, rows: PlanRow[]): Promise<PlanView[]> {
    const programme = casework.programmeOf(row)
    const { goals, actions } = await partsOf(
      tx,
      row.authorityId,
      rows.map((r) => r.id),
    )
    const names = await casework.userNames(tx, row.authorityId, [
      ...rows.flatMap((r) => [r.agreedBy, r.signedOffBy, r.createdBy, r.updatedBy]),
      ...actions.map((a) => a.updatedBy),
    ])
    const who = (id: string | null): Who | null => (id ? { id, name: names.get(id) ?? 'Unknown user' } : null)
    const support = new Map(programme.support.map((s) => [s.id, s.name]))
    return rows.map((p) => ({
      id: p.id,
      caseId: p.caseId,
      kind: p.kind as PlanKind,
      name: planName(programme, p.kind as PlanKind),
      edition: p.edition,
      status: p.status as PlanStatus,
      previousId: p.previousId,
      summary: p.summary,
      risks: p.risks,
      contactArrangements: p.contactArrangements,
      changeReason: p.changeReason,
      agreedOn: p.agreedOn,
      agreedWith: p.agreedWith,
      agreedBy: who(p.agreedBy),
      signedOffBy: who(p.signedOffBy),
      signedOffAt: p.signedOffAt ?? null,
      createdBy: who(p.createdBy) as Who,
      createdAt: p.createdAt,
      updatedBy: who(p.updatedBy),
      updatedAt: p.updatedAt ?? null,
      version: p.version,
      goals: goals
        .filter((g) => g.planId === p.id)
        .map((g) => ({
          id: g.id,
          position: g.position,
          need: g.need,
          outcome: g.outcome,
          howWeKnow: g.howWeKnow,
          headlineOutcome: g.headlineOutcome,
        })),
      actions: actions
        .filter((a) => a.planId === p.id)
        .map((a) => ({
          id: a.id,
          goalId: a.goalId,
          position: a.position,
          what: a.what,
          who: a.who,
          byWhen: a.byWhen,
          supportId: a.supportId,
          supportName: a.supportId ? (support.get(a.supportId) ?? a.supportId) : null,
          status: a.status as ActionStatus,
          statusNote: a.statusNote,
          statusOn: a.statusOn,
          requestedBySocialWorker: a.requestedBySocialWorker,
          professionalOnly: a.professionalOnly,
          updatedBy: who(a.updatedBy),
          updatedAt: a.updatedAt ?? null,
        })),
    }))
  }

  /** Changes a plan row on the version read; a conflict if someone else changed it first. */
  async function bump(tx: Tx, p: PlanRow, version: number, set: Partial<PlanRow>): Promise<number> {
    const [updated] = await tx
      .update(plan)
      .set({ ...set, version: sql`${plan.version} + 1` })
      .where(
        and(
          eq(plan.authorityId, p.authorityId),
          eq(plan.caseId, p.caseId),
          eq(plan.id, p.id),
          eq(plan.version, version),
        ),
      )
      .returning({ version: plan.version })
    if (!updated) throw stale()
    return updated.version
  }

  /**
   * Problems with one action against the service and the plan: support from the catalogue, a goal
   * of this plan, and (on a family plan) a goal for every action but a social worker's request.
   */
  function actionProblems(
    action: { goalId: string | null; supportId: string | null; requestedBySocialWorker: boolean },
    content: PlanContent,
    programme: Programme,
  ): Record<string, string> {
    const problems: Record<string, string> = {}
    if (action.supportId && !programme.support.some((s) => s.id === action.supportId)) {
      problems.supportId = "Choose support from the service's list"
    }
    if (content.kind === 'crisis' && action.goalId) problems.goalId = 'A crisis plan’s safety actions have no goal'
    if (content.kind === 'family-action') {
      if (action.goalId && !content.goals.some((g) => g.id === action.goalId)) {
        problems.goalId = 'Choose a goal of this plan'
      } else if (!action.goalId && !action.requestedBySocialWorker) {
        problems.goalId = 'Choose the goal this action is for'
      }
    }
    return problems
  }

  /** Rewrites an edition's goals and actions as `content` says, keeping each action's progress by its id. */
  async function writeParts(tx: Tx, p: PlanRow, content: PlanContent, stamp: { by: string; at: Date }) {
    const before = new Map((await partsOf(tx, p.authorityId, [p.id])).actions.map((a) => [a.id, a] as const))
    const key = { authorityId: p.authorityId, caseId: p.caseId, planId: p.id }
    await tx.delete(planAction).where(and(eq(planAction.authorityId, p.authorityId), eq(planAction.planId, p.id)))
    await tx.delete(planGoal).where(and(eq(planGoal.authorityId, p.authorityId), eq(planGoal.planId, p.id)))
    if (content.goals.length > 0) {
      await tx.insert(planGoal).values(content.goals.map((g, i) => ({ ...key, ...g, position: i + 1 })))
    }
    // Actions in the plan's order: each goal's in turn, then those without a goal.
    const ordered = [
      ...content.goals.flatMap((g) => content.actions.filter((a) => a.goalId === g.id)),
      ...content.actions.filter((a) => a.goalId === null),
    ]
    if (ordered.length > 0) {
      await tx.insert(planAction).values(
        ordered.map((a, i) => {
          const was = before.get(a.id)
          const changed =
            !was ||
            (['goalId', 'what', 'who', 'byWhen', 'supportId', 'professionalOnly'] as const).some((f) => was[f] !== a[f])
          return {
            ...key,
            ...a,
            position: i + 1,
            status: was?.status ?? a.status,
            statusNote: was?.statusNote ?? null,
            statusOn: was?.statusOn ?? null,
            requestedBySocialWorker: was?.requestedBySocialWorker ?? a.requestedBySocialWorker,
            updatedBy: changed ? stamp.by : (was?.updatedBy ?? null),
            updatedAt: changed ? stamp.at : (was?.updatedAt ?? null),
          }
        }),
      )
    }
  }

  /**
   * Changes a draft: `change` turns its content into the new content (or throws the problems),
   * which is checked against the service and written on the version read.
   */
  async function editDraft(
    ctx: RequestContext,
    caseId: string,
    planId: string,
    version: number,
    change: (content: PlanContent, programme: Programme) => PlanContent,
    details: Record<string, string | number | boolean | null> = {},
  ): Promise<{ version: number }> {
    const authorityId = ctx.actor.authorityId
    return database.withTenant(authorityId, async (tx) => {
      const row = await openCase(tx, ctx, caseId)
      const p = await loadPlan(tx, authorityId, caseId, planId)
      if (p.status !== 'draft') {
        throw new InvalidInputError({
          form: 'Only a draft can be changed. To change an agreed plan, start a new edition of it.',
        })
      }
      if (p.version !== version) throw stale()
      const programme = casework.programmeOf(row)
      const { goals, actions } = await partsOf(tx, authorityId, [p.id])
      const content = change(contentOf(p, goals, actions), programme)
      const stamp = { by: recorder(ctx), at: clock() }
      const next = await bump(tx, p, version, {
        summary: content.summary,
        risks: content.risks,
        contactArrangements: content.contactArrangements,
        updatedBy: stamp.by,
        updatedAt: stamp.at,
      })
      await writeParts(tx, p, content, stamp)
      await casework.audit(tx, ctx, caseId, 'update', 'plan', p.id, { kind: p.kind, version: next, ...details })
      return { version: next }
    })
  }

  function throwIf(problems: Record<string, string>) {
    if (Object.keys(problems).length > 0) throw new InvalidInputError(problems)
  }

  /** The plan lines of a case, with full views of the editions in force and in draft. */
  async function linesOf(tx: Tx, row: CaseRow) {
    const rows = await editionsOf(tx, row.authorityId, row.id)
    const current = rows.filter((r) => r.status !== 'superseded')
    const full = await views(tx, row, current)
    const programme = casework.programmeOf(row)
    const line = (kind: PlanKind): PlanLine => ({
      inForce: full.find((v) => v.kind === kind && v.status === 'agreed') ?? null,
      draft: full.find((v) => v.kind === kind && v.status === 'draft') ?? null,
      earlier: rows
        .filter((r) => r.kind === kind && r.status === 'superseded')
        .map((r) => ({
          id: r.id,
          kind,
          name: planName(programme, kind),
          edition: r.edition,
          status: 'superseded' as const,
          agreedOn: r.agreedOn,
          agreedWith: r.agreedWith,
          signedOffAt: r.signedOffAt ?? null,
          changeReason: r.changeReason,
        })),
    })
    return { crisis: line('crisis'), family: line('family-action') }
  }

  function requestsOf(family: PlanLine): ActionView[] {
    const byId = new Map<string, ActionView>()
    for (const v of [family.inForce, family.draft]) {
      for (const a of v?.actions ?? []) if (a.requestedBySocialWorker) byId.set(a.id, a)
    }
    return [...byId.values()]
  }

  /** Starts the next edition of an agreed plan as a draft copy: the same goals and actions, with their ids and progress. */
  async function nextEdition(tx: Tx, ctx: RequestContext, p: PlanRow, all: PlanRow[], changeReason: string) {
    const id = randomUUID()
    const edition = Math.max(...all.map((r) => r.edition)) + 1
    await tx.insert(plan).values({
      authorityId: p.authorityId,
      caseId: p.caseId,
      id,
      kind: p.kind,
      edition,
      status: 'draft',
      previousId: p.id,
      summary: p.summary,
      risks: p.risks,
      contactArrangements: p.contactArrangements,
      changeReason,
      createdBy: recorder(ctx),
      createdAt: clock(),
    })
    const { goals, actions } = await partsOf(tx, p.authorityId, [p.id])
    if (goals.length > 0) await tx.insert(planGoal).values(goals.map((g) => ({ ...g, planId: id })))
    if (actions.length > 0) await tx.insert(planAction).values(actions.map((a) => ({ ...a, planId: id })))
    await casework.audit(tx, ctx, p.caseId, 'create', 'plan', id, { kind: p.kind, edition, previousId: p.id })
    return id
  }

  const isAllocatedSocialWorker = (ctx: RequestContext, row: CaseRow) =>
    ctx.actor.role === 'social_worker' && Boolean(ctx.actor.userId) && row.socialWorkerUserId === ctx.actor.userId

  return {
    isoToday: today,

    /** The case's plans: each kind's edition in force, its draft and earlier editions, and the social worker's requests. */
    async list(ctx: RequestContext, caseId: string): Promise<CasePlans> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const programme = casework.programmeOf(row)
        const lines = await linesOf(tx, row)
        const offers = offersOf(programme)
        await casework.audit(tx, ctx, caseId, 'list', 'plan', caseId)
        return {
          offers,
          closed: row.status === 'closed',
          ...lines,
          requests: offers.socialWorkerRequests ? requestsOf(lines.family) : [],
          canRequest: Boolean(offers.socialWorkerRequests) && isAllocatedSocialWorker(ctx, row),
          canSignOff: Boolean(ctx.actor.role && can(ctx.actor.role, 'cases:manage')),
        }
      })
    },

    /** Every edition of the case's plans, newest first within each kind. */
    async editions(ctx: RequestContext, caseId: string): Promise<EditionSummary[]> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const rows = await editionsOf(tx, authorityId, caseId)
        await casework.audit(tx, ctx, caseId, 'list', 'plan', caseId)
        const programme = casework.programmeOf(row)
        return rows.map((r) => ({
          id: r.id,
          kind: r.kind as PlanKind,
          name: planName(programme, r.kind as PlanKind),
          edition: r.edition,
          status: r.status as PlanStatus,
          agreedOn: r.agreedOn,
          agreedWith: r.agreedWith,
          signedOffAt: r.signedOffAt ?? null,
          changeReason: r.changeReason,
        }))
      })
    },

    /** One edition with its goals and actions, what the service offers, and whether the case is closed. */
    async get(ctx: RequestContext, caseId: string, planId: string) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const p = await loadPlan(tx, authorityId, caseId, planId)
        const [view] = await views(tx, row, [p])
        await casework.audit(tx, ctx, caseId, 'view', 'plan', planId, { kind: p.kind, edition: p.edition })
        return {
          plan: view as PlanView,
          offers: offersOf(casework.programmeOf(row)),
          closed: row.status === 'closed',
          canSignOff: Boolean(ctx.actor.role && can(ctx.actor.role, 'cases:manage')),
        }
      })
    },

    /** The family's copy of an edition, in plain language, without anything only professionals should see. */
    async familyCopy(ctx: RequestContext, caseId: string, planId: string): Promise<FamilyCopy> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const p = await loadPlan(tx, authorityId, caseId, planId)
        const { goals, actions } = await partsOf(tx, authorityId, [p.id])
        const programme = casework.programmeOf(row)
        await casework.audit(tx, ctx, caseId, 'view', 'plan', planId, { page: 'family-copy', kind: p.kind })
        return familyCopy(
          { ...contentOf(p, goals, actions), status: p.status, agreedOn: p.agreedOn, agreedWith: p.agreedWith },
          { planName: planName(programme, p.kind as PlanKind), familyName: row.familyName ?? '' },
          programme.support,
        )
      })
    },

    /** Starts the first edition of a plan as a draft. A crisis plan only where the service writes one. */
    async start(ctx: RequestContext, caseId: string, kind: unknown): Promise<{ id: string }> {
      if (!isPlanKind(kind)) throw new InvalidInputError({ kind: 'Choose which plan to start' })
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await openCase(tx, ctx, caseId)
        const programme = casework.programmeOf(row)
        if (kind === 'crisis' && !programme.crisisPlan) {
          throw new InvalidInputError({ kind: "This case's service does not write a crisis intervention plan" })
        }
        if ((await editionsOf(tx, authorityId, caseId, kind)).length > 0) {
          throw new InvalidInputError({
            kind: `This case already has a ${planName(programme, kind)}: change that one instead`,
          })
        }
        const id = randomUUID()
        await tx.insert(plan).values({
          authorityId,
          caseId,
          id,
          kind,
          edition: 1,
          status: 'draft',
          createdBy: recorder(ctx),
          createdAt: clock(),
        })
        await casework.audit(tx, ctx, caseId, 'create', 'plan', id, { kind, edition: 1 })
        return { id }
      })
    },

    /** Replaces a draft's whole content (the API's PUT); goals and actions keep their ids where given. */
    async replace(ctx: RequestContext, caseId: string, planId: string, raw: PlanContentInput) {
      const input = valid(planContentSchema, raw)
      return editDraft(ctx, caseId, planId, input.version, (was, programme) => {
        const problems: Record<string, string> = {}
        const knownGoals = new Set(was.goals.map((g) => g.id))
        const knownActions = new Map(was.actions.map((a) => [a.id, a]))
        const seen = new Set<string>()
        if (was.kind === 'crisis' && input.goals.length > 0)
          problems.goals = 'A crisis plan has safety actions, not goals'
        const goals = input.goals.map((g, i) => {
          if (g.id && (!knownGoals.has(g.id) || seen.has(g.id))) problems[`goals.${i}.id`] = 'No such goal in this plan'
          const id = g.id ?? randomUUID()
          seen.add(id)
          return { id, need: g.need, outcome: g.outcome, howWeKnow: g.howWeKnow, headlineOutcome: g.headlineOutcome }
        })
        const content: PlanContent = { ...was, ...detailsOf(input), goals, actions: [] }
        const take = (a: z.output<typeof contentAction>, goalId: string | null, path: string) => {
          if (a.id && (!knownActions.has(a.id) || seen.has(a.id)))
            problems[`${path}.id`] = 'No such action in this plan'
          const id = a.id ?? randomUUID()
          seen.add(id)
          const was = knownActions.get(id)
          const action: PlanActionContent = {
            id,
            goalId,
            what: a.what,
            who: a.who,
            byWhen: a.byWhen,
            supportId: a.supportId,
            professionalOnly: a.professionalOnly,
            status: was?.status ?? 'not-started',
            requestedBySocialWorker: was?.requestedBySocialWorker ?? false,
          }
          for (const [field, problem] of Object.entries(actionProblems(action, content, programme))) {
            problems[`${path}.${field === 'goalId' ? 'goal' : field}`] = problem
          }
          content.actions.push(action)
        }
        input.goals.forEach((g, i) => {
          g.actions.forEach((a, j) => {
            take(a, goals[i]?.id ?? null, `goals.${i}.actions.${j}`)
          })
        })
        input.actions.forEach((a, j) => {
          take(a, null, `actions.${j}`)
        })
        throwIf(problems)
        return content
      })
    },

    /** Saves a draft's summary (family plan), or its risks and contact arrangements (crisis plan). */
    async saveDetails(ctx: RequestContext, caseId: string, planId: string, version: number, raw: DetailsInput) {
      const input = valid(detailsInputSchema, raw)
      return editDraft(ctx, caseId, planId, version, (was) => ({ ...was, ...detailsOf(input) }))
    },

    /** Adds a goal to a draft family plan (no `goalId`), or changes one. */
    async saveGoal(
      ctx: RequestContext,
      caseId: string,
      planId: string,
      version: number,
      goalId: string | null,
      raw: GoalInput,
    ): Promise<{ version: number; goalId: string }> {
      const input = valid(goalInputSchema, raw)
      const id = goalId ?? randomUUID()
      const saved = await editDraft(
        ctx,
        caseId,
        planId,
        version,
        (was) => {
          if (was.kind === 'crisis')
            throw new InvalidInputError({ form: 'A crisis plan has safety actions, not goals' })
          if (goalId && !was.goals.some((g) => g.id === goalId)) throw new NotFoundError('Goal')
          if (!goalId && was.goals.length >= MAX_GOALS) {
            throw new InvalidInputError({ form: `A plan can have at most ${MAX_GOALS} goals` })
          }
          const goal = { id, ...input }
          return {
            ...was,
            goals: goalId ? was.goals.map((g) => (g.id === goalId ? goal : g)) : [...was.goals, goal],
          }
        },
        { goalId: id },
      )
      return { ...saved, goalId: id }
    },

    /**
     * Removes a goal from a draft, with its actions; a social worker's request under it stays in
     * the plan, no longer tied to a goal.
     */
    async removeGoal(ctx: RequestContext, caseId: string, planId: string, version: number, goalId: string) {
      return editDraft(
        ctx,
        caseId,
        planId,
        version,
        (was) => {
          if (!was.goals.some((g) => g.id === goalId)) throw new NotFoundError('Goal')
          return {
            ...was,
            goals: was.goals.filter((g) => g.id !== goalId),
            actions: was.actions
              .filter((a) => a.goalId !== goalId || a.requestedBySocialWorker)
              .map((a) => (a.goalId === goalId ? { ...a, goalId: null } : a)),
          }
        },
        { removedGoalId: goalId },
      )
    },

    /** Adds an action to a draft (no `actionId`), or changes one. */
    async saveAction(
      ctx: RequestContext,
      caseId: string,
      planId: string,
      version: number,
      actionId: string | null,
      raw: ActionInput,
    ): Promise<{ version: number; actionId: string }> {
      const input = valid(actionInputSchema, raw)
      const id = actionId ?? randomUUID()
      const saved = await editDraft(
        ctx,
        caseId,
        planId,
        version,
        (was, programme) => {
          const existing = was.actions.find((a) => a.id === actionId)
          if (actionId && !existing) throw new NotFoundError('Action')
          if (!actionId && was.actions.length >= MAX_ACTIONS) {
            throw new InvalidInputError({ form: `A plan can have at most ${MAX_ACTIONS} actions` })
          }
          const action: PlanActionContent = {
            ...input,
            id,
            status: existing?.status ?? 'not-started',
            requestedBySocialWorker: existing?.requestedBySocialWorker ?? false,
          }
          throwIf(actionProblems(action, was, programme))
          return {
            ...was,
            actions: existing ? was.actions.map((a) => (a.id === id ? action : a)) : [...was.actions, action],
          }
        },
        { actionId: id },
      )
      return { ...saved, actionId: id }
    },

    async removeAction(ctx: RequestContext, caseId: string, planId: string, version: number, actionId: string) {
      return editDraft(
        ctx,
        caseId,
        planId,
        version,
        (was) => {
          if (!was.actions.some((a) => a.id === actionId)) throw new NotFoundError('Action')
          return { ...was, actions: was.actions.filter((a) => a.id !== actionId) }
        },
        { removedActionId: actionId },
      )
    },

    /**
     * Agrees a draft with the family: when, and with whom. The first agreed edition of each kind is
     * the case event its timescale waits for (`crisis-plan-agreed`, `plan-agreed`); later editions
     * are amendments, and replace the edition that was in force. Each agreement joins the chronology.
     */
    async agree(ctx: RequestContext, caseId: string, planId: string, version: number, raw: AgreeInput) {
      const parsed = agreeInputSchema.safeParse(raw ?? {})
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const row = await openCase(tx, ctx, caseId)
        const p = await loadPlan(tx, authorityId, caseId, planId)
        if (p.status !== 'draft') throw new InvalidInputError({ form: 'This edition of the plan is already agreed' })
        if (p.version !== version) throw stale()
        const { goals, actions } = await partsOf(tx, authorityId, [p.id])
        const kind = p.kind as PlanKind
        const all = await editionsOf(tx, authorityId, caseId, kind)
        const previous = all.find((r) => r.id === p.previousId)
        const problems = {
          ...(parsed.success ? {} : fieldProblems(parsed.error)),
          ...agreementProblems(contentOf(p, goals, actions)),
        }
        const agreedOn = (raw as { agreedOn?: unknown } | undefined)?.agreedOn
        if (typeof agreedOn === 'string' && isIsoDate(agreedOn)) {
          Object.assign(
            problems,
            agreementDateProblems(agreedOn, {
              today: today(),
              acceptedOn: londonDate(row.openedAt),
              previousAgreedOn: previous?.agreedOn,
            }),
          )
        }
        throwIf(problems)
        const input = parsed.data as z.output<typeof agreeInputSchema>
        const at = await casework.dayOnCase(tx, row, input.agreedOn, 'agreedOn')
        const next = await bump(tx, p, version, {
          status: 'agreed',
          agreedOn: input.agreedOn,
          agreedWith: input.agreedWith,
          agreedBy: recorder(ctx),
          updatedBy: recorder(ctx),
          updatedAt: clock(),
        })
        for (const earlier of all.filter((r) => r.id !== p.id && r.status === 'agreed')) {
          await bump(tx, earlier, earlier.version, { status: 'superseded' })
        }
        const programme = casework.programmeOf(row)
        const eventType = kind === 'crisis' ? 'crisis-plan-agreed' : 'plan-agreed'
        const firstAgreed = !all.some((r) => r.id !== p.id && r.agreedOn)
        if (firstAgreed && !(await casework.events(tx, authorityId, caseId)).some((e) => e.type === eventType)) {
          await casework.event(tx, ctx, caseId, eventType, at, p.id)
        }
        await casework.chronicle(tx, ctx, caseId, {
          occurredOn: input.agreedOn,
          headline: `${planName(programme, kind)} agreed${p.edition > 1 ? ` (edition ${p.edition})` : ''}`,
          category: 'plan',
          origin: 'hearth',
          originType: 'plan',
          originId: p.id,
        })
        await casework.audit(tx, ctx, caseId, 'agree', 'plan', p.id, { kind, edition: p.edition, version: next })
        await casework.refresh(tx, ctx, row, calendar)
        return { version: next }
      })
    },

    /** A team manager signs off an agreed edition, once. */
    async signOff(ctx: RequestContext, caseId: string, planId: string, version: number) {
      if (!ctx.actor.role || !can(ctx.actor.role, 'cases:manage')) {
        throw new InvalidInputError({ form: 'Only a team manager can sign off a plan' })
      }
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await openCase(tx, ctx, caseId)
        const p = await loadPlan(tx, authorityId, caseId, planId)
        if (p.version !== version) throw stale()
        if (p.status !== 'agreed') {
          throw new InvalidInputError({
            form:
              p.status === 'draft'
                ? 'The plan must be agreed with the family before it is signed off'
                : 'A later edition has replaced this one: sign off that one instead',
          })
        }
        if (p.signedOffAt) throw new InvalidInputError({ form: 'This edition is already signed off' })
        const next = await bump(tx, p, version, { signedOffBy: recorder(ctx), signedOffAt: clock() })
        await casework.audit(tx, ctx, caseId, 'sign-off', 'plan', p.id, { kind: p.kind, edition: p.edition })
        return { version: next }
      })
    },

    /**
     * Starts the next edition of an agreed plan as a draft copy (same goals and actions, same ids,
     * progress carried over), saying what is changing and why. One draft of each kind at a time.
     */
    async newEdition(ctx: RequestContext, caseId: string, planId: string, version: number, raw: unknown) {
      const input = valid(editionInputSchema, raw)
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await openCase(tx, ctx, caseId)
        const p = await loadPlan(tx, authorityId, caseId, planId)
        if (p.version !== version) throw stale()
        if (p.status !== 'agreed') {
          throw new InvalidInputError({
            form:
              p.status === 'draft'
                ? 'This edition is still a draft: change it directly'
                : 'A later edition has replaced this one: change that one instead',
          })
        }
        const all = await editionsOf(tx, authorityId, caseId, p.kind as PlanKind)
        if (all.some((r) => r.status === 'draft')) {
          throw new InvalidInputError({ form: 'A new edition of this plan is already being written: carry on with it' })
        }
        return { id: await nextEdition(tx, ctx, p, all, input.changeReason) }
      })
    },

    /**
     * Records how an action is going, on the edition in force or the draft, without a new edition.
     * The same action (same id) in the other current edition moves with it, so nothing is lost
     * when a draft replaces the plan in force. Audited; not written to the chronology, which keeps
     * to significant events (reviews record progress against the goals).
     */
    async setActionStatus(
      ctx: RequestContext,
      caseId: string,
      planId: string,
      actionId: string,
      version: number,
      raw: StatusInput,
    ) {
      const input = valid(statusInputSchema, raw)
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await openCase(tx, ctx, caseId)
        const p = await loadPlan(tx, authorityId, caseId, planId)
        if (p.status === 'superseded') {
          throw new InvalidInputError({ form: 'A later edition has replaced this one: record progress on that one' })
        }
        if (p.version !== version) throw stale()
        const statusOn = input.statusOn ?? today()
        const problems: Record<string, string> = {}
        if (statusOn > today()) problems.statusOn = 'The date must be today or in the past'
        else if (statusOn < londonDate(row.openedAt)) {
          problems.statusOn = 'The date must be on or after the day the family was accepted'
        }
        throwIf(problems)
        const { actions } = await partsOf(tx, authorityId, [p.id])
        if (!actions.some((a) => a.id === actionId)) throw new NotFoundError('Action')
        const next = await bump(tx, p, version, { updatedBy: recorder(ctx), updatedAt: clock() })
        const current = (await editionsOf(tx, authorityId, caseId, p.kind as PlanKind))
          .filter((r) => r.status !== 'superseded')
          .map((r) => r.id)
        await tx
          .update(planAction)
          .set({
            status: input.status,
            statusNote: input.statusNote,
            statusOn,
            updatedBy: recorder(ctx),
            updatedAt: clock(),
          })
          .where(
            and(
              eq(planAction.authorityId, authorityId),
              eq(planAction.caseId, caseId),
              inArray(planAction.planId, current),
              eq(planAction.id, actionId),
            ),
          )
        await casework.audit(tx, ctx, caseId, 'update', 'plan-action', actionId, { planId, status: input.status })
        return { version: next }
      })
    },

    /**
     * The allocated social worker asks for a piece of work (Staying Together: "the allocated social
     * worker will ask the Staying Together team to undertake particular pieces of work"). It joins
     * the plan in force and the draft being written (the same action in both), or starts the plan
     * as a draft when there is none yet. It is marked as their request, and they see its progress.
     */
    async addRequest(ctx: RequestContext, caseId: string, raw: RequestInput) {
      const input = valid(requestInputSchema, raw)
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await openCase(tx, ctx, caseId)
        const programme = casework.programmeOf(row)
        if (!programme.plan.socialWorkerRequests) {
          throw new InvalidInputError({ form: "This case's service does not take requests from the social worker" })
        }
        if (!isAllocatedSocialWorker(ctx, row)) {
          throw new InvalidInputError({ form: "Only the family's allocated social worker can ask for a piece of work" })
        }
        // A request changes what was agreed, so it goes into a draft: the one being written, or the
        // next edition of the plan in force. The family agrees it, and a manager signs it off, as
        // any other change; the edition in force stays as it was agreed.
        const editions = await editionsOf(tx, authorityId, caseId, 'family-action')
        const inForce = editions.find((r) => r.status === 'agreed')
        let draft = editions.find((r) => r.status === 'draft')
        if (!draft && inForce) {
          const id = await nextEdition(
            tx,
            ctx,
            inForce,
            editions,
            'The family’s social worker asked for a piece of work',
          )
          draft = await loadPlan(tx, authorityId, caseId, id)
        }
        let targets = draft ? [draft] : []
        const now = clock()
        if (targets.length === 0) {
          const id = randomUUID()
          await tx.insert(plan).values({
            authorityId,
            caseId,
            id,
            kind: 'family-action',
            edition: 1,
            status: 'draft',
            createdBy: recorder(ctx),
            createdAt: now,
          })
          await casework.audit(tx, ctx, caseId, 'create', 'plan', id, { kind: 'family-action', edition: 1 })
          targets = [await loadPlan(tx, authorityId, caseId, id)]
        }
        const { goals, actions } = await partsOf(
          tx,
          authorityId,
          targets.map((t) => t.id),
        )
        const latest = targets[0] as PlanRow
        if (input.goalId && !goals.some((g) => g.planId === latest.id && g.id === input.goalId)) {
          throw new InvalidInputError({ goalId: 'Choose a goal of the current plan' })
        }
        const actionId = randomUUID()
        for (const t of targets) {
          const goalId =
            input.goalId && goals.some((g) => g.planId === t.id && g.id === input.goalId) ? input.goalId : null
          const last = Math.max(0, ...actions.filter((a) => a.planId === t.id).map((a) => a.position))
          await tx.insert(planAction).values({
            authorityId,
            caseId,
            planId: t.id,
            id: actionId,
            goalId,
            position: last + 1,
            what: input.what,
            who: input.who,
            byWhen: input.byWhen,
            requestedBySocialWorker: true,
            updatedBy: recorder(ctx),
            updatedAt: now,
          })
          await bump(tx, t, t.version, { updatedBy: recorder(ctx), updatedAt: now })
        }
        await casework.audit(tx, ctx, caseId, 'create', 'plan-action', actionId, {
          planId: latest.id,
          requestedBySocialWorker: true,
        })
        return { planId: latest.id, actionId }
      })
    },
  }
}

function detailsOf(input: z.output<typeof detailsInputSchema>) {
  return { summary: input.summary, risks: input.risks, contactArrangements: input.contactArrangements }
}

export type PlanService = ReturnType<typeof createPlanService>
