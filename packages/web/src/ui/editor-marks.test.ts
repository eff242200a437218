import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IssueView } from '../protocol.js';
import { type MarksShown, marksToSet } from './editor-marks.js';

const issue = (code: string, from: number, source: IssueView['source'] = 'lint'): IssueView => ({
  file: 'a.yaml',
  from,
  to: from + 3,
  line: 1,
  col: from + 1,
  severity: source === 'lint' ? 'warning' : 'error',
  code,
  path: 'spec',
  message: `${code} here`,
  source,
});

describe('marksToSet', () => {
  const bad = [issue('invalid-port', 40, 'validate')];
  const findings = [issue('dns-egress-blocked', 10), issue('one-sided-allow', 90)];
  const laterFindings = [issue('dns-egress-blocked', 12)];
  const cases: {
    name: string;
    shown: MarksShown | undefined;
    validation: IssueView[];
    lint: IssueView[] | undefined;
    set: MarksShown | undefined;
  }[] = [
    {
      name: 'a new editor: its validation issues, lint not in yet',
      shown: undefined,
      validation: bad,
      lint: undefined,
      set: { validation: bad, lint: undefined },
    },
    {
      name: 'a new editor with lint in: both',
      shown: undefined,
      validation: bad,
      lint: findings,
      set: { validation: bad, lint: findings },
    },
    {
      name: "an edit's summary, lint not in yet, validation the same: the findings' marks stay",
      shown: { validation: [], lint: findings },
      validation: [],
      lint: undefined,
      set: undefined,
    },
    {
      name: 'the same validation issues as other objects (a new summary), positions equal: kept',
      shown: { validation: bad, lint: findings },
      validation: [issue('invalid-port', 40, 'validate')],
      lint: undefined,
      set: undefined,
    },
    {
      name: 'the edit moved a validation issue (its offsets): set again, without the old findings',
      shown: { validation: bad, lint: findings },
      validation: [issue('invalid-port', 41, 'validate')],
      lint: undefined,
      set: { validation: [issue('invalid-port', 41, 'validate')], lint: undefined },
    },
    {
      name: 'the edit made a validation issue: set again, without the old findings',
      shown: { validation: [], lint: findings },
      validation: bad,
      lint: undefined,
      set: { validation: bad, lint: undefined },
    },
    {
      name: 'the edit fixed the validation issue: set again',
      shown: { validation: bad, lint: findings },
      validation: [],
      lint: undefined,
      set: { validation: [], lint: undefined },
    },
    {
      name: 'the new lint answers: its findings replace the kept ones',
      shown: { validation: [], lint: findings },
      validation: [],
      lint: laterFindings,
      set: { validation: [], lint: laterFindings },
    },
    {
      name: 'the same lint and validation again (another render): nothing to set',
      shown: { validation: bad, lint: findings },
      validation: bad,
      lint: findings,
      set: undefined,
    },
    {
      name: 'lint found nothing: an empty list replaces the kept findings',
      shown: { validation: [], lint: findings },
      validation: [],
      lint: [],
      set: { validation: [], lint: [] },
    },
    {
      name: 'an issue differing only in its message: set again',
      shown: { validation: bad, lint: undefined },
      validation: [{ ...issue('invalid-port', 40, 'validate'), message: 'another' }],
      lint: undefined,
      set: { validation: [{ ...issue('invalid-port', 40, 'validate'), message: 'another' }], lint: undefined },
    },
  ];
  for (const { name, shown, validation, lint, set } of cases) {
    test(name, () => assert.deepEqual(marksToSet(shown, validation, lint), set));
  }
});
