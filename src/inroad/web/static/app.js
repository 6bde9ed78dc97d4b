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
    // The InMail sender waits without a reply box; once the member responds, show it.
    if (e.type === 'inmail.responded' && data && data.conversation_id &&
        document.querySelector('[data-awaiting="' + String(data.conversation_id).replace(/"/g, '') + '"]')) {
      window.location.reload();
    }
  }

  function startEvents() {
    var url = document.body.getAttribute('data-events-url');
    if (!url || !window.EventSource) return;
    var source = null;
    function connect() { // EventSource reconnects by itself after network errors
      source = new EventSource(url);
      ['message.created', 'inmail.received', 'inmail.responded', 'conversation.read'].forEach(function (name) {
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

  // (d) <form data-reset-on-success> posted with htmx: clear it once the server accepted it
  // (a refusal comes back retargeted at the form itself, with the text kept), and keep the
  // keyboard in the box.
  document.addEventListener('htmx:afterRequest', function (e) {
    var form = e.detail.elt;
    if (!form || !form.hasAttribute || !form.hasAttribute('data-reset-on-success')) return;
    if (!e.detail.successful || e.detail.xhr.getResponseHeader('HX-Retarget')) return;
    form.reset();
    var box = form.querySelector('textarea');
    if (box) { box.focus(); updateCounter(box); }
  });

  // A message added to the thread scrolls into view.
  document.addEventListener('htmx:afterSwap', function (e) {
    var thread = e.detail.target;
    if (thread && thread.id === 'thread' && thread.lastElementChild) {
      thread.lastElementChild.scrollIntoView({ block: 'nearest' });
    }
  });

  // (e) <textarea maxlength data-counter="id">: "120 / 300 characters" in #id.
  function updateCounter(box) {
    var out = document.getElementById(box.getAttribute('data-counter') || '');
    if (!out) return;
    var max = Number(box.getAttribute('maxlength'));
    out.textContent = box.value.length + ' / ' + max.toLocaleString('en-US') + ' characters';
  }
  document.addEventListener('input', function (e) {
    if (e.target && e.target.matches && e.target.matches('textarea[data-counter]')) {
      updateCounter(e.target);
    }
  });

  function start() {
    document.querySelectorAll('textarea[data-counter]').forEach(function (box) {
      if (box.value) updateCounter(box);
    });
    // A long conversation opens at its latest message, next to the reply box.
    var thread = document.getElementById('thread');
    if (thread && !window.location.hash && thread.children.length > 4) {
      var composer = document.getElementById('composer') || thread.lastElementChild;
      composer.scrollIntoView({ block: 'end' });
    }
    startEvents();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
