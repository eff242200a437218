import pc from 'picocolors';
import type { Io, OutStream } from './io.js';

export type Colors = ReturnType<typeof pc.createColors>;
export const COLOR_MODES = ['auto', 'always', 'never'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];

/** Colour per stream: on for a TTY, off with NO_COLOR, `--color=always|never` overrides. */
export function colorsFor(stream: OutStream, io: Io, mode: ColorMode = 'auto'): Colors {
  if (mode === 'always') return pc.createColors(true);
  if (mode === 'never') return pc.createColors(false);
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  return pc.createColors(Boolean(stream.isTTY) && !noColor);
}
