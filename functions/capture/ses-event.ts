/**
 * The SES receipt event as the capture Lambda receives it, validated at the edge. zod/mini: the same validation as
 * zod's chained API at a fraction of its size in the capture bundle (cold start).
 */
import * as z from 'zod/mini';

const status = z.object({ status: z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']) });

export const SesRecord = z.object({
  eventSource: z.literal('aws:ses'),
  ses: z.object({
    mail: z.object({
      messageId: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,200}$/)),
      source: z.string(),
      timestamp: z.string(),
      destination: z.array(z.string()),
      headersTruncated: z.optional(z.boolean()),
      headers: z._default(z.array(z.object({ name: z.string(), value: z.string() })), []),
      commonHeaders: z.looseObject({ from: z.optional(z.array(z.string())) }),
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
        z.object({ type: z.literal('Lambda'), functionArn: z.string(), invocationType: z.optional(z.string()) }),
      ]),
    }),
  }),
});
export type SesRecord = z.infer<typeof SesRecord>;

export const SesEvent = z.object({ Records: z.array(SesRecord).check(z.minLength(1)) });
export type SesEvent = z.infer<typeof SesEvent>;
