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
