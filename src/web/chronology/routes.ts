import type { Request, Response } from 'express'
import { z } from 'zod'
import {
  CHRONOLOGY_CATEGORIES,
  CHRONOLOGY_ORIGINS,
  type ChronologyCategory,
  chronologyCsv,
  isChronologyCategory,
  WORKER_CATEGORIES,
} from '../../domain/chronology.ts'
import type { ChronologyEntryInput, ChronologyEntryView, ChronologyFilter } from '../../services/chronology.ts'
import { NotEditableError } from '../../services/chronology.ts'
import { ConflictError, InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { caseHandler, renderCasePage } from '../cases/shell.ts'
import { requestContext } from '../context.ts'
import { dateInputParts, readDateInput } from '../dateInput.ts'
import { type FormBody, type FormErrors, fieldText, formErrors, keptAnswers } from '../forms.ts'
import { govukPages } from '../pagination.ts'
import type { PageRoute } from '../routing.ts'

/**
 * The family's chronology: the timeline with filters and pages, a worker's own entries (add
 * and correct), and copies to print or download as CSV.
 */

const vocabulary = {
  categories: CHRONOLOGY_CATEGORIES,
  origins: CHRONOLOGY_ORIGINS,
  workerCategories: WORKER_CATEGORIES,
}

const entryFieldsSchema = z.object({
  headline: z.string().trim().min(1, 'Enter a headline').max(200, 'Headline must be 200 characters or fewer'),
  category: z.enum(WORKER_CATEGORIES as [ChronologyCategory, ...ChronologyCategory[]], 'Choose a category'),
  source: z.string().trim().max(5000, 'Source must be 5000 characters or fewer').optional(),
  impact: z.string().trim().max(5000, 'Impact on the child must be 5000 characters or fewer').optional(),
  action: z.string().trim().max(5000, 'Action or decision must be 5000 characters or fewer').optional(),
})

/** The entry form read into input for the service, or errors in the order the fields are on the page. */
function readEntryForm(body: FormBody): { ok: true; input: ChronologyEntryInput } | { ok: false; errors: FormErrors } {
  const fields: Record<string, string> = {}
  const date = readDateInput(body, 'occurredOn', 'the date of the event', true)
  if (!date.ok) fields['occurredOn-day'] = date.message
  const parsed = entryFieldsSchema.safeParse({
    headline: fieldText(body, 'headline'),
    category: fieldText(body, 'category') || undefined,
    source: fieldText(body, 'source'),
    impact: fieldText(body, 'impact'),
    action: fieldText(body, 'action'),
  })
  if (!parsed.success) {
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message
  }
  if (!date.ok || !parsed.success || !date.value) {
    const order = ['occurredOn-day', 'headline', 'category', 'source', 'impact', 'action']
    return {
      ok: false,
      errors: formErrors(Object.fromEntries(order.flatMap((k) => (fields[k] ? [[k, fields[k]]] : [])))),
    }
  }
  return { ok: true, input: { occurredOn: date.value, ...parsed.data } }
}

/** The service's own objections, keyed as the form's fields. */
function serviceErrors(error: InvalidInputError): FormErrors {
  return formErrors(
    Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k === 'occurredOn' ? 'occurredOn-day' : k, v])),
  )
}

function entryAnswers(entry: ChronologyEntryView): Record<string, string> {
  const parts = dateInputParts(entry.occurredOn)
  return {
    'occurredOn-day': parts.day,
    'occurredOn-month': parts.month,
    'occurredOn-year': parts.year,
    headline: entry.headline,
    category: entry.category,
    source: entry.source ?? '',
    impact: entry.impact ?? '',
    action: entry.action ?? '',
    version: String(entry.version),
  }
}

type Query = Record<string, unknown>

/** The filter as the page's query string gives it, with anything not understood left out. */
export function readFilter(query: Query) {
  const list = (name: string) => {
    const value = query[name]
    return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String)
  }
  const categories = list('category').filter(isChronologyCategory)
  const writtenBy = String(query.writtenBy ?? '')
  const fields: Record<string, string> = {}
  const from = readDateInput(query, 'from', 'the from date')
  if (!from.ok) fields['from-day'] = from.message
  const to = readDateInput(query, 'to', 'the to date')
  if (!to.ok) fields['to-day'] = to.message
  if (from.ok && to.ok && from.value && to.value && from.value > to.value) {
    fields['to-day'] = 'The to date must be the same as or after the from date'
  }
  const filter: ChronologyFilter = {
    ...(categories.length ? { categories } : {}),
    ...(writtenBy === 'hearth' || writtenBy === 'worker' ? { origin: writtenBy } : {}),
    ...(from.ok && from.value && !fields['to-day'] ? { from: from.value } : {}),
    ...(to.ok && to.value && !fields['to-day'] ? { to: to.value } : {}),
    order: query.order === 'oldest' ? 'oldest' : 'newest',
  }
  // What to show in the filter form again, and to carry into links.
  const params = new URLSearchParams()
  for (const c of categories) params.append('category', c)
  if (filter.origin) params.set('writtenBy', filter.origin)
  for (const name of ['from', 'to']) {
    for (const part of ['day', 'month', 'year']) {
      const value = String(query[`${name}-${part}`] ?? '').trim()
      if (value) params.set(`${name}-${part}`, value)
    }
  }
  if (filter.order === 'oldest') params.set('order', 'oldest')
  return {
    filter,
    params,
    answers: Object.fromEntries(params) as Record<string, string>,
    categories,
    errors: Object.keys(fields).length ? formErrors(fields) : undefined,
  }
}

function withParams(base: string, params: URLSearchParams, change: Record<string, string> = {}) {
  const next = new URLSearchParams(params)
  for (const [k, v] of Object.entries(change)) {
    if (v) next.set(k, v)
    else next.delete(k)
  }
  const text = next.toString()
  return text ? `${base}?${text}` : base
}

export function chronologyRoutes(services: Services): PageRoute[] {
  const base = (req: Request) => `/cases/${req.params.caseId}/chronology`

  async function formPage(
    req: Request,
    res: Response,
    locals: {
      answers: Record<string, string>
      errors?: FormErrors
      entry?: ChronologyEntryView
      current?: ChronologyEntryView
    },
    status = 200,
  ) {
    const editing = Boolean(req.params.entryId)
    await renderCasePage(
      services,
      req,
      res,
      'chronology',
      'chronology/views/entry-form.njk',
      {
        pageTitle: editing ? 'Change a chronology entry' : 'Add to the chronology',
        editing,
        action: editing ? `${base(req)}/${req.params.entryId}/edit` : `${base(req)}/new`,
        cancel: base(req),
        vocabulary,
        ...locals,
      },
      status,
    )
  }

  async function notEditable(req: Request, res: Response, entry: ChronologyEntryView) {
    await renderCasePage(
      services,
      req,
      res,
      'chronology',
      'chronology/views/not-editable.njk',
      { pageTitle: 'This entry cannot be changed', entry, back: base(req), vocabulary },
      409,
    )
  }

  return [
    {
      method: 'get',
      path: '/cases/:caseId/chronology',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const { filter, params, answers, categories, errors } = readFilter(req.query as Query)
        const requested = Math.max(1, Number.parseInt(String(req.query.page ?? '1'), 10) || 1)
        const list = await services.chronology.list(ctx, String(req.params.caseId), filter, requested)
        const href = (n: number) => withParams(base(req), params, { page: n > 1 ? String(n) : '' })
        await renderCasePage(services, req, res, 'chronology', 'chronology/views/chronology.njk', {
          pageTitle: 'Chronology',
          list,
          filterAnswers: answers,
          filterCategories: categories,
          filtered: Boolean(filter.categories || filter.origin || filter.from || filter.to),
          errors,
          pagination: {
            items: govukPages(list.page, list.pages, href).items,
            ...(list.page > 1 ? { previous: { href: href(list.page - 1) } } : {}),
            ...(list.page < list.pages ? { next: { href: href(list.page + 1) } } : {}),
          },
          orderLinks: {
            newest: withParams(base(req), params, { order: '' }),
            oldest: withParams(base(req), params, { order: 'oldest' }),
          },
          order: filter.order,
          printLink: withParams(`${base(req)}/print`, params),
          csvLink: withParams(`${base(req)}.csv`, params),
          clearLink: base(req),
          vocabulary,
        })
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/chronology/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        await formPage(req, res, { answers: {} })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/chronology/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const body = req.body as FormBody
        const form = readEntryForm(body)
        if (!form.ok) return formPage(req, res, { answers: keptAnswers(body), errors: form.errors }, 400)
        try {
          await services.chronology.add(requestContext(req, res), String(req.params.caseId), form.input)
        } catch (error) {
          if (error instanceof InvalidInputError) {
            return formPage(req, res, { answers: keptAnswers(body), errors: serviceErrors(error) }, 400)
          }
          throw error
        }
        req.session.flash = { type: 'success', text: 'Entry added to the chronology' }
        res.redirect(303, base(req))
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/chronology/print',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const { filter, params } = readFilter(req.query as Query)
        const copy = await services.chronology.all(requestContext(req, res), String(req.params.caseId), filter, 'print')
        res.render('chronology/views/print.njk', {
          pageTitle: 'Chronology to print',
          copy,
          filter,
          caseId: req.params.caseId,
          back: withParams(base(req), params),
          vocabulary,
        })
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/chronology.csv',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const { filter } = readFilter(req.query as Query)
        const caseId = String(req.params.caseId)
        const copy = await services.chronology.all(requestContext(req, res), caseId, filter, 'csv')
        const csv = chronologyCsv(copy.entries.map((e) => ({ ...e, recordedByName: e.recordedBy?.name ?? null })))
        res
          .status(200)
          .set({
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': `attachment; filename="chronology-${caseId}.csv"`,
            'Cache-Control': 'no-store',
          })
          .send(csv)
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/chronology/:entryId/edit',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const entry = await services.chronology.get(
          requestContext(req, res),
          String(req.params.caseId),
          String(req.params.entryId),
        )
        if (!entry.editable) return notEditable(req, res, entry)
        await formPage(req, res, { answers: entryAnswers(entry), entry })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/chronology/:entryId/edit',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const caseId = String(req.params.caseId)
        const entryId = String(req.params.entryId)
        const body = req.body as FormBody
        const answers = keptAnswers(body)
        const form = readEntryForm(body)
        if (!form.ok) {
          const entry = await services.chronology.get(ctx, caseId, entryId)
          if (!entry.editable) return notEditable(req, res, entry)
          return formPage(req, res, { answers, errors: form.errors, entry }, 400)
        }
        const version = Number.parseInt(fieldText(body, 'version'), 10)
        try {
          await services.chronology.update(ctx, caseId, entryId, Number.isFinite(version) ? version : 0, form.input)
        } catch (error) {
          if (error instanceof NotEditableError) {
            return notEditable(req, res, await services.chronology.get(ctx, caseId, entryId))
          }
          if (error instanceof ConflictError) {
            // Someone changed it meanwhile: show theirs beside what this worker typed, and lose nothing.
            const current = await services.chronology.get(ctx, caseId, entryId)
            return formPage(
              req,
              res,
              { answers: { ...answers, version: String(current.version) }, entry: current, current },
              409,
            )
          }
          if (error instanceof InvalidInputError) {
            const entry = await services.chronology.get(ctx, caseId, entryId)
            return formPage(req, res, { answers, errors: serviceErrors(error), entry }, 400)
          }
          throw error
        }
        req.session.flash = { type: 'success', text: 'Chronology entry changed' }
        res.redirect(303, base(req))
      }),
    },
  ]
}
