import type { Request, Response } from 'express'
import { ROLE_HINTS, ROLE_LABELS, ROLES } from '../../domain/access.ts'
import { ConflictError, InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { newUserSchema, userChangeSchema } from '../../services/users.ts'
import { requestContext } from '../context.ts'
import { type FormErrors, formErrors, keptAnswers, parseForm } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

const roleItems = (selected?: string) =>
  ROLES.map((role) => ({
    value: role,
    text: ROLE_LABELS[role],
    hint: { text: ROLE_HINTS[role] },
    checked: role === selected,
  }))

/** `links.publicUrl` is read when a link is made: it is only known once Hearth listens. */
export function userRoutes(services: Services, links: { publicUrl: string }): PageRoute[] {
  async function teamItems(req: Request, res: Response, selected?: string | null) {
    const teams = await services.teams.list(requestContext(req, res))
    return [
      { value: '', text: 'No team' },
      ...teams.map((t) => ({ value: t.id, text: t.name, selected: t.id === selected })),
    ]
  }

  async function renderNew(
    req: Request,
    res: Response,
    status: number,
    answers: Record<string, string>,
    errors?: FormErrors,
  ) {
    res.status(status).render('admin/views/user-new.njk', {
      answers,
      errors,
      roleItems: roleItems(answers.role),
      teamItems: await teamItems(req, res, answers.teamId),
    })
  }

  async function renderEdit(
    req: Request,
    res: Response,
    status: number,
    answers: Record<string, string>,
    errors?: FormErrors,
  ) {
    const person = await services.users.get(requestContext(req, res), String(req.params.userId))
    res.status(status).render('admin/views/user-edit.njk', {
      person,
      answers,
      errors,
      roleItems: roleItems(answers.role),
      teamItems: await teamItems(req, res, answers.teamId),
    })
  }

  function showLink(res: Response, status: number, userId: string, name: string, token: string, isNew: boolean) {
    res
      .status(status)
      .render('admin/views/user-link.njk', { userId, name, link: `${links.publicUrl}/password/${token}`, isNew })
  }

  return [
    {
      method: 'get',
      path: '/admin/users',
      access: 'users:manage',
      handler: async (req, res) => {
        res.render('admin/views/users.njk', {
          people: await services.users.list(requestContext(req, res)),
          roleLabels: ROLE_LABELS,
        })
      },
    },
    {
      method: 'get',
      path: '/admin/users/new',
      access: 'users:manage',
      handler: (req, res) => renderNew(req, res, 200, {}),
    },
    {
      method: 'post',
      path: '/admin/users/new',
      access: 'users:manage',
      handler: async (req, res) => {
        const answers = keptAnswers(req.body)
        const form = parseForm(newUserSchema, req.body)
        if (!form.ok) return renderNew(req, res, 400, answers, form.errors)
        try {
          const created = await services.users.create(requestContext(req, res), form.data)
          // The link is shown once, on this response, and never stored anywhere readable.
          showLink(res, 201, created.id, form.data.name, created.passwordToken as string, true)
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          await renderNew(req, res, 400, answers, formErrors(error.fields))
        }
      },
    },
    {
      method: 'get',
      path: '/admin/users/:userId',
      access: 'users:manage',
      handler: async (req, res) => {
        const person = await services.users.get(requestContext(req, res), String(req.params.userId))
        res.render('admin/views/user.njk', { person, roleLabel: ROLE_LABELS[person.role] })
      },
    },
    {
      method: 'get',
      path: '/admin/users/:userId/edit',
      access: 'users:manage',
      handler: async (req, res) => {
        const person = await services.users.get(requestContext(req, res), String(req.params.userId))
        await renderEdit(req, res, 200, {
          name: person.name,
          role: person.role,
          teamId: person.teamId ?? '',
          version: String(person.version),
        })
      },
    },
    {
      method: 'post',
      path: '/admin/users/:userId/edit',
      access: 'users:manage',
      handler: async (req, res) => {
        const userId = String(req.params.userId)
        const answers = keptAnswers(req.body)
        const form = parseForm(userChangeSchema, req.body)
        if (!form.ok) return renderEdit(req, res, 400, answers, form.errors)
        try {
          await services.users.update(requestContext(req, res), userId, form.data)
        } catch (error) {
          if (error instanceof InvalidInputError) return renderEdit(req, res, 400, answers, formErrors(error.fields))
          if (error instanceof ConflictError) {
            // Show what is there now; the person's answers would overwrite someone else's change.
            const person = await services.users.get(requestContext(req, res), userId)
            return renderEdit(
              req,
              res,
              409,
              { name: person.name, role: person.role, teamId: person.teamId ?? '', version: String(person.version) },
              formErrors({ name: `${error.message} Check the details below and make your change again.` }),
            )
          }
          throw error
        }
        req.session.flash = { type: 'success', text: 'Account updated.' }
        res.redirect(303, `/admin/users/${userId}`)
      },
    },
    ...(['deactivate', 'reactivate'] as const).map(
      (action): PageRoute => ({
        method: 'post',
        path: `/admin/users/:userId/${action}`,
        access: 'users:manage',
        handler: async (req, res) => {
          const userId = String(req.params.userId)
          try {
            await services.users.setActive(requestContext(req, res), userId, action === 'reactivate')
            req.session.flash = {
              type: 'success',
              text:
                action === 'reactivate' ? 'Account reactivated.' : 'Account deactivated. They can no longer sign in.',
            }
          } catch (error) {
            if (!(error instanceof InvalidInputError)) throw error
            req.session.flash = { type: 'important', text: Object.values(error.fields)[0] }
          }
          res.redirect(303, `/admin/users/${userId}`)
        },
      }),
    ),
    {
      method: 'post',
      path: '/admin/users/:userId/password-link',
      access: 'users:manage',
      handler: async (req, res) => {
        const ctx = requestContext(req, res)
        const userId = String(req.params.userId)
        const token = await services.users.issuePasswordLink(ctx, userId)
        const person = await services.users.get(ctx, userId)
        showLink(res, 200, userId, person.name, token, false)
      },
    },
  ]
}
