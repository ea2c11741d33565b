import type { Request, Response } from 'express'
import type { z } from 'zod'
import { formatIsoDate } from '../../domain/isoDate.ts'
import { LAWFUL_REASONS } from '../../domain/network.ts'
import { REFERRAL_OUTCOMES, RESPONSE_WORKING_DAYS } from '../../domain/onwardReferrals.ts'
import { ConflictError, fieldProblems, InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import {
  type ChaseInput,
  chaseInputSchema,
  type OnwardReferralInput,
  type OnwardReferralView,
  onwardReferralInputSchema,
  type ResponseInput,
  responseInputSchema,
} from '../../services/onwardReferrals.ts'
import { caseHandler, renderCasePage } from '../cases/shell.ts'
import { requestContext } from '../context.ts'
import { dateInputParts, readDateInput } from '../dateInput.ts'
import { type FormBody, type FormErrors, fieldText, formErrors, keptAnswers } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

/**
 * Onward referrals to other agencies, under the case's Plan tab: the list with each one's state
 * ("Overdue — chase"), a form to record one, its page, and forms to change it, record a chase and
 * record the response. Every form keeps what was typed, shows every problem at once, and never
 * overwrites someone else's change (409 with the referral as it is now).
 */

type FormKind = 'referral' | 'chase' | 'response'

/** Each form's dates, texts, fields in page order, and the schema that shapes its input. */
const FORMS = {
  referral: {
    dates: [
      { name: 'sentOn', label: 'the date the referral was sent', required: true },
      { name: 'responseDueOn', label: 'the date a response is due', required: false },
    ],
    texts: ['agency', 'reason', 'goalId', 'basis'],
    order: ['form', 'agency', 'reason', 'goalId', 'sentOn', 'basis', 'responseDueOn'],
    schema: onwardReferralInputSchema as z.ZodType,
  },
  chase: {
    dates: [
      { name: 'chasedOn', label: 'the date the referral was chased', required: true },
      { name: 'responseDueOn', label: 'the new date a response is due', required: true },
    ],
    texts: [],
    order: ['form', 'chasedOn', 'responseDueOn'],
    schema: chaseInputSchema as z.ZodType,
  },
  response: {
    dates: [{ name: 'respondedOn', label: 'the date of the response', required: true }],
    texts: ['outcome', 'response'],
    order: ['form', 'respondedOn', 'outcome', 'response'],
    schema: responseInputSchema as z.ZodType,
  },
} as const

const DATE_FIELDS = new Set(['sentOn', 'responseDueOn', 'chasedOn', 'respondedOn'])
/** A service field as the form's: a date's error sits on its day box. */
const formField = (name: string) => (DATE_FIELDS.has(name) ? `${name}-day` : name)

function ordered(kind: FormKind, fields: Record<string, string>): FormErrors {
  const out: Record<string, string> = {}
  for (const name of FORMS[kind].order) if (fields[name]) out[formField(name)] = fields[name]
  for (const [name, text] of Object.entries(fields)) out[formField(name)] ??= text
  return formErrors(out)
}

/**
 * The posted form read into the service's input. A date that cannot be read ("must include a
 * month") stops it here, with every other problem the fields' shape shows; the service checks the rest.
 */
function readForm(
  kind: FormKind,
  body: FormBody,
): { ok: true; input: Record<string, string | null> } | { ok: false; errors: FormErrors } {
  const form = FORMS[kind]
  const input: Record<string, string | null> = {}
  const unreadable: Record<string, string> = {}
  for (const d of form.dates) {
    const read = readDateInput(body, d.name, d.label, d.required)
    if (!read.ok) unreadable[d.name] = read.message
    input[d.name] = read.ok ? (read.value ?? (d.required ? '' : null)) : null
  }
  for (const name of form.texts) input[name] = fieldText(body, name)
  if (Object.keys(unreadable).length === 0) return { ok: true, input }
  const parsed = form.schema.safeParse(input)
  const fields = { ...(parsed.success ? {} : fieldProblems(parsed.error)), ...unreadable }
  return { ok: false, errors: ordered(kind, fields) }
}

function dateAnswers(name: string, value: string | null | undefined): Record<string, string> {
  const parts = dateInputParts(value ?? undefined)
  return { [`${name}-day`]: parts.day, [`${name}-month`]: parts.month, [`${name}-year`]: parts.year }
}

function referralAnswers(r: OnwardReferralView): Record<string, string> {
  return {
    agency: r.agency,
    reason: r.reason,
    goalId: r.goalId ?? '',
    basis: r.basis,
    ...dateAnswers('sentOn', r.sentOn),
    ...dateAnswers('responseDueOn', r.responseDueOn),
    version: String(r.version),
  }
}

function responseAnswers(r: OnwardReferralView): Record<string, string> {
  return {
    ...dateAnswers('respondedOn', r.respondedOn),
    outcome: r.outcome ?? '',
    response: r.response ?? '',
    version: String(r.version),
  }
}

const version = (body: FormBody) => {
  const n = Number.parseInt(fieldText(body, 'version'), 10)
  return Number.isFinite(n) ? n : 0
}

/** The radios' items: consent first, then (without consent) each lawful reason to refer. */
const BASIS_ITEMS = [
  { value: 'consent', text: 'With consent', hint: { text: 'The family, or the young person, agreed to the referral' } },
  { divider: 'or' },
  ...Object.entries(LAWFUL_REASONS).map(([value, text]) => ({ value, text })),
]
const OUTCOME_ITEMS = Object.entries(REFERRAL_OUTCOMES).map(([value, text]) => ({ value, text }))

export function onwardReferralRoutes(services: Services): PageRoute[] {
  const s = services.onwardReferrals
  const list = (req: Request) => `/cases/${req.params.caseId}/onward-referrals`
  const one = (req: Request) => `${list(req)}/${req.params.onwardReferralId}`
  const caseId = (req: Request) => String(req.params.caseId)
  const referralId = (req: Request) => String(req.params.onwardReferralId)
  const ctx = requestContext

  async function referralForm(
    req: Request,
    res: Response,
    locals: { answers: Record<string, string>; errors?: FormErrors; current?: OnwardReferralView },
    status = 200,
  ) {
    const editing = Boolean(req.params.onwardReferralId)
    const form = await s.newForm(ctx(req, res), caseId(req))
    await renderCasePage(
      services,
      req,
      res,
      'plan',
      'onward-referrals/views/referral-form.njk',
      {
        pageTitle: editing ? 'Change an onward referral' : 'Record an onward referral',
        editing,
        form,
        goalItems: [
          { value: '', text: 'Not linked to a goal' },
          ...form.goals.map((g) => ({ value: g.id, text: `Goal ${g.position}: ${g.outcome}` })),
        ],
        basisItems: BASIS_ITEMS,
        responseWorkingDays: RESPONSE_WORKING_DAYS,
        action: editing ? `${one(req)}/edit` : `${list(req)}/new`,
        cancel: editing ? one(req) : list(req),
        ...locals,
      },
      status,
    )
  }

  async function stepForm(
    req: Request,
    res: Response,
    kind: 'chase' | 'response',
    locals: { answers?: Record<string, string>; errors?: FormErrors; conflict?: boolean },
    status = 200,
  ) {
    const found = await s.get(ctx(req, res), caseId(req), referralId(req))
    const r = found.referral
    const answers =
      locals.answers ??
      (kind === 'chase'
        ? { ...dateAnswers('chasedOn', found.today), ...dateAnswers('responseDueOn', found.suggestedChaseDue) }
        : r.respondedOn
          ? responseAnswers(r)
          : {})
    await renderCasePage(
      services,
      req,
      res,
      'plan',
      `onward-referrals/views/${kind}-form.njk`,
      {
        pageTitle: kind === 'chase' ? 'Record a chase' : r.respondedOn ? 'Change the response' : 'Record the response',
        found,
        r,
        outcomeItems: OUTCOME_ITEMS,
        action: `${one(req)}/${kind}`,
        cancel: one(req),
        ...locals,
        // A first look, or after a conflict: the version now saved, so saving again replaces it.
        answers: { ...answers, version: !locals.answers || locals.conflict ? String(r.version) : answers.version },
      },
      status,
    )
  }

  /**
   * Calls the service with the form's input: a bad answer re-renders the form (400), someone
   * else's change shows theirs (409). Only a saved form gives back the service's answer.
   */
  async function submit<T>(
    req: Request,
    kind: FormKind,
    save: (input: Record<string, string | null>) => Promise<T>,
    again: (
      locals: { answers: Record<string, string>; errors?: FormErrors; conflict?: boolean },
      status: number,
    ) => Promise<unknown>,
  ): Promise<{ saved: T } | undefined> {
    const body = req.body as FormBody
    const answers = keptAnswers(body)
    const form = readForm(kind, body)
    if (!form.ok) {
      await again({ answers, errors: form.errors }, 400)
      return undefined
    }
    try {
      return { saved: await save(form.input) }
    } catch (error) {
      if (error instanceof InvalidInputError) await again({ answers, errors: ordered(kind, error.fields) }, 400)
      else if (error instanceof ConflictError) await again({ answers, conflict: true }, 409)
      else throw error
      return undefined
    }
  }

  return [
    {
      method: 'get',
      path: '/cases/:caseId/onward-referrals',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const overview = await s.overview(ctx(req, res), caseId(req))
        await renderCasePage(services, req, res, 'plan', 'onward-referrals/views/list.njk', {
          pageTitle: 'Onward referrals',
          overview,
        })
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/onward-referrals/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => referralForm(req, res, { answers: {} })),
    },
    {
      method: 'post',
      path: '/cases/:caseId/onward-referrals/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const done = await submit(
          req,
          'referral',
          (input) => s.record(ctx(req, res), caseId(req), input as OnwardReferralInput),
          (locals, status) => referralForm(req, res, locals, status),
        )
        if (!done) return
        const agency = fieldText(req.body as FormBody, 'agency')
        req.session.flash = done.saved.consentWarning
          ? {
              type: 'important',
              heading: `Referral to ${agency} recorded`,
              text: 'No one on the case has consented to this referral. Record their consent on People and network, or change the referral to say the lawful reason for making it without consent.',
            }
          : { type: 'success', text: `Referral to ${agency} recorded` }
        res.redirect(303, `${list(req)}/${done.saved.id}`)
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/onward-referrals/:onwardReferralId',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const found = await s.get(ctx(req, res), caseId(req), referralId(req))
        await renderCasePage(services, req, res, 'plan', 'onward-referrals/views/referral.njk', {
          pageTitle: 'Onward referral',
          found,
          r: found.referral,
        })
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/onward-referrals/:onwardReferralId/edit',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const found = await s.get(ctx(req, res), caseId(req), referralId(req))
        await referralForm(req, res, { answers: referralAnswers(found.referral) })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/onward-referrals/:onwardReferralId/edit',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const body = req.body as FormBody
        const done = await submit(
          req,
          'referral',
          (input) => s.update(ctx(req, res), caseId(req), referralId(req), version(body), input as OnwardReferralInput),
          async (locals, status) => {
            const { referral } = await s.get(ctx(req, res), caseId(req), referralId(req))
            const answers = locals.conflict ? { ...locals.answers, version: String(referral.version) } : locals.answers
            return referralForm(
              req,
              res,
              { ...locals, answers, ...(locals.conflict ? { current: referral } : {}) },
              status,
            )
          },
        )
        if (!done) return
        req.session.flash = { type: 'success', text: 'Referral changed' }
        res.redirect(303, one(req))
      }),
    },
    ...(['chase', 'response'] as const).flatMap((kind): PageRoute[] => [
      {
        method: 'get',
        path: `/cases/:caseId/onward-referrals/:onwardReferralId/${kind}`,
        access: 'cases:work',
        handler: caseHandler(async (req, res) => stepForm(req, res, kind, {})),
      },
      {
        method: 'post',
        path: `/cases/:caseId/onward-referrals/:onwardReferralId/${kind}`,
        access: 'cases:work',
        handler: caseHandler(async (req, res) => {
          const body = req.body as FormBody
          const done = await submit<{ version: number; responseDueOn?: string }>(
            req,
            kind,
            (input) =>
              kind === 'chase'
                ? s.chase(ctx(req, res), caseId(req), referralId(req), version(body), input as ChaseInput)
                : s.respond(ctx(req, res), caseId(req), referralId(req), version(body), input as ResponseInput),
            (locals, status) => stepForm(req, res, kind, locals, status),
          )
          if (!done) return
          req.session.flash = {
            type: 'success',
            text: done.saved.responseDueOn
              ? `Chase recorded: a response is now due by ${formatIsoDate(done.saved.responseDueOn)}`
              : 'Response recorded',
          }
          res.redirect(303, one(req))
        }),
      },
    ]),
  ]
}
