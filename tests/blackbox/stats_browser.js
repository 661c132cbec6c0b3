// Drives the comms desk's listening figures in Debian's Chromium through
// Playwright: sign in as comms, follow the desk's link to /desk/stats (the
// last 30 days), choose the last 7 days, then from–to; a screenshot.
// Prints one JSON line of what it saw.
//   node stats_browser.js '{"base", "link", "shots", "fromDay", "toDay"}'
'use strict';

const path = require('path');
const fs = require('fs');
const modules = process.env.CROSSTALK_NODE_MODULES || path.join(process.env.HOME, '.cache/crosstalk/node/node_modules');
const { chromium } = require(path.join(modules, 'playwright-core'));

const args = JSON.parse(process.argv[2]);
const tid = (page, id) => page.locator(`[data-testid="${id}"]`);
const loaded = (page, query) =>
  page.locator(`[data-testid="stats-report"][data-loaded="${query}"]`).waitFor({ timeout: 30000 });

async function run(page) {
  const out = {};
  page.on('pageerror', (e) => { out.pageErrors = (out.pageErrors || []).concat(e.message); });
  await page.goto(args.link);
  await page.waitForURL(args.base);
  await page.goto(args.base + 'desk');
  await tid(page, 'stats-link').click();
  await loaded(page, 'days=30');
  out.url30 = new URL(page.url()).pathname + new URL(page.url()).search;
  out.summary30 = await tid(page, 'stats-report').locator('p').first().textContent();
  await tid(page, 'stats-days').selectOption('7');
  await loaded(page, 'days=7');
  out.report7 = await tid(page, 'stats-report').innerHTML();
  out.range7 = await tid(page, 'stats-range').textContent();
  await tid(page, 'stats-days').selectOption('custom');
  await tid(page, 'stats-from').fill(args.fromDay);
  await tid(page, 'stats-to').fill(args.toDay);
  await tid(page, 'stats-show').click();
  await loaded(page, `from=${args.fromDay}&to=${args.toDay}`);
  out.reportRange = await tid(page, 'stats-report').innerHTML();
  out.charts = await tid(page, 'stats-report').locator('svg').count();
  if (args.shots) {
    fs.mkdirSync(args.shots, { recursive: true });
    await page.screenshot({ path: path.join(args.shots, 'desk-stats.png'), fullPage: true });
  }
  return out;
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CROSSTALK_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  let result;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
    result = await run(await context.newPage());
    result.ok = true;
  } catch (e) {
    result = { ok: false, error: String(e && e.stack || e) };
  }
  await browser.close();
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(result.ok ? 0 : 1);
})();
