// Progressive enhancements for collections and the questionnaire builder.
// Every page works without this file.
(function () {
  "use strict";

  // Live character count under text areas that have a maxlength (opinion form, long answers),
  // which says the limit too: it takes the place of a hint that said only the limit
  // (data-count-hint: "不超过2000字"), so the page does not say it twice.
  document.querySelectorAll("textarea[maxlength][data-count]").forEach(function (area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    var hint = area.id && document.getElementById(area.id + "-hint");
    var counter = hint && hint.hasAttribute("data-count-hint") ? hint : document.createElement("p");
    counter.classList.add("hint", "char-count");
    counter.setAttribute("aria-live", "polite");
    if (counter !== hint) { area.insertAdjacentElement("afterend", counter); }
    function update() {
      counter.textContent = "不超过 " + max + " 字，已输入 " + area.value.length + " 字";
    }
    area.addEventListener("input", update);
    update();
  });

  // Builder: the choice settings only matter for single and multiple choice questions.
  var kind = document.getElementById("kind");
  var settings = document.querySelector(".q-choice-settings");
  if (kind && settings) {
    var toggle = function () {
      settings.hidden = !(kind.value === "single" || kind.value === "multiple");
    };
    kind.addEventListener("change", toggle);
    toggle();
  }
})();
