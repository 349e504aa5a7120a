// Progressive enhancements for collections and the questionnaire builder.
// Every page works without this file.
(function () {
  "use strict";

  // Live character count under text areas that have a maxlength (opinion form, long answers).
  document.querySelectorAll("textarea[maxlength][data-count]").forEach(function (area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    var counter = document.createElement("p");
    counter.className = "hint char-count";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    function update() {
      counter.textContent = "已输入 " + area.value.length + " / " + max + " 字";
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
