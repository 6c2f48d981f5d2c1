// Keystroke preview: the element picker. Runs in an isolated world, so the page's own
// scripts can neither see it nor fake its messages (they carry a token only this world
// knows). While picking, every pointer and key event stops here, before the page's own
// handlers: pointing at a button must not press it. Elements carry data-ks-src="START-END"
// (their place in the source) in the copy the preview is served.
(function () {
  "use strict";
  if (window.__keystrokePicker) return;  // sent along with every call: see picker.py
  const ATTRIBUTE = "data-ks-src";
  const EVENTS = ["click", "dblclick", "mousedown", "mouseup", "pointerdown", "pointerup",
    "auxclick", "contextmenu", "submit", "touchstart", "touchend"];
  let token = null;
  let picked = [];
  let hover = null;
  let pointed = null;  // what the editor's cursor is in
  let editing = null;  // {element, before}
  const boxes = new Map();  // element -> its outline
  const crosshair = document.createElement("style");  // the pointer, over the page's own
  crosshair.setAttribute("data-keystroke-picker", "");
  crosshair.textContent = "* { cursor: crosshair !important; }";

  function say(message) {
    console.debug(token + JSON.stringify(message));
  }

  // The element a pointer is on, as the source knows it: the nearest one that carries its
  // place in the source. A page without places (a val's, served by Deno) picks what is
  // under the pointer, and the window looks for it in the val's code.
  function mapped(element) {
    const target = element && element.nodeType === 1 ? element : null;
    while (element && element.nodeType === 1 && !element.hasAttribute(ATTRIBUTE)) {
      element = element.parentElement;
    }
    if (element && element.nodeType === 1) return element;
    return document.querySelector("[" + ATTRIBUTE + "]") ? null : target;
  }

  function describe(element) {
    return {src: element.getAttribute(ATTRIBUTE), label: label(element), tag: element.localName,
      id: element.id || "", classes: [...element.classList],
      text: (element.innerText || "").trim().slice(0, 80)};
  }

  function label(element) {
    if (element.id) return `${element.localName}#${element.id}`;
    return element.localName + [...element.classList].slice(0, 2).map(c => "." + c).join("");
  }

  function outline(element, kind) {
    let box = boxes.get(element);
    if (!box) {
      box = document.createElement("keystroke-outline");
      box.setAttribute("style", "position:fixed;pointer-events:none;z-index:2147483647;" +
        "box-sizing:border-box;border-radius:3px;margin:0;padding:0");
      const tag = document.createElement("keystroke-label");
      tag.setAttribute("style", "position:absolute;left:-2px;top:-20px;font:11px/16px " +
        "system-ui,sans-serif;padding:1px 5px;border-radius:3px;color:white;" +
        "white-space:nowrap");
      box.appendChild(tag);
      document.documentElement.appendChild(box);  // outside <body>: a DOM patch keeps it
      boxes.set(element, box);
    }
    const rect = element.getBoundingClientRect();
    const colour = kind === "picked" ? "#2563eb" : "#f59e0b";
    box.style.left = rect.left - 2 + "px";
    box.style.top = rect.top - 2 + "px";
    box.style.width = rect.width + 4 + "px";
    box.style.height = rect.height + 4 + "px";
    box.style.border = `2px ${kind === "picked" ? "solid" : "dashed"} ${colour}`;
    box.firstChild.textContent = label(element);
    box.firstChild.style.background = colour;
    box.firstChild.style.top = rect.top < 22 ? "100%" : "-20px";
  }

  function unoutline(element) {
    const box = boxes.get(element);
    if (box) box.remove();
    boxes.delete(element);
  }

  function redraw() {
    for (const element of [...boxes.keys()]) {
      if (!element.isConnected ||
          (element !== hover && element !== pointed && !picked.includes(element))) {
        unoutline(element);
      }
    }
    for (const element of picked) if (element.isConnected) outline(element, "picked");
    for (const element of [hover, pointed]) {
      if (element && element.isConnected && !picked.includes(element)) outline(element, "hover");
    }
  }

  function report() {
    say({kind: "picked", items: picked.filter(e => e.isConnected).map(describe)});
  }

  function finishEditing(keep) {
    const {element, before} = editing;
    editing = null;
    element.removeAttribute("contenteditable");
    if (keep && element.innerText !== before) {
      say({kind: "text", src: element.getAttribute(ATTRIBUTE), before, text: element.innerText});
    } else {
      element.innerText = before;
    }
  }

  function startEditing(element) {
    editing = {element, before: element.innerText};
    element.setAttribute("contenteditable", "plaintext-only");
    element.focus();
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function onPointer(event) {
    if (editing && editing.element.contains(event.target)) return;  // placing the caret
    // A cancelled pointerdown would also cancel the mouse events (and so the double click)
    // that follow it; the page's handlers are kept from seeing it all the same.
    if (!event.type.startsWith("pointer")) event.preventDefault();
    event.stopImmediatePropagation();
    if (editing) finishEditing(true);
    const element = mapped(event.target);
    if (!element) return;
    if (event.type === "click") {
      if (event.shiftKey) {
        picked = picked.includes(element) ? picked.filter(e => e !== element)
          : [...picked, element];
      } else {
        picked = [element];
      }
      redraw();
      report();
    } else if (event.type === "dblclick" && element.innerText.trim() &&
               !element.querySelector("[" + ATTRIBUTE + "]")) {
      picked = [element];
      redraw();
      report();
      startEditing(element);
    }
  }

  function onMove(event) {
    event.stopImmediatePropagation();
    const element = mapped(event.target);
    if (element !== hover) {
      hover = element;
      redraw();
    }
  }

  function onKey(event) {
    if (editing) {
      event.stopImmediatePropagation();  // typing into the text, not into the page's handlers
      if (event.type === "keydown" && event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        finishEditing(true);
      } else if (event.type === "keydown" && event.key === "Escape") {
        event.preventDefault();
        finishEditing(false);
      }
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (event.type === "keydown" && event.key === "Escape") say({kind: "leave"});
  }

  function stopInput(event) {
    if (editing) event.stopImmediatePropagation();
  }

  // Everything the picker listens to while it is on, first in the capture phase.
  function listeners() {
    return [...EVENTS.map(type => [type, onPointer]), ["mousemove", onMove], ["mouseover", onMove],
      ["keydown", onKey], ["keyup", onKey], ["keypress", onKey], ["input", stopInput]];
  }

  function start(secret, sources) {
    if (token === null) {
      for (const [type, listener] of listeners()) window.addEventListener(type, listener, true);
    }
    if (!crosshair.isConnected) document.documentElement.appendChild(crosshair);
    token = secret;
    show(sources);
    return true;
  }

  function stop() {
    if (token === null) return true;
    if (editing) finishEditing(false);
    for (const [type, listener] of listeners()) window.removeEventListener(type, listener, true);
    crosshair.remove();
    token = null;
    hover = null;
    redraw();
    return true;
  }

  // Outline the elements at these sources ("START-END"), picker on or off: what the editor's
  // cursor is in, or what stays picked across a reload.
  function show(sources) {
    picked = (sources || []).map(src => document.querySelector(`[${ATTRIBUTE}="${src}"]`))
      .filter(Boolean);
    redraw();
    return picked.length;
  }

  function point(src) {
    pointed = src ? document.querySelector(`[${ATTRIBUTE}="${src}"]`) : null;
    redraw();
    return pointed !== null;
  }

  window.addEventListener("scroll", () => boxes.size && redraw(), true);
  window.addEventListener("resize", () => boxes.size && redraw(), true);
  window.__keystrokePicker = {start, stop, show, point};
})();
