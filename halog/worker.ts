// Worker thread body for parallel.ts: scans blocks of the file given in workerData (range-scan.ts) until
// the shared counter runs out, and posts the result back. Hot path: yes (the scan).
import { parentPort, workerData } from 'node:worker_threads';
import { scanBlocks } from './range-scan.ts';
import type { BlockTask } from './range-scan.ts';

parentPort!.postMessage(scanBlocks(workerData as BlockTask));
