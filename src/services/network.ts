import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, ne, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '../db/client.ts'
import {
  casePerson,
  consent,
  familyCase,
  informationSharing,
  person,
  personRelationship,
  referralPerson,
} from '../db/schema/index.ts'
import { type IsoDate, isIsoDate, londonDate } from '../domain/isoDate.ts'
import { phoneticKey } from '../domain/names.ts'
import {
  CONSENT_HOW,
  CONSENT_PURPOSES,
  type ConsentPurpose,
  consentGaps,
  fullName,
  groupOf,
  LAWFUL_REASONS,
  NETWORK_ROLES,
  type NetworkConsent,
  type NetworkPerson,
  type NetworkRelationship,
  RELATIONSHIP_KINDS,
  sharingGaps,
} from '../domain/network.ts'
import type { AuditLog } from './audit.ts'
import type { CaseRow, Casework } from './casework.ts'
import { type Clock, type RequestContext, recorderOf } from './context.ts'
import { ConflictError, fieldProblems, InvalidInputError, NotFoundError } from './errors.ts'
import type { ProgrammeService } from './programmes.ts'

/**
 * The family's people and network: who they are, how they are connected, what each has
 * consented to, and what was shared with whom (and why, when it was without consent).
 */

const keys = <T extends Record<string, string>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]]
const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .optional()
    .nullable()
    .transform((v) => v || null)
const isoDateField = (message: string) =>
  z
    .string()
    .refine((v) => isIsoDate(v), message)
    .optional()
    .nullable()
    .transform((v) => v || null)

export const personInputSchema = z.object({
  role: z.enum(keys(NETWORK_ROLES), { error: 'Select who they are to the family' }),
  givenName: z
    .string({ error: 'Enter their given name' })
    .trim()
    .min(1, 'Enter their given name')
    .max(100, 'The given name must be 100 characters or fewer'),
  familyName: z
    .string({ error: 'Enter their family name' })
    .trim()
    .min(1, 'Enter their family name')
    .max(100, 'The family name must be 100 characters or fewer'),
  dateOfBirth: isoDateField('The date of birth must be a real date'),
  expectedDueDate: isoDateField('The expected due date must be a real date'),
  relationship: optionalText(200, 'The relationship must be 200 characters or fewer'),
  agency: optionalText(200, 'The agency must be 200 characters or fewer'),
  professionalRole: optionalText(200, 'The role must be 200 characters or fewer'),
  phone: optionalText(40, 'The phone number must be 40 characters or fewer'),
  email: z
    .union([z.literal(''), z.email('Enter an email address in the correct format, like name@example.org').max(320)])
    .optional()
    .nullable()
    .transform((v) => v || null),
})
export type PersonInput = z.input<typeof personInputSchema>

export const personChangeSchema = personInputSchema.extend({ version: z.number().int() })
export type PersonChange = z.input<typeof personChangeSchema>

export const relationshipInputSchema = z.object({
  fromPersonId: z.uuid('Select the first person'),
  toPersonId: z.uuid('Select the second person'),
  kind: z.enum(keys(RELATIONSHIP_KINDS), { error: 'Select how they are connected' }),
  note: optionalText(500, 'The note must be 500 characters or fewer'),
})
export type RelationshipInput = z.input<typeof relationshipInputSchema>

export const consentInputSchema = z.object({
  personId: z.uuid('Select whose consent this is'),
  purpose: z.enum(keys(CONSENT_PURPOSES), { error: 'Select what the consent is for' }),
  agency: optionalText(200, 'The agency must be 200 characters or fewer'),
  decision: z.enum(['given', 'refused'], { error: 'Select whether consent was given or refused' }),
  decidedOn: z.string({ error: 'Enter the date of the decision' }).refine(isIsoDate, 'Enter a real date'),
  how: z.enum(keys(CONSENT_HOW), { error: 'Select how the decision was given' }),
})
export type ConsentInput = z.input<typeof consentInputSchema>

export const withdrawalInputSchema = z.object({
  withdrawnOn: z.string({ error: 'Enter the date consent was withdrawn' }).refine(isIsoDate, 'Enter a real date'),
  how: z.enum(keys(CONSENT_HOW), { error: 'Select how consent was withdrawn' }),
  version: z.number().int(),
})
export type WithdrawalInput = z.input<typeof withdrawalInputSchema>

export const sharingInputSchema = z.object({
  sharedOn: z.string({ error: 'Enter the date it was shared' }).refine(isIsoDate, 'Enter a real date'),
  agency: z
    .string({ error: 'Enter the agency it was shared with' })
    .trim()
    .min(1, 'Enter the agency it was shared with')
    .max(200, 'The agency must be 200 characters or fewer'),
  what: z
    .string({ error: 'Say what was shared and why' })
    .trim()
    .min(1, 'Say what was shared and why')
    .max(2000, 'What was shared must be 2000 characters or fewer'),
  personIds: z.array(z.uuid()).min(1, 'Select who the information is about'),
  lawfulReason: z
    .union([z.literal(''), z.enum(keys(LAWFUL_REASONS))])
    .optional()
    .nullable()
    .transform((v) => v || null),
  reasonDetail: optionalText(2000, 'The reason must be 2000 characters or fewer'),
})
export type SharingInput = z.input<typeof sharingInputSchema>

/** One person on the case, with their case details. */
export interface CasePersonView extends NetworkPerson {
  dateOfBirth: IsoDate | null
  expectedDueDate: IsoDate | null
  relationship: string | null
  agency: string | null
  professionalRole: string | null
  phone: string | null
  email: string | null
  version: number
  addedAt: Date | null
}

export type ConsentView = NetworkConsent & {
  agency: string | null
  how: string
  withdrawnHow: string | null
  recordedAt: Date
  version: number
}

export interface SharingView {
  id: string
  sharedOn: IsoDate
  agency: string
  what: string
  personIds: string[]
  withConsent: boolean
  lawfulReason: string | null
  reasonDetail: string | null
  recordedAt: Date
}

function shapeProblems(schema: z.ZodType, input: unknown): Record<string, string> {
  const parsed = schema.safeParse(input)
  return parsed.success ? {} : fieldProblems(parsed.error)
}

function loose(raw: unknown) {
  const r = (raw ?? {}) as Record<string, unknown>
  return (key: string) => (typeof r[key] === 'string' ? (r[key] as string).trim() : '')
}

const pastDate = (fields: Record<string, string>, value: string, on: IsoDate, name: string, message: string) => {
  if (isIsoDate(value) && value > on) fields[name] ??= message
}

/**
 * Everything wrong with a person's details that can be seen without the database: the form
 * uses it too, so a page with a bad date still shows every other problem at once.
 */
export function personProblems(raw: unknown, on: IsoDate): Record<string, string> {
  const fields = shapeProblems(personInputSchema, raw)
  const text = loose(raw)
  if (text('role') === 'unborn') {
    if (!text('expectedDueDate')) fields.expectedDueDate ??= 'Enter the expected due date'
  } else {
    pastDate(fields, text('dateOfBirth'), on, 'dateOfBirth', 'The date of birth must be today or in the past')
  }
  if (text('role') === 'professional' && !text('agency')) fields.agency ??= 'Enter the agency they work for'
  return fields
}

export function consentProblems(raw: unknown, on: IsoDate): Record<string, string> {
  const fields = shapeProblems(consentInputSchema, raw)
  pastDate(fields, loose(raw)('decidedOn'), on, 'decidedOn', 'The date of the decision must be today or in the past')
  return fields
}

export function withdrawalProblems(raw: unknown, on: IsoDate): Record<string, string> {
  const fields = shapeProblems(withdrawalInputSchema, raw)
  pastDate(
    fields,
    loose(raw)('withdrawnOn'),
    on,
    'withdrawnOn',
    'The date consent was withdrawn must be today or in the past',
  )
  return fields
}

export function sharingProblems(raw: unknown, on: IsoDate): Record<string, string> {
  const fields = shapeProblems(sharingInputSchema, raw)
  pastDate(fields, loose(raw)('sharedOn'), on, 'sharedOn', 'The date it was shared must be today or in the past')
  return fields
}

function valid<S extends z.ZodType>(schema: S, raw: unknown, problems: Record<string, string>): z.output<S> {
  if (Object.keys(problems).length > 0) throw new InvalidInputError(problems)
  return schema.parse(raw)
}

const CHILD_ROLES = ['child', 'unborn']

export function createNetworkService(
  database: Database,
  _audit: AuditLog,
  clock: Clock,
  programmes: ProgrammeService,
  casework: Casework,
) {
  const today = () => londonDate(clock())

  /** A case open for changes; a closed case's record stands as it was. */
  async function openCase(tx: Tx, ctx: RequestContext, caseId: string, field: string): Promise<CaseRow> {
    const row = await casework.load(tx, ctx, caseId)
    if (row.status === 'closed') {
      throw new InvalidInputError({ [field]: 'The case is closed: its people and consent can no longer be changed' })
    }
    return row
  }

  async function peopleOf(tx: Tx, row: CaseRow): Promise<CasePersonView[]> {
    const rows = await tx
      .select({
        personId: person.id,
        givenName: person.givenName,
        familyName: person.familyName,
        dateOfBirth: person.dateOfBirth,
        expectedDueDate: person.expectedDueDate,
        role: casePerson.role,
        relationship: casePerson.relationship,
        referralRelationship: referralPerson.relationship,
        agency: casePerson.agency,
        professionalRole: casePerson.professionalRole,
        phone: casePerson.phone,
        email: casePerson.email,
        version: casePerson.version,
        addedAt: casePerson.addedAt,
      })
      .from(casePerson)
      .innerJoin(person, and(eq(person.authorityId, casePerson.authorityId), eq(person.id, casePerson.personId)))
      .leftJoin(
        referralPerson,
        and(
          eq(referralPerson.authorityId, casePerson.authorityId),
          eq(referralPerson.referralId, row.referralId),
          eq(referralPerson.personId, casePerson.personId),
        ),
      )
      .where(and(eq(casePerson.authorityId, row.authorityId), eq(casePerson.caseId, row.id)))
      .orderBy(
        asc(sql`coalesce(${person.dateOfBirth}, ${person.expectedDueDate})`),
        asc(person.familyName),
        asc(person.givenName),
      )
    // A person linked twice from one referral would appear twice; keep the first.
    const seen = new Set<string>()
    return rows
      .filter((r) => !seen.has(r.personId) && seen.add(r.personId))
      .map(({ referralRelationship, ...r }) => ({ ...r, relationship: r.relationship ?? referralRelationship ?? null }))
  }

  async function consentsOf(tx: Tx, row: CaseRow): Promise<ConsentView[]> {
    return tx
      .select({
        id: consent.id,
        personId: consent.personId,
        purpose: consent.purpose,
        agency: consent.agency,
        decision: consent.decision,
        decidedOn: consent.decidedOn,
        how: consent.how,
        withdrawnOn: consent.withdrawnOn,
        withdrawnHow: consent.withdrawnHow,
        recordedAt: consent.recordedAt,
        version: consent.version,
      })
      .from(consent)
      .where(and(eq(consent.authorityId, row.authorityId), eq(consent.caseId, row.id)))
      .orderBy(desc(consent.decidedOn), desc(consent.recordedAt))
  }

  async function relationshipsOf(tx: Tx, row: CaseRow): Promise<(NetworkRelationship & { recordedAt: Date })[]> {
    return tx
      .select({
        id: personRelationship.id,
        fromPersonId: personRelationship.fromPersonId,
        toPersonId: personRelationship.toPersonId,
        kind: personRelationship.kind,
        note: personRelationship.note,
        recordedAt: personRelationship.recordedAt,
      })
      .from(personRelationship)
      .where(and(eq(personRelationship.authorityId, row.authorityId), eq(personRelationship.caseId, row.id)))
      .orderBy(asc(personRelationship.recordedAt))
  }

  async function sharingOf(tx: Tx, row: CaseRow): Promise<SharingView[]> {
    const rows = await tx
      .select()
      .from(informationSharing)
      .where(and(eq(informationSharing.authorityId, row.authorityId), eq(informationSharing.caseId, row.id)))
      .orderBy(desc(informationSharing.sharedOn), desc(informationSharing.recordedAt))
    return rows.map((r) => ({
      id: r.id,
      sharedOn: r.sharedOn,
      agency: r.agency,
      what: r.what,
      personIds: r.personIds as string[],
      withConsent: r.withConsent,
      lawfulReason: r.lawfulReason,
      reasonDetail: r.reasonDetail,
      recordedAt: r.recordedAt,
    }))
  }

  function gapsIn(people: CasePersonView[], consents: ConsentView[], on: IsoDate) {
    const byId = new Map(people.map((p) => [p.personId, p]))
    return consentGaps(people, consents, on).map((gap) => ({
      personId: gap.personId,
      name: fullName(byId.get(gap.personId) as CasePersonView),
      purpose: gap.purpose as ConsentPurpose,
    }))
  }

  function onCase(people: CasePersonView[], personId: string, field: string): CasePersonView {
    const found = people.find((p) => p.personId === personId)
    if (!found) throw new InvalidInputError({ [field]: 'Select someone on this case' })
    return found
  }

  /** An unborn baby has a due date and no date of birth; everyone else the other way round. */
  function datesOf(input: z.output<typeof personInputSchema>) {
    return {
      dateOfBirth: input.role === 'unborn' ? null : input.dateOfBirth,
      expectedDueDate: input.role === 'unborn' ? input.expectedDueDate : null,
    }
  }

  const service = {
    /** Everyone on the case, how they are connected, consent, sharing and the consent gaps, as of today. */
    async network(ctx: RequestContext, caseId: string, options: { audited?: boolean } = {}) {
      const authorityId = ctx.actor.authorityId
      const on = today()
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const people = await peopleOf(tx, row)
        const relationships = await relationshipsOf(tx, row)
        const consents = await consentsOf(tx, row)
        const sharing = await sharingOf(tx, row)
        // The web page is audited as the case is opened; the API reads it on its own.
        if (options.audited !== false) await casework.audit(tx, ctx, caseId, 'list', 'case-person', caseId)
        return { row, on, people, relationships, consents, sharing, gaps: gapsIn(people, consents, on) }
      })
    },

    /** Who must consent to the work and has no current consent to it: "work is going on without consent". */
    async gaps(
      ctx: RequestContext,
      caseId: string,
    ): Promise<{ personId: string; name: string; purpose: ConsentPurpose }[]> {
      const on = today()
      return database.withTenant(ctx.actor.authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        return gapsIn(await peopleOf(tx, row), await consentsOf(tx, row), on)
      })
    },

    async addPerson(ctx: RequestContext, caseId: string, raw: PersonInput): Promise<string> {
      const input = valid(personInputSchema, raw, personProblems(raw, today()))
      const dates = datesOf(input)
      const calendar = CHILD_ROLES.includes(input.role) ? await programmes.calendar(ctx) : undefined
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await openCase(tx, ctx, caseId, 'role')
        const personId = randomUUID()
        const now = clock()
        await tx.insert(person).values({
          authorityId,
          id: personId,
          givenName: input.givenName,
          familyName: input.familyName,
          nameKey: phoneticKey(`${input.givenName} ${input.familyName}`),
          ...dates,
          createdAt: now,
        })
        await tx.insert(casePerson).values({
          authorityId,
          caseId,
          personId,
          role: input.role,
          relationship: input.relationship,
          ...professionalDetails(input),
          addedBy: ctx.actor.userId ?? null,
          addedAt: now,
        })
        await casework.audit(tx, ctx, caseId, 'create', 'case-person', personId, { role: input.role })
        if (calendar) await casework.refresh(tx, ctx, row, calendar)
        return personId
      })
    },

    async updatePerson(ctx: RequestContext, caseId: string, personId: string, raw: PersonChange): Promise<void> {
      const input = valid(personChangeSchema, raw, {
        ...personProblems(raw, today()),
        ...shapeProblems(personChangeSchema, raw),
      })
      const dates = datesOf(input)
      const calendar = await programmes.calendar(ctx)
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await openCase(tx, ctx, caseId, 'role')
        const [current] = await tx
          .select({ role: casePerson.role, version: casePerson.version })
          .from(casePerson)
          .where(
            and(
              eq(casePerson.authorityId, authorityId),
              eq(casePerson.caseId, caseId),
              eq(casePerson.personId, personId),
            ),
          )
        if (!current) throw new NotFoundError('Person')
        const updated = await tx
          .update(casePerson)
          .set({
            role: input.role,
            relationship: input.relationship,
            ...professionalDetails(input),
            version: sql`${casePerson.version} + 1`,
          })
          .where(
            and(
              eq(casePerson.authorityId, authorityId),
              eq(casePerson.caseId, caseId),
              eq(casePerson.personId, personId),
              eq(casePerson.version, input.version),
            ),
          )
          .returning({ personId: casePerson.personId })
        if (updated.length === 0) {
          throw new ConflictError("Someone else changed this person's details since you opened them.")
        }
        // The person record is shared by every case the person is on: a change to who they are
        // (name, dates) shows on all of them, so only a team manager, who can see every case, may
        // make it once the person is on another family's case, and every such case is refreshed.
        const [known] = await tx
          .select()
          .from(person)
          .where(and(eq(person.authorityId, authorityId), eq(person.id, personId)))
        if (!known) throw new NotFoundError('Person')
        const identityChanged =
          known.givenName !== input.givenName ||
          known.familyName !== input.familyName ||
          (known.dateOfBirth ?? null) !== (dates.dateOfBirth ?? null) ||
          (known.expectedDueDate ?? null) !== (dates.expectedDueDate ?? null)
        const otherCases = identityChanged
          ? await tx
              .select({ caseId: casePerson.caseId })
              .from(casePerson)
              .where(
                and(
                  eq(casePerson.authorityId, authorityId),
                  eq(casePerson.personId, personId),
                  ne(casePerson.caseId, caseId),
                ),
              )
          : []
        if (otherCases.length > 0 && ctx.actor.role !== 'team_manager') {
          throw new InvalidInputError({
            givenName:
              'This person is also on another family’s case, so only a team manager can change their name or dates',
          })
        }
        if (identityChanged) {
          const changed = await tx
            .update(person)
            .set({
              givenName: input.givenName,
              familyName: input.familyName,
              nameKey: phoneticKey(`${input.givenName} ${input.familyName}`),
              ...dates,
              version: sql`${person.version} + 1`,
            })
            .where(and(eq(person.authorityId, authorityId), eq(person.id, personId), eq(person.version, known.version)))
            .returning({ id: person.id })
          if (changed.length === 0)
            throw new ConflictError("Someone else changed this person's details since you opened them.")
          for (const other of otherCases) {
            const [otherRow] = await tx
              .select()
              .from(familyCase)
              .where(and(eq(familyCase.authorityId, authorityId), eq(familyCase.id, other.caseId)))
            if (otherRow) await casework.refresh(tx, ctx, otherRow, calendar)
          }
        }
        await casework.audit(tx, ctx, caseId, 'update', 'case-person', personId, {
          role: input.role,
          previousRole: current.role,
          version: input.version + 1,
        })
        if (CHILD_ROLES.includes(input.role) || CHILD_ROLES.includes(current.role)) {
          await casework.refresh(tx, ctx, row, calendar)
        }
      })
    },

    async addRelationship(ctx: RequestContext, caseId: string, raw: RelationshipInput): Promise<string> {
      const input = valid(relationshipInputSchema, raw, shapeProblems(relationshipInputSchema, raw))
      if (input.fromPersonId === input.toPersonId) {
        throw new InvalidInputError({ toPersonId: 'Select two different people' })
      }
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await openCase(tx, ctx, caseId, 'fromPersonId')
        const people = await peopleOf(tx, row)
        onCase(people, input.fromPersonId, 'fromPersonId')
        onCase(people, input.toPersonId, 'toPersonId')
        const existing = await relationshipsOf(tx, row)
        const symmetric = input.kind !== 'parent' && !input.kind.endsWith('support')
        const duplicate = existing.some(
          (r) =>
            r.kind === input.kind &&
            ((r.fromPersonId === input.fromPersonId && r.toPersonId === input.toPersonId) ||
              (symmetric && r.fromPersonId === input.toPersonId && r.toPersonId === input.fromPersonId)),
        )
        if (duplicate) throw new InvalidInputError({ kind: 'This relationship is already recorded' })
        const id = randomUUID()
        await tx.insert(personRelationship).values({
          authorityId,
          caseId,
          id,
          fromPersonId: input.fromPersonId,
          toPersonId: input.toPersonId,
          kind: input.kind,
          note: input.note,
          recordedBy: recorderOf(ctx),
          recordedAt: clock(),
        })
        await casework.audit(tx, ctx, caseId, 'create', 'relationship', id, {
          kind: input.kind,
          fromPersonId: input.fromPersonId,
          toPersonId: input.toPersonId,
        })
        return id
      })
    },

    async removeRelationship(ctx: RequestContext, caseId: string, relationshipId: string): Promise<void> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await openCase(tx, ctx, caseId, 'relationship')
        const removed = await tx
          .delete(personRelationship)
          .where(
            and(
              eq(personRelationship.authorityId, authorityId),
              eq(personRelationship.caseId, caseId),
              eq(personRelationship.id, relationshipId),
            ),
          )
          .returning({ kind: personRelationship.kind })
        if (removed.length === 0) throw new NotFoundError('Relationship')
        await casework.audit(tx, ctx, caseId, 'delete', 'relationship', relationshipId, {
          kind: removed[0]?.kind ?? null,
        })
      })
    },

    async recordConsent(ctx: RequestContext, caseId: string, raw: ConsentInput): Promise<string> {
      const input = valid(consentInputSchema, raw, consentProblems(raw, today()))
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await openCase(tx, ctx, caseId, 'personId')
        onCase(await peopleOf(tx, row), input.personId, 'personId')
        const id = randomUUID()
        await tx.insert(consent).values({
          authorityId,
          caseId,
          id,
          personId: input.personId,
          purpose: input.purpose,
          agency: input.agency,
          decision: input.decision,
          decidedOn: input.decidedOn,
          how: input.how,
          recordedBy: recorderOf(ctx),
          recordedAt: clock(),
        })
        await casework.audit(tx, ctx, caseId, 'create', 'consent', id, {
          personId: input.personId,
          purpose: input.purpose,
          decision: input.decision,
          otherAgency: input.agency !== null,
        })
        return id
      })
    },

    /** Withdrawal keeps the record: the consent shows as given then withdrawn, and the chronology says so. */
    async withdrawConsent(ctx: RequestContext, caseId: string, consentId: string, raw: WithdrawalInput) {
      const input = valid(withdrawalInputSchema, raw, withdrawalProblems(raw, today()))
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await openCase(tx, ctx, caseId, 'withdrawnOn')
        const [current] = await tx
          .select()
          .from(consent)
          .where(and(eq(consent.authorityId, authorityId), eq(consent.caseId, caseId), eq(consent.id, consentId)))
        if (!current) throw new NotFoundError('Consent')
        if (current.version !== input.version) {
          throw new ConflictError('Someone else changed this consent since you opened it.')
        }
        if (current.decision !== 'given') throw new InvalidInputError({ withdrawnOn: 'Consent was refused, not given' })
        if (current.withdrawnOn) throw new InvalidInputError({ withdrawnOn: 'This consent is already withdrawn' })
        if (input.withdrawnOn < current.decidedOn) {
          throw new InvalidInputError({ withdrawnOn: 'Consent cannot be withdrawn before it was given' })
        }
        const updated = await tx
          .update(consent)
          .set({
            withdrawnOn: input.withdrawnOn,
            withdrawnHow: input.how,
            withdrawnRecordedBy: ctx.actor.userId ?? null,
            withdrawnRecordedAt: clock(),
            version: sql`${consent.version} + 1`,
          })
          .where(
            and(
              eq(consent.authorityId, authorityId),
              eq(consent.caseId, caseId),
              eq(consent.id, consentId),
              eq(consent.version, input.version),
            ),
          )
          .returning({ id: consent.id })
        if (updated.length === 0) throw new ConflictError('Someone else changed this consent since you opened it.')
        const who = (await peopleOf(tx, row)).find((p) => p.personId === current.personId)
        const purpose = CONSENT_PURPOSES[current.purpose as ConsentPurpose] ?? current.purpose
        await casework.chronicle(tx, ctx, caseId, {
          occurredOn: input.withdrawnOn,
          headline: `${who ? fullName(who) : 'A family member'} withdrew consent: ${purpose.toLowerCase()}${current.agency ? ` (${current.agency})` : ''}`,
          category: 'family',
          origin: 'hearth',
          originType: 'consent',
          originId: consentId,
        })
        await casework.audit(tx, ctx, caseId, 'update', 'consent', consentId, {
          withdrawn: true,
          purpose: current.purpose,
          personId: current.personId,
        })
      })
    },

    /**
     * Records information shared with another agency. Hearth, not the worker, says whether it
     * was with consent (see domain sharingGaps); without it, the lawful reason is required.
     */
    async recordSharing(
      ctx: RequestContext,
      caseId: string,
      raw: SharingInput,
    ): Promise<{ id: string; withConsent: boolean }> {
      const input = valid(sharingInputSchema, raw, sharingProblems(raw, today()))
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await openCase(tx, ctx, caseId, 'sharedOn')
        const people = await peopleOf(tx, row)
        for (const id of input.personIds) onCase(people, id, 'personIds')
        const consents = await consentsOf(tx, row)
        const missing = sharingGaps(people, consents, input.personIds, input.agency, input.sharedOn)
        const withConsent = missing.length === 0
        if (!withConsent) {
          const problems: Record<string, string> = {}
          const names = missing.map(fullName).join(', ')
          if (!input.lawfulReason) {
            problems.lawfulReason = `There is no consent from ${names} to share with ${input.agency}: select the lawful reason for sharing without consent`
          }
          if (!input.reasonDetail) problems.reasonDetail = 'Explain why it was shared without consent'
          if (Object.keys(problems).length > 0) throw new InvalidInputError(problems)
        }
        const id = randomUUID()
        await tx.insert(informationSharing).values({
          authorityId,
          caseId,
          id,
          sharedOn: input.sharedOn,
          agency: input.agency,
          what: input.what,
          personIds: input.personIds,
          withConsent,
          lawfulReason: withConsent ? null : input.lawfulReason,
          reasonDetail: withConsent ? null : input.reasonDetail,
          recordedBy: recorderOf(ctx),
          recordedAt: clock(),
        })
        if (!withConsent) {
          await casework.chronicle(tx, ctx, caseId, {
            occurredOn: input.sharedOn,
            headline: `Information shared with ${input.agency} without consent`,
            category: 'safeguarding',
            origin: 'hearth',
            originType: 'information-sharing',
            originId: id,
            source: input.agency,
            action: LAWFUL_REASONS[input.lawfulReason as keyof typeof LAWFUL_REASONS] ?? null,
          })
        }
        await casework.audit(tx, ctx, caseId, 'create', 'information-sharing', id, {
          withConsent,
          lawfulReason: withConsent ? null : input.lawfulReason,
          people: input.personIds.length,
        })
        return { id, withConsent }
      })
    },
  }
  return service
}

function professionalDetails(input: {
  role: string
  agency: string | null
  professionalRole: string | null
  phone: string | null
  email: string | null
}) {
  // Only professionals carry an agency, role and work contact details; a family member's are not kept here.
  const professional = groupOf(input.role) === 'professionals'
  return {
    agency: professional ? input.agency : null,
    professionalRole: professional ? input.professionalRole : null,
    phone: professional ? input.phone : null,
    email: professional ? input.email : null,
  }
}

export type NetworkService = ReturnType<typeof createNetworkService>
export type NetworkView = Awaited<ReturnType<NetworkService['network']>>
