import type { z } from 'zod'
import type { referralInputSchema } from '../../services/referralInput.ts'

/** A referral as it is being written, one page at a time. Strings as typed, until sent. */
export interface ReferralDraft {
  referrerType?: 'professional' | 'parent'
  referrer?: { name?: string; organisation?: string; role?: string; email?: string; phone?: string }
  /** A programme id, or 'not-sure'. */
  programmeId?: string
  children: DraftChild[]
  adults: DraftAdult[]
  address?: string
  postcode?: string
  indicators: string[]
  whatIsHappening?: string
  hopedChange?: string
  consent?: { familyAgreed?: boolean; sharingAgreed?: boolean; givenBy?: string; reasonWithoutConsent?: string }
  /** Inside Hearth only: what the referrer knows for screening. */
  facts?: {
    safeguardingLevel?: number
    socialWorkerAllocated?: boolean
    childInNeedStepDown?: boolean
    previousRemovals?: number
    youngPersonHomeless?: boolean
  }
}

export interface DraftChild {
  givenName: string
  familyName: string
  unborn: boolean
  dateOfBirth?: string
  expectedDueDate?: string
  nhsNumber?: string
}

export interface DraftAdult {
  givenName: string
  familyName: string
  relationship: string
  dateOfBirth?: string
  nhsNumber?: string
}

export const emptyDraft = (): ReferralDraft => ({ children: [], adults: [], indicators: [] })

/** The draft as the referral schema reads it. */
export function draftAsInput(draft: ReferralDraft): z.input<typeof referralInputSchema> {
  return {
    programmeId: draft.programmeId && draft.programmeId !== 'not-sure' ? draft.programmeId : undefined,
    referrer: { type: draft.referrerType ?? 'professional', ...(draft.referrer ?? {}) } as z.input<
      typeof referralInputSchema
    >['referrer'],
    children: draft.children,
    adults: draft.adults,
    address: draft.address,
    postcode: draft.postcode,
    indicators: draft.indicators as z.input<typeof referralInputSchema>['indicators'],
    whatIsHappening: draft.whatIsHappening ?? '',
    hopedChange: draft.hopedChange,
    consent: (draft.consent ?? {}) as z.input<typeof referralInputSchema>['consent'],
    facts: draft.facts ?? {},
  }
}

/** Which page a problem with a field of the referral belongs to, to send the referrer back there. */
export function pageForField(field: string): string {
  if (field.startsWith('referrer')) return 'about-you'
  if (field.startsWith('programmeId')) return 'service'
  const child = /^children\.(\d+)/.exec(field)
  if (child) return `child/${child[1]}`
  if (field.startsWith('children')) return 'children'
  const adult = /^adults\.(\d+)/.exec(field)
  if (adult) return `adult/${adult[1]}`
  if (field.startsWith('address') || field.startsWith('postcode')) return 'address'
  if (field.startsWith('indicators') || field.startsWith('whatIsHappening')) return 'happening'
  if (field.startsWith('hopedChange')) return 'hopes'
  if (field.startsWith('consent')) return 'consent'
  if (field.startsWith('facts')) return 'facts'
  return 'check'
}
