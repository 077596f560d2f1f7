/**
 * The words mail clients put around a quoted or forwarded message, per language: the "wrote" of attribution lines,
 * the header names of Outlook-style header blocks, and the words of mobile and app footers. own-text.ts matches
 * them by the *shape* of the line (where the date, name, address and verb sit); this file only lists the words.
 * docs/promises.md ("Own text: attribution formats") has the table of shapes per client and locale, with sources.
 *
 * Sources (read, not copied): the test fixtures and patterns of the reply parsers in ../shared/fixtures/replies
 * (mailgun/talon talon/quotations.py RE_ON_DATE_SMB_WROTE / RE_ON_DATE_WROTE_SMB / RE_FROM_COLON_OR_DATE_COLON;
 * crisp-oss/email-reply-parser lib/regex.ts; willdurand/EmailReplyParser src/Parser/EmailParser.php;
 * alfonsrv/mail-parser-reply mailparser_reply/constants.py), and the clients' own localised strings as they
 * appear in those fixtures (Gmail, Apple Mail, Outlook, Thunderbird, K-9 Mail, Samsung Email, Zoho, Yahoo).
 */

const alternation = (words: readonly string[]): string =>
  [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&').replace(/ /gu, '\\s+')).join('|');

/** "wrote" (and "sent"/"said") as attribution lines localise it. Words in alphabetic scripts. */
const WROTE_WORDS = [
  'wrote', 'writes', 'sent', 'said', // en (talon: "sent" from Samsung/Android)
  'schrieb', 'geschrieben', // de: Apple Mail "Am … schrieb X <x>:", Outlook for Mac "… hat … geschrieben:"
  'schreef', 'het volgende geschreven', // nl: Gmail "Op … schreef X <x>:", Apple Mail "… heeft X het volgende geschreven:"
  'a écrit', 'écrit', // fr
  'escribió', // es
  'escreveu', // pt
  'ha scritto', 'scrisse', // it
  'skrev', 'skriver', // da, no, sv
  'kirjoitti', // fi
  'napisał', 'napisała', 'pisze', // pl: Gmail "… napisał(a):", Thunderbird "W dniu … pisze:"
  'napsal', 'napsala', // cs
  'napísal', 'napísala', // sk
  'napisao', 'napisala', // hr, sr, bs
  'написал', 'написала', 'пишет', // ru
  'написав', 'написала', 'пише', // uk
  'написа', // bg
  'írta', // hu
  'yazdı', // tr
  'έγραψε', // el
  'scrise', // ro
  'rašė', // lt
  'rakstīja', // lv
  'kirjutas', // et
  'đã viết', // vi
  'skrifaði', // is
] as const;
/** The same in scripts without spaces between words (no word boundary can be asked for). */
const WROTE_CJK = ['写道', '寫道', '書きました', 'のメッセージ', '작성', '님이 작성'] as const;

/** A localized "wrote" as a word: not inside a longer word ("unwrote" is no verb, "написала" is). */
export const WROTE_WORD = new RegExp(`(?:(?<![\\p{L}\\p{M}])(?:${alternation(WROTE_WORDS)})(?:\\s*\\(\\p{L}{1,2}\\))?(?![\\p{L}\\p{M}])|${alternation(WROTE_CJK)})`, 'iu');
/** The same, ending the line (before an optional colon and dashes): "… X <x@y> schreef:", "---- X wrote ----". */
export const WROTE_AT_END = new RegExp(`(?:(?<![\\p{L}\\p{M}])(?:${alternation(WROTE_WORDS)})(?:\\s*\\(\\p{L}{1,2}\\))?|${alternation(WROTE_CJK)})\\s*[:：]?\\s*$`, 'iu');

/** Words that open a dated attribution: "On …", "Am …", "Le …", "El …", "Op …", "Il …", "W dniu …", "Dnia …"… */
export const ATTRIBUTION_OPENER =
  /^[-\s]*(?:on|am|le|el|em|op|il|den|på|dne|dňa|dnia|w dniu|в|у|la|kl\.|vào|στις|tanggal|pada)(?![\p{L}])/iu;

/** Header names Outlook-style blocks use, per language ("Von:", "De :", "发件人：", "От:"…). */
const HEADER_NAMES = [
  // en
  'from', 'sent', 'date', 'to', 'cc', 'bcc', 'subject', 'reply-to',
  // de
  'von', 'gesendet', 'datum', 'an', 'betreff', 'kopie',
  // fr
  'de', 'envoyé', 'envoyé le', 'à', 'a', 'objet', 'cc', 'copie à', 'sujet', 'date',
  // da, no
  'fra', 'sendt', 'dato', 'til', 'emne', 'kopi',
  // sv
  'från', 'skickat', 'till', 'ämne', 'kopia',
  // nl
  'van', 'verzonden', 'aan', 'onderwerp',
  // pl
  'od', 'wysłano', 'wysłane', 'do', 'temat', 'dw',
  // it
  'da', 'inviato', 'oggetto', 'data',
  // es, pt
  'enviado', 'enviada', 'para', 'asunto', 'assunto', 'fecha',
  // fi
  'lähettäjä', 'lähetetty', 'vastaanottaja', 'aihe', 'päivämäärä',
  // ru, uk, bg
  'от', 'отправлено', 'кому', 'тема', 'дата', 'від', 'надіслано', 'копия',
  // cs, sk
  'odesláno', 'komu', 'předmět', 'odoslané', 'predmet',
  // hu
  'feladó', 'elküldve', 'címzett', 'tárgy', 'dátum',
  // tr
  'kimden', 'gönderildi', 'kime', 'konu', 'tarih',
  // el
  'από', 'αποστολή', 'προς', 'θέμα',
  // ro
  'de la', 'trimis', 'către', 'subiect',
  // ja, zh, ko
  '差出人', '送信日時', '宛先', '件名', '日付',
  '发件人', '发送时间', '收件人', '抄送', '主题', '日期', '寄件者', '傳送時間', '收件者', '主旨',
  '보낸 사람', '보낸 날짜', '받는 사람', '제목', '날짜',
] as const;
/** The header names that open or name a message (From/Subject): one of them must be in a block. */
const STRONG_HEADER_NAMES = [
  'from', 'von', 'de', 'fra', 'från', 'van', 'od', 'da', 'lähettäjä', 'от', 'від', 'feladó', 'kimden', 'από', 'de la',
  '差出人', '发件人', '寄件者', '보낸 사람',
  'subject', 'betreff', 'objet', 'sujet', 'emne', 'ämne', 'onderwerp', 'temat', 'oggetto', 'asunto', 'assunto', 'aihe',
  'тема', 'předmět', 'predmet', 'tárgy', 'konu', 'θέμα', 'subiect', '件名', '主题', '主旨', '제목',
] as const;

const headerLine = (names: readonly string[]): RegExp => new RegExp(`^\\s*\\*?\\s*(?:${alternation(names)})\\s*\\*?\\s*[:：]`, 'iu');
export const HEADER_LINE = headerLine(HEADER_NAMES);
export const STRONG_HEADER = headerLine(STRONG_HEADER_NAMES);

/** "-----Original Message-----" and "Forwarded message" separators: the words they are made of. */
export const SEPARATOR_WORDS =
  /(?:original|forward|message|nachricht|ursprüngliche|weitergeleitet|origine|transféré|mensaje|reenviado|messaggio|inoltrato|bericht|doorgestuurd|oorspronkelijk|besked|oprindelig|meddelelse|meddelande|ursprungligt|vidarebefordrat|melding|opprinnelig|videresendt|viesti|alkuperäinen|välitetty|wiadomość|wiadomości|oryginalna|przekazana|przekazywanej|сообщение|сообщения|пересылаемое|переадресованного|исходное|переслане|повідомлення|mensagem|encaminhada|původní|zpráva|přeposlaná|eredeti|üzenet|továbbított|ileti|iletilen|μήνυμα|mesaj|redirecționat|reply|forwarded by|転送|元のメッセージ|转发|原始邮件|轉寄|原始郵件|전달|원본 메시지)/iu;

/** Lines that start a forwarded message without dashes ("Begin forwarded message:", "Début du message réexpédié :"). */
export const FORWARD_INTRO =
  /^\s*(?:begin forwarded message|début du message réexpédié|anfang der weitergeleiteten nachricht|inicio del mensaje reenviado|início da mensagem reencaminhada|inizio messaggio inoltrato|begin doorgestuurd bericht|vidarebefordrat meddelande|videresendt melding|videresendt besked|välitetty viesti|начало пересылаемого сообщения|转发的邮件|転送されたメッセージ)\s*[:：]?\s*$/iu;

// ---------------------------------------------------------------------------------------------------------------
// Mobile and app footers ("Sent from my iPhone", "Von meinem iPhone gesendet", "iPhoneから送信"…)

/** "sent" in footers, per language. */
const SENT = [
  'sent', 'envoyé', 'gesendet', 'enviado', 'inviato', 'verzonden', 'verstuurd', 'sendt', 'skickat', 'lähetetty',
  'wysłane', 'wysłano', 'odesláno', 'odoslané', 'отправлено', 'надіслано', 'изпратено', 'gönderildi', 'küldve',
  'küldte', 'trimis', 'poslano', 'poslato', 'απεστάλη', 'στάλθηκε', 'εστάλη', 'enviat', 'sendur', 'gửi', 'dikirim',
  'נשלח', 'أرسلت', 'أُرسلت',
] as const;
/** "from/with/via" after "sent", per language. */
const SENT_PREPOSITION = [
  'from', 'with', 'via', 'using', 'on', 'de', 'depuis', 'à partir de', 'avec', 'von', 'vom', 'mit', 'über', 'desde',
  'con', 'do', 'da', 'dal', 'dalla', 'dallo', 'met', 'vanaf', 'van', 'fra', 'med', 'från', 'z', 'ze', 'zo', 'с', 'со',
  'з', 'із', 'от', 'din', 'sa', 'iz', 'από', 'des de', 'frá',
] as const;
/** What follows "sent from" in a footer: a possessive or article ("my", "mon", "meinem", "mijn", "mojego"…), or a name. */
const POSSESSIVE = new Set(['my', 'the', 'mon', 'ma', 'mein', 'meinem', 'meiner', 'der', 'dem', 'mi', 'mio', 'mia', 'meu', 'minha', 'mijn', 'min', 'mitt', 'mine', 'mého', 'mojego', 'mojej', 'moje', 'моего', 'мого', 'mog']);
const SENT_FIRST = new RegExp(`^\\s*(?:${alternation(SENT)})\\s+(?:${alternation(SENT_PREPOSITION)})\\s+(\\S+)`, 'iu');
/** The verb of sending as the first or the last word: "Lähetetty iPhonesta", "Von meinem iPhone gesendet." */
const SENT_AT_EDGE = new RegExp(`^\\s*(?:${alternation(SENT)})(?![\\p{L}])|(?<![\\p{L}])(?:${alternation(SENT)})\\s*[.!]?\\s*$`, 'iu');
/** Devices and the generic words for them that footers name ("Von meinem Samsung Galaxy Smartphone gesendet"). */
const DEVICE = /(?<![\p{L}])(?:iphone|ipad|ipod|android|blackberry|samsung|galaxy|huawei|xiaomi|pixel(?![\p{L}])|nokia|windows phone|mail for windows|mobile|smartphone|handy|mobil|móvil|cellulare|telefon|телефон|смартфон|устройств|device|gerät|appareil|dispositivo|apparaat|enhet|laite)/iu;
/** Footers in scripts without spaces: "iPhoneから送信", "从我的iPhone发送", "发自我的iPhone", "從我的 iPhone 傳送", "iPhone에서 보냄". */
const CJK_FOOTER = /^\s*(?:.{1,30}から送信|从我的.{1,30}发送|從我的.{1,30}傳送|[发發]自我的.{1,30}|.{1,30}에서 보냄|.{1,30}에서 보냈습니다)\s*$/u;
/** App footers that carry no verb of sending: "Get Outlook for iOS", "Outlook für Android herunterladen". */
const OUTLOOK_APP = /^\s*(?:\S+\s+){0,3}outlook\s+(?:\S+\s+){0,2}(?:ios|android)(?:\s+\S+){0,2}\s*[.<]?/iu;
/** Mobile mail apps whose footer is a sentence of its own ("… mit K-9 Mail gesendet. Bitte entschuldigen …"). */
const APP_NAME = /\b(?:k-9 mail|bluemail|typeapp|aquamail|samsung email|yahoo mail|aol app|proton ?mail|blackberry|nine)\b/iu;
/** The apology some footers add, often on a line of its own under the first. */
const BREVITY = /^\s*(?:please excuse (?:my |the |any )?(?:brevity|typos|spelling)|excuse my brevity|sorry for (?:the )?(?:brevity|typos)|bitte entschuldigen sie (?:die )?(?:kürze|tippfehler)|veuillez excuser (?:la |ma )?brièveté|excusez (?:la |ma )?brièveté)/iu;

/** Words in a footer line that make it a sentence of prose rather than a footer. */
const MAX_FOOTER_CHARS = 120;
const MAX_FOOTER_WORDS = 16;

/**
 * A mobile or app footer line: "Sent from my iPhone", "Envoyé de mon iPad", "Von meinem iPhone gesendet",
 * "Sendt fra min iPhone", "iPhoneから送信", "Get Outlook for Android", a K-9 Mail line, "Please excuse my brevity".
 * Shapes, not strings: a verb of sending first and a preposition after it, or "from my … sent", or the CJK forms.
 * "Sent from my desk, is much easier…" is prose: a footer is short and has no clause after a comma.
 */
export function isMobileFooter(line: string): boolean {
  const t = line.trim();
  const words = t.split(/\s+/u).length;
  if (t.length === 0 || t.length > MAX_FOOTER_CHARS || words > MAX_FOOTER_WORDS) return false;
  if (BREVITY.test(t) || CJK_FOOTER.test(t)) return true;
  if (words <= 8 && OUTLOOK_APP.test(t) && !/[.!?]\s+\S/u.test(t)) return true;
  const app = APP_NAME.test(t);
  // "Sent from my desk, is much easier than my phone." is prose: a clause after a comma.
  if (/,\s+\p{Ll}/u.test(t) && !app) return false;
  // "Sent from my …", "Sent with Sparrow", "Envoyé de mon iPad": a possessive or a name after the preposition
  // ("Sent from a magnificent torch of pixels" is a line the writer composed).
  const next = SENT_FIRST.exec(t)?.[1];
  if (next !== undefined && (POSSESSIVE.has(next.toLowerCase()) || /^[\p{Lu}\d]/u.test(next))) return words <= 10 || app || DEVICE.test(t);
  return SENT_AT_EDGE.test(t) && (app || (DEVICE.test(t) && words <= 12));
}
