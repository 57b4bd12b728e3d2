/**
 * `npm run eval:diagnostics [-- --json] [-- name-filter]`: runs the labelled benchmark and prints
 * per-code precision and recall, the confusion between codes and the time to detection.
 */
import { join } from 'node:path';
import { readLabels, runCase, score, scoreText, type CaseResult } from '../src/cli/evalBench';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const filter = args.find((a) => !a.startsWith('--'));
  const dir = join(__dirname, '..', 'benchmarks');
  const labels = readLabels(dir);
  const results: CaseResult[] = [];
  for (const [file, label] of Object.entries(labels)) {
    if (filter && !file.includes(filter)) continue;
    const r = await runCase(dir, file, label);
    results.push(r);
    if (!json) process.stderr.write(`${file}: ${r.found.map((f) => `${f.code}@${f.step}`).join(' ') || '-'}  (expect ${r.label.expect.join(', ') || 'none'})\n`);
  }
  const s = score(results);
  process.stdout.write(json ? `${JSON.stringify({ score: s, results })}\n` : `${scoreText(s, results)}\n`);
}

void main().then(() => process.exit(0));
