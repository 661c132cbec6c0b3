// crosstalk studio: the sign-in page's script. /signin#TOKEN → POST
// {"token"} to /api/signin → 204: on to the studio with location.replace (so
// the link with its token stays out of the history); 403: the link is not
// valid. The server also answers GET / with this page (401) to someone not
// signed in. Strings come from the catalogue inlined as <script id="strings">.
'use strict';

(() => {
  let strings = {};
  try { strings = JSON.parse(document.getElementById('strings').textContent); } catch (_) { /* keys show */ }
  const t = (key, params) => String(strings[key] !== undefined ? strings[key] : key)
    .replace(/\{(\w+)\}/g, (m, n) => (params && params[n] !== undefined ? String(params[n]) : m));
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  document.title = t('signin.pageTitle');

  const status = document.getElementById('signin-status');
  const error = document.getElementById('signin-error');
  const retry = document.getElementById('signin-retry');

  // Take the token and wipe it from the address bar at once.
  let token = location.hash.replace(/^#/, '');
  try { token = decodeURIComponent(token); } catch (_) { /* as it is */ }
  token = token.trim();
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);

  function fail(text, canRetry) {
    status.textContent = '';
    error.textContent = text;
    error.hidden = false;
    retry.hidden = !canRetry;
  }

  async function signIn() {
    error.hidden = true;
    retry.hidden = true;
    status.textContent = t('signin.working');
    let res;
    try {
      res = await fetch('/api/signin', {
        method: 'POST', credentials: 'same-origin', cache: 'no-store',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token }),
      });
    } catch (_) {
      fail(t('signin.failed', { message: t('common.network') }), true);
      return;
    }
    if (res.status === 204 || res.ok) { location.replace('/'); return; }
    if (res.status === 403 || res.status === 400 || res.status === 401) { fail(t('signin.bad'), false); return; }
    fail(t('signin.failed', { message: t('common.httpError', { status: res.status }) }), true);
  }

  retry.addEventListener('click', signIn);
  // Served at / too (401) to someone not signed in: then it is not a broken link.
  if (!token) fail(t(location.pathname === '/signin' ? 'signin.noToken' : 'auth.needLink'), false);
  else signIn();
})();
