/**
 * On large nets the DiagnosisMonitor's checks follow the instruments' rule: a share of the measured
 * step time, with a floor on the check rate; small nets keep one check per `checkEvery` records.
 * Driven with a fake clock: each check "costs" `checkMs`, each step `stepMs`.
 */
import { strict as assert } from 'node:assert';
import { DiagnosisMonitor } from '../../../src/diagnose';
import { BUDGET_MIN_PARAMS } from '../../../src/engine/instruments/schedule';
import { monitorPacing } from '../../../src/engine/run';
import type { Diagnosis, StepRecord } from '../../../src/shared/protocol';
import { batch, info, networkExperiment, noise, steps } from './synthetic';

const TOTAL = 20_000;
/** What the coalescer hands on at ~0.3 ms per step and a 50 ms flush. */
const BATCH = 160;

interface Fed {
  /** Step records in the series at each check. */
  checks: number[];
  /** The last step of the batch after which each diagnosis code was first reported. */
  seen: Map<string, number>;
  final: Diagnosis[];
}

/** Feeds `records` in batches to a monitor of a net of `paramCount`, then finishes the run. */
function feed(records: StepRecord[], paramCount: number, stepMs: number, checkMs: number, size = BATCH): Fed {
  const e = networkExperiment({ batchSize: 32, layers: [{ units: 128, activation: 'relu' }] });
  let stepClock = 0;
  let clock = 0;
  let reads = 0;
  const checks: number[] = [];
  const pacing = monitorPacing(paramCount, () => stepClock, () => {
    // Two reads per timed check: before and after.
    if (reads++ % 2 === 1) return (clock += checkMs);
    checks.push(m.series.total);
    return clock;
  });
  const m = new DiagnosisMonitor(e, info(e, { totalSteps: TOTAL, paramCount }), undefined, pacing);
  const seen = new Map<string, number>();
  for (let i = 0; i < records.length; i += size) {
    const part = records.slice(i, i + size);
    // The steps of a batch are done (and timed) before it is flushed.
    stepClock += part.length * stepMs;
    m.ingest(batch(part));
    for (const d of m.list()) if (!seen.has(d.code)) seen.set(d.code, part[part.length - 1].step);
  }
  m.finish({ reason: 'completed', steps: TOTAL, final: { trainLoss: 1, valLoss: null, accuracy: null }, durationMs: stepClock });
  return { checks, seen, final: m.list() };
}

const gaps = (xs: number[]) => xs.slice(1).map((x, k) => x - xs[k]);
const healthy = () => steps(TOTAL + 1, (i) => 2 / (1 + i / 500) + 0.01 * noise(i), (i) => ({ gradNorm: 1 + 0.1 * noise(i + 3) }));
/** A loss that is NaN from `at` on (divergence). */
const diverging = (at: number) => steps(TOTAL + 1, (i) => (i < at ? 2 / (1 + i / 500) : NaN));

describe('DiagnosisMonitor: checks on a time budget (large nets)', () => {
  const checkEvery = Math.ceil(TOTAL / DiagnosisMonitor.MAX_CHECKS);

  it('applies from the instruments’ threshold on; smaller nets keep every check', () => {
    assert.equal(monitorPacing(BUDGET_MIN_PARAMS - 1, () => 0), undefined);
    assert.ok(monitorPacing(BUDGET_MIN_PARAMS, () => 0));
    // Checks as dear as a thousand steps each: a small net still runs every one of them.
    const small = feed(healthy(), BUDGET_MIN_PARAMS - 1, 0.3, 300);
    assert.equal(small.checks.length, 0, 'not timed: no pacing');
    const unpaced = feed(healthy(), 100, 0.3, 0);
    assert.deepEqual(small.final, unpaced.final);
  });

  it('cheap checks run at the small-net cadence, with the same diagnoses', () => {
    const cheap = feed(healthy(), 100_000, 0.3, 1e-4);
    // One check per checkEvery records: the series grows by that much between checks (the last
    // record, past the last multiple, is left to `finish`).
    assert.equal(cheap.checks.length, Math.floor((TOTAL + 1) / checkEvery));
    assert.ok(gaps(cheap.checks).every((g) => g === checkEvery));
    assert.deepEqual(cheap.final, feed(healthy(), 100, 0.3, 0).final);
  });

  it('dear checks take their share of the step time, at least one per FLOOR_RECORDS records', () => {
    const stepMs = 0.3;
    const checkMs = 0.5;
    const dear = feed(healthy(), 100_000, stepMs, checkMs);
    const n = dear.checks.length;
    // 0.5 % of 6 s of steps is 30 ms: 60 checks' worth, plus the floor's 20 (which count too) and the first.
    const share = (DiagnosisMonitor.CHECK_SHARE * TOTAL * stepMs) / checkMs;
    const floor = TOTAL / DiagnosisMonitor.FLOOR_RECORDS;
    assert.ok(n >= share && n <= share + floor + 2, `${n} checks`);
    assert.ok(n < TOTAL / checkEvery / 10, 'far fewer than the small-net cadence');
    assert.ok(Math.max(...gaps(dear.checks)) < DiagnosisMonitor.FLOOR_RECORDS + checkEvery);
    // Spread over the run, not spent at its start.
    assert.ok(dear.checks.filter((c) => c > TOTAL / 2).length >= n / 3, 'a third of them in the second half');
  });

  it('checks dearer than any share still come once per FLOOR_RECORDS records or FLOOR_MS of steps', () => {
    const floorOnly = feed(healthy(), 100_000, 0.3, 1e6);
    const n = floorOnly.checks.length;
    assert.ok(n >= TOTAL / DiagnosisMonitor.FLOOR_RECORDS && n <= TOTAL / DiagnosisMonitor.FLOOR_RECORDS + 1, `${n} checks`);
    for (const g of gaps(floorOnly.checks)) assert.ok(g >= DiagnosisMonitor.FLOOR_RECORDS && g < DiagnosisMonitor.FLOOR_RECORDS + checkEvery, `gap ${g}`);
    // 10 ms steps (5 per 50 ms batch): a second of steps comes before a thousand records.
    const slow = feed(healthy(), 100_000, 10, 1e6, 5);
    const perSecond = DiagnosisMonitor.FLOOR_MS / 10;
    assert.ok(slow.checks.length >= TOTAL / perSecond, `${slow.checks.length} checks`);
    for (const g of gaps(slow.checks)) assert.ok(g >= perSecond && g < perSecond + checkEvery, `gap ${g}`);
  });

  it('a condition is reported within the floor, and the run’s end is always checked', () => {
    const at = 7_777;
    const late = feed(diverging(at), 100_000, 0.3, 1e6);
    const when = late.seen.get('divergence');
    assert.ok(when !== undefined && when >= at && when < at + DiagnosisMonitor.FLOOR_RECORDS + BATCH, `reported after step ${when}`);
    // A NaN in the last records, after the last check the budget allowed: finish sees it.
    const end = healthy().slice(0, TOTAL - 5).concat(steps(5, () => NaN).map((r, k) => ({ ...r, step: TOTAL - 5 + k })));
    const last = feed(end, 100_000, 0.3, 1e6);
    assert.ok(last.final.some((d) => d.code === 'divergence'), 'divergence at the end');
    assert.ok(!last.seen.has('divergence'), 'not seen by the paced checks during the run');
  });
});
