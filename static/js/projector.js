// The projector keeps itself up to date: every few seconds it asks for the item under vote
// (the same partial the page was rendered with) and puts it in place when it changed. Without
// JavaScript the page's <noscript> refresh reloads the whole page instead.
(function () {
  "use strict";
  var box = document.getElementById("projector-item");
  if (!box || !window.fetch) { return; }
  var source = box.getAttribute("data-fragment");
  var every = Math.max(1, parseInt(box.getAttribute("data-every"), 10) || 5) * 1000;
  var shown = box.innerHTML.trim();

  function refresh() {
    fetch(source, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null && html.trim() !== shown) {
          shown = html.trim();
          box.innerHTML = shown;
        }
      })
      .catch(function () { /* the hall's network dropped: try again next time */ })
      .then(function () { window.setTimeout(refresh, every); });
  }
  window.setTimeout(refresh, every);
}());
