import { type IsoDate, isIsoDate } from '../domain/isoDate.ts'

/**
 * A GOV.UK date input (`name-day`, `name-month`, `name-year`) read into a date, with the
 * Design System's error messages. `label` is what the date is, like "the child's date of birth".
 */
export type DateInputResult = { ok: true; value?: IsoDate } | { ok: false; message: string }

export function readDateInput(
  body: Record<string, unknown>,
  name: string,
  label: string,
  required = false,
): DateInputResult {
  const part = (p: string) => {
    const value = body[`${name}-${p}`]
    return (typeof value === 'string' ? value : '').trim()
  }
  const [day, month, year] = [part('day'), part('month'), part('year')]
  const Label = `${label[0]?.toUpperCase()}${label.slice(1)}`
  if (!day && !month && !year) return required ? { ok: false, message: `Enter ${label}` } : { ok: true }
  const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean)
  if (missing.length > 0) return { ok: false, message: `${Label} must include a ${missing.join(' and ')}` }
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
    return { ok: false, message: `${Label} must be a real date` }
  }
  const value = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
  if (!isIsoDate(value)) return { ok: false, message: `${Label} must be a real date` }
  return { ok: true, value }
}

/** The three parts of a stored date, to show it again in a date input. */
export function dateInputParts(value: IsoDate | undefined): { day: string; month: string; year: string } {
  if (!value) return { day: '', month: '', year: '' }
  const [year, month, day] = value.split('-')
  return { day: String(Number(day)), month: String(Number(month)), year: year as string }
}
