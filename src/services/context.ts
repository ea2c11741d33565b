import type { Role } from '../domain/access.ts'

export type Clock = () => Date

/** Who is acting. Every use case that reads or changes tenant data receives one. */
export interface Actor {
  /** 'public': someone without an account, such as a parent using the referral form. */
  type: 'user' | 'token' | 'cli' | 'system' | 'public'
  authorityId: string
  /** The person: the signed-in user, or the token's owner. */
  userId?: string
  role?: Role
  /** The API token's id when type is 'token'. */
  tokenId?: string
}

export interface RequestContext {
  actor: Actor
  /** The request id, carried into audit events and logs. */
  requestId?: string
}

/** Who recorded something when no person did (the command line, say): a fixed id, never a user's. */
export const SYSTEM_USER = '00000000-0000-0000-0000-000000000000'

/** The person to name as having recorded or changed something. */
export function recorderOf(ctx: RequestContext): string {
  return ctx.actor.userId ?? SYSTEM_USER
}
