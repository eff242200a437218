import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../io.js';
import { parsePorts } from './lab-probe-command.js';

describe('lab probe --port', () => {
  it('reads ports as check and matrix do', () => {
    assert.deepEqual(parsePorts(['80', 'dns/udp', 'http', '9000/SCTP']), [
      { protocol: 'TCP', port: 80 },
      { protocol: 'UDP', port: 'dns' },
      { protocol: 'TCP', port: 'http' },
      { protocol: 'SCTP', port: 9000 },
    ]);
  });
  // A name no container port can have would probe nothing: refused with the API server's reason.
  const bad: [string, RegExp][] = [
    ['-x', /^--port: "-x" is not a port \(port name: Invalid value: "-x": must not begin or end with a hyphen\)/],
    ['a--b', /must not contain consecutive hyphens/],
    ['0', /^--port: port 0 is out of range 1-65535$/],
    ['80/ICMP', /^--port: unknown protocol "ICMP"/],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${text}`, () =>
      assert.throws(
        () => parsePorts([text]),
        (e) => e instanceof UsageError && message.test(e.message),
      ));
  }
});
