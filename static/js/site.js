// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  // Ask before destructive actions (buttons with data-confirm).
  document.addEventListener("submit", function (event) {
    var button = event.submitter || event.target.querySelector("[data-confirm]");
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Forms sent once (data-submit-once: a letter, an opinion, a staff step…): once sent, their buttons
  // stop taking clicks, so an impatient second click does not send the form again (the
  // server also answers a second copy with the first one's receipt). Disabled only after
  // the browser has read the form (a disabled button is not sent, and 预览 is told apart by
  // its button); enabled again when the page comes back from the history.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-submit-once")) { return; }
    var submitter = event.submitter;
    window.setTimeout(function () {
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit], input[type=submit]"), function (button) {
        if (button.disabled) { return; }
        button.disabled = true;
        button.setAttribute("data-sent", button.tagName === "BUTTON" ? button.textContent : "");
        if (button === submitter && button.hasAttribute("data-sending")) {
          button.textContent = button.getAttribute("data-sending");
        }
      });
    }, 0);
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-submit-once] [data-sent]"), function (button) {
      button.disabled = false;
      if (button.tagName === "BUTTON") { button.textContent = button.getAttribute("data-sent"); }
      button.removeAttribute("data-sent");
    });
  });
  // 关怀版（大字）/ 标准版: switch in place, so a form being filled in (a letter in
  // progress) keeps what was typed. Without JavaScript the link reloads the page, and the
  // button of a form page (data-large-text holds the link) re-shows its form as typed.
  var largeText = document.querySelector("[data-large-text]");
  if (largeText && window.fetch && window.URL) {
    largeText.addEventListener("click", function (event) {
      event.preventDefault();
      var url = new URL(largeText.getAttribute("data-large-text") || largeText.href, window.location.href);
      // The answer is a redirect back to the page (for a browser without JavaScript); the
      // cookie it sets is all that matters here, so it is not followed (a page shown after
      // a POST has no GET address to go back to).
      fetch(url.href, { credentials: "same-origin", redirect: "manual" })
        .then(function (response) {
          if (!response.ok && response.type !== "opaqueredirect") { throw new Error(String(response.status)); }
          var on = url.searchParams.get("on") === "1";
          document.documentElement.classList.toggle("large-text", on);
          url.searchParams.set("on", on ? "0" : "1");
          if (largeText.tagName === "A") {
            largeText.href = url.href;
          } else {
            largeText.setAttribute("data-large-text", url.href);
            largeText.value = on ? "0" : "1";
          }
          largeText.textContent = on ? "标准版" : "关怀版（大字）";
        })
        .catch(function () { window.location.href = url.href; });
    });
  }
  // A second form's own switch (see _macros.html: large_text_switch) is for pages without
  // JavaScript; here the header's switch works in place for every form of the page.
  Array.prototype.forEach.call(document.querySelectorAll("[data-large-text-extra]"), function (switcher) {
    switcher.hidden = true;
  });
  // 换一张: a new captcha picture in place, the answer box emptied and focused (without
  // JavaScript a wrong answer brings a new picture with the form as typed).
  Array.prototype.forEach.call(document.querySelectorAll("[data-new-captcha][hidden]"), function (button) {
    var row = button.parentNode;
    var image = row.querySelector("img.captcha-img");
    var input = row.querySelector("input");
    if (!image || !window.URL) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = new URL(image.getAttribute("src"), window.location.href);
      url.searchParams.set("t", String(Date.now()));
      image.src = url.href;
      if (input) { input.value = ""; input.focus(); }
    });
  });
  // Staff are logged out after STAFF_IDLE_MINUTES without a request, but a clerk writing an
  // answer is not idle: while they type, the page tells the server so (at most every third
  // of the idle time), and an answer taking an hour to write is not lost to the log-out. If
  // the session has ended all the same (the computer slept), the page says so at once, so
  // the text can be copied before anything is sent.
  var stillHere = document.body.getAttribute("data-still-here");
  if (stillHere && window.fetch) {
    var every = Number(document.body.getAttribute("data-still-here-every") || "600") * 1000;
    var told = Date.now();
    var warned = false;
    document.addEventListener("input", function () {
      if (warned || Date.now() - told < every) { return; }
      told = Date.now();
      fetch(stillHere, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
        .then(function (response) {
          if (response.status === 204 || warned) { return; }
          warned = true;
          var notice = document.createElement("p");
          notice.className = "flash flash-error";
          notice.setAttribute("role", "alert");
          notice.textContent = "您已长时间未操作，已自动退出登录，现在提交不会保存。请先复制本页填写的内容，再重新登录。";
          var main = document.getElementById("main") || document.body;
          main.insertBefore(notice, main.firstChild);
        })
        .catch(function () { told = 0; });
    });
  }
  // Print buttons (receipts): hidden in the page, since without JavaScript they could not
  // print; shown here, where they work.
  Array.prototype.forEach.call(document.querySelectorAll("[data-print][hidden]"), function (button) {
    button.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
