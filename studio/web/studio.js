// crosstalk studio: the recording page's script (no framework, no build step).
// The contract with the server is docs/studio-protocol.md. In short:
//   GET /api/me, /api/turn → the form; the microphone → AudioWorklet
//   (worklet.js, mono Float32 blocks) → ~100 ms binary messages
//   [uint32 LE seq][float32 samples] on the WebSocket /api/record, with the
//   pause/resume/chapter/stop control messages on the same seq counter. Every
//   sequenced message stays in the outbox until the server acks it; a dropped
//   socket is reopened with backoff, {type:"attach"} says where to resume, and
//   the outbox is resent from there. Capture never waits for the network.
// Every visible word comes from the catalogue the server inlines as
// <script id="strings">; text from people goes in through textContent only.
'use strict';

(() => {
  // ---------------------------------------------------------------- strings

  const { STRINGS, LANG, t, applyStrings, fmtNum, fmtTime } = window.crosstalkCommon;

  // --------------------------------------------------------------- elements

  const $ = (id) => document.getElementById(id);
  const el = {
    errorBanner: document.querySelector('[data-testid="error-banner"]'),
    errorText: $('error-text'), errorClose: $('error-close'),
    connBanner: document.querySelector('[data-testid="connection-banner"]'),
    showTitle: $('show-title'), who: $('who'), signout: $('signout'), deskLink: $('desk-link'),
    loading: $('loading'), studio: $('studio'), signedOut: $('signed-out'),
    turn: $('turn'),
    details: $('details'), title: $('title'), titleError: $('title-error'),
    description: $('description'), host: $('host'), department: $('department'),
    mic: $('mic'), micRow: $('mic-row'), micSelect: $('mic-select'), micTest: $('mic-test'), micHint: $('mic-hint'),
    meter: $('meter'), meterPeak: $('meter-peak'),
    clipWarning: $('clip-warning'), noSignal: $('nosignal-warning'), testHint: $('test-hint'),
    recorder: $('recorder'), recTitle: $('rec-title'), elapsed: $('elapsed'),
    record: $('record'), pause: $('pause'), chapter: $('chapter'), stop: $('stop'),
    status: $('status'), statusDetail: $('status-detail'), chapterLog: $('chapter-log'),
    shortcuts: $('shortcuts'),
    draft: $('draft'), draftH: $('draft-h'), player: $('player'),
    draftDuration: $('draft-duration'), draftLoudness: $('draft-loudness'),
    draftCutShort: $('draft-cut-short'), draftChapters: $('draft-chapters'),
    draftNoChapters: $('draft-no-chapters'),
    draftEdit: $('draft-edit'), draftTitle: $('draft-title'), draftDescription: $('draft-description'),
    draftSaved: $('draft-saved'), noteForm: $('note-form'), note: $('note'), noteSent: $('note-sent'),
    recordAnother: $('record-another'),
    turnDialog: $('turn-dialog'), turnQuestion: $('turn-question'),
  };

  // ------------------------------------------------------------------ state

  const BATCH_SECONDS = 0.1;      // one binary message
  const WORKLET_BLOCK = 1024;     // frames per worklet post (~23 ms)
  const PING_MS = 2000;
  const STALE_MS = 5000;          // no word from the server this long: the socket is dead
  const BACKOFF_FIRST_MS = 500, BACKOFF_MAX_MS = 3000;
  const POLL_MS = 1000;
  const CLIP_LEVEL = 0.999, CLIP_SHOW_MS = 2000;
  const SILENCE_DB = -80, SILENCE_MS = 5000;
  const METER_FLOOR_DB = -60;

  const S = {
    me: null, csrf: '', turn: null, departments: new Map(),   // id → label
    labelled: new Set(),  // the ids the server gave a label for
    // idle | starting | recording | stopping | finishing | done
    phase: 'loading',
    testing: false,
    audio: null,          // {ctx, stream, source, node, sink, rate}
    rec: null,            // the recording in progress, see newRecording()
    ws: null, wsReady: false, lastHeard: 0, lastPing: 0, wsOpenedAt: 0,
    backoff: BACKOFF_FIRST_MS, reconnectTimer: 0, tickTimer: 0,
    pollTimer: 0, polling: false,
    episode: null, wakeLock: null, flushWaiters: [],
  };

  // ------------------------------------------------------------------- http

  class ApiError extends Error {
    constructor(status, message, data) { super(message); this.status = status; this.data = data; }
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      if (S.csrf) headers['X-CSRF-Token'] = S.csrf;
    }
    let res;
    try {
      res = await fetch(path, {
        method, headers, credentials: 'same-origin', cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (_) {
      throw new ApiError(0, t('common.network'));
    }
    let data = null;
    if (res.status !== 204) { try { data = await res.json(); } catch (_) { data = null; } }
    if (res.status === 401) {
      showSignedOut();
      throw new ApiError(401, t('auth.needLink'), data);
    }
    if (!res.ok) {
      const msg = data && typeof data.error === 'string' ? data.error : t('common.httpError', { status: res.status });
      throw new ApiError(res.status, msg, data);
    }
    return data;
  }

  // ---------------------------------------------------------------- banners

  function showError(text) {
    el.errorText.textContent = text;
    el.errorBanner.hidden = false;
  }
  function clearError() { el.errorBanner.hidden = true; el.errorText.textContent = ''; }
  el.errorClose.addEventListener('click', clearError);

  function setStatus(text, detail) {
    el.status.textContent = text || '';
    if (detail !== undefined) el.statusDetail.textContent = detail || '';
  }

  function showSignedOut() {
    stopEverything();
    S.phase = 'signedout';
    el.loading.hidden = true;
    el.studio.hidden = true;
    el.signout.hidden = true;
    el.signedOut.hidden = false;
  }

  // ------------------------------------------------------------ me and turn

  function deptLabel(id) {
    if (!id) return '';
    return S.departments.get(id) || id;
  }

  function learnDepartments(turn) {
    // /api/turn gives the next department's label; a "departments" list
    // ([{id, name}], [{id, label}] or [id]) and last.label when the server sends them.
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
    if (turn.next) S.departments.set(turn.next, turn.label || deptLabel(turn.next));
    if (turn.next && turn.label) S.labelled.add(turn.next);
    if (turn.last && turn.last.department && turn.last.label) {
      S.departments.set(turn.last.department, turn.last.label);
      S.labelled.add(turn.last.department);
    }
    if (turn.last && turn.last.department && !S.departments.has(turn.last.department)) {
      S.departments.set(turn.last.department, turn.last.department);
    }
  }

  function renderTurn() {
    const turn = S.turn;
    if (!turn) { el.turn.textContent = ''; return; }
    const p = { number: turn.number, dept: deptLabel(turn.next) };
    if (turn.last) {
      p.last = turn.last.number;
      p.lastDept = deptLabel(turn.last.department);
      p.lastTitle = turn.last.title;
      const known = S.labelled.has(turn.last.department);   // else only its id is known: say "another department"
      el.turn.textContent = t(`turn.nextAfter${turn.last.title ? 'Titled' : ''}${known ? '' : 'Other'}`, p);
    } else {
      el.turn.textContent = t('turn.first', p);
    }
    // The department select: whose turn it is first (and chosen), then the others.
    const chosen = el.department.value;
    const keep = chosen && chosen !== S.renderedNext ? chosen : turn.next;
    el.department.replaceChildren();
    const ids = [turn.next, ...[...S.departments.keys()].filter((id) => id !== turn.next)];
    for (const id of ids) {
      if (!id) continue;
      const o = document.createElement('option');
      o.value = id;
      o.textContent = id === turn.next ? t('form.departmentTurn', { dept: deptLabel(id) }) : deptLabel(id);
      el.department.append(o);
    }
    el.department.value = S.departments.has(keep) ? keep : turn.next;
    S.renderedNext = turn.next;
  }

  async function loadTurn() {
    const turn = await api('GET', '/api/turn');
    S.turn = turn;
    learnDepartments(turn);
    renderTurn();
    return turn;
  }

  async function load() {
    applyStrings(document);
    document.title = t('studio.pageTitle');
    let me;
    try {
      me = await api('GET', '/api/me');
    } catch (e) {
      if (e.status !== 401) { el.loading.hidden = true; showError(t('common.errorLoad', { message: e.message })); }
      return;
    }
    S.me = me;
    S.csrf = me.csrf || '';
    const showTitle = (me.show && me.show.title) || '';
    el.showTitle.textContent = showTitle;
    if (showTitle) document.title = t('studio.pageTitleShow', { show: showTitle });
    el.who.textContent = t('me.signedInAs', { name: me.name || '' });
    el.host.value = me.name || '';
    el.signout.hidden = false;
    el.deskLink.hidden = me.role !== 'comms';   // comms run the show from the desk
    if (me.turn && me.turn.next) { S.turn = me.turn; learnDepartments(me.turn); renderTurn(); }
    try {
      await loadTurn();
    } catch (e) {
      if (e.status === 401) return;
      showError(t('common.errorLoad', { message: e.message }));
    }
    el.loading.hidden = true;
    el.studio.hidden = false;
    S.phase = 'idle';
    render();
    refreshDevices(false);
  }

  el.signout.addEventListener('click', async () => {
    if (isBusy()) return;
    try { await api('POST', '/api/signout'); } catch (_) { /* signed out either way */ }
    showSignedOut();
  });

  // ------------------------------------------------------------- microphone

  const SKIP_DEVICE_IDS = new Set(['default', 'communications']);   // Chrome's aliases

  async function refreshDevices(afterPermission) {
    const md = navigator.mediaDevices;
    if (!md || !md.enumerateDevices) { S.micNamed = true; render(); return; }
    let devices = [];
    try { devices = (await md.enumerateDevices()).filter((d) => d.kind === 'audioinput'); } catch (_) { return; }
    const named = devices.some((d) => d.label);
    const current = el.micSelect.value || remembered() || '';
    el.micSelect.replaceChildren();
    const def = document.createElement('option');
    def.value = '';
    def.textContent = t('mic.default');
    el.micSelect.append(def);
    if (named) {
      let n = 0;
      for (const d of devices) {
        if (!d.deviceId || SKIP_DEVICE_IDS.has(d.deviceId)) continue;
        n += 1;
        const o = document.createElement('option');
        o.value = d.deviceId;
        o.textContent = d.label || t('mic.unnamed', { n });
        el.micSelect.append(o);
      }
    }
    el.micSelect.value = [...el.micSelect.options].some((o) => o.value === current) ? current : '';
    S.micNamed = named || afterPermission;
    render();
  }

  function remembered() {
    try { return localStorage.getItem('crosstalk.mic'); } catch (_) { return null; }
  }

  if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
    navigator.mediaDevices.addEventListener('devicechange', () => refreshDevices(!!S.audio));
  }

  function micErrorText(e) {
    const name = e && e.name;
    if (name === 'Insecure') return t('mic.errInsecure');
    if (name === 'NotAllowedError' || name === 'SecurityError') return t('mic.errDenied');
    if (name === 'NotFoundError' || name === 'OverconstrainedError') return t('mic.errNotFound');
    if (name === 'NotReadableError' || name === 'AbortError') return t('mic.errBusy');
    return t('mic.errOther', { message: (e && e.message) || String(e) });
  }

  /**
   * Opens the microphone and the capture graph: source → worklet → silent
   * gain → destination (so the graph is pulled in every browser). Creates the
   * AudioContext before any await, inside the click, so no browser keeps it
   * suspended; its rate is the device's (not forced).
   */
  async function openAudio() {
    if (S.audio) return S.audio;
    const md = navigator.mediaDevices;
    if (!window.isSecureContext || !md || !md.getUserMedia || !window.AudioWorkletNode) {
      const e = new Error('insecure'); e.name = 'Insecure'; throw e;
    }
    let ctx = new AudioContext();
    const raw = { echoCancellation: false, autoGainControl: false, noiseSuppression: false, channelCount: 1 };
    const deviceId = el.micSelect.value;
    let stream;
    try {
      try {
        stream = await md.getUserMedia({ audio: deviceId ? { ...raw, deviceId: { exact: deviceId } } : raw });
      } catch (e) {
        if (!deviceId || (e.name !== 'OverconstrainedError' && e.name !== 'NotFoundError')) throw e;
        stream = await md.getUserMedia({ audio: raw });   // that microphone is gone: the default one
      }
      await ctx.audioWorklet.addModule('/static/worklet.js');
      let source;
      try {
        source = ctx.createMediaStreamSource(stream);
      } catch (e) {
        // Older Firefox will not connect a stream whose rate differs from the
        // context's: run the context at the microphone's rate instead.
        const rate = stream.getAudioTracks()[0].getSettings().sampleRate;
        if (!rate) throw e;
        await ctx.close();
        ctx = new AudioContext({ sampleRate: rate });
        await ctx.audioWorklet.addModule('/static/worklet.js');
        source = ctx.createMediaStreamSource(stream);
      }
      const node = new AudioWorkletNode(ctx, 'crosstalk-capture', {
        numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1],
        processorOptions: { blockFrames: WORKLET_BLOCK },
      });
      const sink = ctx.createGain();
      sink.gain.value = 0;
      source.connect(node);
      node.connect(sink);
      sink.connect(ctx.destination);
      node.port.onmessage = onWorkletMessage;
      if (ctx.state !== 'running') { try { await ctx.resume(); } catch (_) { /* retried below */ } }
      ctx.onstatechange = () => {
        if (ctx.state !== 'running' && ctx.state !== 'closed' && S.audio && S.audio.ctx === ctx) ctx.resume().catch(() => {});
      };
      const track = stream.getAudioTracks()[0];
      if (track) {
        track.addEventListener('ended', () => {
          if (S.audio && S.audio.stream === stream && isRecording()) showError(t('mic.lost'));
        });
      }
      S.audio = { ctx, stream, source, node, sink, rate: ctx.sampleRate };
      meter.reset();
      await refreshDevices(true);
      const used = track && track.getSettings().deviceId;
      if (deviceId && used && [...el.micSelect.options].some((o) => o.value === used)) el.micSelect.value = used;
      return S.audio;
    } catch (e) {
      if (stream) stream.getTracks().forEach((tr) => tr.stop());
      ctx.close().catch(() => {});
      throw e;
    }
  }

  function closeAudio() {
    const a = S.audio;
    S.audio = null;
    if (!a) return;
    a.node.port.onmessage = null;
    try { a.source.disconnect(); a.node.disconnect(); a.sink.disconnect(); } catch (_) { /* already */ }
    a.stream.getTracks().forEach((tr) => tr.stop());
    a.ctx.close().catch(() => {});
    for (const w of S.flushWaiters.splice(0)) w();
    meter.reset();
  }

  /** Asks the worklet for the samples it holds (before "stop"). */
  function flushWorklet() {
    if (!S.audio) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, 400);
      function done() { clearTimeout(timer); const i = S.flushWaiters.indexOf(done); if (i >= 0) S.flushWaiters.splice(i, 1); resolve(); }
      S.flushWaiters.push(done);
      S.audio.node.port.postMessage('flush');
    });
  }

  function onWorkletMessage(event) {
    const m = event.data;
    if (!m) return;
    if (m.type === 'flushed') { for (const w of S.flushWaiters.splice(0)) w(); return; }
    if (m.type !== 'audio') return;
    meter.feed(m.peak, m.sumSquares, m.samples.length);
    const rec = S.rec;
    if (rec && rec.capturing) capture(rec, m.samples);
    tick();   // timers may be throttled in a background tab; audio keeps coming
  }

  el.micTest.addEventListener('click', async () => {
    clearError();
    if (S.testing) {
      S.testing = false;
      if (!isRecording()) closeAudio();
      render();
      return;
    }
    if (S.phase !== 'idle') return;
    S.testing = true;
    render();
    try {
      await openAudio();
    } catch (e) {
      S.testing = false;
      showError(micErrorText(e));
    }
    render();
  });

  el.micSelect.addEventListener('change', async () => {
    try { localStorage.setItem('crosstalk.mic', el.micSelect.value); } catch (_) { /* private mode */ }
    if (S.testing && S.phase === 'idle') {
      closeAudio();
      try { await openAudio(); } catch (e) { S.testing = false; showError(micErrorText(e)); render(); }
    }
  });

  // ------------------------------------------------------------------ meter

  const meter = (() => {
    let peakDb = METER_FLOOR_DB, rmsDb = METER_FLOOR_DB, holdDb = METER_FLOOR_DB;
    let holdAt = 0, lastAt = 0, clipUntil = 0, silentSince = 0, frame = 0;
    function pct(db) { return Math.max(0, Math.min(100, (db - METER_FLOOR_DB) / -METER_FLOOR_DB * 100)); }
    function draw() {
      frame = 0;
      const now = performance.now();
      el.meter.style.setProperty('--level', `${pct(peakDb)}%`);
      el.meter.style.setProperty('--rms', `${pct(rmsDb)}%`);
      el.meter.style.setProperty('--hold', `${pct(holdDb)}%`);
      el.meterPeak.hidden = holdDb <= METER_FLOOR_DB;
      el.meter.setAttribute('aria-valuenow', String(Math.round(Math.max(peakDb, METER_FLOOR_DB))));
      el.clipWarning.hidden = !(now < clipUntil);
      el.noSignal.hidden = !(silentSince && now - silentSince >= SILENCE_MS);
    }
    function schedule() { if (!frame) frame = requestAnimationFrame(draw); }
    return {
      feed(peak, sumSquares, n) {
        const now = performance.now();
        const dt = lastAt ? Math.min(0.2, (now - lastAt) / 1000) : 0;
        lastAt = now;
        const p = 20 * Math.log10(peak + 1e-12);
        const r = 10 * Math.log10(sumSquares / Math.max(1, n) + 1e-24);
        peakDb = p >= peakDb ? p : Math.max(p, peakDb - 24 * dt);   // fast up, ~24 dB/s down
        rmsDb = r >= rmsDb ? r : Math.max(r, rmsDb - 24 * dt);
        if (p >= holdDb || now - holdAt > 1500) { holdDb = p; holdAt = now; }
        if (peak >= CLIP_LEVEL) clipUntil = now + CLIP_SHOW_MS;
        if (p < SILENCE_DB) { if (!silentSince) silentSince = now; } else silentSince = 0;
        schedule();
      },
      reset() {
        peakDb = rmsDb = holdDb = METER_FLOOR_DB;
        holdAt = lastAt = clipUntil = silentSince = 0;
        schedule();
      },
    };
  })();

  // -------------------------------------------------------------- recording

  function isRecording() { return S.phase === 'recording'; }
  function isBusy() { return S.phase === 'starting' || S.phase === 'recording' || S.phase === 'stopping' || S.phase === 'finishing'; }

  function newRecording(start) {
    return {
      start,                       // the "start" message (sent until "started")
      id: null, episode: null, department: null,
      rate: start.rate, batchFrames: Math.max(1, Math.round(start.rate * BATCH_SECONDS)),
      seq: 0,                      // the next sequence number
      outbox: [],                  // [{seq, data}] sent or not, not yet acked
      pending: [], pendingFrames: 0,
      recordedFrames: 0,           // frames outside pauses (= the episode's length)
      sentFrames: 0,               // all frames
      chapters: [],                // frame positions of the marks
      paused: false, capturing: false, stopped: false,
    };
  }

  function capture(rec, samples) {
    rec.pending.push(samples);
    rec.pendingFrames += samples.length;
    if (rec.pendingFrames >= rec.batchFrames) flushBatch(rec);
  }

  /** Turns the captured samples into one sequenced binary message. */
  function flushBatch(rec) {
    const n = rec.pendingFrames;
    if (!n) return;
    const buf = new ArrayBuffer(4 + 4 * n);
    const seq = rec.seq++;
    new DataView(buf).setUint32(0, seq, true);
    const out = new Float32Array(buf, 4, n);   // the platform's order: little-endian everywhere browsers run
    let at = 0;
    for (const a of rec.pending) { out.set(a, at); at += a.length; }
    rec.pending = [];
    rec.pendingFrames = 0;
    rec.sentFrames += n;
    if (!rec.paused) rec.recordedFrames += n;
    enqueue(rec, { seq, data: buf });
    renderElapsed();
  }

  function pushControl(rec, type) {
    const seq = rec.seq++;
    enqueue(rec, { seq, data: JSON.stringify({ type, seq }) });
  }

  function enqueue(rec, msg) {
    rec.outbox.push(msg);
    if (S.wsReady && S.ws) S.ws.send(msg.data);
  }

  function renderElapsed() {
    const rec = S.rec;
    el.elapsed.textContent = fmtTime(rec ? rec.recordedFrames / rec.rate : 0, true);
    // Exact, for tests and assistive tools: the seconds sent outside pauses.
    el.elapsed.dateTime = 'PT' + (rec ? rec.recordedFrames / rec.rate : 0).toFixed(3) + 'S';
  }

  el.record.addEventListener('click', () => startRecording(false));

  function startRecording(outOfTurn) {
    if (S.phase !== 'idle') return;
    clearError();
    const title = el.title.value.trim();
    el.titleError.hidden = !!title;
    el.title.toggleAttribute('aria-invalid', !title);
    if (!title) { el.title.focus(); return; }
    S.phase = 'starting';
    el.chapterLog.replaceChildren();
    setStatus(t('rec.connecting'), '');
    render();
    const opening = openAudio();   // synchronously creates the AudioContext: still inside the click
    opening.then((audio) => {
      if (S.phase !== 'starting') return;
      S.testing = false;
      S.rec = newRecording({
        type: 'start', title, description: el.description.value.trim(), host: el.host.value.trim(),
        department: el.department.value || '', outOfTurn: !!outOfTurn,
        rate: audio.rate, channels: 1,
      });
      renderElapsed();
      S.backoff = BACKOFF_FIRST_MS;
      connect();
      startTicking();
    }, (e) => {
      S.phase = 'idle';
      setStatus('', '');
      showError(micErrorText(e));
      render();
    });
  }

  function togglePause() {
    const rec = S.rec;
    if (!isRecording() || !rec || !rec.capturing) return;
    flushBatch(rec);                 // what came before the press belongs before the mark
    rec.paused = !rec.paused;
    pushControl(rec, rec.paused ? 'pause' : 'resume');
    renderRecordingStatus();
    render();
  }

  function markChapter() {
    const rec = S.rec;
    if (!isRecording() || !rec || !rec.capturing) return;
    flushBatch(rec);
    const at = rec.recordedFrames;
    const last = rec.chapters.length ? rec.chapters[rec.chapters.length - 1] : 0;
    if (at === 0 || at === last) { setStatus(el.status.textContent, t('rec.chapterSame')); return; }
    pushControl(rec, 'chapter');
    rec.chapters.push(at);
    const text = t('rec.chapterMarked', { n: rec.chapters.length, time: fmtTime(at / rec.rate) });
    const li = document.createElement('li');
    li.textContent = text;
    el.chapterLog.append(li);
    setStatus(el.status.textContent, '');
  }

  async function stopRecording() {
    const rec = S.rec;
    if (!isRecording() || !rec || !rec.capturing) return;
    S.phase = 'stopping';
    render();
    setStatus(t('rec.uploading'), '');
    await flushWorklet();            // the last ~20 ms the worklet still holds
    rec.capturing = false;
    flushBatch(rec);
    pushControl(rec, 'stop');
    rec.stopped = true;
    closeAudio();
    releaseWakeLock();
    if (!S.ws) { startPolling(); scheduleReconnect(); }
    render();
  }

  el.pause.addEventListener('click', togglePause);
  el.chapter.addEventListener('click', markChapter);
  el.stop.addEventListener('click', stopRecording);

  function renderRecordingStatus() {
    const rec = S.rec;
    if (!rec || S.phase !== 'recording') return;
    if (rec.paused) setStatus(t('rec.paused'));
    else setStatus(t('rec.recording', { number: rec.episode, dept: deptLabel(rec.department) }));
  }

  // ----------------------------------------------------------------- socket

  function socketUrl() {
    return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/record`;
  }

  function connect() {
    const rec = S.rec;
    if (!rec || S.ws) return;
    clearTimeout(S.reconnectTimer);
    S.reconnectTimer = 0;
    let ws;
    try { ws = new WebSocket(socketUrl()); } catch (_) { socketGone(null); return; }
    ws.binaryType = 'arraybuffer';
    S.ws = ws;
    S.wsReady = false;
    S.wsOpenedAt = Date.now();
    S.lastHeard = Date.now();
    ws.onopen = () => {
      if (ws !== S.ws) return;
      S.lastHeard = Date.now();
      ws.send(JSON.stringify(rec.id ? { type: 'attach', id: rec.id } : rec.start));
    };
    ws.onmessage = (event) => onServerMessage(ws, event);
    ws.onclose = () => socketGone(ws);
  }

  /** Forgets the socket without waiting for its close (it may never come while offline). */
  function dropSocket() {
    const ws = S.ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try { ws.close(); } catch (_) { /* closing anyway */ }
    socketGone(ws);
  }

  function onServerMessage(ws, event) {
    if (ws !== S.ws || typeof event.data !== 'string') return;
    S.lastHeard = Date.now();
    let m;
    try { m = JSON.parse(event.data); } catch (_) { return; }
    const rec = S.rec;
    if (!rec) return;
    switch (m.type) {
      case 'started':
        rec.id = m.id;
        rec.episode = m.episode;
        rec.department = m.department || rec.start.department;
        rec.capturing = true;
        S.wsReady = true;
        S.backoff = BACKOFF_FIRST_MS;
        S.phase = 'recording';
        requestWakeLock();
        el.status.focus({ preventScroll: true });   // so Space and Enter reach the shortcuts, not a button
        renderRecordingStatus();
        render();
        break;
      case 'attached': {
        const next = Number(m.next);
        while (rec.outbox.length && rec.outbox[0].seq < next) rec.outbox.shift();
        S.wsReady = true;
        S.backoff = BACKOFF_FIRST_MS;
        for (const msg of rec.outbox) ws.send(msg.data);
        render();
        break;
      }
      case 'ack': {
        const upto = Number(m.seq);
        while (rec.outbox.length && rec.outbox[0].seq <= upto) rec.outbox.shift();
        break;
      }
      case 'finishing':
        S.phase = 'finishing';
        setStatus(t('rec.saving'), t('rec.savingDetail'));
        render();
        break;
      case 'done':
        finished(m.episode);
        break;
      case 'error':
        serverError(m);
        break;
      default:
        break;   // pong or anything newer: the socket is alive, that is all
    }
  }

  function serverError(m) {
    const rec = S.rec;
    if (rec.id && m.code === 'gap') {
      // The server missed a message: reattach and resend, as after any drop.
      dropSocket();
      return;
    }
    if (!rec.id) {
      // "start" refused.
      dropSocketQuietly();
      stopTicking();
      S.phase = 'idle';
      S.rec = null;
      setStatus('', '');
      if (m.code === 'turn') { askOutOfTurn(rec.start.department); return; }
      closeAudio();
      showError(t('rec.startFailed', { message: m.message || m.code || '' }));
      render();
      return;
    }
    // A recording that the server has given up on or already finished (cut
    // short): ask it what became of it.
    dropSocketQuietly();
    rec.capturing = false;
    closeAudio();
    releaseWakeLock();
    if (S.phase === 'recording') S.phase = 'stopping';
    S.lastServerError = m.message || m.code || '';
    render();
    startPolling();
  }

  function dropSocketQuietly() {
    const ws = S.ws;
    S.ws = null;
    S.wsReady = false;
    if (ws) { ws.onopen = ws.onmessage = ws.onclose = null; try { ws.close(); } catch (_) { /* gone */ } }
    clearTimeout(S.reconnectTimer);
    S.reconnectTimer = 0;
  }

  function socketGone(ws) {
    if (ws !== S.ws) return;
    S.ws = null;
    S.wsReady = false;
    const rec = S.rec;
    if (!rec) return;
    if (S.phase === 'starting' && !rec.id) {
      // Never started: nothing to resume. (Not retried: a "start" that did
      // arrive would make a second recording.)
      stopTicking();
      S.phase = 'idle';
      S.rec = null;
      closeAudio();
      setStatus('', '');
      showError(t('rec.noConnection'));
      render();
      return;
    }
    if (S.phase === 'recording') { render(); scheduleReconnect(); return; }
    if (S.phase === 'stopping' || S.phase === 'finishing') {
      startPolling();                                   // the server may be finishing already
      if (rec.outbox.length && !S.lastServerError) scheduleReconnect();   // it still lacks something
    }
    render();
  }

  function scheduleReconnect() {
    if (S.reconnectTimer || S.ws || !S.rec) return;
    const delay = S.backoff;
    S.backoff = Math.min(BACKOFF_MAX_MS, S.backoff * 2);
    S.reconnectTimer = setTimeout(() => { S.reconnectTimer = 0; connect(); }, delay);
  }

  function startTicking() {
    stopTicking();
    S.lastPing = Date.now();
    S.tickTimer = setInterval(tick, 250);
  }
  function stopTicking() { clearInterval(S.tickTimer); S.tickTimer = 0; }

  /** Pings, and notices a socket that has gone quiet (a dropped Wi-Fi often closes nothing). */
  function tick() {
    const ws = S.ws;
    if (!ws || !S.rec) return;
    const now = Date.now();
    if (S.wsReady && now - S.lastPing >= PING_MS) {
      S.lastPing = now;
      ws.send('{"type":"ping"}');
    }
    const quiet = ws.readyState === WebSocket.CONNECTING ? now - S.wsOpenedAt : now - S.lastHeard;
    if (quiet > (S.rec.id ? STALE_MS : 2 * STALE_MS)) dropSocket();
  }

  window.addEventListener('offline', () => { if (S.ws && S.rec && S.rec.id) dropSocket(); });
  window.addEventListener('online', () => {
    if (S.reconnectTimer && S.rec) { clearTimeout(S.reconnectTimer); S.reconnectTimer = 0; S.backoff = BACKOFF_FIRST_MS; connect(); }
  });

  // -------------------------------------------------------- after the stop

  function startPolling() {
    if (S.pollTimer || !S.rec || !S.rec.id) return;
    S.pollTimer = setInterval(pollOnce, POLL_MS);
    pollOnce();
  }
  function stopPolling() { clearInterval(S.pollTimer); S.pollTimer = 0; }

  async function pollOnce() {
    const rec = S.rec;
    if (S.polling || !rec || !rec.id) return;
    S.polling = true;
    try {
      const r = await api('GET', `/api/recordings/${encodeURIComponent(rec.id)}`);
      if (S.rec !== rec || S.phase === 'done') return;
      if (r.state === 'done') {
        let ep = r.episode;
        if (typeof ep === 'number' || typeof ep === 'string') ep = await api('GET', `/api/episodes/${encodeURIComponent(ep)}`);
        if (S.rec === rec && S.phase !== 'done') finished(ep);
      } else if (r.state === 'failed') {
        failed(r.message || S.lastServerError || '');
      } else if (r.state === 'finishing' && S.phase !== 'finishing') {
        S.phase = 'finishing';
        setStatus(t('rec.saving'), t('rec.savingDetail'));
        render();
      }
    } catch (e) {
      if (e.status === 401) return;
      if (e.status === 404 || e.status === 403) failed(S.lastServerError || e.message);
      // otherwise (the network): keep asking
    } finally {
      S.polling = false;
    }
  }

  function failed(message) {
    stopEverything();
    S.phase = 'idle';
    S.rec = null;
    setStatus('', '');
    showError(t('rec.failed', { message }));
    render();
  }

  function finished(episode) {
    stopPolling();
    stopTicking();
    dropSocketQuietly();
    releaseWakeLock();
    closeAudio();
    if (S.rec) S.rec.capturing = false;
    S.phase = 'done';
    setStatus('', '');
    showDraft(episode || {});
    render();
    el.draftH.focus({ preventScroll: false });
  }

  function stopEverything() {
    stopPolling();
    stopTicking();
    dropSocketQuietly();
    releaseWakeLock();
    closeAudio();
    S.testing = false;
  }

  // ------------------------------------------------------------------ draft

  function showDraft(ep) {
    S.episode = ep;
    el.draftH.textContent = t('draft.heading', { number: ep.number });
    el.draftH.tabIndex = -1;
    if (ep.number !== undefined) el.player.src = `/api/episodes/${encodeURIComponent(ep.number)}/audio`;
    renderDraftFacts(ep);
    el.draftTitle.value = ep.title || '';
    el.draftDescription.value = ep.description || '';
    el.note.value = ep.note || '';
    el.draftSaved.textContent = '';
    el.noteSent.textContent = '';
  }

  function renderDraftFacts(ep) {
    el.draftDuration.textContent = fmtTime(typeof ep.duration === 'string' && /^[\d.]+$/.test(ep.duration) ? Number(ep.duration) : ep.duration);
    const l = ep.loudness;
    const num = (x, signed) => (typeof x === 'number' && isFinite(x) ? fmtNum(x, 1, signed) : '—');
    el.draftLoudness.textContent = l && (typeof l.inputLufs === 'number' || typeof l.outputLufs === 'number')
      ? t('draft.loudnessValue', { input: num(l.inputLufs), output: num(l.outputLufs), gain: num(l.gainDb, true) })
      : t('draft.loudnessNone');
    el.draftCutShort.hidden = !ep.cutShort;
    el.draftChapters.replaceChildren();
    const chapters = Array.isArray(ep.chapters) ? ep.chapters : [];
    chapters.forEach((c, i) => {
      const li = document.createElement('li');
      const time = document.createElement('span');
      time.className = 'chapter-time';
      time.textContent = fmtTime(typeof c.start === 'number' ? c.start : Number(c.start) || c.start);
      const title = document.createElement('span');
      title.textContent = c.title || t('draft.chapterUntitled', { n: i + 1 });
      li.append(time, title);
      el.draftChapters.append(li);
    });
    el.draftNoChapters.hidden = chapters.length > 0;
  }

  async function saveEpisode(body, statusEl, okText, button) {
    const ep = S.episode;
    if (!ep || ep.number === undefined) return;
    clearError();
    statusEl.textContent = '';
    button.disabled = true;
    try {
      const updated = await api('POST', `/api/episodes/${encodeURIComponent(ep.number)}`, body);
      if (updated && typeof updated === 'object') { S.episode = { ...ep, ...updated }; renderDraftFacts(S.episode); }
      statusEl.textContent = okText;
    } catch (e) {
      if (e.status !== 401) showError(t('draft.saveFailed', { message: e.message }));
    } finally {
      button.disabled = false;
    }
  }

  el.draftEdit.addEventListener('submit', (e) => {
    e.preventDefault();
    const title = el.draftTitle.value.trim();
    if (!title) { el.draftTitle.focus(); showError(t('form.titleRequired')); return; }
    saveEpisode({ title, description: el.draftDescription.value.trim() }, el.draftSaved, t('draft.saved'), $('draft-save'));
  });
  el.noteForm.addEventListener('submit', (e) => {
    e.preventDefault();
    saveEpisode({ note: el.note.value.trim() }, el.noteSent, t('draft.noteSent'), $('note-send'));
  });

  el.recordAnother.addEventListener('click', async () => {
    S.rec = null;
    S.episode = null;
    S.lastServerError = '';
    el.player.pause();
    el.player.removeAttribute('src');
    el.player.load();
    el.title.value = '';
    el.description.value = '';
    el.chapterLog.replaceChildren();
    setStatus('', '');
    S.phase = 'idle';
    render();
    renderElapsed();
    el.title.focus();
    try { await loadTurn(); } catch (e) { if (e.status !== 401) showError(t('common.errorLoad', { message: e.message })); }
  });

  // ------------------------------------------------------------ out of turn

  /** "start" was refused with code "turn": ask, and start again out of turn with the same department. */
  async function askOutOfTurn(department) {
    let label = '';
    try { const turn = await loadTurn(); label = deptLabel(turn.next); } catch (_) { label = deptLabel(S.turn && S.turn.next); }
    if ([...el.department.options].some((o) => o.value === department)) el.department.value = department;
    el.turnQuestion.textContent = t('turn.ask', { dept: label });
    render();
    el.turnDialog.returnValue = '';
    el.turnDialog.showModal();
  }

  el.turnDialog.addEventListener('close', () => {
    if (el.turnDialog.returnValue === 'yes') {
      startRecording(true);
    } else if (!S.testing) {
      closeAudio();
    }
  });

  // -------------------------------------------------------------- keyboard

  function isTextTarget(target) {
    if (!target || !target.tagName) return false;
    if (target.isContentEditable) return true;
    const tag = target.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
    if (tag === 'INPUT') return !['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file'].includes(target.type);
    return false;
  }

  function shortcutFor(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.isComposing) return null;
    if (!isRecording() || el.turnDialog.open || isTextTarget(e.target)) return null;
    if (e.code === 'Space' || e.key === ' ') return togglePause;
    if (e.code === 'KeyM' || e.key === 'm' || e.key === 'M') return markChapter;   // KeyM: any layout (ь on Russian)
    if (e.key === 'Enter' || e.code === 'NumpadEnter') return stopRecording;
    return null;
  }

  document.addEventListener('keydown', (e) => {
    const action = shortcutFor(e);
    if (!action) return;
    e.preventDefault();
    if (!e.repeat) action();
  });
  // A focused button would also "click" on Space's keyup.
  document.addEventListener('keyup', (e) => {
    if ((e.code === 'Space' || e.key === ' ') && isRecording() && !isTextTarget(e.target)) e.preventDefault();
  });

  // ------------------------------------------------------------- wake lock

  async function requestWakeLock() {
    if (!('wakeLock' in navigator) || S.wakeLock) return;
    try {
      S.wakeLock = await navigator.wakeLock.request('screen');
      S.wakeLock.addEventListener('release', () => { S.wakeLock = null; });
    } catch (_) { S.wakeLock = null; }
  }
  function releaseWakeLock() {
    if (S.wakeLock) { S.wakeLock.release().catch(() => {}); S.wakeLock = null; }
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && isRecording()) requestWakeLock();
  });

  window.addEventListener('beforeunload', (e) => {
    if (isBusy()) { e.preventDefault(); e.returnValue = ''; }
  });

  // ----------------------------------------------------------------- render

  function render() {
    renderElapsed();
    const phase = S.phase;
    const recording = phase === 'recording';
    const rec = S.rec;
    const idle = phase === 'idle';
    const done = phase === 'done';

    el.turn.hidden = !(idle || phase === 'starting');
    el.details.hidden = !(idle || phase === 'starting');
    el.mic.hidden = !(idle || phase === 'starting' || recording);
    el.micRow.hidden = !(idle || phase === 'starting');
    el.micHint.hidden = S.micNamed || !idle;
    el.recTitle.hidden = idle || done || !rec;
    if (rec) el.recTitle.textContent = rec.start.title;
    el.recorder.hidden = done;
    el.draft.hidden = !done;

    for (const f of [el.title, el.description, el.host]) f.readOnly = !idle;
    el.department.disabled = !idle;
    el.micSelect.disabled = !idle;
    el.micTest.hidden = !idle && !S.testing;
    el.micTest.disabled = !idle;
    el.micTest.textContent = t(S.testing ? 'mic.testStop' : 'mic.test');
    el.micTest.setAttribute('aria-pressed', String(S.testing));
    el.testHint.hidden = !(S.testing && idle);

    el.record.hidden = !(idle || phase === 'starting');
    el.record.disabled = !idle;
    el.pause.hidden = !recording;
    el.chapter.hidden = !recording;
    el.stop.hidden = !recording;
    el.shortcuts.hidden = !recording;
    const paused = !!(rec && rec.paused);
    el.pause.textContent = t(paused ? 'rec.resume' : 'rec.pause');
    el.pause.setAttribute('aria-pressed', String(paused));
    el.recorder.classList.toggle('is-recording', recording && !paused);
    el.recorder.classList.toggle('is-paused', recording && paused);
    el.recorder.classList.toggle('is-saving', phase === 'stopping' || phase === 'finishing');

    el.connBanner.hidden = !(rec && rec.id && !S.wsReady && (recording || phase === 'stopping') && !S.lastServerError);
  }

  // The connection banner also has to notice a drop between renders.
  setInterval(() => { if (S.rec && S.rec.id) render(); }, 1000);

  load();
})();
