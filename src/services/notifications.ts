import { and, asc, eq, sql } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { queryRows } from '../db/client.ts'
import { notification } from '../db/schema/index.ts'
import type { Logger } from '../logger.ts'
import { composeMessage, type NotificationKind } from '../notify/messages.ts'
import { EmailNotSetUpError, type Notifier } from '../notify/notifier.ts'
import type { AuditLog } from './audit.ts'
import type { Clock, RequestContext } from './context.ts'
import { NotFoundError } from './errors.ts'

/** Minutes to wait after each failed attempt; after the last, the message is marked failed. */
export const RETRY_MINUTES = [1, 5, 15, 60, 360, 1440]
/** While one process sends a message, others leave it alone for this long. */
const LEASE_MINUTES = 10

export const NOTIFICATION_STATUSES = {
  pending: 'Waiting to send',
  sent: 'Sent',
  failed: 'Not sent',
} as const

/** An error message without any email address in it, safe to store and show. */
export function withoutAddresses(message: string): string {
  return message.replace(/[^\s<>"'@]+@[^\s<>"']+/g, '[address]').slice(0, 500)
}

interface Claimed {
  authority_id: string
  id: string
  kind: NotificationKind
  to_address: string
  personalisation: Record<string, string>
  attempts: number
}

export function createNotificationService(
  database: Database,
  audit: AuditLog,
  clock: Clock,
  notifier: Notifier,
  logger?: Logger,
) {
  return {
    notifier,

    /**
     * Sends what is due, across every authority. Claims each message in a short transaction,
     * sends outside any transaction, then records what happened. Safe to run in several processes.
     */
    async deliverDue(limit = 20): Promise<{ sent: number; failed: number; waiting: number }> {
      const now = clock()
      const claimed = await database.asOwner((tx) =>
        queryRows<Claimed>(
          tx,
          sql`UPDATE notification SET next_attempt_at = ${new Date(now.getTime() + LEASE_MINUTES * 60_000)}
              WHERE (authority_id, id) IN (
                SELECT authority_id, id FROM notification
                WHERE status = 'pending' AND next_attempt_at <= ${now}
                ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
              RETURNING authority_id, id, kind, to_address, personalisation, attempts`,
        ),
      )
      const result = { sent: 0, failed: 0, waiting: 0 }
      for (const message of claimed) {
        const { subject, body } = composeMessage(message.kind, message.personalisation)
        try {
          await notifier.send({ to: message.to_address, subject, body, reference: message.id })
          await database.asOwner((tx) =>
            tx
              .update(notification)
              .set({ status: 'sent', sentAt: clock(), attempts: message.attempts + 1, lastError: null })
              .where(and(eq(notification.authorityId, message.authority_id), eq(notification.id, message.id))),
          )
          result.sent += 1
        } catch (error) {
          const notSetUp = error instanceof EmailNotSetUpError
          const attempts = notSetUp ? message.attempts : message.attempts + 1
          const giveUp = attempts >= RETRY_MINUTES.length
          const wait = notSetUp ? 60 : (RETRY_MINUTES[attempts - 1] ?? 60)
          await database.asOwner((tx) =>
            tx
              .update(notification)
              .set({
                status: giveUp ? 'failed' : 'pending',
                attempts,
                lastError: withoutAddresses(error instanceof Error ? error.message : String(error)),
                nextAttemptAt: new Date(clock().getTime() + wait * 60_000),
              })
              .where(and(eq(notification.authorityId, message.authority_id), eq(notification.id, message.id))),
          )
          if (giveUp) result.failed += 1
          else result.waiting += 1
          if (!notSetUp)
            logger?.warn({ notification: message.id, attempts }, 'email not sent; will retry unless given up')
        }
      }
      return result
    },

    /** The messages about one referral, for the manager to see what was sent and what was not. */
    async forReferral(ctx: RequestContext, referralId: string) {
      return database.withTenant(ctx.actor.authorityId, (tx) =>
        tx
          .select({
            id: notification.id,
            kind: notification.kind,
            status: notification.status,
            attempts: notification.attempts,
            lastError: notification.lastError,
            sentAt: notification.sentAt,
            createdAt: notification.createdAt,
          })
          .from(notification)
          .where(and(eq(notification.authorityId, ctx.actor.authorityId), eq(notification.referralId, referralId)))
          .orderBy(asc(notification.createdAt)),
      )
    },

    /** Tries a failed message again now. Audited: it is a change a manager makes. */
    async retry(ctx: RequestContext, id: string) {
      await database.withTenant(ctx.actor.authorityId, async (tx) => {
        const updated = await tx
          .update(notification)
          .set({ status: 'pending', attempts: 0, nextAttemptAt: clock() })
          .where(
            and(
              eq(notification.authorityId, ctx.actor.authorityId),
              eq(notification.id, id),
              sql`${notification.status} <> 'sent'`,
            ),
          )
          .returning({ id: notification.id })
        if (updated.length === 0) throw new NotFoundError('Message')
        await audit.record(tx, ctx, {
          action: 'update',
          recordType: 'notification',
          recordId: id,
          details: { retry: true },
        })
      })
    },
  }
}

export type NotificationService = ReturnType<typeof createNotificationService>
