import type { Response } from 'express'
import { z } from 'zod'

/** RFC 9457 problem details: every API error answers in this shape. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ name: z.string(), reason: z.string() }))
      .optional()
      .describe('One entry per bad field, for 400 responses'),
  })
  .meta({ id: 'Problem' })

export type Problem = z.infer<typeof problemSchema>

const TITLES: Record<number, string> = {
  400: 'Your request is not valid',
  401: 'Authentication required',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request body too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal server error',
}

export function sendProblem(res: Response, status: number, detail?: string, extra: Partial<Problem> = {}) {
  const body: Problem = {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail ? { detail } : {}),
    instance: res.req.originalUrl.split('?')[0],
    ...extra,
  }
  if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="hearth"')
  res.status(status).type('application/problem+json').send(JSON.stringify(body))
}

export function fieldErrors(error: z.ZodError): { name: string; reason: string }[] {
  return error.issues.map((i) => ({ name: i.path.join('.') || '(body)', reason: i.message }))
}
