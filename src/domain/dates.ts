import { TZDate } from '@date-fns/tz'
import { format } from 'date-fns'

export const LONDON = 'Europe/London'

/** 5 January 2026 */
export function formatDate(date: Date): string {
  return format(new TZDate(date, LONDON), 'd MMMM yyyy')
}

/** 5 January 2026 at 2:05pm */
export function formatDateTime(date: Date): string {
  return format(new TZDate(date, LONDON), "d MMMM yyyy 'at' h:mmaaa")
}
