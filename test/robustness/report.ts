/**
 * What the robustness suite tried and what held, printed as one table when mocha ends (see
 * hooks.ts). Each test records its own counts; the assertions stay in the tests.
 */
export interface ReportRow {
  area: string;
  check: string;
  tried: number;
  held: number;
  note?: string;
}

const rows: ReportRow[] = [];

export function record(area: string, check: string, tried: number, held: number, note?: string): void {
  rows.push({ area, check, tried, held, ...(note !== undefined ? { note } : {}) });
}

export function reportRows(): readonly ReportRow[] {
  return rows;
}

export function formatReport(): string {
  if (rows.length === 0) return 'robustness report: nothing recorded\n';
  const areaW = Math.max(4, ...rows.map((r) => r.area.length));
  const checkW = Math.max(5, ...rows.map((r) => r.check.length));
  const line = (a: string, c: string, t: string, h: string, n: string) =>
    `${a.padEnd(areaW)}  ${c.padEnd(checkW)}  ${t.padStart(7)}  ${h.padStart(7)}  ${n}`.trimEnd();
  const out = ['', 'Robustness report: what was tried and what held', line('area', 'check', 'tried', 'held', 'note')];
  for (const r of rows) {
    const mark = r.held === r.tried ? '' : '  <-- FAILED';
    out.push(line(r.area, r.check, String(r.tried), String(r.held), (r.note ?? '') + mark));
  }
  const tried = rows.reduce((n, r) => n + r.tried, 0);
  const held = rows.reduce((n, r) => n + r.held, 0);
  out.push(`${rows.length} checks, ${tried} cases tried, ${held} held${tried === held ? '' : `, ${tried - held} did NOT hold`}`, '');
  return out.join('\n');
}
