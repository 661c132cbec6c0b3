// The comms desk's whole day in Debian's Chromium (Playwright): upload a WAV
// (both progress bars), see the draft, edit its title while a colleague in
// a second browser edits it too (her save: 409), schedule it for the next
// minute, and, once serve's scheduler has published it, unpublish it and
// delete the draft. Screenshots at desktop and phone width. Prints one JSON
// line; the Python side checks the feeds and the audit log between steps
// through files it waits for (args.sync).
//   node desk_flow.js '{"base", "linkA", "linkB", "wav", "title", "title2", "at", "shots", "sync"}'
'use strict';

const path = require('path');
const fs = require('fs');
const modules = process.env.CROSSTALK_NODE_MODULES || path.join(process.env.HOME, '.cache/crosstalk/node/node_modules');
const { chromium } = require(path.join(modules, 'playwright-core'));

const args = JSON.parse(process.argv[2]);
const tid = (page, id) => page.locator(`[data-testid="${id}"]`);

async function shot(page, name) {
  fs.mkdirSync(args.shots, { recursive: true });
  await page.screenshot({ path: path.join(args.shots, name), fullPage: false });
}

// Waits for the Python side to write `name` in the sync folder (what it checked).
async function waitFor(name, seconds) {
  const file = path.join(args.sync, name);
  for (let i = 0; i < seconds * 10; i++) {
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf-8');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the test did not answer ${name} in ${seconds} s`);
}
function tell(name, value) { fs.writeFileSync(path.join(args.sync, name), JSON.stringify(value)); }

async function signIn(browser, link, viewport) {
  const context = await browser.newContext({ viewport, locale: 'ru-RU' });
  const page = await context.newPage();
  page.on('pageerror', (e) => { (page.errors = page.errors || []).push(e.message); });
  await page.goto(link);
  await page.waitForURL(args.base);
  await page.goto(args.base + 'desk');
  await page.locator('#desk').waitFor();  // (an empty show hides the table)
  return page;
}

async function run(browser) {
  const out = {};
  const a = await signIn(browser, args.linkA, { width: 1280, height: 900 });
  // The upload: both bars are watched as they move.
  await a.evaluate(() => {
    window.seen = { upload: 0, encode: 0, encodeSteps: new Set() };
    const watch = (id, key) => new MutationObserver(() => {
      const v = Number(document.getElementById(id).value);
      window.seen[key] = Math.max(window.seen[key], v);
      if (key === 'encode') window.seen.encodeSteps.add(v);
    }).observe(document.getElementById(id), { attributes: true });
    watch('import-progress', 'upload');
    watch('encode-progress', 'encode');
  });
  await tid(a, 'import-file').setInputFiles(args.wav);
  await tid(a, 'import-title').fill(args.title);
  await tid(a, 'import-start').click();
  await tid(a, 'import-result').waitFor({ timeout: 120000 });
  out.importResult = (await tid(a, 'import-result').textContent()).replace(/\s+/g, ' ');
  out.seen = await a.evaluate(() => ({ upload: window.seen.upload, encode: window.seen.encode, encodeSteps: window.seen.encodeSteps.size }));
  await shot(a, 'desk-imported.png');
  const number = Number(await waitFor('number', 30));
  await tid(a, `desk-row-${number}`).waitFor();
  out.rowState = await tid(a, `desk-row-${number}`).getAttribute('data-state');

  // Two comms people open the same episode; Anna saves first, Boris second.
  const b = await signIn(browser, args.linkB, { width: 1280, height: 900 });
  await tid(b, `desk-row-${number}`).waitFor();
  await tid(b, `edit-${number}`).click();
  await tid(b, 'edit-title').waitFor();
  await tid(a, `edit-${number}`).click();
  await tid(a, 'edit-title').fill(args.title2);
  await tid(a, 'edit-save').click();
  await tid(a, 'edit-dialog').waitFor({ state: 'hidden' });
  await tid(b, 'edit-description').fill('Описание Бориса');
  await tid(b, 'edit-save').click();
  await tid(b, 'conflict-banner').waitFor();
  out.conflict = (await tid(b, 'conflict-banner').textContent()).replace(/\s+/g, ' ');
  await b.keyboard.press('Escape');
  out.errorsB = b.errors || [];
  await b.context().close();

  // Scheduled for the next minute; serve publishes it.
  await tid(a, `schedule-${number}`).click();
  tell('want-at', Date.now());
  await tid(a, 'schedule-at').fill(await waitFor('at', 60));
  await tid(a, 'schedule-save').click();
  await tid(a, 'schedule-dialog').waitFor({ state: 'hidden' });
  tell('scheduled', Date.now());
  await waitFor('published', 120);
  await a.reload();
  await a.locator(`[data-testid="desk-row-${number}"][data-state="published"]`).waitFor();
  await shot(a, 'desk-published.png');

  // Unpublish (asked first), then delete the draft it became.
  await tid(a, `unpublish-${number}`).click();
  out.unpublishQuestion = (await tid(a, 'confirm-text').textContent()).trim();
  await tid(a, 'confirm-yes').click();
  await a.locator(`[data-testid="desk-row-${number}"][data-state="draft"]`).waitFor();
  tell('unpublished', Date.now());
  await tid(a, `delete-${number}`).click();
  await tid(a, 'confirm-yes').click();
  await tid(a, `desk-row-${number}`).waitFor({ state: 'detached' });
  await tid(a, 'audit-reload').click();
  await a.waitForFunction(() => document.querySelectorAll('[data-testid="audit-entry"]').length >= 6);
  out.audit = (await tid(a, 'audit-list').textContent()).replace(/\s+/g, ' ');
  await shot(a, 'desk-audit.png');

  // The phone: the same desk at 390 px, readable (no sideways scrolling of the page).
  await a.setViewportSize({ width: 390, height: 844 });
  await a.reload();
  await a.locator('#desk').waitFor();
  out.phoneOverflow = await a.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await shot(a, 'desk-phone.png');
  out.errorsA = a.errors || [];
  return out;
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CROSSTALK_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  let result;
  try {
    result = await run(browser);
    result.ok = true;
  } catch (e) {
    result = { ok: false, error: String(e && e.stack || e) };
  }
  await browser.close();
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(result.ok ? 0 : 1);
})();
