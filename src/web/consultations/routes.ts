import type { Request, Response } from 'express'
import {
  type Checked,
  type ConsultationInput,
  type ConsultationOffers,
  type ConsultationView,
  checkConsultation,
  checkFormulation,
  type FormulationInput,
  type FormulationView,
} from '../../services/consultations.ts'
import { ConflictError, InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { caseHandler, renderCasePage } from '../cases/shell.ts'
import { requestContext } from '../context.ts'
import { type DateInputResult, dateInputParts, readDateInput } from '../dateInput.ts'
import { type FormBody, type FormErrors, fieldText, formErrors, keptAnswers } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

/**
 * Case consultation and formulation, on services that offer them: the list with the service's
 * reason, and forms to record and correct each (never losing a correction to someone else's).
 */

type Kind = 'consultation' | 'formulation'

/** Each form's fields in page order, its dates, and its check. */
const FORMS = {
  consultation: {
    dates: [
      { name: 'heldOn', label: 'the date of the consultation', required: true },
      { name: 'nextOn', label: 'the date of the next consultation', required: false },
    ],
    texts: ['attendees', 'dilemma', 'hypotheses', 'ideas', 'actions'],
    order: ['form', 'heldOn', 'attendees', 'dilemma', 'hypotheses', 'ideas', 'actions', 'nextOn'],
    check: checkConsultation as (input: unknown, today: string) => Checked<unknown>,
  },
  formulation: {
    dates: [{ name: 'writtenOn', label: 'the date of the formulation', required: true }],
    texts: ['presenting', 'predisposing', 'precipitating', 'perpetuating', 'protective'],
    order: ['form', 'writtenOn', 'presenting', 'predisposing', 'precipitating', 'perpetuating', 'protective'],
    check: checkFormulation as (input: unknown, today: string) => Checked<unknown>,
  },
} as const

const DATE_FIELDS = new Set(['heldOn', 'nextOn', 'writtenOn'])
/** A service field as the form's: a date's error sits on its day box. */
const formField = (name: string) => (DATE_FIELDS.has(name) ? `${name}-day` : name)

function ordered(kind: Kind, fields: Record<string, string>): FormErrors {
  const out: Record<string, string> = {}
  for (const name of FORMS[kind].order) if (fields[name]) out[formField(name)] = fields[name]
  for (const [name, text] of Object.entries(fields)) out[formField(name)] ??= text
  return formErrors(out)
}

/** The posted form read into input for the service, with every problem at once, in page order. */
function readForm(
  kind: Kind,
  body: FormBody,
  today: string,
): { ok: true; input: Record<string, string | null> } | { ok: false; errors: FormErrors } {
  const form = FORMS[kind]
  const input: Record<string, string | null> = {}
  const dates = new Map<string, DateInputResult>()
  for (const d of form.dates) {
    const read = readDateInput(body, d.name, d.label, d.required)
    dates.set(d.name, read)
    input[d.name] = read.ok ? (read.value ?? (d.required ? '' : null)) : d.required ? '' : null
  }
  for (const name of form.texts) input[name] = fieldText(body, name)
  const checked = form.check(input, today)
  const fields: Record<string, string> = checked.ok ? {} : { ...checked.fields }
  // The date input's own message ("must include a month") says more than the service's.
  for (const [name, read] of dates) if (!read.ok) fields[name] = read.message
  if (Object.keys(fields).length > 0) return { ok: false, errors: ordered(kind, fields) }
  return { ok: true, input }
}

function dateAnswers(name: string, value: string | null): Record<string, string> {
  const parts = dateInputParts(value ?? undefined)
  return { [`${name}-day`]: parts.day, [`${name}-month`]: parts.month, [`${name}-year`]: parts.year }
}

function consultationAnswers(c: ConsultationView): Record<string, string> {
  return {
    ...dateAnswers('heldOn', c.heldOn),
    ...dateAnswers('nextOn', c.nextOn),
    attendees: c.attendees,
    dilemma: c.dilemma,
    hypotheses: c.hypotheses ?? '',
    ideas: c.ideas ?? '',
    actions: c.actions ?? '',
    version: String(c.version),
  }
}

function formulationAnswers(f: FormulationView): Record<string, string> {
  return {
    ...dateAnswers('writtenOn', f.writtenOn),
    presenting: f.presenting,
    predisposing: f.predisposing ?? '',
    precipitating: f.precipitating ?? '',
    perpetuating: f.perpetuating ?? '',
    protective: f.protective ?? '',
    version: String(f.version),
  }
}

const TITLES = {
  consultation: { new: 'Record a case consultation', edit: 'Change a case consultation' },
  formulation: { new: 'Record a case formulation', edit: 'Change a case formulation' },
}

export function consultationRoutes(services: Services): PageRoute[] {
  const caseBase = (req: Request) => `/cases/${req.params.caseId}`
  const listPath = (req: Request) => `${caseBase(req)}/consultation`
  const recordId = (req: Request, kind: Kind) =>
    kind === 'consultation' ? req.params.consultationId : req.params.formulationId

  async function formPage(
    req: Request,
    res: Response,
    kind: Kind,
    offers: ConsultationOffers,
    locals: {
      answers: Record<string, string>
      errors?: FormErrors
      current?: ConsultationView | FormulationView
    },
    status = 200,
  ) {
    const id = recordId(req, kind)
    const editing = Boolean(id)
    await renderCasePage(
      services,
      req,
      res,
      'consultation',
      `consultations/views/${kind}-form.njk`,
      {
        pageTitle: TITLES[kind][editing ? 'edit' : 'new'],
        editing,
        offer: offers[kind],
        closed: offers.closed,
        action: editing ? `${caseBase(req)}/${kind}/${id}/edit` : `${caseBase(req)}/${kind}/new`,
        cancel: listPath(req),
        ...locals,
      },
      status,
    )
  }

  /** The offers for the case, or "not found" when its service does not offer `kind`. */
  async function offered(req: Request, res: Response, kind: Kind): Promise<ConsultationOffers | undefined> {
    const offers = await services.consultations.offers(requestContext(req, res), String(req.params.caseId))
    if (!offers[kind]) {
      res.status(404).render('errors/404.njk')
      return undefined
    }
    return offers
  }

  function serviceErrors(kind: Kind, error: InvalidInputError): FormErrors {
    return ordered(kind, error.fields)
  }

  function newRoutes(kind: Kind): PageRoute[] {
    const record = (ctx: ReturnType<typeof requestContext>, caseId: string, input: Record<string, string | null>) =>
      kind === 'consultation'
        ? services.consultations.recordConsultation(ctx, caseId, input as ConsultationInput)
        : services.consultations.recordFormulation(ctx, caseId, input as FormulationInput)
    return [
      {
        method: 'get',
        path: `/cases/:caseId/${kind}/new`,
        access: 'cases:work',
        handler: caseHandler(async (req, res) => {
          const offers = await offered(req, res, kind)
          if (!offers) return
          await formPage(req, res, kind, offers, { answers: {} })
        }),
      },
      {
        method: 'post',
        path: `/cases/:caseId/${kind}/new`,
        access: 'cases:work',
        handler: caseHandler(async (req, res) => {
          const offers = await offered(req, res, kind)
          if (!offers) return
          const body = req.body as FormBody
          const answers = keptAnswers(body)
          const form = readForm(kind, body, services.consultations.isoToday())
          if (!form.ok) return formPage(req, res, kind, offers, { answers, errors: form.errors }, 400)
          try {
            await record(requestContext(req, res), String(req.params.caseId), form.input)
          } catch (error) {
            if (error instanceof InvalidInputError) {
              return formPage(req, res, kind, offers, { answers, errors: serviceErrors(kind, error) }, 400)
            }
            throw error
          }
          req.session.flash = {
            type: 'success',
            text: kind === 'consultation' ? 'Case consultation recorded' : 'Case formulation recorded',
          }
          res.redirect(303, listPath(req))
        }),
      },
    ]
  }

  function editRoutes(kind: Kind): PageRoute[] {
    const param = kind === 'consultation' ? ':consultationId' : ':formulationId'
    const path = `/cases/:caseId/${kind}/${param}/edit`
    const get = async (req: Request, res: Response) => {
      const ctx = requestContext(req, res)
      const caseId = String(req.params.caseId)
      const id = String(recordId(req, kind))
      return kind === 'consultation'
        ? services.consultations.getConsultation(ctx, caseId, id)
        : services.consultations.getFormulation(ctx, caseId, id)
    }
    const answersOf = (record: ConsultationView | FormulationView) =>
      kind === 'consultation'
        ? consultationAnswers(record as ConsultationView)
        : formulationAnswers(record as FormulationView)
    return [
      {
        method: 'get',
        path,
        access: 'cases:work',
        handler: caseHandler(async (req, res) => {
          const offers = await offered(req, res, kind)
          if (!offers) return
          const record = await get(req, res)
          await formPage(req, res, kind, offers, { answers: answersOf(record) })
        }),
      },
      {
        method: 'post',
        path,
        access: 'cases:work',
        handler: caseHandler(async (req, res) => {
          const offers = await offered(req, res, kind)
          if (!offers) return
          const ctx = requestContext(req, res)
          const caseId = String(req.params.caseId)
          const id = String(recordId(req, kind))
          const body = req.body as FormBody
          const answers = keptAnswers(body)
          const form = readForm(kind, body, services.consultations.isoToday())
          if (!form.ok) {
            await get(req, res) // still there, and still visible
            return formPage(req, res, kind, offers, { answers, errors: form.errors }, 400)
          }
          const version = Number.parseInt(fieldText(body, 'version'), 10)
          const known = Number.isFinite(version) ? version : 0
          try {
            if (kind === 'consultation') {
              await services.consultations.updateConsultation(ctx, caseId, id, known, form.input as ConsultationInput)
            } else {
              await services.consultations.updateFormulation(ctx, caseId, id, known, form.input as FormulationInput)
            }
          } catch (error) {
            if (error instanceof ConflictError) {
              // Someone saved theirs meanwhile: show it above what this worker typed, and lose nothing.
              const current = await get(req, res)
              return formPage(
                req,
                res,
                kind,
                offers,
                { answers: { ...answers, version: String(current.version) }, current },
                409,
              )
            }
            if (error instanceof InvalidInputError) {
              return formPage(req, res, kind, offers, { answers, errors: serviceErrors(kind, error) }, 400)
            }
            throw error
          }
          req.session.flash = {
            type: 'success',
            text: kind === 'consultation' ? 'Case consultation changed' : 'Case formulation changed',
          }
          res.redirect(303, listPath(req))
        }),
      },
    ]
  }

  return [
    {
      method: 'get',
      path: '/cases/:caseId/consultation',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const list = await services.consultations.list(requestContext(req, res), String(req.params.caseId))
        if (!list.offers.consultation && !list.offers.formulation) return res.status(404).render('errors/404.njk')
        await renderCasePage(services, req, res, 'consultation', 'consultations/views/consultation.njk', {
          pageTitle: 'Consultation and formulation',
          list,
        })
      }),
    },
    ...newRoutes('consultation'),
    ...editRoutes('consultation'),
    ...newRoutes('formulation'),
    ...editRoutes('formulation'),
  ]
}
