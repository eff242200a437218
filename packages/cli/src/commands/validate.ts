import { loadCluster } from '@netpol/core';
import { colorsFor } from '../colors.js';
import type { Io } from '../io.js';
import { formatIssue, issueToJson } from '../print-issues.js';
import { readInputs } from '../read-inputs.js';

export interface ValidateOptions {
  file: string[];
  recursive?: boolean;
  output: string;
}

/** `netpol validate`: exit 0 when every object is valid, 2 when any is not. */
export async function validateCommand(options: ValidateOptions, io: Io): Promise<number> {
  const sources = await readInputs(options.file, io, { recursive: options.recursive });
  const result = loadCluster(sources);
  const errors = result.issues.filter((i) => i.severity === 'error');
  if (options.output === 'json') {
    io.stdout.write(
      `${JSON.stringify(
        {
          valid: errors.length === 0,
          objects: result.value.objects.length,
          issues: result.issues.map((i) => issueToJson(i, sources)),
        },
        null,
        2,
      )}\n`,
    );
    return errors.length === 0 ? 0 : 2;
  }
  const c = colorsFor(io.stderr, io);
  for (const issue of result.issues) {
    (issue.severity === 'error' ? io.stderr : io.stderr).write(`${formatIssue(issue, sources, c)}\n`);
  }
  const n = result.value.objects.length;
  if (errors.length === 0) {
    io.stdout.write(
      `${n} object${n === 1 ? '' : 's'} valid in ${sources.length} file${sources.length === 1 ? '' : 's'}\n`,
    );
    return 0;
  }
  io.stderr.write(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${n} object${n === 1 ? '' : 's'}\n`);
  return 2;
}
