import { randomUUID } from 'node:crypto'
import { and, desc, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '../db/client.ts'
import { caseConsultation, caseFormulation, chronologyEntry } from '../db/schema/index.ts'
import { type IsoDate, isIsoDate, londonDate } from '../domain/isoDate.ts'
import type { AuditLog } from './audit.ts'
import type { CaseRow, Casework } from './casework.ts'
import { type Clock, type RequestContext, recorderOf } from './context.ts'
import { ConflictError, fieldProblems, InvalidInputError, NotFoundError } from './errors.ts'
import { optionalText, requiredDate, requiredText } from './fields.ts'
import type { ProgrammeService } from './programmes.ts'

/**
 * Case consultation and formulation, for services that offer them (Derbyshire's Stronger
 * Families): a reflective space for the allocated worker, who brings the genogram and a
 * dilemma; the group offers hypotheses, and the ideas and actions agreed are recorded with the
 * next date. A formulation gathers what is understood about the family in the "5 Ps".
 */

export const consultationInputSchema = z.object({
  heldOn: requiredDate('Enter the date of the consultation').describe('The day it was held; not in the future'),
  attendees: requiredText('Enter who took part', 'Who took part').describe('Who took part'),
  dilemma: requiredText("Enter the worker's dilemma", 'The dilemma').describe('The dilemma the worker brought'),
  hypotheses: optionalText('Hypotheses').describe('The hypotheses the group offered'),
  ideas: optionalText('Ideas').describe('The ideas agreed'),
  actions: optionalText('Actions').describe('The actions agreed'),
  nextOn: z
    .string()
    .refine((v) => v === '' || isIsoDate(v), 'Enter a real date, written YYYY-MM-DD')
    .nullish()
    .transform((v) => v || null)
    .describe('The next consultation, after the day this one was held'),
})
export type ConsultationInput = z.input<typeof consultationInputSchema>
export type ConsultationData = z.output<typeof consultationInputSchema>

export const formulationInputSchema = z.object({
  writtenOn: requiredDate('Enter the date of the formulation').describe('The day it was written; not in the future'),
  presenting: requiredText('Enter the presenting factors', 'Presenting factors').describe(
    'Presenting: what the difficulties are now',
  ),
  predisposing: optionalText('Predisposing factors').describe('Predisposing: what made the family vulnerable to them'),
  precipitating: optionalText('Precipitating factors').describe('Precipitating: what set them off'),
  perpetuating: optionalText('Perpetuating factors').describe('Perpetuating: what keeps them going'),
  protective: optionalText('Protective factors').describe('Protective: strengths and what helps'),
})
export type FormulationInput = z.input<typeof formulationInputSchema>
export type FormulationData = z.output<typeof formulationInputSchema>

export type Checked<T> = { ok: true; data: T } | { ok: false; fields: Record<string, string> }

/** Every problem with a consultation at once: the fields, then the dates against today and each other. */
export function checkConsultation(input: unknown, today: IsoDate): Checked<ConsultationData> {
  const parsed = consultationInputSchema.safeParse(input)
  const fields = parsed.success ? {} : fieldProblems(parsed.error)
  const raw = (input ?? {}) as Record<string, unknown>
  const heldOn = typeof raw.heldOn === 'string' && isIsoDate(raw.heldOn) ? raw.heldOn : undefined
  const nextOn = typeof raw.nextOn === 'string' && isIsoDate(raw.nextOn) ? raw.nextOn : undefined
  if (heldOn && heldOn > today) fields.heldOn ??= 'The date of the consultation must be today or in the past'
  if (heldOn && nextOn && nextOn <= heldOn) {
    fields.nextOn ??= 'The next consultation must be after the date of this one'
  }
  if (!parsed.success || Object.keys(fields).length > 0) return { ok: false, fields }
  return { ok: true, data: parsed.data }
}

/** Every problem with a formulation at once. */
export function checkFormulation(input: unknown, today: IsoDate): Checked<FormulationData> {
  const parsed = formulationInputSchema.safeParse(input)
  const fields = parsed.success ? {} : fieldProblems(parsed.error)
  const raw = (input ?? {}) as Record<string, unknown>
  if (typeof raw.writtenOn === 'string' && isIsoDate(raw.writtenOn) && raw.writtenOn > today) {
    fields.writtenOn ??= 'The date of the formulation must be today or in the past'
  }
  if (!parsed.success || Object.keys(fields).length > 0) return { ok: false, fields }
  return { ok: true, data: parsed.data }
}

export interface Offer {
  source: string
  interpretation?: string | undefined
}

/** What the case's service offers, and whether the case can still be changed. */
export interface ConsultationOffers {
  consultation: Offer | null
  formulation: Offer | null
  closed: boolean
}

interface Recorded {
  id: string
  caseId: string
  recordedBy: { id: string; name: string }
  recordedAt: Date
  updatedBy: { id: string; name: string } | null
  updatedAt: Date | null
  version: number
}

export interface ConsultationView extends Recorded {
  heldOn: IsoDate
  attendees: string
  dilemma: string
  hypotheses: string | null
  ideas: string | null
  actions: string | null
  nextOn: IsoDate | null
}

export interface FormulationView extends Recorded {
  writtenOn: IsoDate
  presenting: string
  predisposing: string | null
  precipitating: string | null
  perpetuating: string | null
  protective: string | null
}

type ConsultationRow = typeof caseConsultation.$inferSelect
type FormulationRow = typeof caseFormulation.$inferSelect

export function createConsultationService(
  database: Database,
  _audit: AuditLog,
  clock: Clock,
  _programmes: ProgrammeService,
  casework: Casework,
) {
  const today = () => londonDate(clock())

  function offersOf(row: CaseRow): ConsultationOffers {
    const programme = casework.programmeOf(row)
    const offer = (o: { source: string; interpretation?: string | undefined } | undefined) =>
      o ? { source: o.source, interpretation: o.interpretation } : null
    return {
      consultation: offer(programme.consultation),
      formulation: offer(programme.formulation),
      closed: row.status === 'closed',
    }
  }

  /** The case, open for changes and offering `what`; otherwise the service refuses. */
  async function openFor(tx: Tx, ctx: RequestContext, caseId: string, what: 'consultation' | 'formulation') {
    const row = await casework.load(tx, ctx, caseId)
    if (row.status === 'closed') {
      throw new InvalidInputError({
        form: 'The case is closed: consultations and formulations can no longer be recorded or changed',
      })
    }
    if (!offersOf(row)[what]) {
      throw new InvalidInputError({
        form:
          what === 'consultation'
            ? "This case's service does not offer case consultations"
            : "This case's service does not offer case formulations",
      })
    }
    return row
  }

  async function names(tx: Tx, authorityId: string, rows: (ConsultationRow | FormulationRow)[]) {
    const known = await casework.userNames(
      tx,
      authorityId,
      rows.flatMap((r) => [r.recordedBy, r.updatedBy]),
    )
    return (id: string) => ({ id, name: known.get(id) ?? 'Unknown user' })
  }

  function recorded(r: ConsultationRow | FormulationRow, who: (id: string) => { id: string; name: string }): Recorded {
    return {
      id: r.id,
      caseId: r.caseId,
      recordedBy: who(r.recordedBy),
      recordedAt: r.recordedAt,
      updatedBy: r.updatedBy ? who(r.updatedBy) : null,
      updatedAt: r.updatedAt ?? null,
      version: r.version,
    }
  }

  function consultationView(r: ConsultationRow, who: (id: string) => { id: string; name: string }): ConsultationView {
    return {
      ...recorded(r, who),
      heldOn: r.heldOn,
      attendees: r.attendees,
      dilemma: r.dilemma,
      hypotheses: r.hypotheses,
      ideas: r.ideas,
      actions: r.actions,
      nextOn: r.nextOn,
    }
  }

  function formulationView(r: FormulationRow, who: (id: string) => { id: string; name: string }): FormulationView {
    return {
      ...recorded(r, who),
      writtenOn: r.writtenOn,
      presenting: r.presenting,
      predisposing: r.predisposing,
      precipitating: r.precipitating,
      perpetuating: r.perpetuating,
      protective: r.protective,
    }
  }

  async function findConsultation(tx: Tx, authorityId: string, caseId: string, id: string) {
    const [row] = await tx
      .select()
      .from(caseConsultation)
      .where(
        and(
          eq(caseConsultation.authorityId, authorityId),
          eq(caseConsultation.caseId, caseId),
          eq(caseConsultation.id, id),
        ),
      )
    if (!row) throw new NotFoundError('Case consultation')
    return consultationView(row, await names(tx, authorityId, [row]))
  }

  async function findFormulation(tx: Tx, authorityId: string, caseId: string, id: string) {
    const [row] = await tx
      .select()
      .from(caseFormulation)
      .where(
        and(
          eq(caseFormulation.authorityId, authorityId),
          eq(caseFormulation.caseId, caseId),
          eq(caseFormulation.id, id),
        ),
      )
    if (!row) throw new NotFoundError('Case formulation')
    return formulationView(row, await names(tx, authorityId, [row]))
  }

  /** Keeps the chronology entry Hearth wrote on the date of the record it was written from. */
  async function moveChronicle(
    tx: Tx,
    authorityId: string,
    caseId: string,
    originType: string,
    id: string,
    on: IsoDate,
  ) {
    await tx
      .update(chronologyEntry)
      .set({ occurredOn: on })
      .where(
        and(
          eq(chronologyEntry.authorityId, authorityId),
          eq(chronologyEntry.caseId, caseId),
          eq(chronologyEntry.origin, 'hearth'),
          eq(chronologyEntry.originType, originType),
          eq(chronologyEntry.originId, id),
        ),
      )
  }

  function valid<T>(result: Checked<T>): T {
    if (!result.ok) throw new InvalidInputError(result.fields)
    return result.data
  }

  const KIND = {
    consultation: { headline: 'Case consultation held', recordType: 'case-consultation' },
    formulation: { headline: 'Case formulation written', recordType: 'case-formulation' },
  } as const

  /** Records one: the row, its chronology entry and its audit event, in one transaction. */
  async function recordIn(
    ctx: RequestContext,
    caseId: string,
    kind: 'consultation' | 'formulation',
    on: IsoDate,
    insert: (
      tx: Tx,
      stamp: { authorityId: string; caseId: string; id: string; recordedBy: string; recordedAt: Date },
    ) => Promise<unknown>,
  ): Promise<{ id: string }> {
    const authorityId = ctx.actor.authorityId
    return database.withTenant(authorityId, async (tx) => {
      await openFor(tx, ctx, caseId, kind)
      const id = randomUUID()
      await insert(tx, { authorityId, caseId, id, recordedBy: recorderOf(ctx), recordedAt: clock() })
      await casework.chronicle(tx, ctx, caseId, {
        occurredOn: on,
        headline: KIND[kind].headline,
        category: 'plan',
        origin: 'hearth',
        originType: kind,
        originId: id,
      })
      await casework.audit(tx, ctx, caseId, 'create', KIND[kind].recordType, id, { version: 1 })
      return { id }
    })
  }

  /** Corrects one on the version read (a conflict otherwise), keeping its chronology entry on its date. */
  async function updateIn(
    ctx: RequestContext,
    caseId: string,
    kind: 'consultation' | 'formulation',
    id: string,
    on: IsoDate,
    update: (
      tx: Tx,
      authorityId: string,
      stamp: { updatedBy: string; updatedAt: Date },
    ) => Promise<{ version: number } | undefined>,
  ): Promise<{ version: number }> {
    const authorityId = ctx.actor.authorityId
    return database.withTenant(authorityId, async (tx) => {
      await openFor(tx, ctx, caseId, kind)
      const updated = await update(tx, authorityId, { updatedBy: recorderOf(ctx), updatedAt: clock() })
      if (!updated) throw new ConflictError(`This ${kind} was changed by someone else since you opened it.`)
      await moveChronicle(tx, authorityId, caseId, kind, id, on)
      await casework.audit(tx, ctx, caseId, 'update', KIND[kind].recordType, id, { version: updated.version })
      return { version: updated.version }
    })
  }

  return {
    /** What the case's service offers, for pages that need to know before they show a form. */
    async offers(ctx: RequestContext, caseId: string): Promise<ConsultationOffers> {
      return database.withTenant(ctx.actor.authorityId, async (tx) => offersOf(await casework.load(tx, ctx, caseId)))
    },

    /** The case's consultations and formulations, newest first, with what the service offers. */
    async list(ctx: RequestContext, caseId: string) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const consultations = await tx
          .select()
          .from(caseConsultation)
          .where(and(eq(caseConsultation.authorityId, authorityId), eq(caseConsultation.caseId, caseId)))
          .orderBy(desc(caseConsultation.heldOn), desc(caseConsultation.recordedAt), desc(caseConsultation.id))
        const formulations = await tx
          .select()
          .from(caseFormulation)
          .where(and(eq(caseFormulation.authorityId, authorityId), eq(caseFormulation.caseId, caseId)))
          .orderBy(desc(caseFormulation.writtenOn), desc(caseFormulation.recordedAt), desc(caseFormulation.id))
        const who = await names(tx, authorityId, [...consultations, ...formulations])
        await casework.audit(tx, ctx, caseId, 'list', 'case-consultation', caseId, {
          consultations: consultations.length,
          formulations: formulations.length,
        })
        return {
          offers: offersOf(row),
          consultations: consultations.map((r) => consultationView(r, who)),
          formulations: formulations.map((r) => formulationView(r, who)),
        }
      })
    },

    async getConsultation(ctx: RequestContext, caseId: string, consultationId: string): Promise<ConsultationView> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await casework.load(tx, ctx, caseId)
        const found = await findConsultation(tx, authorityId, caseId, consultationId)
        await casework.audit(tx, ctx, caseId, 'view', 'case-consultation', consultationId)
        return found
      })
    },

    async getFormulation(ctx: RequestContext, caseId: string, formulationId: string): Promise<FormulationView> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await casework.load(tx, ctx, caseId)
        const found = await findFormulation(tx, authorityId, caseId, formulationId)
        await casework.audit(tx, ctx, caseId, 'view', 'case-formulation', formulationId)
        return found
      })
    },

    /** Records a case consultation, and notes it in the family's chronology. */
    async recordConsultation(ctx: RequestContext, caseId: string, input: ConsultationInput): Promise<{ id: string }> {
      const data = valid(checkConsultation(input, today()))
      return recordIn(ctx, caseId, 'consultation', data.heldOn, (tx, stamp) =>
        tx.insert(caseConsultation).values({ ...stamp, ...data }),
      )
    },

    /** Corrects a consultation, if nobody has changed it since `version` was read. */
    async updateConsultation(
      ctx: RequestContext,
      caseId: string,
      consultationId: string,
      version: number,
      input: ConsultationInput,
    ): Promise<{ version: number }> {
      const data = valid(checkConsultation(input, today()))
      return updateIn(ctx, caseId, 'consultation', consultationId, data.heldOn, async (tx, authorityId, stamp) => {
        await findConsultation(tx, authorityId, caseId, consultationId)
        const [updated] = await tx
          .update(caseConsultation)
          .set({ ...data, ...stamp, version: sql`${caseConsultation.version} + 1` })
          .where(
            and(
              eq(caseConsultation.authorityId, authorityId),
              eq(caseConsultation.caseId, caseId),
              eq(caseConsultation.id, consultationId),
              eq(caseConsultation.version, version),
            ),
          )
          .returning({ version: caseConsultation.version })
        return updated
      })
    },

    /** Records a case formulation, and notes it in the family's chronology. */
    async recordFormulation(ctx: RequestContext, caseId: string, input: FormulationInput): Promise<{ id: string }> {
      const data = valid(checkFormulation(input, today()))
      return recordIn(ctx, caseId, 'formulation', data.writtenOn, (tx, stamp) =>
        tx.insert(caseFormulation).values({ ...stamp, ...data }),
      )
    },

    /** Corrects a formulation, if nobody has changed it since `version` was read. */
    async updateFormulation(
      ctx: RequestContext,
      caseId: string,
      formulationId: string,
      version: number,
      input: FormulationInput,
    ): Promise<{ version: number }> {
      const data = valid(checkFormulation(input, today()))
      return updateIn(ctx, caseId, 'formulation', formulationId, data.writtenOn, async (tx, authorityId, stamp) => {
        await findFormulation(tx, authorityId, caseId, formulationId)
        const [updated] = await tx
          .update(caseFormulation)
          .set({ ...data, ...stamp, version: sql`${caseFormulation.version} + 1` })
          .where(
            and(
              eq(caseFormulation.authorityId, authorityId),
              eq(caseFormulation.caseId, caseId),
              eq(caseFormulation.id, formulationId),
              eq(caseFormulation.version, version),
            ),
          )
          .returning({ version: caseFormulation.version })
        return updated
      })
    },

    isoToday: today,
  }
}

export type ConsultationService = ReturnType<typeof createConsultationService>
