/**
 * Roles and what each may do. Every route names one permission (or 'public'); a role has a
 * permission only if it is listed here. Deny by default.
 */

export const ROLES = ['administrator', 'team_manager', 'practitioner', 'social_worker', 'commissioner'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, string> = {
  administrator: 'Administrator',
  team_manager: 'Team manager',
  practitioner: 'Practitioner',
  social_worker: 'Social worker (partner)',
  commissioner: 'Commissioner',
}

export const ROLE_HINTS: Record<Role, string> = {
  administrator: 'Manages users, teams and settings for the authority.',
  team_manager: "Screens referrals, allocates key workers and signs off the team's work.",
  practitioner: 'Key worker: visits, assessments, plans and reviews with families.',
  social_worker: 'Sees and contributes to the cases they lead, from a partner team.',
  commissioner: 'Sees aggregate figures only, never personal data.',
}

export const PERMISSIONS = {
  'home:view': 'See the home page',
  'account:manage': 'Manage your own account and API tokens',
  'users:manage': 'Create and change user accounts',
  'teams:manage': 'Create and change teams',
  'services:view': 'See the services and check which one fits a family',
  'programmes:manage': "Choose the authority's services and change its working-day calendar",
  'referrals:create': 'Refer a family from inside Hearth',
  'referrals:manage': 'Screen referrals, match people, hold case discussions and decide',
  'cases:work': 'See and work on the cases you hold or lead: contacts, chronology, people and consent',
  'cases:manage': "Allocate cases, see the team's cases and work, and read a case's access log",
} as const
export type Permission = keyof typeof PERMISSIONS

/** What a route needs: a permission, or nothing at all ('public'). */
export type Access = Permission | 'public'

const EVERYONE: Permission[] = ['home:view', 'account:manage', 'services:view']

const GRANTS: Record<Role, readonly Permission[]> = {
  administrator: [...EVERYONE, 'users:manage', 'teams:manage', 'programmes:manage'],
  team_manager: [...EVERYONE, 'referrals:create', 'referrals:manage', 'cases:work', 'cases:manage'],
  practitioner: [...EVERYONE, 'cases:work'],
  social_worker: [...EVERYONE, 'referrals:create', 'cases:work'],
  commissioner: EVERYONE,
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission)
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}

/** Accepts the role as stored (team_manager), hyphenated (team-manager) or as its label. */
export function parseRole(value: string): Role | undefined {
  const normalised = value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
  if (isRole(normalised)) return normalised
  return ROLES.find((r) => ROLE_LABELS[r].toLowerCase() === value.trim().toLowerCase())
}

/** Who holds a case, for deciding who may open it. */
export interface CaseHolders {
  teamId: string | null
  keyWorkerId: string | null
  coWorkerId: string | null
  socialWorkerUserId: string | null
}

/**
 * Which cases a person may open. Managers see every case in their authority; a key worker
 * sees the cases they hold and those of their own team (to cover for a colleague); a partner
 * social worker sees only the cases they lead. Everyone else sees none.
 */
export function canSeeCase(user: { id: string; role: Role; teamId: string | null }, holders: CaseHolders): boolean {
  switch (user.role) {
    case 'team_manager':
      return true
    case 'practitioner':
      return (
        holders.keyWorkerId === user.id ||
        holders.coWorkerId === user.id ||
        (user.teamId !== null && holders.teamId === user.teamId)
      )
    case 'social_worker':
      return holders.socialWorkerUserId === user.id || holders.keyWorkerId === user.id || holders.coWorkerId === user.id
    default:
      return false
  }
}
