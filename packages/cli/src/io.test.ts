import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { type OutStream, writeChunks } from './io.js';

/** A stream whose buffer is full after every write until the test lets it drain. */
function slowStream() {
  const events = new EventEmitter();
  const written: string[] = [];
  let waiting = 0;
  const out: OutStream = {
    write: (text) => {
      written.push(text);
      return false;
    },
    once: (event, listener) => {
      waiting++;
      events.once(event, listener);
    },
  };
  return { out, written, drain: () => events.emit('drain'), waiting: () => waiting };
}

describe('writeChunks', () => {
  test('waits for drain before writing more when the stream is full', async () => {
    const s = slowStream();
    let produced = 0;
    function* chunks() {
      for (let i = 0; i < 4; i++) {
        produced++;
        yield 'x'.repeat(1 << 16);
      }
    }
    const done = writeChunks(s.out, chunks());
    await new Promise((resolve) => setImmediate(resolve));
    // One 64 KiB piece written, then it waits: nothing more is produced meanwhile.
    assert.equal(s.written.length, 1);
    assert.equal(produced, 1);
    for (let k = 0; k < 4; k++) {
      s.drain();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    assert.equal(s.written.join('').length, 4 << 16);
    assert.equal(s.waiting(), 4);
  });

  test('small outputs are joined into one write; a stream without drain is written straight', async () => {
    const written: string[] = [];
    await writeChunks({ write: (t) => void written.push(t) }, ['a', 'b', 'c']);
    assert.deepEqual(written, ['abc']);
  });
});
