// How long the comms desk takes to show its first screen of episodes in
// headless Chromium: from navigation to the first row drawn. Prints the
// times in ms as a JSON list.   node bench/desk_first_screen.js BASE LINK RUNS
'use strict';
const path = require('path');
const modules = process.env.CROSSTALK_NODE_MODULES || path.join(process.env.HOME, '.cache/crosstalk/node/node_modules');
const { chromium } = require(path.join(modules, 'playwright-core'));
const [base, link, runs] = process.argv.slice(2);

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CROSSTALK_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
  const page = await context.newPage();
  await page.goto(link);
  await page.waitForURL(base);
  const times = [];
  for (let i = 0; i < Number(runs); i++) {
    const start = Date.now();
    await page.goto(base + 'desk');
    await page.locator('[data-testid^="desk-row-"]').first().waitFor({ state: 'visible' });
    times.push(Date.now() - start);
  }
  await browser.close();
  process.stdout.write(JSON.stringify(times) + '\n');
})();
