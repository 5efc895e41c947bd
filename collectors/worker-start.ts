/* Starts a worker_threads Worker on a sibling module of the caller, compiled (.js) or under tsx (.ts, where the
 * worker must register tsx's loader itself: Node 20 does not pass --import hooks to workers). Hot path: no.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** `base` is the caller's import.meta.url, `name` the module name without extension. */
export function startWorker(base: string, name: string, workerData: unknown): Worker {
  const ext = path.extname(new URL(base).pathname);
  const script = new URL(name + ext, base);
  return ext === '.ts'
    ? new Worker("import('tsx/esm/api').then((t) => t.register()).then(() => import(" + JSON.stringify(script.href) + '))',
      { eval: true, workerData })
    : new Worker(script, { workerData });
}
