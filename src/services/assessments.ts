import { randomUUID } from 'node:crypto'
import { and, desc, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '../db/client.ts'
import { assessment } from '../db/schema/index.ts'
import {
  ASSESSMENT_DOMAINS,
  type AssessmentContent,
  type AssessmentDomain,
  completionProblems,
} from '../domain/assessment.ts'
import { londonDate } from '../domain/isoDate.ts'
import { HEADLINE_OUTCOMES } from '../domain/programme/vocabulary.ts'
import type { AuditLog } from './audit.ts'
import type { Casework } from './casework.ts'
import type { Clock, RequestContext } from './context.ts'
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts'
import type { ProgrammeService } from './programmes.ts'

/** The Early Help Assessment of a case: started, saved as a draft as often as needed, then completed. */

const LONG = 20_000
const part = z
  .string()
  .trim()
  .max(LONG, `Each part must be ${LONG.toLocaleString('en-GB')} characters or fewer`)
  .nullish()
  .transform((v) => (v ? v : null))

export const assessmentContentSchema = z.object({
  familyStory: part,
  children: z
    .array(z.object({ personId: z.uuid(), story: part, voice: part }))
    .max(20)
    .default([]),
  parentsVoice: part,
  domains: z
    .partialRecord(
      z.enum(Object.keys(ASSESSMENT_DOMAINS) as [AssessmentDomain, ...AssessmentDomain[]]),
      z.object({ strengths: part, worries: part }),
    )
    .default({}),
  workingWell: part,
  worries: part,
  needsToHappen: part,
  headlineNeeds: z
    .array(
      z
        .number()
        .int()
        .refine((n) => n in HEADLINE_OUTCOMES, 'Choose needs from the list'),
    )
    .max(10)
    .default([]),
})
export type AssessmentInput = z.input<typeof assessmentContentSchema>

type AssessmentRow = typeof assessment.$inferSelect

export function contentOf(row: AssessmentRow): AssessmentContent {
  return {
    familyStory: row.familyStory,
    children: row.children as AssessmentContent['children'],
    parentsVoice: row.parentsVoice,
    domains: row.domains as AssessmentContent['domains'],
    workingWell: row.workingWell,
    worries: row.worries,
    needsToHappen: row.needsToHappen,
    headlineNeeds: row.headlineNeeds as number[],
  }
}

export function createAssessmentService(
  database: Database,
  _audit: AuditLog,
  clock: Clock,
  programmes: ProgrammeService,
  casework: Casework,
) {
  async function loadOne(tx: Tx, authorityId: string, caseId: string, id: string): Promise<AssessmentRow> {
    const [row] = await tx
      .select()
      .from(assessment)
      .where(and(eq(assessment.authorityId, authorityId), eq(assessment.caseId, caseId), eq(assessment.id, id)))
    if (!row) throw new NotFoundError('Assessment')
    return row
  }

  async function open(tx: Tx, ctx: RequestContext, caseId: string) {
    const row = await casework.load(tx, ctx, caseId)
    if (row.status === 'closed') throw new InvalidInputError({ assessment: 'The case is closed' })
    return row
  }

  const childrenOn = async (tx: Tx, authorityId: string, caseId: string) =>
    ((await casework.children(tx, authorityId, [caseId])).get(caseId) ?? []).filter((c) => c.role === 'child')

  return {
    /** Every assessment of the case, newest first, with the children it is about and who wrote each. */
    async list(ctx: RequestContext, caseId: string) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await casework.load(tx, ctx, caseId)
        const rows = await tx
          .select()
          .from(assessment)
          .where(and(eq(assessment.authorityId, authorityId), eq(assessment.caseId, caseId)))
          .orderBy(desc(assessment.createdAt))
        const who = await casework.userNames(
          tx,
          authorityId,
          rows.flatMap((r) => [r.createdBy, r.updatedBy, r.completedBy]),
        )
        await casework.audit(tx, ctx, caseId, 'list', 'assessment', caseId)
        return {
          assessments: rows.map((r) => ({
            ...r,
            content: contentOf(r),
            updatedByName: who.get(r.updatedBy ?? r.createdBy) ?? 'Unknown user',
            completedByName: r.completedBy ? (who.get(r.completedBy) ?? 'Unknown user') : undefined,
          })),
          children: await childrenOn(tx, authorityId, caseId),
        }
      })
    },

    /**
     * Starts a draft. A reassessment starts from the last completed assessment's words, so
     * nothing has to be typed twice; there is only ever one draft at a time.
     */
    async start(ctx: RequestContext, caseId: string): Promise<string> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await open(tx, ctx, caseId)
        const existing = await tx
          .select()
          .from(assessment)
          .where(and(eq(assessment.authorityId, authorityId), eq(assessment.caseId, caseId)))
          .orderBy(desc(assessment.createdAt))
        const draft = existing.find((a) => a.status === 'draft')
        if (draft) return draft.id
        const last = existing[0]
        const id = randomUUID()
        await tx.insert(assessment).values({
          authorityId,
          caseId,
          id,
          status: 'draft',
          ...(last ? contentOf(last) : {}),
          createdBy: ctx.actor.userId as string,
          createdAt: clock(),
        })
        await casework.audit(tx, ctx, caseId, 'create', 'assessment', id, { reassessment: Boolean(last) })
        return id
      })
    },

    /** Saves a draft. The version read must still be the one stored, so nobody's words are overwritten. */
    async save(ctx: RequestContext, caseId: string, id: string, version: number, raw: AssessmentInput) {
      const parsed = assessmentContentSchema.safeParse(raw)
      if (!parsed.success) {
        throw new InvalidInputError(
          Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('-') || 'assessment', i.message])),
        )
      }
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await open(tx, ctx, caseId)
        const row = await loadOne(tx, authorityId, caseId, id)
        if (row.status !== 'draft') throw new InvalidInputError({ assessment: 'A completed assessment is not changed' })
        const children = new Set((await childrenOn(tx, authorityId, caseId)).map((c) => c.personId))
        if (parsed.data.children.some((c) => !children.has(c.personId))) {
          throw new InvalidInputError({ assessment: 'Write about the children on this case' })
        }
        const updated = await tx
          .update(assessment)
          .set({
            ...parsed.data,
            updatedBy: ctx.actor.userId ?? null,
            updatedAt: clock(),
            version: sql`${assessment.version} + 1`,
          })
          .where(and(eq(assessment.authorityId, authorityId), eq(assessment.id, id), eq(assessment.version, version)))
          .returning({ version: assessment.version })
        if (updated.length === 0) throw new ConflictError('Someone else saved this assessment since you opened it.')
        await casework.audit(tx, ctx, caseId, 'update', 'assessment', id)
        return updated[0]?.version as number
      })
    },

    /**
     * Completes the assessment as saved: everything a reader relies on must be there. The
     * first completed assessment is the case's `assessment-completed` event, and each joins the chronology.
     */
    async complete(ctx: RequestContext, caseId: string, id: string, version: number) {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const caseRow = await open(tx, ctx, caseId)
        const row = await loadOne(tx, authorityId, caseId, id)
        if (row.version !== version) throw new ConflictError('Someone else saved this assessment since you opened it.')
        if (row.status !== 'draft') throw new InvalidInputError({ assessment: 'This assessment is already complete' })
        const problems = completionProblems(contentOf(row), await childrenOn(tx, authorityId, caseId))
        if (Object.keys(problems).length > 0) throw new InvalidInputError(problems)
        const now = clock()
        await tx
          .update(assessment)
          .set({
            status: 'completed',
            completedBy: ctx.actor.userId ?? null,
            completedAt: now,
            version: sql`${assessment.version} + 1`,
          })
          .where(and(eq(assessment.authorityId, authorityId), eq(assessment.id, id), eq(assessment.version, version)))
        const events = await casework.events(tx, authorityId, caseId)
        if (!events.some((e) => e.type === 'assessment-completed')) {
          await casework.event(tx, ctx, caseId, 'assessment-completed', now, id)
        }
        await casework.chronicle(tx, ctx, caseId, {
          occurredOn: londonDate(now),
          headline: 'Early Help Assessment completed',
          category: 'plan',
          origin: 'hearth',
          originType: 'assessment',
          originId: id,
        })
        await casework.audit(tx, ctx, caseId, 'update', 'assessment', id, { completed: true })
        await casework.refresh(tx, ctx, caseRow, calendar)
      })
    },
  }
}

export type AssessmentService = ReturnType<typeof createAssessmentService>
