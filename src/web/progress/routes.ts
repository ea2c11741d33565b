import type { Request, Response } from 'express'
import { distanceChart } from '../../domain/chart.ts'
import { formatIsoDate } from '../../domain/isoDate.ts'
import {
  CHILD_IN_NEED_STATUSES,
  EMPLOYMENT_STATUSES,
  FLAG_NAMES,
  MEASURE_OCCASIONS,
  SCALING_OCCASIONS,
} from '../../domain/measures.ts'
import type { Measure } from '../../domain/programme/schema.ts'
import { InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import type { MeasureInput, MeasureProgress, ProgressView, ScalingInput } from '../../services/progress.ts'
import { caseHandler, renderCasePage } from '../cases/shell.ts'
import { requestContext } from '../context.ts'
import { dateInputParts, readDateInput } from '../dateInput.ts'
import { type FormBody, type FormErrors, fieldText, formErrors, keptAnswers } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

/**
 * The Progress tab: each goal's distance-travelled chart with its table, each measure's readings
 * over time, and the two forms — scaling scores for every goal at once, and one measure's
 * readings for each person it is read for. Review and closure pages link to the forms with
 * `?occasion=review&reviewId=…` or `?occasion=closure`; `return` names a page of the case to go
 * back to afterwards.
 */

function query(req: Request, name: string): string {
  const value = req.query[name]
  return typeof value === 'string' ? value : ''
}

/** Where to go after saving: the Progress tab, or another page of the same case named in `return`. */
function returnPath(req: Request, asked: string): string {
  const base = `/cases/${req.params.caseId}`
  return asked.startsWith(`${base}/`) && /^\/cases\/[0-9a-f-]+(\/[a-z0-9-]+)*$/i.test(asked)
    ? asked
    : `${base}/progress`
}

/** A service problem key as the form's field id: dates sit on their day box. */
function dateField(name: string) {
  return `${name}-day`
}

/** Each goal's chart, drawn for the page (the table beneath it is in the view). */
function charts(view: ProgressView) {
  return Object.fromEntries(
    view.goals.map((g, i) => [
      g.goal.id,
      distanceChart(g.scores, {
        id: `goal-${i + 1}-chart`,
        title: `Scaling scores for goal ${i + 1}: ${g.goal.outcome}`,
      }),
    ]),
  )
}

/** The fields a measure's form asks for each person (or the family), by its kind. */
function valueFields(measure: Measure): string[] {
  switch (measure.kind) {
    case 'school-attendance':
      return ['possible', 'attended']
    case 'education-employment':
    case 'child-in-need':
      return ['status']
    case 'child-at-home':
      return ['atHome']
    case 'count':
      return ['count']
    default:
      return ['score']
  }
}

/** The people (or the one family row) a measure's form has a section for. */
function subjectsOf(measure: MeasureProgress) {
  return measure.rows.map((r, i) => ({ index: i, person: r.person, last: r.readings.at(-1) }))
}

export function progressRoutes(services: Services): PageRoute[] {
  const base = (req: Request) => `/cases/${req.params.caseId}`

  /** The occasion and review asked for in the link, when they are ones the form offers. */
  function asked(req: Request, occasions: Record<string, string>, view: ProgressView) {
    const occasion = query(req, 'occasion')
    const reviewId = query(req, 'reviewId')
    return {
      occasion: Object.hasOwn(occasions, occasion) ? occasion : '',
      reviewId: view.reviews.some((r) => r.id === reviewId) ? reviewId : '',
      return: query(req, 'return'),
    }
  }

  function reviewItems(view: ProgressView, chosen: string) {
    return [
      { value: '', text: 'Not part of a recorded review' },
      ...view.reviews.map((r) => ({
        value: r.id,
        text: `Review held on ${formatIsoDate(r.heldOn)}`,
        selected: r.id === chosen,
      })),
    ]
  }

  // ---- scaling ----

  /** A form page of the Progress tab, with what both forms share: when, which review, and where to go back to. */
  async function formPage(
    req: Request,
    res: Response,
    template: 'scaling-form' | 'measure-form',
    view: ProgressView,
    answers: Record<string, string>,
    locals: Record<string, unknown> & { pageTitle: string; action: string },
    errors?: FormErrors,
    status = 200,
  ) {
    const page = {
      view,
      answers,
      errors,
      reviewItems: reviewItems(view, answers.reviewId ?? ''),
      cancel: returnPath(req, answers.return ?? ''),
      ...locals,
    }
    await renderCasePage(services, req, res, 'progress', `progress/views/${template}.njk`, page, status)
  }

  function scalingPage(
    req: Request,
    res: Response,
    view: ProgressView,
    answers: Record<string, string>,
    errors?: FormErrors,
    status = 200,
  ) {
    const locals = {
      pageTitle: 'Record scaling scores',
      occasions: SCALING_OCCASIONS,
      action: `${base(req)}/progress/scaling/new`,
    }
    return formPage(req, res, 'scaling-form', view, answers, locals, errors, status)
  }

  /** The posted scaling form as the service's input; goals left blank are not sent. */
  function readScaling(body: FormBody, view: ProgressView) {
    const date = readDateInput(body, 'askedOn', 'the date the scores were given', true)
    const sent: number[] = []
    const scores: ScalingInput['scores'] = []
    view.goals.forEach((g, i) => {
      const [family, worker, note] = ['familyScore', 'workerScore', 'note'].map((f) => fieldText(body, `g${i}-${f}`))
      if (!family && !worker && !note) return
      sent.push(i)
      scores.push({ goalId: g.goal.id, familyScore: family, workerScore: worker, note })
    })
    const input: ScalingInput = {
      askedOn: date.ok ? (date.value ?? '') : '',
      occasion: fieldText(body, 'occasion'),
      reviewId: fieldText(body, 'reviewId') || null,
      scores,
    }
    return { input, sent, dateProblem: date.ok ? undefined : date.message }
  }

  function scalingErrors(fields: Record<string, string>, sent: number[], dateProblem?: string): FormErrors {
    const out: Record<string, string> = {}
    if (fields.form) out.form = fields.form
    if (dateProblem ?? fields.askedOn) out[dateField('askedOn')] = dateProblem ?? (fields.askedOn as string)
    if (fields.occasion) out.occasion = fields.occasion
    if (fields.reviewId) out.reviewId = fields.reviewId
    if (fields.scores) out['g0-familyScore'] = fields.scores
    const perGoal: [string, string][] = []
    for (const [key, message] of Object.entries(fields)) {
      const m = /^scores\.(\d+)\.(\w+)$/.exec(key)
      if (!m) continue
      const goal = sent[Number(m[1])] ?? 0
      const field = m[2] === 'goalId' ? 'familyScore' : (m[2] as string)
      perGoal.push([`g${goal}-${field}`, message])
    }
    perGoal.sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    for (const [k, v] of perGoal) out[k] ??= v
    return formErrors(out)
  }

  // ---- measures ----

  function measureOf(view: ProgressView, id: string) {
    return view.measures.find((m) => m.measure.id === id)
  }

  function measurePage(
    req: Request,
    res: Response,
    view: ProgressView,
    measure: MeasureProgress,
    answers: Record<string, string>,
    errors?: FormErrors,
    status = 200,
  ) {
    const locals = {
      pageTitle: `Record a reading: ${measure.measure.name}`,
      measure,
      subjects: subjectsOf(measure),
      occasions: MEASURE_OCCASIONS,
      employmentStatuses: EMPLOYMENT_STATUSES,
      childInNeedStatuses: CHILD_IN_NEED_STATUSES,
      action: `${base(req)}/progress/measures/new?measure=${encodeURIComponent(measure.measure.id)}`,
    }
    return formPage(req, res, 'measure-form', view, answers, locals, errors, status)
  }

  /** The posted measure form as the service's input; people left blank are not sent. */
  function readMeasure(body: FormBody, measure: MeasureProgress) {
    const date = readDateInput(body, 'recordedOn', 'the date of the reading', true)
    const attendance = measure.measure.kind === 'school-attendance'
    const from = attendance ? readDateInput(body, 'from', 'the start of the period', true) : { ok: true as const }
    const to = attendance ? readDateInput(body, 'to', 'the end of the period', true) : { ok: true as const }
    const fields = valueFields(measure.measure)
    const sent: number[] = []
    const readings: MeasureInput['readings'] = []
    for (const subject of subjectsOf(measure)) {
      const value: Record<string, unknown> = {}
      for (const f of fields) {
        const text = fieldText(body, `r${subject.index}-${f}`)
        if (text) value[f] = text
      }
      if (Object.keys(value).length === 0) continue
      if (attendance) Object.assign(value, { from: from.ok ? from.value : undefined, to: to.ok ? to.value : undefined })
      sent.push(subject.index)
      readings.push({ personId: subject.person?.id ?? null, value })
    }
    const input: MeasureInput = {
      measureId: measure.measure.id,
      occasion: fieldText(body, 'occasion'),
      recordedOn: date.ok ? (date.value ?? '') : '',
      reviewId: fieldText(body, 'reviewId') || null,
      readings,
    }
    const dateProblems: Record<string, string> = {}
    if (!date.ok) dateProblems.recordedOn = date.message
    if (!from.ok) dateProblems.from = from.message
    if (!to.ok) dateProblems.to = to.message
    // Dates of the period are asked once for every child; without a child's sessions they are not needed.
    if (attendance && readings.length === 0) {
      delete dateProblems.from
      delete dateProblems.to
    }
    return { input, sent, dateProblems, fields }
  }

  function measureErrors(
    problems: Record<string, string>,
    sent: number[],
    dateProblems: Record<string, string>,
    fields: string[],
  ): FormErrors {
    const out: Record<string, string> = {}
    if (problems.form) out.form = problems.form
    const recordedOn = dateProblems.recordedOn ?? problems.recordedOn
    if (recordedOn) out[dateField('recordedOn')] = recordedOn
    if (problems.occasion) out.occasion = problems.occasion
    if (problems.reviewId) out.reviewId = problems.reviewId
    if (problems.measureId) out.form = problems.measureId
    if (problems.readings) out[`r0-${fields[0]}`] = problems.readings
    for (const name of ['from', 'to']) {
      const message = dateProblems[name] ?? Object.entries(problems).find(([k]) => k.endsWith(`.${name}`))?.[1]
      if (message) out[dateField(name)] = message
    }
    for (const [key, message] of Object.entries(problems)) {
      const m = /^readings\.(\d+)\.(\w+)$/.exec(key)
      if (!m || m[2] === 'from' || m[2] === 'to') continue
      const index = sent[Number(m[1])] ?? 0
      const field = m[2] === 'personId' ? fields[0] : m[2]
      out[`r${index}-${field}`] ??= message
    }
    return formErrors(out)
  }

  const today = () => services.progress.isoToday()
  const todayAnswers = (name: string) => {
    const parts = dateInputParts(today())
    return { [`${name}-day`]: parts.day, [`${name}-month`]: parts.month, [`${name}-year`]: parts.year }
  }

  return [
    {
      method: 'get',
      path: '/cases/:caseId/progress',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const view = await services.progress.progress(requestContext(req, res), String(req.params.caseId))
        await renderCasePage(services, req, res, 'progress', 'progress/views/progress.njk', {
          pageTitle: 'Progress',
          view,
          charts: charts(view),
          occasions: { ...SCALING_OCCASIONS, ...MEASURE_OCCASIONS },
          flagNames: FLAG_NAMES,
        })
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/progress/scaling/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const view = await services.progress.progress(requestContext(req, res), String(req.params.caseId))
        const link = asked(req, SCALING_OCCASIONS, view)
        await scalingPage(req, res, view, { ...todayAnswers('askedOn'), ...link })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/progress/scaling/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const caseId = String(req.params.caseId)
        const view = await services.progress.progress(ctx, caseId)
        const body = req.body as FormBody
        const answers = keptAnswers(body)
        const { input, sent, dateProblem } = readScaling(body, view)
        try {
          // An unreadable date goes as none: the service still checks everything else, so every problem shows at once.
          await services.progress.recordScaling(ctx, caseId, input)
        } catch (error) {
          if (error instanceof InvalidInputError) {
            return scalingPage(req, res, view, answers, scalingErrors(error.fields, sent, dateProblem), 400)
          }
          throw error
        }
        req.session.flash = { type: 'success', text: 'Scaling scores recorded' }
        res.redirect(303, returnPath(req, answers.return ?? ''))
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/progress/measures/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const view = await services.progress.progress(requestContext(req, res), String(req.params.caseId))
        const measure = measureOf(view, query(req, 'measure'))
        // Which measure is chosen on the Progress page, where each has its own link.
        if (!measure) return res.redirect(303, `${base(req)}/progress`)
        const link = asked(req, MEASURE_OCCASIONS, view)
        // Once the case is closed, a reading can only be a follow-up.
        if (view.closed) link.occasion = 'follow-up'
        const answers: Record<string, string> = { ...todayAnswers('recordedOn'), ...link }
        await measurePage(req, res, view, measure, answers)
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/progress/measures/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const caseId = String(req.params.caseId)
        const view = await services.progress.progress(ctx, caseId)
        const measure = measureOf(view, query(req, 'measure'))
        if (!measure) return res.status(404).render('errors/404.njk')
        const body = req.body as FormBody
        const answers = keptAnswers(body)
        const { input, sent, dateProblems, fields } = readMeasure(body, measure)
        try {
          // An unreadable date goes as none: the service still checks everything else, so every problem shows at once.
          await services.progress.recordMeasure(ctx, caseId, input)
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          return measurePage(
            req,
            res,
            view,
            measure,
            answers,
            measureErrors(error.fields, sent, dateProblems, fields),
            400,
          )
        }
        req.session.flash = { type: 'success', text: `${measure.measure.name}: reading recorded` }
        res.redirect(303, returnPath(req, answers.return ?? ''))
      }),
    },
  ]
}
