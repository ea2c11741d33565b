import type { Request, Response } from 'express'
import {
  CHILD_SIGHTINGS,
  type ChildSighting,
  CONTACT_OUTCOMES,
  CONTACT_TYPES,
  type ContactType,
  childSeen,
  londonInstant,
  londonTimeOfDay,
  readTimeOfDay,
  sightingOf,
} from '../../domain/contacts.ts'
import { isUuid } from '../../domain/identifiers.ts'
import { londonDate } from '../../domain/isoDate.ts'
import {
  ContactConflictError,
  type ContactFilter,
  type ContactInput,
  type ContactRow,
  contactInputSchema,
  NOTE_MAX,
} from '../../services/contacts.ts'
import { ConflictError, InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { caseHandler, renderCasePage } from '../cases/shell.ts'
import { requestContext, signedInUser } from '../context.ts'
import { dateInputParts, readDateInput } from '../dateInput.ts'
import { type FormBody, fieldList, fieldText, formErrors } from '../forms.ts'
import { govukPages } from '../pagination.ts'
import type { PageRoute } from '../routing.ts'

/** A case's contacts: the list, recording one, reading one with its history, and correcting it. */

const vocabulary = { types: CONTACT_TYPES, outcomes: CONTACT_OUTCOMES, sightings: CHILD_SIGHTINGS, noteMax: NOTE_MAX }

type FormOptions = Awaited<ReturnType<Services['contacts']['formOptions']>>

/** What the form shows: every field as typed (strings), with `present` as a list. */
type Answers = Record<string, string | string[] | undefined>

/** The order of fields on the page, so the error summary follows it. */
const FIELD_ORDER = ['form', 'date-day', 'time', 'type', 'outcome', 'workerId', 'present', 'presentOthers', 'children']

function orderErrors(fields: Record<string, string>, childIds: string[]) {
  const order = [...FIELD_ORDER, ...childIds.map((id) => `child-${id}`), 'goalIds', 'note', 'significant', 'headline']
  const sorted: Record<string, string> = {}
  for (const name of order) if (fields[name]) sorted[name] = fields[name]
  for (const [name, text] of Object.entries(fields)) sorted[name] ??= text
  return formErrors(sorted)
}

/** The service's field names, as the form's. */
function formFields(fields: Record<string, string>, childIds: string[]): Record<string, string> {
  const mapped: Record<string, string> = {}
  for (const [name, text] of Object.entries(fields)) {
    const key = name === 'occurredAt' ? 'date-day' : name === 'children' ? `child-${childIds[0] ?? ''}` : name
    mapped[key] ??= text
  }
  return mapped
}

function answersOf(body: FormBody, options: FormOptions): Answers {
  const answers: Answers = {}
  for (const name of [
    'date-day',
    'date-month',
    'date-year',
    'time',
    'type',
    'outcome',
    'workerId',
    'presentOthers',
    'note',
    'significant',
    'headline',
    'version',
  ]) {
    const value = body[name]
    answers[name] = (Array.isArray(value) ? value[0] : value) ?? ''
  }
  for (const child of options.children) answers[`child-${child.personId}`] = fieldText(body, `child-${child.personId}`)
  answers.present = fieldList(body, 'present')
  answers.goalIds = fieldList(body, 'goalIds')
  return answers
}

function answersOfContact(row: ContactRow): Answers {
  const date = dateInputParts(londonDate(row.occurredAt))
  const answers: Answers = {
    'date-day': date.day,
    'date-month': date.month,
    'date-year': date.year,
    time: londonTimeOfDay(row.occurredAt),
    type: row.type,
    outcome: row.outcome,
    workerId: row.workerId,
    presentOthers: row.presentOthers ?? '',
    note: row.note,
    significant: row.significant ? 'yes' : '',
    headline: row.headline ?? '',
    version: String(row.version),
  }
  for (const child of row.children as { personId: string; seen: boolean; seenAlone: boolean }[]) {
    answers[`child-${child.personId}`] = sightingOf(child)
  }
  answers.present = row.present as string[]
  answers.goalIds = row.goalIds as string[]
  return answers
}

/** The posted form as the service's input, or the problems the page can see itself. */
function readForm(body: FormBody, options: FormOptions): { input?: ContactInput; problems: Record<string, string> } {
  const problems: Record<string, string> = {}
  const date = readDateInput(body as Record<string, unknown>, 'date', 'the date of the contact', true)
  if (!date.ok) problems['date-day'] = date.message
  const timeText = fieldText(body, 'time')
  const time = readTimeOfDay(timeText)
  if (!timeText) problems.time = 'Enter the time of the contact'
  else if (!time) problems.time = 'Enter the time in the 24-hour clock, like 14:30'
  const children = options.children.map((child) => {
    const answer = fieldText(body, `child-${child.personId}`)
    const sighting: ChildSighting = answer in CHILD_SIGHTINGS ? (answer as ChildSighting) : 'not-seen'
    return childSeen(child.personId, sighting)
  })
  const workerId = fieldText(body, 'workerId')
  const input = {
    occurredAt: date.ok && date.value && time ? londonInstant(date.value, time) : new Date(0),
    type: fieldText(body, 'type') as ContactInput['type'],
    outcome: fieldText(body, 'outcome') as ContactInput['outcome'],
    ...(workerId ? { workerId } : {}),
    present: fieldList(body, 'present').filter(isUuid),
    presentOthers: fieldText(body, 'presentOthers'),
    children,
    goalIds: fieldList(body, 'goalIds').filter(isUuid),
    note: typeof body.note === 'string' ? body.note : '',
    significant: fieldText(body, 'significant') === 'yes',
    headline: fieldText(body, 'headline'),
  } satisfies ContactInput
  // Check the rest too, so every problem shows at once.
  const parsed = contactInputSchema.safeParse(input)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'form')
      const key =
        name === 'occurredAt'
          ? 'date-day'
          : name === 'children'
            ? `child-${(children.find((c) => c.seen || c.seenAlone) ?? children[0])?.personId ?? ''}`
            : name
      if (key !== 'date-day' || !problems['date-day']) problems[key] ??= issue.message
    }
  }
  if (Object.keys(problems).length > 0) return { problems }
  return { input, problems }
}

export function contactsRoutes(services: Services): PageRoute[] {
  async function renderForm(
    req: Request,
    res: Response,
    options: FormOptions,
    locals: {
      answers: Answers
      errors?: ReturnType<typeof formErrors>
      contactId?: string
      conflict?: Awaited<ReturnType<Services['contacts']['get']>>
    },
    status = 200,
  ) {
    const caseId = String(req.params.caseId)
    const editing = Boolean(locals.contactId)
    await renderCasePage(
      services,
      req,
      res,
      'contacts',
      'contacts/views/form.njk',
      {
        pageTitle: editing ? 'Correct a contact' : 'Record a contact',
        options,
        vocabulary,
        editing,
        action: editing ? `/cases/${caseId}/contacts/${locals.contactId}/edit` : `/cases/${caseId}/contacts/new`,
        cancel: editing ? `/cases/${caseId}/contacts/${locals.contactId}` : `/cases/${caseId}/contacts`,
        ...locals,
      },
      status,
    )
  }

  async function save(req: Request, res: Response, contactId?: string) {
    const ctx = requestContext(req, res)
    const caseId = String(req.params.caseId)
    const options = await services.contacts.formOptions(ctx, caseId)
    const body = (req.body ?? {}) as FormBody
    const answers = answersOf(body, options)
    const childIds = options.children.map((c) => c.personId)
    const { input, problems } = readForm(body, options)
    const version = Number.parseInt(fieldText(body, 'version'), 10)
    if (contactId && !Number.isInteger(version)) problems.form = 'Open the contact again to correct it'
    if (!input || Object.keys(problems).length > 0) {
      return renderForm(req, res, options, { answers, errors: orderErrors(problems, childIds), contactId }, 400)
    }
    try {
      if (contactId) {
        await services.contacts.update(ctx, caseId, contactId, version, input)
        req.session.flash = { type: 'success', text: 'The contact is corrected. The earlier version is kept.' }
        return res.redirect(303, `/cases/${caseId}/contacts/${contactId}`)
      }
      const { id } = await services.contacts.record(ctx, caseId, input)
      req.session.flash = { type: 'success', text: 'The contact is recorded.' }
      return res.redirect(303, `/cases/${caseId}/contacts/${id}`)
    } catch (error) {
      if (error instanceof InvalidInputError) {
        const errors = orderErrors(formFields(error.fields, childIds), childIds)
        return renderForm(req, res, options, { answers, errors, contactId }, 400)
      }
      if (contactId && error instanceof ConflictError) {
        // Nothing is lost: the version now saved is shown, and what this person typed stays in the form,
        // set to save on top of the new version once they have brought in what they need.
        const current = await services.contacts.get(ctx, caseId, contactId)
        const message =
          error instanceof ContactConflictError
            ? error.message
            : 'Someone else saved this contact since you opened it. Your changes have not been saved.'
        return renderForm(
          req,
          res,
          options,
          {
            answers: { ...answers, version: String(current.row.version) },
            errors: formErrors({ note: message }),
            contactId,
            conflict: current,
          },
          409,
        )
      }
      throw error
    }
  }

  return [
    {
      method: 'get',
      path: '/cases/:caseId/contacts',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const caseId = String(req.params.caseId)
        const q = req.query as Record<string, unknown>
        const text = (name: string) => (typeof q[name] === 'string' ? (q[name] as string).trim() : '')
        const fields: Record<string, string> = {}
        const filter: ContactFilter = {}
        const type = text('type')
        if (type in CONTACT_TYPES) filter.type = type as ContactType
        const from = readDateInput(q, 'from', 'the from date')
        if (from.ok) filter.from = from.value
        else fields['from-day'] = from.message
        const to = readDateInput(q, 'to', 'the to date')
        if (to.ok) filter.to = to.value
        else fields['to-day'] = to.message
        const workerId = text('workerId')
        if (isUuid(workerId)) filter.workerId = workerId
        const keyword = text('keyword').slice(0, 200)
        if (keyword) filter.keyword = keyword
        const page = Math.max(1, Number.parseInt(text('page'), 10) || 1)
        const list = await services.contacts.list(ctx, caseId, filter, page)
        const filterAnswers: Record<string, string> = {}
        for (const name of [
          'type',
          'workerId',
          'keyword',
          'from-day',
          'from-month',
          'from-year',
          'to-day',
          'to-month',
          'to-year',
        ]) {
          filterAnswers[name] = text(name)
        }
        const params = Object.fromEntries(Object.entries(filterAnswers).filter(([, v]) => v))
        const link = (n: number) => `?${new URLSearchParams({ ...params, page: String(n) })}`
        await renderCasePage(services, req, res, 'contacts', 'contacts/views/list.njk', {
          pageTitle: 'Contacts',
          list,
          filterAnswers,
          filtered: Object.keys(params).length > 0,
          errors: Object.keys(fields).length ? formErrors(fields) : undefined,
          pagination: govukPages(list.page, list.pages, link),
          vocabulary,
        })
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/contacts/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const options = await services.contacts.formOptions(ctx, String(req.params.caseId))
        const today = dateInputParts(londonDate(services.clock()))
        const answers: Answers = {
          'date-day': today.day,
          'date-month': today.month,
          'date-year': today.year,
          workerId: signedInUser(res).id,
          present: [],
        }
        await renderForm(req, res, options, { answers })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/contacts/new',
      access: 'cases:work',
      handler: caseHandler((req, res) => save(req, res)),
    },
    {
      method: 'get',
      path: '/cases/:caseId/contacts/:contactId',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const caseId = String(req.params.caseId)
        const contact = await services.contacts.get(ctx, caseId, String(req.params.contactId))
        await renderCasePage(services, req, res, 'contacts', 'contacts/views/contact.njk', {
          pageTitle: 'Contact',
          contact,
          vocabulary,
        })
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/contacts/:contactId/edit',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const caseId = String(req.params.caseId)
        const contactId = String(req.params.contactId)
        const contact = await services.contacts.get(ctx, caseId, contactId)
        const options = await services.contacts.formOptions(ctx, caseId)
        await renderForm(req, res, options, { answers: answersOfContact(contact.row), contactId })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/contacts/:contactId/edit',
      access: 'cases:work',
      handler: caseHandler((req, res) => save(req, res, String(req.params.contactId))),
    },
  ]
}
