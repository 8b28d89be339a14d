// Web figures for bench/web_load.py: node e2e/measure.mjs BASE_URL EMAIL PASSWORD
// Prints JSON: the public catalogue's first load (JS shipped, raw and gzipped; time until
// the first results are on screen, cold cache) and the archive list as the cooperation unit
// sees it (time to the first page, time to turn a page, rows on a page).
import { chromium } from 'playwright-core';
import { gzipSync } from 'node:zlib';

const [base, email, password] = process.argv.slice(2);
const RUNS = 5;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function catalogueOnce() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const scripts = [];
  page.on('response', async (r) => {
    if (r.request().resourceType() === 'script') scripts.push(r.body().then((b) => [b.length, gzipSync(b, { level: 9 }).length]));
  });
  await page.goto(`${base}/katalog`);
  await page.locator('.result').first().waitFor();
  const usable = await page.evaluate(() => performance.now());
  const sizes = await Promise.all(scripts);
  await context.close();
  return { usable, raw: sizes.reduce((s, [r]) => s + r, 0), gzip: sizes.reduce((s, [, g]) => s + g, 0), files: sizes.length };
}

async function archive() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/masuk`);
  await page.locator('main').getByLabel('Email').fill(email);
  await page.locator('main').getByLabel('Kata sandi').fill(password);
  await page.locator('main button[type=submit]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/masuk'));
  const first = [];
  const turn = [];
  let total = '';
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`${base}/`);
    await page.waitForLoadState('networkidle');
    let start = Date.now();
    await page.locator('header').getByRole('link', { name: 'Arsip Naskah' }).click();
    await page.locator('main table tbody tr').first().waitFor();
    first.push(Date.now() - start);
    total = await page.locator('.lead').innerText();
    rows = await page.locator('main table tbody tr').count();
    const firstNumber = await page.locator('main table tbody tr td').first().innerText();
    start = Date.now();
    await page.getByRole('button', { name: 'Berikutnya' }).click();
    await page.waitForFunction((n) => document.querySelector('main table tbody tr td')?.textContent !== n, firstNumber);
    turn.push(Date.now() - start);
  }
  await context.close();
  return { firstPageMs: median(first), nextPageMs: median(turn), rowsPerPage: rows, total };
}

const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await catalogueOnce());
const result = {
  catalogue: { usableMs: Math.round(median(runs.map((r) => r.usable))), jsFiles: runs[0].files, jsRawKB: +(runs[0].raw / 1024).toFixed(1), jsGzipKB: +(runs[0].gzip / 1024).toFixed(1) },
  archive: await archive(),
};
await browser.close();
console.log(JSON.stringify(result));
