/** Reads the raw mail SES stored in S3, as bytes (never as a string: mail is not always UTF-8). */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export async function getRawMail(s3: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!res.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return res.Body.transformToByteArray();
}
