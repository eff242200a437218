import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inputFrom } from './input-from.js';
import { KUBECTL_PLUGIN } from './live/live-options.js';
import { fakeIo } from './test-helpers.js';

// The cluster flags as the parser leaves them when not given (timeouts have defaults).
const flags = {
  cluster: undefined,
  kubeconfig: undefined,
  context: undefined,
  requestTimeout: '15s',
  readTimeout: '5m',
};

test('inputFrom: the files, the live read (or none) and the analysis flags, as the command declared them', () => {
  const rows = [
    {
      name: 'files only: no live read, analysis flags passed as given',
      options: { ...flags, filename: ['a.yaml'], recursive: true, strict: true, podCidr: ['10.0.0.0/16'] },
      expect: { file: ['a.yaml'], recursive: true, live: undefined, strict: true, podCidr: ['10.0.0.0/16'] },
    },
    {
      name: '--context implies the live read, scoped by the namespaces given',
      options: { ...flags, filename: [], context: 'prod' },
      namespaces: ['shop'],
      expect: {
        file: [],
        live: { context: 'prod', requestTimeout: '15s', readTimeout: '5m', namespaces: ['shop'] },
      },
    },
    {
      name: 'a command without analysis flags (validate) gets none set',
      options: { ...flags, filename: ['b.yaml'], cluster: true },
      expect: { file: ['b.yaml'], live: { requestTimeout: '15s', readTimeout: '5m' } },
    },
  ];
  for (const row of rows) {
    const { io } = fakeIo();
    const input = inputFrom({ options: row.options, io }, row.namespaces);
    // Keys passed as undefined are the command's defaults: compare what is set.
    assert.deepEqual(JSON.parse(JSON.stringify(input)), JSON.parse(JSON.stringify(row.expect)), row.name);
  }
});

test('inputFrom: kubectl netpol without -f reads the cluster, as kubectl plugins do', () => {
  const { io } = fakeIo();
  const input = inputFrom({ options: { ...flags, filename: [] }, io: { ...io, program: KUBECTL_PLUGIN } });
  assert.deepEqual(input.live, {
    kubeconfig: undefined,
    context: undefined,
    requestTimeout: '15s',
    readTimeout: '5m',
    namespaces: undefined,
  });
});
