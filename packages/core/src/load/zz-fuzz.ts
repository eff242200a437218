import fc from 'fast-check';
import { agrees, jsonValue, mutated, render, STYLES, withSharing } from './arbitrary-yaml.js';

const t0 = Date.now();
const styles = fc.constantFrom(...Object.keys(STYLES));
const rendered = fc
  .tuple(
    fc.oneof(jsonValue(false), withSharing(jsonValue(false)), jsonValue(true), withSharing(jsonValue(true))),
    styles,
  )
  .map(([v, s]) => render(v, s));
let acc = 0,
  n = 0;
const r = fc.check(
  fc.property(fc.oneof(rendered, mutated(rendered), mutated(mutated(rendered))), (t) => {
    n++;
    if (agrees(t)) acc++;
  }),
  { numRuns: 30000, interruptAfterTimeLimit: 150000 },
);
console.log(r.failed ? fc.defaultReportMessage(r) : 'ok', n, acc, (Date.now() - t0) / 1000);
