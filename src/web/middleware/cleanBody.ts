import type { RequestHandler } from 'express'

/**
 * Removes characters no one types and PostgreSQL cannot store (NUL), and other control
 * characters except tab and line breaks, from every string in a request body.
 */
export const cleanBody: RequestHandler = (req, _res, next) => {
  if (req.body && typeof req.body === 'object') req.body = clean(req.body)
  next()
}

/** Code points 0–8, 11, 12, 14–31 and 127; tab (9), line feed (10) and carriage return (13) stay. */
const isControl = (code: number) =>
  code <= 8 || code === 11 || code === 12 || (code >= 14 && code <= 31) || code === 127
const withoutControl = (text: string) =>
  [...text].filter((character) => !isControl(character.codePointAt(0) as number)).join('')

export function clean(value: unknown): unknown {
  if (typeof value === 'string') return withoutControl(value)
  if (Array.isArray(value)) return value.map(clean)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, clean(v)]))
  }
  return value
}
