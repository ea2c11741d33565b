import { createHash, randomUUID } from 'node:crypto'
import { asc, desc, eq, sql } from 'drizzle-orm'
import type { Database, Tx } from '../db/client.ts'
import { auditEvent, authority } from '../db/schema/index.ts'
import type { Clock, RequestContext } from './context.ts'

/**
 * The audit trail: who read or changed what, when, from which request. Written in the same
 * transaction as the change it records, so a change without its event cannot commit.
 * Each authority's events form a hash chain: every event carries the hash of the one
 * before, so an edited, removed or reordered event breaks the chain and `audit verify`
 * says where.
 */

export const GENESIS_HASH = '0'.repeat(64)

/** What was done. Reads are audited as well as changes. */
export type AuditAction =
  | 'view'
  | 'list'
  | 'create'
  | 'update'
  | 'delete'
  | 'deactivate'
  | 'reactivate'
  | 'revoke'
  | 'sign-in'
  | 'sign-in-failed'
  | 'sign-out'
  | 'account-locked'
  | 'password-set'
  | 'password-link-issued'
  | 'decide'
  | 'link'
  | 'allocate'
  | 'transition'
  | 'export'
  | 'withdraw'
  | 'agree'
  | 'sign-off'

export interface AuditInput {
  action: AuditAction
  recordType: string
  recordId?: string
  /** Ids and codes only: never names, notes or anything typed about a person. */
  details?: Record<string, string | number | boolean | null>
}

type EventFields = Omit<typeof auditEvent.$inferSelect, 'hash'>

/** JSON with keys sorted at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export function hashEvent(event: EventFields): string {
  const body = canonicalJson([
    event.authorityId,
    event.seq,
    event.id,
    event.occurredAt.toISOString(),
    event.actorType,
    event.actorId,
    event.action,
    event.recordType,
    event.recordId,
    event.requestId,
    event.details,
  ])
  return createHash('sha256').update(`${event.prevHash}\n${body}`).digest('hex')
}

// Two-key advisory lock: (this constant, the authority) — one chain head per authority.
const AUDIT_LOCK_SPACE = 72_490_002

export function createAuditLog(clock: Clock) {
  return {
    /** Appends one event to the authority's chain, inside the caller's transaction. */
    async record(tx: Tx, ctx: RequestContext, input: AuditInput): Promise<void> {
      const authorityId = ctx.actor.authorityId
      // Serialise appends per authority until this transaction ends, so two concurrent
      // requests cannot both extend the chain from the same event.
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_SPACE}, hashtext(${authorityId}))`)
      const [last] = await tx
        .select({ seq: auditEvent.seq, hash: auditEvent.hash })
        .from(auditEvent)
        .where(eq(auditEvent.authorityId, authorityId))
        .orderBy(desc(auditEvent.seq))
        .limit(1)
      const event: EventFields = {
        authorityId,
        seq: (last?.seq ?? 0) + 1,
        id: randomUUID(),
        occurredAt: clock(),
        actorType: ctx.actor.type,
        actorId: ctx.actor.userId ?? null,
        action: input.action,
        recordType: input.recordType,
        recordId: input.recordId ?? null,
        requestId: ctx.requestId ?? null,
        details: { ...(ctx.actor.tokenId ? { tokenId: ctx.actor.tokenId } : {}), ...(input.details ?? {}) },
        prevHash: last?.hash ?? GENESIS_HASH,
      }
      await tx.insert(auditEvent).values({ ...event, hash: hashEvent(event) })
    },

    /** The most recent events first, for an administrator or an auditor. */
    async recent(tx: Tx, limit = 50) {
      return tx.select().from(auditEvent).orderBy(desc(auditEvent.seq)).limit(limit)
    },
  }
}

export type AuditLog = ReturnType<typeof createAuditLog>

export interface ChainProblem {
  authorityId: string
  seq: number
  problem: string
}

export interface ChainReport {
  authorities: number
  events: number
  problems: ChainProblem[]
}

/**
 * Walks every authority's chain from the first event: each event must follow the one
 * before (no gap in seq), point at its hash, and hash to what it says. An operator
 * command: it reads as the owner, across authorities.
 */
export async function verifyAuditChain(database: Database, pageSize = 5000): Promise<ChainReport> {
  const report: ChainReport = { authorities: 0, events: 0, problems: [] }
  const authorities = await database.asOwner((tx) => tx.select({ id: authority.id }).from(authority))
  for (const { id: authorityId } of authorities) {
    report.authorities++
    let expectedSeq = 1
    let prevHash = GENESIS_HASH
    for (;;) {
      const page = await database.asOwner((tx) =>
        tx
          .select()
          .from(auditEvent)
          .where(sql`${auditEvent.authorityId} = ${authorityId} AND ${auditEvent.seq} >= ${expectedSeq}`)
          .orderBy(asc(auditEvent.seq))
          .limit(pageSize),
      )
      for (const event of page) {
        report.events++
        const problem =
          event.seq !== expectedSeq
            ? `expected event ${expectedSeq} but found ${event.seq}: events are missing`
            : event.prevHash !== prevHash
              ? 'does not point at the hash of the event before it'
              : hashEvent(event) !== event.hash
                ? 'its contents do not match its hash: it was changed after it was written'
                : undefined
        if (problem) report.problems.push({ authorityId, seq: event.seq, problem })
        expectedSeq = event.seq + 1
        prevHash = event.hash
      }
      if (page.length < pageSize) break
    }
  }
  return report
}
