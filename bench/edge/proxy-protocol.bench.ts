/*
 * PROXY protocol codec micro benchmark: ns per decoded v1 / v2 header and per encoded header (what an accept-proxy
 * connection and a send-proxy server connection pay once), median of 5 rounds. Run:
 *   node --import tsx bench/edge/proxy-protocol.bench.ts
 */
import { ppDecode, PpInfo, ppEncodeV1, ppEncodeV2 } from '../../proxy/net/proxy-protocol.ts';

const N = 200_000;
const v1 = Buffer.from('PROXY TCP4 192.168.10.20 10.0.0.1 56324 443\r\nGET / HTTP/1.1\r\n');
const v1six = Buffer.from('PROXY TCP6 2001:db8::7 2001:db8::1 56324 443\r\n');
const v2 = Buffer.concat([ppEncodeV2('192.168.10.20', 56324, '10.0.0.1', 443, false, null), Buffer.from('GET / HTTP/1.1\r\n')]);
const v2tlv = ppEncodeV2('192.168.10.20', 56324, '10.0.0.1', 443, false, { crc32c: true, authority: 'www.example.com', uniqueId: '', ssl: null });

function bench(name: string, fn: () => void): void {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) fn();
    rounds.push(Number(process.hrtime.bigint() - t0) / N);
  }
  rounds.sort((a, b) => a - b);
  console.log(`${name.padEnd(34)} ${rounds[2].toFixed(0).padStart(6)} ns/op (median of 5 x ${N})`);
}

const info = new PpInfo();
bench('decode v1 TCP4', () => { ppDecode(v1, 0, v1.length, info); });
bench('decode v1 TCP6', () => { ppDecode(v1six, 0, v1six.length, info); });
bench('decode v2 TCP4', () => { ppDecode(v2, 0, v2.length, info); });
bench('decode v2 TCP4 + authority + crc32c', () => { ppDecode(v2tlv, 0, v2tlv.length, info); });
bench('encode v1 TCP4', () => { ppEncodeV1('192.168.10.20', 56324, '10.0.0.1', 443); });
bench('encode v2 TCP4', () => { ppEncodeV2('192.168.10.20', 56324, '10.0.0.1', 443, false, null); });
