// Reads the Lighthouse reports scripts/lighthouse.sh wrote and the built client in dist/: keeps
// the median run per dataset (REPORT_DIR/runs/<dataset>-<n>.report.* → <dataset>.report.*),
// prints one line per dataset, every audit that falls short with its specifics, and the gzip
// size of the client (wasm + js + css); exits 1 when a threshold is missed.
//   node scripts/lighthouse-check.mjs REPORT_DIR DIST_DIR DATASET...
// Thresholds: LH_MIN_PERFORMANCE (90), LH_MIN_ACCESSIBILITY (95), LH_MIN_BEST_PRACTICES (0:
// reported, not enforced), BUNDLE_MAX_KB (350).
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const [reportDir, distDir, ...datasets] = process.argv.slice(2);
const min = {
  performance: Number(process.env.LH_MIN_PERFORMANCE ?? 90),
  accessibility: Number(process.env.LH_MIN_ACCESSIBILITY ?? 95),
  'best-practices': Number(process.env.LH_MIN_BEST_PRACTICES ?? 0),
};
const bundleMaxKb = Number(process.env.BUNDLE_MAX_KB ?? 350);
const problems = [];

const kb = (bytes) => (bytes / 1024).toFixed(1);
const ms = (audit) => Math.round(audit.numericValue);

/** A short, readable line for one row of an audit's details table. */
function describeItem(item) {
  const parts = [];
  const node = item.node ?? item.element ?? (item.node?.type === 'node' ? item.node : undefined);
  if (node?.selector) parts.push(node.selector);
  if (node?.nodeLabel) parts.push(`"${node.nodeLabel.slice(0, 60)}"`);
  if (node?.snippet) parts.push(node.snippet.slice(0, 140));
  if (node?.explanation) parts.push(`— ${node.explanation.replace(/\s+/g, ' ').slice(0, 300)}`);
  if (item.relatedNode?.selector) parts.push(`(overlaps/near ${item.relatedNode.selector} "${item.relatedNode.nodeLabel ?? ''}")`);
  if (typeof item.url === 'string') parts.push(item.url);
  if (typeof item.scriptUrl === 'string') parts.push(item.scriptUrl);
  if (typeof item.error === 'string') parts.push(item.error.slice(0, 120));
  if (typeof item.statistic === 'string') parts.push(`${item.statistic}: ${item.value?.value ?? item.value}`);
  if (typeof item.groupLabel === 'string') parts.push(`${item.groupLabel} ${Math.round(item.duration)} ms`);
  if (typeof item.total === 'number') parts.push(`total ${Math.round(item.total)} ms`);
  if (typeof item.scripting === 'number') parts.push(`scripting ${Math.round(item.scripting)} ms`);
  if (typeof item.source === 'object' && item.source?.url) parts.push(`${item.source.url}:${item.source.line}`);
  if (typeof item.description === 'string') parts.push(item.description.slice(0, 160));
  if (typeof item.phase === 'string') parts.push(`${item.phase} ${Math.round(item.timing ?? 0)} ms (${item.percent ?? ''})`);
  if (typeof item.startTime === 'number' && typeof item.duration === 'number')
    parts.push(`start ${Math.round(item.startTime)} ms, ${Math.round(item.duration)} ms`);
  if (typeof item.wastedMs === 'number') parts.push(`saves ~${Math.round(item.wastedMs)} ms`);
  if (typeof item.wastedBytes === 'number') parts.push(`saves ~${kb(item.wastedBytes)} KB`);
  if (typeof item.totalBytes === 'number') parts.push(`${kb(item.totalBytes)} KB`);
  if (typeof item.transferSize === 'number') parts.push(`${kb(item.transferSize)} KB transferred`);
  if (typeof item.score === 'number' && typeof item.weight === 'number') parts.push(`shift ${item.score.toFixed(3)}`);
  return parts.join('  ') || JSON.stringify(item).slice(0, 200);
}

/** All rows of an audit's details (tables, opportunities, lists of tables, critical chains). */
function itemsOf(details) {
  if (!details) return [];
  if (details.type === 'list') return details.items.flatMap(itemsOf);
  if (Array.isArray(details.items)) {
    return details.items.flatMap((it) => (it.subItems?.items?.length ? [it, ...it.subItems.items] : [it]));
  }
  return [];
}

/** The median run by performance score (then LCP), copied to <dataset>.report.{json,html}. */
function medianRun(ds) {
  const runsDir = join(reportDir, 'runs');
  const runs = (existsSync(runsDir) ? readdirSync(runsDir) : [])
    .filter((f) => f.startsWith(`${ds}-`) && f.endsWith('.report.json'))
    .map((f) => ({ f, lhr: JSON.parse(readFileSync(join(runsDir, f), 'utf8')) }));
  if (runs.length === 0) return { lhr: JSON.parse(readFileSync(join(reportDir, `${ds}.report.json`), 'utf8')), spread: '' };
  const perf = (r) => r.lhr.categories.performance?.score ?? 0;
  const lcp = (r) => r.lhr.audits['largest-contentful-paint']?.numericValue ?? 0;
  runs.sort((x, y) => perf(x) - perf(y) || lcp(y) - lcp(x));
  const mid = runs[Math.floor((runs.length - 1) / 2)];
  for (const ext of ['json', 'html']) {
    copyFileSync(join(runsDir, mid.f.replace(/json$/, ext)), join(reportDir, `${ds}.report.${ext}`));
  }
  const scores = runs.map((r) => Math.round(perf(r) * 100));
  return { lhr: mid.lhr, spread: ` [median of ${runs.length} runs; performance ${scores.join('/')}]` };
}

for (const ds of datasets) {
  const { lhr, spread } = medianRun(ds);
  const cat = (id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const a = lhr.audits;
  const transfer = a['total-byte-weight']?.numericValue ?? 0;
  console.log(
    `${ds}: performance ${cat('performance')}, accessibility ${cat('accessibility')}, ` +
      `best-practices ${cat('best-practices')} | FCP ${ms(a['first-contentful-paint'])} ms, ` +
      `LCP ${ms(a['largest-contentful-paint'])} ms, TBT ${ms(a['total-blocking-time'])} ms, ` +
      `CLS ${a['cumulative-layout-shift'].numericValue.toFixed(3)}, SI ${ms(a['speed-index'])} ms | ` +
      `transfer ${kb(transfer)} KB (Lighthouse ${lhr.lighthouseVersion}, ${lhr.configSettings.formFactor}, ` +
      `${lhr.configSettings.throttlingMethod})${spread}`,
  );
  if (lhr.runtimeError) problems.push(`${ds}: runtime error ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
  for (const w of lhr.runWarnings ?? []) console.log(`  warning: ${w}`);

  for (const [id, floor] of Object.entries(min)) {
    const score = cat(id);
    if (score < floor) problems.push(`${ds}: ${id} ${score} < ${floor}`);
    // Every audit of the category that scored below full marks, with what it found.
    const short = lhr.categories[id].auditRefs
      .map((ref) => ({ ref, audit: a[ref.id] }))
      .filter(({ audit }) => audit.score !== null && audit.score < 0.9 &&
        ['binary', 'numeric', 'metricSavings'].includes(audit.scoreDisplayMode));
    if (short.length === 0) continue;
    console.log(`  ${id}: ${short.length} audit(s) short`);
    for (const { ref, audit } of short) {
      const weight = ref.weight ? `, weight ${ref.weight}` : '';
      console.log(`    - ${audit.id} (score ${audit.score}${weight}): ${audit.title}` +
        (audit.displayValue ? ` — ${audit.displayValue}` : ''));
      for (const item of itemsOf(audit.details).slice(0, 12)) console.log(`        · ${describeItem(item)}`);
    }
  }
  // What a fix needs to know about performance, whatever the score.
  const lcpEl = itemsOf(a['largest-contentful-paint-element']?.details);
  if (lcpEl.length) console.log(`  LCP element and phases:\n${lcpEl.map((i) => `        · ${describeItem(i)}`).join('\n')}`);
  const longTasks = itemsOf(a['long-tasks']?.details);
  if (longTasks.length) {
    console.log(`  long tasks (${longTasks.length}):`);
    for (const t of longTasks.slice(0, 8)) console.log(`        · ${describeItem(t)}`);
  }
  const blocking = itemsOf(a['render-blocking-resources']?.details ?? a['render-blocking-insight']?.details);
  if (blocking.length) {
    console.log(`  render-blocking resources:`);
    for (const r of blocking) console.log(`        · ${describeItem(r)}`);
  }
}

// The client's own code as it travels gzipped: the hashed wasm, js and css Trunk wrote (and,
// for information, brotli at its best level, which the server precompresses).
const files = readdirSync(distDir).filter((f) => /-[0-9a-f]{12,16}(_bg)?\.(wasm|js|css)$/.test(f));
let total = 0;
let totalBr = 0;
const sizes = files.map((f) => {
  const raw = readFileSync(join(distDir, f));
  const gz = gzipSync(raw, { level: 6 }).length;
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  total += gz;
  totalBr += br;
  return `${f} ${kb(raw.length)} KB → ${kb(gz)} KB`;
});
const leaflet = ['leaflet/leaflet.js', 'leaflet/leaflet.css']
  .map((f) => gzipSync(readFileSync(join(distDir, f)), { level: 6 }).length)
  .reduce((x, y) => x + y, 0);
console.log(`client gzip (wasm + js + css): ${kb(total)} KB of ${bundleMaxKb} KB — ${sizes.join(', ')}` +
  ` (brotli: ${kb(totalBr)} KB; Leaflet js + css gzip, not counted: ${kb(leaflet)} KB)`);
if (files.length === 0) problems.push(`no hashed wasm/js/css in ${distDir}`);
if (total > bundleMaxKb * 1024) problems.push(`client gzip ${kb(total)} KB > ${bundleMaxKb} KB`);

if (problems.length) {
  console.log(`FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log('lighthouse: all thresholds met');
