/*
 * Binary converters: htonl (an integer as its 4 network-order bytes), be2hex([<sep>],[<chunk>],[<truncate>]) (hex
 * digits, a separator every <chunk> bytes, the last partial chunk dropped with <truncate>), be2dec(<sep>,<chunk>,
 * [<truncate>]) (each <chunk> bytes, 1 to 8, as an unsigned big-endian decimal, the same separator and truncation),
 * and crc32c([<avalanche>])
 * (CRC32-C, RFC 4960 appendix B, optionally through the full avalanche hash). Binary samples are latin1 strings.
 * Registered into log/converters.ts by proxy/modules.ts. Hot path: per evaluation.
 */
import { convArgs, type Conv } from '../log/converters.ts';
import { fullHash } from '../lb/hash-fn.ts';

let crcTable: Uint32Array | null = null;
function crc32c(s: string): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < s.length; i++) crc = crcTable[(crc ^ s.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function text(v: string | number): string {
  if (typeof v === 'string') return v;
  // an integer as binary: 8 bytes, big-endian (2.6's int -> bin cast)
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(Math.trunc(v)));
  return b.toString('latin1');
}

/** The converter for `text`, or undefined / 2.6's complaint. */
export function binConverter(src: string): Conv | string | undefined {
  const m = /^(htonl|be2hex|be2dec|crc32c)(?:\((.*)\))?$/.exec(src);
  if (m === null) return undefined;
  const args = m[2] === undefined ? [] : convArgs(m[2]);
  switch (m[1]) {
    case 'htonl': return (v) => {
      if (v === null) return null;
      const n = typeof v === 'number' ? v : /^\s*-?\d+/.test(v) ? parseInt(v, 10) : null;
      if (n === null) return null;
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n >>> 0);
      return b.toString('latin1');
    };
    case 'crc32c': {
      const av = (args[0] ?? '').trim();
      if (av !== '' && !/^\d+$/.test(av)) return 'expects an integer argument';
      const avalanche = av !== '' && Number(av) !== 0;
      return (v) => { if (v === null) return null; const h = crc32c(text(v)); return avalanche ? fullHash(h) : h; };
    }
    case 'be2dec': {
      // 2.6.12 checks the chunk size, then the truncate flag (an empty or absent argument is 0)
      const chunk = Number((args[1] ?? '').trim() || 0);
      const t = Number((args[2] ?? '').trim() || 0);
      if (chunk < 1 || chunk > 8) return `chunk_size out of [1..8] range (${chunk})`;
      if (t !== 0 && t !== 1) return `Unsupported truncate value (${t})`;
      const sep = args[0] ?? '';
      return (v) => {
        if (v === null) return null;
        const s = text(v);
        const end = t === 1 ? s.length - (s.length % chunk) : s.length;
        let out = '';
        for (let i = 0; i < end; i += chunk) {
          if (i > 0) out += sep;
          const stop = Math.min(i + chunk, end);
          if (stop - i <= 6) {
            let n = 0;
            for (let k = i; k < stop; k++) n = n * 256 + (s.charCodeAt(k) & 0xff);
            out += n;
          } else {
            let n = 0n;
            for (let k = i; k < stop; k++) n = (n << 8n) | BigInt(s.charCodeAt(k) & 0xff);
            out += n.toString();
          }
        }
        return out;
      };
    }
    default: {
      const sep = args[0] ?? '';
      const chunk = args[1] === undefined || args[1].trim() === '' ? 0 : Number(args[1]);
      const trunc = args[2] !== undefined && args[2].trim() !== '' && Number(args[2]) === 1;
      // 2.6.12: a separator needs a chunk size, then the truncate flag is 0 or 1
      if (sep !== '' && chunk <= 0) return `chunk_size needs to be positive (${chunk})`;
      const t = Number((args[2] ?? '').trim() || 0);
      if (t !== 0 && t !== 1) return `Unsupported truncate value (${t})`;
      return (v) => {
        if (v === null) return null;
        const s = text(v);
        const end = trunc && chunk > 0 ? s.length - (s.length % chunk) : s.length;
        let out = '';
        for (let i = 0; i < end; i++) {
          if (chunk > 0 && i > 0 && i % chunk === 0) out += sep;
          out += (s.charCodeAt(i) & 0xff).toString(16).toUpperCase().padStart(2, '0');
        }
        return out;
      };
    }
  }
}
