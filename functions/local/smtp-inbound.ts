/**
 * The local inbound entry: an SMTP server on loopback that plays the part of SES receiving.
 * SMTP AUTH (the user's address and their local password) is required before MAIL FROM (530 otherwise), so
 * a stranger or any other local process can neither fill the disk with raw mail nor make Nurture write to its
 * owner; an accepted mail is kept raw on disk first, then handed to the same capture code as the Lambda.
 */
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { Envelope } from '#domain/classify';
import type { Logger } from '#commons/logger';

/** SES receiving accepts up to 40 MB; so do we. */
export const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

export interface InboundMail {
  readonly raw: Buffer;
  readonly envelope: Envelope;
  readonly queueId: string;
}

export interface SmtpInboundOptions {
  readonly host?: string;
  readonly port: number;
  readonly checkPassword: (user: string, password: string) => Promise<boolean> | boolean;
  /** Keep the raw bytes (must not fail silently); returns where they were kept. */
  readonly keepRaw: (raw: Buffer) => Promise<string>;
  /** Process the mail; throwing makes the client retry later (451), the raw mail is already kept. */
  readonly deliver: (mail: InboundMail) => Promise<{ kind: string; reason: string | null }>;
  readonly log: Logger;
}

export interface SmtpInbound {
  readonly port: number;
  readonly host: string;
  stop(): Promise<void>;
}

export async function startSmtpInbound(opts: SmtpInboundOptions): Promise<SmtpInbound> {
  const host = opts.host ?? '127.0.0.1';
  const server = new SMTPServer({
    name: 'nurture.local',
    banner: 'Nurture capture',
    size: MAX_MESSAGE_BYTES,
    // No mail without AUTH: smtp-server answers MAIL FROM with 530 until the session has authenticated.
    authOptional: false,
    // Loopback only: AUTH PLAIN without TLS is acceptable here, and no certificate is needed.
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      Promise.resolve(opts.checkPassword(auth.username ?? '', auth.password ?? ''))
        .then((ok) => (ok ? callback(null, { user: (auth.username ?? '').toLowerCase() }) : callback(new Error('Invalid username or password'))))
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      readAll(stream)
        .then(async (raw) => {
          if (stream.sizeExceeded) {
            opts.log.warn('mail refused: too large', { queueId: session.id, bytes: raw.length });
            return callback(Object.assign(new Error(`Message exceeds ${MAX_MESSAGE_BYTES} bytes`), { responseCode: 552 }));
          }
          // authOptional is off, so a session reaches DATA only authenticated; checked again before anything is kept.
          if (!session.user) return callback(Object.assign(new Error('Authentication required'), { responseCode: 530 }));
          await opts.keepRaw(raw);
          const envelope: Envelope = {
            recipients: session.envelope.rcptTo.map((r) => r.address),
            auth: { verdict: 'authenticated', user: String(session.user), detail: `SMTP AUTH as ${String(session.user)}` },
          };
          const outcome = await opts.deliver({ raw, envelope, queueId: session.id });
          callback(null, `Accepted: ${outcome.kind}${outcome.reason ? ` (${outcome.reason})` : ''}`);
        })
        .catch((err: unknown) => {
          opts.log.error('mail processing failed; kept raw, client will retry', { queueId: session.id, error: String(err) });
          callback(Object.assign(new Error('Temporary processing failure, try again later'), { responseCode: 451 }));
        });
    },
  });
  server.on('error', (err) => opts.log.error('smtp server error', { error: String(err) }));
  await new Promise<void>((ok, fail) => {
    server.server.once('error', fail);
    server.listen(opts.port, host, () => ok());
  });
  const { port } = server.server.address() as AddressInfo;
  return { port, host, stop: () => new Promise((ok) => server.close(() => ok())) };
}

/** Reads the DATA stream; past the size limit it only drains, so an oversize mail cannot fill memory. */
function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => {
      if (!stream.sizeExceeded) chunks.push(c);
    });
    stream.on('end', () => ok(Buffer.concat(chunks)));
    stream.on('error', fail);
  });
}
