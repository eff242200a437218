import { createRoot } from 'react-dom/client';
import type { AppInput } from './protocol.js';
import { App } from './ui/App.js';
import { EngineClient } from './ui/engine-client.js';
import EngineWorker from './worker/engine-worker.ts?worker&inline';
import './ui/styles.css';

/** A report carries its input inline; `serve` answers `/api/input`. */
async function readInput(): Promise<AppInput> {
  const inline = document.getElementById('netpol-input');
  if (inline?.textContent) return JSON.parse(inline.textContent) as AppInput;
  const response = await fetch('./api/input', { cache: 'no-store' });
  if (!response.ok) throw new Error(`GET /api/input: ${response.status}`);
  return (await response.json()) as AppInput;
}

const root = createRoot(document.getElementById('root') as HTMLElement);
readInput().then(
  (input) => root.render(<App input={input} engine={new EngineClient(new EngineWorker())} />),
  (error: Error) => root.render(<p role="alert">netpol could not read its input: {error.message}</p>),
);
