import type { z } from 'zod'
import { fieldProblems } from '../services/errors.ts'

/**
 * Form validation for GOV.UK pages: a zod schema turns a posted body into either data or
 * errors keyed by field, with the list the error summary shows (first error per field, in
 * the order the fields are on the page).
 */
export interface FormErrors {
  /** The message for each field, for its error message. */
  fields: Record<string, string>
  /** For govukErrorSummary: text and a link to the field. */
  list: { text: string; href: string }[]
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FormErrors }

export function formErrors(fields: Record<string, string>): FormErrors {
  return {
    fields,
    list: Object.entries(fields).map(([name, text]) => ({ text, href: `#${name}` })),
  }
}

export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const parsed = schema.safeParse(body ?? {})
  if (parsed.success) return { ok: true, data: parsed.data }
  return { ok: false, errors: formErrors(fieldProblems(parsed.error)) }
}

/** The posted answers to show again, without anything secret. */
export function keptAnswers(body: unknown, secret: string[] = ['password', 'confirmPassword', '_csrf']) {
  const answers: Record<string, string> = {}
  for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (!secret.includes(key) && typeof value === 'string') answers[key] = value
  }
  return answers
}

/** A posted form, as express.urlencoded gives it: repeated fields become arrays. */
export type FormBody = Record<string, string | string[] | undefined>

/** One field's text, trimmed; '' when it is missing. */
export function fieldText(body: FormBody, name: string): string {
  const value = body[name]
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? ''
}

/** Every value of a field that can repeat (checkboxes). */
export function fieldList(body: FormBody, name: string): string[] {
  const value = body[name]
  return Array.isArray(value) ? value : value ? [value] : []
}

/** Yes, No, or Not known (undefined) radios. */
export function yesNo(value: string): boolean | undefined {
  return value === 'yes' ? true : value === 'no' ? false : undefined
}
