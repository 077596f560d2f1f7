/**
 * The `nurture` CLI: run the local service, register users, import and examine mail, inspect data.
 * Every command takes --data DIR (the embedded store) and --capture ADDRESS (or NURTURE_CAPTURE).
 */
// Only what every command needs is imported here: each command imports its own modules when it runs (the AWS SDK,
// mailparser and the embedded store take seconds to load on a busy machine; `nurture --help` needs none of them).
import { Command, Option } from 'commander';
import { captureAddress, dataDir } from '#commons/config';
import { DEFAULT_MAX_ITEMS, type User } from '#domain/types';
import type { Store } from '#adapters/store';
import type { LocalContext } from '../functions/local/local-context.ts';

/** `digest --send` that did not send (paused, already sent this week, nothing to send): not an error, not a success. */
const EXIT_NOT_SENT = 3;

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const program = new Command('nurture')
  .description('Keep your professional relationships warm, by e-mail.')
  .addOption(new Option('--data <dir>', 'data directory of the embedded store').env('NURTURE_DATA').default('.nurture'))
  .addOption(new Option('--capture <address>', 'the capture address (mail sent to it is a note)').env('NURTURE_CAPTURE'))
  .addOption(new Option('--endpoint <url>', 'a DynamoDB endpoint to use instead of the embedded store'))
  .addOption(new Option('--aws', 'use the deployed table on AWS (with --table, or NURTURE_TABLE; region from AWS_REGION or --region)'))
  .addOption(new Option('--table <name>', 'the deployed table (the stack output TableName)').env('NURTURE_TABLE'))
  .addOption(new Option('--region <region>', 'AWS region of the deployed stack'))
  .showHelpAfterError();

type Globals = { data?: string; capture?: string; endpoint?: string; aws?: boolean; table?: string; region?: string };
const globals = (): Globals => program.opts<Globals>();

async function withContext<T>(fn: (ctx: LocalContext) => Promise<T>): Promise<T> {
  const g = globals();
  if (g.aws && !g.table) throw new UsageError('--aws needs --table NAME (the stack output TableName) or NURTURE_TABLE');
  const { openAwsContext, openLocalContext } = await import('../functions/local/local-context.ts');
  const ctx = g.aws ? await openAwsContext({ tableName: g.table!, region: g.region }) : await openLocalContext({ dataDir: dataDir(g.data), endpoint: g.endpoint });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

const print = (v: unknown): void => void process.stdout.write(`${typeof v === 'string' ? v : JSON.stringify(v)}\n`);

program
  .command('start')
  .description('run the local service: SMTP capture, embedded DynamoDB, local SES with web UI, digest scheduler')
  .option('--smtp-port <n>', 'SMTP port on 127.0.0.1', '2525')
  .option('--ses-port <n>', 'local SES port', '8005')
  .action(async (o: { smtpPort: string; sesPort: string }) => {
    const g = globals();
    const [{ jsonLogger }, { startRuntime }, { sentMailDir }, { resolve }] = await Promise.all([
      import('#commons/logger'),
      import('../functions/local/runtime.ts'),
      import('../functions/local/local-mailer.ts'),
      import('node:path'),
    ]);
    const log = jsonLogger('nurture');
    const rt = await startRuntime({ dataDir: dataDir(g.data), captureAddress: captureAddress(g.capture), smtpPort: Number(o.smtpPort), sesPort: Number(o.sesPort), log });
    process.stderr.write(
      [
        'Nurture is running.',
        `  capture (SMTP)   ${rt.info.smtp.host}:${rt.info.smtp.port}   — BCC ${rt.info.capture}; log in with your address and the password from \`nurture users add\``,
        `  sent mail (SES)  ${rt.info.ses}/   — web UI of what Nurture sent (until it stops)`,
        `  sent mail (.eml) ${sentMailDir(resolve(dataDir(g.data)))}   — a copy of each, kept across restarts`,
        `  DynamoDB         ${rt.info.dynamodb}`,
        `  data             ${dataDir(g.data)}`,
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
    const stop = async (): Promise<void> => {
      await rt.stop();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

const users = program.command('users').description('manage users');
users
  .command('add <email>')
  .description('register a user (their addresses, name, time zone, check-ins per digest)')
  .option('--alias <email>', 'another address of the same user (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option('--name <name>')
  .option('--tz <zone>', 'IANA time zone, e.g. Europe/Berlin', 'UTC')
  .option('--checkins <n>', 'check-ins per digest (1–10)', '1')
  .option('--json', 'print the user as JSON')
  .action(async (email: string, o: { alias: string[]; name?: string; tz: string; checkins: string; json?: boolean }) => {
    const [{ newUser }, { nextDigestSlot }, { AddressTakenError }, { smtpPassword }] = await Promise.all([
      import('#domain/users'),
      import('#domain/week'),
      import('#adapters/store'),
      import('../functions/local/local-secret.ts'),
    ]);
    const user = newUser({ email, aliases: o.alias, name: o.name, tz: o.tz, checkins: Number(o.checkins) }, new Date());
    await withContext(async (ctx) => {
      const existing = await ctx.store.findUserByAddress(user.email);
      if (existing) throw new AddressTakenError(`${user.email} is already registered (user ${existing.userId})`);
      await ctx.store.createUser(user);
      await ctx.store.updateUser(user.userId, {}, nextDigestSlot(user, new Date()));
      // On AWS mail is authenticated by DMARC; the SMTP password only exists for the local capture server.
      const password = globals().aws ? undefined : smtpPassword(ctx.secret, user.email);
      if (o.json) print({ ...user, ...(password ? { smtpPassword: password } : {}) });
      else {
        print(`Registered ${user.email} (${user.userId}), time zone ${user.tz}, digest Mondays 08:00 (change with \`nurture users set\`).`);
        if (password) print(`Local SMTP login: ${user.email} / ${password}`);
      }
    });
  });
users
  .command('set <email>')
  .description('change a user’s settings')
  .option('--tz <zone>', 'IANA time zone')
  .option('--checkins <n>', 'check-ins per digest (1–10)')
  .option('--max-items <n>', 'most numbered items per digest (3–30; default 7)')
  .option('--day <n>', 'digest weekday, 1 = Monday … 7 = Sunday')
  .option('--hour <n>', 'digest hour, 0–23, local time')
  .addOption(new Option('--confirmations <on|off>', 'confirmation mails after reply commands').choices(['on', 'off']))
  .addOption(new Option('--digest <on|off>', 'pause or resume the weekly digest').choices(['on', 'off']))
  .addOption(new Option('--empty-weeks <note|skip>', 'in a week with nothing to do, send one short line, or nothing').choices(['note', 'skip']))
  .action(async (email: string, o: { tz?: string; checkins?: string; maxItems?: string; day?: string; hour?: string; confirmations?: 'on' | 'off'; digest?: 'on' | 'off'; emptyWeeks?: 'note' | 'skip' }) => {
    const [{ UserSettings }, { nextDigestSlot }] = await Promise.all([import('#domain/users'), import('#domain/week')]);
    await withContext(async (ctx) => {
      const user = await resolveUser(ctx, email);
      const patch = UserSettings.parse({
        tz: o.tz ?? user.tz,
        checkins: o.checkins ?? user.checkins,
        maxItems: o.maxItems ?? user.maxItems,
        digestDay: o.day ?? user.digestDay,
        digestHour: o.hour ?? user.digestHour,
      });
      const next = {
        ...user,
        ...patch,
        confirmations: o.confirmations ? o.confirmations === 'on' : user.confirmations,
        paused: o.digest ? o.digest === 'off' : user.paused,
        emptyWeekNote: o.emptyWeeks ? o.emptyWeeks === 'note' : (user.emptyWeekNote ?? false),
      };
      await ctx.store.updateUser(user.userId, { tz: next.tz, checkins: next.checkins, maxItems: next.maxItems, digestDay: next.digestDay, digestHour: next.digestHour, confirmations: next.confirmations, paused: next.paused, emptyWeekNote: next.emptyWeekNote, ...(next.paused ? {} : { bouncing: undefined }) }, next.paused ? null : nextDigestSlot(next, new Date()));
      print(`${user.email}: digest ${next.paused ? 'paused' : `on ${WEEKDAYS[next.digestDay - 1]} at ${String(next.digestHour).padStart(2, '0')}:00 ${next.tz}`}, ${next.checkins} check-in${next.checkins === 1 ? '' : 's'}, at most ${next.maxItems ?? DEFAULT_MAX_ITEMS} items, confirmations ${next.confirmations ? 'on' : 'off'}.`);
    });
  });
users
  .command('list')
  .description('list users (local store)')
  .option('--json')
  .action(async (o: { json?: boolean }) => {
    await withContext(async (ctx) => {
      const all = await ctx.store.listUsersForAdmin();
      if (o.json) return print(all);
      for (const u of all) print(`${u.email}  ${u.userId}  ${u.tz}  ${u.paused ? 'paused' : `day ${u.digestDay} ${u.digestHour}:00`}  ${u.aliases.join(', ')}`);
    });
  });
users
  .command('password <email>')
  .description('print the local SMTP password of a user')
  .action(async (email: string) => {
    if (globals().aws) throw new UsageError('on AWS mail is authenticated by DMARC: there is no SMTP password');
    const { smtpPassword } = await import('../functions/local/local-secret.ts');
    await withContext(async (ctx) => print(smtpPassword(ctx.secret, email)));
  });

program
  .command('ingest <files...>')
  .description('import past mail (mbox, .eml, folders, or - for stdin) as if each had been BCC’d')
  .option('--json', 'print one JSON line per message')
  .option('--restart', 'ignore saved progress and read every file from the start')
  .action(async (files: string[], o: { json?: boolean; restart?: boolean }) => {
    const g = globals();
    const [{ silentLogger }, { ingestFiles, summaryLine }, { handleReply }, { localFromAddress, localSesMailer }] = await Promise.all([
      import('#commons/logger'),
      import('../functions/cli/ingest.ts'),
      import('../functions/replies/reply-service.ts'),
      import('../functions/local/local-mailer.ts'),
    ]);
    await withContext(async (ctx) => {
      const config = { captureAddress: captureAddress(g.capture) };
      const log = silentLogger();
      const replyDeps = { store: ctx.store, secret: ctx.secret, config, log, now: () => new Date(), fromAddress: localFromAddress(config.captureAddress), mailer: ctx.service ? localSesMailer(ctx.service.ses, ctx.dataDir) : undefined };
      const summary = await ingestFiles(files, {
        store: ctx.store,
        config,
        log,
        onReply: (mail, input, outcome) => handleReply(replyDeps, mail, input, outcome),
        // Batched contact writes assume this import is the only writer; with the service running, write safely.
        bulk: !ctx.service,
        onOutcome: o.json ? (x) => print(x) : undefined,
        progress: !o.json,
        restart: o.restart,
      });
      process.stderr.write(`${summaryLine(summary)}\n`);
    });
  });

program
  .command('explain <files...>')
  .description('show what capture WOULD record for each message; writes nothing')
  .option('--json', 'one JSON object per message (the default)')
  .option('--tz <zone>', 'time zone for due dates when the sender is not a registered user (theirs otherwise)', 'UTC')
  .action(async (files: string[], o: { tz: string }) => {
    const g = globals();
    const capture = captureAddress(g.capture);
    const [{ explainMail }, { readMailArgs }, { existsSync }] = await Promise.all([import('../functions/capture/capture-service.ts'), import('../functions/local/mail-files.ts'), import('node:fs')]);
    const explainAll = async (store?: Store): Promise<void> => {
      for await (const m of readMailArgs(files)) print(await explainMail(m.raw, m.source, { captureAddress: capture }, o.tz, new Date(), store));
    };
    // A registered sender is read as capture reads them (a note names their known contacts); with no store yet,
    // nobody is registered and there is nothing to open.
    if (g.aws || g.endpoint || existsSync(dataDir(g.data))) await withContext((ctx) => explainAll(ctx.store));
    else await explainAll();
  });

async function resolveUser(ctx: LocalContext, email?: string): Promise<User> {
  if (email) {
    const u = await ctx.store.findUserByAddress(email);
    if (!u) throw new UsageError(`no user with address ${email}; register with \`nurture users add ${email}\``);
    return u;
  }
  const all = await ctx.store.listUsersForAdmin();
  if (all.length === 1) return all[0]!;
  throw new UsageError(all.length ? `several users: name one with --user (${all.map((u) => u.email).join(', ')})` : 'no users yet: `nurture users add EMAIL`');
}

class UsageError extends Error {
  override name = 'UsageError';
}

program
  .command('contacts')
  .description('list a user’s contacts')
  .option('--user <email>')
  .option('--json')
  .action(async (o: { user?: string; json?: boolean }) => {
    await withContext(async (ctx) => {
      const user = await resolveUser(ctx, o.user);
      const contacts = (await ctx.store.listContacts(user.userId)).map(({ seen: _seen, ...c }) => c);
      contacts.sort((a, b) => b.lastContacted.localeCompare(a.lastContacted));
      if (o.json) return print(contacts);
      if (!contacts.length) return void process.stderr.write('No contacts yet: import past mail with `nurture ingest`, or BCC the capture address.\n');
      print(`${'LAST MAIL'.padEnd(10)}  ${'MAILS'.padStart(5)}  CONTACT`);
      const state = (c: (typeof contacts)[number]): string =>
        [c.skipUntil ? `skipped until ${c.skipUntil.slice(0, 10)}` : '', c.checkedInAt ? `checked in ${c.checkedInAt.slice(0, 10)}` : ''].filter(Boolean).join(', ');
      for (const c of contacts) {
        const flags = state(c);
        print(`${c.lastContacted.slice(0, 10)}  ${String(c.count).padStart(5)}  ${c.name ? `${c.name} <${c.email}>` : c.email}${c.org ? `  (${c.org})` : ''}${flags ? `  [${flags}]` : ''}`);
      }
    });
  });

program
  .command('promises')
  .description('list a user’s promises (open ones, or --all)')
  .option('--user <email>')
  .option('--all', 'include done, dropped and snoozed promises')
  .option('--json')
  .action(async (o: { user?: string; all?: boolean; json?: boolean }) => {
    await withContext(async (ctx) => {
      const user = await resolveUser(ctx, o.user);
      const list = (await ctx.store.listPromises(user.userId))
        .filter((p) => o.all || p.state === 'open' || p.state === 'likely-done')
        .sort((a, b) => a.due.localeCompare(b.due));
      if (o.json) return print(list);
      for (const p of list) print(`${p.due}  ${p.state.padEnd(11)}  ${p.action.padEnd(9)}  ${p.to.join(', ')}: ${p.text}`);
    });
  });

program
  .command('digest')
  .description('preview (or --send) a user’s weekly digest')
  .requiredOption('--user <email>')
  .option('--now <iso>', 'pretend it is this instant (ISO 8601)')
  .addOption(new Option('--format <format>', 'what to print').choices(['html', 'text', 'json', 'eml']).default('text'))
  .option('--out <file>', 'write to a file instead of stdout')
  .option('--send', `send it through the running local service (once per week); exit status ${EXIT_NOT_SENT} when it is not sent (paused, already sent, nothing to send)`)
  .action(async (o: { user: string; now?: string; format: 'html' | 'text' | 'json' | 'eml'; out?: string; send?: boolean }) => {
    const now = o.now ? new Date(o.now) : new Date();
    if (Number.isNaN(now.getTime())) throw new UsageError(`--now is not an ISO date: ${o.now}`);
    const capture = captureAddress(globals().capture);
    const [{ silentLogger }, { prepareDigest, sendDigest }, { localFromAddress, localSesMailer, sentMailDir }, { writeFile }] = await Promise.all([
      import('#commons/logger'),
      import('../functions/digest/digest-service.ts'),
      import('../functions/local/local-mailer.ts'),
      import('node:fs/promises'),
    ]);
    await withContext(async (ctx) => {
      const user = await resolveUser(ctx, o.user);
      const deps = { store: ctx.store, secret: ctx.secret, captureAddress: capture, fromAddress: localFromAddress(capture), log: silentLogger() };
      if (o.send) {
        if (!ctx.service) throw new UsageError('--send needs the local service: run `npm start` first');
        const result = await sendDigest({ ...deps, mailer: localSesMailer(ctx.service.ses, ctx.dataDir) }, user.userId, now);
        if (result.status === 'sent') return print(`Sent (${result.items} item${result.items === 1 ? '' : 's'}); see ${ctx.service.ses}/ and ${sentMailDir(ctx.dataDir)}`);
        print(`Not sent: ${result.status}`);
        process.exitCode = EXIT_NOT_SENT;
        return;
      }
      const d = await prepareDigest(deps, user, now);
      if (user.paused) process.stderr.write('nurture: this user’s digest is paused: this is what it holds, but nothing is sent until they reply "resume"\n');
      const body = o.format === 'json' ? JSON.stringify(d.json, null, 2) : o.format === 'html' ? d.rendered.html : o.format === 'eml' ? d.mime : d.rendered.text;
      if (o.out) await writeFile(o.out, body);
      else if (Buffer.isBuffer(body)) process.stdout.write(body);
      else print(body);
    });
  });

program
  .command('table')
  .description('the table itself')
  .command('upgrade')
  .description('re-rank contacts after an upgrade that changed the digest formula (with --aws after `cdk deploy`; the local table upgrades itself)')
  .action(async () => {
    const { jsonLogger } = await import('#commons/logger');
    await withContext(async (ctx) => {
      const reranked = await ctx.store.upgradeTable(jsonLogger('nurture'));
      print(reranked === null ? `${ctx.store.tableName} is up to date` : `${ctx.store.tableName} upgraded: ${reranked} contact${reranked === 1 ? '' : 's'} re-ranked`);
    });
  });

// `nurture promises | head`: the reader went away; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

/** A file the user named can't be read ("ENOENT: no such file or directory, stat 'x.mbox'"): their mistake, one line. */
const isFileError = (err: unknown): err is NodeJS.ErrnoException =>
  err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string' && typeof (err as NodeJS.ErrnoException).path === 'string';

/** A setting that failed validation (zod is not loaded to ask `instanceof`: it may never have been). */
const isZodError = (err: unknown): err is Error & { issues: { path: PropertyKey[]; message: string }[] } =>
  err instanceof Error && err.name === 'ZodError' && Array.isArray((err as { issues?: unknown }).issues);

program.parseAsync().catch((err: unknown) => {
  if (isFileError(err)) process.stderr.write(`nurture: ${err.message}\n`);
  else if (isZodError(err)) process.stderr.write(`nurture: ${err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`);
  else if (err instanceof Error && ['UsageError', 'AddressTakenError', 'ConfigError', 'AlreadyRunningError', 'JavaMissingError', 'TableVersionError'].includes(err.name)) process.stderr.write(`nurture: ${err.message}\n`);
  else process.stderr.write(`nurture: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

