import { useEffect, useRef, useState } from 'react';
import type { Lesson, LessonResult } from '../engine/lesson.js';
import { packText, unpackText } from './edit-codec.js';
import type { EngineClient } from './engine-client.js';
import type { ViewState } from './url-state.js';
import { YamlEditor } from './YamlEditor.js';

export interface LearnViewProps {
  state: ViewState;
  update: (patch: Partial<ViewState>) => void;
  engine: EngineClient;
}

const STARTER = `# Write the NetworkPolicies of this lesson here (--- between two of them).
# The namespaces and workloads are given (see "Given"). Verify when every goal should hold.
`;

/** The seed examples as exercises: write the policies, verify against the tutorial's verdicts. */
export function LearnView({ state, update, engine }: LearnViewProps) {
  const [ids, setIds] = useState<string[]>([]);
  const [lesson, setLesson] = useState<Lesson | null>();
  const [answer, setAnswer] = useState(STARTER);
  const [docKey, setDocKey] = useState('');
  const [result, setResult] = useState<LessonResult>();
  const id = state.lesson || ids[0] || '';

  useEffect(() => {
    engine.lessons().then(setIds, () => setIds([]));
  }, [engine]);

  // The answer in a share link (the URL's `answer`) comes first, then this tab's last one.
  const linked = useRef(state.answer);
  linked.current = state.answer;
  useEffect(() => {
    if (!id) return;
    let cancelled = false;
    setLesson(undefined);
    setResult(undefined);
    Promise.all([engine.lesson(id), unpackText(linked.current).catch(() => '')]).then(
      ([l, fromLink]) => {
        if (cancelled) return;
        setLesson(l);
        const saved = fromLink || sessionStorage.getItem(`netpol-learn:${id}`);
        setAnswer(saved ?? STARTER);
        setDocKey(`${id}:${Date.now()}`);
      },
      () => setLesson(null),
    );
    return () => {
      cancelled = true;
    };
  }, [engine, id]);

  // The answer follows into the URL (a share link carries it), packed after each change.
  const packing = useRef(0);
  const change = (text: string) => {
    setAnswer(text);
    sessionStorage.setItem(`netpol-learn:${id}`, text);
    const n = ++packing.current;
    packText(text === STARTER ? '' : text).then((packed) => n === packing.current && update({ answer: packed }));
  };
  const replace = (text: string) => {
    change(text);
    setResult(undefined);
    setDocKey(`${id}:${Date.now()}`);
  };

  return (
    <div className="learn-view">
      <div className="toolbar">
        <label>
          Lesson
          <select value={id} onChange={(e) => update({ lesson: e.target.value, answer: '' })}>
            {ids.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
      </div>
      {lesson === null && <p>This example has no expectations to learn from.</p>}
      {lesson && (
        <>
          <p>{lesson.description}</p>
          <h2 className="sub">Goals ({lesson.cases.length})</h2>
          <ul className="goals">
            {lesson.cases.map((c) => (
              <li key={`${c.from}|${c.to}|${c.port}`}>
                {c.from} → {c.to} on {c.port}: <strong>{c.allowed ? 'allowed' : 'denied'}</strong>
                {c.why && <span className="why"> ({c.why})</span>}
              </li>
            ))}
          </ul>
          <details>
            <summary>Given: {lesson.given.map((f) => f.name.split('/').pop()).join(', ')}</summary>
            {lesson.given.map((f) => (
              <pre key={f.name} className="given">
                {`# ${f.name}\n${f.text}`}
              </pre>
            ))}
          </details>
          <h2 className="sub">Your policies</h2>
          {docKey && <YamlEditor text={answer} docKey={docKey} label="Your policies (YAML)" onChange={change} />}
          <div className="toolbar">
            <button type="button" onClick={() => engine.verify(lesson.id, answer).then(setResult)}>
              Verify my answer
            </button>
            <button type="button" onClick={() => replace(lesson.answer)}>
              Show the tutorial's policies
            </button>
            <button type="button" onClick={() => replace(STARTER)}>
              Start over
            </button>
          </div>
          <section aria-live="polite" aria-label="Verification">
            {result && <Verification result={result} />}
          </section>
        </>
      )}
    </div>
  );
}

function Verification({ result }: { result: LessonResult }) {
  const all = result.passed === result.results.length && result.errors.length === 0;
  return (
    <>
      <p className={all ? 'verdict allowed' : 'verdict denied'}>
        <strong>{all ? 'Well done' : 'Not yet'}</strong>: {result.passed} of {result.results.length} goals hold
        {result.errors.length > 0 && `; ${result.errors.length} errors in your YAML`}.
      </p>
      <ul className="issues">
        {result.errors.map((e) => (
          <li key={e}>{e}</li>
        ))}
      </ul>
      <ul className="goals">
        {result.results.map((r) => (
          <li key={`${r.from}|${r.to}|${r.port}`} className={r.pass ? 'pass' : 'fail'}>
            {r.pass ? '✔ ' : '✖ '}
            {r.from} → {r.to} on {r.port}: wanted {r.allowed ? 'allowed' : 'denied'}, got{' '}
            {r.actual === undefined ? 'no answer' : r.actual ? 'allowed' : 'denied'}
            {!r.pass && (
              <ul className="reasons">
                {r.reasons.map((line, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: report lines have no id
                  <li key={i}>{line}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
