import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeSource } from './fake-source.ts';
import { emptyInstance, refreshInstance } from '../../hatop/refresh.ts';

class ReloadedSource extends FakeSource {
  readonly reconnects: string[] = [];
  reconnect(why: string): void { this.reconnects.push(why); }
}

test('a process that reports Stopping: 1 (the old one after a reload) is left for a new session', async () => {
  const src = new ReloadedSource();
  const m = await refreshInstance(src, emptyInstance(src), () => 1000);
  assert.notEqual(m.snap, null);
  assert.deepEqual(src.reconnects, []);
  src.info = src.info.replace(/^Stopping: 0$/m, 'Stopping: 1');
  assert.match(src.info, /^Stopping: 1$/m);
  const m2 = await refreshInstance(src, m, () => 2000);
  assert.notEqual(m2.snap, null);                       // the last data stays on screen meanwhile
  assert.deepEqual(src.reconnects, ['process stopping (reloaded), reconnecting']);
});
