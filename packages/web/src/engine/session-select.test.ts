import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { InputFile } from '../protocol.js';
import { Session } from './session.js';

const examples = join(import.meta.dirname, '..', '..', '..', '..', 'examples');

function session(example: string): Session {
  const dir = join(examples, example);
  const files: InputFile[] = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'expect.yaml')
    .sort()
    .map((f) => ({ name: `${example}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
  return new Session({ mode: 'serve', files, namespace: 'default', canSave: false, version: 0 });
}

describe('Selection of a pod (the worker side)', () => {
  test('the admin tiers selecting it, in the order consulted, as netpol explain --pod names them', () => {
    const view = session('005-admin-guardrails').select('pod', 'team-a/api');
    assert.equal(view.kind, 'pod');
    if (view.kind !== 'pod') return;
    assert.deepEqual(
      view.admin?.map((p) => [p.tier, p.name, p.rules, `${p.file}:${p.line}`]),
      [
        [
          'admin',
          'ClusterNetworkPolicy cluster-guardrails (priority 10)',
          '0 ingress rules, 2 egress rules',
          '005-admin-guardrails/guardrails.yaml:3',
        ],
        [
          'admin',
          'ClusterNetworkPolicy team-delegation (priority 20)',
          '1 ingress rule, 1 egress rule',
          '005-admin-guardrails/team-delegation.yaml:3',
        ],
        [
          'baseline',
          'ClusterNetworkPolicy default-deny (priority 100)',
          '1 ingress rule, 1 egress rule',
          '005-admin-guardrails/baseline-default-deny.yaml:4',
        ],
      ],
    );
    assert.deepEqual(
      view.admin?.map((p) => p.id),
      [
        'ClusterNetworkPolicy/cluster-guardrails',
        'ClusterNetworkPolicy/team-delegation',
        'ClusterNetworkPolicy/default-deny',
      ],
    );
    assert.deepEqual(
      view.ingress.rules.map((r) => [r.policy, r.direction, r.index, r.peers?.matches]),
      [['team-a/api-allow-client', 'ingress', 0, 'matches 1 pod: team-b/client']],
    );
  });

  test('without admin tier policies in the input, no admin list', () => {
    const view = session('001-frontend-backend').select('pod', 'default/backend[Deployment]');
    assert.equal(view.kind === 'pod' && view.admin, undefined);
  });
});
