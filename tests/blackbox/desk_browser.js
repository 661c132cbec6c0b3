// Drives the comms desk (/desk) in Debian's Chromium through Playwright as
// comms would: sign in, filter, edit (and meet a colleague's change: 409;
// chapter titles; a department, out of turn),
// schedule (a past time refused), publish, delete a draft, preview, add a
// subscriber and a staff member. Prints one JSON line of what it saw.
//   node desk_browser.js '{"base", "link", "bin", "show", "shots", "title", "tomorrow", "chapters"}'
'use strict';

const path = require('path');
const fs = require('fs');
const { execFileSync } = require('child_process');
const modules = process.env.CROSSTALK_NODE_MODULES || path.join(process.env.HOME, '.cache/crosstalk/node/node_modules');
const { chromium } = require(path.join(modules, 'playwright-core'));

const args = JSON.parse(process.argv[2]);
const tid = (page, id) => page.locator(`[data-testid="${id}"]`);
const ct = (...a) => execFileSync(args.bin, ['-C', args.show, ...a], { encoding: 'utf-8' });

async function shot(page, name) {
  if (!args.shots) return;
  fs.mkdirSync(args.shots, { recursive: true });
  await page.screenshot({ path: path.join(args.shots, name), fullPage: false });
}

async function run(page) {
  const out = {};
  page.on('pageerror', (e) => { out.pageErrors = (out.pageErrors || []).concat(e.message); });
  await page.goto(args.link);
  await page.waitForURL(args.base);
  await tid(page, 'desk-link').click();
  await tid(page, 'desk-row-10000').waitFor({ timeout: 30000 });
  out.rows = await page.locator('[data-testid^="desk-row-"]').count();
  out.tableText = (await tid(page, 'desk-table').textContent()).replace(/\s+/g, ' ').slice(0, 400);
  await shot(page, 'desk-table.png');

  await tid(page, 'filter-state').selectOption('draft');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid^="desk-row-"]')];
    return rows.length > 0 && rows.every((r) => r.dataset.state === 'draft');
  });
  out.draftRows = await page.$$eval('[data-testid^="desk-row-"]', (rows) => rows.map((r) => Number(r.dataset.testid.slice(9))));

  // Edit 10000's title.
  await tid(page, 'edit-10000').click();
  await tid(page, 'edit-title').fill(args.title);
  await tid(page, 'edit-save').click();
  await tid(page, 'edit-dialog').waitFor({ state: 'hidden' });
  // A colleague changes 9999 (in the terminal) while this dialog is open.
  await tid(page, 'edit-9999').click();
  await tid(page, 'edit-title').waitFor();
  ct('edit', '9999', '--title', 'Правка коллеги');
  await tid(page, 'edit-description').fill('Моё описание');
  await tid(page, 'edit-save').click();
  await tid(page, 'conflict-banner').waitFor();
  out.conflict = (await tid(page, 'conflict-banner').textContent()).replace(/\s+/g, ' ');
  await shot(page, 'desk-conflict.png');
  await page.keyboard.press('Escape');
  await tid(page, 'edit-dialog').waitFor({ state: 'hidden' });

  // 9998: its chapter titles, and its department, out of turn (asked first):
  // its files are renamed.
  await tid(page, 'edit-9998').click();
  await tid(page, 'edit-chapter-2').waitFor();
  await tid(page, 'edit-chapter-1').fill(args.chapters[0]);
  await tid(page, 'edit-chapter-2').fill(args.chapters[1]);
  await tid(page, 'edit-department').selectOption('marketing');
  await tid(page, 'edit-save').click();
  await tid(page, 'confirm-text').waitFor();
  out.moveQuestion = (await tid(page, 'confirm-text').textContent()).trim();
  await shot(page, 'desk-move.png');
  await tid(page, 'confirm-yes').click();
  await tid(page, 'edit-dialog').waitFor({ state: 'hidden' });
  await page.locator('[data-testid="desk-row-9998"]', { hasText: 'Маркетинг' }).waitFor();

  // Schedule 9998: the past is refused, tomorrow is taken.
  await tid(page, 'schedule-9998').click();
  await tid(page, 'schedule-at').fill('2020-01-01T10:00');
  await tid(page, 'schedule-save').click();
  await page.locator('#schedule-dialog [data-testid="error-banner"]').waitFor();
  out.pastError = (await page.locator('#schedule-dialog [data-testid="error-banner"]').textContent()).trim();
  await tid(page, 'schedule-at').fill(args.tomorrow);
  await tid(page, 'schedule-save').click();
  await tid(page, 'schedule-dialog').waitFor({ state: 'hidden' });
  await tid(page, 'timeline-ep-9998').waitFor();

  // Publish 10000 (asked first); delete draft 9999.
  await tid(page, 'filter-state').selectOption('');
  await tid(page, 'desk-row-10000').waitFor();
  await tid(page, 'publish-10000').click();
  out.publishQuestion = (await tid(page, 'confirm-text').textContent()).trim();
  await tid(page, 'confirm-yes').click();
  await page.locator('[data-testid="desk-row-10000"][data-state="published"]').waitFor({ timeout: 30000 });
  // Published: its department cannot change any more.
  await tid(page, 'edit-10000').click();
  await tid(page, 'edit-title').waitFor();
  out.publishedDepartmentDisabled = await tid(page, 'edit-department').isDisabled();
  await page.keyboard.press('Escape');
  await tid(page, 'edit-dialog').waitFor({ state: 'hidden' });
  await tid(page, 'delete-9999').click();
  out.deleteQuestion = (await tid(page, 'confirm-text').textContent()).trim();
  await tid(page, 'confirm-yes').click();
  await tid(page, 'desk-row-9999').waitFor({ state: 'detached' });

  // Preview 9998 as a podcast app will show it.
  await tid(page, 'preview-9998').click();
  await tid(page, 'preview-card').waitFor();
  out.preview = (await tid(page, 'preview-card').textContent()).replace(/\s+/g, ' ');
  await page.keyboard.press('Escape');

  // A subscriber and a staff member: their links, once, with QR codes.
  await tid(page, 'subscriber-name').fill('Борис & <Co>');
  await tid(page, 'subscriber-department').selectOption('sales');
  await tid(page, 'subscriber-add').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="subscriber-url"]').value !== '');
  out.subscriberUrl = await tid(page, 'subscriber-url').inputValue();
  out.subscriberQr = await tid(page, 'subscriber-qr').locator('svg').count();
  await tid(page, 'staff-name').fill('Вера');
  await tid(page, 'staff-role').selectOption('host');
  await tid(page, 'staff-add').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="staff-url"]').value !== '');
  out.staffUrl = await tid(page, 'staff-url').inputValue();
  await shot(page, 'desk-people.png');
  return out;
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CROSSTALK_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  let result;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
    const page = await context.newPage();
    result = await run(page);
    result.ok = true;
  } catch (e) {
    result = { ok: false, error: String(e && e.stack || e) };
  }
  await browser.close();
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(result.ok ? 0 : 1);
})();
