import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { at } from './at.js';
import { createLoadCache, type LoadOptions, loadCluster } from './load-cluster.js';
import { AddressAllocator } from './model/address-allocator.js';
import { unmovedModel } from './model/build-cluster.js';
import { originLocation } from './model/origin-location.js';
import type { ClusterModel } from './model/types.js';

/** Objects a file may hold: valid, invalid (a validation error), and not YAML at all. */
const SNIPPETS = [
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: a}\n',
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: b}\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: web}}\nspec:\n  containers: [{name: c, image: x, ports: [{containerPort: 80}]}]\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: api, namespace: shop, labels: {app: api}}\nspec: {containers: [{name: c, image: x}]}\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: other}}\nspec: {containers: [{name: c, image: x}]}\n',
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: api}}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: web}}\n',
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: q, namespace: shop}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{port: 70000}]}]\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
  'kind: [broken\n',
];

/**
 * List items in block style (`netpol gen`'s shape: an edit re-reads only the changed items,
 * `list-layout`): workloads whose replicas get made-up addresses, and the pods and policies
 * above, so pod models are kept, moved, or given another address from one load to the next.
 */
const ITEMS = [
  '  - apiVersion: v1\n    kind: Namespace\n    metadata:\n      name: shop\n      labels:\n        team: a\n',
  '  - apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n      namespace: shop\n    spec:\n      replicas: 2\n      template:\n        metadata:\n          labels: &w\n            app: web\n        spec:\n          containers:\n            - name: c\n              ports:\n                - containerPort: 80\n      selector:\n        matchLabels: *w\n',
  '  - apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n      namespace: shop\n    spec:\n      replicas: 3\n      template:\n        metadata:\n          labels:\n            app: web\n',
  '  - apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: api\n      namespace: shop\n    spec:\n      template:\n        metadata:\n          labels:\n            app: api\n',
  '  - apiVersion: apps/v1\n    kind: ReplicaSet\n    metadata:\n      name: api-5d9\n      namespace: shop\n      ownerReferences:\n        - kind: Deployment\n          name: api\n          controller: true\n    spec:\n      replicas: 2\n      template:\n        metadata:\n          labels:\n            app: api\n',
  '  - apiVersion: apps/v1\n    kind: StatefulSet\n    metadata:\n      name: db\n    spec:\n      replicas: 2\n      template:\n        metadata:\n          labels:\n            app: db\n',
  '  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata:\n      name: p\n      namespace: shop\n    spec:\n      podSelector:\n        matchLabels:\n          app: api\n      ingress:\n        - from:\n            - podSelector:\n                matchLabels:\n                  app: web\n',
  '  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata:\n      name: p\n      namespace: shop\n    spec:\n      podSelector: {}\n      policyTypes:\n        - Egress\n',
  '  - apiVersion: v1\n    kind: Service\n    metadata:\n      name: web\n      namespace: shop\n    spec:\n      selector:\n        app: web\n      ports:\n        - port: 80\n',
];
const list = fc
  .array(fc.constantFrom(...ITEMS), { minLength: 1, maxLength: 6 })
  .map((items) => `apiVersion: v1\nkind: List\nitems:\n${items.join('')}`);
const file = fc.oneof(
  fc.array(fc.constantFrom(...SNIPPETS), { minLength: 0, maxLength: 3 }).map((docs) => docs.join('---\n')),
  list,
);
/** Three files, as a session edits them: each step one file's text changes (or stays). */
const steps = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), file), { minLength: 1, maxLength: 6 });

/** What a load says, with origins as the places they cite (objects hold closures and texts). */
function observed(files: string[], options: LoadOptions) {
  const result = loadCluster(
    files.map((text, i) => ({ name: `f${i}.yaml`, text })),
    options,
  );
  const { cluster } = result.value;
  const where = (x: { id: string; origin?: Parameters<typeof originLocation>[0] }) => [x.id, originLocation(x.origin)];
  return {
    cluster,
    seen: {
      ok: result.ok,
      issues: result.issues,
      objects: result.value.objects.map((o) => [o.source.name, o.docIndex, o.kind, o.value]),
      cluster: JSON.parse(JSON.stringify(cluster, (key, value) => (key === 'origin' ? undefined : value))),
      namespaces: [...cluster.namespaces.values()].map((n) => [n.name, n.labels, n.implicit, originLocation(n.origin)]),
      origins: [
        ...cluster.pods.map(where),
        ...cluster.policies.map(where),
        ...cluster.workloads.map(where),
        ...cluster.services.map(where),
        ...(cluster.dropped ?? []).map(where),
        ...cluster.workloads.flatMap((w) => w.pods.map(where)),
      ],
    },
  };
}

/** A List item of the admin tier: built again at every build (not kept), placed or not. */
const ADMIN_ITEM =
  '  - apiVersion: policy.networking.k8s.io/v1alpha2\n    kind: ClusterNetworkPolicy\n    metadata:\n      name: guard\n    spec:\n      tier: Admin\n      priority: 10\n      subject:\n        namespaces: {}\n      ingress:\n        - name: deny\n          action: Deny\n          from:\n            - namespaces: {}\n';

describe('loadCluster with a cache (the web UI re-reads only the edited file)', () => {
  it('every load through one cache equals a fresh load of the same files (issues, model, positions)', () => {
    fc.assert(
      fc.property(fc.tuple(file, file, file), steps, fc.boolean(), fc.boolean(), (start, edits, strict, small) => {
        const cache = createLoadCache();
        // A /22's 767 addresses: replicas of different workloads now and then want one address.
        const podCidr = small ? '10.8.0.0/22' : undefined;
        const options = { strict, ...(podCidr ? { podCidr } : {}) };
        const files = [...start];
        // Each load after the one before (BuildOptions.after): its pods, workloads and Services
        // are shared when only policies changed.
        let last = observed(files, { cache, ...options });
        assert.deepEqual(last.seen, observed(files, options).seen);
        for (const [index, text] of edits) {
          files[index] = text;
          last = observed(files, { cache, after: last.cluster, ...options });
          assert.deepEqual(last.seen, observed(files, options).seen);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('an unchanged file is not read again: its objects are the same objects', () => {
    const cache = createLoadCache();
    const sources = (second: string) => [
      { name: 'a.yaml', text: at(SNIPPETS, 2) },
      { name: 'b.yaml', text: second },
    ];
    const first = loadCluster(sources(at(SNIPPETS, 5)), { cache });
    const again = loadCluster(sources(at(SNIPPETS, 6)), { cache });
    assert.equal(again.value.objects[0], first.value.objects[0]);
    // What is built from an unchanged object is kept too (compiled policies hang on it).
    const third = loadCluster([...sources(at(SNIPPETS, 6)), { name: 'c.yaml', text: at(SNIPPETS, 0) }], { cache });
    assert.equal(third.value.cluster.policies[0], again.value.cluster.policies[0]);
    assert.notEqual(again.value.objects[1], first.value.objects[1]);
    assert.equal(again.value.cluster.policies[0]?.types.egress, true);
  });

  it('a kept pod whose made-up address another pod now takes gets a new model with the new address', () => {
    const cidr = '10.8.0.0/22';
    // Two workloads whose first replicas hash to one address: the one sorted first takes it.
    const slotOf = (name: string) => new AddressAllocator(cidr).allocate(`shop/${name}-0`);
    const bySlot = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let k = 0; k < 2000 && !pair; k++) {
      const name = `w${k}`;
      const other = bySlot.get(slotOf(name));
      if (other) pair = [other, name].sort() as [string, string];
      else bySlot.set(slotOf(name), name);
    }
    assert.ok(pair, 'no two names share an address in 2,000 tries');
    const [first, second] = pair;
    const deployment = (name: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels:\n        app: ${name}\n`;
    const cache = createLoadCache();
    const alone = [{ name: 'a.yaml', text: deployment(second) }];
    const both = [...alone, { name: 'b.yaml', text: deployment(first) }];
    const before = loadCluster(alone, { cache, podCidr: cidr }).value.cluster;
    const after = loadCluster(both, { cache, podCidr: cidr }).value.cluster;
    const fresh = loadCluster(both, { podCidr: cidr }).value.cluster;
    const ipOf = (cluster: typeof after, name: string) => cluster.pods.find((p) => p.name === `${name}-0`)?.ips;
    assert.deepEqual(ipOf(before, second), [slotOf(second)]);
    assert.deepEqual(ipOf(after, first), [slotOf(first)]);
    assert.notDeepEqual(ipOf(after, second), ipOf(before, second), 'the second replica moved on');
    assert.deepEqual(ipOf(after, second), ipOf(fresh, second));
    assert.deepEqual(ipOf(before, second), [slotOf(second)], 'the first load keeps its own address');
    // And back: alone again, it takes its first address back.
    const again = loadCluster(alone, { cache, podCidr: cidr }).value.cluster;
    assert.deepEqual(ipOf(again, second), [slotOf(second)]);
  });

  it('an unchanged workload keeps its pod models, and an edit above it in a List moves them', () => {
    const cache = createLoadCache();
    const items = [at(ITEMS, 0), at(ITEMS, 1), at(ITEMS, 3), at(ITEMS, 6)];
    const text = `apiVersion: v1\nkind: List\nitems:\n${items.join('')}`;
    const first = loadCluster([{ name: 'l.yaml', text }], { cache }).value.cluster;
    // An edit below the workloads: their objects and pods are the same.
    const below = `${text}# edited\n`;
    const second = loadCluster([{ name: 'l.yaml', text: below }], { cache }).value.cluster;
    assert.equal(second.pods[0], first.pods[0]);
    // A line added to the Namespace (above): the pods move, with their origin at the new place.
    const above = below.replace('team: a\n', 'team: a\n        tier: x\n');
    const third = loadCluster([{ name: 'l.yaml', text: above }], { cache }).value.cluster;
    assert.notEqual(third.pods[0], second.pods[0]);
    assert.equal(third.pods[0]?.labels, second.pods[0]?.labels, 'moved: the same labels object');
    assert.deepEqual(third.pods[0]?.ips, second.pods[0]?.ips);
    const line = (origin: Parameters<typeof originLocation>[0]) => originLocation(origin)?.line;
    assert.equal(line(third.pods[0]?.origin), (line(second.pods[0]?.origin) ?? 0) + 1);
  });

  it('an edit that moves List items (a line above them) equals a fresh load, and keeps the first build for verdicts', () => {
    // The web UI's what-if on `netpol gen`'s List: a comment on line 1, a line or an item
    // inserted, deleted or changed near the top moves every item after it.
    const edit = fc.oneof(
      fc.record({ op: fc.constant('head' as const), text: fc.constantFrom(' #', ' # a comment', '') }),
      fc.record({ op: fc.constant('line' as const), at: fc.nat(), text: fc.constantFrom('  # c\n', '\n', '# x\n') }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), item: fc.constantFrom(...ITEMS, ADMIN_ITEM) }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('replace' as const), at: fc.nat(), item: fc.constantFrom(...ITEMS, ADMIN_ITEM) }),
    );
    const items = fc.constantFrom(...ITEMS, ADMIN_ITEM);
    type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;
    const apply = (head: string, items: string[], e: Edit): [string, string[]] => {
      const k = 'at' in e ? e.at % (items.length + 1) : 0;
      if (e.op === 'head') return [`apiVersion: v1${e.text}\nkind: List\nitems:\n`, items];
      if (e.op === 'line') return [head, [...items.slice(0, k), e.text + (items[k] ?? ''), ...items.slice(k + 1)]];
      if (e.op === 'insert') return [head, [...items.slice(0, k), e.item, ...items.slice(k)]];
      if (items.length <= 1) return [head, items];
      const at = k % items.length;
      if (e.op === 'delete') return [head, [...items.slice(0, at), ...items.slice(at + 1)]];
      return [head, [...items.slice(0, at), e.item, ...items.slice(at + 1)]];
    };
    /** The model as verdicts see it: every part's value but origins. */
    const verdictsOf = (cluster: ClusterModel) =>
      JSON.parse(
        JSON.stringify({ ...cluster, namespaces: [...cluster.namespaces.values()] }, (key, value) =>
          key === 'origin' ? undefined : value,
        ),
      );
    fc.assert(
      fc.property(
        fc.array(items, { minLength: 1, maxLength: 6 }),
        fc.array(edit, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (start, edits, small) => {
          const options = small ? { podCidr: '10.8.0.0/22' } : {};
          const cache = createLoadCache();
          let head = 'apiVersion: v1\nkind: List\nitems:\n';
          let items = [...start];
          const text = () => `${head}${items.join('')}`;
          const first = observed([text()], { cache, ...options });
          let last = first;
          // An edit's models are not kept by the ones that only move them later (they would keep its text).
          let onlyMoved = true;
          for (const e of edits) {
            [head, items] = apply(head, items, e);
            const next = observed([text()], { cache, after: last.cluster, ...options });
            assert.deepEqual(next.seen, observed([text()], options).seen);
            const unmoved = unmovedModel(next.cluster);
            assert.deepEqual(verdictsOf(unmoved), verdictsOf(next.cluster));
            onlyMoved &&= e.op === 'head';
            if (onlyMoved) {
              // Every item only moved since the first load: shared with the build that first made them, part for part.
              const earlier = unmovedModel(last.cluster);
              const same = (a: readonly object[], b: readonly object[]) =>
                a.length === b.length && a.every((x, k) => x === b[k]);
              assert.ok(same(unmoved.pods, earlier.pods), 'pods');
              assert.ok(same(unmoved.workloads, earlier.workloads), 'workloads');
              assert.ok(same(unmoved.services, earlier.services), 'services');
              assert.ok(same(unmoved.policies, earlier.policies), 'policies');
            }
            last = next;
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a comment on the List's first line keeps the pods, workloads and Services for verdicts, placed one line on", () => {
    const cache = createLoadCache();
    const text = `apiVersion: v1\nkind: List\nitems:\n${[0, 1, 3, 8, 6].map((k) => at(ITEMS, k)).join('')}`;
    const first = loadCluster([{ name: 'l.yaml', text }], { cache }).value.cluster;
    const commented = text.replace('apiVersion: v1\n', 'apiVersion: v1 #\n# and a line\n');
    const second = loadCluster([{ name: 'l.yaml', text: commented }], { cache, after: first }).value.cluster;
    const unmoved = unmovedModel(second);
    assert.notEqual(unmoved, second);
    assert.equal(unmoved.pods, first.pods);
    assert.equal(unmoved.workloads, first.workloads);
    assert.equal(unmoved.services, first.services);
    assert.equal(unmoved.namespaces.get('shop'), first.namespaces.get('shop'));
    const line = (origin: Parameters<typeof originLocation>[0]) => originLocation(origin)?.line ?? 0;
    for (const [moved, was] of [
      [second.pods[0], first.pods[0]],
      [second.workloads[0], first.workloads[0]],
      [second.services[0], first.services[0]],
      [second.namespaces.get('shop'), first.namespaces.get('shop')],
    ] as const) {
      assert.ok(moved?.origin && was?.origin);
      assert.equal(line(moved.origin), line(was.origin) + 1);
    }
    // A second edit: the first build still, placed again from the second's places.
    const third = loadCluster([{ name: 'l.yaml', text: commented.replace(' #', '') }], { cache, after: second });
    assert.equal(unmovedModel(third.value.cluster).pods, first.pods);
    assert.equal(line(third.value.cluster.pods[0]?.origin), line(first.pods[0]?.origin) + 1);
  });
});
