// The well viewer end to end in headless Chromium (Debian's, driven by npm playwright-core).
//
//   node tests/browser/viewer.mjs BASE_URL TOKEN SCREENSHOT_DIR BIG_WELL_ID
//
// Opens the viewer, lists wells, filters by a polygon drawn on the map, picks a well and checks every
// track drew (non-blank canvas pixels) with the formation tops across every track, zooms, reads the
// cursor readout, hides a curve, removes and restores a curve from the well's curve list, adds computed
// curves (Vsh, porosity, Sw through the server's SQL), times the first track painted (cold, cached,
// 30k-sample cold), pins a well, goes offline (Chromium's network emulation) and reopens the pinned well
// from the service worker's shell and the pinned copy; back online, a changed well (CHANGED_LAS
// ingested through the API) replaces the pinned copy, which then opens offline; the well's other log
// is reachable from the log chooser. PIN_WELL names the well to pin (else the first NO_ well). Writes
// one JSON object to stdout; tests/tests/e2e/viewer.rs asserts on it. Screenshots of each step go to
// SCREENSHOT_DIR. Exits non-zero on any failure (chromium missing included).
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [base, token, shots, bigWell] = process.argv.slice(2);
if (!base || !token || !shots) {
  console.error('usage: viewer.mjs BASE_URL TOKEN SCREENSHOT_DIR BIG_WELL_ID');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const userDataDir = join(shots, '.profile');

const result = { steps: [], console_errors: [] };
const step = (name, data) => { result.steps.push(name); if (data !== undefined) result[name] = data; };

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
page.on('console', (m) => { if (m.type() === 'error') result.console_errors.push(m.text()); });
page.on('pageerror', (e) => result.console_errors.push(String(e)));

const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

// Non-white pixels of every track canvas.
const trackPixels = () => page.evaluate(() => {
  const out = {};
  for (const c of document.querySelectorAll('canvas[data-track]')) {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
    out[c.dataset.track] = n;
  }
  return out;
});

// Pixels of the formation tops' colour (draw.rs TOPS_COLOR #009688) per track canvas.
const topsPixels = () => page.evaluate(() => {
  const out = {};
  for (const c of document.querySelectorAll('canvas[data-track]')) {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === 0 && d[i + 1] === 150 && d[i + 2] === 136) n++;
    out[c.dataset.track] = n;
  }
  return out;
});

const pinKeys = () => page.evaluate(async () => {
  const c = await caches.open('mudrock-pins-v1');
  return (await c.keys()).map((r) => new URL(r.url).pathname);
});
const pinnedEtag = (path) => page.evaluate(async (p) => {
  const c = await caches.open('mudrock-pins-v1');
  const r = await c.match(p);
  return r ? r.headers.get('etag') : null;
}, path);
const headersNow = () => page.$$eval('.curve[data-curve]', (els) => els.map((e) => e.dataset.curve));

const measure = (well) => page.evaluate((w) => {
  const e = performance.getEntriesByName(`mudrock:first-track:${w}`, 'measure');
  return e.length ? e[e.length - 1].duration : null;
}, well);

const waitDrawn = async (well) => {
  await page.waitForFunction((w) => document.querySelector('[data-testid=status]')?.textContent === `${w}: drawn`
    || performance.getEntriesByName(`mudrock:first-track:${w}`, 'measure').length > 0, well, { timeout: 30000 });
};

const openWell = async (well) => {
  const before = await page.evaluate((w) => performance.getEntriesByName(`mudrock:first-track:${w}`, 'measure').length, well);
  await page.click(`ul.wells li[data-well="${well}"]`);
  await page.waitForFunction(([w, n]) => performance.getEntriesByName(`mudrock:first-track:${w}`, 'measure').length > n,
    [well, before], { timeout: 30000 });
  return measure(well);
};

try {
  await page.goto(`${base}/#token=${token}`);
  await page.waitForSelector('ul.wells li[data-well]', { timeout: 30000 });
  await page.waitForFunction(() => performance.getEntriesByName('mudrock:wasm-ready').length > 0);
  const wasmMs = await page.evaluate(() => performance.measure('wasm', 'mudrock:wasm-start', 'mudrock:wasm-ready').duration);
  const wells = await page.$$eval('ul.wells li[data-well]', (els) => els.map((e) => e.dataset.well));
  const circles = await page.$$eval('svg[data-testid=map] circle.well', (els) => els.map((e) => e.dataset.well));
  step('list', { wells, circles, wasm_init_ms: wasmMs });
  await shot('01-wells');

  // Search box.
  await page.fill('[data-testid=search]', 'prairie');
  const searched = await page.$$eval('ul.wells li[data-well]', (els) => els.map((e) => e.dataset.well));
  await page.fill('[data-testid=search]', '');
  step('search', searched);

  // A polygon around the first located well's marker.
  const target = circles[0];
  const box = await page.locator(`svg[data-testid=map] circle[data-well="${target}"]`).boundingBox();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  await page.click('[data-testid=draw]');
  for (const [dx, dy] of [[-14, -14], [14, -14], [14, 14], [-14, 14]]) {
    await page.mouse.click(cx + dx, cy + dy);
  }
  await page.click('[data-testid=apply-polygon]');
  await page.waitForFunction(() => /inside$/.test(document.querySelector('[data-testid=map-count]').textContent));
  const inside = await page.$$eval('ul.wells li[data-well]', (els) => els.map((e) => e.dataset.well));
  step('polygon', { target, inside, count: await page.textContent('[data-testid=map-count]') });
  await shot('02-polygon');
  await page.click('[data-testid=clear-polygon]');
  await page.waitForFunction((n) => document.querySelectorAll('ul.wells li[data-well]').length === n, wells.length);

  // A well, cold.
  const well = process.env.PIN_WELL || wells.find((w) => w.startsWith('NO_')) || wells[0];
  const coldMs = await openWell(well);
  const pixels = await trackPixels();
  const headers = await page.$$eval('.curve[data-curve]', (els) => els.map((e) => e.dataset.curve));
  const view0 = await page.textContent('[data-testid=view]');
  await page.waitForFunction(() => /^Tops/.test(document.querySelector('[data-testid=tops]').textContent), null, { timeout: 10000 });
  await page.waitForTimeout(200);
  step('well', { well, cold_first_track_ms: coldMs, pixels, headers, view: view0, status: await page.textContent('[data-testid=status]'),
    tops: await page.textContent('[data-testid=tops]'), tops_pixels: await topsPixels() });
  await shot('03-well');

  // Readout under the cursor.
  const grCanvas = page.locator('canvas[data-track=gr]');
  const gb = await grCanvas.boundingBox();
  await page.mouse.move(gb.x + gb.width / 2, gb.y + gb.height / 2);
  await page.waitForFunction(() => /GR/.test(document.querySelector('[data-testid=readout]').textContent));
  step('readout', await page.textContent('[data-testid=readout]'));

  // Zoom in twice (buttons) and once with the wheel.
  await page.click('[data-testid=zoom-in]');
  await page.click('[data-testid=zoom-in]');
  await page.mouse.move(gb.x + gb.width / 2, gb.y + gb.height / 3);
  await page.mouse.wheel(0, -200);
  await page.waitForTimeout(500);
  await page.waitForFunction(() => /from cache|blocks read/.test(document.querySelector('[data-testid=status]').textContent));
  const zoomed = { view: await page.textContent('[data-testid=view]'), pixels: await trackPixels(), status: await page.textContent('[data-testid=status]') };
  step('zoom', zoomed);
  await shot('04-zoomed');

  // Hide GR by its header, then show it again.
  const before = (await trackPixels()).gr;
  await page.click('.curve[data-curve=GR]');
  await page.waitForTimeout(200);
  const hidden = (await trackPixels()).gr;
  const hiddenClass = await page.getAttribute('.curve[data-curve=GR]', 'class');
  await page.click('.curve[data-curve=GR]');
  step('hide', { before, hidden, class: hiddenClass });

  // The well's curve list: take DT off (its track goes), put it back.
  const tracksNow = () => page.$$eval('canvas[data-track]', (els) => els.map((e) => e.dataset.track));
  const picks = await page.$$eval('[data-testid=curve-picker] input[data-pick]', (els) => els.map((e) => e.dataset.pick));
  await page.uncheck('[data-testid=curve-picker] input[data-pick=DT]');
  await page.waitForFunction(() => !document.querySelector('canvas[data-track=sonic]'));
  const withoutDt = { tracks: await tracksNow(), headers: await headersNow() };
  await page.check('[data-testid=curve-picker] input[data-pick=DT]');
  await page.waitForSelector('canvas[data-track=sonic]');
  await page.waitForTimeout(300);
  step('picker', { picks, without_dt: withoutDt, back: { tracks: await tracksNow(), sonic_pixels: (await trackPixels()).sonic } });

  // Computed curves through the server's petrophysics SQL, with the default parameters shown.
  const computed = {};
  for (const [kind, name] of [['vsh', 'VSH'], ['phid', 'PHID'], ['sw', 'SW']]) {
    await page.selectOption('[data-testid=calc-kind]', kind);
    await page.waitForTimeout(100);
    const params = await page.$$eval('[data-testid=calc] input[data-param]', (els) => els.map((e) => [e.dataset.param, e.value]));
    await page.click('[data-testid=calc-add]');
    await page.waitForFunction((n) => {
      const t = document.querySelector('[data-testid=calc-result]').textContent;
      return t.startsWith(`${n}: `) && !/computing/.test(t);
    }, name, { timeout: 30000 });
    computed[kind] = { params, result: await page.textContent('[data-testid=calc-result]') };
  }
  await page.waitForTimeout(300);
  computed.headers = await headersNow();
  computed.pixels = (await trackPixels()).computed;
  await page.locator('canvas[data-track=computed]').scrollIntoViewIfNeeded();
  const cb = await page.locator('canvas[data-track=computed]').boundingBox();
  await page.mouse.move(cb.x + cb.width / 2, cb.y + cb.height / 2);
  await page.waitForFunction(() => /VSH/.test(document.querySelector('[data-testid=readout]').textContent));
  computed.readout = await page.textContent('[data-testid=readout]');
  step('computed', computed);
  await shot('09-computed');

  // The big well cold, then the first well again (cached blocks).
  let bigMs = null;
  if (bigWell) {
    bigMs = await openWell(bigWell);
    await shot('05-big-well');
  }
  const cachedMs = await openWell(well);
  step('timing', { cold_ms: coldMs, big_cold_ms: bigMs, cached_ms: cachedMs });

  // LAS import: preview (parsed in wasm), upload, the same file again (nothing new), then offline:
  // queued, uploaded when back online.
  const imports = [process.env.IMPORT_1, process.env.IMPORT_2];
  if (imports[0] && imports[1]) {
    const count = () => page.$$eval('ul.wells li[data-well]', (els) => els.length);
    const upload = async (file, expect) => {
      await page.setInputFiles('[data-testid=las-file]', []);
      await page.setInputFiles('[data-testid=las-file]', file);
      await page.waitForSelector('[data-testid=import-preview]');
      const preview = await page.textContent('[data-testid=import-preview]');
      await page.click('[data-testid=upload]');
      await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid=import-result]').textContent), expect);
      return { preview, result: await page.textContent('[data-testid=import-result]') };
    };
    const wellsBefore = await count();
    const first = await upload(imports[0], ': ok');
    await page.waitForFunction((n) => document.querySelectorAll('ul.wells li[data-well]').length === n + 1, wellsBefore);
    const afterFirst = await count();
    await shot('07-import');
    const again = await upload(imports[0], ': unchanged');
    const afterAgain = await count();
    await context.setOffline(true);
    const queued = await upload(imports[1], 'queued');
    // The queue is in IndexedDB (database `mudrock`, store `import-queue`): the file's bytes, keyed by
    // project and name.
    const idbQueue = () => page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('mudrock');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('import-queue')) { db.close(); resolve([]); return; }
        const all = db.transaction('import-queue').objectStore('import-queue').getAll();
        all.onsuccess = () => { db.close(); resolve(all.result.map((r) => ({ key: r.key, bytes: r.bytes.length }))); };
        all.onerror = () => reject(all.error);
      };
    }));
    queued.idb = await idbQueue();
    await shot('08-import-queued');
    await context.setOffline(false);
    // The queued file goes up on the `online` event; the status line says so only until the wells list
    // reloads, so the wells list is what is waited for.
    await page.waitForFunction((n) => document.querySelectorAll('ul.wells li[data-well]').length === n + 2, wellsBefore, { timeout: 30000 });
    step('import', { wells_before: wellsBefore, first, after_first: afterFirst, again, after_again: afterAgain, queued, after_reconnect: await count(),
      idb_after_reconnect: await idbQueue() });
  }

  // Pin it, go offline, reload: the shell from the service worker, the well from the pin.
  await page.click('[data-testid=pin]');
  await page.waitForFunction((w) => document.querySelector('[data-testid=status]').textContent === `${w}: pinned for offline`, well);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready, null, { timeout: 10000 });
  await page.evaluate(() => navigator.serviceWorker.ready);
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('ul.wells li[data-well]', { timeout: 30000 });
  const offlineMs = await openWell(well);
  const offlinePixels = await trackPixels();
  const offlineShown = await page.$eval('[data-testid=offline]', (e) => e.classList.contains('shown'));
  // A well that is not pinned says so.
  const other = wells.find((w) => w !== well);
  await page.click(`ul.wells li[data-well="${other}"]`);
  await page.waitForFunction((w) => document.querySelector('[data-testid=status]').textContent.startsWith(`${w}:`) &&
    !/opening/.test(document.querySelector('[data-testid=status]').textContent), other);
  const otherStatus = await page.textContent('[data-testid=status]');
  await page.click(`ul.wells li[data-well="${well}"]`);
  await page.waitForTimeout(300);
  step('offline', { offline_first_track_ms: offlineMs, pixels: offlinePixels, banner: offlineShown, unpinned_status: otherStatus });
  await shot('06-offline');
  await context.setOffline(false);

  // Back online after the well changed on the server: the next visit replaces the pinned copy.
  if (process.env.CHANGED_LAS) {
    const curvesPath = `/v1/projects/demo/wells/${well}/curves`;
    const before = { etag: await pinnedEtag(curvesPath), keys: await pinKeys() };
    const form = new FormData();
    form.append('file', new Blob([readFileSync(process.env.CHANGED_LAS)]), 'changed.las');
    const auth = { Authorization: `Bearer ${token}` };
    const ingested = await (await fetch(`${base}/v1/projects/demo/ingest`, { method: 'POST', headers: auth, body: form })).json();
    const server = await fetch(`${base}${curvesPath}`, { headers: auth });
    const serverEtag = server.headers.get('etag');
    await page.reload();
    await page.waitForSelector('ul.wells li[data-well]', { timeout: 30000 });
    await openWell(well);
    let after = null;
    for (let i = 0; i < 100; i++) {
      after = { etag: await pinnedEtag(curvesPath), keys: await pinKeys() };
      if (after.etag === serverEtag) break;
      await page.waitForTimeout(100);
    }
    const logs = await page.$$eval('[data-testid=log] option', (els) => els.map((e) => e.value));
    const onlineHeaders = await headersNow();
    // Offline again: the new copy opens.
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('ul.wells li[data-well]', { timeout: 30000 });
    await openWell(well);
    const offlineHeaders = await headersNow();
    await shot('10-changed-offline');
    await context.setOffline(false);
    // The well's other log, from the log chooser.
    await page.reload();
    await page.waitForSelector('ul.wells li[data-well]', { timeout: 30000 });
    await openWell(well);
    const newLog = ingested.files[0].log_id;
    const other = logs.find((l) => l !== newLog);
    const n = await page.evaluate((w) => performance.getEntriesByName(`mudrock:first-track:${w}`, 'measure').length, well);
    await page.selectOption('[data-testid=log]', other);
    await page.waitForFunction(([w, k]) => performance.getEntriesByName(`mudrock:first-track:${w}`, 'measure').length > k, [well, n], { timeout: 30000 });
    step('changed', { ingested: ingested.files[0], before, after, server_etag: serverEtag, logs, new_log: newLog,
      online_headers: onlineHeaders, offline_headers: offlineHeaders, other_log: other, other_headers: await headersNow(),
      other_pixels: await trackPixels() });
  }
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e && e.stack || e);
  await shot('99-failure').catch(() => {});
}
await browser.close();
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
