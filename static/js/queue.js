// The review queue's keys: j/k move to the next/previous amendment, a opens the acceptance
// preview of the one you are on, r its rejection. Every key only follows a link the page
// already has ("Accept…", "Reject…"), so without JavaScript nothing is lost.
(function () {
  "use strict";
  var form = document.querySelector("[data-queue]");
  if (!form) return;
  var items = Array.prototype.slice.call(form.querySelectorAll("[data-queue-item]"));
  if (!items.length) return;
  var current = -1;

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function itemOf(node) {
    while (node && node !== form) {
      if (node.hasAttribute && node.hasAttribute("data-queue-item")) return node;
      node = node.parentNode;
    }
    return null;
  }

  function moveTo(index) {
    if (index < 0 || index >= items.length) return;
    if (current >= 0) items[current].classList.remove("queue-item--current");
    current = index;
    items[current].classList.add("queue-item--current");
    items[current].focus();
  }

  function follow(selector) {
    if (current < 0) return;
    var link = items[current].querySelector(selector);
    if (link) window.location.assign(link.href);
  }

  document.addEventListener("focusin", function (event) {
    var item = itemOf(event.target);
    if (item) {
      var index = items.indexOf(item);
      if (index !== current) {
        if (current >= 0) items[current].classList.remove("queue-item--current");
        current = index;
        item.classList.add("queue-item--current");
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    // A key typed into a field is text; a key with a modifier is the browser's.
    if (event.defaultPrevented || typing(event.target)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var key = event.key;
    if (key === "j") moveTo(current + 1);
    else if (key === "k") moveTo(current < 0 ? 0 : current - 1);
    else if (key === "a") follow("[data-queue-accept]");
    else if (key === "r") follow("[data-queue-reject]");
    else return;
    event.preventDefault();
  });
})();
