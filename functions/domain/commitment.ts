/**
 * Whether one sentence commits its writer, read from its grammar rather than from a list of verbs:
 *
 *   subject on the writer's side (I, we, "John and I", let me/us)
 *   + a future or commitment form (will/'ll/shall, am going to, plan/intend/hope/expect/aim/promise to,
 *     should/will be able to)
 *   + helpers that keep the commitment (also, then, try to, have to, be sure to, be + -ing,
 *     "have <someone> <do>", "have it <done>")
 *   + a main verb — any verb, since after a modal the next word that is not an adverb *is* the verb —
 *     unless that verb makes a state, plan, prediction or pleasantry ("be", "need", "go", "see you", "know",
 *     "continue", "wait"…).
 *
 * Around that: questions, offers that wait on the reader ("if you like, I'll…", "let me know and I'll…"),
 * embedded or subordinate clauses ("when we send it"), opinions ("I think I'll…"), role statements ("I'll be
 * handling…"), formal filings and code are not promises. The kind of action comes from a lexicon
 * (promise-actions.ts), `do` when it does not know the verb; among coordinated verbs the one owed to the reader
 * is named ("let me check with the team and get back to you" → reply).
 */
import { actionOf, knownAction, V } from './promise-actions.ts';
import type { PromiseAction } from './types.ts';

export interface Commitment {
  readonly action: PromiseAction;
  /** Index in the sentence where the owed verb starts. */
  readonly index: number;
  /** The promised thing is only a pronoun ("send them", "forward it"): the sentence alone does not say what. */
  readonly pronounObject: boolean;
}

/** First person (the writer's side) + a future or commitment form. The verb phrase follows the match. */
const HEAD =
  /\b(?:(?:i|we)(?:'ll|\s+will|\s+shall|\s+am going to|'m going to|\s+are going to|'re going to|(?:'m|\s+am|'re|\s+are)?\s+gonna|\s+(?:plan|intend|hope|expect|aim|promise) to|\s+am planning to|'m planning to|\s+are planning to|'re planning to|\s+should be able to)|let (?:me|us)(?!\s+know))\s+/giu;
/** Notes to self: "Promised to send him…", "Told Ana I'd call", "Need to send Sam the deck". */
const NOTE_HEAD =
  /\b(?:promised(?:\s+(?:to|him|her|them|[a-z]+))?(?:\s+(?:i'd|i would|to))?|told (?:him|her|them|[a-z]+) (?:i'd|i would|i'll|we'd|we would|we'll)|(?:i\s+)?(?:need|have|must|should|got) to|owe (?:him|her|them|[a-z]+)|to do:)\s+/giu;

/** "promised <someone> <a thing>": a note's commitment to send that thing. */
const PROMISED_THING = /\b[Pp]romised\s+(?:him|her|them|[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)\s+(?:the|a|an|my|our|some|this|that|those|these|his|her|their)\s+\w/u;

// ---------------------------------------------------------------------------------------------------------------
// The verb phrase after the head

/** One helper between the modal and the main verb; the verb's search goes on after it. */
const HELPER = new RegExp(
  [
    String.raw`(?:also|then|just|certainly|definitely|personally|gladly|now|still|first|both|all|again|myself|ourselves|simply|surely|absolutely|hopefully|actually|obviously|of course|in turn|as well|either|each|together|immediately|promptly|quickly|directly)\b`,
    // -ly adverbs, but not verbs that end so.
    String.raw`(?!(?:reply|apply|supply|rely|fly|comply|multiply|imply|ally|rally|tally|bully|likely|unlikely|probably|possibly|hardly|barely|only|early)\b)[a-z]{3,}ly\b`,
    String.raw`(?:try|attempt|endeavou?r|be sure|make sure|be able|have|plan|be (?:happy|glad|pleased|delighted))\s+to\b`,
    String.raw`plan on\b`,
    String.raw`(?:try|go ahead|be sure|go)\s+and\b`,
    String.raw`do (?:my|our) (?:very )?best to\b`,
    String.raw`do (?:what|all|everything|whatever) (?:i|we) can to\b`,
  ].join('|'),
  'iyu',
);

/** Words that cannot be the main verb: the sentence has no verb there ("I'm going to Chicago", "I'll, the…"). */
const NOT_A_VERB = new Set(
  'the a an my your his her our their this that these those it you him them us me to in on at for with from by of and or but so as if not no there here some any who which what when where why how tomorrow today tonight soon later next'.split(' '),
);

/**
 * Main verbs of states, plans, predictions and pleasantries: "will" before them makes no promise to anyone.
 * Each is a verb phrase form, so "see you there" is out while "see if I can" is in.
 */
const NOT_PROMISED = new RegExp(
  '^(?:' +
    [
      String.raw`be\b`,
      String.raw`${V('need|want|like|love|hate|wait|attend|head|travel|fly|leave|arrive|depart|miss|stay|remain|sleep|eat|enjoy|celebrate|relax|retire|rest|live|die|win|lose|know|hear|receive|spend|continue|participate|bet|guess|assume|suppose|admit|remember|forget|owe|require|cost|hope|expect|feel|seem|appear|become|happen|mean|survive|understand|agree|believe|wish|prefer|probably|likely|unlikely|possibly|hardly|never|always|sit|stand|watch|play|visit|vacation')}\b`,
      // Pleasantries and social plans: "talk to you later", "we'll talk soon", "we'll do dinner", "catch a cab".
      String.raw`${V('talk|speak')}(?: (?:to|with) you)?(?: again)?(?: (?:soon|later|then|manana|tomorrow|tonight|next|shortly)\b|\s*[.!,]|\s*$)`,
      String.raw`${V('do')} (?:something|anything|dinner|lunch|breakfast|brunch|drinks|coffee)\b`,
      String.raw`${V('catch|grab')} (?:a |some )?(?:dinner|lunch|breakfast|drinks?|coffee|movie|flight|train|bus|cab|taxi|ride)\b`,
      String.raw`${V('settle')} for\b`,
      // Idioms that promise nothing: "we'll get through this", "cross that bridge…", "I'll take that as a yes".
      String.raw`${V('get')} through (?:this|it|that)\b|${V('cross')} that bridge|${V('take')} (?:that|this|it) as\b`,
      String.raw`(?:${V('stop|quit')} \w+ing|${V('quit')})\b`,
      String.raw`${V('pass')} on (?:doing|it|this|that|the)\b`,
      String.raw`${V('keep')} (?:my|an|our) eyes? on\b`,
      // What the mail itself does ("I'll recap", "I will be brief"): done here, not owed later.
      String.raw`(?:recap|summari[sz]e|sum (?:it |this )?up|be brief|keep (?:it|this) (?:short|brief)|start (?:with|by)|begin (?:with|by))\b`,
      String.raw`not\b`,
      String.raw`${V('go')}\b(?! ahead and)(?! over (?:it|this|that|the)\b)`,
      String.raw`${V('come')}\b(?! (?:by|over)\b| up with)`,
      // "see if I can" / "see what we can do" is looking into it; "see what happens" / "see you" is not.
      String.raw`${V('see')}\b(?! (?:if|whether|what|how) (?:i|we)\b| about| to)`,
      String.raw`${V('get')} (?:there|here|home|in\b|out\b|started|going|used|married|better|paid|a chance|an? (?:answer|update|chance)|back(?! to| with))`,
      String.raw`(?:${V('talk')} to you|${V('speak')}(?: to you)?) (?:soon|later|then|shortly|tomorrow)\b`,
      String.raw`(?:${V('catch|meet')}) (?:up )?(?:with )?you (?:there|then|soon|later|at|on|tomorrow|next|in)\b`,
      String.raw`(?:${V('look')} forward|${V('keep')} (?:that|this|it|you|them) in mind|${V('keep')} (?:my|our) fingers)`,
      String.raw`${V('return')} (?:to|on|from|home|back|tomorrow|today|next|this|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b`,
      String.raw`${V('work')} (?:\w+ly )?(?:from|until|till|late|hard|remotely|at home|tomorrow|today|all|this|next|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|here|there|for)\b`,
      // "have" promises only a delivery or a thing done ("have it to you", "have the draft ready"); else it is an
      // event or a possession ("we will have activities on Thursday").
      String.raw`${V('have')}\b(?!\s+(?:[\w'-]+\s+){0,4}?(?:to you|over to you|ready|done|finished|completed|out to you|back to you|in your))(?!\s+(?:it|this|that|them|these|those)\s+\w+ed\b)`,
      String.raw`${V('take')} (?:\w+ )?(?:off|vacation|holiday|a (?:vacation|holiday|break|trip|day|week|flight|train|cab|taxi|bus|plane|car|ride)|the (?:train|bus|flight|day|week|plane|car|subway)|(?:a |the )?(?:few |couple of )?(?:days|weeks|hours|months|minutes|time))\b`,
      String.raw`${V('make')} it(?: to| on time| back| tonight| in\b| there| this| next| for|\s*[.,!;]|\s*$)`,
      String.raw`${V('make')} (?:the|your|my|our|his|her) (?:[\w:'-]+ ){0,3}(?:game|meeting|party|appointment|dinner|lunch|event|wedding|show|flight|train|class|session|call)\b`,
      String.raw`${V('get')} together\b`,
      String.raw`${V('meet')}\b(?! (?:with )?(?:you|him|her|them)\b)`,
      String.raw`${V('move')}\b(?! (?:forward|ahead) (?:with|on))`,
      String.raw`${V('start|begin')} (?:work|school|my|our|a new|the new)\b`,
      String.raw`${V('end')} up\b`,
      String.raw`${V('let')} (?:it|things)\b`,
      String.raw`${V('try')}\b(?! to| and| again)`,
      String.raw`${V('think')}\b(?! (?:about|it over|through))`,
      String.raw`${V('say|tell')} (?:that|it is|this is)\b`,
      String.raw`(?:handling|managing|overseeing|heading|covering|representing|supporting|responsible|in charge|taking over|acting)\b`,
    ].join('|') +
    ')',
  'iu',
);

/** What "let me / let us" introduces that is done in the sentence itself ("let me explain", "let me thank you"). */
const PERFORMED_NOW =
  /^(?:(?:just|also|first|quickly|briefly)\s+)*(?:explain|sum (?:this|it|things) up|sum up|say|add|clarify|summari[sz]e|reiterate|start|begin|thank|congratulate|apologi[sz]e|introduce (?:myself|ourselves)|take this opportunity|point out|remind|tell you (?:about|that|what|how)|be (?:clear|frank|honest|the first)|put it|rephrase|ask|suggest|recommend|mention|note|make (?:a|one|two|an?) (?:\w+ )?(?:point|comment|suggestion|observation)|give you (?:some|a bit|a little|the|an) (?:background|context|history|overview|idea|sense|summary)|share (?:my|some|a few|our) (?:thoughts|concerns|views|comments)|welcome|offer (?:my|our)|express|emphasi[sz]e|stress|assure|update you on|describe|outline|answer (?:your|that|this|the)|respond to (?:your|that|this|the) (?:question|point|comment)s?|try to (?:explain|clarify|answer)|know\b)/iu;

/** "have <someone> <do>" (delegated) or "have it <done>": the main verb is the one after. */
const DELEGATED = /^have\s+((?:my|our)\s+[\w-]+|someone|somebody|him|her|them|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?=[a-z])/u;
const HAVE_IT_DONE = /^(?:have|get)\s+(?:it|this|that|them|these|those|(?:the|my|our|your)\s+[\w-]+(?:\s+[\w-]+)?)\s+(?:\w+ed|done|ready|written|sent|signed|finished|out|back)\b/iu;

interface VerbPhrase {
  readonly index: number;
}

/** Skips helpers after the head; returns where the main verb starts, or null when no verb follows. */
function mainVerb(s: string, from: number): VerbPhrase | null {
  let at = from;
  for (let step = 0; step < 8; step++) {
    while (at < s.length && /[\s,]/u.test(s.charAt(at))) at++;
    const rest = s.slice(at);
    if (HAVE_IT_DONE.test(rest)) return { index: at };
    const delegated = DELEGATED.exec(rest);
    if (delegated && !NOT_A_VERB.has((/^[a-z]+/u.exec(rest.slice(delegated[0].length))?.[0] ?? 'the').toLowerCase())) {
      at += delegated[0].length;
      continue;
    }
    // "be sending", "be working with": the -ing form is the verb (role statements are caught as NOT_PROMISED).
    const progressive = /^be\s+(?=\w+ing\b)/iu.exec(rest);
    if (progressive && !/^be\s+(?:going|coming|leaving|travell?ing|flying|staying|having|willing|missing|pending|outstanding|interesting|exciting|amazing|boring|wing)\b/iu.test(rest)) {
      at += progressive[0].length;
      continue;
    }
    HELPER.lastIndex = 0;
    const helper = HELPER.exec(rest);
    if (helper && helper[0].length > 0) {
      at += helper[0].length;
      continue;
    }
    const word = /^[A-Za-z][a-z'-]*/u.exec(rest)?.[0] ?? '';
    // A capitalised word here is a name or a place ("going to Chicago"), not the verb; so is a function word.
    if (word === '' || /^[A-Z]/u.test(word) || NOT_A_VERB.has(word.toLowerCase())) return null;
    return { index: at };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Negative cues around the head

/** A condition on the reader or on need: what follows is an offer, not a promise. */
const READER_CONDITION =
  /\b(?:if|should|in case|whenever) (?:you|so|that works|this works|it works|it helps|that helps|needed|necessary|useful|helpful|desired|required|interested|possible|there (?:is|are) (?:any|anything)|anyone|anybody)\b|\b(?:when|whenever|if) (?:i|we)(?:'m| am| are|'re)? (?:in need|need|want)\b|\blet (?:me|us) know,?\s+(?:if|whether|and)\b/iu;
/** An offer's tail in the same clause ("… if you'd like", "… if that helps"). */
const OFFER_TAIL = /^[^,;]{0,80}?\bif (?:you|that|this|it|needed|necessary|useful|helpful|desired|required|interested|wanted|so)\b/iu;
const QUESTION_START = /^\W*(?:shall|should|can|could|would|will|do|did|may|might|must) (?:i|we)\b/iu;
/** The head sits in a subordinate or embedded clause: "when we send it, …", "I cannot say if we will file". */
const SUBORDINATE =
  /\b(?:if|whether|when|whenever|how|what|why|where|once|after|before|until|till|unless|as soon as|so that|in order that|(?:nothing|something|anything|everything)(?: that)?)\s*$/iu;
/** An opinion or guess about one's own future, not an undertaking (the guidelines' "predictions and opinions"). */
const OPINION =
  /\b(?:guess|think|thinks|suppose|imagine|figure|bet|doubt|believe|believes|assume|feel|feels)\s+(?:that\s+)?$|\b(?:not sure|unsure|no idea)\s+(?:if\s+|whether\s+|that\s+)?$|\b(?:probably|maybe|perhaps|possibly)\s*,?\s*$/iu;
/** A plan made with one's family ("Mom, John and I will come by"): the guidelines' plans owed to no one. */
const FAMILY_SUBJECT = /\b(?:mom|mum|dad|mother|father|wife|husband|kids|children|sister|brother|family|parents|grandma|grandpa)\b[^.;:!?]{0,40}\band\s*$/iu;
/** The register of a formal filing, where "we will provide…" is said to a commission or court, not to the reader. */
const FORMAL = /\b(?:pursuant to|herein|hereby|hereunder|thereof|therein|aforementioned|the Commission|the Court|intervenors?|respondents?|FERC|[Dd]ata [Rr]equest)\b/u;
/** Pasted code or markup taken as a sentence. */
const looksLikeCode = (s: string): boolean => (s.match(/[{};=<>]|\(\)/gu)?.length ?? 0) >= 3;

// ---------------------------------------------------------------------------------------------------------------

/** The commitment a single sentence makes, or null (questions, offers, requests, plans, pleasantries…). */
export function detectCommitment(sentence: string, options: { isNote?: boolean } = {}): Commitment | null {
  const s = sentence.replace(/[’‘`]/gu, "'").replace(/&gt;|&lt;|&amp;/gu, ' ');
  if (/\?\s*["')\]]*\s*$/u.test(s) || QUESTION_START.test(s) || looksLikeCode(s) || FORMAL.test(s)) return null;
  const heads = [HEAD, ...(options.isNote ? [NOTE_HEAD] : [])];
  for (const head of heads) {
    head.lastIndex = 0;
    for (let m = head.exec(s); m; m = head.exec(s)) {
      const found = commitmentAfter(s, m.index, m.index + m[0].length, headKind(m[0]));
      if (found === 'offer') return null;
      if (found) return found;
    }
  }
  // "Distillate and unleaded charts to follow." — the deliverable announced without a subject.
  if (/\b[a-z]+s?\s+(?:to follow|will follow)\s*[.!]?\s*$/iu.test(s) && !/\b(?:you|he|she|they)\b[^.]*to follow/iu.test(s)) {
    return { action: 'send', index: s.search(/to follow|will follow/iu), pronounObject: false };
  }
  if (!options.isNote) return null;
  // A note may say what was promised as a thing given: "promised her the app link", "Promised Jane a copy".
  const given = PROMISED_THING.exec(s);
  // The writer's own: "Promised…", "I promised…", "…at the meetup — promised…"; never "Jane promised Bob…".
  const before = given ? s.slice(0, given.index) : '';
  if (given && /(?:^\W*|[—–,;:(]\s*|\b(?:and|I)\s+)$/u.test(before) && !READER_CONDITION.test(before)) return { action: 'send', index: given.index, pronounObject: false };
  // A note to self may be a bare imperative of a known task: "Send Jane the Lisbon deck".
  const lead = /^\W*/u.exec(s)?.[0].length ?? 0;
  const action = knownAction(s.slice(lead));
  return action && !/^\W*(?:please|pls)\b/iu.test(s) ? { action, index: lead, pronounObject: false } : null;
}

/**
 * "will" undertakes; "going to", "plan to", "intend to" state an intention, which is a promise only when it is
 * aimed at the reader ("I'm going to send you…") — else it is a plan of one's own ("I'm going to do another cake").
 */
type HeadKind = 'will' | 'intent' | 'let';
const headKind = (head: string): HeadKind => (/^let/iu.test(head) ? 'let' : /going to|gonna|(?:plan|intend|hope|expect|aim)\s+to|planning to/iu.test(head) ? 'intent' : 'will');

/** The commitment a head starts, 'offer' when it is offered on the reader's terms, null when it makes none. */
function commitmentAfter(s: string, headStart: number, verbFrom: number, kind: HeadKind): Commitment | 'offer' | null {
  const before = s.slice(0, headStart);
  if (READER_CONDITION.test(before)) return 'offer';
  if (SUBORDINATE.test(before) || OPINION.test(before) || FAMILY_SUBJECT.test(before)) return null;
  if (kind === 'let' && PERFORMED_NOW.test(s.slice(verbFrom))) return null;
  const verbs = coordinatedVerbs(s, verbFrom);
  const promised = verbs.filter((at) => !NOT_PROMISED.test(s.slice(at)));
  if (promised.length === 0) return null;
  // Of coordinated verbs, the one owed to the reader: "check with the team and get back to you" → reply.
  const owed = promised.find((at) => /\b(?:you|your)\b/iu.test(phraseAt(s, at))) ?? promised[0]!;
  if (OFFER_TAIL.test(s.slice(owed)) && !/\bif (?:he|she|they|it is|the)\b/iu.test(s.slice(owed, owed + 80))) return 'offer';
  const action = actionOf(s.slice(owed));
  if (kind === 'intent' && action === 'do' && !/\b(?:you|your)\b/iu.test(phraseAt(s, owed))) return null;
  return { action, index: owed, pronounObject: PRONOUN_OBJECT.test(phraseAt(s, owed)) };
}

/** Start of the main verb and of each verb coordinated with it in the same clause ("…and get back to you"). */
function coordinatedVerbs(s: string, from: number): number[] {
  const first = mainVerb(s, from);
  const out = first ? [first.index] : [];
  const clause = /^[^.;:!?]*/u.exec(s.slice(from))?.[0] ?? '';
  const stop = clause.search(/,?\s+\b(?:but|so|because|since|unless|if|while|although|though)\b/iu);
  const window = stop >= 0 ? clause.slice(0, stop) : clause;
  // Without a POS tagger "and" may join nouns ("as a sponsor and exhibitor"): a verb after a bare "and" counts
  // only when the lexicon knows it; after "and I'll / and will" any verb does.
  const coord = /\band\s+(?:then\s+)?((?:i|we)\s*(?:'ll|will|shall)\s+|will\s+|shall\s+)?/giu;
  for (let m = coord.exec(window); m; m = coord.exec(window)) {
    const next = mainVerb(s, from + m.index + m[0].length);
    if (next && !out.includes(next.index) && (m[1] !== undefined || knownAction(s.slice(next.index)) !== null)) out.push(next.index);
  }
  return out;
}

/** The verb phrase at `at`, up to the next coordination or clause end. */
function phraseAt(s: string, at: number): string {
  const rest = /^[^.;:!?]*/u.exec(s.slice(at))?.[0] ?? '';
  const end = rest.search(/\s(?:and|but|so|or|because|since|if|while)\s/iu);
  return end >= 0 ? rest.slice(0, end) : rest;
}

/** "send them", "forward it to Bob", "pass these along": the thing promised is only a pronoun. */
const PRONOUN_OBJECT = /^[a-z'-]+(?:\s+(?:out|over|along|back|on|up|off|through|in))?\s+(?:(?:you|him|her|me|us)\s+)?(?:it|them|these|those|this|that)\b(?!\s+(?:is|are|was|were|will|would|has|have|we|i|you|the)\b)/iu;
