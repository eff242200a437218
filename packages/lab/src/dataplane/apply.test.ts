import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type ClusterModel, loadCluster } from '@netpol/core';
import fc from 'fast-check';
import { arbitraryClusterObjects, manifestText } from '../../../core/src/engine/arbitrary-cluster.js';
import { clusterFromYaml } from '../../../core/src/test-helpers.js';
import { FEATURES_EXTERNALS, FEATURES_PORTS, featuresYaml } from './fixtures.js';
import { applyCluster, applyRuleset, compileRuleset, forgetRuleset, NftError, updateRuleset } from './index.js';
import { checkConnectivity, endpointsOf } from './lab-check.js';
import { runElementBatch } from './nft-session.js';
import { hostSnapshot, labUnavailable, sweepStaleLabs, TestTopology, uniqueLabId } from './test-topology.js';

const exec = promisify(execFile);
const skip = await labUnavailable();
const TCP = FEATURES_PORTS.filter((p) => p.protocol === 'TCP').map((p) => p.port);
const UDP = FEATURES_PORTS.filter((p) => p.protocol === 'UDP').map((p) => p.port);

async function listTable(netns: string): Promise<string> {
  return (await exec('ip', ['netns', 'exec', netns, 'nft', 'list', 'table', 'inet', 'netpol'])).stdout;
}

/** A topology for `cluster` with servers on every probe port, ruleset applied before links. */
async function labFor(
  cluster: ClusterModel,
  externals: readonly string[],
  enforce = true,
  tcp: number[] = TCP,
  udp: number[] = UDP,
  stateFile?: string,
) {
  const endpoints = endpointsOf(cluster, externals);
  const topo = await TestTopology.create(uniqueLabId(), endpoints, (node) =>
    applyCluster(node, cluster, { enforce, stateFile }),
  );
  try {
    await topo.startServers(endpoints, tcp, udp);
  } catch (error) {
    await topo.destroy();
    throw error;
  }
  return topo;
}

/**
 * Random clusters moved into the lab ranges: the generator's 10.0.0.0/23 pods become
 * 198.18.100-101.x (never the 198.18.0.1 gateway), its CIDRs follow, 8.8.8.8 is dropped.
 */
function labScenario(objects: unknown[]): { cluster: ClusterModel; externals: string[] } {
  const text = manifestText(objects as Record<string, unknown>[])
    .replaceAll('"10.0.0.0/8"', '"198.18.0.0/15"')
    .replaceAll('"10.0.0.0/16"', '"198.18.0.0/16"')
    .replaceAll('"10.0.0.', '"198.18.100.')
    .replaceAll('"10.0.1.', '"198.18.101.');
  assert.ok(!/"10\./.test(text), 'an address outside the lab ranges is left');
  const result = loadCluster([{ name: 'random.yaml', text }]);
  assert.ok(result.ok);
  return { cluster: result.value.cluster, externals: ['203.0.113.10', '203.0.113.200', '198.18.100.200'] };
}

describe('dataplane in a real network namespace', { skip }, () => {
  let hostBefore = '';
  before(async () => {
    await sweepStaleLabs();
    hostBefore = await hostSnapshot();
  });
  after(async () => {
    assert.equal(await hostSnapshot(), hostBefore, 'the host links, routes or nftables ruleset changed');
  });

  it('enforces the features cluster as the engine decides, Services and hairpin included', async () => {
    const cluster = clusterFromYaml(featuresYaml());
    const topo = await labFor(cluster, FEATURES_EXTERNALS);
    try {
      const report = await checkConnectivity(topo, cluster, FEATURES_EXTERNALS, {
        ports: FEATURES_PORTS,
        services: true,
      });
      assert.deepEqual(report.mismatches, []);
      assert.ok(report.allowed > 20 && report.denied > 20, JSON.stringify(report));

      // Hairpin: deny-all prod/worker and ingress-isolated web reach themselves through their Services.
      const worker = cluster.services.find((s) => s.id === 'prod/worker')?.clusterIP as string;
      const web = cluster.services.find((s) => s.id === 'default/web')?.clusterIP as string;
      assert.deepEqual(await topo.probe('198.18.2.11', [{ ip: worker, port: 80, protocol: 'TCP' }]), [
        { answered: true, server: 'prod/worker' },
      ]);
      assert.deepEqual(await topo.probe('198.18.1.10', [{ ip: web, port: 80, protocol: 'TCP' }]), [
        { answered: true, server: 'default/web' },
      ]);

      // Two backends: client may reach web but not other, so only web ever answers; an
      // outside host may reach both, and both answer over 16 tries.
      const pool = cluster.services.find((s) => s.id === 'default/pool')?.clusterIP as string;
      const tries = Array.from({ length: 16 }, () => ({ ip: pool, port: 80, protocol: 'TCP' as const }));
      const fromClient = await topo.probe('198.18.1.11', tries, 1000);
      assert.ok(fromClient.some((r) => r.answered) && fromClient.some((r) => !r.answered), JSON.stringify(fromClient));
      assert.deepEqual(new Set(fromClient.filter((r) => r.answered).map((r) => r.server)), new Set(['default/web']));
      const fromOutside = await topo.probe('203.0.113.20', tries, 2000);
      assert.deepEqual(new Set(fromOutside.map((r) => r.server)), new Set(['default/web', 'default/other']));
    } finally {
      await topo.destroy();
    }
  });

  it('with enforce false only translates Services: every connection answers', async () => {
    const cluster = clusterFromYaml(featuresYaml());
    const topo = await labFor(cluster, FEATURES_EXTERNALS, false);
    try {
      const report = await checkConnectivity(topo, cluster, FEATURES_EXTERNALS, {
        ports: FEATURES_PORTS,
        services: true,
        enforce: false,
      });
      assert.deepEqual(report.mismatches, []);
      assert.ok(!(await listTable(topo.node)).includes('hook forward'));
    } finally {
      await topo.destroy();
    }
  });

  it('agrees with the engine on random clusters', async () => {
    const samples = fc.sample(arbitraryClusterObjects(), { numRuns: 3, seed: 20261125 });
    for (const objects of samples) {
      const { cluster, externals } = labScenario(objects);
      const numbers = [53, 80, 81, 8080];
      const topo = await labFor(cluster, externals, true, numbers, numbers);
      try {
        const ports = numbers.flatMap((port) => [
          { protocol: 'TCP' as const, port },
          { protocol: 'UDP' as const, port },
        ]);
        const report = await checkConnectivity(topo, cluster, externals, { ports });
        assert.deepEqual(report.mismatches, [], manifestText(objects as Record<string, unknown>[]));
      } finally {
        await topo.destroy();
      }
    }
  });

  it('updates a label change by map elements, a policy change in full, and enforces both', async () => {
    const before = clusterFromYaml(featuresYaml());
    const topo = await labFor(before, FEATURES_EXTERNALS);
    try {
      // other becomes a client: it joins classes that exist already.
      const relabelled = clusterFromYaml(featuresYaml({ otherLabels: { app: 'client', pool: 'yes' } }));
      const first = await updateRuleset(topo.node, before, relabelled, { enforce: true });
      assert.equal(first.mode, 'elements');
      let report = await checkConnectivity(topo, relabelled, FEATURES_EXTERNALS, { ports: FEATURES_PORTS });
      assert.deepEqual(report.mismatches, []);

      // other leaves the pool Service: its NAT chain and the hairpin set change by commands.
      const unpooled = clusterFromYaml(featuresYaml({ otherLabels: { app: 'other' } }));
      const second = await updateRuleset(topo.node, relabelled, unpooled, { enforce: true });
      assert.equal(second.mode, 'elements');
      report = await checkConnectivity(topo, unpooled, FEATURES_EXTERNALS, { ports: FEATURES_PORTS, services: true });
      assert.deepEqual(report.mismatches, []);
      assert.ok(report.allowed > 0 && report.denied > 0);

      const denied = clusterFromYaml(featuresYaml({ otherLabels: { app: 'other' }, extraPolicy: true }));
      const third = await updateRuleset(topo.node, unpooled, denied, { enforce: true });
      assert.equal(third.mode, 'full');
      report = await checkConnectivity(topo, denied, FEATURES_EXTERNALS, { ports: FEATURES_PORTS, services: true });
      assert.deepEqual(report.mismatches, []);
    } finally {
      await topo.destroy();
    }
  });

  it('a new NAT chain is added by elements: a label change making a new class and endpoint count', async () => {
    // No Service has two endpoints before; afterwards pool has web and other (nat_tcp_2 is
    // new), and other, now a client at an address db-ingress's ipBlock treats apart from
    // client's, needs a peer class no pod had.
    const before = clusterFromYaml(featuresYaml({ otherLabels: { app: 'other' } }));
    const topo = await labFor(before, FEATURES_EXTERNALS);
    try {
      assert.doesNotMatch(await listTable(topo.node), /chain nat_tcp_2 /);
      const after = clusterFromYaml(featuresYaml({ otherLabels: { app: 'client', pool: 'yes' } }));
      const update = await updateRuleset(topo.node, before, after, { enforce: true });
      assert.equal(update.mode, 'elements');
      assert.match(await listTable(topo.node), /chain nat_tcp_2 /);
      const report = await checkConnectivity(topo, after, FEATURES_EXTERNALS, {
        ports: FEATURES_PORTS,
        services: true,
      });
      assert.deepEqual(report.mismatches, []);
      // And back: the chain goes, by elements again.
      const back = await updateRuleset(topo.node, after, before, { enforce: true });
      assert.equal(back.mode, 'elements');
      assert.doesNotMatch(await listTable(topo.node), /chain nat_tcp_2 /);
    } finally {
      await topo.destroy();
    }
  });

  it('runs element batches in an nft session: all or nothing, and in the namespace of that name now', async () => {
    const history = join(process.env.HOME ?? '/root', '.nft.history');
    const hadHistory = existsSync(history);
    const before = clusterFromYaml(featuresYaml());
    const after = clusterFromYaml(featuresYaml({ otherLabels: { app: 'client', pool: 'yes' } }));
    const topo = await TestTopology.create(uniqueLabId(), []);
    try {
      await applyCluster(topo.node, before, { enforce: true });
      assert.equal((await updateRuleset(topo.node, before, after, { enforce: true })).mode, 'elements');
      const generation = /elements = \{ "([0-9a-f]+)" \}/.exec(await listTable(topo.node))?.[1] as string;
      assert.ok(generation);
      const listed = await listTable(topo.node);
      // A wrong base, and a batch whose last command fails: neither changes anything.
      const add = 'add element inet netpol hairpin { 198.18.77.77 . 198.18.77.77 }';
      await assert.rejects(runElementBatch(topo.node, 'netpol', [add], 'not-the-generation', 'g2'), NftError);
      await assert.rejects(
        runElementBatch(
          topo.node,
          'netpol',
          [add, 'delete element inet netpol hairpin { 198.18.77.78 . 198.18.77.78 }'],
          generation,
          'g3',
        ),
        NftError,
      );
      assert.equal(await listTable(topo.node), listed);

      // The namespace goes and comes back under its name: the next batch goes to the new one.
      await exec('ip', ['netns', 'del', topo.node]);
      await exec('ip', ['netns', 'add', topo.node]);
      await applyCluster(topo.node, before, { enforce: true });
      assert.equal((await updateRuleset(topo.node, before, after, { enforce: true })).mode, 'elements');
      assert.match(await listTable(topo.node), /198\.18\.1\.12 : \d+/);
    } finally {
      await topo.destroy();
    }
    assert.equal(existsSync(history), hadHistory, 'interactive nft wrote a history file');
  });

  it('updates by elements from a state file (another process), refuses a base the kernel lacks', async () => {
    const before = clusterFromYaml(featuresYaml());
    const stateFile = join(mkdtempSync(join(tmpdir(), 'np-dp-state-')), 'dataplane.json');
    const topo = await labFor(before, FEATURES_EXTERNALS, true, TCP, UDP, stateFile);
    try {
      // A new process: nothing in memory, the state file and the kernel's generation agree.
      forgetRuleset(topo.node);
      const relabelled = clusterFromYaml(featuresYaml({ otherLabels: { app: 'client', pool: 'yes' } }));
      const first = await updateRuleset(topo.node, before, relabelled, { enforce: true, stateFile });
      assert.equal(first.mode, 'elements');
      forgetRuleset(topo.node);
      const unpooled = clusterFromYaml(featuresYaml({ otherLabels: { app: 'other' } }));
      const second = await updateRuleset(topo.node, relabelled, unpooled, { enforce: true, stateFile });
      assert.equal(second.mode, 'elements');
      let report = await checkConnectivity(topo, unpooled, FEATURES_EXTERNALS, {
        ports: FEATURES_PORTS,
        services: true,
      });
      assert.deepEqual(report.mismatches, []);

      // Someone replaced the ruleset behind the state file's back: the generation swap fails
      // as a whole and the full ruleset goes in instead.
      await applyRuleset(topo.node, compileRuleset(before, { enforce: true }));
      forgetRuleset(topo.node);
      const third = await updateRuleset(topo.node, unpooled, relabelled, { enforce: true, stateFile });
      assert.equal(third.mode, 'full');
      report = await checkConnectivity(topo, relabelled, FEATURES_EXTERNALS, { ports: FEATURES_PORTS, services: true });
      assert.deepEqual(report.mismatches, []);
    } finally {
      await topo.destroy();
      rmSync(dirname(stateFile), { recursive: true, force: true });
    }
  });

  it('keeps the previous ruleset when an apply fails (parse error or kernel refusal)', async () => {
    const cluster = clusterFromYaml(featuresYaml());
    const topo = await TestTopology.create(uniqueLabId(), []);
    try {
      // Every golden text loads as it is.
      for (const name of ['empty', 'service-no-policy', 'policies', 'policies-no-enforce', 'dns-service-udp-and-tcp']) {
        await applyRuleset(topo.node, readFileSync(new URL(`./golden/${name}.nft`, import.meta.url), 'utf8'));
      }
      const good = compileRuleset(cluster, { enforce: true });
      await applyRuleset(topo.node, good);
      const listed = await listTable(topo.node);
      assert.match(listed, /map egress_subject/);
      assert.match(listed, /sctp \. 9999/, 'the SCTP rule port loaded');
      assert.match(listed, /chain nat_sctp_1 /, 'the SCTP Service port loaded');
      const broken = good.replace(/\n}\n$/, '\n\tchain broken {\n\t\tthis is not nft\n\t}\n}\n');
      await assert.rejects(applyRuleset(topo.node, broken), NftError);
      assert.equal(await listTable(topo.node), listed);
      // Parses, but the kernel refuses a jump loop reachable from a base chain at commit time.
      const loop = good.replace(
        /\n}\n$/,
        '\n\tchain lbase {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tjump la\n\t}\n' +
          '\tchain la {\n\t\tjump lb\n\t}\n\tchain lb {\n\t\tjump la\n\t}\n}\n',
      );
      await assert.rejects(applyRuleset(topo.node, loop), NftError);
      assert.equal(await listTable(topo.node), listed);
    } finally {
      await topo.destroy();
    }
  });
});
