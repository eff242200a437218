import { applyPatch } from '../engine/edit-patch.js';
import type { EditPatch, InputFile } from '../protocol.js';

/**
 * Unsaved edits in the URL fragment (a share link carries them): each edited file as a patch
 * of the input (the span that differs), as JSON, deflated, base64url. A patch keeps a link to
 * a one-line edit of a 10k-pod file short. Browsers have CompressionStream; nothing leaves
 * the page.
 */
export async function encodeEdits(patches: readonly EditPatch[]): Promise<string> {
  if (patches.length === 0) return '';
  const json = new Blob([JSON.stringify(patches)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(json).arrayBuffer());
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The edited files of a link, against `input` (the files as loaded). Links made before
 * patches carry whole files (`{ name, text }`): read as they are.
 */
export async function decodeEdits(text: string, input: readonly InputFile[]): Promise<InputFile[]> {
  if (!text) return [];
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const json = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const entries = JSON.parse(await new Response(json).text()) as unknown;
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((e): InputFile[] => {
    if (typeof e?.name === 'string' && typeof e?.text === 'string') return [{ name: e.name, text: e.text }];
    const original = input.find((f) => f.name === e?.file)?.text;
    const valid =
      original !== undefined &&
      Number.isInteger(e.from) &&
      Number.isInteger(e.to) &&
      0 <= e.from &&
      e.from <= e.to &&
      e.to <= original.length &&
      typeof e.insert === 'string';
    return valid ? [{ name: e.file, text: applyPatch(original, e as EditPatch) }] : [];
  });
}
