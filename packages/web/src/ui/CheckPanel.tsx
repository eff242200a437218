import { type FormEvent, memo, type ReactNode, useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import type { CheckAnswer, EndpointView, Summary } from '../protocol.js';
import type { EngineClient } from './engine-client.js';
import type { ViewState } from './url-state.js';

export interface CheckPanelProps {
  engine: EngineClient;
  summary: Summary;
  state: ViewState;
  update: (patch: Partial<ViewState>) => void;
}

const NO_ENDPOINTS: readonly EndpointView[] = [];

/**
 * "Can A reach B on a port?" (SPEC "Web UI"): inputs named From, To, Port, a Check button,
 * and the verdict in a `role="status"` element: `Allowed`/`Denied`, then netpol check's reasons.
 */
export function CheckPanel({ engine, summary, state, update }: CheckPanelProps) {
  const [from, setFrom] = useState(state.from);
  const [to, setTo] = useState(state.to);
  const [port, setPort] = useState(state.checkPort);
  const [answer, setAnswer] = useState<CheckAnswer & { question?: string }>();
  const listId = useId();
  const portsId = useId();
  // The From/To suggestions (2,000 options on a large cluster) come in a render of their own
  // after the first view, at transition priority (React yields to the page between slices),
  // not in the first view's render.
  const endpoints = useDeferredValue(summary.endpoints, NO_ENDPOINTS);
  const policies = useMemo(() => new Set(summary.policies.map((p) => p.id)), [summary.policies]);

  // A matrix cell, a selection or a share link sets the question: show it and answer it.
  useEffect(() => {
    setFrom(state.from);
    setTo(state.to);
    setPort(state.checkPort);
  }, [state.from, state.to, state.checkPort]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new summary (an edit, a toggle, a reload) asks again
  useEffect(() => {
    if (!state.from || !state.to || !state.checkPort) {
      setAnswer(undefined);
      return;
    }
    let cancelled = false;
    const question = `${state.from}|${state.to}|${state.checkPort}`;
    engine.check(state.from, state.to, state.checkPort).then(
      (a) => !cancelled && setAnswer({ ...a, question }),
      (e: Error) => !cancelled && setAnswer({ ok: false, message: e.message, question }),
    );
    return () => {
      cancelled = true;
    };
  }, [engine, summary, state.from, state.to, state.checkPort]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const patch = { from: from.trim(), to: to.trim(), checkPort: port.trim() };
    if (patch.from === state.from && patch.to === state.to && patch.checkPort === state.checkPort) {
      // Same question again (after an edit, say): ask anew.
      const question = `${patch.from}|${patch.to}|${patch.checkPort}`;
      setAnswer(undefined);
      engine.check(patch.from, patch.to, patch.checkPort).then(
        (a) => setAnswer({ ...a, question }),
        (e: Error) => setAnswer({ ok: false, message: e.message, question }),
      );
    }
    update(patch);
  };

  return (
    <section className="panel check">
      <h2>Check a connection</h2>
      {/* Each field required: Check with one empty says so at the field (it did nothing). */}
      <form onSubmit={submit} className="check-form">
        <label>
          From
          <input
            name="from"
            required
            list={listId}
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            placeholder="ns/pod, ns/name[Kind], IP"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <label>
          To
          <input
            name="to"
            required
            list={listId}
            value={to}
            onChange={(e) => setTo(e.target.value)}
            placeholder="ns/pod, IP, svc.ns.svc.cluster.local"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <label>
          Port
          <input
            name="port"
            required
            list={portsId}
            value={port}
            onChange={(e) => setPort(e.target.value)}
            placeholder="80, 53/UDP, http"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <EndpointOptions id={listId} endpoints={endpoints} />
        <datalist id={portsId}>
          {summary.ports.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <button type="submit">Check</button>
      </form>
      <div role="status" aria-live="polite" className="verdict-box" data-question={answer?.question}>
        {answer && <Verdict answer={answer} update={update} policies={policies} />}
      </div>
    </section>
  );
}

/**
 * The From/To suggestions: drawn again only when the endpoint list is another (an edit's
 * summary keeps the same list when no endpoint changed: summary-wire.ts).
 */
const EndpointOptions = memo(function EndpointOptions({
  id,
  endpoints,
}: {
  id: string;
  endpoints: readonly EndpointView[];
}) {
  return (
    <datalist id={id}>
      {endpoints.slice(0, 2000).map((e) => (
        <option key={e.id} value={e.id} />
      ))}
    </datalist>
  );
});

const CITATION = /\(([^()\s]+):(\d+)\)/g;

interface VerdictProps {
  answer: CheckAnswer;
  update: CheckPanelProps['update'];
  /** The NetworkPolicies' ids: named in a reason, each selects its policy (its rules, their lines). */
  policies: ReadonlySet<string>;
}

function Verdict({ answer, update, policies }: VerdictProps) {
  if (!answer.ok) return <p className="bad">Cannot check: {answer.message}</p>;
  const word = answer.allowed ? 'Allowed' : 'Denied';
  return (
    <div className={answer.allowed ? 'verdict allowed' : 'verdict denied'} data-verdict={word.toLowerCase()}>
      <p className="verdict-line">
        <strong>{word}</strong>
        <span aria-hidden="true">{answer.allowed ? ' ✔' : ' ✖'}</span>: {answer.headline}
      </p>
      <ul className="reasons">
        {(answer.lines ?? []).map((line, i) => (
          // Lines repeat (two pairs may read alike): position is their identity.
          // biome-ignore lint/suspicious/noArrayIndexKey: report lines have no id
          <li key={i}>
            <Cited line={line.trim()} update={update} policies={policies} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A reason line, its `(file:line)` citations as links into the Editor and the policies it
 * names (`isolated by A, B and no rule matches`: a denial cites no rule) as links that select
 * them in the Selection panel.
 */
function Cited({ line, update, policies }: Omit<VerdictProps, 'answer'> & { line: string }) {
  const parts: (string | { file: string; line: number; text: string })[] = [];
  let last = 0;
  for (const m of line.matchAll(CITATION)) {
    const at = m.index ?? 0;
    parts.push(line.slice(last, at + 1));
    parts.push({ file: m[1] ?? '', line: Number(m[2]), text: `${m[1]}:${m[2]}` });
    last = at + m[0].length - 1;
  }
  parts.push(line.slice(last));
  return (
    <>
      {parts.map((p, i) =>
        typeof p === 'string' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one line
          <PolicyNames key={i} text={p} update={update} policies={policies} />
        ) : (
          <a
            // biome-ignore lint/suspicious/noArrayIndexKey: parts of one line
            key={i}
            href={`#view=editor&file=${encodeURIComponent(p.file)}&line=${p.line}`}
            onClick={(e) => {
              e.preventDefault();
              update({ view: 'editor', file: p.file, line: p.line });
            }}
          >
            {p.text}
          </a>
        ),
      )}
    </>
  );
}

/**
 * A whole word `ns/name` ending at a space, comma, semicolon or the end: how the reasons name
 * a policy; not a pod before its colon (`egress ns/pod:`) nor a peer in parentheses.
 */
const POLICY_ID = /(?<![^\s,;:()])[^\s,;:()]+\/[^\s,;:()]+(?=[\s,;]|$)/g;

function PolicyNames({ text, update, policies }: Omit<VerdictProps, 'answer'> & { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(POLICY_ID)) {
    if (!policies.has(m[0])) continue;
    const at = m.index ?? 0;
    const id = m[0];
    parts.push(text.slice(last, at));
    parts.push(
      <a
        key={at}
        href={`#sel=${encodeURIComponent(`policy:${id}`)}`}
        onClick={(e) => {
          e.preventDefault();
          update({ sel: `policy:${id}` });
        }}
      >
        {id}
      </a>,
    );
    last = at + id.length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}
