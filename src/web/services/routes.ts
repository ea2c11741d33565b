import { CRITERION_OUTCOMES, SCREENING_RESULTS } from '../../domain/eligibility.ts'
import { formatIsoDate, londonDate } from '../../domain/isoDate.ts'
import type { Programme } from '../../domain/programme/schema.ts'
import {
  CASE_EVENTS,
  EPISODE_END_REASONS,
  HEADLINE_OUTCOMES,
  MEASURE_KINDS,
  PARTICIPANTS,
  PRESENTING_INDICATORS,
  SAFEGUARDING_LEVELS,
} from '../../domain/programme/vocabulary.ts'
import { InvalidInputError, NotFoundError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { requestContext } from '../context.ts'
import { formErrors, keptAnswers } from '../forms.ts'
import type { PageRoute } from '../routing.ts'
import { fieldForFact, parseCheckForm } from './checkForm.ts'
import { criterionView, describeDuration, interpretationsIn } from './describe.ts'
import { timelineFor } from './timeline.ts'

/** Words the services views share. */
const vocabulary = {
  events: CASE_EVENTS,
  participants: PARTICIPANTS,
  indicators: PRESENTING_INDICATORS,
  levels: SAFEGUARDING_LEVELS,
  headlineOutcomes: HEADLINE_OUTCOMES,
  measureKinds: MEASURE_KINDS,
  endReasons: EPISODE_END_REASONS,
  results: SCREENING_RESULTS,
  outcomes: CRITERION_OUTCOMES,
}

function programmePage(programme: Programme) {
  return {
    programme,
    eligibility: criterionView(programme.eligibility.rule),
    timeline: timelineFor(programme),
    timescales: programme.timescales.map((t) => ({
      ...t,
      within: describeDuration(t.within),
      fromText: t.from.map((e) => CASE_EVENTS[e].toLowerCase()).join(' or '),
      metByText: t.metBy.map((e) => CASE_EVENTS[e].toLowerCase()).join(' or '),
      dueSoon: t.dueSoon ? describeDuration(t.dueSoon) : undefined,
    })),
    extensionLength: programme.extension?.length ? describeDuration(programme.extension.length) : undefined,
    interpretations: interpretationsIn(programme),
    vocabulary,
  }
}

export function serviceRoutes(services: Services): PageRoute[] {
  const renderCheck = async (
    req: Parameters<PageRoute['handler']>[0],
    res: Parameters<PageRoute['handler']>[1],
    extra: Record<string, unknown>,
  ) => {
    const running = await services.programmes.running(requestContext(req, res))
    res.render('services/views/check.njk', { running, vocabulary, answers: {}, ...extra })
  }

  return [
    {
      method: 'get',
      path: '/services',
      access: 'services:view',
      handler: async (req, res) => {
        const ids = await services.programmes.runningIds(requestContext(req, res))
        const library = services.programmes.library()
        res.render('services/views/list.njk', {
          running: library.filter((p) => ids.has(p.id)),
          others: library.filter((p) => !ids.has(p.id)),
        })
      },
    },
    {
      method: 'get',
      path: '/services/check',
      access: 'services:view',
      handler: (req, res) => renderCheck(req, res, { answers: { expecting: '', indicators: [] } }),
    },
    {
      method: 'post',
      path: '/services/check',
      access: 'services:view',
      handler: async (req, res) => {
        const body = req.body as Record<string, string | string[] | undefined>
        const answers = {
          ...keptAnswers(body),
          indicators: Array.isArray(body.indicators) ? body.indicators : body.indicators ? [body.indicators] : [],
        }
        const ctx = requestContext(req, res)
        const form = parseCheckForm(body, londonDate(services.clock()))
        if (!form.ok) return res.status(400).render('services/views/check.njk', await checkModel(form.errors))
        try {
          const screenings = await services.programmes.screen(ctx, { facts: form.facts })
          const on = screenings[0]?.on ?? londonDate(services.clock())
          await renderCheck(req, res, { answers, screenings, on: formatIsoDate(on) })
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          const fields: Record<string, string> = {}
          for (const [path, message] of Object.entries(error.fields)) fields[fieldForFact(path)] ??= message
          res.status(400).render('services/views/check.njk', await checkModel(formErrors(fields)))
        }

        async function checkModel(errors: ReturnType<typeof formErrors>) {
          return { running: await services.programmes.running(ctx), vocabulary, answers, errors }
        }
      },
    },
    {
      method: 'get',
      path: '/services/:programmeId',
      access: 'services:view',
      handler: async (req, res) => {
        let programme: Programme
        try {
          programme = services.programmes.get(String(req.params.programmeId))
        } catch (error) {
          if (error instanceof NotFoundError) return res.status(404).render('errors/404.njk')
          throw error
        }
        const running = (await services.programmes.runningIds(requestContext(req, res))).has(programme.id)
        res.render('services/views/programme.njk', { ...programmePage(programme), running })
      },
    },
  ]
}
