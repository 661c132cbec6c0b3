// Drives the studio page in Debian's Chromium through Playwright, as a host
// would: sign in with the link, record, pause, mark chapters, stop. The
// microphone is Chromium's fake capture device playing a WAV file.
//   node studio_browser.js '{"scenario": "...", "base": "...", "link": "...", "wav": "...", "shots": "..."}'
// Prints one JSON line of results at the end ("event" lines before it when
// the caller must act, e.g. kill the studio).
'use strict';

const path = require('path');
const fs = require('fs');
const readline = require('readline');
const modules = process.env.CROSSTALK_NODE_MODULES || path.join(process.env.HOME, '.cache/crosstalk/node/node_modules');
const { chromium } = require(path.join(modules, 'playwright-core'));

const args = JSON.parse(process.argv[2]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tid = (page, id) => page.locator(`[data-testid="${id}"]`);
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

async function signIn(context) {
  const page = await context.newPage();
  page.on('pageerror', (e) => emit({ event: 'page-error', message: e.message }));
  await page.goto(args.link);
  await page.waitForURL(args.base);
  await tid(page, 'turn').filter({ hasText: /\d/ }).waitFor({ timeout: 15000 });
  return page;
}

// The host watches the clock on the page and acts when it reaches `mmss`
// (read from its exact value, <time datetime="PT10.008S">, so a loaded
// machine does not stretch the recording).
async function waitClock(page, mmss) {
  const [m, s] = mmss.split(':').map(Number);
  await page.waitForFunction((seconds) => {
    const el = document.querySelector('[data-testid="elapsed"]');
    return parseFloat((el.getAttribute('datetime') || 'PT0S').slice(2)) >= seconds;
  }, m * 60 + s, { polling: 10, timeout: 60000 });
}

async function startRecording(page, title) {
  await tid(page, 'title').fill(title);
  await tid(page, 'description').fill(args.description || 'Запись из браузера: "кавычки" & <теги> 🎙');
  await tid(page, 'record').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="pause"]').hidden, null, { timeout: 15000 });
}

async function stopAndWaitForDraft(page) {
  await page.keyboard.press('Enter');
  await tid(page, 'draft').waitFor({ state: 'visible', timeout: 60000 });
  const heading = await page.locator('#draft-h').textContent();
  return Number((heading.match(/\d+/) || ['0'])[0]);
}

async function shot(page, name) {
  if (!args.shots) return;
  fs.mkdirSync(args.shots, { recursive: true });
  await page.screenshot({ path: path.join(args.shots, name), fullPage: true });
}

const scenarios = {
  // 10 s with a chapter at 3 s; a note for comms afterwards.
  async record(context) {
    const page = await signIn(context);
    await shot(page, 'desktop-idle.png');
    // The mic test: the meter moves, and no episode is made (the recording
    // below must still be episode 1).
    await tid(page, 'mic-test').click();
    await sleep(2000);
    const meter = Number(await tid(page, 'meter').getAttribute('aria-valuenow'));
    await tid(page, 'mic-test').click();
    await startRecording(page, args.title);
    await waitClock(page, '00:03');
    await page.keyboard.press('m');
    await sleep(500);
    await shot(page, 'desktop-recording.png');
    await waitClock(page, '00:10');
    const episode = await stopAndWaitForDraft(page);
    await tid(page, 'note').fill('Можно в пятницу — «готово» & <ok>');
    await tid(page, 'note-send').click();
    await page.locator('#note-sent').filter({ hasText: /./ }).waitFor({ timeout: 10000 });
    await shot(page, 'desktop-draft.png');
    return { episode, meter };
  },
  // 3 s, 3 s paused, 3 s more.
  async pause(context) {
    const page = await signIn(context);
    await startRecording(page, args.title);
    await waitClock(page, '00:03');
    await tid(page, 'pause').click();
    const pausedAt = Date.now();
    await sleep(3000);
    await tid(page, 'pause').click();
    const paused = (Date.now() - pausedAt) / 1000;
    await waitClock(page, '00:06');
    return { episode: await stopAndWaitForDraft(page), paused };
  },
  // The network goes away for 5 s in the middle.
  async offline(context) {
    const page = await signIn(context);
    await startRecording(page, args.title);
    await waitClock(page, '00:03');
    await context.setOffline(true);
    await sleep(5000);
    await context.setOffline(false);
    await waitClock(page, '00:12');
    return { episode: await stopAndWaitForDraft(page) };
  },
  // The tab is closed while recording.
  async close(context) {
    const page = await signIn(context);
    await startRecording(page, args.title);
    await waitClock(page, '00:04');
    await page.close();
    return {};
  },
  // The caller kills the studio while this page records.
  async kill(context) {
    const page = await signIn(context);
    await startRecording(page, args.title);
    await waitClock(page, '00:04');
    emit({ event: 'recording' });
    const rl = readline.createInterface({ input: process.stdin });
    await new Promise((resolve) => rl.once('line', resolve));
    rl.close();
    return {};
  },
  // Screenshots at phone width, idle and recording.
  async phone(context) {
    const page = await signIn(context);
    await shot(page, 'phone-idle.png');
    await startRecording(page, args.title);
    await waitClock(page, '00:02');
    await tid(page, 'chapter').tap();
    await shot(page, 'phone-recording.png');
    await tid(page, 'stop').tap();
    await tid(page, 'draft').waitFor({ state: 'visible', timeout: 60000 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    return { scrollWidth: width };
  },
};

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CROSSTALK_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${args.wav}`, '--autoplay-policy=no-user-gesture-required'],
  });
  let result;
  try {
    const phone = args.scenario === 'phone';
    const context = await browser.newContext({
      viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
      isMobile: phone, hasTouch: phone,
      ignoreHTTPSErrors: true,
      locale: args.locale || 'ru-RU',
    });
    result = await scenarios[args.scenario](context);
    result.ok = true;
  } catch (e) {
    result = { ok: false, error: String(e && e.stack || e) };
  }
  await browser.close();
  emit(result);
  process.exit(result.ok ? 0 : 1);
})();
