import type { InputFile } from '../protocol.js';

/**
 * Unsaved edits in the URL fragment (a share link carries them): the edited files as JSON,
 * deflated, base64url. Browsers have CompressionStream; nothing leaves the page.
 */
export async function encodeEdits(files: readonly InputFile[]): Promise<string> {
  if (files.length === 0) return '';
  const json = new Blob([JSON.stringify(files)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(json).arrayBuffer());
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function decodeEdits(text: string): Promise<InputFile[]> {
  if (!text) return [];
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const json = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const files = JSON.parse(await new Response(json).text()) as unknown;
  return Array.isArray(files)
    ? files.filter((f): f is InputFile => typeof f?.name === 'string' && typeof f?.text === 'string')
    : [];
}
