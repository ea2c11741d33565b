import { z } from 'zod'
import {
  type ConsultationView,
  consultationInputSchema,
  type FormulationView,
  formulationInputSchema,
} from '../services/consultations.ts'
import type { Services } from '../services/index.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/**
 * Case consultation and formulation over the API, for services that offer them:
 * /api/v1/cases/:caseId/consultations and /formulations.
 */

const isoDate = z.iso.date()
const who = z.object({ id: z.uuid(), name: z.string() })

const recorded = {
  id: z.uuid(),
  caseId: z.uuid(),
  recordedBy: who,
  recordedAt: z.iso.datetime(),
  updatedBy: who.nullable(),
  updatedAt: z.iso.datetime().nullable(),
  version: z.number().int().describe('Changes by one each time the record is corrected (optimistic locking)'),
}

const consultationBody = z
  .object({
    ...recorded,
    heldOn: isoDate,
    attendees: z.string().describe('Who took part'),
    dilemma: z.string().describe('The dilemma the worker brought'),
    hypotheses: z.string().nullable().describe('The hypotheses the group offered'),
    ideas: z.string().nullable().describe('The ideas agreed'),
    actions: z.string().nullable().describe('The actions agreed'),
    nextOn: isoDate.nullable().describe('The next consultation'),
  })
  .meta({ id: 'CaseConsultation' })

const formulationBody = z
  .object({
    ...recorded,
    writtenOn: isoDate,
    presenting: z.string(),
    predisposing: z.string().nullable(),
    precipitating: z.string().nullable(),
    perpetuating: z.string().nullable(),
    protective: z.string().nullable(),
  })
  .meta({ id: 'CaseFormulation', description: 'A case formulation in the "5 Ps"' })

const offer = z
  .object({ source: z.string().describe("The service's own words"), interpretation: z.string().optional() })
  .nullable()
  .describe('Null when the case’s service does not offer it')

const listBody = z
  .object({
    offers: z
      .object({ consultation: offer, formulation: offer, closed: z.boolean() })
      .describe('What the case’s service offers, and whether the case is closed (no more changes)'),
    consultations: z.array(consultationBody).describe('Newest first'),
    formulations: z.array(formulationBody).describe('Newest first'),
  })
  .meta({ id: 'CaseConsultations' })

const caseParams = z.object({ caseId: z.uuid() })
const consultationCreated = z.object({ id: z.uuid() }).meta({ id: 'CaseConsultationCreated' })
const formulationCreated = z.object({ id: z.uuid() }).meta({ id: 'CaseFormulationCreated' })
const problem = (description: string) => ({ description })

const stamps = (r: ConsultationView | FormulationView) => ({
  id: r.id,
  caseId: r.caseId,
  recordedBy: r.recordedBy,
  recordedAt: r.recordedAt.toISOString(),
  updatedBy: r.updatedBy,
  updatedAt: r.updatedAt ? r.updatedAt.toISOString() : null,
  version: r.version,
})

function consultationOf(c: ConsultationView): z.input<typeof consultationBody> {
  return {
    ...stamps(c),
    heldOn: c.heldOn,
    attendees: c.attendees,
    dilemma: c.dilemma,
    hypotheses: c.hypotheses,
    ideas: c.ideas,
    actions: c.actions,
    nextOn: c.nextOn,
  }
}

function formulationOf(f: FormulationView): z.input<typeof formulationBody> {
  return {
    ...stamps(f),
    writtenOn: f.writtenOn,
    presenting: f.presenting,
    predisposing: f.predisposing,
    precipitating: f.precipitating,
    perpetuating: f.perpetuating,
    protective: f.protective,
  }
}

export function consultationApiRoutes(services: Services): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/consultations',
      access: 'cases:work',
      summary: "The case's consultations and formulations, newest first",
      tags: ['cases'],
      params: caseParams,
      responses: {
        200: { description: 'Both lists, with what the service offers', schema: listBody },
        404: problem('No such case, or not one you can see'),
      },
      handler: async ({ ctx, params }) => {
        const list = await services.consultations.list(ctx, params.caseId)
        return {
          status: 200,
          body: {
            offers: list.offers,
            consultations: list.consultations.map(consultationOf),
            formulations: list.formulations.map(formulationOf),
          },
        }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/consultations',
      access: 'cases:work',
      summary: 'Record a case consultation (not in the future; the next date after it)',
      tags: ['cases'],
      params: caseParams,
      body: consultationInputSchema.meta({ id: 'CaseConsultationInput' }),
      responses: {
        201: { description: 'Recorded, and noted in the chronology', schema: consultationCreated },
        400: problem("Invalid fields, a closed case, or the case's service does not offer consultations"),
        404: problem('No such case, or not one you can see'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: await services.consultations.recordConsultation(ctx, params.caseId, body),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/formulations',
      access: 'cases:work',
      summary: 'Record a case formulation in the "5 Ps" (not in the future)',
      tags: ['cases'],
      params: caseParams,
      body: formulationInputSchema.meta({ id: 'CaseFormulationInput' }),
      responses: {
        201: { description: 'Recorded, and noted in the chronology', schema: formulationCreated },
        400: problem("Invalid fields, a closed case, or the case's service does not offer formulations"),
        404: problem('No such case, or not one you can see'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: await services.consultations.recordFormulation(ctx, params.caseId, body),
      }),
    }),
  ]
}
