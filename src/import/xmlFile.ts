// Streams an export file through saxes and hands elements to a format's sink, which
// turns them into records. Memory stays flat whatever the file size: one chunk of
// text and the records it produced are in flight at a time, and the generator only
// reads on when its consumer asks for more (that is the backpressure).
//
// Real exports are messy, so this layer is forgiving: stray bytes before the XML
// (PHP notices, a second BOM) are cut off, gzip is unpacked, a declared legacy
// encoding is honoured, and XML syntax errors are counted and reported as one
// notice instead of ending the import. Only a file that cannot be opened, has no
// XML, or is the wrong kind of export raises an ImportFileError.

import { open, type FileHandle } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { ImportFileError, type ImportRecord } from './records.js';

export interface XmlFormat {
  /** For error messages: "a WordPress export (WXR)". */
  description: string;
  /** Local name of the document element, e.g. `rss`. */
  root: string;
}

/** Receives element events with namespace prefixes removed (`wp:comment` → `comment`); the root is at depth 0. */
export interface XmlSink {
  open(name: string, attributes: Record<string, string>, depth: number): void;
  text(text: string): void;
  close(name: string, depth: number): void;
  /** The input ended; `complete` is false when it ended before the root element closed. */
  end(complete: boolean): void;
}

export interface ReadXmlOptions {
  /** Off for a second pass over a file, whose problems were already reported. */
  reportFileProblems?: boolean;
}

const CHUNK_BYTES = 256 * 1024;
/** How far to look for the document when garbage precedes it. */
const PREAMBLE_LIMIT = 1024 * 1024;

export async function* readXmlRecords(
  path: string,
  format: XmlFormat,
  createSink: (emit: (record: ImportRecord) => void) => XmlSink,
  options: ReadXmlOptions = {},
): AsyncGenerator<ImportRecord> {
  const queue: ImportRecord[] = [];
  const sink = createSink((record) => queue.push(record));
  const parser = new SaxesParser({ xmlns: false, position: true });
  let depth = 0;
  let sawRoot = false;
  let rootClosed = false;
  let errorCount = 0;
  let firstError = '';

  // `<thread dsq:id=4/>` reaches saxes as an open <thread> with id "4/" that some later
  // close tag shuts, swallowing the siblings in between. Such tags are closed at once
  // here, and saxes's late close (and its complaint about it) is ignored.
  let unquotedAttribute = false;
  let ignoreNextCloseError = false;
  const closedEarly = new WeakSet<object>();

  parser.on('error', (error) => {
    if (error.message.endsWith('unquoted attribute value.')) unquotedAttribute = true;
    if (ignoreNextCloseError && error.message.endsWith('unexpected close tag.')) {
      ignoreNextCloseError = false;
      return;
    }
    if (errorCount++ === 0) firstError = error.message;
  });
  parser.on('opentag', (tag) => {
    const selfClosedWithoutQuotes = unquotedAttribute && !tag.isSelfClosing && endsWithSlash(tag.attributes);
    unquotedAttribute = false;
    if (rootClosed) return;
    const name = localName(tag.name);
    if (!sawRoot) {
      if (name !== format.root) {
        throw new ImportFileError(
          `${path} is not ${format.description}: it starts with <${tag.name}>, not <${format.root}>`,
        );
      }
      sawRoot = true;
    }
    if (selfClosedWithoutQuotes) {
      closedEarly.add(tag);
      const attributes = Object.fromEntries(
        Object.entries(tag.attributes).map(([key, value]) => [key, value.replace(/\/$/, '')]),
      );
      sink.open(name, attributes, depth);
      sink.close(name, depth);
      return;
    }
    sink.open(name, tag.attributes, depth++);
  });
  parser.on('closetag', (tag) => {
    if (closedEarly.has(tag)) {
      ignoreNextCloseError = true;
      return;
    }
    if (rootClosed) return;
    sink.close(localName(tag.name), --depth);
    if (depth === 0) rootClosed = true;
  });
  const onText = (text: string) => {
    if (sawRoot && !rootClosed) sink.text(text);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  const xmlFrom = (head: string, final: boolean): string | null => {
    const start = documentStart(head, format.root, final);
    if (start === -1) throw new ImportFileError(`${path} is not ${format.description}: it contains no XML`);
    return start === null ? null : head.slice(start);
  };
  let head: string | null = '';
  for await (const chunk of decodedChunks(path)) {
    let text: string | null = chunk;
    if (head !== null) {
      head += chunk;
      text = xmlFrom(head, false);
      if (text === null) continue;
      head = null;
    }
    parser.write(text);
    yield* queue.splice(0);
  }
  if (head !== null) parser.write(xmlFrom(head, true)!);
  const errorsBeforeEnd = errorCount;
  parser.close();
  if (!sawRoot) throw new ImportFileError(`${path} is not ${format.description}: no <${format.root}> element found`);
  // saxes complains about every unclosed tag of a truncated file; the truncation notice says it once.
  if (!rootClosed) errorCount = errorsBeforeEnd;
  sink.end(rootClosed);
  if (options.reportFileProblems !== false) {
    if (!rootClosed) {
      queue.push({
        type: 'skip',
        externalId: null,
        reason: `the file ends before </${format.root}>, so it looks truncated: anything after the last record is missing`,
      });
    }
    if (errorCount > 0) {
      queue.push({
        type: 'skip',
        externalId: null,
        reason: `the file has ${errorCount} XML syntax error(s), the first ${describeError(firstError)}; records near them may be incomplete or skipped`,
      });
    }
  }
  yield* queue.splice(0);
}

/** saxes writes `12:34: message`. */
function describeError(message: string): string {
  const position = /^(\d+):(\d+): (.*?)\.?$/s.exec(message);
  return position ? `at line ${position[1]}, column ${position[2]}: ${position[3]}` : `: ${message}`;
}

function endsWithSlash(attributes: Record<string, string>): boolean {
  return Object.values(attributes).some((value) => value.endsWith('/'));
}

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}

/**
 * Where the XML starts in the first part of a file: at the XML declaration or the
 * root element, whichever comes first, so that garbage before them is skipped.
 * null means "read more first"; -1 means there is no XML at all.
 */
function documentStart(head: string, root: string, final: boolean): number | null {
  const declaration = head.indexOf('<?xml');
  const rootTag = head.search(new RegExp(`<(?:[\\w.-]+:)?${root}[\\s>/]`));
  const found = [declaration, rootTag].filter((at) => at !== -1);
  if (found.length > 0) return Math.min(...found);
  if (!final && head.length < PREAMBLE_LIMIT) return null;
  // Not the format we expected; start at the first tag so the root check can say what it is.
  return head.indexOf('<');
}

async function* decodedChunks(path: string): AsyncGenerator<string> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new ImportFileError(`cannot open ${path}: ${(error as Error).message}`);
  }
  let stream: Readable;
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    const raw = handle.createReadStream({ start: 0, highWaterMark: CHUNK_BYTES });
    const gzipped = bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    // Disqus delivers exports as .xml.gz; unpacking here saves a step and the disk space.
    stream = gzipped ? pipeline(raw, createGunzip({ chunkSize: CHUNK_BYTES }), () => {}) : raw;
  } catch (error) {
    await handle.close();
    throw new ImportFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let decoder: TextDecoder | null = null;
  try {
    for await (const bytes of stream as AsyncIterable<Buffer>) {
      decoder ??= decoderFor(bytes);
      yield decoder.decode(bytes, { stream: true });
    }
  } catch (error) {
    throw new ImportFileError(`cannot read ${path}: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
  if (decoder) yield decoder.decode();
}

/** UTF-8 unless a byte-order mark or the XML declaration says otherwise (old WordPress sites used ISO-8859-1). */
function decoderFor(firstBytes: Buffer): TextDecoder {
  if (firstBytes[0] === 0xff && firstBytes[1] === 0xfe) return new TextDecoder('utf-16le');
  if (firstBytes[0] === 0xfe && firstBytes[1] === 0xff) return new TextDecoder('utf-16be');
  const declared = /<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
    firstBytes.toString('latin1', 0, Math.min(firstBytes.length, 4096)),
  )?.[1];
  if (declared) {
    try {
      return new TextDecoder(declared);
    } catch {
      // An encoding name TextDecoder does not know: UTF-8 is the best guess.
    }
  }
  return new TextDecoder('utf-8');
}
