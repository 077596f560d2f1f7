/** The SES receipt event as the capture Lambda receives it, validated at the edge. */
import { z } from 'zod';

const status = z.object({ status: z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']) });

export const SesRecord = z.object({
  eventSource: z.literal('aws:ses'),
  ses: z.object({
    mail: z.object({
      messageId: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/),
      source: z.string(),
      timestamp: z.string(),
      destination: z.array(z.string()),
      headersTruncated: z.boolean().optional(),
      headers: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
      commonHeaders: z.object({ from: z.array(z.string()).optional() }).passthrough(),
    }),
    receipt: z.object({
      recipients: z.array(z.string()),
      spamVerdict: status,
      virusVerdict: status,
      spfVerdict: status,
      dkimVerdict: status,
      dmarcVerdict: status,
      action: z.discriminatedUnion('type', [
        z.object({ type: z.literal('S3'), bucketName: z.string(), objectKey: z.string() }),
        z.object({ type: z.literal('Lambda'), functionArn: z.string(), invocationType: z.string().optional() }),
      ]),
    }),
  }),
});
export type SesRecord = z.infer<typeof SesRecord>;

export const SesEvent = z.object({ Records: z.array(SesRecord).min(1) });
export type SesEvent = z.infer<typeof SesEvent>;
