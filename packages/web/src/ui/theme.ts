import { useEffect, useState } from 'react';

/** Colours from the CSS variables, so canvas drawing follows the system's dark mode. */
export function themeColors() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    background: v('--bg', '#ffffff'),
    text: v('--fg', '#1b1b1b'),
    muted: v('--muted', '#888888'),
    node: v('--node', '#90caf9'),
    accent: v('--accent', '#ffb300'),
    allowed: v('--allowed', '#2e7d32'),
    denied: v('--denied', '#c62828'),
    grid: v('--grid', '#dddddd'),
  };
}

/**
 * The system's colour scheme now: views that draw with `themeColors` (the graph, the matrix's
 * canvas, the editors' themes) draw again when it changes, as the page's CSS does.
 */
export function useColorScheme(): 'dark' | 'light' {
  const [dark, setDark] = useState(() => darkQuery()?.matches ?? false);
  useEffect(() => {
    const query = darkQuery();
    if (!query) return;
    const changed = () => setDark(query.matches);
    query.addEventListener('change', changed);
    return () => query.removeEventListener('change', changed);
  }, []);
  return dark ? 'dark' : 'light';
}

function darkQuery(): MediaQueryList | undefined {
  return window.matchMedia?.('(prefers-color-scheme: dark)');
}
