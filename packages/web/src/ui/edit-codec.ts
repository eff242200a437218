import { applyPatches } from '../engine/edit-patch.js';
import type { EditPatch, InputFile } from '../protocol.js';

/**
 * Unsaved edits in the URL fragment (a share link carries them): each edited file as a patch
 * of the input (the span that differs), as JSON, deflated, base64url. A patch keeps a link to
 * a one-line edit of a 10k-pod file short. Browsers have CompressionStream; nothing leaves
 * the page.
 */
export async function encodeEdits(patches: readonly EditPatch[], input: readonly InputFile[] = []): Promise<string> {
  if (patches.length === 0) return '';
  // Each patch names the text it patches (`of`: a hash of the input file): a link opened on
  // another version of the file (changed since, another checkout) leaves it out, and says so,
  // instead of applying it at offsets of a text that is not there.
  const entries = patches.map((p) => {
    const file = input.find((f) => f.name === p.file);
    return file ? { ...p, of: textHash(file) } : p;
  });
  return packText(JSON.stringify(entries));
}

/** A text in a URL fragment: deflated, base64url (the share link's edits, Learn's answer). */
export async function packText(text: string): Promise<string> {
  if (text === '') return '';
  const deflated = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(deflated).arrayBuffer());
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function unpackText(packed: string): Promise<string> {
  if (packed === '') return '';
  const binary = atob(packed.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(inflated).text();
}

/**
 * The edited files of a link, against `input` (the files as loaded): each file's patches
 * applied together (a file edited in several places has one patch each). Links made before
 * patches carry whole files (`{ name, text }`): read as they are. A patch of an unknown file,
 * outside its text, or over another patch of its file is dropped; one made on another text of
 * its file (its `of` differs) too, and the file is named in `stale`.
 */
export async function decodeEdits(
  text: string,
  input: readonly InputFile[],
  stale: string[] = [],
): Promise<InputFile[]> {
  if (!text) return [];
  const entries = JSON.parse(await unpackText(text)) as unknown;
  if (!Array.isArray(entries)) return [];
  const files: InputFile[] = [];
  const patches = new Map<string, EditPatch[]>();
  for (const e of entries) {
    if (typeof e?.name === 'string' && typeof e?.text === 'string') files.push({ name: e.name, text: e.text });
    const file = input.find((f) => f.name === e?.file);
    const original = file?.text;
    if (file && typeof e.of === 'string' && e.of !== textHash(file)) {
      if (!stale.includes(file.name)) stale.push(file.name);
      continue;
    }
    const valid =
      original !== undefined &&
      Number.isInteger(e.from) &&
      Number.isInteger(e.to) &&
      0 <= e.from &&
      e.from <= e.to &&
      e.to <= original.length &&
      typeof e.insert === 'string';
    if (valid) patches.set(e.file, [...(patches.get(e.file) ?? []), e as EditPatch]);
  }
  for (const [name, list] of patches) {
    const original = input.find((f) => f.name === name)?.text ?? '';
    const apart: EditPatch[] = [];
    for (const patch of [...list].sort((a, b) => a.from - b.from))
      if (patch.from >= (apart.at(-1)?.to ?? 0)) apart.push(patch);
    files.push({ name, text: applyPatches(original, apart) });
  }
  return files;
}

const hashes = new WeakMap<InputFile, string>();

/** FNV-1a (32 bits) of a file's text and its length: once per loaded file (a 3 MB text: ~10 ms). */
function textHash(file: InputFile): string {
  let hash = hashes.get(file);
  if (hash === undefined) {
    let h = 0x811c9dc5;
    for (let i = 0; i < file.text.length; i++) h = Math.imul(h ^ file.text.charCodeAt(i), 0x01000193);
    hash = `${(h >>> 0).toString(36)}.${file.text.length.toString(36)}`;
    hashes.set(file, hash);
  }
  return hash;
}
