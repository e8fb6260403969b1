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
      signal: inFlight.signal
    })
      .then(function (response) {
        if (response.ok) {
          return response.text().then(function (html) { target.innerHTML = html; });
        }
        return refusal(response).then(showProblem);
      })
      .catch(function (error) {
        // A newer request replaced this one: it shows its own answer.
        if (error && error.name === "AbortError") return;
        showProblem("The preview could not be fetched: the connection to the desk failed. " +
          "Your text is kept; check the connection and type on, or send the form.");
      });
  }

  // What an answer other than the preview says: the server's own reason when it gives one in
  // plain text (a text over its limit, a refused kind), else what the status means.
  function refusal(response) {
    var type = response.headers.get("Content-Type") || "";
    var reason = type.indexOf("text/plain") === 0 ? response.text() : Promise.resolve("");
    return reason.then(function (said) {
      if (said.trim()) return said.trim() + " The preview shows nothing until it is fixed.";
      if (response.status === 429) {
        var wait = parseInt(response.headers.get("Retry-After") || "", 10);
        var minutes = wait > 0 ? Math.ceil(wait / 60) : 0;
        return "The preview is paused: it was asked for many times in a short time" +
          (minutes ? "; it starts again in about " + minutes + " minute" +
            (minutes === 1 ? "" : "s") : "") + ". Your text is kept.";
      }
      if (response.status === 403) {
        return "The preview was refused: you may have been logged out. Your text is kept; " +
          "copy it, log in again in another tab, and send the form.";
      }
      return "The preview could not be made (the desk answered " + response.status + "). " +
        "Your text is kept; try again, or send the form.";
    });
  }

  // The message replaces the preview, so a preview of older text is never left standing.
  function showProblem(message) {
    var box = document.createElement("p");
    box.className = "preview-problem";
    box.textContent = message;
    target.replaceChildren(box);
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
