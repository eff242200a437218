import { at, parsePortQuery } from '@netpol/core';
import {
  type LabContext,
  labProbe,
  labStateDir,
  lockHolder,
  type ProbePort,
  type ProbeReport,
  requireState,
} from '@netpol/lab';
import { colorsFor } from '../colors.js';
import { type Io, UsageError } from '../io.js';
import { labFlag } from './lab-flag.js';

/** `netpol lab probe`: real connections for every pair, printed beside the engine's verdicts. */

/** `--port` as `check` and `matrix` read it (core's `parsePortQuery`: one rule for a port). */
export function parsePorts(values: string[]): ProbePort[] {
  return values.map((v) => {
    const parsed = parsePortQuery(v);
    if (!parsed.ok) throw new UsageError(`--port: ${parsed.error.message}`);
    return parsed.value;
  });
}

/** `lab probe`'s flags: `--port` as given (`80`, `53/UDP`, `http`), `--timeout` in ms. */
export interface ProbeOptions {
  port: string[];
  timeout: string;
  output: 'table' | 'json';
  sctp?: boolean;
  node?: boolean;
}

export async function probe(ctx: LabContext, options: ProbeOptions, io: Io): Promise<number> {
  const ports = parsePorts(options.port);
  const timeoutMs = Number(options.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 50 || timeoutMs > 30_000) {
    throw new UsageError('--timeout must be 50-30000 ms');
  }
  const state = requireState(ctx);
  if (state.pending && lockHolder(labStateDir(ctx)) === undefined) {
    io.stderr.write(
      `warning: a lab up/apply/run was interrupted before the lab matched its objects: disagreements may be the lab's, not the engine's (the next netpol lab apply${labFlag(ctx)} repairs it; or lab down, then lab up)\n`,
    );
  }
  const report = await labProbe(state, labStateDir(ctx), {
    ports,
    timeoutMs,
    progress: (done, total) => ctx.progress?.('probed from', done, total),
    sctp: options.sctp === true,
    node: options.node === true,
  });
  if (options.output === 'json') {
    io.stdout.write(
      `${compactRows({
        endpoints: report.endpoints,
        ...(report.node ? { node: report.node } : {}),
        results: report.results.map((r) => ({
          port: r.port,
          protocol: r.protocol,
          allowed: r.allowed,
          expected: r.expected,
          ...(report.enforce ? {} : { engine: r.engine }),
          ...(r.note ? { note: r.note } : {}),
        })),
        enforce: report.enforce,
        probes: report.probes,
        disagreements: report.disagreements,
      })}\n`,
    );
  } else printProbe(report, io);
  return report.disagreements.length > 0 ? 1 : 0;
}

function printProbe(report: ProbeReport, io: Io): void {
  const c = colorsFor(io.stdout, io);
  const names = report.endpoints.map((e) => (e === report.node ? `${e} (node)` : e));
  const w = Math.max(8, ...names.map((e) => e.length));
  const n = report.endpoints.length;
  if (!report.enforce) {
    io.stdout.write(
      c.yellow('this lab does NOT enforce NetworkPolicy (--no-enforce): expected = everything allowed\n'),
    );
  }
  for (const r of report.results) {
    io.stdout.write(`\n${r.port}/${r.protocol}${r.note ? ` — ${r.note}` : ''}\n`);
    if (r.note) continue;
    io.stdout.write(`${''.padEnd(w + 5)}${report.endpoints.map((_, j) => String(j).padStart(3)).join('')}\n`);
    for (let i = 0; i < n; i++) {
      const cells = report.endpoints.map((_, j) => {
        const o = at(r.allowed, i)[j];
        const e = at(r.expected, i)[j];
        if (o === null) return '  .';
        const mark = o ? ' ok' : ' --';
        if (e !== null && e !== o) return c.red(o ? ' !o' : ' !-');
        return o ? c.green(mark) : c.dim(mark);
      });
      io.stdout.write(`${String(i).padStart(3)}  ${at(names, i).padEnd(w)}${cells.join('')}\n`);
    }
  }
  io.stdout.write(
    `\nrows: from, columns: to; ok = connected (or refused: the network let it through), -- = timed out (dropped), . = not probed${report.disagreements.length > 0 ? '; !o / !- = observed ok / timed out where the engine says otherwise' : ''}\n`,
  );
  if (report.node) {
    io.stdout.write(
      `${report.node} (node): the lab node, a destination only (a pod's egress to it is judged as to any address; its own connections to pods are always allowed)\n`,
    );
  }
  if (report.probes === 0) {
    // Agreement about nothing is no agreement: say that no verdict was checked.
    io.stdout.write(c.yellow('nothing was probed (see the notes above): no verdict was checked\n'));
    return;
  }
  if (report.disagreements.length === 0) {
    io.stdout.write(
      c.green(
        `every probe agrees with the engine${report.enforce ? '' : ' (everything allowed: policies are inert)'}\n`,
      ),
    );
    if (!report.enforce && report.inert > 0) {
      io.stdout.write(
        c.yellow(
          `${report.inert} of these connections went through although the policies deny them: nothing enforces them\n`,
        ),
      );
    }
    return;
  }
  io.stdout.write(
    c.red(
      `${report.disagreements.length} disagreement${report.disagreements.length === 1 ? '' : 's'} with the engine (!):\n`,
    ),
  );
  for (const d of report.disagreements.slice(0, 50)) {
    io.stdout.write(
      `  ${d.from} -> ${d.to} ${d.port}/${d.protocol}: observed ${d.observed ? 'allowed' : 'denied'} (${d.detail}), engine says ${d.expected ? 'allowed' : 'denied'}\n`,
    );
  }
}

/** Pretty JSON with each matrix row on one line (`[true, false, null]`), as people read it. */
function compactRows(value: { endpoints: string[]; [key: string]: unknown }): string {
  // The endpoint list on one line, as `netpol matrix -o json` prints it.
  const marker = '\u0000endpoints\u0000';
  return JSON.stringify({ ...value, endpoints: marker }, null, 2)
    .replace(JSON.stringify(marker), () => JSON.stringify(value.endpoints))
    .replace(
      /\[\s*((?:true|false|null)(?:,\s*(?:true|false|null))*)\s*\]/g,
      (_, row: string) => `[${row.split(/,\s*/).join(', ')}]`,
    );
}
