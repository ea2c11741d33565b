import { randomUUID } from 'node:crypto'
import { and, asc, count, desc, eq, gte, ilike, inArray, isNull, lte, type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '../db/client.ts'
import {
  appUser,
  caseEvent,
  casePerson,
  chronologyEntry,
  contact,
  contactRevision,
  person,
} from '../db/schema/index.ts'
import {
  type ChildSeen,
  CONTACT_OUTCOMES,
  CONTACT_TYPES,
  type ContactOutcome,
  type ContactType,
  firstHomeVisit,
  sightingProblem,
} from '../domain/contacts.ts'
import { formatDateTime } from '../domain/dates.ts'
import { endOfLondonDay, formatIsoDate, type IsoDate, londonDate, startOfLondonDay } from '../domain/isoDate.ts'
import type { AuditLog } from './audit.ts'
import type { CaseRow, Casework } from './casework.ts'
import type { Clock, RequestContext } from './context.ts'
import { ConflictError, fieldProblems, InvalidInputError, NotFoundError } from './errors.ts'
import type { ProgrammeService } from './programmes.ts'

/**
 * Contacts with a family and their notes: recorded, listed, read, and corrected without
 * losing anything (every earlier version is kept; a stale edit is refused, not applied).
 */

export const CONTACTS_PAGE_SIZE = 25
export const NOTE_MAX = 20000
export const HEADLINE_MAX = 200
/** How far ahead of the clock a contact's time may be (a watch a little fast). */
const FUTURE_SLACK_MS = 5 * 60_000

const typeKeys = Object.keys(CONTACT_TYPES) as [ContactType, ...ContactType[]]
const outcomeKeys = Object.keys(CONTACT_OUTCOMES) as [ContactOutcome, ...ContactOutcome[]]

export const childSeenSchema = z
  .object({
    personId: z.uuid(),
    seen: z.boolean(),
    seenAlone: z.boolean().default(false),
  })
  .meta({ id: 'ChildSeen' })

/** A contact as a worker records or corrects it. Times are instants; the service checks them against the case. */
export const contactInputSchema = z
  .object({
    occurredAt: z.date({ error: 'Enter the date and time of the contact' }),
    type: z.enum(typeKeys, { error: 'Choose the type of contact' }),
    outcome: z.enum(outcomeKeys, { error: 'Choose whether the contact took place' }),
    /** The worker who made the contact; the signed-in person when left out. */
    workerId: z.uuid('Choose the worker').optional(),
    /** People on the case who were there. */
    present: z.array(z.uuid()).default([]),
    presentOthers: z
      .string()
      .trim()
      .max(2000, 'Others who were there must be 2000 characters or fewer')
      .optional()
      .transform((v) => v || undefined),
    children: z.array(childSeenSchema).default([]),
    /** Goals of the family's current plan the contact worked on. */
    goalIds: z.array(z.uuid()).max(50).default([]),
    note: z
      .string({ error: 'Enter the note' })
      .trim()
      .min(1, 'Enter the note')
      .max(NOTE_MAX, `The note must be ${NOTE_MAX} characters or fewer`),
    significant: z.boolean().default(false),
    headline: z
      .string()
      .trim()
      .max(HEADLINE_MAX, `The chronology headline must be ${HEADLINE_MAX} characters or fewer`)
      .optional()
      .transform((v) => v || undefined),
  })
  .superRefine((input, ctx) => {
    if (input.significant && !input.headline) {
      ctx.addIssue({
        code: 'custom',
        path: ['headline'],
        message: 'Enter a short headline for the chronology, as this is a significant event',
      })
    }
    const problem = sightingProblem(input, input.children)
    if (problem) ctx.addIssue({ code: 'custom', path: ['children'], message: problem })
  })
export type ContactInput = z.input<typeof contactInputSchema>
type ContactData = z.output<typeof contactInputSchema>

export interface ContactFilter {
  type?: ContactType
  from?: IsoDate
  to?: IsoDate
  workerId?: string
  keyword?: string
}

export type ContactRow = typeof contact.$inferSelect

/** A contact as it was at one version: what `contact_revision.snapshot` holds. */
export interface ContactSnapshot {
  version: number
  occurredAt: string
  type: string
  outcome: string
  workerId: string
  present: string[]
  presentOthers: string | null
  children: ChildSeen[]
  note: string
  goalIds: string[]
  significant: boolean
  headline: string | null
}

export interface CasePersonName {
  personId: string
  name: string
  role: string
}

/** An edit of a stale version: someone saved in between. Carries the version now saved. */
export class ContactConflictError extends ConflictError {
  constructor(
    public readonly currentVersion: number,
    public readonly savedBy: string | undefined,
    public readonly savedAt: Date | undefined,
  ) {
    super(
      `Someone else saved this contact since you opened it${savedAt ? ` (${formatDateTime(savedAt)})` : ''}. Your changes have not been saved.`,
    )
    this.name = 'ContactConflictError'
  }
}

function snapshotOf(row: ContactRow): ContactSnapshot {
  return {
    version: row.version,
    occurredAt: row.occurredAt.toISOString(),
    type: row.type,
    outcome: row.outcome,
    workerId: row.workerId,
    present: row.present as string[],
    presentOthers: row.presentOthers,
    children: row.children as ChildSeen[],
    note: row.note,
    goalIds: row.goalIds as string[],
    significant: row.significant,
    headline: row.headline,
  }
}

/** Escapes LIKE wildcards, so a keyword is matched as typed. */
function likePattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

export function createContactService(
  database: Database,
  _audit: AuditLog,
  clock: Clock,
  programmes: ProgrammeService,
  casework: Casework,
) {
  function actorId(ctx: RequestContext): string {
    if (!ctx.actor.userId) throw new InvalidInputError({ form: 'Only a person can record a contact' })
    return ctx.actor.userId
  }

  async function casePeople(tx: Tx, authorityId: string, caseId: string): Promise<CasePersonName[]> {
    const rows = await tx
      .select({
        personId: person.id,
        givenName: person.givenName,
        familyName: person.familyName,
        role: casePerson.role,
      })
      .from(casePerson)
      .innerJoin(person, and(eq(person.authorityId, casePerson.authorityId), eq(person.id, casePerson.personId)))
      .where(and(eq(casePerson.authorityId, authorityId), eq(casePerson.caseId, caseId)))
      .orderBy(asc(person.givenName), asc(person.familyName))
    return rows.map((r) => ({ personId: r.personId, name: `${r.givenName} ${r.familyName}`, role: r.role }))
  }

  /** Checks what the schema cannot see: the case, its people, the worker and the time. */
  async function check(tx: Tx, ctx: RequestContext, row: CaseRow, input: ContactInput): Promise<ContactData> {
    const parsed = contactInputSchema.safeParse(input)
    if (!parsed.success) throw new InvalidInputError(fieldProblems(parsed.error))
    const data = parsed.data
    const problems: Record<string, string> = {}
    if (row.status === 'closed') problems.form = 'The case is closed: contacts cannot be recorded or changed'
    const now = clock()
    if (data.occurredAt.getTime() > now.getTime() + FUTURE_SLACK_MS) {
      problems.occurredAt = 'The date and time of the contact must not be in the future'
    }
    const opened = londonDate(row.openedAt)
    if (data.occurredAt.getTime() < startOfLondonDay(opened).getTime()) {
      problems.occurredAt = `The contact must be on or after the day the family was accepted (${formatIsoDate(opened)})`
    }
    const people = await casePeople(tx, ctx.actor.authorityId, row.id)
    const ids = new Set(people.map((p) => p.personId))
    const children = new Set(people.filter((p) => p.role === 'child').map((p) => p.personId))
    if (data.present.some((id) => !ids.has(id))) problems.present = 'Choose people from the family’s network'
    if (data.children.some((c) => !children.has(c.personId))) problems.children = 'Choose children on this case'
    if (new Set(data.children.map((c) => c.personId)).size !== data.children.length) {
      problems.children = 'Answer once for each child'
    }
    const goals = new Set((await casework.goals(tx, ctx.actor.authorityId, row.id)).map((g) => g.id))
    if (data.goalIds.some((id) => !goals.has(id))) problems.goalIds = 'Choose goals from the family’s current plan'
    const workerId = data.workerId ?? actorId(ctx)
    const [worker] = await tx
      .select({ id: appUser.id, role: appUser.role, deactivatedAt: appUser.deactivatedAt })
      .from(appUser)
      .where(and(eq(appUser.authorityId, ctx.actor.authorityId), eq(appUser.id, workerId)))
    // The worker is someone who works with families, still with an account (or the person recording).
    const works = worker && ['practitioner', 'team_manager', 'social_worker'].includes(worker.role)
    if (!worker || (workerId !== actorId(ctx) && (!works || worker.deactivatedAt)))
      problems.workerId = 'Choose the worker'
    if (Object.keys(problems).length > 0) throw new InvalidInputError(problems)
    return { ...data, workerId }
  }

  async function loadContact(tx: Tx, authorityId: string, caseId: string, contactId: string): Promise<ContactRow> {
    const [row] = await tx
      .select()
      .from(contact)
      .where(and(eq(contact.authorityId, authorityId), eq(contact.caseId, caseId), eq(contact.id, contactId)))
    if (!row) throw new NotFoundError('Contact')
    return row
  }

  /** Keeps the contact's chronology entry in step with it: there while significant, with its date and headline. */
  async function syncChronology(tx: Tx, ctx: RequestContext, row: ContactRow) {
    const authorityId = ctx.actor.authorityId
    const existing = await tx
      .select({ id: chronologyEntry.id })
      .from(chronologyEntry)
      .where(
        and(
          eq(chronologyEntry.authorityId, authorityId),
          eq(chronologyEntry.caseId, row.caseId),
          eq(chronologyEntry.originType, 'contact'),
          eq(chronologyEntry.originId, row.id),
        ),
      )
    if (!row.significant || !row.headline) {
      if (existing.length > 0) {
        await tx.delete(chronologyEntry).where(
          and(
            eq(chronologyEntry.authorityId, authorityId),
            eq(chronologyEntry.caseId, row.caseId),
            inArray(
              chronologyEntry.id,
              existing.map((e) => e.id),
            ),
          ),
        )
      }
      return
    }
    const occurredOn = londonDate(row.occurredAt)
    const source = CONTACT_TYPES[row.type as ContactType] ?? 'Contact'
    const [first, ...extra] = existing
    if (!first) {
      await casework.chronicle(tx, ctx, row.caseId, {
        occurredOn,
        headline: row.headline,
        category: 'contact',
        origin: 'hearth',
        originType: 'contact',
        originId: row.id,
        source,
      })
      return
    }
    await tx
      .update(chronologyEntry)
      .set({ occurredOn, headline: row.headline, source, version: sql`${chronologyEntry.version} + 1` })
      .where(
        and(
          eq(chronologyEntry.authorityId, authorityId),
          eq(chronologyEntry.caseId, row.caseId),
          eq(chronologyEntry.id, first.id),
        ),
      )
    if (extra.length > 0) {
      await tx.delete(chronologyEntry).where(
        and(
          eq(chronologyEntry.authorityId, authorityId),
          eq(chronologyEntry.caseId, row.caseId),
          inArray(
            chronologyEntry.id,
            extra.map((e) => e.id),
          ),
        ),
      )
    }
  }

  /** Exactly one "first home visit" event while a home visit has taken place: the earliest one. */
  async function syncFirstHomeVisit(tx: Tx, ctx: RequestContext, caseId: string) {
    const authorityId = ctx.actor.authorityId
    const visits = await tx
      .select({ id: contact.id, type: contact.type, outcome: contact.outcome, occurredAt: contact.occurredAt })
      .from(contact)
      .where(
        and(
          eq(contact.authorityId, authorityId),
          eq(contact.caseId, caseId),
          eq(contact.type, 'home-visit'),
          eq(contact.outcome, 'completed'),
        ),
      )
    const first = firstHomeVisit(visits)
    const events = await tx
      .select({ id: caseEvent.id })
      .from(caseEvent)
      .where(
        and(
          eq(caseEvent.authorityId, authorityId),
          eq(caseEvent.caseId, caseId),
          eq(caseEvent.type, 'first-home-visit'),
        ),
      )
      .orderBy(asc(caseEvent.at))
    const [keep, ...extra] = first ? events : []
    const remove = first ? extra : events
    if (remove.length > 0) {
      await tx.delete(caseEvent).where(
        and(
          eq(caseEvent.authorityId, authorityId),
          eq(caseEvent.caseId, caseId),
          inArray(
            caseEvent.id,
            remove.map((e) => e.id),
          ),
        ),
      )
    }
    if (!first) return
    if (keep) {
      await tx
        .update(caseEvent)
        .set({ at: first.occurredAt, sourceId: first.id })
        .where(and(eq(caseEvent.authorityId, authorityId), eq(caseEvent.caseId, caseId), eq(caseEvent.id, keep.id)))
    } else {
      await casework.event(tx, ctx, caseId, 'first-home-visit', first.occurredAt, first.id)
    }
  }

  return {
    /** Records a contact; a significant one joins the chronology; a first home visit meets its deadline. */
    async record(ctx: RequestContext, caseId: string, input: ContactInput): Promise<{ id: string }> {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const data = await check(tx, ctx, row, input)
        const id = randomUUID()
        const [saved] = await tx
          .insert(contact)
          .values({
            authorityId,
            caseId,
            id,
            occurredAt: data.occurredAt,
            type: data.type,
            outcome: data.outcome,
            workerId: data.workerId as string,
            present: data.present,
            presentOthers: data.presentOthers ?? null,
            children: data.children,
            note: data.note,
            goalIds: [...new Set(data.goalIds)],
            significant: data.significant,
            headline: data.significant ? (data.headline ?? null) : null,
            recordedBy: actorId(ctx),
            recordedAt: clock(),
            version: 1,
          })
          .returning()
        await syncChronology(tx, ctx, saved as ContactRow)
        await syncFirstHomeVisit(tx, ctx, caseId)
        await casework.audit(tx, ctx, caseId, 'create', 'contact', id, {
          type: data.type,
          outcome: data.outcome,
          significant: data.significant,
        })
        await casework.refresh(tx, ctx, row, calendar)
        return { id }
      })
    },

    /** A page of the case's contacts, newest first. */
    async list(ctx: RequestContext, caseId: string, filter: ContactFilter = {}, page = 1) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const where: SQL[] = [eq(contact.authorityId, authorityId), eq(contact.caseId, caseId)]
        if (filter.type) where.push(eq(contact.type, filter.type))
        if (filter.from) where.push(gte(contact.occurredAt, startOfLondonDay(filter.from)))
        if (filter.to) where.push(lte(contact.occurredAt, endOfLondonDay(filter.to)))
        if (filter.workerId) where.push(eq(contact.workerId, filter.workerId))
        const keyword = filter.keyword?.trim()
        if (keyword) where.push(ilike(contact.note, likePattern(keyword)))
        const [{ total } = { total: 0 }] = await tx
          .select({ total: count() })
          .from(contact)
          .where(and(...where))
        const pages = Math.max(1, Math.ceil(total / CONTACTS_PAGE_SIZE))
        const current = Math.min(Math.max(1, Math.trunc(page) || 1), pages)
        const rows = await tx
          .select()
          .from(contact)
          .where(and(...where))
          .orderBy(desc(contact.occurredAt), desc(contact.recordedAt), desc(contact.id))
          .limit(CONTACTS_PAGE_SIZE)
          .offset((current - 1) * CONTACTS_PAGE_SIZE)
        const workerIds = await tx
          .selectDistinct({ id: contact.workerId })
          .from(contact)
          .where(and(eq(contact.authorityId, authorityId), eq(contact.caseId, caseId)))
        const who = await casework.userNames(tx, authorityId, [
          ...rows.flatMap((r) => [r.workerId, r.recordedBy]),
          ...workerIds.map((w) => w.id),
        ])
        const people = await casePeople(tx, authorityId, caseId)
        const names = new Map(people.map((p) => [p.personId, p.name]))
        await casework.audit(tx, ctx, caseId, 'list', 'contact', caseId, {
          page: current,
          type: filter.type ?? null,
          filtered: Boolean(filter.from || filter.to || filter.workerId || keyword),
        })
        return {
          caseOpenedAt: row.openedAt,
          total,
          page: current,
          pages,
          from: total === 0 ? 0 : (current - 1) * CONTACTS_PAGE_SIZE + 1,
          to: Math.min(current * CONTACTS_PAGE_SIZE, total),
          workers: workerIds
            .map((w) => ({ id: w.id, name: who.get(w.id) ?? 'Unknown user' }))
            .sort((a, b) => a.name.localeCompare(b.name)),
          contacts: rows.map((r) => ({
            row: r,
            workerName: who.get(r.workerId) ?? 'Unknown user',
            recordedByName: who.get(r.recordedBy) ?? 'Unknown user',
            childrenSeen: (r.children as ChildSeen[])
              .filter((c) => c.seen)
              .map((c) => ({ personId: c.personId, name: names.get(c.personId) ?? 'A child', alone: c.seenAlone })),
          })),
        }
      })
    },

    /** One contact, with who recorded and changed it, the people named, and every earlier version. */
    async get(ctx: RequestContext, caseId: string, contactId: string) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await casework.load(tx, ctx, caseId)
        const row = await loadContact(tx, authorityId, caseId, contactId)
        const revisions = await tx
          .select()
          .from(contactRevision)
          .where(
            and(
              eq(contactRevision.authorityId, authorityId),
              eq(contactRevision.caseId, caseId),
              eq(contactRevision.contactId, contactId),
            ),
          )
          .orderBy(desc(contactRevision.version))
        const snapshots = revisions.map((r) => r.snapshot as ContactSnapshot)
        const who = await casework.userNames(tx, authorityId, [
          row.workerId,
          row.recordedBy,
          row.updatedBy,
          ...revisions.flatMap((r) => [r.writtenBy, r.replacedBy]),
          ...snapshots.map((s) => s.workerId),
        ])
        const people = await casePeople(tx, authorityId, caseId)
        const name = (id: string | null | undefined) => (id ? (who.get(id) ?? 'Unknown user') : undefined)
        await casework.audit(tx, ctx, caseId, 'view', 'contact', contactId, { version: row.version })
        return {
          row,
          workerName: name(row.workerId) as string,
          recordedByName: name(row.recordedBy) as string,
          updatedByName: name(row.updatedBy),
          /** Who wrote the version now saved, and when. */
          savedBy: name(row.updatedBy ?? row.recordedBy) as string,
          savedAt: row.updatedAt ?? row.recordedAt,
          people,
          personNames: Object.fromEntries(people.map((p) => [p.personId, p.name])) as Record<string, string>,
          /** The plan goals the contact worked on, in the plan's words (a goal since dropped is left out). */
          goals: (await casework.goals(tx, authorityId, caseId)).filter((g) =>
            (row.goalIds as string[]).includes(g.id),
          ),
          revisions: revisions.map((r) => ({
            version: r.version,
            snapshot: r.snapshot as ContactSnapshot,
            workerName: name((r.snapshot as ContactSnapshot).workerId) as string,
            writtenBy: name(r.writtenBy) as string,
            writtenAt: r.writtenAt,
            replacedBy: name(r.replacedBy) as string,
            replacedAt: r.replacedAt,
          })),
        }
      })
    },

    /**
     * Corrects a contact. `version` is the one the worker read: if someone has saved since, nothing
     * changes and a ContactConflictError says so. The version replaced is kept whole.
     */
    async update(
      ctx: RequestContext,
      caseId: string,
      contactId: string,
      version: number,
      input: ContactInput,
    ): Promise<{ id: string; version: number }> {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const before = await loadContact(tx, authorityId, caseId, contactId)
        const conflict = async (current: ContactRow) => {
          const who = await casework.userNames(tx, authorityId, [current.updatedBy ?? current.recordedBy])
          return new ContactConflictError(
            current.version,
            who.get(current.updatedBy ?? current.recordedBy),
            current.updatedAt ?? current.recordedAt,
          )
        }
        if (before.version !== version) throw await conflict(before)
        const data = await check(tx, ctx, row, input)
        const now = clock()
        const me = actorId(ctx)
        // Only the version read may be replaced: a save in between leaves nothing to update.
        const [saved] = await tx
          .update(contact)
          .set({
            occurredAt: data.occurredAt,
            type: data.type,
            outcome: data.outcome,
            workerId: data.workerId as string,
            present: data.present,
            presentOthers: data.presentOthers ?? null,
            children: data.children,
            note: data.note,
            goalIds: [...new Set(data.goalIds)],
            significant: data.significant,
            headline: data.significant ? (data.headline ?? null) : null,
            updatedBy: me,
            updatedAt: now,
            version: sql`${contact.version} + 1`,
          })
          .where(
            and(
              eq(contact.authorityId, authorityId),
              eq(contact.caseId, caseId),
              eq(contact.id, contactId),
              eq(contact.version, version),
            ),
          )
          .returning()
        if (!saved) throw await conflict(await loadContact(tx, authorityId, caseId, contactId))
        await tx.insert(contactRevision).values({
          authorityId,
          caseId,
          contactId,
          version: before.version,
          snapshot: snapshotOf(before),
          writtenBy: before.updatedBy ?? before.recordedBy,
          writtenAt: before.updatedAt ?? before.recordedAt,
          replacedBy: me,
          replacedAt: now,
        })
        await syncChronology(tx, ctx, saved)
        await syncFirstHomeVisit(tx, ctx, caseId)
        await casework.audit(tx, ctx, caseId, 'update', 'contact', contactId, {
          version: saved.version,
          type: data.type,
          outcome: data.outcome,
          significant: data.significant,
        })
        await casework.refresh(tx, ctx, row, calendar)
        return { id: contactId, version: saved.version }
      })
    },

    /** What the contact form offers: the case's people and children, the workers who can be named, and the plan's goals. */
    async formOptions(ctx: RequestContext, caseId: string) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const people = await casePeople(tx, authorityId, caseId)
        const workers = await tx
          .select({ id: appUser.id, name: appUser.name })
          .from(appUser)
          .where(
            and(
              eq(appUser.authorityId, authorityId),
              inArray(appUser.role, ['practitioner', 'team_manager', 'social_worker']),
              isNull(appUser.deactivatedAt),
            ),
          )
          .orderBy(asc(appUser.name))
        return {
          closed: row.status === 'closed',
          openedAt: row.openedAt,
          people,
          children: people.filter((p) => p.role === 'child'),
          workers,
          goals: await casework.goals(tx, authorityId, caseId),
        }
      })
    },
  }
}

export type ContactService = ReturnType<typeof createContactService>
