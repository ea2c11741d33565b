/**
 * What Hearth says to referrers. Plain words, and nothing sensitive: a reference and an
 * outcome, never names, dates of birth or what is happening in the family.
 */

export type NotificationKind = 'referral-acknowledgement' | 'referral-outcome'

const OUTCOMES: Record<string, string> = {
  accepted: 'The service will work with the family. Someone from the team will be in touch with them.',
  declined:
    'The service will not be working with the family this time. The team will tell you why, and suggest other support, if they have not already.',
  signposted: 'The team has suggested other support that may suit the family better.',
  withdrawn: 'The referral has been withdrawn.',
}

export function composeMessage(
  kind: NotificationKind,
  personalisation: Record<string, string>,
): { subject: string; body: string } {
  const reference = personalisation.reference ?? ''
  switch (kind) {
    case 'referral-acknowledgement':
      return {
        subject: `We have received your referral ${reference}`,
        body: [
          `Thank you for your referral to ${personalisation.service ?? 'family support'}.`,
          '',
          `Your reference is ${reference}. Please quote it if you contact us.`,
          '',
          'A manager will look at the referral and we will let you know what happens next.',
          '',
          'Please do not reply to this email.',
        ].join('\n'),
      }
    case 'referral-outcome':
      return {
        subject: `Your referral ${reference}: what happens next`,
        body: [
          `We have looked at your referral ${reference}.`,
          '',
          OUTCOMES[personalisation.outcome ?? ''] ?? 'The team has made a decision about the referral.',
          '',
          'Please do not reply to this email.',
        ].join('\n'),
      }
  }
}
