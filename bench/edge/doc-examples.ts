/*
 * Differential run of HAProxy 2.6's documented configuration examples: extracts every indented "Example(s):" block
 * of doc/configuration.txt (apt-get install haproxy-doc), wraps each into a minimal configuration in the section its
 * keyword belongs to (plus the backends, userlists and files it names), and compares the verdict of
 * `haproxy -c -f` (/usr/sbin/haproxy 2.6.12) with Sluice's own check (checkConfig of proxy/main.ts, in process):
 * ok / warn / error, and for errors whether Sluice names a line haproxy names. Not a test: prints the differences
 * and the score. With --write, stores the cases and haproxy's verdicts in fixtures/configs/docex (goldens of
 * test/proxy/config/docex.test.ts). Hot path: no.
 * Run: node --import tsx bench/edge/doc-examples.ts [--write] [--show] [--only <regex>]   (--known: no haproxy,
 *   the committed goldens against this tree, rewrites their KNOWN list of differences)
 *   env DOC=/usr/share/doc/haproxy/configuration.txt.gz HAPROXY=/usr/sbin/haproxy
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { checkConfig } from '../../proxy/main.ts';

const DOC = process.env.DOC ?? '/usr/share/doc/haproxy/configuration.txt.gz';
const HAPROXY = process.env.HAPROXY ?? '/usr/sbin/haproxy';
const ROOT = path.join(import.meta.dirname, '../..');
const FIX = path.join(ROOT, 'fixtures/configs/docex');

/** One example block as the documentation prints it, with where it comes from. */
interface DocExample { chapter: string; keyword: string; sections: string; docLine: number; lines: string[] }
/** One configuration made from an example (or from one of its lines). */
export interface DocCase { name: string; chapter: string; keyword: string; docLine: number; cfg: string; files: Map<string, string> }

const SECTION_WORDS = new Set(['global', 'defaults', 'frontend', 'backend', 'listen', 'userlist', 'peers', 'resolvers',
  'mailers', 'program', 'http-errors', 'ring', 'log-forward', 'cache', 'fcgi-app']);
// chapters whose examples are not configuration (log lines, CLI, shell) or are not meant to be loaded alone
const SKIP_CHAPTERS = /^(1|8\.[0-9]|8|9\.3|11)(\.|$)/;

function readDoc(): string {
  const raw = fs.readFileSync(DOC);
  return (DOC.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('latin1');
}

function indentOf(s: string): number { let i = 0; while (i < s.length && s[i] === ' ') i++; return i; }

/** A keyword's usage line as the documentation heads its entry ("balance <algorithm> [ <arguments> ]"). */
interface DocUsage { chapter: string; header: string; sections: string; docLine: number }

/** The example blocks and the keyword usage lines of the documentation, in order. */
export function scanDoc(doc: string): { examples: DocExample[]; usages: DocUsage[] } {
  const lines = doc.replace(/\t/g, '        ').split('\n');
  const out: DocExample[] = [];
  const usages: DocUsage[] = [];
  let chapter = '';
  let keyword = '';
  let sections = '';
  let pending: DocUsage[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const ch = /^(\d+(?:\.\d+)*)\.? +[A-Z]/.exec(l);
    if (ch !== null && i + 1 < lines.length && /^-{3,}/.test(lines[i + 1])) {
      chapter = ch[1]; keyword = ''; sections = ''; pending = []; continue;
    }
    // an entry: one or more lines at column 0 after a blank line, then its text indented by 2
    if (/^[a-z][-\w.]*([ (]|$)/.test(l) && (lines[i - 1] ?? '') === '') {
      let j = i;
      while (j < lines.length && /^[a-z]/.test(lines[j])) j++;
      if (/^ {2}\S/.test(lines[j] ?? '')) {
        keyword = l.split(/[ (]/)[0]; sections = '';
        pending = [];
        for (let k = i; k < j; k++) {
          const u = { chapter, header: lines[k].trim(), sections: '', docLine: k + 1 };
          pending.push(u); usages.push(u);
        }
        i = j - 1;
        continue;
      }
    }
    if (/May be used in sections/.test(l)) {
      sections = (lines[i + 1] ?? '').trim();
      for (const u of pending) u.sections = sections;
      continue;
    }
    const ex = /^( *)Examples? *:(.*)$/.exec(l);
    if (ex === null) continue;
    const ind = ex[1].length;
    const block: string[] = [];
    const inline = ex[2].trim();
    let j = i + 1;
    for (; j < lines.length; j++) {
      const t = lines[j];
      if (t.trim() !== '' && indentOf(t) <= ind) break;
      block.push(t);
    }
    while (block.length > 0 && block[block.length - 1].trim() === '') block.pop();
    // an inline example ("Example : bind :8443 ssl crt x.pem") when nothing follows, otherwise it is a title
    if (block.length === 0 && inline !== '') block.push(' '.repeat(ind + 2) + inline);
    if (block.length > 0) {
      const min = Math.min(...block.filter((t) => t.trim() !== '').map(indentOf));
      out.push({ chapter, keyword, sections, docLine: i + 1, lines: block.map((t) => t.slice(min).replace(/ +$/, '')) });
    }
    i = j - 1;
  }
  return { examples: out, usages };
}

// values for the placeholders of usage lines; a line with any other mandatory placeholder is left out
const PLACEHOLDER: Record<string, string> = {
  backend: 'docex-be', frontend: 'docex', table: 'docex-tbl', name: 'docex', aclname: 'docex', string: 'docex',
  integer: '1', value: '3', conns: '100', count: '3', timeout: '5s', length: '32', code: '503', number: '2',
  file: 'files/docex.lst', offset: '0', ipv4: '10.0.0.1', ipv6: '::1', hex: '00ff', bool: '1', method: 'GET',
  time: '5s', delay: '1s', size: '1k', str: 'docex', id: '1', max: '10', var: 'txn.docex', 'var-name': 'txn.docex',
  period: '10s', rate: '10', level: 'info', host: '127.0.0.1', port: '8089', address: '127.0.0.1', fmt: 'docex',
  path: '/docex', prefix: 'docex', text: 'docex', regex: 'docex', pattern: 'docex', header: 'x-docex', hdr: 'x-docex',
  cafile: 'files/ca.pem', crlfile: 'files/docex.crl', cert: 'files/docex.pem', ciphers: 'HIGH', ciphersuites: 'TLS_AES_128_GCM_SHA256',
  protocols: 'http/1.1', backlog: '100', param: 'docex', arg: '1', occ: '1', idx: '1', index: '1', delim: 'x', delimiters: 'x',
  separator: 'x', mask: '24', mask4: '24', mask6: '64', bits: '8', weight: '10', maxconn: '10', status: '200', reason: 'docex',
  ip: '10.0.0.1', email: 'a@b.c', emailaddr: 'a@b.c', hostname: 'docex', 'user-agent': 'docex', uid: '1000', gid: '1000',
  dir: '/tmp', directory: '/tmp', nb: '2', passphrase: 'docex', sample: 'src', expr: 'src', unit: 's',
};

/** The usage line with its optional parts dropped and its placeholders filled in; '' if that is not possible. */
function fillUsage(header: string): string {
  let s = header.replace(/ +: .*$/, '');
  for (let n = 0; n < 10 && /\[[^[\]]*\]/.test(s); n++) s = s.replace(/\[[^[\]]*\]/g, '');
  s = s.replace(/\{\s*([^|}]+?)\s*\|[^}]*\}/g, '$1');
  if (/[[\]{}|]|\.\.\./.test(s)) return '';
  let bad = false;
  s = s.replace(/<([^<>]+)>/g, (m, p: string) => {
    const v = PLACEHOLDER[p.trim()];
    if (v === undefined) bad = true;
    return v ?? m;
  });
  if (bad || /[<>]/.test(s)) return '';
  return s.replace(/\(\s*,?\s*\)/g, '').replace(/,+\)/g, ')').replace(/\(,+/g, '(').replace(/\s+/g, ' ').trim();
}

/** The section a chapter's keywords belong to (their usage lines are wrapped in one of that kind). */
const SECTION_OF_CHAPTER = new Map([['3.4', 'userlist docex-ul'], ['3.5', 'peers docex-peers'], ['3.6', 'mailers docex-mailers'],
  ['3.7', 'program docex-prog'], ['3.8', 'http-errors docex-errs'], ['3.9', 'ring docex-ring'], ['3.10', 'log-forward docex-lf'],
  ['5.3.2', 'resolvers docex-res'], ['6.2.1', 'cache docex-cache'], ['10.1.1', 'fcgi-app docex-fcgi']]);

/** Usage cases: each keyword line as a config line of its section, each fetch and converter in a set-var. */
function usageBlocks(u: DocUsage): { target: string; lines: string[] } | null {
  const line = fillUsage(u.header);
  if (line === '' || line.startsWith('backing-file')) return null;      // a check would create that file
  const c = u.chapter;
  if (/^3\.[123]$/.test(c)) return { target: 'global', lines: [line] };
  const sec = SECTION_OF_CHAPTER.get(c);
  if (sec !== undefined) return SECTION_WORDS.has(line.split(' ')[0]) ? null : { target: 'section:' + sec, lines: [line] };
  if (c === '4.2') return { target: '', lines: [line] };
  if (c === '5.1') return { target: 'listen', lines: ['bind 127.0.0.1:8001 ' + line] };
  if (c === '5.2') return { target: 'listen', lines: ['server docex-s2 127.0.0.1:8082 ' + line] };
  if (c === '7.3.1') return { target: 'listen', lines: ['http-request set-var(txn.docex) str(1),' + line] };
  if (/^7\.3\.[2-7]$/.test(c)) return { target: 'listen', lines: ['http-request set-var(txn.docex) ' + line] };
  return null;
}

const yes = (sections: string): boolean[] => sections.split('|').map((s) => s.trim() === 'yes');

/** Where a keyword example goes: 'global', 'defaults', 'frontend', 'backend' or 'listen'. */
function targetOf(e: DocExample, lines: string[]): string {
  if (e.chapter.startsWith('3')) return 'global';
  if (e.sections !== '') {
    const [d, f, l, b] = yes(e.sections);
    if (l) return 'listen';
    if (f) return 'frontend';
    if (b) return 'backend';
    if (d) return 'defaults';
  }
  if (lines.some((t) => /^(use_backend|default_backend|use-server)\b/.test(t))) return 'listen';
  return 'listen';
}

const FILE_CTX = /((?:^|\s)-f\s+|errorfile\s+\d+\s+|(?:^|\s)(?:crt|ca-file|crl-file|crt-list|file|lf-file|string-file|lf-string-file|ssl-default-bind-crt|server-state-file)\s+|\bmap(?:_\w+)?\(|\blua-load\s+|\bload-server-state-from-file\s+file\s+)(\/[^\s,()'"]+|[\w.-]+\.(?:pem|crt|map|lst|acl|txt|http|lua|key|ca|crl|list))/g;

/** Rewrites absolute file names the example reads into files/<name>, recording each file's content. */
function rewriteFiles(text: string, files: Map<string, string>): string {
  return text.replace(FILE_CTX, (m, ctx: string, p: string) => {
    const base = path.basename(p).replace(/[^\w.-]/g, '_') || 'file';
    const rel = 'files/' + base;
    let content = '';
    if (/errorfile|(?:^|\s)(?:file|lf-file)\s+$/.test(ctx)) content = 'HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\ndocex\r\n';
    else if (/crt|ssl-default-bind-crt/.test(ctx) || /\.pem$/.test(base)) content = 'PEM';
    else if (/ca-file/.test(ctx)) content = 'CA';
    files.set(base, content);
    return ctx + rel;
  });
}

/** Backends, userlists and stick tables an example names without defining them. */
function references(text: string): string {
  const defined = new Set<string>();
  for (const m of text.matchAll(/^(?:backend|listen|frontend|defaults|userlist|peers|resolvers|cache|ring|http-errors|mailers)\s+([^\s#]+)/gm)) defined.add(m[1]);
  const add: string[] = [];
  const be = new Set<string>();
  for (const m of text.matchAll(/\b(?:use_backend|default_backend)\s+([A-Za-z][-\w.:]*)(?=\s|$)/g)) be.add(m[1]);
  for (const b of be) if (!defined.has(b)) add.push(`backend ${b}\n    server ${b}-s1 127.0.0.1:8081\n`);
  // a table named by a rule, a fetch or a converter: a backend holding one, storing every counter the doc uses
  const tables = new Set<string>();
  for (const m of text.matchAll(/\b(?:table|table_\w+|in_table|src_\w+|sc_\w+)[\s(]+(?:\d+\s*,\s*)?([A-Za-z][-\w.]*)/g)) {
    if (!/^(type|size|expire|peers|src|req|res)$/.test(m[1]) && !be.has(m[1])) tables.add(m[1]);
  }
  for (const t of tables) if (!defined.has(t)) add.push(`backend ${t}\n    stick-table type ip size 1k expire 30s store ${TABLE_STORE}\n`);
  const ul = new Set<string>();
  for (const m of text.matchAll(/\bhttp_auth(?:_group)?\(([-\w.]+)/g)) ul.add(m[1]);
  for (const m of text.matchAll(/\bauth\s+realm\s+\S+|\buserlist\s*\(\s*([-\w.]+)/g)) if (m[1] !== undefined) ul.add(m[1]);
  for (const u of ul) if (!defined.has(u)) add.push(`userlist ${u}\n    user docex insecure-password docex\n`);
  return add.join('\n');
}

const TABLE_STORE = 'gpc(2),gpt(2),conn_cnt,conn_cur,conn_rate(10s),sess_cnt,sess_rate(10s),http_req_cnt,' +
  'http_req_rate(10s),http_err_cnt,http_err_rate(10s),http_fail_cnt,http_fail_rate(10s),bytes_in_cnt,bytes_out_cnt,' +
  'bytes_in_rate(10s),bytes_out_rate(10s),gpc_rate(2,10s)';

const BASE_DEFAULTS = 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 10s\n    timeout server 10s\n';

/** Wraps one block of example lines into a configuration. */
function wrap(e: DocExample, body: string[], files: Map<string, string>, target = ''): string {
  const text = rewriteFiles(body.join('\n'), files);
  const lines = text.split('\n');
  const complete = lines.some((t) => SECTION_WORDS.has(t.split(/\s+/)[0]) && indentOf(t) === 0 && t.trim() !== '');
  const ind = (t: string): string => (t === '' ? '' : '    ' + t);
  let cfg: string;
  if (complete) {
    cfg = text + '\n';
    if (!/^\s*bind\s/m.test(text)) cfg += '\nfrontend docex-listener\n    bind 127.0.0.1:8000\n';
  } else {
    const tgt = target !== '' ? target : targetOf(e, lines);
    const hasServer = lines.some((t) => /^server\s/.test(t));
    if (tgt.startsWith('section:')) cfg = tgt.slice(8) + '\n' + lines.map(ind).join('\n') + '\n\n' + BASE_DEFAULTS + '\nlisten docex\n    bind 127.0.0.1:8000\n    server s1 127.0.0.1:8080\n';
    else if (tgt === 'global') cfg = 'global\n' + lines.map(ind).join('\n') + '\n\n' + BASE_DEFAULTS + '\nlisten docex\n    bind 127.0.0.1:8000\n    server s1 127.0.0.1:8080\n';
    else if (tgt === 'defaults') cfg = BASE_DEFAULTS + lines.map(ind).join('\n') + '\n\nlisten docex\n    bind 127.0.0.1:8000\n    server s1 127.0.0.1:8080\n';
    else if (tgt === 'frontend') cfg = BASE_DEFAULTS + '\nfrontend docex\n    bind 127.0.0.1:8000\n' + lines.map(ind).join('\n') + '\n';
    else if (tgt === 'backend') {
      cfg = BASE_DEFAULTS + '\nfrontend docex-fe\n    bind 127.0.0.1:8000\n    default_backend docex\n\nbackend docex\n' + lines.map(ind).join('\n') + '\n';
      if (!hasServer) cfg += '    server s1 127.0.0.1:8080\n';
    } else {
      cfg = BASE_DEFAULTS + '\nlisten docex\n    bind 127.0.0.1:8000\n' + lines.map(ind).join('\n') + '\n';
      if (!hasServer) cfg += '    server s1 127.0.0.1:8080\n';
    }
  }
  const refs = references(text);
  return refs === '' ? cfg : cfg + '\n' + refs;
}

/** One or more cases per example: alternative one-line forms of the same keyword become one case each. */
export function buildCases(scan: { examples: DocExample[]; usages: DocUsage[] }): DocCase[] {
  const out: DocCase[] = [];
  const seen = new Set<string>();
  const exs = scan.examples;
  for (const e of exs) {
    if (SKIP_CHAPTERS.test(e.chapter)) continue;
    const code = e.lines.filter((t) => t.trim() !== '' && !t.trim().startsWith('#'));
    if (code.length === 0) continue;
    if (code.some((t) => /^\s*(\$|echo |socat|curl|<|>|\[|"|')/.test(t))) continue;
    const kwWord = e.keyword.split(/[ (]/)[0];
    const first = code[0].trim().split(/\s+/)[0];
    const indented = e.lines.some((t) => t.trim() !== '' && indentOf(t) > 0);
    const alternatives = !indented && code.length > 1 && kwWord !== '' && code.every((t) => t.trim().split(/\s+/)[0] === first) &&
      (first === kwWord || first === 'acl' || first === 'server' || first === 'bind');
    const blocks = alternatives ? code.map((t) => [t.trim()]) : [e.lines];
    for (let k = 0; k < blocks.length; k++) {
      const files = new Map<string, string>();
      const cfg = wrap(e, blocks[k], files);
      if (seen.has(cfg)) continue;
      seen.add(cfg);
      const slug = (e.keyword || 'ch').replace(/[^\w.-]+/g, '_').slice(0, 40);
      out.push({ name: `${e.chapter.replace(/\./g, '_')}-${slug}-L${e.docLine}${blocks.length > 1 ? '-' + (k + 1) : ''}`,
        chapter: e.chapter, keyword: e.keyword, docLine: e.docLine, cfg, files });
    }
  }
  for (const u of scan.usages) {
    const b = usageBlocks(u);
    if (b === null) continue;
    const files = new Map<string, string>();
    const e: DocExample = { chapter: u.chapter, keyword: u.header.split(/[ (]/)[0], sections: u.sections, docLine: u.docLine, lines: b.lines };
    const cfg = wrap(e, b.lines, files, b.target);
    if (seen.has(cfg)) continue;
    seen.add(cfg);
    const slug = u.header.split(' : ')[0].replace(/[^\w.-]+/g, '_').replace(/_+$/, '').slice(0, 40);
    out.push({ name: `u${u.chapter.replace(/\./g, '_')}-${slug}-L${u.docLine}`, chapter: u.chapter, keyword: e.keyword, docLine: u.docLine, cfg, files });
  }
  return out;
}

export const VERDICT_OK = 'ok';
export const VERDICT_WARN = 'warn';
export const VERDICT_ERROR = 'error';

/** ok / warn / error from a `-c` run: its exit status and its [WARNING]/[ALERT] lines. */
export function verdictOf(status: number, stderr: string): string {
  if (status === 1) return VERDICT_ERROR;
  return /^\[WARNING\]/m.test(stderr) ? VERDICT_WARN : VERDICT_OK;
}

/** The line numbers of `file` named by [ALERT] lines. */
export function alertLines(stderr: string, file: string): Set<number> {
  const s = new Set<number>();
  const re = new RegExp(`\\[${file.replace(/[.]/g, '\\.')}:(\\d+)\\]`, 'g');
  for (const l of stderr.split('\n')) if (l.startsWith('[ALERT]')) for (const m of l.matchAll(re)) s.add(Number(m[1]));
  return s;
}

/** Sluice's warnings about its own limits ("ignored by sluice") are not HAProxy warnings: left out of the verdict. */
export function sluiceVerdict(status: number, stderr: string): string {
  const own = stderr.split('\n').filter((l) => !(l.startsWith('[WARNING]') && /by sluice/.test(l))).join('\n');
  return verdictOf(status, own);
}

/** Runs Sluice's -c on `file` (relative to `dir`) in process: exit status and stderr. */
export async function sluiceCheck(dir: string, file: string): Promise<{ status: number; stderr: string }> {
  const cwd = process.cwd();
  process.chdir(dir);
  let err = '';
  try {
    const status = await checkConfig([file], false, (s) => { err += s; }, () => {});
    return { status, stderr: err.replace(/^(\[[A-Z]+\] +)\(\d+\)/gm, '$1(PID)') };
  } finally { process.chdir(cwd); }
}

/** Compares one case with haproxy's verdict (status, stderr): '' when they agree, else "<haproxy>-><sluice>[ line]". */
export async function compareCase(dir: string, file: string, hStatus: number, hStderr: string): Promise<{ diff: string; sluice: string }> {
  const s = await sluiceCheck(dir, file);
  const hv = verdictOf(hStatus, hStderr); const sv = sluiceVerdict(s.status, s.stderr);
  const hl = alertLines(hStderr, file); const sl = alertLines(s.stderr, file);
  const lineOk = hv !== VERDICT_ERROR || sv !== VERDICT_ERROR || hl.size === 0 || [...hl].some((n) => sl.has(n));
  return { diff: hv === sv && lineOk ? '' : `${hv}->${sv}${lineOk ? '' : ' line'}`, sluice: s.stderr };
}

/** The committed cases of `dir` against their goldens: the name and difference of each case that disagrees. */
export async function compareGoldens(dir: string, said?: Map<string, string>): Promise<{ total: number; diffs: Map<string, string> }> {
  const diffs = new Map<string, string>();
  const cases = fs.readdirSync(dir).filter((f) => f.endsWith('.cfg')).sort();
  for (const f of cases) {
    const c = f.slice(0, -4);
    const st = Number(fs.readFileSync(path.join(dir, c + '.status'), 'latin1'));
    const r = await compareCase(dir, f, st, fs.readFileSync(path.join(dir, c + '.stderr'), 'latin1'));
    if (r.diff !== '') { diffs.set(c, r.diff); said?.set(c, r.sluice); }
  }
  return { total: cases.length, diffs };
}

function firstMessage(t: string): string {
  return t.split('\n').find((l) => /^\[(ALERT|WARNING)\]/.test(l) && !/Error\(s\) found|Fatal errors/.test(l)) ?? '';
}

function haproxyCheck(dir: string, file: string): { status: number; stderr: string } {
  const r = spawnSync(HAPROXY, ['-c', '-f', file], { cwd: dir, encoding: 'latin1', timeout: 20000 });
  const stderr = r.stderr.split('\n').filter((l) => !l.startsWith('[NOTICE]')).join('\n').replace(/^(\[[A-Z]+\] +)\(\d+\)/gm, '$1(PID)');
  return { status: r.status ?? -1, stderr };
}

function makePem(dir: string): { pem: string; ca: string } {
  const key = path.join(dir, 'k.pem'); const crt = path.join(dir, 'c.pem');
  spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '36500',
    '-subj', '/CN=docex.test'], { stdio: 'ignore' });
  const c = fs.readFileSync(crt, 'latin1'); const k = fs.readFileSync(key, 'latin1');
  return { pem: c + k, ca: c };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const write = argv.includes('--write');
  const show = argv.includes('--show');
  const oi = argv.indexOf('--only');
  const only = oi >= 0 ? new RegExp(argv[oi + 1]) : null;
  if (argv.includes('--known')) {     // no haproxy: the committed goldens against this tree; rewrites KNOWN
    const said = new Map<string, string>();
    const { total, diffs } = await compareGoldens(FIX, said);
    for (const [c, d] of diffs) {
      const h = fs.readFileSync(path.join(FIX, c + '.stderr'), 'latin1');
      process.stdout.write(`--- ${c}: ${d}\n  haproxy: ${firstMessage(h).slice(0, 220)}\n  sluice:  ${firstMessage(said.get(c) ?? '').slice(0, 220)}\n`);
    }
    fs.writeFileSync(path.join(FIX, 'KNOWN'), [...diffs].map(([c, d]) => `${c} ${d}`).join('\n') + '\n');
    const by = new Map<string, number>();
    for (const d of diffs.values()) by.set(d, (by.get(d) ?? 0) + 1);
    process.stdout.write(`${total - diffs.size} of ${total} examples agree\n`);
    for (const [k, n] of [...by].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${k}: ${n}\n`);
    return;
  }
  const cases = buildCases(scanDoc(readDoc())).filter((c) => only === null || only.test(c.name));
  const dir = write ? FIX : fs.mkdtempSync('/tmp/docex-');
  if (write && only === null) {       // a full --write replaces every case (the doc or the extraction changed)
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) if (/\.(cfg|status|stderr)$/.test(f)) fs.rmSync(path.join(dir, f));
  }
  fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
  const existingPem = path.join(FIX, 'files/docex.pem.src');
  let pem: { pem: string; ca: string };
  if (fs.existsSync(existingPem)) { const t = fs.readFileSync(existingPem, 'latin1'); pem = { pem: t, ca: t.slice(0, t.indexOf('-----END CERTIFICATE-----') + 26) }; }
  else { pem = makePem(fs.mkdtempSync('/tmp/docex-pem-')); if (write) fs.writeFileSync(existingPem, pem.pem); }
  let agree = 0; let skipped = 0;
  const byKind = new Map<string, number>();
  const keep: string[] = [];
  const known: string[] = [];
  for (const c of cases) {
    for (const [f, kind] of c.files) {
      const p = path.join(dir, 'files', f);
      if (fs.existsSync(p)) continue;
      fs.writeFileSync(p, kind === 'PEM' ? pem.pem : kind === 'CA' ? pem.ca : kind);
    }
    const file = c.name + '.cfg';
    fs.writeFileSync(path.join(dir, file), c.cfg);
    const h = haproxyCheck(dir, file);
    if (/could not resolve address|Cannot open configuration file/.test(h.stderr) || h.status < 0) {
      skipped++; fs.rmSync(path.join(dir, file)); continue;      // DNS of the build host: not a verdict on the syntax
    }
    keep.push(c.name);
    const r = await compareCase(dir, file, h.status, h.stderr);
    if (r.diff === '') agree++;
    else {
      byKind.set(r.diff, (byKind.get(r.diff) ?? 0) + 1);
      known.push(`${c.name} ${r.diff}`);
      process.stdout.write(`--- ${c.name} (doc line ${c.docLine}): ${r.diff}\n`);
      if (show) process.stdout.write(c.cfg.replace(/^/gm, '  | ') + '\nhaproxy:\n' + h.stderr.trim() + '\nsluice:\n' + r.sluice.trim() + '\n');
      else {
        process.stdout.write(`  haproxy: ${firstMessage(h.stderr).slice(0, 220)}\n  sluice:  ${firstMessage(r.sluice).slice(0, 220)}\n`);
      }
    }
    if (write) {
      fs.writeFileSync(path.join(dir, c.name + '.status'), `${h.status}\n`);
      fs.writeFileSync(path.join(dir, c.name + '.stderr'), h.stderr.endsWith('\n') || h.stderr === '' ? h.stderr : h.stderr + '\n');
    }
  }
  if (write) {
    fs.writeFileSync(path.join(dir, 'CMD'),
      'node --import tsx bench/edge/doc-examples.ts --write   # from the repo root; cases from /usr/share/doc/haproxy/configuration.txt.gz\n' +
      '# (haproxy-doc 2.6.12), goldens: cd fixtures/configs/docex && haproxy -c -f <case>.cfg  (haproxy 2.6.12-1+deb12u4),\n' +
      '# <case>.status = exit status, <case>.stderr = stderr without [NOTICE] lines, pids masked as (PID).\n' +
      '# Cases whose haproxy run failed on DNS (server names of the examples) are left out.\n');
  }
  if (write && only === null) fs.writeFileSync(path.join(dir, 'KNOWN'), known.join('\n') + '\n');
  process.stdout.write(`\n${agree} of ${keep.length} examples agree (${skipped} left out: names that need DNS)\n`);
  for (const [k, n] of [...byKind].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${k}: ${n}\n`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) void main();
