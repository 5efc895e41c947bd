import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { listenStream } from '../../../collectors/syslog/tcp-listener.ts';

test('close() resolves only after a half-open peer\'s unterminated frame was handed over', { timeout: 10000 }, async () => {
  // The collector stops ingesting once its listeners are closed; the frame used to arrive after that (lost on SIGTERM).
  const frames: string[] = [];
  const l = await listenStream({ host: '127.0.0.1', port: 0 }, (b, s, e) => { frames.push(b.toString('latin1', s, e)); }, () => {});
  const c = net.connect({ port: l.port, host: '127.0.0.1', allowHalfOpen: true });
  c.on('error', () => {});
  await once(c, 'connect');
  c.write('<134>whole\n<134>held, no newline');
  while (l.connections() === 0 || frames.length === 0) await new Promise((r) => setTimeout(r, 10));
  await l.close();
  assert.deepEqual(frames, ['<134>whole', '<134>held, no newline']);
  c.destroy();
});
