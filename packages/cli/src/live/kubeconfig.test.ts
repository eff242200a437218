import assert from 'node:assert/strict';
import type { RequestOptions } from 'node:https';
import { describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { boundCredentialPlugins } from './kubeconfig.js';

/**
 * The credential-plugin timeout reaches into @kubernetes/client-node's private
 * `authenticators[].execFn` (no public way exists). These tests fail, fast, when the
 * installed library no longer has that shape or no longer spawns plugins through it: an
 * upgrade then cannot leave a hanging plugin unbounded without a red test.
 */
function configWithPlugin(script: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [
      {
        name: 'u',
        exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: ['-e', script] },
      },
    ],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

describe('credential plugins are bounded through the library as installed', () => {
  test('exactly one authenticator (the exec one) spawns through the bounded spawn, and its answer is used', async () => {
    const credential = {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'tok-1' },
    };
    const kc = configWithPlugin(`console.log(${JSON.stringify(JSON.stringify(credential))})`);
    const seen = boundCredentialPlugins(kc, 30_000);
    assert.equal(seen.bounded, 1, 'the library keeps one exec authenticator with an execFn');
    const request: RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(request);
    assert.equal(seen.ran, process.execPath, 'the library ran the plugin through the bounded spawn');
    assert.equal(seen.timedOut, undefined);
    assert.equal((request.headers as Record<string, string>).Authorization, 'Bearer tok-1');
  });

  test('a plugin that outlives the bound is killed and named', async () => {
    const kc = configWithPlugin('setTimeout(() => {}, 120000)');
    const seen = boundCredentialPlugins(kc, 300);
    await assert.rejects(kc.applyToHTTPSOptions({ headers: {} }));
    assert.equal(seen.timedOut, process.execPath);
  });
});
