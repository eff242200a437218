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
