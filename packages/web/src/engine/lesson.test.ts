import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { InputFile } from '../protocol.js';
import { buildLesson, verifyLesson } from './lesson.js';

const examples = join(import.meta.dirname, '..', '..', '..', '..', 'examples');
const ids = readdirSync(examples, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function filesOf(id: string): InputFile[] {
  return readdirSync(join(examples, id))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ name: `${id}/${f}`, text: readFileSync(join(examples, id, f), 'utf8') }));
}

describe('Learn: the examples as lessons', () => {
  for (const id of ids) {
    test(`${id}: the tutorial's policies pass every goal; no policies fail some`, () => {
      const lesson = buildLesson(id, filesOf(id));
      assert.ok(lesson, 'every example has expect.yaml');
      assert.ok(lesson.cases.length > 0);
      assert.ok(
        lesson.given.every((f) => !/kind:\s*\w*NetworkPolicy/.test(f.text)),
        'no policy is given away',
      );
      const solved = verifyLesson(lesson, lesson.answer);
      assert.deepEqual(solved.errors, []);
      assert.equal(solved.passed, lesson.cases.length);
      const empty = verifyLesson(lesson, '');
      assert.ok(empty.passed < lesson.cases.length, 'a lesson that nothing fails teaches nothing');
      const failed = empty.results.find((r) => !r.pass);
      assert.ok(failed && failed.reasons.length > 0, 'a failed goal says why');
    });
  }

  test('001: frontend -> backend on 80 allowed, the rest denied; a wrong port fails that goal', () => {
    const lesson = buildLesson('001-frontend-backend', filesOf('001-frontend-backend'));
    assert.ok(lesson);
    const goal = (from: string, to: string, port: string) =>
      lesson.cases.find((c) => c.from === from && c.to === to && c.port === port);
    assert.equal(goal('default/frontend[Deployment]', 'default/backend[Deployment]', '80')?.allowed, true);
    assert.equal(goal('default/other-app', 'default/backend[Deployment]', '80')?.allowed, false);
    const wrong = verifyLesson(lesson, lesson.answer.replace(/port: 80\b/g, 'port: 8080'));
    const result = wrong.results.find((r) => r.from === 'default/frontend[Deployment]' && r.port === '80');
    assert.equal(result?.pass, false);
    assert.equal(result?.actual, false);
  });

  test('DNS lessons ask for UDP and TCP 53', () => {
    const ports = ids.flatMap((id) => buildLesson(id, filesOf(id))?.cases.map((c) => c.port) ?? []);
    assert.ok(ports.includes('53/UDP'), ports.join(' '));
    assert.ok(ports.includes('53/TCP') || ports.includes('53'), ports.join(' '));
  });

  // The trap the issue names: DNS allowed on UDP only breaks lookups that fall back to TCP.
  const dnsLessons = ['000-part3-egress-dns', '002-ex2-allow-dns', '003-default-deny-dns'];
  for (const id of dnsLessons) {
    test(`${id}: an answer allowing DNS on UDP only fails a 53/TCP goal, with the reason`, () => {
      const lesson = buildLesson(id, filesOf(id));
      assert.ok(lesson);
      assert.ok(
        lesson.cases.some((c) => c.port === '53/TCP' && c.allowed),
        'the lesson asks for DNS over TCP',
      );
      const udpOnly = lesson.answer.replace(/\n\s*- protocol: TCP\n\s*port: 53(?=\n|$)/g, '');
      assert.notEqual(udpOnly, lesson.answer);
      const result = verifyLesson(lesson, udpOnly);
      assert.deepEqual(result.errors, []);
      const tcp = result.results.filter((r) => r.port === '53/TCP' && r.allowed);
      assert.ok(tcp.length > 0 && tcp.every((r) => !r.pass && r.actual === false), JSON.stringify(tcp));
      assert.ok(tcp.every((r) => r.reasons.some((l) => /no rule matches \(53\/TCP/.test(l))));
      assert.ok(result.results.filter((r) => r.port === '53/UDP' && r.allowed).every((r) => r.pass));
    });
  }

  test('YAML errors in the answer are reported with answer.yaml:line:col', () => {
    const lesson = buildLesson('002-ex1-default-deny-all', filesOf('002-ex1-default-deny-all'));
    assert.ok(lesson);
    const result = verifyLesson(
      lesson,
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: x\nspec:\n  podSelector: 3\n',
    );
    assert.ok(
      result.errors.some((e) => /^answer\.yaml:6:\d+: spec\.podSelector/.test(e)),
      result.errors.join('\n'),
    );
  });
});
