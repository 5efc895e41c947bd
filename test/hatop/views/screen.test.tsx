import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderToString } from 'ink';
import { Screen, type ScreenProps } from '../../../hatop/views/screen.tsx';
import { parseInfo, parseStat } from '../../../hatop/model.ts';
import { deriveRates } from '../../../hatop/rates.ts';
import { pushHistory } from '../../../hatop/history.ts';
import { buildLines } from '../../../hatop/rows.ts';
import { columnsFor } from '../../../hatop/app.tsx';
import { emptyCli } from '../../../hatop/cli-input.ts';
import type { InstanceModel, Snapshot, ViewId } from '../../../hatop/types.ts';
import { plain, readFixture } from '../fake-source.ts';

const info = parseInfo(readFixture('show-info.txt'));
const a = parseStat(readFixture('show-stat.txt'), 0, info) as Snapshot;
const b = parseStat(readFixture('show-stat-after-disable-server.txt'), 2000, info) as Snapshot;
const rates = deriveRates(a, b);
let hist = pushHistory(new Map(), a, null);
hist = pushHistory(hist, b, rates);
const inst: InstanceModel = {
  label: '/run/haproxy/admin.sock',
  conn: { phase: 'up', attempt: 0, error: '', retryAt: 0, level: 'admin' },
  error: '',
  snap: b,
  rates,
  history: hist,
};

function frame(view: ViewId, width: number, height = 50, extra: Partial<ScreenProps> = {}): string {
  const lines = buildLines([inst], '', { col: '', desc: true }, columnsFor(view));
  return plain(
    renderToString(
      <Screen
        insts={[inst]}
        view={view}
        width={width}
        height={height}
        now={new Date(0)}
        intervalMs={3000}
        lines={lines}
        table={{ width, height: 0, selected: '', top: 0, sort: { col: '', desc: true }, pending: new Set(['0|bk/s2']), fleet: false }}
        cli={emptyCli()}
        helpTop={0}
        message=""
        hint="H=HELP"
        errPanel={null}
        {...extra}
      />,
      { columns: width },
    ),
  );
}

test('every view fits the terminal width, HATop\'s 78 columns and narrower tmux panes too', () => {
  for (const view of ['status', 'traffic', 'http', 'errors', 'cli', 'help'] as const) {
    for (const w of [40, 60, 78, 132, 200]) {
      const f = frame(view, w);
      const widest = Math.max(...f.split('\n').map((l) => l.length));
      assert.ok(widest <= w, `${view} at ${w}: a line of ${widest}`);
      // Nothing wrapped onto an extra line either.
      assert.equal(f.split('\n').length, 50, `${view} at ${w}: height`);
    }
  }
});

test('the frame is exactly the asked height', () => {
  for (const h of [24, 50]) assert.equal(frame('status', 160, h).split('\n').length, h);
});

test('derived rates and sparklines appear after two snapshots', () => {
  const f = frame('traffic', 160);
  // bk/s1: (133486 - 34568) bytes in 2 s.
  assert.match(f, /^s1 .* 48\.30K\/s/m);
  assert.match(f, />>> bk +req\/s +[▁-█]+ /m);
});

test('a row with an action in flight shows updating...', () => {
  assert.match(frame('status', 160), /^s2 +1 updating\.\.\./m);
});

test('the latest-errors panel lists the events it is given', () => {
  const f = frame('status', 160, 50, {
    errPanel: {
      source: '/var/log/sluice/errors.jsonl',
      events: [{ ts: '19:12:14', frontend: 'fe_main', backend: 'bk', server: 's3', status: 503, termState: 'SC--', method: 'GET', uri: '/x', clientIp: '10.0.0.9' }],
    },
  });
  assert.match(f, /LATEST ERRORS {2}\(\/var\/log\/sluice\/errors\.jsonl\)/);
  assert.match(f, /19:12:14 {2}503 SC-- fe_main -> bk\/s3 {2}10\.0\.0\.9 {2}GET \/x/);
});

test('columns that do not fit are dropped whole, the table header included', () => {
  const f = frame('http', 100);
  assert.match(f, /^NAME +W STATUS .* 5xx *$/m);
  assert.ok(!f.includes('?xx'));
  assert.match(f, /^s1 +100 MAINT .* \d+ *$/m);
});

test('at 80 columns the title drops the release date instead of cutting it, and a down socket shows its state first', () => {
  const f = frame('status', 80).split('\n');
  assert.match(f[0]!, /^ hatop [0-9.]+ - HAProxy 2\.6\.12-1\+deb12u4 +[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d{4}/);
  assert.doesNotMatch(f[0]!, /released/);
  assert.match(frame('status', 160).split('\n')[0]!, /\(released 2026\/10\/17\)/);
  // narrower still: the title is cut with an ellipsis and a space before the clock
  assert.match(frame('status', 60).split('\n')[0]!, /^ hatop [0-9.]+ - HAProxy 2\.6\.12-1\+d… [A-Z][a-z]{2} /);
  const down: InstanceModel = { ...inst, conn: { phase: 'down', attempt: 3, error: 'ECONNREFUSED', retryAt: 2000, level: '' } };
  const g = plain(renderToString(
    <Screen insts={[down]} view="status" width={80} height={24} now={new Date(0)} intervalMs={3000}
      lines={buildLines([down], '', { col: '', desc: true }, columnsFor('status'))}
      table={{ width: 80, height: 0, selected: '', top: 0, sort: { col: '', desc: true }, pending: new Set(), fleet: false }}
      cli={emptyCli()} helpTop={0} message="" hint="H=HELP" errPanel={null} />,
    { columns: 80 },
  ));
  assert.match(g, /^ {2}Socket: down: ECONNREFUSED, retry in 2s \(attempt 3\)/m);
});

test('the CLI title bar stays one line in a narrow pane or with a long socket path', () => {
  for (const w of [40, 60, 80]) {
    const f = frame('cli', w, 24).split('\n');
    const at = f.findIndex((l) => l.includes('runtime API on'));
    assert.ok(at >= 0, `title at ${w}`);
    assert.doesNotMatch(f[at + 1]!, /escape|ESC/, `title wrapped at ${w}: ${f[at + 1]}`);
    assert.ok(f[at]!.length <= w);
  }
});
