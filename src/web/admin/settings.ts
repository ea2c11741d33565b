import { formatIsoDate, isIsoDate, londonDate, yearOf } from '../../domain/isoDate.ts'
import { InvalidInputError, NotFoundError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { calendarOverrideSchema } from '../../services/programmes.ts'
import { requestContext } from '../context.ts'
import { readDateInput } from '../dateInput.ts'
import { formErrors, keptAnswers, parseForm } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

/** Settings: which services the authority runs, and its working-day calendar. */
export function settingsRoutes(services: Services): PageRoute[] {
  const servicesPage = async (req: Parameters<PageRoute['handler']>[0], res: Parameters<PageRoute['handler']>[1]) => {
    const running = await services.programmes.runningIds(requestContext(req, res))
    return { library: services.programmes.library(), running: [...running] }
  }

  const calendarPage = async (req: Parameters<PageRoute['handler']>[0], res: Parameters<PageRoute['handler']>[1]) => {
    const ctx = requestContext(req, res)
    const calendar = await services.programmes.calendar(ctx)
    const thisYear = yearOf(londonDate(services.clock()))
    const years = [thisYear, thisYear + 1].map((year) => ({
      year,
      computed: calendar.isComputedYear(year),
      holidays: calendar.holidaysIn(year).map((h) => ({ ...h, date: formatIsoDate(h.date) })),
    }))
    const overrides = (await services.programmes.overrides(ctx)).map((o) => ({ ...o, shown: formatIsoDate(o.date) }))
    return { years, overrides, officialYears: calendar.officialYears }
  }

  return [
    {
      method: 'get',
      path: '/admin/settings',
      access: 'programmes:manage',
      handler: (_req, res) => res.redirect(303, '/admin/settings/services'),
    },
    {
      method: 'get',
      path: '/admin/settings/services',
      access: 'programmes:manage',
      handler: async (req, res) => res.render('admin/views/settings-services.njk', await servicesPage(req, res)),
    },
    {
      method: 'post',
      path: '/admin/settings/services',
      access: 'programmes:manage',
      handler: async (req, res) => {
        const body = req.body as { programmes?: string | string[] }
        const ids = Array.isArray(body.programmes) ? body.programmes : body.programmes ? [body.programmes] : []
        try {
          await services.programmes.choose(requestContext(req, res), ids)
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          return res.status(400).render('admin/views/settings-services.njk', {
            ...(await servicesPage(req, res)),
            errors: formErrors(error.fields),
          })
        }
        req.session.flash = { type: 'success', text: 'The services your authority runs have been saved.' }
        res.redirect(303, '/admin/settings/services')
      },
    },
    {
      method: 'get',
      path: '/admin/settings/calendar',
      access: 'programmes:manage',
      handler: async (req, res) =>
        res.render('admin/views/settings-calendar.njk', { ...(await calendarPage(req, res)), answers: {} }),
    },
    {
      method: 'post',
      path: '/admin/settings/calendar',
      access: 'programmes:manage',
      handler: async (req, res) => {
        const body = req.body as Record<string, string | undefined>
        const answers = keptAnswers(body)
        const rerender = async (fields: Record<string, string>) =>
          res.status(400).render('admin/views/settings-calendar.njk', {
            ...(await calendarPage(req, res)),
            answers,
            errors: formErrors(fields),
          })
        const date = readDateInput(body, 'date', 'the date', true)
        if (!date.ok) return rerender({ 'date-day': date.message })
        const form = parseForm(calendarOverrideSchema, { date: date.value, title: body.title, kind: body.kind })
        if (!form.ok) {
          const fields = Object.fromEntries(
            Object.entries(form.errors.fields).map(([k, v]) => [k === 'date' ? 'date-day' : k, v]),
          )
          return rerender(fields)
        }
        try {
          await services.programmes.addOverride(requestContext(req, res), form.data)
          // Working-day deadlines move with the calendar: open cases' next deadlines are worked out again.
          await services.cases.refreshAll(requestContext(req, res))
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          return rerender({ 'date-day': error.fields.date ?? 'This date cannot be changed' })
        }
        req.session.flash = {
          type: 'success',
          text: `${formatIsoDate(form.data.date)} has been added to the calendar.`,
        }
        res.redirect(303, '/admin/settings/calendar')
      },
    },
    {
      method: 'post',
      path: '/admin/settings/calendar/:date/remove',
      access: 'programmes:manage',
      handler: async (req, res) => {
        const date = String(req.params.date)
        if (!isIsoDate(date)) return res.status(404).render('errors/404.njk')
        try {
          await services.programmes.removeOverride(requestContext(req, res), date)
          await services.cases.refreshAll(requestContext(req, res))
        } catch (error) {
          if (error instanceof NotFoundError) return res.status(404).render('errors/404.njk')
          throw error
        }
        req.session.flash = { type: 'success', text: `The change for ${formatIsoDate(date)} has been removed.` }
        res.redirect(303, '/admin/settings/calendar')
      },
    },
  ]
}
