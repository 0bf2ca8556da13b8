// SPDX-License-Identifier: MIT
// ONNX Runtime (onnxruntime-node, CPU EP, 1 thread, all optimizations) latency
// of one model: node ort_bench.js MODEL.onnx RUNS WARMUP
// Prints JSON: median_ms, min_ms, runs, maxrss_kb (peak RSS of this process).
'use strict';
const ort = require('onnxruntime-node');
const [model, runsArg, warmArg] = process.argv.slice(2);
const runs = +(runsArg || 50), warm = +(warmArg || 5);
(async () => {
  const s = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all', executionProviders: ['cpu'] });
  const feeds = {};
  for (const im of s.inputMetadata) {
    const dims = im.shape.map(d => (typeof d === 'number' && d > 0 ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
    feeds[im.name] = new ort.Tensor('float32', a, dims);
  }
  for (let i = 0; i < warm; i++) await s.run(feeds);
  const t = [];
  for (let i = 0; i < runs; i++) {
    const a = process.hrtime.bigint();
    await s.run(feeds);
    t.push(Number(process.hrtime.bigint() - a) / 1e6);
  }
  t.sort((x, y) => x - y);
  console.log(JSON.stringify({ median_ms: t[t.length >> 1], min_ms: t[0], runs,
    maxrss_kb: process.resourceUsage().maxRSS }));
})().catch(e => { console.error(e); process.exit(1); });
