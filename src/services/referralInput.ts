import { z } from 'zod'
import { isValidNhsNumber, normaliseNhsNumber, normalisePostcode } from '../domain/identifiers.ts'
import { addDays, formatIsoDate, type IsoDate, isIsoDate } from '../domain/isoDate.ts'
import { keysOf, PRESENTING_INDICATORS } from '../domain/programme/vocabulary.ts'

/**
 * What a referral holds, from any route: the public form, a worker inside Hearth, or the API.
 * Stored whole or not at all. `on` is the day it is received, against which dates are checked.
 */

const text = (label: string, max: number) =>
  z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .max(max, `${label[0]?.toUpperCase()}${label.slice(1)} must be ${max} characters or fewer`)
const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((v) => (v ? v : undefined))
const date = (label: string) =>
  z
    .string({ error: `Enter ${label}` })
    .refine(isIsoDate, `${label[0]?.toUpperCase()}${label.slice(1)} must be a real date`)

const nhsNumber = z
  .string()
  .optional()
  .transform((v) => (v ? normaliseNhsNumber(v) : undefined))
  .refine(
    (v) => v === undefined || isValidNhsNumber(v),
    'Enter a valid NHS number, like 943 476 5919, or leave it blank',
  )

const email = z.email('Enter an email address in the correct format, like name@example.org').max(254)

export const referrerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('professional'),
    name: text('your name', 200),
    organisation: text('your organisation', 200),
    role: text('your role', 200),
    email,
    phone: optionalText('Phone number', 40),
  }),
  z.object({
    type: z.literal('parent'),
    name: text('your name', 200),
    email: email.optional(),
    phone: optionalText('Phone number', 40),
  }),
])

export const referralChildSchema = z.object({
  givenName: text('the child’s first name', 100),
  familyName: text('the child’s last name', 100),
  dateOfBirth: date('the child’s date of birth').optional(),
  /** An unborn baby: no name may be known yet, but a due date is. */
  unborn: z.boolean().default(false),
  expectedDueDate: date('the expected due date').optional(),
  nhsNumber,
})

export const referralAdultSchema = z.object({
  givenName: text('the first name', 100),
  familyName: text('the last name', 100),
  relationship: text('their relationship to the children', 100),
  dateOfBirth: date('their date of birth').optional(),
  nhsNumber,
})

export const consentSchema = z.object({
  familyAgreed: z.boolean({ error: 'Say whether the family has agreed to this referral' }),
  sharingAgreed: z.boolean({ error: 'Say whether the family has agreed to information being shared' }),
  givenBy: optionalText('Who agreed', 200),
  reasonWithoutConsent: optionalText('The reason for referring without agreement', 2000),
})

export const referralFactsSchema = z.object({
  safeguardingLevel: z.number().int().min(1).max(4).optional(),
  socialWorkerAllocated: z.boolean().optional(),
  childInNeedStepDown: z.boolean().optional(),
  previousRemovals: z.number().int().min(0, 'The number of children removed cannot be negative').max(20).optional(),
  youngPersonHomeless: z.boolean().optional(),
})

export const referralInputSchema = z.object({
  programmeId: z.string().optional().describe('The service asked for; leave out if not sure'),
  referrer: referrerSchema,
  children: z.array(referralChildSchema).min(1, 'Add at least one child or unborn baby').max(10),
  adults: z.array(referralAdultSchema).max(6).default([]),
  address: optionalText('The address', 500),
  postcode: z
    .string()
    .optional()
    .transform((v) => (v ? (normalisePostcode(v) ?? v) : undefined))
    .refine((v) => v === undefined || normalisePostcode(v) !== undefined, 'Enter a real postcode, like DE1 2FS'),
  indicators: z.array(z.enum(keysOf(PRESENTING_INDICATORS))).default([]),
  whatIsHappening: text('what is happening for the family', 5000),
  hopedChange: optionalText('What the family hopes will change', 5000),
  consent: consentSchema,
  facts: referralFactsSchema.default({}),
})
export type ReferralInput = z.output<typeof referralInputSchema>

/** Dates a child's entry cannot have on the day it is received: born in the future, due too far ahead. */
export function childDateProblems(
  child: { unborn?: boolean; dateOfBirth?: string; expectedDueDate?: string },
  on: IsoDate,
): { dateOfBirth?: string; expectedDueDate?: string } {
  const latestDue = addDays(on, 42 * 7)
  if (child.unborn) {
    if (!child.expectedDueDate) return { expectedDueDate: 'Enter the expected due date' }
    if (child.expectedDueDate > latestDue) {
      return {
        expectedDueDate: `The expected due date must be no later than ${formatIsoDate(latestDue)}, 42 weeks from ${formatIsoDate(on)}`,
      }
    }
    if (child.expectedDueDate < addDays(on, -31)) {
      return {
        expectedDueDate:
          'The expected due date is more than a month ago: if the baby has been born, give their date of birth',
      }
    }
    return {}
  }
  if (!child.dateOfBirth) return { dateOfBirth: 'Enter the child’s date of birth' }
  if (child.dateOfBirth > on)
    return { dateOfBirth: `The child’s date of birth must be on or before ${formatIsoDate(on)}` }
  if (child.dateOfBirth < addDays(on, -25 * 366)) {
    return { dateOfBirth: 'The child’s date of birth must be within the last 25 years' }
  }
  return {}
}

/** Problems only the date of receipt can show: a child born in the future, a due date too far ahead. */
export function referralDateProblems(input: ReferralInput, on: IsoDate): Record<string, string> {
  const problems: Record<string, string> = {}
  input.children.forEach((child, index) => {
    for (const [field, message] of Object.entries(childDateProblems(child, on))) {
      problems[`children.${index}.${field}`] = message
    }
  })
  input.adults.forEach((adult, index) => {
    if (adult.dateOfBirth && adult.dateOfBirth > on) {
      problems[`adults.${index}.dateOfBirth`] = `A date of birth must be on or before ${formatIsoDate(on)}`
    }
  })
  if (!input.consent.familyAgreed && !input.consent.reasonWithoutConsent) {
    problems['consent.reasonWithoutConsent'] = 'Explain why you are referring without the family’s agreement'
  }
  return problems
}
