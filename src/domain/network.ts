import { completedYears, formatIsoDate, type IsoDate } from './isoDate.ts'

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

/*
 * ───────────── Pure rules: who must consent, what is missing, the genogram's layout ─────────────
 */

/** A person on the case, as the rules below need them. */
export interface NetworkPerson {
  personId: string
  givenName: string
  familyName: string
  /** A NETWORK_ROLES key, or 'adult' for a parent or carer who arrived with the referral. */
  role: string
  dateOfBirth?: IsoDate | null
  expectedDueDate?: IsoDate | null
  /** How they are related to the children, in the family's words. */
  relationship?: string | null
  agency?: string | null
  professionalRole?: string | null
}

export interface NetworkRelationship {
  id: string
  fromPersonId: string
  toPersonId: string
  kind: string
  note?: string | null
}

export interface NetworkConsent {
  id: string
  personId: string
  purpose: string
  /** The agency it applies to; null or blank for this service. */
  agency: string | null
  decision: string
  decidedOn: IsoDate
  withdrawnOn?: IsoDate | null
}

export function isNetworkRole(value: string): value is NetworkRole {
  return Object.hasOwn(NETWORK_ROLES, value)
}
export function isRelationshipKind(value: string): value is RelationshipKind {
  return Object.hasOwn(RELATIONSHIP_KINDS, value)
}
export function isConsentPurpose(value: string): value is ConsentPurpose {
  return Object.hasOwn(CONSENT_PURPOSES, value)
}
export function isConsentHow(value: string): value is ConsentHow {
  return Object.hasOwn(CONSENT_HOW, value)
}
export function isLawfulReason(value: string): value is LawfulReason {
  return Object.hasOwn(LAWFUL_REASONS, value)
}

/** The age at which a young person consents for themselves (../shared/domain/practice.md). */
export const CONSENT_AGE = 16

/** Parents and carers; 'adult' is how a referral names a parent or carer. */
const PARENT_ROLES = new Set(['parent', 'carer', 'adult'])

export function roleName(role: string): string {
  if (role === 'adult') return 'Parent or carer'
  return isNetworkRole(role) ? NETWORK_ROLES[role] : role
}

/** The groups the People page shows, in order. */
export const NETWORK_GROUPS = {
  children: 'Children',
  parents: 'Parents and carers',
  wider: 'Wider family and friends',
  professionals: 'Professionals',
} as const
export type NetworkGroup = keyof typeof NETWORK_GROUPS

export function groupOf(role: string): NetworkGroup {
  if (role === 'child' || role === 'unborn') return 'children'
  if (PARENT_ROLES.has(role)) return 'parents'
  if (role === 'professional') return 'professionals'
  return 'wider'
}

/** A person's age in whole years on `on`, if they are born and we know when. */
export function ageOn(person: Pick<NetworkPerson, 'role' | 'dateOfBirth'>, on: IsoDate): number | undefined {
  if (person.role === 'unborn' || !person.dateOfBirth || person.dateOfBirth > on) return undefined
  return completedYears(person.dateOfBirth, on)
}

/**
 * Who must give consent for themselves on `on`: each parent and carer, and each child aged 16 or over.
 * (Competent younger children can consent too; a worker records that, but Hearth does not demand it.)
 */
export function mustConsent(person: Pick<NetworkPerson, 'role' | 'dateOfBirth'>, on: IsoDate): boolean {
  if (PARENT_ROLES.has(person.role)) return true
  if (person.role !== 'child') return false
  const age = ageOn(person, on)
  return age !== undefined && age >= CONSENT_AGE
}

/** Consent given, in force on `on` (decided by then, not withdrawn by then). */
export function isCurrentConsent(consent: NetworkConsent, on: IsoDate): boolean {
  return consent.decision === 'given' && consent.decidedOn <= on && (!consent.withdrawnOn || consent.withdrawnOn > on)
}

/** The consent's status in words, for the consent table. */
export function consentStatus(consent: NetworkConsent, on: IsoDate): 'given' | 'refused' | 'withdrawn' | 'future' {
  if (consent.decision !== 'given') return 'refused'
  if (consent.withdrawnOn && consent.withdrawnOn <= on) return 'withdrawn'
  if (consent.decidedOn > on) return 'future'
  return 'given'
}

const sameAgency = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase()

export interface ConsentGap {
  personId: string
  purpose: ConsentPurpose
}

/**
 * Work going on without a needed consent: everyone who must consent (see `mustConsent`) with no
 * current consent to the assessment and support itself. Only consent recorded for this service
 * (agency left blank) counts: consent to another agency's assessment is not consent to ours.
 */
export function consentGaps(people: NetworkPerson[], consents: NetworkConsent[], on: IsoDate): ConsentGap[] {
  return people
    .filter((p) => mustConsent(p, on))
    .filter(
      (p) =>
        !consents.some(
          (c) =>
            c.personId === p.personId && c.purpose === 'assessment' && !c.agency?.trim() && isCurrentConsent(c, on),
        ),
    )
    .map((p) => ({ personId: p.personId, purpose: 'assessment' as const }))
}

/**
 * Whose consent sharing information about `aboutIds` with `agency` needs: each person it is
 * about who consents for themselves, and, for a child who does not (under 16, or unborn), each
 * parent and carer on the case.
 */
export function sharingConsentNeededFrom(people: NetworkPerson[], aboutIds: string[], on: IsoDate): NetworkPerson[] {
  const about = people.filter((p) => aboutIds.includes(p.personId))
  const needed = new Map<string, NetworkPerson>()
  for (const p of about) {
    if (mustConsent(p, on)) needed.set(p.personId, p)
    else if (p.role === 'child' || p.role === 'unborn') {
      for (const parent of people.filter((q) => PARENT_ROLES.has(q.role))) needed.set(parent.personId, parent)
    }
  }
  return [...needed.values()]
}

/**
 * The people whose consent to share with `agency` is missing. A sharing consent with the agency
 * left blank is consent to share with any agency involved with the family; one that names an
 * agency covers only that agency (compared ignoring case and spaces at the ends).
 */
export function sharingGaps(
  people: NetworkPerson[],
  consents: NetworkConsent[],
  aboutIds: string[],
  agency: string,
  on: IsoDate,
): NetworkPerson[] {
  return sharingConsentNeededFrom(people, aboutIds, on).filter(
    (p) =>
      !consents.some(
        (c) =>
          c.personId === p.personId &&
          c.purpose === 'sharing' &&
          (!c.agency?.trim() || sameAgency(c.agency, agency)) &&
          isCurrentConsent(c, on),
      ),
  )
}

export const fullName = (p: Pick<NetworkPerson, 'givenName' | 'familyName'>) => `${p.givenName} ${p.familyName}`.trim()

/** "Dana Novak is a parent of Casey Novak": one relationship as a sentence, for the text alternative. */
export function describeRelationship(
  relationship: NetworkRelationship,
  people: Map<string, Pick<NetworkPerson, 'givenName' | 'familyName'>>,
): string {
  const from = people.get(relationship.fromPersonId)
  const to = people.get(relationship.toPersonId)
  const a = from ? fullName(from) : 'Someone no longer on the case'
  const b = to ? fullName(to) : 'someone no longer on the case'
  switch (relationship.kind) {
    case 'parent':
      return `${a} is a parent of ${b}`
    case 'strong-support':
      return `${a} gives strong support to ${b}`
    case 'weak-support':
      return `${a} gives some (weak) support to ${b}`
    case 'stressful':
      return `${a} has a stressful relationship with ${b}`
    default: {
      const words = isRelationshipKind(relationship.kind) ? RELATIONSHIP_KINDS[relationship.kind] : relationship.kind
      return `${a} and ${b} ${words}`
    }
  }
}

/** "Casey Novak: child, 11" — who a person is, for the text alternative. */
export function describePerson(person: NetworkPerson, on: IsoDate): string {
  const parts: string[] = [roleName(person.role).toLowerCase()]
  const age = ageOn(person, on)
  if (person.role === 'unborn' && person.expectedDueDate) parts.push(`due ${formatIsoDate(person.expectedDueDate)}`)
  else if (age !== undefined && groupOf(person.role) === 'children') parts.push(`aged ${age}`)
  if (person.relationship?.trim()) parts.push(person.relationship.trim())
  if (person.role === 'professional') {
    const job = [person.professionalRole, person.agency].filter((s) => s?.trim()).join(', ')
    if (job) parts.push(job)
  }
  return `${fullName(person)}: ${parts.join('; ')}`
}

/* ─────────────────────────── Genogram and ecomap layout ─────────────────────────── */

export interface LayoutNode {
  personId: string
  x: number
  y: number
  width: number
  height: number
  /** 0 grandparents and wider family, 1 parents and carers, 2 children; 'edge' the ecomap around them. */
  generation: 0 | 1 | 2 | 'edge'
  group: NetworkGroup
}

export interface LayoutEdge {
  id: string
  kind: string
  from: string
  to: string
  /** An SVG path from one box to the other. */
  x1: number
  y1: number
  x2: number
  y2: number
  /** Same row: the line arcs above the boxes between, through this control point. */
  curve?: { cx: number; cy: number }
}

export interface NetworkLayout {
  width: number
  height: number
  nodes: LayoutNode[]
  edges: LayoutEdge[]
}

export const BOX = { width: 180, height: 66, gapX: 30, rowGap: 70, margin: 24, sideGap: 80 } as const

/**
 * Where each person sits: the family in generations (grandparents and wider family above,
 * parents and carers in the middle, children below) and friends and professionals in columns
 * either side, as the ecomap around the family. A wider-family member who is recorded as a
 * sibling or partner of someone takes that person's generation; one who is a parent of a child
 * sits with the parents.
 */
export function layoutNetwork(people: NetworkPerson[], relationships: NetworkRelationship[]): NetworkLayout {
  const generation = new Map<string, 0 | 1 | 2 | 'edge'>()
  for (const p of people) {
    const group = groupOf(p.role)
    if (group === 'children') generation.set(p.personId, 2)
    else if (group === 'parents') generation.set(p.personId, 1)
    else if (group === 'professionals' || p.role === 'friend') generation.set(p.personId, 'edge')
    else generation.set(p.personId, 0)
  }
  for (const p of people.filter((q) => q.role === 'wider-family')) {
    for (const r of relationships) {
      const other = r.fromPersonId === p.personId ? r.toPersonId : r.toPersonId === p.personId ? r.fromPersonId : ''
      const theirs = generation.get(other)
      if (typeof theirs !== 'number') continue
      if (['siblings', 'partners', 'separated'].includes(r.kind)) generation.set(p.personId, theirs)
      else if (r.kind === 'parent' && r.fromPersonId === p.personId && theirs > 0)
        generation.set(p.personId, (theirs - 1) as 0 | 1)
      else if (r.kind === 'parent' && r.toPersonId === p.personId && theirs < 2)
        generation.set(p.personId, (theirs + 1) as 1 | 2)
    }
  }
  const rows: NetworkPerson[][] = [[], [], []]
  const edge: NetworkPerson[] = []
  for (const p of people) {
    const g = generation.get(p.personId)
    if (g === 'edge') edge.push(p)
    else rows[g as number]?.push(p)
  }
  const left = edge.filter((_, i) => i % 2 === 0)
  const right = edge.filter((_, i) => i % 2 === 1)
  const widest = Math.max(1, ...rows.map((r) => r.length))
  const familyWidth = widest * BOX.width + (widest - 1) * BOX.gapX
  const familyX = BOX.margin + (left.length ? BOX.width + BOX.sideGap : 0)
  const usedRows = rows.map((r, i) => (r.length ? i : -1)).filter((i) => i >= 0)
  const rowY = new Map<number, number>()
  usedRows.forEach((row, index) => {
    rowY.set(row, BOX.margin + 20 + index * (BOX.height + BOX.rowGap))
  })
  const nodes: LayoutNode[] = []
  rows.forEach((row, g) => {
    const width = row.length * BOX.width + (row.length - 1) * BOX.gapX
    const start = familyX + (familyWidth - width) / 2
    row.forEach((p, i) => {
      nodes.push({
        personId: p.personId,
        x: start + i * (BOX.width + BOX.gapX),
        y: rowY.get(g) ?? BOX.margin,
        width: BOX.width,
        height: BOX.height,
        generation: g as 0 | 1 | 2,
        group: groupOf(p.role),
      })
    })
  })
  const sideStep = BOX.height + 24
  const column = (list: NetworkPerson[], x: number) =>
    list.forEach((p, i) => {
      nodes.push({
        personId: p.personId,
        x,
        y: BOX.margin + 20 + i * sideStep,
        width: BOX.width,
        height: BOX.height,
        generation: 'edge',
        group: groupOf(p.role),
      })
    })
  column(left, BOX.margin)
  column(right, familyX + familyWidth + BOX.sideGap)
  const familyHeight = usedRows.length * BOX.height + Math.max(0, usedRows.length - 1) * BOX.rowGap
  const sideHeight = Math.max(left.length, right.length) * sideStep
  const width = familyX + familyWidth + (right.length ? BOX.sideGap + BOX.width : 0) + BOX.margin
  const height = BOX.margin * 2 + 20 + Math.max(familyHeight, sideHeight, BOX.height)

  const at = new Map(nodes.map((n) => [n.personId, n]))
  const edges: LayoutEdge[] = []
  for (const r of relationships) {
    const a = at.get(r.fromPersonId)
    const b = at.get(r.toPersonId)
    if (!a || !b || a === b) continue
    edges.push({ id: r.id, kind: r.kind, from: r.fromPersonId, to: r.toPersonId, ...connect(a, b) })
  }
  return { width, height, nodes, edges }
}

/** A line between two boxes: bottom to top across rows, side to side along a row (arcing over boxes between). */
function connect(a: LayoutNode, b: LayoutNode): Omit<LayoutEdge, 'id' | 'kind' | 'from' | 'to'> {
  const ca = { x: a.x + a.width / 2, y: a.y + a.height / 2 }
  const cb = { x: b.x + b.width / 2, y: b.y + b.height / 2 }
  if (a.generation !== 'edge' && b.generation !== 'edge' && a.y === b.y) {
    const [l, r] = a.x < b.x ? [a, b] : [b, a]
    const adjacent = r.x - (l.x + l.width) <= BOX.gapX + 1
    const x1 = a === l ? a.x + a.width : a.x
    const x2 = b === l ? b.x + b.width : b.x
    if (adjacent) return { x1, y1: ca.y, x2, y2: cb.y }
    // Over the boxes between: from the top of one to the top of the other, arching above the row.
    return {
      x1: ca.x,
      y1: a.y,
      x2: cb.x,
      y2: b.y,
      curve: { cx: (ca.x + cb.x) / 2, cy: Math.max(4, a.y - BOX.rowGap * 0.9) },
    }
  }
  if (a.generation === 'edge' || b.generation === 'edge') {
    const sx = (n: LayoutNode, towards: number) => (towards > n.x + n.width / 2 ? n.x + n.width : n.x)
    return { x1: sx(a, cb.x), y1: ca.y, x2: sx(b, ca.x), y2: cb.y }
  }
  const [upper, lower] = a.y < b.y ? [a, b] : [b, a]
  const top = { x: upper.x + upper.width / 2, y: upper.y + upper.height }
  const bottom = { x: lower.x + lower.width / 2, y: lower.y }
  if (Math.abs((a.generation as number) - (b.generation as number)) > 1) {
    // Across a generation (grandparent to grandchild): bow out to the side, clear of the row between.
    const [from, to] = a === upper ? [top, bottom] : [bottom, top]
    const side = from.x <= to.x ? -1 : 1
    return {
      x1: from.x,
      y1: from.y,
      x2: to.x,
      y2: to.y,
      curve: { cx: (from.x + to.x) / 2 + side * BOX.width * 1.6, cy: (from.y + to.y) / 2 },
    }
  }
  return a === upper
    ? { x1: top.x, y1: top.y, x2: bottom.x, y2: bottom.y }
    : { x1: bottom.x, y1: bottom.y, x2: top.x, y2: top.y }
}
