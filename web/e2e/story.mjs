// The browser story against a running server: node e2e/story.mjs BASE_URL ARTIFACT_DIR
// A partner registers, applies with two PDFs and submits; the cooperation unit verifies,
// the TKKSD reviews, the unit approves; the draft agreement gets its scan and is activated;
// the unit records an amendment and prepares a renewal, and edits an account (each form first
// refused with the API's coded error shown at the field, then accepted);
// the public catalogue shows it and the executive dashboard counts it. Every page visited is
// checked with axe-core (no serious or critical violations) and the main pages are
// photographed at phone and desktop width. Playwright gives Chromium a fresh profile.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [base, artifacts] = process.argv.slice(2);
const shots = join(artifacts, 'screenshots');
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const pdf = (name) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${name}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n`) });
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
const stamp = Date.now().toString(36);
const title = `Kerja sama uji peramban ${stamp}`;
const failures = [];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: DESKTOP, locale: 'id-ID', acceptDownloads: true });
const page = await context.newPage();
page.setDefaultTimeout(30_000);
const main = page.locator('main');
page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
page.on('console', (m) => m.type() === 'error' && !/401|403|404/.test(m.text()) && failures.push(`console: ${m.text()}`));

const step = (text) => console.log(`• ${text}`);

async function checkA11y(name) {
  // Evaluated through the DevTools protocol: the page's content policy (no inline scripts)
  // stays in force, so a violation by the app itself still shows up as a console error.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) failures.push(`axe ${name}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function visit(path, name, { shoot = true } = {}) {
  await page.goto(base + path);
  await settle();
  await checkA11y(name);
  if (shoot) await screenshots(name);
}

async function settle() {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
}

async function screenshots(name) {
  for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(150);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > viewport.width) failures.push(`${name} is ${width} px wide at ${viewport.width} px`);
    await page.screenshot({ path: join(shots, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

async function login(email, password) {
  await page.goto(`${base}/masuk`);
  await main.getByLabel('Email').fill(email);
  await main.getByLabel('Kata sandi').fill(password);
  await main.getByRole('button', { name: 'Masuk', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/masuk'));
  await settle();
}

async function logout() {
  await page.getByRole('button', { name: 'Keluar' }).click();
  await page.waitForURL(`${base}/`);
}

async function activeOnDashboard() {
  await login('executive@sikerma.example', 'Demo-Executive-Sikerma-2026');
  await page.goto(`${base}/dasbor`);
  await settle();
  const value = await page.locator('.stat', { hasText: 'Aktif' }).first().locator('.stat-value').innerText();
  return Number(value);
}

try {
  step('public pages');
  await visit('/', 'beranda');
  await visit('/katalog', 'katalog');
  await visit('/prosedur', 'prosedur');
  await visit('/faq', 'faq');
  await visit('/templat', 'templat');
  await visit('/statistik', 'statistik');
  await visit('/lacak', 'lacak');
  await visit('/masuk', 'masuk');
  await visit('/daftar', 'daftar');

  step('executive: active agreements before');
  const activeBefore = await activeOnDashboard();
  await checkA11y('dasbor');
  await screenshots('dasbor');
  await logout();

  step('partner registers');
  const email = `mitra-${stamp}@contoh.example`;
  const password = 'Sandi-Uji-Peramban-2026!';
  await page.goto(`${base}/daftar`);
  await main.getByLabel('Nama organisasi').fill(`Universitas Uji ${stamp}`);
  await main.locator('select[name=kind]').selectOption('UNIVERSITY');
  await main.getByLabel('Nama narahubung').fill('Dewi Lestari');
  await main.getByLabel('Email').fill(email);
  await main.getByLabel('Kata sandi').fill(password);
  await main.getByRole('button', { name: 'Daftar Mitra' }).click();
  await page.waitForURL(/\/masuk\?terdaftar/);

  step('partner proposes with two PDFs and submits');
  await login(email, password);
  await main.getByRole('button', { name: 'Pengajuan Baru' }).click();
  await main.getByLabel('Judul').fill(title);
  await main.locator('select[name=cooperationType]').selectOption('KSDPK');
  await main.locator('select[name=form]').selectOption('KSB');
  await main.getByLabel('Bidang').fill('Pendidikan');
  await main.getByLabel('Jangka waktu (bulan)').fill('60');
  await main.getByLabel('Maksud dan tujuan').fill('Meningkatkan mutu pendidikan vokasi di Kota Bogor');
  await main.getByLabel('Ruang lingkup').fill('Magang, pelatihan guru, riset terapan');
  await main.getByLabel('Manfaat').fill('Lulusan siap kerja');
  await main.getByLabel('Sumber pendanaan').fill('APBD dan mitra');
  await main.getByRole('button', { name: 'Simpan' }).click();
  await page.waitForURL(/\/pengajuan\/.+/);
  await settle();
  const attach = page.getByTestId('attach-form');
  for (const [type, file] of [['REQUEST_LETTER', 'surat-permohonan.pdf'], ['TOR', 'kak.pdf']]) {
    await attach.locator('select[name=type]').selectOption(type);
    await attach.getByLabel('Berkas').setInputFiles(pdf(file));
    await attach.getByRole('button', { name: 'Unggah' }).click();
    await page.getByText(file).first().waitFor();
  }
  await checkA11y('pengajuan');
  await screenshots('pengajuan');
  await main.getByRole('button', { name: 'Ajukan', exact: true }).click();
  await page.locator('.lead', { hasText: /-\d{4}-/ }).waitFor();
  const code = (await page.locator('.lead').innerText()).trim();
  step(`submitted as ${code}`);
  await logout();

  step('public tracking');
  await page.goto(`${base}/lacak?kode=${encodeURIComponent(code)}`);
  await page.locator('.track-result').waitFor();
  await checkA11y('lacak-hasil');

  step('admin verifies partner and proposal');
  await login('admin@sikerma.example', 'Demo-Admin-Sikerma-2026');
  await visit('/telaah', 'telaah');
  await main.getByRole('link', { name: title }).click();
  await settle();
  await page.getByTestId('verify-partner').click();
  await page.getByTestId('verify-partner').waitFor({ state: 'detached' });
  await page.getByTestId('verify-proposal').click();
  await page.getByTestId('verify-proposal').waitFor({ state: 'detached' });
  const proposalUrl = page.url();
  await logout();

  step('reviewer records the TKKSD review');
  await login('reviewer@sikerma.example', 'Demo-Reviewer-Sikerma-2026');
  await page.goto(proposalUrl);
  await settle();
  await page.getByTestId('review-form').getByLabel('Catatan').fill('Layak dilanjutkan; ruang lingkup jelas.');
  await page.getByTestId('record-review').click();
  await page.getByTestId('record-review').waitFor({ state: 'detached' });
  await logout();

  step('admin approves; the draft agreement gets its scan and is activated');
  await login('admin@sikerma.example', 'Demo-Admin-Sikerma-2026');
  await page.goto(proposalUrl);
  await settle();
  await main.locator('select[name=orgUnitId] option').nth(1).waitFor({ state: 'attached' });
  await main.locator('select[name=orgUnitId]').selectOption({ index: 1 });
  await page.getByTestId('approve').click();
  await page.getByTestId('agreement-link').click();
  await page.waitForURL(/\/arsip\/.+/);
  await settle();
  const scan = page.getByTestId('scan-form');
  await scan.getByLabel('Berkas').setInputFiles(pdf('naskah-ksb-bertanda-tangan.pdf'));
  await scan.getByRole('button', { name: 'Unggah' }).click();
  await page.getByText('naskah-ksb-bertanda-tangan.pdf').first().waitFor();
  const today = new Date();
  const iso = (d) => d.toISOString().slice(0, 10);
  const activateForm = page.getByTestId('activate-form');
  await activateForm.getByLabel('Ditandatangani').fill(iso(today));
  await activateForm.getByLabel('Berakhir').fill(iso(new Date(today.getFullYear() + 5, today.getMonth(), today.getDate())));
  await activateForm.locator('select[name=visibility]').selectOption('PUBLIC');
  await activateForm.getByRole('button', { name: 'Aktifkan kerja sama' }).click();
  await page.getByTestId('activate-form').waitFor({ state: 'detached' });
  await main.getByRole('button', { name: 'Periksa keutuhan rantai' }).click();
  await page.getByText('Rantai kronologi utuh').waitFor();

  step('admin records an amendment: a future date is refused at its field, then accepted');
  const amendment = page.getByTestId('amendment-form');
  await amendment.getByLabel('Nomor').fill(`ADD/${stamp}/1`);
  await amendment.getByLabel('Judul').fill('Penambahan ruang lingkup magang');
  await amendment.getByLabel('Uraian').fill('Pasal 3 ditambah satu ayat tentang magang guru.');
  await amendment.getByLabel('Ditandatangani').fill(iso(new Date(today.getFullYear() + 1, today.getMonth(), 1)));
  await amendment.getByRole('button', { name: 'Catat adendum' }).click();
  await amendment.locator('.field-error[data-code="INVALID"]').waitFor();
  if ((await amendment.locator('input[name=signedOn]').getAttribute('aria-invalid')) !== 'true') failures.push('amendment: signedOn not marked invalid');
  await checkA11y('naskah-galat');
  await amendment.getByLabel('Ditandatangani').fill(iso(today));
  await amendment.getByRole('button', { name: 'Catat adendum' }).click();
  await page.getByTestId('amendments').getByText(`ADD/${stamp}/1`).waitFor();
  if (await amendment.locator('.field-error').count()) failures.push('amendment: the error stayed after success');

  step('admin prepares the renewal as a draft');
  const renewal = page.getByTestId('renewal-form');
  await renewal.getByLabel('Nomor naskah baru').fill(`KSB/${stamp}/P`);
  await renewal.getByLabel('Berakhir').fill(iso(new Date(today.getFullYear() + 10, today.getMonth(), today.getDate())));
  await renewal.getByRole('button', { name: 'Siapkan perpanjangan' }).click();
  await main.getByRole('link', { name: `KSB/${stamp}/P` }).waitFor();
  await renewal.waitFor({ state: 'detached' });
  await checkA11y('naskah');
  await screenshots('naskah');
  await visit('/arsip', 'arsip');
  await visit('/monev', 'monev');
  await visit('/peringatan', 'peringatan');
  await visit('/serah-terima', 'serah-terima');
  await visit('/pengguna', 'pengguna');

  step('admin edits an account: an officer without a department is refused, then given one');
  const staffEmail = `pegawai-${stamp}@sikerma.example`;
  const users = page.getByTestId('users');
  await main.getByLabel('Email').fill(staffEmail);
  await main.getByLabel('Nama narahubung').fill('Rina Pegawai');
  await main.locator('select#role').selectOption('REVIEWER');
  await main.getByLabel('Kata sandi').fill('Sandi-Pegawai-Uji-2026!');
  await main.getByRole('button', { name: 'Buat', exact: true }).click();
  await users.getByText(staffEmail).waitFor();
  await main.getByRole('button', { name: `Ubah ${staffEmail}` }).click();
  const userForm = page.getByTestId('user-form');
  await userForm.getByLabel('Nama narahubung').fill('Rina Pegawai, S.E.');
  await userForm.locator('select[name=role]').selectOption('OFFICER');
  await userForm.getByRole('button', { name: 'Simpan' }).click();
  await userForm.locator('.field-error[data-code="REQUIRED"]').waitFor();
  await checkA11y('pengguna-ubah');
  await screenshots('pengguna-ubah');
  await userForm.locator('select[name=orgUnitId]').selectOption({ index: 1 });
  await userForm.getByRole('button', { name: 'Simpan' }).click();
  await userForm.waitFor({ state: 'detached' });
  const row = users.locator('tr', { hasText: staffEmail });
  await row.getByText('Rina Pegawai, S.E.').waitFor();
  if ((await row.locator('td').nth(3).innerText()).trim() === '—') failures.push('edited user: no department shown');
  await main.getByRole('button', { name: 'Ubah admin@sikerma.example' }).click();
  await userForm.getByLabel('Aktif').uncheck();
  await userForm.getByRole('button', { name: 'Simpan' }).click();
  await userForm.locator('.notice.error').waitFor();
  await main.getByRole('button', { name: 'Ubah admin@sikerma.example' }).waitFor();
  await visit('/audit', 'audit');
  await visit('/notifikasi', 'notifikasi');
  const due = page.locator('.result').first();
  await page.goto(`${base}/monev`);
  await settle();
  if (await due.count()) {
    await due.getByRole('button').or(due.getByRole('link')).first().click();
    await page.waitForURL(/\/monev\/.+/);
    await settle();
    await checkA11y('monev-form');
    await screenshots('monev-form');
  }
  await logout();

  step('the public catalogue shows it');
  await page.goto(`${base}/katalog`);
  await settle();
  await main.getByLabel('Cari').fill(title);
  await main.getByRole('button', { name: 'Terapkan' }).click();
  await page.getByRole('heading', { name: title }).waitFor();

  step('the executive dashboard counts it');
  const activeAfter = await activeOnDashboard();
  if (activeAfter !== activeBefore + 1) failures.push(`dashboard ACTIVE count ${activeBefore} → ${activeAfter}, expected +1`);
  step('GraphiQL loads from local files');
  await page.goto(`${base}/graphql`);
  await page.locator('.graphiql-container .graphiql-editors, .graphiql-container .graphiql-sessions').first().waitFor();
} catch (error) {
  failures.push(`story: ${error.stack ?? error}`);
  await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true }).catch(() => undefined);
} finally {
  await browser.close();
}
writeFileSync(join(artifacts, 'story.json'), JSON.stringify({ failures }, null, 2));
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('story passed');
