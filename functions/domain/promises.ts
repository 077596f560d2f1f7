/**
 * Promises the writer made in their own words: a first-person subject, a future/commitment modal and a concrete
 * action verb ("I'll send you the deck by Friday"). Requests, questions, past actions, plans owed to no one,
 * pleasantries, negations and offers that wait on the reader ("let me know and I'll…", "if you like, I…") are
 * not promises. Rules are general (grammar cues + a verb lexicon), not a list of known sentences.
 */
import type { Address, FoundPromise, PromiseAction } from './types.ts';
import { DEFAULT_DUE_DAYS, resolveDue } from './due-dates.ts';

export interface PromiseContext {
  /** When the mail was written, ISO UTC. */
  readonly date: string;
  /** The user's IANA time zone. */
  readonly tz: string;
  /** To and Cc of the mail (for a note: whoever else it was addressed to, usually nobody). */
  readonly recipients: readonly Address[];
  readonly knownContacts?: readonly { readonly email: string; readonly name?: string }[];
  readonly defaultDueDays?: number;
  /** A note the user wrote to Nurture: "Promised to send him the recommendation", imperatives are tasks. */
  readonly isNote?: boolean;
  /** Normalised wordings (see {@link normalizePromiseText}) the user marked "not a promise". */
  readonly distrust?: readonly string[];
}

/** Longest sentence examined; longer runs are lists, tables or pasted text, not commitments. */
const MAX_SENTENCE_CHARS = 600;
/** Most sentences examined per message (own text is capped upstream too). */
const MAX_SENTENCES = 400;

// ---------------------------------------------------------------------------------------------------------------
// Sentences

const ABBREVIATIONS = new Set(
  'mr mrs ms dr st jr sr vs etc e.g i.e a.m p.m no inc co corp ltd jan feb mar apr jun jul aug sep sept oct nov dec approx dept est fig ft mt'.split(' '),
);

/** Splits own text into sentences: paragraphs and list items first, then sentence punctuation. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  const units: string[] = [];
  let current: string[] = [];
  const flush = (): void => {
    if (current.length > 0) units.push(current.join(' '));
    current = [];
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') {
      flush();
      continue;
    }
    // A list item or a line after a heading colon starts a new unit; wrapped prose lines are joined.
    if (/^(?:[-*•·]\s|\d{1,2}[.)]\s)/u.test(line) || /:\s*$/u.test(current.at(-1) ?? '')) flush();
    current.push(line);
  }
  flush();
  for (const unit of units) {
    let start = 0;
    const boundary = /[.!?]+["')\]]*\s+/gu;
    for (let m = boundary.exec(unit); m; m = boundary.exec(unit)) {
      const before = unit.slice(start, m.index);
      const lastWord = (/([\w.]+)$/u.exec(before)?.[1] ?? '').toLowerCase();
      const next = unit.charAt(m.index + m[0].length);
      if (m[0].startsWith('.') && (ABBREVIATIONS.has(lastWord) || /^[a-z]$/iu.test(lastWord))) continue;
      if (next !== '' && /[a-z]/u.test(next)) continue;
      out.push(unit.slice(start, m.index + m[0].trimEnd().length).trim());
      start = m.index + m[0].length;
    }
    if (start < unit.length) out.push(unit.slice(start).trim());
  }
  return out.filter((s) => s.length > 0).slice(0, MAX_SENTENCES);
}

/** The form wordings are compared in for "not a promise" feedback: lower case, letters and digits only. */
export function normalizePromiseText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘`]/gu, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------------------------
// Lexicon

/** "-ing" form, for "we'll be sending". */
function ingOf(verb: string): string {
  if (/(?:ie)$/u.test(verb)) return `${verb.slice(0, -2)}ying`;
  if (/[^e]e$/u.test(verb)) return `${verb.slice(0, -1)}ing`;
  if (/^(?:get|set|put|stop|drop|ship|plan|chat|run)$/u.test(verb)) return `${verb}${verb.slice(-1)}ing`;
  return `${verb}ing`;
}
const V = (verbs: string): string =>
  `(?:${verbs
    .split('|')
    .flatMap((v) => [v, ingOf(v)])
    .join('|')})`;

const OBJ = String.raw`(?:you|him|her|them|us|everyone|[a-z]+)`;
const WORDS = (n: number): string => String.raw`(?:[\w'’&/-]+\s+){0,${n}}`;

/** Action verb phrases, tried in order at the verb position. */
const ACTIONS: readonly (readonly [PromiseAction, RegExp])[] = (
  [
    ['introduce', String.raw`${V('introduce')}\b|${V('connect')} ${OBJ} (?:with|to)\b|${V('put')} ${OBJ}(?: two)? in touch\b|${V('make')} (?:an|the|a|some) intros?(?:duction)?s?\b`],
    ['reply', String.raw`${V('get')} back (?:to|with)\b|${V('respond|reply|answer|revert|notify|inform|confirm|advise')}\b|${V('follow')}[- ]?up\b|${V('let')} ${OBJ} know\b|${V('keep')} ${OBJ} (?:posted|informed|updated|apprised|in the loop)\b|${V('fill')} ${OBJ} in\b|${V('update')} (?:you|him|her|them|everyone)\b|${V('write')} (?:back|you|to you|her|him|them)\b|${V('circle')} back\b|${V('address')} (?:your|the|this|that|these)\b|${V('touch')} base\b|${V('ping|text|message|nudge|remind')} (?:you|him|her|them)\b(?! that)`],
    ['meet', String.raw`${V('call|phone|ring|contact|schedule|coordinate')}\b|${V('set')}[- ]up\b|${V('meet')}(?: with)? (?:you|him|her|them)\b|${V('speak')} (?:to|with) ${OBJ}(?! soon\b| later\b)\b|${V('talk')} (?:to|with) ${OBJ} (?:about|re|regarding|on|tomorrow|today|tonight|this|next|monday|tuesday|wednesday|thursday|friday)\b|${V('stop|drop|come|swing')} by\b|${V('give')} ${OBJ} a (?:call|ring|buzz)\b|${V('make')} (?:these|the|a|those|some|that)? ?(?:phone )?calls?\b|${V('reach')} out\b|${V('arrange|book')} (?:a|the|an) (?:meeting|call|time|slot|lunch|dinner|coffee)\b`],
    ['send', String.raw`${V('send|fax|email|e-mail|forward|mail|ship|share|post|provide|deliver|circulate|distribute|upload|submit|resend|courier')}\b|${V('pass')} ${WORDS(4)}(?:along|on)\b|${V('get')} ${WORDS(6)}(?:to|over to) (?:you|him|her|them|everyone)\b|${V('give')} (?:you|him|her|them)\b|${V('turn')} ${WORDS(4)}(?:over|in|to)\b|${V('have')} ${WORDS(4)}(?:to you|over to you|ready for you|in your (?:hands|inbox))\b|${V('drop')} ${WORDS(4)}(?:into|off|in)\b|${V('arrange')} for\b|${V('copy|cc')} (?:you|him|her|them)\b`],
    ['review', String.raw`${V('review|investigate|read|consider|discuss|research|examine|evaluate|assess|analy[sz]e')}\b|${V('look')} (?:at|into|over|through)\b|${V('take')} a (?:closer |quick |good )?look\b|${V('check')}\b|${V('think')} (?:about|it over)\b|${V('talk')} (?:to|with) ${OBJ} about\b|${V('get')} with\b|${V('turn')} my attention\b|${V('dig')} into\b|${V('find')} out\b|${V('figure')} out\b|${V('run')} ${WORDS(3)}by\b`],
    ['do', String.raw`${V('sign|fix|prepare|write|draft|finish|complete|pay|order|reserve|organize|organise|finalize|finalise|revise|edit|rewrite|correct|process|print|renew|arrange|install|test|compile|reimburse|refund|resolve|update|add|include|file|book')}\b|${V('take')} care of\b|${V('handle')}\b|${V('work')} (?:on|up|through|out)\b|${V('make')} (?:sure|it|(?:this|that|the) changes?|the changes?|a note|arrangements)\b|${V('put')} together\b|${V('lay')} out\b|${V('sort')} out\b|${V('set')} (?:it|that|this|things) up\b|${V('do')} (?:it|this|that|so)\b|${V('get')} (?:it|this|that|them|these|those|the \w+) (?:done|signed|sorted|fixed|finished|ready)\b`],
  ] as const
).map(([action, src]) => [action, new RegExp(`^(?:${src})`, 'iu')] as const);

/** Verbs after "will" that make plans, states or pleasantries, never promises. Checked before the lexicon. */
const NOT_AN_ACTION = /^(?:be\b(?! \w+ing\b)|need|have to|wait|attend|go\b|come\b(?! by)|head|travel|leave|miss|see you|talk to you (?:soon|later|then)|speak (?:to you )?soon|be in touch|look forward|keep (?:that|this|it) in mind|continue|participate|probably|not\b|never\b)/iu;

/** Words between the modal and the verb that keep the commitment ("I'll also try to send…"). */
const HELPERS =
  /^(?:(?:also|then|just|certainly|definitely|personally|gladly|now|still|quickly|first|both|again|immediately|directly|promptly|myself|try(?: to| and)?|be sure to|make sure to|be able to|(?:be )?happy to(?= send)|go ahead and|have my \w+|have (?:someone|somebody|\w+ \w+)(?= (?:call|send|email|contact|forward))|see (?:if|whether) (?:i|we) can|be)\s+)*/iu;

/** First person + a future/commitment modal. The verb follows at the end of the match. */
const COMMIT_HEAD =
  /\b(?:(?:i|we)(?:'ll|\s+will|\s+shall|\s+am going to|'m going to|\s+are going to|'re going to|\s+plan to|\s+am planning to|'m planning to|\s+intend to|\s+hope to|\s+expect to|\s+aim to|\s+promise to|\s+should be able to|'ll be able to|\s+will be able to)|let (?:me|us)(?!\s+know))\s+/giu;
/** Notes to self: "Promised to send him…", "Told Ana I'd call", "Need to send Sam the deck". */
const NOTE_HEAD =
  /\b(?:promised(?:\s+(?:to|him|her|them|[a-z]+))?(?:\s+(?:i'd|i would|to))?|told (?:him|her|them|[a-z]+) (?:i'd|i would|i'll|we'd|we would|we'll)|(?:i\s+)?(?:need|have|must|should|got) to|owe (?:him|her|them|[a-z]+)|to do:)\s+/giu;

/** "promised <someone> <a thing>": a note's commitment to send that thing. */
const PROMISED_THING = /\b[Pp]romised\s+(?:him|her|them|[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)\s+(?:the|a|an|my|our|some|this|that|those|these|his|her|their)\s+\w/u;

// ---------------------------------------------------------------------------------------------------------------
// Negative cues

/** A condition on the reader or on need: what follows is an offer, not a promise. */
const READER_CONDITION =
  /\b(?:if|should|in case|whenever) (?:you|so|that works|this works|it works|it helps|that helps|needed|necessary|useful|helpful|desired|required|interested|possible|there (?:is|are) (?:any|anything)|anyone|anybody)\b|\b(?:when|whenever|if) (?:i|we)(?:'m| am| are|'re)? (?:in need|need|want)\b|\blet (?:me|us) know,?\s+(?:if|whether|and|when)\b/iu;
/** An offer's tail in the same clause ("… if you'd like", "… if that helps"). */
const OFFER_TAIL = /^[^,;]{0,80}?\bif (?:you|that|this|it|needed|necessary|useful|helpful|desired|required|interested|wanted|so)\b/iu;
const QUESTION_START = /^\W*(?:shall|should|can|could|would|will|do|did|may|might|must) (?:i|we)\b/iu;

// ---------------------------------------------------------------------------------------------------------------

export interface Commitment {
  readonly action: PromiseAction;
  /** Index in the sentence where the action verb starts. */
  readonly index: number;
}

/** The commitment a single sentence makes, or null (questions, offers, requests, plans, pleasantries…). */
export function detectCommitment(sentence: string, options: { isNote?: boolean } = {}): Commitment | null {
  const s = sentence.replace(/[’‘`]/gu, "'").replace(/&gt;|&lt;|&amp;/gu, ' ');
  if (/\?\s*["')\]]*\s*$/u.test(s) || QUESTION_START.test(s)) return null;
  const heads = [COMMIT_HEAD, ...(options.isNote ? [NOTE_HEAD] : [])];
  for (const head of heads) {
    head.lastIndex = 0;
    for (let m = head.exec(s); m; m = head.exec(s)) {
      const found = commitmentAfter(s, m.index, m.index + m[0].length);
      if (found) return found;
    }
  }
  // "Distillate and unleaded charts to follow." — the deliverable announced without a subject.
  if (/\b[a-z]+s?\s+(?:to follow|will follow)\s*[.!]?\s*$/iu.test(s) && !/\b(?:you|he|she|they)\b[^.]*to follow/iu.test(s)) {
    return { action: 'send', index: s.search(/to follow|will follow/iu) };
  }
  // A note may say what was promised as a thing given: "promised her the app link", "Promised Jane a copy".
  if (options.isNote) {
    const given = PROMISED_THING.exec(s);
    // The writer's own: "Promised…", "I promised…", "…at the meetup — promised…"; never "Jane promised Bob…".
    const before = given ? s.slice(0, given.index) : '';
    if (given && /(?:^\W*|[—–,;:(]\s*|\b(?:and|I)\s+)$/u.test(before) && !READER_CONDITION.test(before)) return { action: 'send', index: given.index };
  }
  // A note to self may be a bare imperative: "Send Jane the Lisbon deck".
  if (options.isNote) {
    const lead = /^\W*/u.exec(s)?.[0].length ?? 0;
    const action = actionAt(s, lead);
    if (action && !/^\W*(?:please|pls)\b/iu.test(s)) return { action, index: lead };
  }
  return null;
}

function commitmentAfter(s: string, headStart: number, verbSearchFrom: number): Commitment | null {
  const before = s.slice(0, headStart);
  if (READER_CONDITION.test(before)) return null;
  // An embedded question: "I cannot say if or when we will file".
  if (/\b(?:if|whether|when|how|what|why)\s*$/iu.test(before)) return null;
  // An opinion or guess about one's own future, not an undertaking: "I guess I'll be updating my resume",
  // "I think I'm going to sign it" (the guidelines' "predictions and opinions").
  if (/\b(?:i|we)\s+(?:guess|think|suppose|imagine|figure|bet)\s+(?:that\s+)?$/iu.test(before) || /\b(?:probably|maybe|perhaps)\s*,?\s*$/iu.test(before)) return null;
  const rest = s.slice(verbSearchFrom);
  const helpers = HELPERS.exec(rest)?.[0] ?? '';
  let at = verbSearchFrom + helpers.length;
  if (!NOT_AN_ACTION.test(s.slice(verbSearchFrom))) {
    const action = actionAt(s, at);
    if (action) return offerTail(s, at) ? null : { action, index: at };
  }
  // A second coordinated verb: "I'll try to get the numbers and get back to you".
  const clause = /^[^.;:!?]*/u.exec(s.slice(at))?.[0] ?? '';
  const stop = clause.search(/,?\s+\b(?:but|so|because|since|unless|if)\b/iu);
  const window = stop >= 0 ? clause.slice(0, stop) : clause;
  const coord = /\band\s+(?:then\s+)?(?:(?:i|we)\s*(?:'ll|will|shall)\s+|will\s+|shall\s+)?/giu;
  for (let m = coord.exec(window); m; m = coord.exec(window)) {
    at = s.indexOf(window, verbSearchFrom) + m.index + m[0].length;
    const tail = s.slice(at);
    const helped = at + (HELPERS.exec(tail)?.[0].length ?? 0);
    if (NOT_AN_ACTION.test(s.slice(helped))) continue;
    const action = actionAt(s, helped);
    if (action) return offerTail(s, helped) ? null : { action, index: helped };
  }
  return null;
}

function actionAt(s: string, at: number): PromiseAction | null {
  const rest = s.slice(at, at + 200);
  for (const [action, re] of ACTIONS) if (re.test(rest)) return action;
  return null;
}

function offerTail(s: string, at: number): boolean {
  return OFFER_TAIL.test(s.slice(at)) && !/\bif (?:he|she|they|it is|the)\b/iu.test(s.slice(at, at + 80));
}

// ---------------------------------------------------------------------------------------------------------------
// Whom it is owed to

interface Person {
  readonly email: string;
  readonly name?: string;
}

function namesOf(p: Person): string[] {
  const full = (p.name ?? '').trim().toLowerCase();
  if (!full) return [];
  const first = full.split(/\s+/u)[0] ?? '';
  return first && first !== full ? [full, first] : [full];
}

/** People named in the sentence (by full or first name), from recipients and known contacts. */
function namedPeople(sentence: string, people: readonly Person[]): Person[] {
  const text = ` ${normalizePromiseText(sentence)} `;
  const found: Person[] = [];
  for (const p of people) {
    if (found.some((f) => f.email === p.email)) continue;
    if (namesOf(p).some((n) => n.length >= 2 && text.includes(` ${n} `))) found.push(p);
  }
  // A full-name match beats a first-name match on someone else with the same first name.
  return found;
}

const INTRODUCE_PAIR =
  /\b(?:introduce|connect|put)\s+(you|him|her|them|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)\s+(?:(?:two\s+)?in touch\s+)?(?:to|with|and)\s+(you|him|her|them|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)/u;

function resolveName(name: string, people: readonly Person[], recipients: readonly string[]): string[] {
  if (/^(?:you|him|her|them)$/iu.test(name)) return [...recipients];
  const match = namedPeople(name, people)[0];
  return [match ? match.email : name];
}

/** Finds the promises in the writer's own text. */
export function findPromises(ownText: string, ctx: PromiseContext): FoundPromise[] {
  const distrust = new Set((ctx.distrust ?? []).map(normalizePromiseText).filter((d) => d.length > 0));
  const recipients = ctx.recipients.map((a) => a.email);
  const people: Person[] = [...ctx.recipients, ...(ctx.knownContacts ?? [])];
  const out: FoundPromise[] = [];
  for (const raw of splitSentences(ownText)) {
    const sentence = raw.length > MAX_SENTENCE_CHARS ? raw.slice(0, MAX_SENTENCE_CHARS) : raw;
    const normalized = normalizePromiseText(sentence);
    if (distrust.has(normalized) || [...distrust].some((d) => d.length >= 12 && normalized.includes(d))) continue;
    const commitment = detectCommitment(sentence, { isNote: ctx.isNote ?? false });
    if (!commitment) continue;
    const named = namedPeople(sentence, ctx.isNote ? people : ctx.recipients);
    let to = named.length > 0 ? named.map((p) => p.email) : recipients;
    let introduce: string[] | undefined;
    if (commitment.action === 'introduce') {
      const pair = INTRODUCE_PAIR.exec(sentence);
      if (pair) {
        introduce = [...resolveName(pair[1] ?? '', people, recipients), ...resolveName(pair[2] ?? '', people, recipients)];
        introduce = [...new Set(introduce)];
        // Owed to the person being introduced (the reader, or the first named in a note).
        const first = resolveName(pair[1] ?? '', people, recipients).filter((e) => e.includes('@'));
        if (first.length > 0) to = first;
      }
    }
    const { dueText, due } = resolveDue(sentence, {
      after: commitment.index,
      date: ctx.date,
      tz: ctx.tz,
      defaultDueDays: ctx.defaultDueDays ?? DEFAULT_DUE_DAYS,
    });
    out.push({ text: sentence, action: commitment.action, to: [...new Set(to)], ...(introduce ? { introduce } : {}), dueText, due });
  }
  return out;
}
