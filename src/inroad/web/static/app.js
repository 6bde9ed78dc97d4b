/* Inroad page behaviour. Loaded with <script src defer>; the CSP forbids inline scripts. */
(function () {
  'use strict';

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = meta ? meta.getAttribute('content') : '';

  // (a) Every htmx request carries the CSRF token.
  document.addEventListener('htmx:configRequest', function (e) {
    if (csrfToken) e.detail.headers['X-CSRF-Token'] = csrfToken;
  });

  // (b) <form data-confirm="..."> (or a submit button with data-confirm) asks first.
  // Capture phase on document, so a refusal also stops htmx's own submit handler.
  document.addEventListener('submit', function (e) {
    var button = e.submitter;
    var form = e.target;
    var text = (button && button.getAttribute('data-confirm')) ||
      (form && form.getAttribute && form.getAttribute('data-confirm'));
    if (text && !window.confirm(text)) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);

  // (c) Live updates over server-sent events when <body data-events-url="..."> is set.
  var badgeTimer = null;
  function refreshBadge() {
    clearTimeout(badgeTimer); // a burst of events causes one fetch
    badgeTimer = setTimeout(function () {
      fetch('/fragments/unread-badge', { credentials: 'same-origin', headers: { 'HX-Request': 'true' } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          var badge = document.getElementById('unread-badge');
          if (html !== null && badge) badge.outerHTML = html;
        })
        .catch(function () { /* offline: the next event tries again */ });
    }, 150);
  }

  function refreshConversation(id) {
    if (!id || !window.htmx) return;
    var value = window.CSS && CSS.escape ? CSS.escape(String(id)) : String(id);
    document.querySelectorAll('[data-conversation-id="' + value + '"]').forEach(function (el) {
      window.htmx.trigger(el, 'refresh');
    });
  }

  function onEvent(e) {
    var data = {};
    try { data = JSON.parse(e.data || '{}'); } catch (err) { /* ignore a malformed frame */ }
    refreshBadge();
    refreshConversation(data && data.conversation_id);
  }

  function startEvents() {
    var url = document.body.getAttribute('data-events-url');
    if (!url || !window.EventSource) return;
    var source = null;
    function connect() { // EventSource reconnects by itself after network errors
      source = new EventSource(url);
      ['message.created', 'inmail.received', 'conversation.read'].forEach(function (name) {
        source.addEventListener(name, onEvent);
      });
    }
    connect();
    // Close on leave so the page can enter the back/forward cache; reopen when it returns.
    window.addEventListener('pagehide', function () { source.close(); });
    window.addEventListener('pageshow', function (e) {
      if (e.persisted) { connect(); refreshBadge(); }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', startEvents);
  } else {
    startEvents();
  }
})();
