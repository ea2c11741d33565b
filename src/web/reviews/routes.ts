import type { Request, Response } from 'express'
import { CONTACT_FREQUENCIES, PARTICIPANTS, type Participant } from '../../domain/programme/vocabulary.ts'
import {
  PROGRESS_DIRECTIONS,
  type ProgressDirection,
  REVIEW_DECISIONS,
  REVIEW_PARTICIPANTS,
} from '../../domain/reviews.ts'
import { ConflictError, InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import type { ReviewCorrection, ReviewInput, ReviewSetting, ReviewView } from '../../services/reviews.ts'
import { caseHandler, renderCasePage } from '../cases/shell.ts'
import { requestContext } from '../context.ts'
import { dateInputParts, readDateInput } from '../dateInput.ts'
import { type FormBody, type FormErrors, fieldList, fieldText, formErrors, keptAnswers } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

/**
 * Reviews: the tab with the programme's schedule for each cycle and the reviews held; the form
 * to record one (with the warning when a required attendee was not there, and the decision's
 * details shown beside each decision, not revealed); the review; its correction; and STARS's
 * pre-birth assessment outcome.
 */

/** How many planned-contact steps the step-down form offers. */
const STEPS = 4

type Problems = Record<string, string>

/** A problem's key from the service (`progress.<goalId>.evidence`) as the id of its field on the page. */
function fieldId(key: string): string {
  if (key === 'heldOn' || key === 'decidedOn') return `${key}-day`
  if (key === 'frequencies') return 'frequencies-1-frequency'
  if (/^frequencies\.\d+\.from$/.test(key)) return `${key.replaceAll('.', '-')}-day`
  return key.replaceAll('.', '-')
}

/** Problems in the order their fields are on the page, keyed by field id. */
function ordered(problems: Problems, order: string[]): FormErrors {
  const out: Record<string, string> = {}
  for (const key of order) if (problems[key]) out[fieldId(key)] ??= problems[key]
  for (const [key, text] of Object.entries(problems)) out[fieldId(key)] ??= text
  return formErrors(out)
}

function pageOrder(goalIds: string[]): string[] {
  return [
    'form',
    'heldOn',
    'scheduledId',
    'attendees',
    'confirmMissingAttendees',
    ...goalIds.flatMap((g) => [
      `progress.${g}`,
      `progress.${g}.direction`,
      `progress.${g}.evidence`,
      `scaling.${g}`,
      `scaling.${g}.family`,
      `scaling.${g}.worker`,
    ]),
    'familyView',
    'summary',
    'decision',
    'requestedBy',
    'pathway',
    'pathwayReason',
    'frequencies',
    ...Array.from({ length: STEPS }, (_, i) => [`frequencies.${i + 1}.from`, `frequencies.${i + 1}.frequency`]).flat(),
  ]
}

/** Who was ticked as attending, and who else came. */
function readAttendees(body: FormBody) {
  const participants = fieldList(body, 'attendees').filter((p): p is Participant => Object.hasOwn(PARTICIPANTS, p))
  return { participants, others: fieldText(body, 'attendeesOthers') || null }
}

function readProgress(body: FormBody, goalIds: string[]) {
  return goalIds.map((goalId) => ({
    goalId,
    direction: (fieldText(body, `progress-${goalId}-direction`) || null) as ProgressDirection | null,
    evidence: fieldText(body, `progress-${goalId}-evidence`) || null,
  }))
}

/** A posted review: the input for the service, and the problems only the page can see (a date that is not one). */
function readReview(body: FormBody, setting: ReviewSetting): { input: ReviewInput; problems: Problems } {
  const problems: Problems = {}
  const goalIds = setting.goals.map((g) => g.id)
  const held = readDateInput(body, 'heldOn', 'the date of the review', true)
  if (!held.ok) problems.heldOn = held.message
  const scheduled = fieldText(body, 'scheduledId')
  if (setting.next && !scheduled) problems.scheduledId = 'Choose whether this is the next scheduled review'
  const scaling: ReviewInput['scaling'] = []
  for (const goalId of goalIds) {
    const score = (who: 'family' | 'worker') => {
      const text = fieldText(body, `scaling-${goalId}-${who}`)
      if (!text) return null
      if (!/^\d{1,2}$/.test(text)) {
        problems[`scaling.${goalId}.${who}`] =
          `The ${who === 'family' ? "family's" : "worker's"} score must be a whole number from 0 to 10`
        return null
      }
      return Number(text)
    }
    const family = score('family')
    const worker = score('worker')
    if (family !== null || worker !== null) scaling.push({ goalId, family, worker })
  }
  const decision = fieldText(body, 'decision')
  const frequencies: { from: string; frequency: string }[] = []
  if (decision === 'step-down') {
    for (let n = 1; n <= STEPS; n++) {
      const from = readDateInput(body, `frequencies-${n}-from`, `the date step ${n} starts`, false)
      const frequency = fieldText(body, `frequencies-${n}-frequency`)
      if (from.ok && !from.value && !frequency) continue
      if (!from.ok) problems[`frequencies.${n}.from`] = from.message
      frequencies.push({ from: from.ok ? (from.value ?? '') : '', frequency })
    }
  }
  const input: ReviewInput = {
    heldOn: held.ok ? (held.value ?? '') : '',
    scheduledId: scheduled && scheduled !== 'none' ? scheduled : null,
    attendees: readAttendees(body),
    progress: readProgress(body, goalIds),
    scaling,
    familyView: fieldText(body, 'familyView') || null,
    summary: fieldText(body, 'summary') || null,
    decision: (decision || undefined) as ReviewInput['decision'],
    requestedBy: decision === 'extend' ? ((fieldText(body, 'requestedBy') || null) as Participant | null) : null,
    pathway: decision === 'change-pathway' ? fieldText(body, 'pathway') || null : null,
    pathwayReason: decision === 'change-pathway' ? fieldText(body, 'pathwayReason') || null : null,
    frequencies: decision === 'step-down' ? frequencies : null,
    confirmMissingAttendees: fieldText(body, 'confirmMissingAttendees') === 'yes',
  }
  return { input, problems }
}

function dateAnswers(name: string, value: string | null | undefined): Record<string, string> {
  const parts = dateInputParts(value ?? undefined)
  return { [`${name}-day`]: parts.day, [`${name}-month`]: parts.month, [`${name}-year`]: parts.year }
}

/** A review as the correction form's answers. */
function reviewAnswers(r: ReviewView): Record<string, string> {
  const answers: Record<string, string> = {
    attendeesOthers: r.attendees.others ?? '',
    familyView: r.familyView ?? '',
    summary: r.summary ?? '',
    version: String(r.version),
  }
  for (const p of r.progress) {
    answers[`progress-${p.goalId}-direction`] = p.direction
    answers[`progress-${p.goalId}-evidence`] = p.evidence
  }
  return answers
}

/** What every review page shows the same way: the words for decisions, directions, people and frequencies. */
const VOCABULARY = {
  decisionNames: REVIEW_DECISIONS,
  directionNames: PROGRESS_DIRECTIONS,
  participantNames: PARTICIPANTS,
  participants: REVIEW_PARTICIPANTS,
  frequencyNames: CONTACT_FREQUENCIES,
  steps: Array.from({ length: STEPS }, (_, i) => i + 1),
}

const pathwayNames = (setting: ReviewSetting) =>
  Object.fromEntries(setting.programme.pathways.map((p) => [p.id, p.name]))

export function reviewRoutes(services: Services): PageRoute[] {
  const caseId = (req: Request) => String(req.params.caseId)
  const listPath = (req: Request) => `/cases/${caseId(req)}/reviews`

  async function formPage(
    req: Request,
    res: Response,
    setting: ReviewSetting,
    locals: {
      answers: Record<string, string>
      attendees: string[]
      errors?: FormErrors
      review?: ReviewView
      current?: ReviewView
    },
    status = 200,
  ) {
    const editing = Boolean(locals.review)
    const warning = locals.errors?.fields.confirmMissingAttendees
    await renderCasePage(
      services,
      req,
      res,
      'reviews',
      'reviews/views/review-form.njk',
      {
        pageTitle: editing ? 'Correct a review' : 'Record a review',
        editing,
        setting,
        pathwayNames: pathwayNames(setting),
        warning,
        action: editing ? `${listPath(req)}/${locals.review?.id}/edit` : `${listPath(req)}/new`,
        cancel: editing ? `${listPath(req)}/${locals.review?.id}` : listPath(req),
        ...VOCABULARY,
        ...locals,
      },
      status,
    )
  }

  async function preBirthPage(
    req: Request,
    res: Response,
    locals: { answers: Record<string, string>; errors?: FormErrors },
    status = 200,
  ) {
    const status_ = await services.reviews.preBirth(requestContext(req, res), caseId(req))
    if (!status_.offered) return res.status(404).render('errors/404.njk')
    await renderCasePage(
      services,
      req,
      res,
      'reviews',
      'reviews/views/pre-birth-outcome.njk',
      { pageTitle: 'Pre-birth assessment outcome', preBirth: status_, cancel: listPath(req), ...locals },
      status,
    )
  }

  return [
    {
      method: 'get',
      path: '/cases/:caseId/reviews',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const list = await services.reviews.list(requestContext(req, res), caseId(req))
        await renderCasePage(services, req, res, 'reviews', 'reviews/views/reviews.njk', {
          pageTitle: 'Reviews',
          list,
          pathwayNames: pathwayNames(list.setting),
          ...VOCABULARY,
        })
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/reviews/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const setting = await services.reviews.setting(requestContext(req, res), caseId(req))
        const answers = {
          ...dateAnswers('heldOn', services.reviews.isoToday()),
          ...(setting.next ? { scheduledId: setting.next.id } : {}),
        }
        await formPage(req, res, setting, { answers, attendees: ['family', 'key-worker'] })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/reviews/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const setting = await services.reviews.setting(ctx, caseId(req))
        const body = req.body as FormBody
        const kept = { answers: keptAnswers(body), attendees: fieldList(body, 'attendees') }
        const order = pageOrder(setting.goals.map((g) => g.id))
        const { input, problems } = readReview(body, setting)
        const found = { ...problems }
        for (const [k, v] of Object.entries(await services.reviews.check(ctx, caseId(req), input))) found[k] ??= v
        if (Object.keys(found).length > 0) {
          return formPage(req, res, setting, { ...kept, errors: ordered(found, order) }, 400)
        }
        let saved: Awaited<ReturnType<typeof services.reviews.record>>
        try {
          saved = await services.reviews.record(ctx, caseId(req), input)
        } catch (error) {
          if (error instanceof InvalidInputError) {
            return formPage(req, res, setting, { ...kept, errors: ordered(error.fields, order) }, 400)
          }
          throw error
        }
        if (saved.decision === 'close') {
          req.session.flash = {
            type: 'success',
            text: 'Review recorded. The review decided to close the case: propose the closure here.',
          }
          return res.redirect(303, `/cases/${caseId(req)}/closure`)
        }
        req.session.flash = { type: 'success', text: 'Review recorded' }
        res.redirect(303, `${listPath(req)}/${saved.id}`)
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/reviews/:reviewId',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const review = await services.reviews.get(ctx, caseId(req), String(req.params.reviewId))
        const setting = await services.reviews.setting(ctx, caseId(req))
        await renderCasePage(services, req, res, 'reviews', 'reviews/views/review.njk', {
          pageTitle: review.scheduledName ?? 'Review',
          review,
          setting,
          pathwayNames: pathwayNames(setting),
          ...VOCABULARY,
        })
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/reviews/:reviewId/edit',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const review = await services.reviews.get(ctx, caseId(req), String(req.params.reviewId))
        const setting = await services.reviews.setting(ctx, caseId(req))
        await formPage(req, res, setting, {
          answers: reviewAnswers(review),
          attendees: review.attendees.participants,
          review,
        })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/reviews/:reviewId/edit',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const reviewId = String(req.params.reviewId)
        const review = await services.reviews.get(ctx, caseId(req), reviewId)
        const setting = await services.reviews.setting(ctx, caseId(req))
        const body = req.body as FormBody
        const kept = { answers: keptAnswers(body), attendees: fieldList(body, 'attendees'), review }
        const input: ReviewCorrection = {
          attendees: readAttendees(body),
          progress: readProgress(
            body,
            setting.goals.map((g) => g.id),
          ),
          familyView: fieldText(body, 'familyView') || null,
          summary: fieldText(body, 'summary') || null,
          confirmMissingAttendees: fieldText(body, 'confirmMissingAttendees') === 'yes',
        }
        const version = Number.parseInt(fieldText(body, 'version'), 10)
        try {
          await services.reviews.update(ctx, caseId(req), reviewId, Number.isFinite(version) ? version : 0, input)
        } catch (error) {
          if (error instanceof ConflictError) {
            const answers = { ...kept.answers, version: String(review.version) }
            return formPage(req, res, setting, { ...kept, answers, current: review }, 409)
          }
          if (error instanceof InvalidInputError) {
            const order = pageOrder(setting.goals.map((g) => g.id))
            return formPage(req, res, setting, { ...kept, errors: ordered(error.fields, order) }, 400)
          }
          throw error
        }
        req.session.flash = { type: 'success', text: 'Review corrected' }
        res.redirect(303, `${listPath(req)}/${reviewId}`)
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/pre-birth-outcome',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        await preBirthPage(req, res, { answers: dateAnswers('decidedOn', services.reviews.isoToday()) })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/pre-birth-outcome',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const body = req.body as FormBody
        const answers = keptAnswers(body)
        const date = readDateInput(body, 'decidedOn', 'the date of the outcome', true)
        const order = ['form', 'decidedOn', 'outcome', 'note']
        try {
          await services.reviews.recordPreBirthOutcome(requestContext(req, res), caseId(req), {
            decidedOn: date.ok ? (date.value ?? '') : '',
            outcome: fieldText(body, 'outcome'),
            note: fieldText(body, 'note') || null,
          })
        } catch (error) {
          if (error instanceof InvalidInputError) {
            const problems = { ...error.fields }
            if (!date.ok) problems.decidedOn = date.message
            return preBirthPage(req, res, { answers, errors: ordered(problems, order) }, 400)
          }
          throw error
        }
        req.session.flash = { type: 'success', text: 'Pre-birth assessment outcome recorded' }
        res.redirect(303, listPath(req))
      }),
    },
  ]
}
