// crosstalk studio: what the studio page and the comms desk share — the
// language catalogue the server inlines (<script id="strings">), text from
// it with {name} placeholders, and number and time formats. Loaded before
// studio.js / desk.js, which take these from window.crosstalkCommon.
'use strict';

window.crosstalkCommon = (() => {
  const STRINGS = (() => {
    const node = document.getElementById('strings');
    try { return node ? JSON.parse(node.textContent) : {}; } catch (_) { return {}; }
  })();
  const LANG = (() => {
    const l = document.documentElement.lang;
    return l && !l.includes('{') ? l : 'ru';
  })();

  /** The catalogue's text for key, with {name} placeholders filled in. */
  /** A string of the catalogue; `fallback` (else the key) when it has none. */
  function t(key, params, fallback) {
    const s = Object.prototype.hasOwnProperty.call(STRINGS, key) ? STRINGS[key] : (fallback !== undefined ? fallback : key);
    return String(s).replace(/\{(\w+)\}/g, (m, name) =>
      params && params[name] !== undefined && params[name] !== null ? String(params[name]) : m);
  }

  function applyStrings(root) {
    for (const n of root.querySelectorAll('[data-i18n]')) n.textContent = t(n.dataset.i18n);
    for (const n of root.querySelectorAll('[data-i18n-placeholder]')) n.placeholder = t(n.dataset.i18nPlaceholder);
    for (const n of root.querySelectorAll('[data-i18n-aria-label]')) n.setAttribute('aria-label', t(n.dataset.i18nAriaLabel));
    for (const n of root.querySelectorAll('[data-i18n-title]')) n.title = t(n.dataset.i18nTitle);
  }

  const numberFormats = {};
  function fmtNum(x, digits, signed) {
    const k = digits + (signed ? 's' : '');
    if (!numberFormats[k]) {
      numberFormats[k] = new Intl.NumberFormat(LANG, {
        minimumFractionDigits: digits, maximumFractionDigits: digits,
        signDisplay: signed ? 'exceptZero' : 'auto',
      });
    }
    return numberFormats[k].format(x).replace('-', '\u2212');   // a real minus sign
  }

  /** Seconds as m:ss (h:mm:ss past an hour); pad gives mm:ss for the clock. */
  function fmtTime(seconds, pad) {
    if (typeof seconds !== 'number' || !isFinite(seconds)) return seconds == null ? '' : String(seconds);
    const total = Math.max(0, Math.floor(seconds));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    const ss = String(s).padStart(2, '0');
    if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${ss}`;
    return `${pad ? String(m).padStart(2, '0') : m}:${ss}`;
  }

  return { STRINGS, LANG, t, applyStrings, fmtNum, fmtTime };
})();
