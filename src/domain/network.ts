/**
 * The family's people and network, how they are connected, and what each has consented to
 * (../shared/domain/practice.md: consent per person, per purpose, per agency).
 */

export const NETWORK_ROLES = {
  child: 'Child',
  unborn: 'Unborn baby',
  parent: 'Parent',
  carer: 'Carer',
  'wider-family': 'Wider family',
  friend: 'Friend or supporter',
  professional: 'Professional',
} as const
export type NetworkRole = keyof typeof NETWORK_ROLES

/** Genogram lines (family ties) and ecomap lines (the strength of a tie to a person or service). */
export const RELATIONSHIP_KINDS = {
  parent: 'is a parent of',
  partners: 'are partners',
  separated: 'are separated',
  siblings: 'are siblings',
  close: 'are close',
  conflicted: 'are in conflict',
  distant: 'are distant',
  'strong-support': 'strong support',
  'weak-support': 'weak support',
  stressful: 'stressful tie',
} as const
export type RelationshipKind = keyof typeof RELATIONSHIP_KINDS

export const CONSENT_PURPOSES = {
  assessment: 'Assessment and support',
  sharing: 'Sharing information',
  'onward-referral': 'Referral to another agency',
  evaluation: 'National evaluation',
} as const
export type ConsentPurpose = keyof typeof CONSENT_PURPOSES

export const CONSENT_HOW = {
  written: 'In writing',
  verbal: 'Verbally',
  electronic: 'Electronically (email or online form)',
} as const
export type ConsentHow = keyof typeof CONSENT_HOW

/** When information may be shared without consent (../shared/domain/practice.md). */
export const LAWFUL_REASONS = {
  'significant-harm': 'Risk of significant harm to a child',
  'legal-duty': 'A legal duty or court order',
  'serious-crime': 'To prevent or detect a serious crime',
  'vital-interests': "To protect someone's life (vital interests)",
} as const
export type LawfulReason = keyof typeof LAWFUL_REASONS
