import type { ErrorRequestHandler, RequestHandler } from 'express'
import { NotFoundError } from '../../services/errors.ts'
import { invalidCsrfTokenError } from './csrf.ts'

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).render('errors/404.njk')
}

/** Styled error pages; never a stack trace. The log gets the error's kind, never request data. */
export const errorPages: ErrorRequestHandler = (error, req, res, _next) => {
  if (res.headersSent) return
  const e = error as { status?: number; statusCode?: number; type?: string; code?: string; name?: string }
  const status = e.status ?? e.statusCode
  if (error instanceof NotFoundError) return res.status(404).render('errors/404.njk')
  if (error === invalidCsrfTokenError || e.code === 'EBADCSRFTOKEN') {
    return res.status(403).render('errors/problem.njk', {
      title: 'This form has expired',
      detail:
        'For your security, forms stop working after a while or when you sign in again. Go back, reload the page and try again.',
    })
  }
  if (status === 413) {
    return res.status(413).render('errors/problem.njk', {
      title: 'What you sent is too large',
      detail: 'Nothing was saved. Go back and send less text.',
    })
  }
  if (status && status >= 400 && status < 500) {
    return res.status(400).render('errors/problem.njk', {
      title: 'Hearth could not understand that request',
      detail: 'Nothing was saved. Go back and try again.',
    })
  }
  req.log.error({ err: { name: e.name, code: e.code, message: sanitise(error) } }, 'request failed')
  res.status(500).render('errors/500.njk', { requestId: req.id })
}

/** The first line of an error message, with anything that looks like quoted data removed. */
function sanitise(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message
    .split('\n')[0]
    .replace(/\(.*\)=\(.*\)/g, '(…)')
    .replace(/"[^"]*"/g, '"…"')
    .slice(0, 200)
}
