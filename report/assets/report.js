// corsdoctor report: copy buttons, table filters, open details before printing.
// Plain JavaScript, no network access, DOM built with textContent only.
(function () {
  "use strict";
  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text, done); });
      return;
    }
    fallback(text, done);
  }
  function fallback(text, done) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    try { document.execCommand("copy"); } catch (e) { /* selection stays for manual copy */ }
    document.body.removeChild(ta);
    done();
  }
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("button.copy") : null;
    if (!btn) { return; }
    var target = document.getElementById(btn.getAttribute("data-copy"));
    if (!target) { return; }
    copyText(target.textContent, function () {
      var status = document.getElementById(btn.getAttribute("data-copy") + "-status");
      if (status) { status.textContent = "Copied"; setTimeout(function () { status.textContent = ""; }, 2000); }
    });
  });
  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (!el.matches || !el.matches("input[data-filter]")) { return; }
    var table = document.getElementById(el.getAttribute("data-filter"));
    if (!table) { return; }
    var q = el.value.toLowerCase();
    var rows = table.querySelectorAll("tbody tr");
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var hit = q === "" || rows[i].textContent.toLowerCase().indexOf(q) >= 0;
      rows[i].hidden = !hit;
      if (hit) { shown++; }
    }
    var count = document.getElementById(el.getAttribute("data-filter") + "-count");
    if (count) { count.textContent = shown + " shown"; }
  });
  window.addEventListener("beforeprint", function () {
    var ds = document.querySelectorAll("details");
    for (var i = 0; i < ds.length; i++) { ds[i].open = true; }
  });
})();
