import { z } from 'zod'
import { isIsoDate } from '../domain/isoDate.ts'

/**
 * The fields forms and the API share, each with the plain message a person sees: what to enter
 * when it is empty, and how long it may be. A blank optional field is stored as null.
 */

/** How long a piece of free text may be, unless a field says otherwise. */
export const TEXT_MAX = 5000

const REAL_DATE = 'Enter a real date, written YYYY-MM-DD'

export const requiredText = (empty: string, label: string, max = TEXT_MAX) =>
  z.string({ error: empty }).trim().min(1, empty).max(max, `${label} must be ${max} characters or fewer`)

export const optionalText = (label: string, max = TEXT_MAX) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .nullish()
    .transform((v) => v || null)

export const requiredDate = (empty: string, invalid = REAL_DATE) =>
  z.string({ error: empty }).min(1, empty).refine(isIsoDate, invalid)

export const optionalDate = (invalid = REAL_DATE) =>
  z
    .string()
    .refine((v) => v === '' || isIsoDate(v), invalid)
    .nullish()
    .transform((v) => v || null)
