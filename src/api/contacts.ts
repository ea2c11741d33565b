import { z } from 'zod'
import { CONTACT_OUTCOMES, CONTACT_TYPES, type ContactOutcome, type ContactType } from '../domain/contacts.ts'
import { isIsoDate } from '../domain/isoDate.ts'
import {
  type ContactFilter,
  type ContactInput,
  type ContactRow,
  type ContactSnapshot,
  childSeenSchema,
  HEADLINE_MAX,
  NOTE_MAX,
} from '../services/contacts.ts'
import type { Services } from '../services/index.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/** Contacts with a family, through the API: list, record, read, and correct with optimistic locking. */

const typeEnum = z.enum(Object.keys(CONTACT_TYPES) as [ContactType, ...ContactType[]])
const outcomeEnum = z.enum(Object.keys(CONTACT_OUTCOMES) as [ContactOutcome, ...ContactOutcome[]])

const contactFields = {
  occurredAt: z.iso.datetime(),
  type: typeEnum,
  outcome: outcomeEnum.describe('completed: it took place; attempted: could not reach the family; no-access'),
  workerId: z.uuid().describe('Who made the contact'),
  present: z.array(z.uuid()).describe('People on the case who were there'),
  presentOthers: z.string().nullable(),
  children: z.array(childSeenSchema).describe('Each child on the case: seen, and seen on their own'),
  note: z.string(),
  significant: z.boolean().describe('A significant event is in the family chronology'),
  headline: z.string().nullable().describe('The chronology headline, for a significant event'),
}

const contactSchema = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    ...contactFields,
    goalIds: z.array(z.uuid()).describe('Plan goals the contact worked on'),
    recordedBy: z.uuid(),
    recordedAt: z.iso.datetime(),
    updatedBy: z.uuid().nullable(),
    updatedAt: z.iso.datetime().nullable(),
    version: z.number().int().describe('Send it back when you correct the contact (optimistic locking)'),
  })
  .meta({ id: 'Contact' })

const revisionSchema = z
  .object({
    version: z.number().int(),
    contact: z.object({ ...contactFields, goalIds: z.array(z.uuid()) }).describe('The contact as it was'),
    writtenBy: z.string().describe('Who wrote this version'),
    writtenAt: z.iso.datetime(),
    replacedBy: z.string().describe('Who replaced it'),
    replacedAt: z.iso.datetime(),
  })
  .meta({ id: 'ContactRevision' })

const contactDetailSchema = contactSchema
  .extend({ revisions: z.array(revisionSchema).describe('Every earlier version, newest first') })
  .meta({ id: 'ContactDetail' })

const contactPageSchema = z
  .object({
    total: z.number().int(),
    page: z.number().int(),
    pages: z.number().int(),
    contacts: z.array(contactSchema).describe('Newest first, 25 a page'),
  })
  .meta({ id: 'ContactPage' })

const contactBody = z
  .object({
    occurredAt: z.iso.datetime({ offset: true }).describe('When the contact happened (not in the future)'),
    type: typeEnum,
    outcome: outcomeEnum,
    workerId: z.uuid().optional().describe('Defaults to the token’s owner'),
    present: z.array(z.uuid()).optional(),
    presentOthers: z.string().max(2000).optional(),
    children: z.array(childSeenSchema).optional(),
    note: z.string().max(NOTE_MAX),
    significant: z.boolean().optional(),
    headline: z.string().max(HEADLINE_MAX).optional().describe('Needed when significant'),
  })
  .meta({ id: 'ContactInput' })

const contactChange = contactBody
  .extend({ version: z.number().int().describe('The version you read (optimistic locking)') })
  .meta({ id: 'ContactChange' })

const contactQuery = z.object({
  type: typeEnum.optional(),
  from: z
    .string()
    .optional()
    .refine((v) => !v || isIsoDate(v), 'Use a date like 2026-01-05')
    .describe('On or after this date (YYYY-MM-DD)'),
  to: z
    .string()
    .optional()
    .refine((v) => !v || isIsoDate(v), 'Use a date like 2026-01-05')
    .describe('On or before this date (YYYY-MM-DD)'),
  workerId: z.uuid().optional(),
  keyword: z.string().max(200).optional().describe('Words in the note'),
  page: z.string().regex(/^\d+$/, 'Use a page number').optional(),
})

const caseParams = z.object({ caseId: z.uuid() })
const contactParams = z.object({ caseId: z.uuid(), contactId: z.uuid() })
const created = z.object({ id: z.uuid(), version: z.number().int() }).meta({ id: 'ContactSaved' })

const iso = (d: Date | null) => (d ? d.toISOString() : null)

function contactOut(row: ContactRow) {
  return {
    id: row.id,
    caseId: row.caseId,
    occurredAt: row.occurredAt.toISOString(),
    type: row.type,
    outcome: row.outcome,
    workerId: row.workerId,
    present: row.present as string[],
    presentOthers: row.presentOthers,
    children: row.children as z.output<typeof childSeenSchema>[],
    note: row.note,
    significant: row.significant,
    headline: row.headline,
    goalIds: row.goalIds as string[],
    recordedBy: row.recordedBy,
    recordedAt: row.recordedAt.toISOString(),
    updatedBy: row.updatedBy,
    updatedAt: iso(row.updatedAt),
    version: row.version,
  }
}

function snapshotOut(s: ContactSnapshot) {
  const { version: _version, ...rest } = s
  return rest
}

function inputOf(body: z.output<typeof contactBody>): ContactInput {
  return {
    ...body,
    occurredAt: new Date(body.occurredAt),
    present: body.present ?? [],
    children: body.children ?? [],
  }
}

const problem = (description: string) => ({ description })

export function contactsApiRoutes(services: Services): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/contacts',
      access: 'cases:work',
      summary: 'Contacts with the family, newest first, filtered and a page at a time',
      tags: ['contacts'],
      params: caseParams,
      query: contactQuery,
      responses: {
        200: { description: 'A page of contacts', schema: contactPageSchema },
        404: problem('No such case'),
      },
      handler: async ({ ctx, params, query }) => {
        const filter: ContactFilter = {
          ...(query.type ? { type: query.type } : {}),
          ...(query.from ? { from: query.from as ContactFilter['from'] } : {}),
          ...(query.to ? { to: query.to as ContactFilter['to'] } : {}),
          ...(query.workerId ? { workerId: query.workerId } : {}),
          ...(query.keyword ? { keyword: query.keyword } : {}),
        }
        const list = await services.contacts.list(ctx, params.caseId, filter, Number(query.page ?? 1))
        return {
          status: 200,
          body: {
            total: list.total,
            page: list.page,
            pages: list.pages,
            contacts: list.contacts.map((c) => contactOut(c.row)),
          },
        }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/contacts',
      access: 'cases:work',
      summary: 'Record a contact (a visit, call or message, including attempts)',
      tags: ['contacts'],
      params: caseParams,
      body: contactBody,
      responses: {
        201: { description: 'Recorded', schema: created },
        400: problem('Some fields are not valid'),
        404: problem('No such case'),
      },
      handler: async ({ ctx, params, body }) => {
        const { id } = await services.contacts.record(ctx, params.caseId, inputOf(body))
        return { status: 201, body: { id, version: 1 } }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/contacts/:contactId',
      access: 'cases:work',
      summary: 'A contact, with every earlier version',
      tags: ['contacts'],
      params: contactParams,
      responses: { 200: { description: 'The contact', schema: contactDetailSchema }, 404: problem('No such contact') },
      handler: async ({ ctx, params }) => {
        const contact = await services.contacts.get(ctx, params.caseId, params.contactId)
        return {
          status: 200,
          body: {
            ...contactOut(contact.row),
            revisions: contact.revisions.map((r) => ({
              version: r.version,
              contact: snapshotOut(r.snapshot),
              writtenBy: r.writtenBy,
              writtenAt: r.writtenAt.toISOString(),
              replacedBy: r.replacedBy,
              replacedAt: r.replacedAt.toISOString(),
            })),
          },
        }
      },
    }),
    apiRoute({
      method: 'patch',
      path: '/cases/:caseId/contacts/:contactId',
      access: 'cases:work',
      summary: 'Correct a contact; the version replaced is kept',
      tags: ['contacts'],
      params: contactParams,
      body: contactChange,
      responses: {
        200: { description: 'Corrected', schema: created },
        400: problem('Some fields are not valid'),
        404: problem('No such contact'),
        409: problem('Someone saved a newer version: read it again, then send your change with its version'),
      },
      handler: async ({ ctx, params, body }) => {
        const { version, ...rest } = body
        const saved = await services.contacts.update(ctx, params.caseId, params.contactId, version, inputOf(rest))
        return { status: 200, body: saved }
      },
    }),
  ]
}
