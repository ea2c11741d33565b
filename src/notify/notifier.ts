import { createHmac, randomUUID } from 'node:crypto'
import nodemailer from 'nodemailer'

/**
 * Sending email. Hearth writes each message to its notification outbox in the same
 * transaction as the change that causes it; a delivery loop sends it afterwards through a
 * Notifier, and retries on failure. No network call ever happens inside a transaction.
 */
export interface EmailMessage {
  to: string
  subject: string
  body: string
  /** Our id for the message, so a provider can tell retries apart. */
  reference: string
}

export interface Notifier {
  /** 'smtp', 'notify', or 'none' when email is not set up. */
  kind: 'smtp' | 'notify' | 'none'
  /** Resolves when the provider has accepted the message; throws if it has not. */
  send(message: EmailMessage): Promise<void>
  close?(): void
}

export class EmailNotSetUpError extends Error {
  constructor() {
    super('Email is not set up (SMTP_URL or NOTIFY_API_KEY)')
    this.name = 'EmailNotSetUpError'
  }
}

/** When neither SMTP nor Notify is configured: messages wait in the outbox, visibly unsent. */
export const noNotifier: Notifier = {
  kind: 'none',
  async send() {
    throw new EmailNotSetUpError()
  },
}

export function smtpNotifier(url: string, from: string): Notifier {
  const transport = nodemailer.createTransport(url)
  return {
    kind: 'smtp',
    async send(message) {
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.body,
        messageId: `<${message.reference}@hearth>`,
      })
    },
    close: () => transport.close(),
  }
}

/**
 * GOV.UK Notify's email API. The API key ends with the service id and the secret (two UUIDs);
 * each request carries a JSON Web Token signed with the secret.
 */
export function govukNotifyNotifier(apiKey: string, templateId: string, baseUrl: string): Notifier {
  const serviceId = apiKey.slice(-73, -37)
  const secret = apiKey.slice(-36)
  return {
    kind: 'notify',
    async send(message) {
      const response = await fetch(`${baseUrl.replace(/\/$/, '')}/v2/notifications/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${notifyToken(serviceId, secret)}` },
        body: JSON.stringify({
          email_address: message.to,
          template_id: templateId,
          personalisation: { subject: message.subject, body: message.body },
          reference: message.reference,
        }),
        signal: AbortSignal.timeout(15_000),
      })
      if (!response.ok) {
        const detail = await response.text().catch(() => '')
        throw new Error(`GOV.UK Notify answered ${response.status}: ${detail.slice(0, 200)}`)
      }
    },
  }
}

export function notifyToken(serviceId: string, secret: string, now = Date.now()): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${encode({ typ: 'JWT', alg: 'HS256' })}.${encode({ iss: serviceId, iat: Math.floor(now / 1000), jti: randomUUID() })}`
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`
}

export function notifierFromConfig(config: {
  SMTP_URL?: string
  MAIL_FROM: string
  NOTIFY_API_KEY?: string
  NOTIFY_TEMPLATE_ID?: string
  NOTIFY_BASE_URL: string
}): Notifier {
  if (config.NOTIFY_API_KEY && config.NOTIFY_TEMPLATE_ID) {
    return govukNotifyNotifier(config.NOTIFY_API_KEY, config.NOTIFY_TEMPLATE_ID, config.NOTIFY_BASE_URL)
  }
  if (config.SMTP_URL) return smtpNotifier(config.SMTP_URL, config.MAIL_FROM)
  return noNotifier
}
