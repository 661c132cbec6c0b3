// crosstalk studio: the comms desk's listening figures (/desk/stats). Asks
// GET /api/stats for a period — the last 7 or 30 days, or from–to — and shows
// the report the server renders and escapes (stats::render_html_body:
// aggregates only, charts as inline SVG). The period stays in the address
// (?days=7, ?from=…&to=…) so a reload or a shared link shows the same.
'use strict';

(() => {
  const { t, applyStrings } = window.crosstalkCommon;
  const $ = (id) => document.getElementById(id);
  const days = $('stats-days'), from = $('stats-from'), to = $('stats-to'), report = $('stats-report');

  function showError(text) {
    $('error-text').textContent = text;
    $('error-banner').hidden = !text;
  }

  function custom() { return days.value === 'custom'; }

  function sync() {
    from.disabled = to.disabled = !custom();
    from.required = to.required = custom();
  }

  function query() {
    return custom() ? `from=${encodeURIComponent(from.value)}&to=${encodeURIComponent(to.value)}` : `days=${days.value}`;
  }

  async function load() {
    const q = query();
    report.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(`/api/stats?${q}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      const body = await res.json().catch(() => ({}));
      if (res.status === 401) { location.href = '/'; return; }
      if (!res.ok) throw new Error(body.error || t('common.httpError', { status: res.status }));
      report.innerHTML = body.html;  // rendered and escaped by the server
      $('stats-range').textContent = t('stats.range', { from: body.from, to: body.to, days: body.days });
      if (!custom()) { from.value = body.from; to.value = body.to; }
      const note = $('stats-note');
      note.hidden = body.source !== 'state';
      note.textContent = body.source === 'state' ? t('stats.fromState', { note: body.note || '' }) : '';
      showError('');
      history.replaceState(null, '', `/desk/stats?${q}`);
      report.dataset.loaded = q;
    } catch (e) {
      showError(e instanceof TypeError ? t('common.network') : e.message);
    } finally {
      report.setAttribute('aria-busy', 'false');
    }
  }

  applyStrings(document);
  const params = new URLSearchParams(location.search);
  if (params.get('from') && params.get('to')) {
    days.value = 'custom';
    from.value = params.get('from');
    to.value = params.get('to');
  } else if (params.get('days') === '7' || params.get('days') === '30') {
    days.value = params.get('days');
  }
  days.addEventListener('change', () => { sync(); if (!custom()) load(); });
  $('stats-form').addEventListener('submit', (e) => { e.preventDefault(); load(); });
  sync();
  load();
})();
