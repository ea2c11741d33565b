import type { Request, Response } from 'express'
import { ASSESSMENT_DOMAINS, type AssessmentContent } from '../../domain/assessment.ts'
import { HEADLINE_OUTCOMES } from '../../domain/programme/vocabulary.ts'
import type { AssessmentInput } from '../../services/assessments.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { caseHandler, renderCasePage } from '../cases/shell.ts'
import { requestContext } from '../context.ts'
import { type FormBody, fieldList, fieldText, formErrors, keptAnswers } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

/** The Early Help Assessment: one page to write it (saved as a draft as often as needed), one to read it. */

const vocabulary = { domains: ASSESSMENT_DOMAINS, headlines: HEADLINE_OUTCOMES }

/** The form's fields for an assessment's content, as the form names them. */
function answersOf(content: AssessmentContent): Record<string, string | string[]> {
  const answers: Record<string, string | string[]> = {
    familyStory: content.familyStory ?? '',
    parentsVoice: content.parentsVoice ?? '',
    workingWell: content.workingWell ?? '',
    worries: content.worries ?? '',
    needsToHappen: content.needsToHappen ?? '',
    headlineNeeds: content.headlineNeeds.map(String),
  }
  for (const c of content.children) {
    answers[`child-${c.personId}-story`] = c.story ?? ''
    answers[`child-${c.personId}-voice`] = c.voice ?? ''
  }
  for (const [domain, part] of Object.entries(content.domains)) {
    answers[`${domain}-strengths`] = part?.strengths ?? ''
    answers[`${domain}-worries`] = part?.worries ?? ''
  }
  return answers
}

/** The assessment a posted form describes. */
function contentFrom(body: FormBody, childIds: string[]): AssessmentInput {
  return {
    familyStory: fieldText(body, 'familyStory'),
    children: childIds.map((personId) => ({
      personId,
      story: fieldText(body, `child-${personId}-story`),
      voice: fieldText(body, `child-${personId}-voice`),
    })),
    parentsVoice: fieldText(body, 'parentsVoice'),
    domains: Object.fromEntries(
      Object.keys(ASSESSMENT_DOMAINS).map((d) => [
        d,
        { strengths: fieldText(body, `${d}-strengths`), worries: fieldText(body, `${d}-worries`) },
      ]),
    ),
    workingWell: fieldText(body, 'workingWell'),
    worries: fieldText(body, 'worries'),
    needsToHappen: fieldText(body, 'needsToHappen'),
    headlineNeeds: fieldList(body, 'headlineNeeds').map(Number),
  }
}

export function assessmentRoutes(services: Services): PageRoute[] {
  async function formPage(
    req: Request,
    res: Response,
    locals: { answers?: Record<string, string | string[]>; errors?: ReturnType<typeof formErrors> },
    status = 200,
  ) {
    const ctx = requestContext(req, res)
    const caseId = String(req.params.caseId)
    const { assessments, children } = await services.assessments.list(ctx, caseId)
    const draft = assessments.find((a) => a.id === req.params.assessmentId && a.status === 'draft')
    if (!draft) throw new NotFoundError('Assessment')
    const answers = locals.answers ?? answersOf(draft.content)
    // Shown again after a problem, the form keeps what was typed and saves over the version now stored.
    answers.version = String(draft.version)
    await renderCasePage(
      services,
      req,
      res,
      'assessment',
      'assessments/views/form.njk',
      { pageTitle: 'Early Help Assessment', draft, children, answers, errors: locals.errors, vocabulary },
      status,
    )
  }

  return [
    {
      method: 'get',
      path: '/cases/:caseId/assessment',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const { assessments, children } = await services.assessments.list(
          requestContext(req, res),
          String(req.params.caseId),
        )
        await renderCasePage(services, req, res, 'assessment', 'assessments/views/assessment.njk', {
          pageTitle: 'Assessment',
          draft: assessments.find((a) => a.status === 'draft'),
          completed: assessments.filter((a) => a.status === 'completed'),
          children,
          vocabulary,
        })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/assessment/start',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const caseId = String(req.params.caseId)
        try {
          const id = await services.assessments.start(requestContext(req, res), caseId)
          res.redirect(303, `/cases/${caseId}/assessment/${id}/edit`)
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          req.session.flash = {
            type: 'important',
            text: Object.values(error.fields)[0] ?? 'The assessment cannot start',
          }
          res.redirect(303, `/cases/${caseId}/assessment`)
        }
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/assessment/:assessmentId/edit',
      access: 'cases:work',
      handler: caseHandler((req, res) => formPage(req, res, {})),
    },
    {
      method: 'post',
      path: '/cases/:caseId/assessment/:assessmentId/edit',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const caseId = String(req.params.caseId)
        const id = String(req.params.assessmentId)
        const body = req.body as FormBody
        const { children } = await services.assessments.list(ctx, caseId)
        const answers: Record<string, string | string[]> = {
          ...keptAnswers(body),
          headlineNeeds: fieldList(body, 'headlineNeeds'),
        }
        try {
          const saved = await services.assessments.save(
            ctx,
            caseId,
            id,
            Number(fieldText(body, 'version')),
            contentFrom(
              body,
              children.map((c) => c.personId),
            ),
          )
          if (fieldText(body, 'action') === 'complete') {
            await services.assessments.complete(ctx, caseId, id, saved)
            req.session.flash = { type: 'success', text: 'The assessment is complete.' }
            return res.redirect(303, `/cases/${caseId}/assessment`)
          }
          req.session.flash = { type: 'success', text: 'Your draft is saved.' }
          res.redirect(303, `/cases/${caseId}/assessment/${id}/edit`)
        } catch (error) {
          if (error instanceof ConflictError) {
            return formPage(req, res, { answers, errors: formErrors({ familyStory: error.message }) }, 409)
          }
          if (!(error instanceof InvalidInputError)) throw error
          // Completing failed after the draft was saved: show what is missing on the saved draft.
          await formPage(req, res, { answers, errors: formErrors(error.fields) }, 400)
        }
      }),
    },
  ]
}
