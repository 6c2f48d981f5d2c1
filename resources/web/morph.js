// Keystroke preview: patch the live page towards a new version of it instead of reloading.
// Runs in an isolated world (the page's own scripts cannot see or replace it). Elements that
// stay keep their identity, so typed input, focus and scroll position survive; new scripts
// are never run by a patch (a full reload runs them).
(function () {
  "use strict";

  function same(a, b) {
    return a.nodeType === b.nodeType && a.nodeName === b.nodeName &&
      (a.nodeType !== 1 || (a.id || "") === (b.id || ""));
  }

  function syncAttributes(from, to) {
    for (const attr of Array.from(from.attributes)) {
      if (!to.hasAttribute(attr.name)) from.removeAttribute(attr.name);
    }
    for (const attr of Array.from(to.attributes)) {
      if (from.getAttribute(attr.name) !== attr.value) from.setAttribute(attr.name, attr.value);
    }
  }

  function morph(from, to) {
    if (from.nodeType === Node.TEXT_NODE || from.nodeType === Node.COMMENT_NODE) {
      if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
      return;
    }
    syncAttributes(from, to);
    if (from.nodeName === "SCRIPT") return;
    let current = from.firstChild;
    for (const wanted of Array.from(to.childNodes)) {
      if (current && same(current, wanted)) {
        morph(current, wanted);
        current = current.nextSibling;
      } else {
        from.insertBefore(document.importNode(wanted, true), current);
      }
    }
    while (current) {
      const next = current.nextSibling;
      from.removeChild(current);
      current = next;
    }
  }

  window.__keystrokeMorph = function (html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    morph(document.head, doc.head);
    morph(document.body, doc.body);
    if (document.title !== doc.title) document.title = doc.title;
    return true;
  };
})();
