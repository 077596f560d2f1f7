/**
 * Renders a DigestModel into the subject, HTML and plain-text parts of the digest mail.
 *
 * Templates live in `templates/` (layout + partials) and are compiled once at module load on private Handlebars
 * instances. Everything from mail (names, subjects, sentences, notes) is a plain string in the model and goes
 * through `{{…}}`, never `{{{…}}}`, so the HTML part escapes it. The text part is compiled with `noEscape`: it is
 * text/plain, where `&lt;` would be wrong and nothing is interpreted.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import type { DigestItem, DigestModel, DigestSectionKey } from '../domain/digest-select.ts';
import { inlineStyles } from './inline-styles.ts';

export interface RenderOptions {
  /** The signed Reply-To address: each reply example in the HTML is a mailto: link to it, pre-filled. */
  readonly replyTo: string;
  /** One-click HTTPS unsubscribe URL (RFC 8058), preferred for the footer link when present. */
  readonly unsubscribeUrl?: string;
  /** mailto: unsubscribe address or URL, used when no HTTPS URL is deployed. */
  readonly unsubscribeMailto: string;
  /** @default 'Nurture' */
  readonly appName?: string;
}

export interface RenderedDigest {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

// In a checkout the templates sit at the repository root; in a Lambda bundle they are copied beside the code.
const TEMPLATES_DIR = [new URL('./templates/', import.meta.url), new URL('../../templates/', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((dir) => existsSync(`${dir}digest.html.hbs`)) ?? fileURLToPath(new URL('../../templates/', import.meta.url));
/** Plain-text lines wrap here (RFC 3676 suggests ≤ 78; 72 leaves room for quoting in replies). */
const TEXT_WIDTH = 72;

const ACTION_LABELS: Record<DigestSectionKey, string> = {
  checkin: 'Write a check-in',
  followup: 'Write a follow-up',
  promise: 'Write the mail',
  connection: 'Write the introduction',
};

const htmlTemplate = compileHtml();
const textTemplate = compileText();

export function renderDigest(model: DigestModel, opts: RenderOptions): RenderedDigest {
  const view = viewModel(model, opts);
  // Dark-mode and narrow-screen rules stay in <style>; everything else is inlined for clients that strip it.
  const html = inlineStyles(htmlTemplate(view));
  const text = `${textTemplate(view).replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n\n').trim()}\n`;
  return { subject: model.subject, html, text };
}

/** The HTML part before its CSS is inlined: what the inliner's equivalence test starts from. */
export function digestHtmlBeforeInlining(model: DigestModel, opts: RenderOptions): string {
  return htmlTemplate(viewModel(model, opts));
}

interface CommandHelp {
  readonly command: string;
  readonly meaning: string;
  /** Opens a reply that already says the command: one tap on a phone. */
  readonly href: string;
}

function viewModel(model: DigestModel, opts: RenderOptions) {
  const appName = opts.appName ?? 'Nurture';
  const week = DateTime.fromISO(model.weekOf, { zone: 'UTC' });
  const first = model.userName?.trim().split(/\s+/)[0];
  const numbered = model.sections.reduce((n, s) => n + s.items.length, 0);
  const firstItem = model.items[0];
  const intro =
    numbered === 0
      ? `${first ? `Hi ${first}, nothing` : 'Nothing'} needs you this week.${model.looksDone.length ? '' : ' Enjoy it.'}`
      : `${first ? `Hi ${first}, here ${numbered === 1 ? 'is' : 'are'}` : numbered === 1 ? 'Here is' : 'Here are'} ${numbered === 1 ? 'one thing' : `${numbered} things`} worth a few minutes this week. To act on one, reply with what to do and its number, like “done ${firstItem?.n ?? 1}”.`;
  return {
    lang: 'en',
    appName,
    user: model.user,
    subject: model.subject,
    weekLabel: week.isValid ? week.toFormat('d LLLL yyyy') : model.weekOf,
    intro,
    preheader: model.items
      .slice(0, 3)
      .map((i) => i.text)
      .join(' · '),
    sections: model.sections.map((s) => ({
      ...s,
      items: s.items.map((i) => ({
        ...i,
        actionLabel: ACTION_LABELS[i.section],
        // One tap on a phone: a reply that already says `done N` (or `undo N` for a wrong guess).
        ...(i.promiseId !== null
          ? i.looksDone
            ? { quickHref: replyMailto(opts.replyTo, model.subject, `undo ${i.n}`), quickLabel: `Not done yet (undo ${i.n})` }
            : { quickHref: replyMailto(opts.replyTo, model.subject, `done ${i.n}`), quickLabel: `Mark done (done ${i.n})` }
          : {}),
      })),
    })),
    looksDone: model.looksDone.length
      ? {
          lead: `${plural(model.looksDone.length, 'promise')} ${model.looksDone.length === 1 ? 'looks' : 'look'} done —`,
          items: model.looksDone.map((i) => ({ ...i, undoHref: replyMailto(opts.replyTo, model.subject, `undo ${i.n}`) })),
          tail: `Reply “undo ${model.looksDone[0]?.n}” if ${model.looksDone.length === 1 ? 'it isn’t' : 'one isn’t'}.`,
          text: `${model.looksDone.map((i) => `${i.n}: ${i.text}`).join('; ')}.`,
        }
      : undefined,
    leftOut: model.leftOut,
    commands: commandHelp(model.items, opts.replyTo, model.subject),
    statsLine: `This week: ${plural(model.stats.mailsCaptured, 'mail')} captured, ${plural(model.stats.peopleReached, 'person', 'people')} reached.`,
    unsubscribeHref: opts.unsubscribeUrl ?? opts.unsubscribeMailto,
  };
}

/** Reply examples that use this digest's own numbers, so they can be copied as they are. */
function commandHelp(items: readonly DigestItem[], replyTo: string, subject: string): CommandHelp[] {
  const help: Omit<CommandHelp, 'href'>[] = [];
  const open = items.filter((i) => !i.looksDone);
  const promise = open.find((i) => i.promiseId !== null) ?? open[0];
  if (promise) help.push({ command: `done ${promise.n}`, meaning: 'it’s done (several: done 1,3)' });
  const later = open.find((i) => i !== promise) ?? promise;
  if (later) help.push({ command: `snooze ${later.n} 2w`, meaning: 'remind me in two weeks' });
  const checkin = open.find((i) => i.section === 'checkin');
  if (checkin) help.push({ command: `skip ${checkin.n}`, meaning: 'leave this person out for a while' });
  const last = open[open.length - 1];
  if (last) help.push({ command: `drop ${last.n}`, meaning: 'forget this one' });
  help.push({ command: 'pause', meaning: 'stop the weekly mail until you write “resume”' });
  return help.map((h) => ({ ...h, href: replyMailto(replyTo, subject, h.command) }));
}

function replyMailto(replyTo: string, subject: string, body: string): string {
  return `mailto:${replyTo}?subject=${encodeURIComponent(`Re: ${subject}`)}&body=${encodeURIComponent(body)}`;
}

function compileHtml(): HandlebarsTemplateDelegate {
  const hbs = Handlebars.create();
  for (const [name, source] of partialSources()) {
    if (!name.startsWith('text-')) hbs.registerPartial(name, source);
  }
  return hbs.compile(readTemplate('digest.html.hbs'), { strict: false });
}

function compileText(): HandlebarsTemplateDelegate {
  const hbs = Handlebars.create();
  const options = { noEscape: true } as const;
  for (const [name, source] of partialSources()) {
    if (name.startsWith('text-')) hbs.registerPartial(name, hbs.compile(source, options));
  }
  hbs.registerHelper('wrap', (text: unknown, indent: unknown, skipFirstIndent: unknown) =>
    wrapText(String(text ?? ''), Number(indent) || 0, skipFirstIndent === true),
  );
  hbs.registerHelper('pad', (s: unknown, width: unknown) => {
    const str = String(s ?? '');
    return str.length >= Number(width) ? `${str} ` : str.padEnd(Number(width));
  });
  hbs.registerHelper('upper', (s: unknown) => String(s ?? '').toUpperCase());
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  return hbs.compile(readTemplate('digest.text.hbs'), options);
}

function partialSources(): [string, string][] {
  const dir = `${TEMPLATES_DIR}partials/`;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.hbs'))
    .map((f) => [f.slice(0, -'.hbs'.length), readFileSync(`${dir}${f}`, 'utf8')]);
}

function readTemplate(name: string): string {
  return readFileSync(`${TEMPLATES_DIR}${name}`, 'utf8');
}

/** Greedy word wrap; words longer than a line (URLs, addresses) stay whole on their own line. */
export function wrapText(text: string, indent: number, skipFirstIndent = false, width = TEXT_WIDTH): string {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 && skipFirstIndent ? l : pad + l)).join('\n');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
