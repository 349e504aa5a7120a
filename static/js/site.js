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
  // 关怀版（大字）/ 标准版: switch in place, so a form being filled in (a letter in
  // progress) keeps what was typed. Without JavaScript the link reloads the page.
  var largeText = document.querySelector("a[data-large-text]");
  if (largeText && window.fetch && window.URL) {
    largeText.addEventListener("click", function (event) {
      event.preventDefault();
      var url = new URL(largeText.href);
      fetch(url.href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          var on = url.searchParams.get("on") === "1";
          document.documentElement.classList.toggle("large-text", on);
          url.searchParams.set("on", on ? "0" : "1");
          largeText.href = url.href;
          largeText.textContent = on ? "标准版" : "关怀版（大字）";
        })
        .catch(function () { window.location.href = url.href; });
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
