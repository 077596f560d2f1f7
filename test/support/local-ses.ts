/** The local SESv2 implementation (aws-ses-v2-local), in-process, and a way to read what it received. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocalModule from 'aws-ses-v2-local';

const sesLocal = ((sesLocalModule as unknown as { default?: typeof sesLocalModule }).default ?? sesLocalModule) as typeof sesLocalModule;

export interface SentMail {
  readonly messageId: string;
  readonly from: string;
  readonly replyTo: string[];
  readonly destination: { to: string[]; cc: string[]; bcc: string[] };
  readonly subject: string;
  readonly body: { text?: string; html?: string };
}

export interface LocalSes {
  readonly endpoint: string;
  sent(): Promise<SentMail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalSes(): Promise<LocalSes> {
  const server: Server = await sesLocal({ host: '127.0.0.1', port: 0 });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    sent: async () => ((await (await fetch(`${endpoint}/store`)).json()) as { emails: never[] }).emails,
    clear: async () => void (await fetch(`${endpoint}/clear-store`, { method: 'POST' })),
    stop: () =>
      new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections?.();
      }),
  };
}
