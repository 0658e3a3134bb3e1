// storyline: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // "/" focuses the search box, as in most news tools.
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.key === "/" && !(t instanceof HTMLInputElement) && !(t instanceof HTMLTextAreaElement)) {
      var box = document.getElementById("quick-q");
      if (box) { ev.preventDefault(); box.focus(); }
    }
  });
  // Timeline lists: arrow keys move between events; the current one is marked for screen readers.
  document.querySelectorAll("[data-timeline]").forEach(function (list) {
    var items = Array.prototype.slice.call(list.children);
    items.forEach(function (li, i) {
      li.addEventListener("keydown", function (ev) {
        var next = ev.key === "ArrowDown" || ev.key === "ArrowRight" ? i + 1 :
                   ev.key === "ArrowUp" || ev.key === "ArrowLeft" ? i - 1 : -1;
        if (next >= 0 && next < items.length) { ev.preventDefault(); items[next].focus(); }
      });
      li.addEventListener("focus", function () {
        items.forEach(function (x) { x.removeAttribute("aria-current"); });
        li.setAttribute("aria-current", "true");
      });
    });
  });
  // The dossier's as-of control submits on change.
  var asof = document.getElementById("as-of");
  if (asof && asof.form) { asof.addEventListener("change", function () { asof.form.submit(); }); }
})();
