import type { OutStream } from './io.js';

/**
 * Text from input files and servers (kinds, names, a server's Status message) must not
 * drive the terminal that shows it: an ESC or OSC sequence in a name could retitle the
 * window, rewrite earlier lines or hide a warning. Every stream a command writes to passes
 * through `terminalSafe`; only colour (SGR: ESC [ digits m, what picocolors writes) and
 * line breaks and tabs pass as they are. The escape is JSON's (`\u001b`), so `-o json`
 * output, where JSON.stringify leaves DEL and C1 characters raw, stays valid JSON meaning
 * the same string.
 */

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROL_OR_SGR = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function escapeChar(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Control characters escaped, except line breaks, tabs and colour. */
export function escapeTerminal(text: string): string {
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL_OR_SGR, (m) => (m.length > 1 ? m : escapeChar(m)));
}

/** One line: every control character escaped, line breaks included (a name inside a message). */
export function oneLine(text: string): string {
  return text.replace(ANY_CONTROL, escapeChar);
}

/** The stream, with what is written through it made `escapeTerminal`-safe. */
export function terminalSafe(stream: OutStream): OutStream {
  if ((stream as SafeStream).raw) return stream;
  const safe: SafeStream = {
    write: (text) => stream.write(escapeTerminal(text)),
    raw: stream,
    isTTY: stream.isTTY,
    columns: stream.columns,
  };
  if (stream.once) safe.once = (event, listener) => stream.once?.(event, listener);
  return safe;
}

/** The stream under `terminalSafe` (a command's own output, `lab exec`, passes through untouched). */
export function rawStream(stream: OutStream): OutStream {
  return (stream as SafeStream).raw ?? stream;
}

interface SafeStream extends OutStream {
  raw?: OutStream;
}
