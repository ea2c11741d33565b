import { z } from 'zod'
import {
  ageOn,
  CONSENT_HOW,
  CONSENT_PURPOSES,
  consentStatus,
  fullName,
  mustConsent,
  RELATIONSHIP_KINDS,
} from '../domain/network.ts'
import type { Services } from '../services/index.ts'
import {
  type ConsentView,
  consentInputSchema,
  type NetworkView,
  personChangeSchema,
  personInputSchema,
  withdrawalInputSchema,
} from '../services/network.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/** The family's people, their connections, and consent: /api/v1/cases/:caseId/people and /consents. */

const keys = <T extends Record<string, string>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]]
const isoDate = z.iso.date()

const casePersonBody = z
  .object({
    personId: z.uuid(),
    name: z.string(),
    givenName: z.string(),
    familyName: z.string(),
    /** child, unborn, parent, carer, wider-family, friend, professional; 'adult' for a parent or carer from the referral. */
    role: z.string(),
    dateOfBirth: isoDate.nullable(),
    expectedDueDate: isoDate.nullable(),
    age: z.number().int().nullable(),
    relationship: z.string().nullable(),
    agency: z.string().nullable(),
    professionalRole: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    mustConsent: z.boolean().meta({ description: 'A parent or carer, or a young person aged 16 or over' }),
    version: z.number().int(),
  })
  .meta({ id: 'CasePerson' })

const relationshipBody = z
  .object({
    id: z.uuid(),
    fromPersonId: z.uuid(),
    toPersonId: z.uuid(),
    kind: z.enum(keys(RELATIONSHIP_KINDS)),
    note: z.string().nullable(),
  })
  .meta({ id: 'Relationship' })

const consentGapBody = z
  .object({ personId: z.uuid(), name: z.string(), purpose: z.enum(keys(CONSENT_PURPOSES)) })
  .meta({ id: 'ConsentGap', description: 'Someone who must consent, with no current consent to the work' })

const networkBody = z
  .object({ people: z.array(casePersonBody), relationships: z.array(relationshipBody), gaps: z.array(consentGapBody) })
  .meta({ id: 'CaseNetwork' })

const consentBody = z
  .object({
    id: z.uuid(),
    personId: z.uuid(),
    purpose: z.enum(keys(CONSENT_PURPOSES)),
    agency: z.string().nullable().meta({ description: 'Null: this service (for sharing: any agency involved)' }),
    decision: z.enum(['given', 'refused']),
    decidedOn: isoDate,
    how: z.enum(keys(CONSENT_HOW)),
    withdrawnOn: isoDate.nullable(),
    withdrawnHow: z.enum(keys(CONSENT_HOW)).nullable(),
    status: z.enum(['given', 'refused', 'withdrawn', 'future']),
    version: z.number().int(),
  })
  .meta({ id: 'Consent' })

const created = z.object({ id: z.uuid() })
const caseParams = z.object({ caseId: z.uuid() })
const consentParams = z.object({ caseId: z.uuid(), consentId: z.uuid() })
const memberParams = z.object({ caseId: z.uuid(), memberId: z.uuid() })
const problem = (description: string) => ({ description })

function personOut(network: NetworkView) {
  return network.people.map((p) => ({
    personId: p.personId,
    name: fullName(p),
    givenName: p.givenName,
    familyName: p.familyName,
    role: p.role,
    dateOfBirth: p.dateOfBirth,
    expectedDueDate: p.expectedDueDate,
    age: ageOn(p, network.on) ?? null,
    relationship: p.relationship,
    agency: p.agency,
    professionalRole: p.professionalRole,
    phone: p.phone,
    email: p.email,
    mustConsent: mustConsent(p, network.on),
    version: p.version,
  }))
}

function consentOut(c: ConsentView, on: string) {
  return {
    id: c.id,
    personId: c.personId,
    purpose: c.purpose,
    agency: c.agency,
    decision: c.decision,
    decidedOn: c.decidedOn,
    how: c.how,
    withdrawnOn: c.withdrawnOn ?? null,
    withdrawnHow: c.withdrawnHow,
    status: consentStatus(c, on),
    version: c.version,
  }
}

export function networkApiRoutes(services: Services): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/people',
      access: 'cases:work',
      summary: "The family's people, how they are connected, and who has not consented to the work",
      tags: ['cases'],
      params: caseParams,
      responses: { 200: { description: 'The network', schema: networkBody }, 404: problem('No such case') },
      handler: async ({ ctx, params }) => {
        const network = await services.network.network(ctx, params.caseId)
        return {
          status: 200,
          body: {
            people: personOut(network),
            relationships: network.relationships.map((r) => ({
              id: r.id,
              fromPersonId: r.fromPersonId,
              toPersonId: r.toPersonId,
              kind: r.kind,
              note: r.note ?? null,
            })),
            gaps: network.gaps,
          },
        }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/people',
      access: 'cases:work',
      summary: 'Add a person to the case',
      tags: ['cases'],
      params: caseParams,
      body: personInputSchema,
      responses: {
        201: { description: 'Added', schema: created },
        400: problem('Invalid fields, or the case is closed'),
        404: problem('No such case'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: { id: await services.network.addPerson(ctx, params.caseId, body) },
      }),
    }),
    apiRoute({
      method: 'patch',
      path: '/cases/:caseId/people/:memberId',
      access: 'cases:work',
      summary: 'Change a person on the case (a baby is born: role child, with a date of birth), on the version read',
      tags: ['cases'],
      params: memberParams,
      body: personChangeSchema,
      responses: {
        204: { description: 'Changed' },
        400: problem('Invalid fields, or the case is closed'),
        404: problem('No such case or person'),
        409: problem('The person was changed since you read them'),
      },
      handler: async ({ ctx, params, body }) => {
        await services.network.updatePerson(ctx, params.caseId, params.memberId, body)
        return { status: 204 }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/consents',
      access: 'cases:work',
      summary: 'Every consent decision on the case, with withdrawals, newest first',
      tags: ['cases'],
      params: caseParams,
      responses: { 200: { description: 'Consents', schema: z.array(consentBody) }, 404: problem('No such case') },
      handler: async ({ ctx, params }) => {
        const network = await services.network.network(ctx, params.caseId)
        return { status: 200, body: network.consents.map((c) => consentOut(c, network.on)) }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/consents',
      access: 'cases:work',
      summary: 'Record a consent decision (agency blank: this service; for sharing, any agency involved)',
      tags: ['cases'],
      params: caseParams,
      body: consentInputSchema,
      responses: {
        201: { description: 'Recorded', schema: created },
        400: problem('Invalid fields, or the case is closed'),
        404: problem('No such case'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: { id: await services.network.recordConsent(ctx, params.caseId, body) },
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/consents/:consentId/withdraw',
      access: 'cases:work',
      summary: 'Record that consent was withdrawn (the consent stays on the record)',
      tags: ['cases'],
      params: consentParams,
      body: withdrawalInputSchema,
      responses: {
        204: { description: 'Withdrawn' },
        400: problem('Invalid fields, already withdrawn, or the case is closed'),
        404: problem('No such case or consent'),
        409: problem('The consent changed since that version'),
      },
      handler: async ({ ctx, params, body }) => {
        await services.network.withdrawConsent(ctx, params.caseId, params.consentId, body)
        return { status: 204 }
      },
    }),
  ]
}
