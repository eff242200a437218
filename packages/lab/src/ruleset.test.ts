import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCluster } from '@netpol/core';
import { LabError } from './exec.js';
import { testLabId } from './lab-test-support.js';
import { applyCluster } from './ruleset.js';

describe('nft failures are lab errors (issue 16, item 7)', () => {
  it("with nft's (or ip's) own message, not an internal error", async () => {
    const { cluster } = loadCluster([]).value;
    // A namespace that does not exist (ours by name, never made): `ip netns exec` fails.
    const missing = `np-${testLabId('nf')}-none`;
    await assert.rejects(applyCluster(missing, cluster, { enforce: true }), (error: unknown) => {
      assert.ok(error instanceof LabError, String(error));
      assert.match(error.message, /^the lab's nftables ruleset could not be applied: /);
      assert.match(error.message, new RegExp(missing));
      assert.match(error.hint ?? '', /nftables/);
      return true;
    });
  });
});
