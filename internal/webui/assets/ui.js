// serve UI: disable the submit button while a check runs.
(function () {
  "use strict";
  document.addEventListener("submit", function (ev) {
    var b = ev.target.querySelector("button[type=submit]");
    if (b) { b.disabled = true; b.textContent = "Running…"; }
  });
})();
