// FAQ suggestions while typing, and import progress. Progressive enhancement only:
// every page works without this file.
//
// Hook: give any <input> or <textarea> the attribute
//     data-suggest="{{ url_for('api.faq_answer') }}"
// and include this script (<script src=".../js/faq.js" defer>). While the citizen types,
// matching knowledge-base questions are fetched (debounced 250 ms, at least 2 characters,
// with suggest=1 so typing is not logged) and listed below the field's form (or below the
// field itself if it has no form). Optional attributes on the same field:
//     data-suggest-target="some-id"   render into the element with that id instead
//     data-suggest-title="..."        heading of the list (default 您可能想问)
// A <textarea data-enter-submits> (the answer page's question box) sends its form on Enter.
(function () {
  "use strict";
  var DELAY = 250;
  var MIN_CHARS = 2;

  function createBox(field) {
    var targetId = field.getAttribute("data-suggest-target");
    var box = targetId ? document.getElementById(targetId) : null;
    if (!box) {
      box = document.createElement("div");
      var anchor = field.form && field.form.contains(field) && field.tagName !== "TEXTAREA" ? field.form : field;
      anchor.parentNode.insertBefore(box, anchor.nextSibling);
    }
    box.classList.add("faq-suggest");
    box.setAttribute("aria-live", "polite");
    box.hidden = true;
    return box;
  }

  function item(list, href, text, note, best) {
    var li = document.createElement("li");
    if (best) { li.className = "faq-suggest-best"; }
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;  // never innerHTML: questions are plain text
    li.appendChild(a);
    if (note) {
      var span = document.createElement("span");
      span.className = "faq-suggest-note";
      span.textContent = note;
      li.appendChild(span);
    }
    list.appendChild(li);
  }

  function render(box, data, title) {
    while (box.firstChild) { box.removeChild(box.firstChild); }
    var entries = [];
    if (data && data.best) { entries.push([data.best, data.confidence_label || "", true]); }
    (data && data.related || []).forEach(function (r) { entries.push([r, "", false]); });
    if (!entries.length) { box.hidden = true; return; }
    var heading = document.createElement("p");
    heading.className = "faq-suggest-title";
    heading.textContent = title;
    box.appendChild(heading);
    var list = document.createElement("ul");
    entries.forEach(function (e) { item(list, e[0].url, e[0].question, e[1], e[2]); });
    box.appendChild(list);
    box.hidden = false;
  }

  function attach(field) {
    var url = field.getAttribute("data-suggest");
    if (!url || !window.fetch) { return; }
    var box = createBox(field);
    var title = field.getAttribute("data-suggest-title") || "您可能想问";
    var timer = null;
    var last = "";
    var controller = null;

    function run() {
      var q = field.value.trim().slice(0, 200);
      if (q === last) { return; }
      last = q;
      if (q.length < MIN_CHARS) { render(box, null, title); return; }
      if (controller && controller.abort) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var sep = url.indexOf("?") === -1 ? "?" : "&";
      fetch(url + sep + "suggest=1&q=" + encodeURIComponent(q), {
        headers: { "Accept": "application/json" },
        // No cookie: a suggestion is the same for everyone, so the browser, a proxy and
        // the server's page store can reuse it (a request with a session is never shared).
        credentials: "omit",
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (field.value.trim().slice(0, 200) === q) { render(box, data, title); }
      }).catch(function () { /* offline or aborted: keep the page as it is */ });
    }

    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, DELAY);
    });
  }

  // A question box of several lines that stands for a one-line search box
  // (data-enter-submits): Enter asks, as it did in the one-line box; Shift+Enter still breaks
  // the line, and the Enter that ends a Chinese input method's composition stays the IME's.
  function enterSubmits(field) {
    field.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) { return; }
      if (!field.form) { return; }
      event.preventDefault();
      if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
    });
  }

  // A background job's page (an import, a refit of the decision model) reloads itself when
  // the job is done; without JavaScript a <noscript> meta refresh does it.
  function pollImport(el) {
    var url = el.getAttribute("data-import-status") || el.getAttribute("data-job-status");
    var count = el.querySelector("[data-import-count]");
    var bar = document.querySelector("progress");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) { return; }
          if (count) { count.textContent = s.processed + " / " + (s.total || "?"); }
          if (bar) { bar.value = s.percent; }
          if (s.finished) { window.location.reload(); } else { window.setTimeout(tick, 1000); }
        }).catch(function () {});
    }
    window.setTimeout(tick, 1000);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest], textarea[data-suggest]"), attach);
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-enter-submits]"), enterSubmits);
    var status = document.querySelector("[data-import-status], [data-job-status]");
    if (status && window.fetch) { pollImport(status); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
