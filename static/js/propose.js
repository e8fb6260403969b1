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
  // The paragraph as it reads now: what a change starts from, and what an addition must not
  // merely repeat (compared word by word, as the server compares it).
  var current = document.getElementById("current-text");
  var paragraphText = current ? current.textContent.trim() : "";
  var timer = null;
  var inFlight = null;

  function words(value) {
    return value.split(/\s+/).filter(Boolean).join(" ");
  }

  function fitBoxTo(kind) {
    if (!text) return;
    // An addition starts from an empty box; a change starts from the paragraph's text.
    if (kind === "insert" && words(text.value) === words(paragraphText)) text.value = "";
    if (kind === "replace" && !text.value.trim()) text.value = paragraphText;
  }

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
      fitBoxTo(kind);
      showFieldsFor(kind);
      schedule();
    }
  });
  if (text) text.addEventListener("input", schedule);
  // A page restored from the browser's history may show "add" with the paragraph in the box.
  if (form.querySelector("input[name=kind]")) fitBoxTo(currentKind());
  showFieldsFor(currentKind());
  if (!target.innerHTML.trim()) refresh();
})();
