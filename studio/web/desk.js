// crosstalk studio: the comms desk's script (no framework, no build step).
// The contract with the server is docs/studio-protocol.md, "The comms desk".
// One page for the comms team: every episode (paged by the server, 50 at a
// time), editing with If-Match (409 shows what changed), scheduling in the
// show's time zone, publishing and unpublishing after a confirmation, deleting
// drafts, importing a file (XMLHttpRequest for the upload's progress, then the
// encode job's progress as server-sent events), whose turn and the next four weeks,
// subscribers of a private show and staff accounts (their link and QR shown
// once), and a preview of the item as a podcast app shows it.
// Every visible word comes from the catalogue the server inlines as
// <script id="strings">; text from people goes in through textContent only.
'use strict';

(() => {
  // ---------------------------------------------------------------- strings

  const { STRINGS, LANG, t, applyStrings, fmtNum } = window.crosstalkCommon;

  /** A key with a plural form: KEY.one / .few / .many / .other, as the language counts. */
  const plurals = (() => { try { return new Intl.PluralRules(LANG); } catch (_) { return new Intl.PluralRules('en'); } })();
  function tn(key, count, params) {
    const form = plurals.select(count);
    const k = Object.prototype.hasOwnProperty.call(STRINGS, `${key}.${form}`) ? `${key}.${form}` : `${key}.other`;
    return t(k, { count: fmtInt(count), ...params });
  }

  const intFormat = (() => { try { return new Intl.NumberFormat(LANG); } catch (_) { return new Intl.NumberFormat('en'); } })();
  function fmtInt(x) { return typeof x === 'number' && isFinite(x) ? intFormat.format(x) : String(x); }

  /** Seconds as m:ss (h:mm:ss past an hour). */
  function fmtTime(seconds) {
    if (typeof seconds === 'string' && /^\d+(\.\d+)?$/.test(seconds)) seconds = Number(seconds);
    if (typeof seconds !== 'number' || !isFinite(seconds)) return seconds == null ? '' : String(seconds);
    const total = Math.max(0, Math.round(seconds));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    const ss = String(s).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
  }

  /** Seconds as a podcast app says it: "12 мин", "1 ч 5 мин". */
  function fmtMinutes(seconds) {
    if (typeof seconds === 'string' && /^\d+(\.\d+)?$/.test(seconds)) seconds = Number(seconds);
    if (typeof seconds !== 'number' || !isFinite(seconds)) return seconds == null ? '' : String(seconds);
    const minutes = Math.max(1, Math.round(seconds / 60));
    const h = Math.floor(minutes / 60), m = minutes % 60;
    return h > 0 ? t('desk.preview.hoursMinutes', { h, m }) : t('desk.preview.minutes', { m });
  }

  function fmtBytes(n) {
    if (!(n >= 0)) return '';
    if (n < 1024 * 1024) return t('desk.size.kb', { n: fmtNum(n / 1024, 0) });
    if (n < 1024 * 1024 * 1024) return t('desk.size.mb', { n: fmtNum(n / 1048576, 1) });
    return t('desk.size.gb', { n: fmtNum(n / 1073741824, 2) });
  }

  // ----------------------------------------------------------------- dates

  // Calendar dates ("2026-12-01") are counted in UTC so that no browser time
  // zone shifts them; the show's own zone only matters for "now".
  function parseDay(s) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
    return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  }
  function dayString(ms) { return new Date(ms).toISOString().slice(0, 10); }
  const DAY_MS = 86400000;

  function dateFormat(options) {
    try { return new Intl.DateTimeFormat(LANG, { ...options, timeZone: 'UTC' }); } catch (_) { return new Intl.DateTimeFormat('en', { ...options, timeZone: 'UTC' }); }
  }
  const fmtDayMonth = dateFormat({ day: 'numeric', month: 'short' });
  const fmtWeekday = dateFormat({ weekday: 'short' });

  /** Now in the show's zone as "YYYY-MM-DDTHH:MM" (the browser's own zone if it does not know the show's). */
  function showNow(plusMs) {
    const when = new Date(Date.now() + (plusMs || 0));
    try {
      const parts = {};
      const f = new Intl.DateTimeFormat('en-CA', {
        timeZone: S.timezone || undefined, year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
      });
      for (const p of f.formatToParts(when)) parts[p.type] = p.value;
      return `${parts.year}-${parts.month}-${parts.day}T${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`;
    } catch (_) {
      const p = (x) => String(x).padStart(2, '0');
      return `${when.getFullYear()}-${p(when.getMonth() + 1)}-${p(when.getDate())}T${p(when.getHours())}:${p(when.getMinutes())}`;
    }
  }

  /** "2026-12-01 10:00" (as the API gives local times) → "2026-12-01T10:00" for the picker. */
  function toPickerValue(local) {
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})/.exec(local || '');
    return m ? `${m[1]}T${m[2]}` : '';
  }

  // --------------------------------------------------------------- elements

  const $ = (id) => document.getElementById(id);
  const el = {};
  for (const id of [
    'error-banner', 'error-text', 'error-close', 'notice-banner', 'notice-text',
    'show-title', 'who', 'signout', 'loading', 'desk', 'signed-out', 'signed-out-text', 'main',
    'turn', 'timeline', 'timeline-zone',
    'episodes-total', 'filter-state', 'filter-department', 'table-wrap', 'desk-table', 'desk-rows', 'th-zone',
    'episodes-empty', 'page-prev', 'page-next', 'page-input', 'page-of', 'pager',
    'import-card', 'import-form', 'import-drop', 'import-drop-text', 'import-file-name', 'import-file',
    'import-title', 'import-description', 'import-host', 'import-department', 'import-outofturn',
    'import-start', 'import-cancel', 'import-progress-block', 'import-progress', 'import-progress-text',
    'encode-progress', 'encode-progress-text', 'import-result', 'import-result-text', 'import-show',
    'import-preview', 'import-another', 'drop-overlay',
    'subscribers-public', 'subscribers-body', 'subscriber-form', 'subscriber-name', 'subscriber-department',
    'subscriber-add', 'subscriber-once', 'subscriber-once-title', 'subscriber-qr', 'subscriber-url',
    'subscriber-copy', 'subscriber-mp3-wrap', 'subscriber-mp3', 'subscriber-mp3-copy', 'subscriber-page-wrap',
    'subscriber-page', 'subscriber-once-close', 'subscriber-rows', 'subscribers-empty',
    'staff-form', 'staff-name', 'staff-role', 'staff-department', 'staff-email', 'staff-add', 'staff-once',
    'staff-once-title', 'staff-qr', 'staff-url', 'staff-copy', 'staff-once-close', 'staff-rows', 'staff-empty',
    'confirm-dialog', 'confirm-title', 'confirm-text', 'confirm-yes', 'confirm-no',
    'edit-dialog', 'edit-form', 'edit-h', 'conflict-banner', 'conflict-text', 'conflict-list', 'conflict-reload',
    'edit-published-hint', 'edit-title', 'edit-description', 'edit-host', 'edit-department', 'edit-department-hint', 'edit-chapters', 'edit-no-chapters',
    'edit-chapters-set', 'edit-note-wrap', 'edit-note', 'edit-save',
    'schedule-dialog', 'schedule-form', 'schedule-dialog-h', 'schedule-episode', 'schedule-at', 'schedule-at-label',
    'schedule-hint', 'schedule-save',
    'preview-dialog', 'preview-card', 'preview-cover', 'preview-date', 'preview-title', 'preview-show',
    'preview-duration', 'preview-description',
  ]) {
    el[id.replace(/-(\w)/g, (m, c) => c.toUpperCase())] = $(id);
  }

  const COLUMNS = 9;
  const PER_PAGE = 50;
  const JOB_POLL_MS = 500;
  const STATES = ['draft', 'scheduled', 'published'];

  // ------------------------------------------------------------------ state

  const S = {
    me: null, csrf: '', timezone: '', zoneLabel: '',
    departments: new Map(),   // id → label
    labelled: new Set(),      // the ids the server gave a label for
    turn: null,
    filter: { state: '', department: '', page: 1 },
    list: null,               // the last page: {total, page, per, episodes}
    listAbort: null, listSeq: 0, listLoadedAt: 0,
    player: null,             // {number, row}
    edit: null,               // {number, version, episode}
    scheduling: null,         // episode
    importFile: null, importing: null,
    dialogs: [],
    noticeTimer: 0,
  };

  // ------------------------------------------------------------------- http

  class ApiError extends Error {
    constructor(status, message, data) { super(message); this.status = status; this.data = data; }
  }

  /** One JSON request; resolves {data, res}. Errors are ApiError with the server's one line. */
  async function request(method, path, options) {
    const o = options || {};
    const headers = { Accept: 'application/json', ...(o.headers || {}) };
    if (method !== 'GET') {
      if (o.body !== undefined) headers['Content-Type'] = 'application/json';
      if (S.csrf) headers['X-CSRF-Token'] = S.csrf;
    }
    let res;
    try {
      res = await fetch(path, {
        method, headers, credentials: 'same-origin', cache: 'no-store', signal: o.signal,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
      });
    } catch (e) {
      if (e && e.name === 'AbortError') throw e;
      throw new ApiError(0, t('common.network'));
    }
    let data = null;
    if (res.status !== 204) { try { data = await res.json(); } catch (_) { data = null; } }
    if (res.status === 401) {
      showSignedOut(t('auth.needLink'));
      throw new ApiError(401, t('auth.needLink'), data);
    }
    if (!res.ok) {
      const msg = data && typeof data.error === 'string' ? data.error : t('common.httpError', { status: res.status });
      throw new ApiError(res.status, msg, data);
    }
    return { data, res };
  }

  async function api(method, path, body) {
    return (await request(method, path, { body })).data;
  }

  const epPath = (n, rest) => `/api/episodes/${encodeURIComponent(n)}${rest || ''}`;

  // ---------------------------------------------------------------- banners

  /** The error banner sits at the top of the page, or of the dialog in front (the page behind is inert). */
  function showError(text) {
    const top = S.dialogs[S.dialogs.length - 1];
    if (top) {
      // Under the dialog's heading, where the eyes are.
      const heading = top.querySelector('h2');
      const after = heading && heading.closest('dialog') === top && !heading.closest('article') ? heading : null;
      if (after) { if (after.nextElementSibling !== el.errorBanner) after.after(el.errorBanner); }
      else { const home = top.querySelector('form') || top; if (home.firstElementChild !== el.errorBanner) home.prepend(el.errorBanner); }
    } else if (el.errorBanner.parentNode !== document.body || document.body.firstElementChild !== el.errorBanner) {
      document.body.prepend(el.errorBanner);
    }
    el.errorText.textContent = text;
    el.errorBanner.hidden = false;
  }
  function clearError() { el.errorBanner.hidden = true; el.errorText.textContent = ''; }
  el.errorClose.addEventListener('click', clearError);

  function failed(key, e) {
    if (e && (e.status === 401 || e.name === 'AbortError')) return;
    showError(t(key, { message: e && e.message ? e.message : String(e) }));
  }

  function notice(text) {
    el.noticeText.textContent = text;
    el.noticeBanner.hidden = false;
    clearTimeout(S.noticeTimer);
    S.noticeTimer = setTimeout(() => { el.noticeBanner.hidden = true; }, 6000);
  }

  function showSignedOut(text, withStudioLink) {
    el.loading.hidden = true;
    el.desk.hidden = true;
    el.signout.hidden = !withStudioLink;
    el.signedOutText.textContent = text;
    if (withStudioLink && !$('signed-out-studio')) {
      const a = document.createElement('a');
      a.href = '/';
      a.textContent = t('desk.nav.studio');
      const p = document.createElement('p');
      p.id = 'signed-out-studio';
      p.append(a);
      el.signedOutText.after(p);
    }
    el.signedOut.hidden = false;
  }

  // ---------------------------------------------------------------- dialogs

  function openDialog(dialog) {
    clearError();
    if (!dialog.open) dialog.showModal();
    if (!S.dialogs.includes(dialog)) S.dialogs.push(dialog);
  }

  for (const dialog of document.querySelectorAll('dialog')) {
    dialog.addEventListener('close', () => {
      const i = S.dialogs.indexOf(dialog);
      if (i >= 0) S.dialogs.splice(i, 1);
      if (dialog.contains(el.errorBanner)) {   // its error goes with it
        clearError();
        document.body.prepend(el.errorBanner);
      }
    });
  }

  /** Asks; resolves true for yes. One question at a time (an import may ask while another is open). */
  let confirmQueue = Promise.resolve();
  function confirmAsk(question) {
    const asked = confirmQueue.then(() => askNow(question));
    confirmQueue = asked.catch(() => {});
    return asked;
  }
  function askNow({ title, text, yes, danger }) {
    return new Promise((resolve) => {
      const d = el.confirmDialog;
      el.confirmTitle.textContent = title;
      el.confirmText.textContent = text;
      el.confirmYes.textContent = yes;
      el.confirmYes.classList.toggle('button-danger', !!danger);
      d.returnValue = '';
      d.addEventListener('close', () => resolve(d.returnValue === 'yes'), { once: true });
      openDialog(d);
      el.confirmNo.focus();
    });
  }

  // ------------------------------------------------------------ departments

  function deptLabel(id) {
    if (!id) return '';
    return S.departments.get(id) || id;
  }

  function learnDepartments(turn) {
    if (!turn) return;
    if (Array.isArray(turn.departments)) {
      for (const d of turn.departments) {
        if (typeof d === 'string') { if (!S.departments.has(d)) S.departments.set(d, d); }
        else if (d && d.id) {
          const label = d.label || d.name;
          S.departments.set(d.id, label || d.id);
          if (label) S.labelled.add(d.id);
        }
      }
    }
    if (turn.next) {
      if (turn.label) { S.departments.set(turn.next, turn.label); S.labelled.add(turn.next); }
      else if (!S.departments.has(turn.next)) S.departments.set(turn.next, turn.next);
    }
    const last = turn.last;
    if (last && last.department) {
      if (last.label) { S.departments.set(last.department, last.label); S.labelled.add(last.department); }
      else if (!S.departments.has(last.department)) S.departments.set(last.department, last.department);
    }
  }

  function learnDepartmentIds(ids) {
    let added = false;
    for (const id of ids) if (id && !S.departments.has(id)) { S.departments.set(id, id); added = true; }
    if (added) fillDepartmentSelects();
  }

  function fillSelect(select, first, keep) {
    const value = keep !== undefined ? keep : select.value;
    select.replaceChildren();
    if (first) {
      const o = document.createElement('option');
      o.value = '';
      o.textContent = first;
      select.append(o);
    }
    for (const [id, label] of S.departments) {
      const o = document.createElement('option');
      o.value = id;
      o.textContent = label;
      select.append(o);
    }
    select.value = [...select.options].some((o) => o.value === value) ? value : '';
  }

  function fillDepartmentSelects() {
    fillSelect(el.filterDepartment, t('desk.filter.allDepartments'), S.filter.department);
    const next = S.turn && S.turn.next;
    fillSelect(el.importDepartment, next ? t('desk.import.byTurn', { dept: deptLabel(next) }) : t('desk.import.byTurnUnknown'));
    fillSelect(el.subscriberDepartment, t('desk.person.noDepartment'));
    fillSelect(el.staffDepartment, t('desk.person.noDepartment'));
  }

  // ------------------------------------------------------------------- load

  async function load() {
    applyStrings(document);
    document.title = t('desk.pageTitle');
    readUrl();
    let me;
    try {
      me = await api('GET', '/api/me');
    } catch (e) {
      if (e.status !== 401) { el.loading.hidden = true; showError(t('desk.errorLoad', { message: e.message })); }
      return;
    }
    S.me = me;
    S.csrf = me.csrf || '';
    S.timezone = (me.show && me.show.timezone) || '';
    const showTitle = (me.show && me.show.title) || '';
    el.showTitle.textContent = showTitle;
    if (showTitle) document.title = t('desk.pageTitleShow', { show: showTitle });
    el.who.textContent = t('me.signedInAs', { name: me.name || '' });
    el.signout.hidden = false;
    if (me.role && me.role !== 'comms') { showSignedOut(t('desk.notComms'), true); return; }
    el.importHost.value = '';
    if (me.turn) { S.turn = me.turn; learnDepartments(me.turn); }
    fillDepartmentSelects();
    el.loading.hidden = true;
    el.desk.hidden = false;
    renderZone();
    // The table first: the studio answers one request at a time, and each
    // of the others reads the whole library too (10,000 sidecars: ~0.3 s).
    await loadEpisodes();
    await Promise.all([
      loadTurn().catch((e) => failed('desk.errorLoad', e)),
      loadTimeline(),
      loadSubscribers(),
      loadStaff(),
      loadAudit(),
    ]);
  }

  el.signout.addEventListener('click', async () => {
    if (S.importing) return;
    try { await api('POST', '/api/signout'); } catch (_) { /* signed out either way */ }
    showSignedOut(t('auth.needLink'));
  });

  async function loadTurn() {
    const turn = await api('GET', '/api/turn');
    S.turn = turn;
    learnDepartments(turn);
    fillDepartmentSelects();
    renderTurn();
    return turn;
  }

  function renderTurn() {
    const turn = S.turn;
    if (!turn || !turn.next) { el.turn.textContent = ''; el.turn.hidden = true; return; }
    el.turn.hidden = false;
    const p = { number: turn.number, dept: deptLabel(turn.next) };
    if (turn.last) {
      p.last = turn.last.number;
      p.lastDept = deptLabel(turn.last.department);
      p.lastTitle = turn.last.title;
      const known = S.labelled.has(turn.last.department);
      el.turn.textContent = t(`turn.nextAfter${turn.last.title ? 'Titled' : ''}${known ? '' : 'Other'}`, p);
    } else {
      el.turn.textContent = t('turn.first', p);
    }
  }

  function renderZone() {
    const zone = S.zoneLabel || S.timezone;
    el.thZone.textContent = zone ? t('desk.col.zone', { zone }) : '';
    el.timelineZone.textContent = zone ? t('desk.timeline.zone', { zone }) : '';
  }

  // --------------------------------------------------------------- episodes

  function readUrl() {
    const q = new URLSearchParams(location.search);
    const state = q.get('state') || '';
    S.filter.state = STATES.includes(state) ? state : '';
    S.filter.department = q.get('department') || '';
    const page = parseInt(q.get('page') || '1', 10);
    S.filter.page = page > 0 ? page : 1;
    el.filterState.value = S.filter.state;
  }

  function writeUrl() {
    const q = new URLSearchParams();
    if (S.filter.state) q.set('state', S.filter.state);
    if (S.filter.department) q.set('department', S.filter.department);
    if (S.filter.page > 1) q.set('page', String(S.filter.page));
    const search = q.toString();
    history.replaceState(null, '', location.pathname + (search ? `?${search}` : '') + location.hash);
  }

  function pageCount() {
    const l = S.list;
    if (!l) return 1;
    const per = l.per || PER_PAGE;
    return Math.max(1, Math.ceil((l.total || 0) / per));
  }

  async function loadEpisodes(options) {
    const o = options || {};
    if (S.listAbort) S.listAbort.abort();
    const abort = new AbortController();
    S.listAbort = abort;
    const seq = ++S.listSeq;
    const q = new URLSearchParams();
    if (S.filter.state) q.set('state', S.filter.state);
    if (S.filter.department) q.set('department', S.filter.department);
    q.set('page', String(S.filter.page));
    q.set('per', String(PER_PAGE));
    writeUrl();
    const slow = setTimeout(() => { if (seq === S.listSeq) el.tableWrap.classList.add('is-loading'); }, 150);
    try {
      const { data } = await request('GET', `/api/episodes?${q}`, { signal: abort.signal });
      if (seq !== S.listSeq) return;
      const list = data || {};
      if (!Array.isArray(list.episodes)) list.episodes = [];
      S.list = list;
      S.listLoadedAt = Date.now();
      if (list.zoneLabel || list.timezone) {
        S.zoneLabel = list.zoneLabel || S.zoneLabel;
        S.timezone = S.timezone || list.timezone || '';
        renderZone();
      }
      learnDepartmentIds(list.episodes.map((e) => e.department));
      // A page past the end (fewer episodes since): go to the last one.
      if (list.episodes.length === 0 && (list.total || 0) > 0 && S.filter.page > pageCount()) {
        S.filter.page = pageCount();
        loadEpisodes(o);
        return;
      }
      renderEpisodes(o.highlight);
    } catch (e) {
      if (seq === S.listSeq) failed('desk.episodes.loadFailed', e);
    } finally {
      clearTimeout(slow);
      if (seq === S.listSeq) { el.tableWrap.classList.remove('is-loading'); S.listAbort = null; }
    }
  }

  function reloadAfterChange(highlight) {
    loadEpisodes({ highlight });
    loadTimeline();
    loadAudit();
    loadTurn().catch(() => {});
  }

  function renderEpisodes(highlight) {
    const list = S.list;
    const episodes = list.episodes;
    const keepPlayer = S.player && episodes.some((e) => e.number === S.player.number) ? S.player : null;
    const frag = document.createDocumentFragment();
    for (const ep of episodes) {
      const row = episodeRow(ep);
      if (highlight !== undefined && ep.number === highlight) row.classList.add('is-new');
      frag.append(row);
      if (keepPlayer && keepPlayer.number === ep.number) frag.append(keepPlayer.row);
    }
    // Moved within the same task, a playing <audio> keeps playing.
    el.deskRows.replaceChildren(frag);
    if (!keepPlayer) S.player = null;
    else syncPlayButton(keepPlayer.number, true);
    el.episodesEmpty.hidden = episodes.length > 0;
    el.episodesEmpty.textContent = t(S.filter.state || S.filter.department ? 'desk.episodes.noneFiltered' : 'desk.episodes.none');
    const total = list.total || 0;
    el.episodesTotal.textContent = tn('desk.episodes.total', total);
    const pages = pageCount();
    const page = Math.min(S.filter.page, pages);
    el.pageInput.value = String(page);
    el.pageInput.max = String(pages);
    el.pageOf.textContent = t('desk.page.of', { pages: fmtInt(pages) });
    el.pagePrev.disabled = page <= 1;
    el.pageNext.disabled = page >= pages;
    el.pager.hidden = total <= (list.per || PER_PAGE) && page === 1;
    if (highlight !== undefined) {
      const row = rowOf(highlight);
      if (row) row.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  }

  function rowOf(n) { return el.deskRows.querySelector(`tr[data-number="${CSS.escape(String(n))}"]`); }
  function episodeOf(n) { return S.list && S.list.episodes.find((e) => e.number === n); }
  const titleOf = (ep) => (ep && ep.title) || t('desk.untitled');

  function cell(label, className) {
    const td = document.createElement('td');
    if (label) td.dataset.label = label;
    if (className) td.className = className;
    return td;
  }

  function span(text, className) {
    const s = document.createElement('span');
    if (className) s.className = className;
    s.textContent = text;
    return s;
  }

  function smallButton(text, testid, handler, extraClass) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `button button-sm${extraClass ? ` ${extraClass}` : ''}`;
    b.textContent = text;
    b.dataset.testid = testid;
    b.addEventListener('click', handler);
    return b;
  }

  function episodeRow(ep) {
    const n = ep.number;
    const tr = document.createElement('tr');
    tr.dataset.testid = `desk-row-${n}`;
    tr.dataset.number = String(n);
    tr.dataset.state = ep.state || '';
    const local = ep.local || {};

    // Number, with the player's button.
    const tdNum = cell(t('desk.col.number'), 'col-number');
    const play = document.createElement('button');
    play.type = 'button';
    play.className = 'play';
    play.dataset.testid = `play-${n}`;
    play.setAttribute('aria-label', t('desk.play', { number: n }));
    play.title = t('desk.play', { number: n });
    play.setAttribute('aria-expanded', 'false');
    play.textContent = '▶';
    play.addEventListener('click', () => togglePlayer(n));
    tdNum.append(play, span(String(n), 'number'));

    const tdDept = cell(t('desk.col.department'), 'col-dept');
    tdDept.textContent = deptLabel(ep.department);

    // The title, the host's note, and under them what can be done with the episode.
    const tdTitle = cell(t('desk.col.title'), 'col-title');
    const head = document.createElement('div');
    head.className = 'ep-head';
    head.append(span(titleOf(ep), 'ep-title'));
    if (ep.cutShort) head.append(' ', span(t('desk.badge.cutShort'), 'badge badge-warn'));
    tdTitle.append(head);
    if (ep.note) {
      const note = span(t('desk.noteFromHost', { note: ep.note }), 'ep-note');
      note.title = ep.note;
      tdTitle.append(note);
    }

    const tdHost = cell(t('desk.col.host'), 'col-host');
    tdHost.textContent = ep.host || '';

    const tdState = cell(t('desk.col.state'), 'col-state');
    tdState.append(span(STATES.includes(ep.state) ? t(`desk.state.${ep.state}`) : String(ep.state || ''), `state state-${ep.state}`));

    const tdWhen = cell(t('desk.col.publish'), 'col-when');
    if (ep.state === 'scheduled' && local.publishAt) tdWhen.append(span(local.publishAt, 'when when-scheduled'));
    else if (ep.state === 'published' && (local.publishedAt || local.publishAt)) tdWhen.append(span(local.publishedAt || local.publishAt, 'when'));
    else tdWhen.append(span('—', 'muted'));
    if (ep.state === 'draft' && local.recordedAt) {
      const rec = span(t('desk.recordedAt'), 'when-recorded');
      rec.append(span(local.recordedAt, 'when'));
      tdWhen.append(rec);
    }

    const tdDur = cell(t('desk.col.duration'), 'col-num');
    tdDur.textContent = fmtTime(ep.duration);

    const tdLoud = cell(t('desk.col.loudness'), 'col-num');
    const l = ep.loudness;
    if (l && typeof l.outputLufs === 'number') {
      tdLoud.textContent = t('desk.lufs', { value: fmtNum(l.outputLufs, 1) });
      const num = (x, signed) => (typeof x === 'number' && isFinite(x) ? fmtNum(x, 1, signed) : '—');
      tdLoud.title = t('draft.loudnessValue', { input: num(l.inputLufs), output: num(l.outputLufs), gain: num(l.gainDb, true) });
    } else {
      tdLoud.append(span('—', 'muted'));
      tdLoud.title = t('draft.loudnessNone');
    }

    const tdFiles = cell(t('desk.col.renditions'), 'col-files');
    tdFiles.append(span('Opus', 'chip'));
    const mp3 = span('MP3', ep.mp3 ? 'chip' : 'chip chip-missing');
    mp3.title = t(ep.mp3 ? 'desk.mp3Yes' : 'desk.mp3No');
    tdFiles.append(' ', mp3);

    const actions = document.createElement('div');
    actions.className = 'row-actions';
    actions.append(
      smallButton(t('desk.action.preview'), `preview-${n}`, () => openPreview(n)),
      smallButton(t('desk.action.edit'), `edit-${n}`, () => openEdit(n)),
    );
    if (ep.state === 'draft' || ep.state === 'scheduled') {
      actions.append(smallButton(t(ep.state === 'scheduled' ? 'desk.action.reschedule' : 'desk.action.schedule'), `schedule-${n}`, () => openSchedule(n)));
      actions.append(smallButton(t(ep.state === 'scheduled' ? 'desk.action.publishNow' : 'desk.action.publish'), `publish-${n}`, () => publish(n), 'button-go'));
    }
    if (ep.state === 'scheduled' || ep.state === 'published') {
      actions.append(smallButton(t(ep.state === 'scheduled' ? 'desk.action.unschedule' : 'desk.action.unpublish'), `unpublish-${n}`, () => unpublish(n)));
    }
    if (ep.state === 'draft') actions.append(smallButton(t('desk.action.delete'), `delete-${n}`, () => deleteDraft(n), 'button-danger-quiet'));
    tdTitle.append(actions);

    tr.append(tdNum, tdDept, tdTitle, tdHost, tdState, tdWhen, tdDur, tdLoud, tdFiles);
    return tr;
  }

  el.filterState.addEventListener('change', () => {
    S.filter.state = el.filterState.value;
    S.filter.page = 1;
    loadEpisodes();
  });
  el.filterDepartment.addEventListener('change', () => {
    S.filter.department = el.filterDepartment.value;
    S.filter.page = 1;
    loadEpisodes();
  });

  function goToPage(page) {
    const p = Math.max(1, Math.min(pageCount(), page));
    if (p === S.filter.page && S.list) { el.pageInput.value = String(p); return; }
    S.filter.page = p;
    loadEpisodes().then(() => {
      const top = el.deskTable.getBoundingClientRect().top;
      if (top < 0) el.deskTable.scrollIntoView({ block: 'start' });
    });
  }
  el.pagePrev.addEventListener('click', () => goToPage(S.filter.page - 1));
  el.pageNext.addEventListener('click', () => goToPage(S.filter.page + 1));
  el.pageInput.addEventListener('change', () => {
    const p = parseInt(el.pageInput.value, 10);
    if (p > 0) goToPage(p); else el.pageInput.value = String(S.filter.page);
  });

  // When comms comes back to the tab a while later, the list may have moved on
  // (a scheduled episode went out): refresh it, unless they are busy with it.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !S.list || S.dialogs.length || S.player) return;
    if (Date.now() - S.listLoadedAt > 60000) { loadEpisodes(); loadTimeline(); }
  });

  // ----------------------------------------------------------------- player

  function syncPlayButton(n, open) {
    const row = rowOf(n);
    const b = row && row.querySelector('.play');
    if (!b) return;
    b.setAttribute('aria-expanded', String(open));
    b.classList.toggle('is-open', open);
    b.textContent = open ? '■' : '▶';
    const label = t(open ? 'desk.playClose' : 'desk.play', { number: n });
    b.setAttribute('aria-label', label);
    b.title = label;
  }

  function closePlayer() {
    const p = S.player;
    if (!p) return;
    S.player = null;
    const audio = p.row.querySelector('audio');
    if (audio) { audio.pause(); audio.removeAttribute('src'); audio.load(); }
    p.row.remove();
    syncPlayButton(p.number, false);
  }

  function togglePlayer(n) {
    const was = S.player && S.player.number;
    closePlayer();
    if (was === n) return;
    const row = rowOf(n);
    if (!row) return;
    const tr = document.createElement('tr');
    tr.className = 'player-row';
    tr.dataset.testid = `player-${n}`;
    const td = document.createElement('td');
    td.colSpan = COLUMNS;
    const audio = document.createElement('audio');
    audio.controls = true;
    audio.preload = 'none';
    audio.dataset.testid = `audio-${n}`;
    audio.setAttribute('aria-label', t('desk.play', { number: n }));
    audio.src = epPath(n, '/audio');
    audio.addEventListener('error', () => {
      if (S.player && S.player.row === tr && audio.getAttribute('src')) showError(t('desk.playFailed', { number: n }));
    });
    const ep = episodeOf(n);
    td.append(span(t('desk.playing', { number: n, title: titleOf(ep) }), 'player-title'), audio);
    tr.append(td);
    row.after(tr);
    S.player = { number: n, row: tr };
    syncPlayButton(n, true);
    audio.play().catch(() => { /* the controls are there */ });
  }

  // ------------------------------------------------------------------- edit

  function versionHeader(v) {
    const s = String(v);
    return /^(W\/)?"/.test(s) ? s : `"${s}"`;
  }

  async function fetchEpisode(n) {
    const { data, res } = await request('GET', epPath(n));
    const ep = data || {};
    if (ep.version === undefined || ep.version === null) {
      const etag = res.headers.get('ETag');
      if (etag) ep.version = etag.replace(/^W\//, '').replace(/^"|"$/g, '');
    }
    return ep;
  }

  function fillEdit(ep) {
    S.edit = { number: ep.number, version: ep.version, episode: ep };
    el.editH.textContent = t('desk.edit.heading', { number: ep.number });
    el.editTitle.value = ep.title || '';
    el.editDescription.value = ep.description || '';
    el.editHost.value = ep.host || '';
    fillSelect(el.editDepartment, '', ep.department || '');
    // A published episode's address names its department: it stays (the server refuses too).
    el.editDepartment.disabled = ep.state === 'published';
    el.editDepartmentHint.hidden = ep.state !== 'published';
    el.editPublishedHint.hidden = ep.state !== 'published';
    el.editChapters.replaceChildren();
    const chapters = Array.isArray(ep.chapters) ? ep.chapters : [];
    chapters.forEach((c, i) => {
      const li = document.createElement('li');
      const id = `edit-chapter-${i + 1}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.className = 'chapter-time';
      label.textContent = fmtTime(typeof c.start === 'number' ? c.start : Number(c.start));
      label.title = t('desk.edit.chapterLabel', { n: i + 1 });
      const input = document.createElement('input');
      input.id = id;
      input.dataset.testid = id;
      input.maxLength = 200;
      input.autocomplete = 'off';
      input.value = c.title || '';
      input.placeholder = t('draft.chapterUntitled', { n: i + 1 });
      input.setAttribute('aria-label', t('desk.edit.chapterLabel', { n: i + 1 }));
      li.append(label, input);
      el.editChapters.append(li);
    });
    el.editNoChapters.hidden = chapters.length > 0;
    el.editNoteWrap.hidden = !ep.note;
    el.editNote.textContent = ep.note || '';
  }

  async function openEdit(n) {
    clearError();
    let ep;
    try { ep = await fetchEpisode(n); } catch (e) { failed('desk.edit.loadFailed', e); return; }
    if (ep.number === undefined) ep.number = n;
    fillEdit(ep);
    el.conflictBanner.hidden = true;
    el.editSave.disabled = false;
    openDialog(el.editDialog);
    el.editTitle.focus();
  }

  function chapterTitles() {
    return [...el.editChapters.querySelectorAll('input')].map((i) => i.value.trim());
  }

  async function saveEdit() {
    const ed = S.edit;
    if (!ed) return;
    clearError();
    const ep = ed.episode;
    const title = el.editTitle.value.trim();
    if (!title) { showError(t('form.titleRequired')); el.editTitle.focus(); return; }
    const body = {};
    if (title !== (ep.title || '')) body.title = title;
    const description = el.editDescription.value.trim();
    if (description !== (ep.description || '')) body.description = description;
    const host = el.editHost.value.trim();
    if (host !== (ep.host || '')) body.host = host;
    const chapters = chapterTitles();
    const before = (Array.isArray(ep.chapters) ? ep.chapters : []).map((c) => c.title || '');
    if (chapters.some((c, i) => c !== before[i])) body.chapters = chapters;
    const department = el.editDepartment.value;
    if (department && department !== (ep.department || '')) body.department = department;
    if (Object.keys(body).length === 0) { el.editDialog.close(); return; }
    el.editSave.disabled = true;
    try {
      const headers = {};
      if (ed.version !== undefined && ed.version !== null) headers['If-Match'] = versionHeader(ed.version);
      try {
        await request('POST', epPath(ed.number), { body, headers });
      } catch (e) {
        // Out of the turn the episode came in: asked, then sent again with outOfTurn.
        if (!(e.status === 409 && e.data && e.data.code === 'turn')) throw e;
        const yes = await confirmAsk({
          title: t('desk.edit.askTurnTitle'),
          text: t('desk.edit.askTurn', { number: ed.number, to: deptLabel(department) }),
          yes: t('desk.edit.askTurnYes'),
        });
        if (!yes) return;
        await request('POST', epPath(ed.number), { body: { ...body, outOfTurn: true }, headers });
      }
      el.editDialog.close();
      notice(t('desk.edit.saved', { number: ed.number }));
      reloadAfterChange(ed.number);
    } catch (e) {
      if (e.status === 409 && e.data && e.data.changed && typeof e.data.changed === 'object') showConflict(e);
      else failed('desk.edit.saveFailed', e);
    } finally {
      el.editSave.disabled = false;
    }
  }

  const FIELD_KEYS = { title: 'form.title', description: 'form.description', host: 'form.host', department: 'form.department', chapters: 'draft.chapters', note: 'desk.edit.note' };

  function valueText(v) {
    if (v === null || v === undefined || v === '') return t('desk.conflict.empty');
    if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' ? x.title || '' : String(x))).join(' · ') || t('desk.conflict.empty');
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  function showConflict(e) {
    el.conflictText.textContent = t('desk.conflict.text', { message: e.message });
    el.conflictList.replaceChildren();
    for (const [field, change] of Object.entries(e.data.changed)) {
      const li = document.createElement('li');
      const name = document.createElement('strong');
      name.textContent = FIELD_KEYS[field] ? t(FIELD_KEYS[field]) : field;
      const was = span(valueText(change && change.was), 'was');
      const now = span(valueText(change && change.now), 'now');
      li.append(name, ': ', was, ' → ', now);
      el.conflictList.append(li);
    }
    el.conflictBanner.hidden = false;
    el.conflictBanner.scrollIntoView({ block: 'nearest' });
    el.conflictReload.focus();
  }

  el.conflictReload.addEventListener('click', async () => {
    const ed = S.edit;
    if (!ed) return;
    clearError();
    try {
      const ep = await fetchEpisode(ed.number);
      if (ep.number === undefined) ep.number = ed.number;
      fillEdit(ep);
      el.conflictBanner.hidden = true;
      el.editTitle.focus();
    } catch (e) {
      failed('desk.edit.loadFailed', e);
    }
  });

  el.editSave.addEventListener('click', saveEdit);
  el.editForm.addEventListener('submit', (e) => {
    // Enter in a field saves; the cancel button closes (method="dialog").
    if (e.submitter && e.submitter.value === 'cancel') return;
    e.preventDefault();
    saveEdit();
  });
  el.editDialog.addEventListener('close', () => { S.edit = null; });

  // --------------------------------------------------------------- schedule

  async function openSchedule(n) {
    clearError();
    let ep = episodeOf(n);
    if (!ep) { try { ep = await fetchEpisode(n); } catch (e) { failed('desk.edit.loadFailed', e); return; } }
    S.scheduling = ep;
    const zone = S.zoneLabel || S.timezone;
    el.scheduleDialogH.textContent = t(ep.state === 'scheduled' ? 'desk.schedule.headingMove' : 'desk.schedule.heading', { number: n });
    el.scheduleEpisode.textContent = titleOf(ep);
    el.scheduleAtLabel.textContent = zone ? t('desk.schedule.atZone', { zone }) : t('desk.schedule.at');
    const now = showNow();
    el.scheduleAt.min = now;
    const current = toPickerValue(ep.local && ep.local.publishAt);
    el.scheduleAt.value = current || `${showNow(DAY_MS).slice(0, 10)}T10:00`;
    el.scheduleHint.textContent = ep.state === 'scheduled' && ep.local && ep.local.publishAt
      ? t('desk.schedule.current', { when: ep.local.publishAt, zone: zone || '' })
      : t('desk.schedule.hint');
    el.scheduleSave.disabled = false;
    openDialog(el.scheduleDialog);
    el.scheduleAt.focus();
  }

  async function saveSchedule() {
    const ep = S.scheduling;
    if (!ep) return;
    clearError();
    const at = (el.scheduleAt.value || '').slice(0, 16);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(at)) { showError(t('desk.schedule.pick')); el.scheduleAt.focus(); return; }
    el.scheduleSave.disabled = true;
    try {
      const updated = await api('POST', epPath(ep.number, '/schedule'), { at });
      el.scheduleDialog.close();
      const when = (updated && updated.local && updated.local.publishAt) || at.replace('T', ' ');
      notice(t('desk.schedule.done', { number: ep.number, when, zone: S.zoneLabel || S.timezone || '' }));
      reloadAfterChange(ep.number);
    } catch (e) {
      if (e.status === 400 || e.status === 409) showError(e.message);
      else failed('desk.schedule.failed', e);
      el.scheduleAt.focus();
    } finally {
      el.scheduleSave.disabled = false;
    }
  }

  el.scheduleSave.addEventListener('click', saveSchedule);
  el.scheduleForm.addEventListener('submit', (e) => {
    if (e.submitter && e.submitter.value === 'cancel') return;
    e.preventDefault();
    saveSchedule();
  });
  el.scheduleDialog.addEventListener('close', () => { S.scheduling = null; });

  // ------------------------------------------------ publish, unpublish, delete

  async function act(n, { ask, path, method, done, failKey }) {
    clearError();
    if (!(await confirmAsk(ask))) return;
    try {
      await request(method || 'POST', path);
      if (S.player && S.player.number === n && method === 'DELETE') closePlayer();
      notice(done);
      reloadAfterChange(method === 'DELETE' ? undefined : n);
    } catch (e) {
      failed(failKey, e);
    }
  }

  function publish(n) {
    const ep = episodeOf(n) || { number: n };
    const p = { number: n, title: titleOf(ep) };
    return act(n, {
      ask: {
        title: t('desk.confirm.publishTitle', p),
        text: t('desk.confirm.publish', p) + (ep.state === 'scheduled' && ep.local && ep.local.publishAt
          ? ` ${t('desk.confirm.publishInstead', { when: ep.local.publishAt })}` : ''),
        yes: t('desk.confirm.publishYes'),
      },
      path: epPath(n, '/publish'),
      done: t('desk.done.published', p),
      failKey: 'desk.failed.publish',
    });
  }

  function unpublish(n) {
    const ep = episodeOf(n) || { number: n };
    const p = { number: n, title: titleOf(ep), when: (ep.local && ep.local.publishAt) || '' };
    const scheduled = ep.state === 'scheduled';
    return act(n, {
      ask: {
        title: t(scheduled ? 'desk.confirm.unscheduleTitle' : 'desk.confirm.unpublishTitle', p),
        text: t(scheduled ? 'desk.confirm.unschedule' : 'desk.confirm.unpublish', p),
        yes: t(scheduled ? 'desk.confirm.unscheduleYes' : 'desk.confirm.unpublishYes'),
        danger: !scheduled,
      },
      path: epPath(n, '/unpublish'),
      done: t(scheduled ? 'desk.done.unscheduled' : 'desk.done.unpublished', p),
      failKey: 'desk.failed.unpublish',
    });
  }

  function deleteDraft(n) {
    const ep = episodeOf(n) || { number: n };
    const p = { number: n, title: titleOf(ep) };
    return act(n, {
      ask: { title: t('desk.confirm.deleteTitle', p), text: t('desk.confirm.delete', p), yes: t('desk.confirm.deleteYes'), danger: true },
      path: epPath(n),
      method: 'DELETE',
      done: t('desk.done.deleted', p),
      failKey: 'desk.failed.delete',
    });
  }

  // ---------------------------------------------------------------- preview

  async function openPreview(n) {
    clearError();
    let p;
    try { p = await api('GET', epPath(n, '/preview')); } catch (e) { failed('desk.preview.failed', e); return; }
    p = p || {};
    el.previewCover.replaceChildren();
    const cover = typeof p.cover === 'string' && /^(\/(?!\/)|https?:\/\/)/.test(p.cover) ? p.cover : '';
    if (cover) {
      const img = document.createElement('img');
      img.alt = t('desk.preview.cover');
      img.src = cover;
      img.addEventListener('error', () => { img.remove(); el.previewCover.append(coverStandIn(p.show)); });
      el.previewCover.append(img);
    } else {
      el.previewCover.append(coverStandIn(p.show));
    }
    el.previewDate.textContent = p.date || '';
    el.previewTitle.textContent = p.title || t('desk.untitled');
    el.previewShow.textContent = p.show || '';
    el.previewDuration.textContent = fmtMinutes(p.duration);
    el.previewDescription.textContent = p.description || '';
    el.previewDescription.hidden = !p.description;
    openDialog(el.previewDialog);
  }

  function coverStandIn(show) {
    const d = document.createElement('div');
    d.className = 'cover-stand-in';
    d.textContent = (show || '?').trim().slice(0, 1).toUpperCase();
    return d;
  }

  // --------------------------------------------------------------- timeline

  // ------------------------------------------------------------------ audit
  /** The newest 30 entries of the show's audit log: when, who, what, before → after. */
  async function loadAudit() {
    const list = $('audit-list');
    let data;
    try {
      data = await api('GET', '/api/audit?count=30');
    } catch (e) {
      failed('desk.audit.failed', e);
      return;
    }
    const entries = (data && Array.isArray(data.entries)) ? data.entries : [];
    list.replaceChildren();
    $('audit-empty').hidden = entries.length > 0;
    for (const a of entries) {
      const li = document.createElement('li');
      li.dataset.testid = 'audit-entry';
      const head = document.createElement('div');
      head.className = 'audit-head';
      const when = document.createElement('time');
      when.textContent = a.at || '';
      const who = document.createElement('strong');
      who.textContent = a.who || '';
      const what = document.createElement('span');
      const subject = a.episode ? t('desk.audit.episode', { number: a.episode }) : (a.subject || '');
      what.textContent = `${t('desk.audit.action.' + a.action, {}, a.action)}${subject ? ' · ' + subject : ''}`;
      head.append(when, ' ', who, ' ', what);
      li.append(head);
      for (const c of Array.isArray(a.changes) ? a.changes : []) {
        const row = document.createElement('div');
        row.className = 'audit-change';
        const field = document.createElement('span');
        field.className = 'audit-field';
        field.textContent = t('desk.audit.field.' + c.field, {}, c.field) + ': ';
        // States and departments as the table names them, not their ids.
        const shown = (v) => {
          if (!v) return '—';
          if (c.field === 'state' && STATES.includes(v)) return t(`desk.state.${v}`);
          if (c.field === 'department') return deptLabel(v) || v;
          return v;
        };
        const before = document.createElement('del');
        before.textContent = shown(c.before);
        const after = document.createElement('ins');
        after.textContent = shown(c.after);
        row.append(field, before, ' → ', after);
        li.append(row);
      }
      list.append(li);
    }
  }
  $('audit-reload').addEventListener('click', () => loadAudit());

  async function loadTimeline() {
    try {
      const tl = await api('GET', '/api/timeline?days=28');
      if (tl && tl.next) { S.turn = { ...(S.turn || {}), ...tl.next }; learnDepartments(tl.next); renderTurn(); }
      renderTimeline((tl && Array.isArray(tl.days)) ? tl.days : []);
    } catch (e) {
      failed('desk.timeline.failed', e);
    }
  }

  function renderTimeline(days) {
    const byDate = new Map();
    for (const d of days) if (d && d.date) byDate.set(d.date.slice(0, 10), d);
    const today = showNow().slice(0, 10);
    const first = days.length && days[0].date && days[0].date.slice(0, 10) < today ? days[0].date.slice(0, 10) : today;
    const start = parseDay(first);
    const count = Math.max(28, days.length);
    const end = start + (count - 1) * DAY_MS;
    // Weeks from Monday.
    const weekday = (ms) => (new Date(ms).getUTCDay() + 6) % 7;
    const frag = document.createDocumentFragment();
    const head = document.createElement('div');
    head.className = 'tl-head';
    head.setAttribute('aria-hidden', 'true');
    head.append(span('', 'tl-week-label'));
    for (let i = 0; i < 7; i += 1) head.append(span(fmtWeekday.format(Date.UTC(2024, 0, 1 + i)), 'tl-head-day'));   // 2024-01-01 was a Monday
    frag.append(head);
    for (let monday = start - weekday(start) * DAY_MS; monday <= end; monday += 7 * DAY_MS) {
      const week = document.createElement('div');
      week.className = 'tl-week';
      const sunday = monday + 6 * DAY_MS;
      let n = 0;
      const cells = [];
      for (let i = 0; i < 7; i += 1) {
        const ms = monday + i * DAY_MS;
        const date = dayString(ms);
        const dayCell = document.createElement('div');
        dayCell.className = 'tl-day';
        if (ms < start || ms > end) { dayCell.classList.add('is-out'); cells.push(dayCell); continue; }
        if (date === today) dayCell.classList.add('is-today');
        const d = byDate.get(date) || { date, episodes: [] };
        const eps = Array.isArray(d.episodes) ? d.episodes : [];
        n += eps.length;
        dayCell.dataset.date = date;
        const label = document.createElement('div');
        label.className = 'tl-date';
        label.append(span(d.weekday || fmtWeekday.format(ms), 'tl-weekday'), span(fmtDayMonth.format(ms), 'tl-daynum'));
        label.title = `${d.weekday || fmtWeekday.format(ms)}, ${fmtDayMonth.format(ms)}`;
        dayCell.append(label);
        if (!eps.length) dayCell.classList.add('is-free');
        for (const e of eps) {
          const b = document.createElement('button');
          b.type = 'button';
          b.className = 'tl-ep';
          b.dataset.testid = `timeline-ep-${e.number}`;
          b.title = t('desk.timeline.episodeTitle', { number: e.number, title: e.title || '', time: e.time || '', dept: deptLabel(e.department) });
          const top = document.createElement('span');
          top.className = 'tl-ep-top';
          top.append(span(e.time || '', 'tl-time'), ' ', span(t('desk.timeline.number', { number: e.number }), 'tl-num'), ' ', span(deptLabel(e.department), 'tl-dept'));
          b.append(top, span(e.title || t('desk.untitled'), 'tl-title'));
          b.addEventListener('click', () => openPreview(e.number));
          dayCell.append(b);
        }
        cells.push(dayCell);
      }
      const wl = document.createElement('div');
      wl.className = 'tl-week-label';
      wl.append(span(t('desk.timeline.week', { from: fmtDayMonth.format(monday), to: fmtDayMonth.format(sunday) }), 'tl-week-dates'));
      wl.append(span(n ? tn('desk.timeline.count', n) : t('desk.timeline.emptyWeek'), n ? 'tl-week-count' : 'tl-week-count is-empty'));
      week.classList.toggle('is-empty', n === 0);
      week.dataset.testid = n === 0 ? 'timeline-week-empty' : 'timeline-week';
      week.append(wl, ...cells);
      frag.append(week);
    }
    el.timeline.replaceChildren(frag);
  }

  // ----------------------------------------------------------------- import

  function setImportFile(file) {
    if (!file) return;
    if (S.importing) { showError(t('desk.import.busy')); return; }
    S.importFile = file;
    el.importResult.hidden = true;
    el.importFileName.textContent = t('desk.import.chosen', { name: file.name, size: fmtBytes(file.size) });
    el.importFileName.hidden = false;
    el.importDropText.textContent = t('desk.import.replace');
    el.importDrop.classList.add('has-file');
    if (!el.importTitle.value.trim()) el.importTitle.value = file.name.replace(/\.[^.]+$/, '').replace(/[_]+/g, ' ').trim();
    el.importTitle.focus();
  }

  el.importDrop.addEventListener('click', () => { if (!S.importing) el.importFile.click(); });
  el.importDrop.addEventListener('keydown', (e) => {
    if ((e.key === 'Enter' || e.key === ' ') && !S.importing) { e.preventDefault(); el.importFile.click(); }
  });
  el.importFile.addEventListener('change', () => {
    const f = el.importFile.files && el.importFile.files[0];
    if (f) setImportFile(f);
  });

  // A file dropped anywhere on the page is an import.
  let dragDepth = 0;
  const hasFiles = (e) => e.dataTransfer && [...(e.dataTransfer.types || [])].includes('Files');
  document.addEventListener('dragenter', (e) => {
    if (!hasFiles(e) || S.dialogs.length) return;
    e.preventDefault();
    dragDepth += 1;
    el.dropOverlay.hidden = false;
    el.importDrop.classList.add('is-over');
  });
  // Always cancelled for files: a file dropped where the page does not take
  // it must not make the browser leave the page to open it.
  document.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = S.importing || S.dialogs.length ? 'none' : 'copy';
  });
  function dragOver() {
    dragDepth = 0;
    el.dropOverlay.hidden = true;
    el.importDrop.classList.remove('is-over');
  }
  document.addEventListener('dragleave', (e) => {
    if (!hasFiles(e)) return;
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth || !e.relatedTarget) dragOver();
  });
  document.addEventListener('dragend', dragOver);
  document.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragOver();
    if (S.dialogs.length) return;
    const f = e.dataTransfer.files && e.dataTransfer.files[0];
    if (!f) return;
    setImportFile(f);
    $('import-card').scrollIntoView({ block: 'start', behavior: 'smooth' });
  });

  function setImportBusy(busy) {
    for (const n of [el.importTitle, el.importDescription, el.importHost]) n.readOnly = busy;
    el.importDepartment.disabled = busy;
    el.importOutofturn.disabled = busy;
    el.importStart.disabled = busy;
    el.importDrop.classList.toggle('is-busy', busy);
    el.importDrop.setAttribute('aria-disabled', String(busy));
  }

  function setProgress(bar, text, fraction, detail) {
    const f = Math.max(0, Math.min(1, fraction || 0));
    bar.value = Math.round(f * 1000) / 10;
    bar.setAttribute('aria-valuetext', `${Math.round(f * 100)} %`);
    text.textContent = detail || t('desk.import.percent', { percent: Math.floor(f * 100) });
  }

  function importQuery(fields, outOfTurn) {
    const parts = [];
    const put = (k, v) => { if (v !== undefined && v !== null && v !== '') parts.push(`${k}=${encodeURIComponent(v)}`); };
    put('title', fields.title);
    put('description', fields.description);
    put('host', fields.host);
    put('department', fields.department);
    if (outOfTurn) parts.push('outOfTurn=1');
    put('filename', fields.filename);
    return parts.join('&');
  }

  async function startImport() {
    clearError();
    const file = S.importFile;
    if (S.importing) return;
    if (!file) { showError(t('desk.import.noFile')); el.importDrop.focus(); return; }
    const fields = {
      title: el.importTitle.value.trim(),
      description: el.importDescription.value.trim(),
      host: el.importHost.value.trim(),
      department: el.importDepartment.value,
      filename: file.name,
    };
    if (!fields.title) { showError(t('form.titleRequired')); el.importTitle.focus(); return; }
    let outOfTurn = el.importOutofturn.checked;
    // The department that spoke last would be refused: ask before sending the whole file.
    const last = S.turn && S.turn.last;
    if (!outOfTurn && fields.department && last && last.department === fields.department) {
      if (!(await askOutOfTurn())) return;
      outOfTurn = true;
      el.importOutofturn.checked = true;
    }
    upload(file, fields, outOfTurn);
  }

  function askOutOfTurn() {
    const next = S.turn && S.turn.next;
    return confirmAsk({
      title: t('turn.askTitle'),
      text: t('desk.import.askTurn', { dept: deptLabel(next) || '—' }),
      yes: t('desk.import.askTurnYes'),
    });
  }

  function upload(file, fields, outOfTurn) {
    const xhr = new XMLHttpRequest();
    S.importing = { xhr, file, fields, outOfTurn, job: null, timer: 0 };
    setImportBusy(true);
    el.importResult.hidden = true;
    el.importProgressBlock.hidden = false;
    el.importCancel.hidden = false;
    setProgress(el.importProgress, el.importProgressText, 0, t('desk.import.sent', { done: fmtBytes(0), total: fmtBytes(file.size) }));
    setProgress(el.encodeProgress, el.encodeProgressText, 0, t('desk.import.waiting'));
    xhr.open('POST', `/api/import?${importQuery(fields, outOfTurn)}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    if (S.csrf) xhr.setRequestHeader('X-CSRF-Token', S.csrf);
    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      setProgress(el.importProgress, el.importProgressText, e.loaded / e.total,
        t('desk.import.sent', { done: fmtBytes(e.loaded), total: fmtBytes(e.total) }));
    });
    xhr.upload.addEventListener('load', () => {
      setProgress(el.importProgress, el.importProgressText, 1, t('desk.import.sentAll', { total: fmtBytes(file.size) }));
      el.importCancel.hidden = true;   // the server has it all: the encode cannot be stopped from here
    });
    xhr.addEventListener('load', () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (_) { data = null; }
      if (xhr.status === 202 || xhr.status === 200 || xhr.status === 201) {
        const job = data && (data.job || data.id);
        if (!job && data && data.episode) { setProgress(el.encodeProgress, el.encodeProgressText, 1); importDone(data.episode); return; }
        if (!job) { importFailed(t('common.httpError', { status: xhr.status })); return; }
        setProgress(el.importProgress, el.importProgressText, 1, t('desk.import.sentAll', { total: fmtBytes(file.size) }));
        el.importCancel.hidden = true;
        S.importing.job = String(job);
        watchJob();
        return;
      }
      if (xhr.status === 401) { endImport(); showSignedOut(t('auth.needLink')); return; }
      if (xhr.status === 409 && data && data.code === 'turn' && !outOfTurn) {
        endImport();
        askOutOfTurn().then((yes) => {
          if (!yes) { el.importProgressBlock.hidden = true; return; }
          el.importOutofturn.checked = true;
          upload(file, fields, true);
        });
        return;
      }
      importFailed(data && typeof data.error === 'string' ? data.error : t('common.httpError', { status: xhr.status }));
    });
    xhr.addEventListener('error', () => importFailed(t('common.network')));
    xhr.addEventListener('abort', () => {
      endImport();
      el.importProgressBlock.hidden = true;
      notice(t('desk.import.cancelled'));
    });
    xhr.send(file);
  }

  el.importCancel.addEventListener('click', () => {
    if (S.importing && S.importing.xhr && !S.importing.job) S.importing.xhr.abort();
  });

  /** The encode's progress: server-sent events from /api/jobs/ID/events;
   *  if the stream breaks (a proxy that buffers it), GET /api/jobs/ID is polled. */
  function watchJob() {
    const imp = S.importing;
    if (!imp || !imp.job) return;
    if (typeof EventSource !== 'function') { pollJob(); return; }
    const es = new EventSource(`/api/jobs/${encodeURIComponent(imp.job)}/events`);
    imp.events = es;
    es.onmessage = (m) => {
      let job = null;
      try { job = JSON.parse(m.data); } catch (_) { job = null; }
      if (S.importing !== imp) { es.close(); return; }
      if (job && jobState(job)) es.close();
    };
    es.onerror = () => {
      es.close();
      if (S.importing === imp) pollJob();
    };
  }

  /** Shows a job's state; true when it has ended (done or failed). */
  function jobState(job) {
    job = job || {};
    const progress = typeof job.progress === 'number' ? job.progress : 0;
    if (job.state === 'done') {
      setProgress(el.encodeProgress, el.encodeProgressText, 1);
      importDone(job.episode);
      return true;
    }
    if (job.state === 'failed' || job.state === 'gone') {
      importFailed(job.message || t('desk.import.failedUnknown'));
      return true;
    }
    setProgress(el.encodeProgress, el.encodeProgressText, progress);
    return false;
  }

  function pollJob() {
    const imp = S.importing;
    if (!imp || !imp.job) return;
    imp.timer = setTimeout(async () => {
      if (S.importing !== imp) return;
      let job;
      try {
        job = await api('GET', `/api/jobs/${encodeURIComponent(imp.job)}`);
      } catch (e) {
        if (e.status === 401) { endImport(); return; }
        if (e.status === 404 || e.status === 403) { importFailed(e.message); return; }
        imp.misses = (imp.misses || 0) + 1;    // the network: keep asking
        setProgress(el.encodeProgress, el.encodeProgressText, el.encodeProgress.value / 100, t('desk.import.retrying'));
        pollJob();
        return;
      }
      if (S.importing !== imp) return;
      if (!jobState(job)) pollJob();
    }, JOB_POLL_MS);
  }

  /** The upload and its polling are over (the bars stay where they ended). */
  function endImport() {
    const imp = S.importing;
    if (imp) clearTimeout(imp.timer);
    if (imp && imp.events) imp.events.close();
    S.importing = null;
    setImportBusy(false);
    el.importCancel.hidden = true;
  }

  function importFailed(message) {
    endImport();
    showError(t('desk.import.failed', { message }));
  }

  async function importDone(episode) {
    endImport();
    let ep = episode;
    if (typeof ep === 'number' || typeof ep === 'string') {
      try { ep = await fetchEpisode(ep); } catch (_) { ep = { number: Number(episode) }; }
    }
    ep = ep || {};
    S.imported = ep;
    el.importResultText.textContent = ep.number !== undefined
      ? t('desk.import.done', { number: ep.number, title: titleOf(ep) })
      : t('desk.import.doneUnknown');
    el.importShow.hidden = ep.number === undefined;
    el.importPreview.hidden = ep.number === undefined;
    el.importResult.hidden = false;
    el.importResult.focus({ preventScroll: true });
    // The form is ready for the next file.
    S.importFile = null;
    el.importFile.value = '';
    el.importTitle.value = '';
    el.importDescription.value = '';
    el.importOutofturn.checked = false;
    el.importDepartment.value = '';
    el.importFileName.hidden = true;
    el.importDropText.textContent = t('desk.import.drop');
    el.importDrop.classList.remove('has-file');
    reloadAfterChange();
  }

  el.importShow.addEventListener('click', () => {
    const ep = S.imported;
    if (!ep || ep.number === undefined) return;
    S.filter = { state: '', department: '', page: 1 };
    el.filterState.value = '';
    el.filterDepartment.value = '';
    loadEpisodes({ highlight: ep.number });
    $('episodes-card').scrollIntoView({ block: 'start', behavior: 'smooth' });
  });
  el.importPreview.addEventListener('click', () => { if (S.imported && S.imported.number !== undefined) openPreview(S.imported.number); });
  el.importAnother.addEventListener('click', () => {
    el.importResult.hidden = true;
    el.importProgressBlock.hidden = true;
    el.importDrop.focus();
  });

  el.importForm.addEventListener('submit', (e) => { e.preventDefault(); startImport(); });

  window.addEventListener('beforeunload', (e) => {
    if (S.importing && !S.importing.job) { e.preventDefault(); e.returnValue = ''; }
  });

  // ------------------------------------------------------------ QR and copy

  const SVG_NS = 'http://www.w3.org/2000/svg';

  /** The server's QR code (an SVG string): parsed as SVG and imported as nodes, never as HTML. */
  function putQr(container, svgText, label) {
    container.replaceChildren();
    container.hidden = true;
    if (typeof svgText !== 'string' || !svgText.trim()) return;
    const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    const root = doc.documentElement;
    if (!root || root.namespaceURI !== SVG_NS || root.localName !== 'svg' || doc.getElementsByTagName('parsererror').length) return;
    for (const bad of root.querySelectorAll('script, foreignObject')) bad.remove();
    for (const node of [root, ...root.querySelectorAll('*')]) {
      for (const a of [...node.attributes]) {
        if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) node.removeAttribute(a.name);
      }
    }
    const svg = document.importNode(root, true);
    const w = parseFloat(svg.getAttribute('width')), h = parseFloat(svg.getAttribute('height'));
    if (!svg.hasAttribute('viewBox') && w > 0 && h > 0) svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    if (svg.hasAttribute('viewBox')) { svg.removeAttribute('width'); svg.removeAttribute('height'); }
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    container.append(svg);
    container.hidden = false;
  }

  async function copyText(input, button) {
    const text = input.value;
    let ok = false;
    try { await navigator.clipboard.writeText(text); ok = true; } catch (_) { /* below */ }
    if (!ok) {
      input.focus();
      input.select();
      try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
    }
    button.textContent = t(ok ? 'desk.copied' : 'desk.copyManually');
    setTimeout(() => { button.textContent = t('desk.copy'); }, 2500);
  }

  const safeUrl = (u) => (typeof u === 'string' && /^https?:\/\//i.test(u) ? u : '');

  // ------------------------------------------------------------ subscribers

  async function loadSubscribers() {
    let d;
    try { d = await api('GET', '/api/subscribers'); } catch (e) { failed('desk.subscribers.failed', e); return; }
    d = d || {};
    const isPrivate = d.private !== false;
    el.subscribersPublic.hidden = isPrivate;
    $('subscribers-body').hidden = !isPrivate;
    const people = Array.isArray(d.subscribers) ? d.subscribers : [];
    const frag = document.createDocumentFragment();
    for (const s of people) {
      const tr = document.createElement('tr');
      tr.dataset.testid = `subscriber-row-${s.name}`;
      const name = cell(t('desk.person.name'));
      name.textContent = s.name || '';
      const dept = cell(t('form.department'));
      dept.textContent = deptLabel(s.department) || '—';
      const added = cell(t('desk.person.added'), 'muted');
      added.textContent = s.added || '';
      const act = cell('', 'col-actions');
      act.append(smallButton(t('desk.revoke'), `subscriber-revoke-${s.name}`, () => revokeSubscriber(s.name), 'button-danger-quiet'));
      tr.append(name, dept, added, act);
      frag.append(tr);
    }
    el.subscriberRows.replaceChildren(frag);
    el.subscribersEmpty.hidden = people.length > 0;
  }

  el.subscriberForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearError();
    const name = el.subscriberName.value.trim();
    if (!name) { showError(t('desk.person.nameRequired')); el.subscriberName.focus(); return; }
    const body = { name };
    if (el.subscriberDepartment.value) body.department = el.subscriberDepartment.value;
    el.subscriberAdd.disabled = true;
    try {
      const r = (await api('POST', '/api/subscribers', body)) || {};
      el.subscriberOnceTitle.textContent = t('desk.subscribers.made', { name: r.name || name });
      el.subscriberUrl.value = r.feedUrl || '';
      el.subscriberMp3.value = r.mp3FeedUrl || '';
      $('subscriber-mp3-wrap').hidden = !r.mp3FeedUrl;
      const page = safeUrl(r.pageUrl);
      el.subscriberPage.href = page || '#';
      $('subscriber-page-wrap').hidden = !page;
      putQr(el.subscriberQr, r.qrSvg, t('desk.qrLabel', { name: r.name || name }));
      el.subscriberOnce.dataset.name = r.name || name;
      el.subscriberOnce.hidden = false;
      el.subscriberOnce.focus({ preventScroll: true });
      el.subscriberOnce.scrollIntoView({ block: 'nearest' });
      el.subscriberName.value = '';
      loadSubscribers();
    } catch (err) {
      failed('desk.subscribers.addFailed', err);
    } finally {
      el.subscriberAdd.disabled = false;
    }
  });

  el.subscriberCopy.addEventListener('click', () => copyText(el.subscriberUrl, el.subscriberCopy));
  el.subscriberMp3Copy.addEventListener('click', () => copyText(el.subscriberMp3, el.subscriberMp3Copy));
  el.subscriberOnceClose.addEventListener('click', () => hideOnce(el.subscriberOnce, el.subscriberUrl, el.subscriberQr));

  function hideOnce(box, input, qr) {
    box.hidden = true;
    input.value = '';
    qr.replaceChildren();
    delete box.dataset.name;
    if (box === el.subscriberOnce) el.subscriberMp3.value = '';
  }

  async function revokeSubscriber(name) {
    clearError();
    const yes = await confirmAsk({
      title: t('desk.subscribers.revokeTitle', { name }),
      text: t('desk.subscribers.revokeText', { name }),
      yes: t('desk.revokeYes'),
      danger: true,
    });
    if (!yes) return;
    try {
      await request('DELETE', `/api/subscribers/${encodeURIComponent(name)}`);
      if (el.subscriberOnce.dataset.name === name) hideOnce(el.subscriberOnce, el.subscriberUrl, el.subscriberQr);
      notice(t('desk.subscribers.revoked', { name }));
      loadSubscribers();
    } catch (e) {
      failed('desk.subscribers.revokeFailed', e);
    }
  }

  // ------------------------------------------------------------------ staff

  async function loadStaff() {
    let d;
    try { d = await api('GET', '/api/staff'); } catch (e) { failed('desk.staff.failed', e); return; }
    const people = Array.isArray(d) ? d : (d && (d.staff || d.members)) || [];
    const frag = document.createDocumentFragment();
    for (const s of people) {
      const tr = document.createElement('tr');
      tr.dataset.testid = `staff-row-${s.name}`;
      const name = cell(t('desk.person.name'));
      name.textContent = s.name || '';
      if (S.me && s.name === S.me.name) name.append(' ', span(t('desk.staff.you'), 'badge'));
      const role = cell(t('desk.staff.role'));
      role.textContent = s.role === 'host' || s.role === 'comms' ? t(`desk.role.${s.role}`) : (s.role || '');
      const dept = cell(t('form.department'));
      dept.textContent = deptLabel(s.department) || '—';
      const email = cell(t('desk.staff.email'), 'muted');
      email.textContent = s.email || '';
      const act = cell('', 'col-actions');
      act.append(smallButton(t('desk.revoke'), `staff-revoke-${s.name}`, () => revokeStaff(s.name), 'button-danger-quiet'));
      tr.append(name, role, dept, email, act);
      frag.append(tr);
    }
    el.staffRows.replaceChildren(frag);
    el.staffEmpty.hidden = people.length > 0;
  }

  el.staffForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearError();
    const name = el.staffName.value.trim();
    if (!name) { showError(t('desk.person.nameRequired')); el.staffName.focus(); return; }
    const email = el.staffEmail.value.trim();
    if (email && !el.staffEmail.checkValidity()) { showError(t('desk.staff.emailInvalid')); el.staffEmail.focus(); return; }
    const body = { name, role: el.staffRole.value };
    if (el.staffDepartment.value) body.department = el.staffDepartment.value;
    if (email) body.email = email;
    el.staffAdd.disabled = true;
    try {
      const r = (await api('POST', '/api/staff', body)) || {};
      el.staffOnceTitle.textContent = t(body.role === 'comms' ? 'desk.staff.madeComms' : 'desk.staff.made', { name: r.name || name });
      el.staffUrl.value = r.signinUrl || '';
      putQr(el.staffQr, r.qrSvg, t('desk.qrLabel', { name: r.name || name }));
      el.staffOnce.dataset.name = r.name || name;
      el.staffOnce.hidden = false;
      el.staffOnce.focus({ preventScroll: true });
      el.staffOnce.scrollIntoView({ block: 'nearest' });
      el.staffName.value = '';
      el.staffEmail.value = '';
      loadStaff();
    } catch (err) {
      failed('desk.staff.addFailed', err);
    } finally {
      el.staffAdd.disabled = false;
    }
  });

  el.staffCopy.addEventListener('click', () => copyText(el.staffUrl, el.staffCopy));
  el.staffOnceClose.addEventListener('click', () => hideOnce(el.staffOnce, el.staffUrl, el.staffQr));

  async function revokeStaff(name) {
    clearError();
    const self = S.me && name === S.me.name;
    const yes = await confirmAsk({
      title: t('desk.staff.revokeTitle', { name }),
      text: t('desk.staff.revokeText', { name }) + (self ? ` ${t('desk.staff.revokeSelf')}` : ''),
      yes: t('desk.revokeYes'),
      danger: true,
    });
    if (!yes) return;
    try {
      await request('DELETE', `/api/staff/${encodeURIComponent(name)}`);
      if (el.staffOnce.dataset.name === name) hideOnce(el.staffOnce, el.staffUrl, el.staffQr);
      notice(t('desk.staff.revoked', { name }));
      loadStaff();
    } catch (e) {
      failed('desk.staff.revokeFailed', e);
    }
  }

  load();
})();
