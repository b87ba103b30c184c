// Times the questionnaire engine (the wasm build, as shipped in engine.js) in
// headless Chromium on the generated 500-rule assessment that the native
// benchmark uses. Prints browser_plan_ms_per_call=… for bench.py.
// Usage: node bench/browser-plan.js ENGINE_JS DIR_WITH_compiled.json_AND_answers.json
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { chromium } = require(path.join(__dirname, '..', 'tests', 'browser', 'node_modules', 'playwright-core'));

(async () => {
  const [engineJs, dir] = process.argv.slice(2);
  const work = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'irbook-bench-'));
  fs.copyFileSync(engineJs, path.join(work, 'engine.js'));
  fs.writeFileSync(path.join(work, 'data.js'), 'var BENCH_COMPILED = ' + JSON.stringify(fs.readFileSync(path.join(dir, 'compiled.json'), 'utf8')) + ';\nvar BENCH_ANSWERS = ' + fs.readFileSync(path.join(dir, 'answers.json'), 'utf8') + ';\n');
  fs.writeFileSync(path.join(work, 'index.html'), '<!DOCTYPE html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'self\' \'wasm-unsafe-eval\'"><script src="engine.js"></script><script src="data.js"></script>');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const page = await browser.newPage();
  await page.goto('file://' + path.join(work, 'index.html'));
  const result = await page.evaluate(async () => {
    const bytes = Uint8Array.from(IRBOOK_ENGINE_WASM, (c) => c.charCodeAt(0) & 0xff);
    await wasm_bindgen({ module_or_path: bytes }); // eslint-disable-line no-undef
    const t0 = performance.now();
    const engine = new wasm_bindgen.Engine(BENCH_COMPILED); // eslint-disable-line no-undef
    const load = performance.now() - t0;
    const answers = BENCH_ANSWERS.map((a) => JSON.stringify(a));
    for (let i = 0; i < 20; i++) { engine.plan(answers[i % answers.length], 1795424400000, 1795431600000, 60); }
    const n = 300;
    const t1 = performance.now();
    for (let i = 0; i < n; i++) { engine.plan(answers[i % answers.length], 1795424400000, 1795431600000, 60); }
    return { perCall: (performance.now() - t1) / n, load };
  });
  console.log(`browser_plan_ms_per_call=${result.perCall.toFixed(3)}`);
  console.log(`browser_load_ms=${result.load.toFixed(2)}`);
  await browser.close();
  fs.rmSync(work, { recursive: true, force: true });
})().catch((e) => { console.error(e); process.exit(1); });
