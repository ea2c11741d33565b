import type { Response } from 'express'
import { rateLimit } from 'express-rate-limit'
import { z } from 'zod'
import type { Config } from '../../config.ts'
import { formatDateTime } from '../../domain/dates.ts'
import type { Services } from '../../services/index.ts'
import { newPasswordSchema } from '../../services/passwords.ts'
import { startSession } from '../context.ts'
import { formErrors, keptAnswers, parseForm } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

const SIGN_IN = 'auth/views/sign-in.njk'
const PASSWORD = 'auth/views/password.njk'

const signInSchema = z.object({
  email: z.string({ error: 'Enter your email address' }).trim().min(1, 'Enter your email address'),
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password'),
})

const choosePasswordSchema = z
  .object({
    password: newPasswordSchema,
    confirmPassword: z.string({ error: 'Enter the password again' }).min(1, 'Enter the password again'),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'The passwords do not match' })

const WRONG = 'Enter a correct email address and password'

export function authRoutes(
  services: Services,
  config: Pick<Config, 'SIGN_IN_RATE_LIMIT' | 'LOCKOUT_MINUTES'>,
): PageRoute[] {
  async function renderSignIn(res: Response, status: number, locals: Record<string, unknown> = {}) {
    const setupNeeded = await services.setup.needed()
    res.status(status).render(SIGN_IN, { answers: {}, setupNeeded, ...locals })
  }

  const signInLimit = rateLimit({
    windowMs: 15 * 60_000,
    limit: config.SIGN_IN_RATE_LIMIT,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) =>
      renderSignIn(res, 429, {
        answers: keptAnswers(req.body),
        errors: formErrors({ email: 'You have tried to sign in too many times. Wait 15 minutes, then try again.' }),
      }),
  })

  function linkNotValid(res: Response) {
    return res.status(404).render('errors/problem.njk', {
      title: 'This link cannot be used',
      detail: 'It has been used already or it has expired. Ask an administrator for a new one.',
      backHref: '/sign-in',
      backText: 'Go to sign in',
    })
  }

  return [
    {
      method: 'get',
      path: '/sign-in',
      access: 'public',
      handler: async (_req, res) => {
        if (res.locals.user) return res.redirect(303, '/')
        await renderSignIn(res, 200)
      },
    },
    {
      method: 'post',
      path: '/sign-in',
      access: 'public',
      before: [signInLimit],
      handler: async (req, res) => {
        const form = parseForm(signInSchema, req.body)
        if (!form.ok) return renderSignIn(res, 400, { errors: form.errors, answers: keptAnswers(req.body) })
        const result = await services.auth.signIn(form.data.email, form.data.password, String(req.id))
        if (result.outcome === 'signed-in') {
          return res.redirect(303, await startSession(req, result.user, services.clock()))
        }
        const message =
          result.outcome === 'locked'
            ? `This account is locked after too many attempts to sign in. Try again after ${formatDateTime(result.until)}.`
            : WRONG
        await renderSignIn(res, 400, { errors: formErrors({ email: message }), answers: keptAnswers(req.body) })
      },
    },
    {
      method: 'post',
      path: '/sign-out',
      access: 'public',
      handler: async (req, res) => {
        if (res.locals.actor) await services.auth.signOut({ actor: res.locals.actor, requestId: String(req.id) })
        await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())))
        req.session.flash = { type: 'success', text: 'You have signed out.' }
        res.redirect(303, '/sign-in')
      },
    },
    {
      method: 'get',
      path: '/password/:token',
      access: 'public',
      handler: async (req, res) => {
        if (!(await services.auth.checkPasswordLink(String(req.params.token)))) return linkNotValid(res)
        res.render(PASSWORD, { answers: {} })
      },
    },
    {
      method: 'post',
      path: '/password/:token',
      access: 'public',
      handler: async (req, res) => {
        const token = String(req.params.token)
        const form = parseForm(choosePasswordSchema, req.body)
        if (!form.ok) {
          if (!(await services.auth.checkPasswordLink(token))) return linkNotValid(res)
          return res.status(400).render(PASSWORD, { errors: form.errors, answers: {} })
        }
        const user = await services.auth.usePasswordLink(token, form.data.password, String(req.id))
        if (!user) return linkNotValid(res)
        delete req.session.returnTo
        await startSession(req, user, services.clock())
        req.session.flash = { type: 'success', text: 'Your password is set and you are signed in.' }
        res.redirect(303, '/')
      },
    },
  ]
}
