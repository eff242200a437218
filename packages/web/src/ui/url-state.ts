import { useCallback, useEffect, useState } from 'react';

/**
 * All view state lives in the URL fragment (a share link reproduces it): `#view=graph&port=80/TCP`.
 * Only non-default values are written.
 */
export interface ViewState {
  view: 'graph' | 'matrix' | 'policies' | 'editor' | 'diff' | 'learn';
  /** The port the graph and the matrix show. */
  port: string;
  /** Graph: search text, namespaces shown (all when empty), node caption label, which edges. */
  q: string;
  ns: string[];
  caption: string;
  edges: 'policy' | 'all';
  /** Check panel. */
  from: string;
  to: string;
  checkPort: string;
  /** Selected pod or policy: `pod:ns/name` or `policy:ns/name`. */
  sel: string;
  /** Matrix drill-down: `A|B` (namespaces), `*` (every endpoint) or '' (namespaces). */
  drill: string;
  /** Policies toggled off (what-if). */
  off: string[];
  /** Editor: the open file and line. */
  file: string;
  line: number;
  /** Learn: the open tutorial, and the learner's answer (packed: edit-codec.ts `packText`). */
  lesson: string;
  answer: string;
  /** Unsaved edits, encoded (edit-codec.ts). */
  edits: string;
}

export const DEFAULT_STATE: ViewState = {
  view: 'graph',
  port: '',
  q: '',
  ns: [],
  caption: '',
  edges: 'policy',
  from: '',
  to: '',
  checkPort: '',
  sel: '',
  drill: '',
  off: [],
  file: '',
  line: 0,
  lesson: '',
  answer: '',
  edits: '',
};

const LISTS = new Set<keyof ViewState>(['ns', 'off']);

export function parseFragment(hash: string): ViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const state: Record<string, unknown> = { ...DEFAULT_STATE };
  for (const [key, value] of params) {
    if (!(key in DEFAULT_STATE)) continue;
    if (LISTS.has(key as keyof ViewState)) state[key] = value ? value.split(',') : [];
    else if (key === 'line') state[key] = Number(value) || 0;
    else state[key] = value;
  }
  return state as unknown as ViewState;
}

export function formatFragment(state: ViewState): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_STATE) as (keyof ViewState)[]) {
    const value = state[key];
    const fallback = DEFAULT_STATE[key];
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else if (value !== fallback) params.set(key, String(value));
  }
  return `#${params.toString()}`;
}

/** The state, and a setter that merges a patch and writes the fragment (one history entry per view change). */
export function useViewState(): [ViewState, (patch: Partial<ViewState>) => void] {
  const [state, setState] = useState(() => parseFragment(window.location.hash));
  useEffect(() => {
    const onHash = () => setState(parseFragment(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const update = useCallback((patch: Partial<ViewState>) => {
    setState((previous) => {
      const next = { ...previous, ...patch };
      const fragment = formatFragment(next);
      if (fragment !== window.location.hash && !(fragment === '#' && window.location.hash === '')) {
        if (patch.view && patch.view !== previous.view) window.history.pushState(null, '', fragment);
        else window.history.replaceState(null, '', fragment);
      }
      return next;
    });
  }, []);
  return [state, update];
}
