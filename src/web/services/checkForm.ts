import { impossibleFacts, type ScreeningFacts } from '../../domain/eligibility.ts'
import { type IsoDate, isIsoDate, isoDate } from '../../domain/isoDate.ts'
import { PRESENTING_INDICATORS } from '../../domain/programme/vocabulary.ts'
import { readDateInput } from '../dateInput.ts'
import { type FormBody, type FormErrors, formErrors, yesNo } from '../forms.ts'

/**
 * The "check which service fits" form: a handful of facts, any of which may be left as not
 * known. Each child is an age in years or a date of birth, in one box.
 */

export const CHILD_FIELDS = ['child1', 'child2', 'child3', 'child4'] as const

type Body = FormBody
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim() ?? ''
const many = (value: string | string[] | undefined) => (Array.isArray(value) ? value : value ? [value] : [])

/** "9", "27/3/2012", "27 3 2012", "27-03-2012" or "2012-03-27". */
export function parseChild(text: string): { age: number } | { dateOfBirth: IsoDate } | 'invalid' {
  if (/^\d{1,2}$/.test(text)) return { age: Number(text) }
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text)
  const british = /^(\d{1,2})[\s/.-]+(\d{1,2})[\s/.-]+(\d{4})$/.exec(text)
  const [year, month, day] = iso
    ? [iso[1], iso[2], iso[3]]
    : british
      ? [british[3], british[2], british[1]]
      : [undefined, undefined, undefined]
  if (!year) return 'invalid'
  const candidate = isoDate(Number(year), Number(month), Number(day))
  const written = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
  return isIsoDate(written) && candidate === written ? { dateOfBirth: written } : 'invalid'
}

export type CheckFormResult = { ok: true; facts: ScreeningFacts } | { ok: false; errors: FormErrors }

/** Reads the form; `on` is the referral date, so that impossible facts are reported with the rest. */
export function parseCheckForm(body: Body, on: IsoDate): CheckFormResult {
  const fields: Record<string, string> = {}
  const children: ScreeningFacts['children'] = []
  const boxOfChild: string[] = []
  CHILD_FIELDS.forEach((name, index) => {
    const text = one(body[name])
    if (!text) return
    const child = parseChild(text)
    if (child === 'invalid') {
      fields[name] = `Enter child ${index + 1}'s age in years, like 9, or date of birth, like 27 3 2012`
    } else if ('age' in child && child.age > 25) {
      fields[name] = `Enter child ${index + 1}'s age as a number from 0 to 25`
    } else {
      children.push(child)
      boxOfChild.push(name)
    }
  })

  const expecting = one(body.expecting)
  let expectedDeliveryDate: IsoDate | undefined
  const due = readDateInput(body, 'dueDate', 'the expected date of delivery')
  if (expecting === 'no' && (!due.ok || due.value)) {
    fields['dueDate-day'] = 'Leave the expected date of delivery blank if no one is expecting a baby'
  } else if (!due.ok) fields['dueDate-day'] = due.message
  else expectedDeliveryDate = due.value

  const removalsText = one(body.previousRemovals)
  let previousRemovals: number | undefined
  if (removalsText) {
    if (!/^-?\d+$/.test(removalsText))
      fields.previousRemovals = 'Enter the number of children removed as a whole number, like 1'
    else if (Number(removalsText) < 0) fields.previousRemovals = 'The number of children removed cannot be negative'
    else if (Number(removalsText) > 20) fields.previousRemovals = 'The number of children removed must be 20 or fewer'
    else previousRemovals = Number(removalsText)
  }

  const level = one(body.level)
  const indicators = many(body.indicators).filter(
    (i): i is keyof typeof PRESENTING_INDICATORS => i in PRESENTING_INDICATORS,
  )

  const facts: ScreeningFacts = {
    children,
    ...(expecting === 'no'
      ? { expectingBaby: false }
      : expecting === 'yes' || expectedDeliveryDate
        ? { expectingBaby: true }
        : {}),
    ...(expectedDeliveryDate ? { expectedDeliveryDate } : {}),
    ...(previousRemovals !== undefined ? { previousRemovals } : {}),
    ...(['1', '2', '3', '4'].includes(level) ? { safeguardingLevel: Number(level) } : {}),
    indicators,
    ...optionalFlag('youngPersonHomeless', yesNo(one(body.homeless))),
    ...optionalFlag('socialWorkerAllocated', yesNo(one(body.socialWorker))),
    ...optionalFlag('childInNeedStepDown', yesNo(one(body.stepDown))),
  }
  for (const problem of impossibleFacts(facts, on)) {
    // A child with neither age nor date of birth cannot come from this form: each box is one or the other.
    const field = problem.path[0] === 'children' ? boxOfChild[Number(problem.path[1])] : undefined
    fields[field ?? fieldForFact(['facts', ...problem.path].join('.'))] ??= problem.message
  }
  if (Object.keys(fields).length > 0) return { ok: false, errors: formErrors(orderedLikeTheForm(fields)) }
  return { ok: true, facts }
}

const FORM_ORDER = [...CHILD_FIELDS, 'dueDate-day', 'previousRemovals']
/** The error summary lists problems in the order the fields are on the page. */
function orderedLikeTheForm(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => FORM_ORDER.indexOf(a) - FORM_ORDER.indexOf(b)))
}

function optionalFlag<K extends string>(key: K, value: boolean | undefined): Partial<Record<K, boolean>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, boolean>)
}

/** Where on the form a problem with a fact belongs (from the domain's fact paths). */
export function fieldForFact(path: string): string {
  const child = /^facts\.children\.(\d+)/.exec(path)
  if (child) return CHILD_FIELDS[Number(child[1])] ?? 'child1'
  if (path.startsWith('facts.expectedDeliveryDate')) return 'dueDate-day'
  return path.replace(/^facts\./, '')
}
