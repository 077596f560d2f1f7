/**
 * Reads mail for `nurture ingest` / `explain`: mbox files (Gmail Takeout, Thunderbird, Apple Mail),
 * single .eml files, folders of them, or stdin — as a stream of raw messages, so memory stays flat
 * whatever the size of the mbox.
 *
 * The mbox splitter is ours: the npm mbox readers are unmaintained and none reports byte offsets,
 * which resuming an interrupted import needs. The format is simple: a message starts at a line
 * beginning "From " after a blank line (or at the start), and mboxrd escapes body lines ">From ".
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

export interface RawMessage {
  readonly raw: Buffer;
  /** Where it came from: `file` or `file#n` for the n-th message of an mbox. */
  readonly source: string;
  /** Byte offset just past this message in its file (for resuming), or null for single files. */
  readonly endOffset: number | null;
  /** Byte offset where it starts in its mbox file (0 for single files). */
  readonly startOffset: number;
}

const FROM_LINE = Buffer.from('From ');
const NOT_MAIL = new Set(['table_of_contents', 'Info.plist']);

/** Does this start like an mbox ("From " line) rather than a single RFC 5322 message? */
export function looksLikeMbox(head: Buffer): boolean {
  return head.subarray(0, 5).equals(FROM_LINE);
}

/** Every message in an mbox stream, starting at `startOffset` (which must be a message boundary). */
export async function* readMbox(stream: Readable, source: string, startOffset = 0): AsyncGenerator<RawMessage> {
  let carry: Buffer = Buffer.alloc(0);
  let lines: Buffer[] = [];
  let offset = startOffset; // byte offset of the start of `carry`
  let msgStart = startOffset;
  let index = 0;
  let prevBlank = true;
  let inMessage = false;

  const finish = (end: number): RawMessage | null => {
    if (!inMessage) return null;
    const raw = unescapeFromLines(lines);
    lines = [];
    index++;
    return { raw, source: `${source}#${index}`, endOffset: end, startOffset: msgStart };
  };

  // Classic Mac OS mailboxes end lines with a bare CR: split on it as well (CR → LF, byte for byte, so offsets
  // and resuming stay exact). Otherwise such a file holds no LF at all and would read as zero messages.
  let bareCr: boolean | undefined;
  for await (const input of stream as AsyncIterable<Buffer>) {
    if (bareCr === undefined) {
      // Decided at the first line end, which may come chunks later; until then the carry holds no CR but a last one.
      bareCr = usesBareCr(Buffer.concat([carry, input]));
      if (bareCr) carry = crToLf(carry);
    }
    const chunk = bareCr ? crToLf(input) : input;
    let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let pos = 0;
    for (let nl = buf.indexOf(10, pos); nl !== -1; nl = buf.indexOf(10, pos)) {
      const line = buf.subarray(pos, nl + 1);
      const lineStart = offset + pos;
      if (prevBlank && line.subarray(0, 5).equals(FROM_LINE)) {
        const done = finish(lineStart);
        if (done) yield done;
        inMessage = true;
        msgStart = lineStart;
      } else if (inMessage) {
        lines.push(Buffer.from(line)); // copy: the chunk is reused by the stream
      }
      prevBlank = line.length === 1 || (line.length === 2 && line[0] === 13);
      pos = nl + 1;
    }
    carry = Buffer.from(buf.subarray(pos));
    offset += pos;
    buf = Buffer.alloc(0);
  }
  if (carry.length && inMessage) lines.push(carry);
  const last = finish(offset + carry.length);
  if (last) yield last;
}

/** Does the first line end with a CR that no LF follows? Undefined while no line end has been seen. */
function usesBareCr(head: Buffer): boolean | undefined {
  const cr = head.indexOf(13);
  const lf = head.indexOf(10);
  if (lf !== -1 && (cr === -1 || lf < cr)) return false;
  if (cr === -1 || cr + 1 >= head.length) return undefined;
  return head[cr + 1] !== 10;
}

function crToLf(chunk: Buffer): Buffer {
  const out = Buffer.from(chunk);
  for (let i = out.indexOf(13); i !== -1; i = out.indexOf(13, i + 1)) out[i] = 10;
  return out;
}

/** mboxrd: ">From " → "From ", ">>From " → ">From "; and drop the blank separator line at the end. */
function unescapeFromLines(lines: Buffer[]): Buffer {
  const out = lines.map((l) => {
    if (l[0] !== 62) return l; // '>'
    let i = 0;
    while (l[i] === 62) i++;
    return l.subarray(i, i + 5).equals(FROM_LINE) ? l.subarray(1) : l;
  });
  const lastLine = out[out.length - 1];
  if (lastLine && (lastLine.length === 1 || (lastLine.length === 2 && lastLine[0] === 13))) out.pop();
  return Buffer.concat(out);
}

/** Expands arguments (files, folders, '-') into raw messages, mbox or eml auto-detected. */
export async function* readMailArgs(
  args: readonly string[],
  opts: { resumeFrom?: (file: string) => Promise<number>; stdin?: Readable } = {},
): AsyncGenerator<RawMessage & { file: string }> {
  for (const arg of args) {
    if (arg === '-') {
      const stdin = opts.stdin ?? process.stdin;
      const chunks: Buffer[] = [];
      for await (const c of stdin as AsyncIterable<Buffer>) chunks.push(c);
      const all = Buffer.concat(chunks);
      if (looksLikeMbox(all)) {
        for await (const m of readMbox(Readable.from([all]), 'stdin')) yield { ...m, file: 'stdin' };
      } else yield { raw: all, source: 'stdin', endOffset: null, startOffset: 0, file: 'stdin' };
      continue;
    }
    const info = await stat(arg);
    if (info.isDirectory()) {
      const entries = (await readdir(arg, { recursive: true, withFileTypes: true }))
        // Apple Mail's exported `X.mbox/` folders hold an `mbox` file beside a binary `table_of_contents`.
        .filter((e) => e.isFile() && !e.name.startsWith('.') && !NOT_MAIL.has(e.name) && !e.name.endsWith('.plist'))
        .map((e) => join(e.parentPath, e.name))
        .sort();
      yield* readMailArgs(entries, opts);
      continue;
    }
    const head = await readHead(arg);
    if (looksLikeMbox(head)) {
      const start = (await opts.resumeFrom?.(arg)) ?? 0;
      const stream: ReadStream = createReadStream(arg, { start, highWaterMark: 1 << 20 });
      for await (const m of readMbox(stream, arg, start)) yield { ...m, file: arg };
    } else {
      yield { raw: await readFile(arg), source: arg, endOffset: null, startOffset: 0, file: arg };
    }
  }
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(5);
    const { bytesRead } = await fh.read(buf, 0, 5, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
