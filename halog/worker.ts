// Worker thread body for parallel.ts: scans the byte range given in workerData (range-scan.ts) and posts
// the result back. Hot path: yes (the scan).
import { parentPort, workerData } from 'node:worker_threads';
import { scanRange } from './range-scan.ts';
import type { RangeTask } from './range-scan.ts';

parentPort!.postMessage(scanRange(workerData as RangeTask));
