// Letter form: show the department picker or the leader picker for the chosen channel.
// Without JavaScript both pickers stay visible and the server ignores the unused one.
(function () {
  "use strict";
  var form = document.querySelector(".letter-form");
  if (!form) { return; }
  var consultation = form.querySelector(".channel-consultation");
  var mailbox = form.querySelector(".channel-mailbox");
  function update() {
    var checked = form.querySelector("input[name=channel]:checked");
    var isMailbox = checked && checked.value === "mailbox";
    consultation.hidden = isMailbox;
    mailbox.hidden = !isMailbox;
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "channel") { update(); }
  });
  update();
})();

// Suggestions while the citizen writes: FAQ entries and published letters like the title and
// text typed so far, fetched at most once per pause in typing (debounced) and listed in the
// labelled region under the text. Focus never moves; the region's status line (aria-live)
// says how many were found. Without JavaScript the 预览 button shows the same list.
(function () {
  "use strict";
  var region = document.getElementById("letter-suggest");
  var form = document.querySelector(".letter-form");
  if (!region || !form || !window.fetch || !window.DOMParser || !window.URLSearchParams) { return; }
  var DELAY = 600;          // ms after the last keystroke
  var MIN_CHARS = 4;        // as the server (letters.services.SUGGEST_MIN_CHARS)
  var BODY_CHARS = 300;     // the server looks at the start of the text only
  var url = region.getAttribute("data-suggest-url");
  var status = document.getElementById("letter-suggest-status");
  var list = document.getElementById("letter-suggest-list");
  var title = form.elements.namedItem("title");
  var body = form.elements.namedItem("body");
  var tokenField = form.elements.namedItem("csrf_token");
  var token = tokenField ? tokenField.value : "";
  var timer = null;
  var last = null;
  var controller = null;

  region.hidden = false;
  if (!status.textContent.trim()) { status.textContent = status.getAttribute("data-prompt"); }

  function text() {
    return [title.value.trim(), body.value.trim().slice(0, BODY_CHARS)];
  }

  function show(data) {
    status.textContent = data.status;
    var parsed = new DOMParser().parseFromString(data.html, "text/html");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    Array.prototype.forEach.call(parsed.body.childNodes, function (node) {
      list.appendChild(document.importNode(node, true));
    });
  }

  function run() {
    var typed = text();
    var key = typed.join("\n");
    if (key === last || (typed[0] + typed[1]).length < MIN_CHARS) { return; }
    last = key;
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    // POST, so the typed letter never appears in a URL (access logs, history).
    var data = new URLSearchParams();
    data.set("title", typed[0]);
    data.set("body", typed[1]);
    fetch(url, {
      method: "POST",
      body: data,
      headers: { "Accept": "application/json", "X-CSRFToken": token },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data && text().join("\n") === key) { show(data); }
    }).catch(function () { /* offline or aborted: keep what is shown */ });
  }

  function typed() {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, DELAY);
  }
  title.addEventListener("input", typed);
  body.addEventListener("input", typed);
  if (!list.firstChild) { run(); }  // a form that arrives filled in (the FAQ hand-off)
})();
