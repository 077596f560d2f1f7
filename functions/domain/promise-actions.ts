/**
 * What kind of action a promised verb phrase is (send, introduce, reply, meet, review, do). This lexicon only
 * *names* the action: whether a sentence is a promise at all is decided by its grammar (commitment.ts), so a verb
 * missing here is still a promise, of kind `do`.
 */
import type { PromiseAction } from './types.ts';

/** "-ing" form, for "we'll be sending". */
export function ingOf(verb: string): string {
  if (/(?:ie)$/u.test(verb)) return `${verb.slice(0, -2)}ying`;
  if (/[^e]e$/u.test(verb)) return `${verb.slice(0, -1)}ing`;
  if (/^(?:get|set|put|stop|drop|ship|plan|chat|run|swing)$/u.test(verb)) return /ing$/u.test(verb) ? `${verb}ing` : `${verb}${verb.slice(-1)}ing`;
  return `${verb}ing`;
}

/** Base and -ing forms of `|`-separated verbs, as a regex group. */
export const V = (verbs: string): string =>
  `(?:${verbs
    .split('|')
    .flatMap((v) => [v, ingOf(v)])
    .join('|')})`;

const OBJ = String.raw`(?:you|him|her|them|us|everyone|[a-z]+)`;
const WORDS = (n: number): string => String.raw`(?:[\w'’&/-]+\s+){0,${n}}`;

/** Action verb phrases, tried in order at the verb position. */
const ACTIONS: readonly (readonly [PromiseAction, RegExp])[] = (
  [
    ['introduce', String.raw`${V('introduce')}\b|(?:e-?)?intro(?:'?d|duce)?\b|${V('connect')} ${OBJ} (?:with|to)\b|${V('put')} ${OBJ}(?: two)? in touch\b|${V('make')} (?:an|the|a|some) (?:e-?)?intros?(?:duction)?s?\b`],
    ['reply', String.raw`${V('get')} back (?:to|with)\b|${V('respond|reply|answer|revert|notify|inform|confirm|advise')}\b|${V('follow')}[- ]?up\b|${V('let')} ${OBJ} know\b|${V('keep')} ${OBJ} (?:posted|informed|updated|apprised|in the loop)\b|${V('fill')} ${OBJ} in\b|${V('update')} (?:you|him|her|them|everyone)\b|${V('write')} (?:back|you|to you|her|him|them)\b|${V('circle')} back\b|${V('address')} (?:your|the|this|that|these)\b|${V('touch')} base\b|${V('ping|text|message|nudge|remind')} (?:you|him|her|them)\b(?! that)|${V('tell')} (?:you|him|her|them)\b`],
    ['meet', String.raw`${V('call|phone|ring|contact|schedule|coordinate|invite')}\b|${V('set')}[- ]up\b|${V('meet')}(?: with)? (?:you|him|her|them)\b|${V('speak')} (?:to|with) ${OBJ}(?! soon\b| later\b)\b|${V('talk')} (?:to|with) ${OBJ} (?:about|re|regarding|on|tomorrow|today|tonight|this|next|monday|tuesday|wednesday|thursday|friday)\b|${V('stop|drop|come|swing')} by\b|${V('give')} ${OBJ} a (?:call|ring|buzz)\b|${V('make')} (?:these|the|a|those|some|that)? ?(?:phone )?calls?\b|${V('reach')} out\b|${V('arrange|book')} (?:a|the|an) (?:meeting|call|time|slot|lunch|dinner|coffee)\b`],
    ['send', String.raw`${V('send|fax|email|e-mail|forward|mail|ship|share|post|provide|deliver|circulate|distribute|upload|submit|resend|courier')}\b|${V('pass')} ${WORDS(4)}(?:along|on)\b|${V('get')} ${WORDS(6)}(?:to|over to) (?:you|him|her|them|everyone)\b|${V('give')} (?:you|him|her|them)\b|${V('turn')} ${WORDS(4)}(?:over|in|to)\b|${V('have')} ${WORDS(4)}(?:to you|over to you|ready for you|in your (?:hands|inbox))\b|${V('drop')} ${WORDS(4)}(?:into|off|in)\b|${V('arrange')} for\b|${V('copy|cc')} (?:you|him|her|them)\b`],
    ['review', String.raw`${V('review|investigate|read|consider|discuss|research|examine|evaluate|assess|analy[sz]e')}\b|${V('look')} (?:at|into|over|through)\b|${V('take')} a (?:closer |quick |good )?look\b|${V('check')}\b|${V('think')} (?:about|it over)\b|${V('talk')} (?:to|with) ${OBJ} about\b|${V('get')} with\b|${V('turn')} my attention\b|${V('dig')} into\b|${V('find')} out\b|${V('figure')} out\b|${V('run')} ${WORDS(3)}by\b|${V('see')} (?:if|whether|what)\b`],
  ] as const
).map(([action, src]) => [action, new RegExp(`^(?:${src})`, 'iu')] as const);

/** The action a verb phrase names; `do` (any other task) when the lexicon does not know the verb. */
export function actionOf(verbPhrase: string): PromiseAction {
  const rest = verbPhrase.slice(0, 200);
  for (const [action, re] of ACTIONS) if (re.test(rest)) return action;
  return 'do';
}

/** Whether the lexicon knows the verb phrase (a note's bare imperative must be a known action: "Send Jane the deck"). */
export function knownAction(verbPhrase: string): PromiseAction | null {
  const rest = verbPhrase.slice(0, 200);
  for (const [action, re] of ACTIONS) if (re.test(rest)) return action;
  return KNOWN_TASKS.test(rest) ? 'do' : null;
}

/** Common tasks a note to self may list as a bare imperative ("Fix the invoice", "Book the venue"). */
const KNOWN_TASKS = new RegExp(
  String.raw`^(?:${V('sign|fix|prepare|write|draft|finish|complete|pay|order|reserve|organize|organise|finalize|finalise|revise|edit|rewrite|correct|process|print|renew|arrange|install|test|compile|reimburse|refund|resolve|update|add|include|file|book|return|handle')}\b|${V('take')} care of\b|${V('work')} (?:on|up|through|out)\b|${V('put')} together\b|${V('sort')} out\b)`,
  'iu',
);
