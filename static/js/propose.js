// Live preview for the propose and edit pages: the server renders the same partial the
// "Preview the change" button shows without JavaScript; this only fetches it while typing.
(function () {
  "use strict";
  var form = document.getElementById("amendment-form");
  if (!form || !window.fetch) return;
  var target = document.getElementById("live-preview");
  var text = form.querySelector("textarea[name=text]");
  var insertKind = document.getElementById("insert-kind-field");
  var textField = document.getElementById("text-field");
  var original = text ? text.value : "";
  var timer = null;
  var inFlight = null;

  function currentKind() {
    var checked = form.querySelector("input[name=kind]:checked");
    if (checked) return checked.value;
    var hidden = form.querySelector("input[type=hidden][name=kind]");
    return hidden ? hidden.value : "replace";
  }

  function showFieldsFor(kind) {
    if (insertKind) insertKind.hidden = kind !== "insert";
    if (textField) textField.hidden = kind === "delete";
  }

  function refresh() {
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    var data = new FormData(form);
    data.set("kind", currentKind());
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      signal: inFlight.signal
    })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) target.innerHTML = html; })
      .catch(function () { /* a newer request replaced this one, or the network failed */ });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") {
      var kind = currentKind();
      // An addition starts from an empty box; a change starts from the paragraph's text.
      if (kind === "insert" && text.value === original) text.value = "";
      if (kind === "replace" && text.value === "") text.value = original;
      showFieldsFor(kind);
      schedule();
    }
  });
  if (text) text.addEventListener("input", schedule);
  showFieldsFor(currentKind());
  if (!target.innerHTML.trim()) refresh();
})();
