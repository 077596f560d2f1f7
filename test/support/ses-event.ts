/** A real-shaped SES receipt event (as SES invokes a Lambda action after an S3 action), with overrides. */
import type { SESEvent } from 'aws-lambda';

type Verdict = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';

export interface SesEventOptions {
  messageId: string;
  from: string;
  mailFrom?: string;
  recipients?: string[];
  spam?: Verdict;
  virus?: Verdict;
  spf?: Verdict;
  dkim?: Verdict;
  dmarc?: Verdict;
  authenticationResults?: string;
}

export function sesEvent(o: SesEventOptions): SESEvent {
  const recipients = o.recipients ?? ['log@in.example.com'];
  const v = (status: Verdict = 'PASS') => ({ status });
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: '2026-11-20T10:00:01.000Z',
            source: o.mailFrom ?? o.from.replace(/.*</, '').replace(/>.*/, ''),
            messageId: o.messageId,
            destination: recipients,
            headersTruncated: false,
            headers: [
              { name: 'Return-Path', value: `<${o.mailFrom ?? 'me@example.org'}>` },
              { name: 'Received', value: 'from mail.example.org by inbound-smtp.us-east-1.amazonaws.com with SMTP id x' },
              { name: 'X-SES-Spam-Verdict', value: o.spam ?? 'PASS' },
              { name: 'X-SES-Virus-Verdict', value: o.virus ?? 'PASS' },
              {
                name: 'Authentication-Results',
                value: o.authenticationResults ?? `amazonses.com; spf=pass smtp.mailfrom=example.org; dkim=pass header.i=@example.org; dmarc=pass header.from=example.org;`,
              },
              { name: 'From', value: o.from },
            ],
            commonHeaders: { returnPath: 'me@example.org', from: [o.from], date: 'Fri, 20 Nov 2026 10:00:00 +0000', to: ['jane@acme.com'], messageId: '<x@example.org>', subject: 'Hi' },
          },
          receipt: {
            timestamp: '2026-11-20T10:00:01.000Z',
            processingTimeMillis: 420,
            recipients,
            spamVerdict: v(o.spam),
            virusVerdict: v(o.virus),
            spfVerdict: v(o.spf),
            dkimVerdict: v(o.dkim),
            dmarcVerdict: v(o.dmarc),
            dmarcPolicy: 'none',
            action: { type: 'Lambda', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:capture', invocationType: 'Event' },
          },
        },
      },
    ],
  };
}
