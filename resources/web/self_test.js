// Keystroke's self-test: exercises a hidden copy of a generated app as a person would, and
// records what each action did. It runs in the page's main world, before the page's own
// scripts, because it has to see what they do: which timers they start and stop, which input
// values they read, what they draw, which errors escape. It only ever runs in the hidden copy
// (ui/preview/self_test.py), never in the page the user is looking at.
//
// Each action (a click, typing into a field, choosing an option) gets an epoch. What happens
// in the page is put down to the epoch that caused it: the action's own handler, the timers
// and animation frames that handler started (a stopwatch's Start), the responses of the
// requests it made. A timer started earlier keeps its own epoch, so a stopwatch that keeps
// ticking after Stop does not make Stop look alive; a timer that stops (cleared, or still
// firing but no longer changing anything) is Stop's effect.
(() => {
  if (window.__keystrokeSelfTest) return;
  const MAX_CONTROLS = 24;
  const BUDGET_MS = 4000;  // the whole run; the rest is reported as not tried
  const SETTLE_MS = 40;  // after an action: its microtasks, a frame, a fetch from cache
  const TIMER_WAIT_MS = 1150;  // a timer of up to a second fires within this

  const native = {
    setTimeout: window.setTimeout.bind(window),
    setInterval: window.setInterval.bind(window),
    clearTimeout: window.clearTimeout.bind(window),
    clearInterval: window.clearInterval.bind(window),
    requestAnimationFrame: window.requestAnimationFrame.bind(window),
    cancelAnimationFrame: window.cancelAnimationFrame.bind(window),
    fetch: window.fetch ? window.fetch.bind(window) : null,
    consoleError: console.error.bind(console),
    now: performance.now.bind(performance),
  };
  let epoch = 0;  // whose code runs now: 0 is the page's own (loading, its own timers)
  let ours = false;  // the self-test itself is reading or writing a value
  const effects = new Map();  // epoch → set of what changed
  const changes = new Map();  // epoch → how many changes were put down to it
  const errors = [];  // {message, line, epoch}
  const timers = new Map();  // id → {owner, repeats, delay, fires, changedLast, live, after}
  const frames = new Map();  // rAF id → owner
  const pendingRequests = new Map();  // epoch → count
  const typedInto = new Set();  // fields the self-test typed into
  const readAfterTyping = new Set();  // of those, the ones the page's code read
  const clickable = new Set();  // elements the page listens to for clicks

  const note = (owner, what) => {
    if (!effects.has(owner)) effects.set(owner, new Set());
    effects.get(owner).add(what);
    changes.set(owner, (changes.get(owner) || 0) + 1);
  };

  // How an element looks: where it is, its main styles and its text.
  const looks = el => {
    if (!el.isConnected) return 'gone';
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return [r.x | 0, r.y | 0, r.width | 0, r.height | 0, cs.display, cs.visibility, cs.opacity,
            cs.color, cs.backgroundColor, cs.fontSize, cs.fontWeight, cs.transform,
            cs.borderColor, cs.textDecorationLine, el.innerText].join('|');
  };
  // Mutations are only candidates: what counts is whether what they touched looks different
  // afterwards (a class no style rule knows, or the same text written again, shows nothing).
  const touched = new Map();  // epoch → the elements its mutations touched
  const observer = new MutationObserver(records => settle(records, epoch));
  const settle = (records, owner) => {
    if (!records.length) return;
    changes.set(owner, (changes.get(owner) || 0) + 1);
    if (!touched.has(owner)) touched.set(owner, new Set());
    for (const record of records) {
      const target = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (target) touched.get(owner).add(target);
      record.addedNodes.forEach(n => n.nodeType === 1 && touched.get(owner).add(n));
    }
  };
  const collect = owner => settle(observer.takeRecords(), owner);
  // Did a timer's mutations change how anything looks since its last run? (A stopwatch that
  // writes the same time again every tick after Stop has stopped changing the page.)
  const lastLooks = new WeakMap();
  const lookDifferent = records => {
    let different = false;
    for (const record of records) {
      const el = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (!el) continue;
      const now = looks(el);
      if (lastLooks.get(el) !== now) different = true;
      lastLooks.set(el, now);
    }
    return different;
  };

  // Timers and animation frames carry the epoch that started them.
  const wrap = (fn, owner, onRun) => function (...args) {
    const before = epoch;
    collect(before);
    epoch = owner;
    try {
      return typeof fn === 'function' ? fn.apply(this, args) : undefined;
    } finally {
      const records = observer.takeRecords();
      settle(records, owner);
      epoch = before;
      if (onRun) onRun(lookDifferent(records), before);
    }
  };
  const startTimer = (repeats) => (fn, delay, ...args) => {
    const owner = epoch;
    const record = { owner, repeats, delay: Number(delay) || 0, fires: 0, changedLast: null,
                     live: true, lastAt: 0 };
    const run = wrap(fn, owner, (changed, current) => {
      record.fires += 1;
      record.lastAt = native.now();
      // A timer started earlier that stops or starts changing the page during an action
      // is that action's doing (a Pause that sets a flag, a Start that sets one).
      if (current !== owner && record.changedLast === true && !changed) {
        note(current, 'a timer stopped changing the page');
      } else if (current !== owner && record.changedLast !== true && changed) {
        note(current, 'a timer started changing the page');
      }
      record.changedLast = changed;
      if (!repeats) record.live = false;
    });
    const id = (repeats ? native.setInterval : native.setTimeout)(run, delay, ...args);
    timers.set(id, record);
    return id;
  };
  window.setTimeout = startTimer(false);
  window.setInterval = startTimer(true);
  const stopTimer = nativeClear => id => {
    const record = timers.get(id);
    if (record && record.live && record.owner !== epoch) note(epoch, 'a timer stopped');
    if (record) record.live = false;
    nativeClear(id);
  };
  window.clearTimeout = stopTimer(native.clearTimeout);
  window.clearInterval = stopTimer(native.clearInterval);
  window.requestAnimationFrame = fn => {
    const owner = epoch;
    const id = native.requestAnimationFrame(wrap(fn, owner));
    frames.set(id, owner);
    return id;
  };
  window.cancelAnimationFrame = id => {
    if (frames.has(id) && frames.get(id) !== epoch) note(epoch, 'an animation stopped');
    frames.delete(id);
    native.cancelAnimationFrame(id);
  };

  // Requests: an action waits for the answers to its own.
  if (native.fetch) {
    window.fetch = function (...args) {
      const owner = epoch;
      pendingRequests.set(owner, (pendingRequests.get(owner) || 0) + 1);
      const done = () => pendingRequests.set(owner, pendingRequests.get(owner) - 1);
      return native.fetch(...args).then(response => {
        done();
        if (response.status >= 500) {
          errors.push({ message: `a request to ${new URL(response.url).pathname} failed ` +
                        `with status ${response.status}`, line: 0, epoch: owner, kind: 'server' });
        }
        return response;
      }, error => { done(); throw error; });
    };
  }

  // Values written by the page's code (a result shown in an input), and read from fields the
  // self-test typed into (a form whose button uses them later).
  const watchValue = (proto, property) => {
    const descriptor = Object.getOwnPropertyDescriptor(proto, property);
    if (!descriptor || !descriptor.get) return;
    Object.defineProperty(proto, property, {
      configurable: true,
      enumerable: descriptor.enumerable,
      get() {
        if (!ours && typedInto.has(this)) readAfterTyping.add(this);
        return descriptor.get.call(this);
      },
      set(value) {
        if (!ours) note(epoch, 'a value changed');
        if (descriptor.set) descriptor.set.call(this, value);
      },
    });
  };
  for (const [proto, properties] of [
    [HTMLInputElement.prototype, ['value', 'valueAsNumber', 'checked', 'valueAsDate']],
    [HTMLTextAreaElement.prototype, ['value']],
    [HTMLSelectElement.prototype, ['value', 'selectedIndex']],
    [HTMLOutputElement.prototype, ['value']],
  ]) properties.forEach(p => watchValue(proto, p));
  const NativeFormData = window.FormData;
  window.FormData = function (form, ...rest) {
    if (form && form.elements) [...form.elements].forEach(e => typedInto.has(e) && readAfterTyping.add(e));
    return new NativeFormData(form, ...rest);
  };
  window.FormData.prototype = NativeFormData.prototype;

  // Drawing, sound and messages are effects too.
  const drawing = ['fillRect', 'strokeRect', 'clearRect', 'fillText', 'strokeText', 'drawImage',
                   'fill', 'stroke', 'putImageData'];
  for (const name of drawing) {
    const original = CanvasRenderingContext2D.prototype[name];
    CanvasRenderingContext2D.prototype[name] = function (...args) {
      note(epoch, 'the canvas changed');
      return original.apply(this, args);
    };
  }
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function (...args) {
    note(epoch, 'a sound played');
    return play.apply(this, args);
  };
  // A dialog stops the whole window; the preview refuses them, so the app shows nothing.
  for (const name of ['alert', 'confirm', 'prompt']) {
    window[name] = message => {
      errors.push({ message: `${name}(${JSON.stringify(String(message ?? '').slice(0, 60))})`,
                    line: 0, epoch, kind: 'dialog' });
      return name === 'confirm' ? false : null;
    };
  }
  window.addEventListener('hashchange', () => note(epoch, 'the page changed'));

  // Which elements have click handlers (beyond buttons, inputs and links).
  const listen = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    if (this instanceof Element && ['click', 'mousedown', 'pointerdown', 'mouseup', 'pointerup',
                                    'touchstart', 'dblclick'].includes(type)) clickable.add(this);
    return listen.call(this, type, ...rest);
  };

  // What escapes: uncaught errors, rejections, console.error.
  window.addEventListener('error', event => {
    if (event.error === undefined && !event.message) return;  // a resource that failed to load
    errors.push({ message: String(event.message || event.error), line: event.lineno || 0,
                  epoch });
  });
  window.addEventListener('unhandledrejection', event => {
    const reason = event.reason;
    errors.push({ message: 'Unhandled rejection: ' + (reason && reason.message || String(reason)),
                  line: 0, epoch });
  });
  console.error = (...args) => {
    errors.push({ message: args.map(a => (a && a.message) || String(a)).join(' '), line: 0,
                  epoch, kind: 'logged' });
    return native.consoleError(...args);
  };

  // A form submitted without a handler would reload the page (losing what was typed). It is
  // stopped here, after the page's own handlers had their turn, and said. On a val's page the
  // form posts to the val: the post is made with fetch, and its status is what counts.
  const submitted = [];
  window.addEventListener('submit', event => {
    if (event.defaultPrevented) return;
    event.preventDefault();
    const form = event.target;
    [...form.elements].forEach(e => typedInto.has(e) && readAfterTyping.add(e));  // sent with it
    const method = (form.getAttribute('method') || 'get').toUpperCase();
    const action = form.getAttribute('action');
    const record = { epoch, method, action: action || '', status: null, served: location.protocol.startsWith('http') };
    submitted.push(record);
    note(epoch, 'the form was sent');
    if (record.served && native.fetch) {
      pendingRequests.set(record.epoch, (pendingRequests.get(record.epoch) || 0) + 1);
      const body = new NativeFormData(form);
      const url = new URL(action || location.href, location.href);
      const options = { method, redirect: 'follow' };
      if (method === 'GET') new URLSearchParams(body).forEach((v, k) => url.searchParams.set(k, v));
      else options.body = new URLSearchParams(body);
      native.fetch(url, options).then(r => { record.status = r.status; return r.text(); })
        .then(text => { record.answer = text.slice(0, 300); }, () => { record.status = 0; })
        .finally(() => pendingRequests.set(record.epoch, pendingRequests.get(record.epoch) - 1));
    }
  });

  const visible = el => {
    if (!el.isConnected || el.getClientRects().length === 0) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none';
  };
  const text = el => (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
  const labelOf = el => {
    const tag = el.tagName.toLowerCase();
    if (tag === 'input' && ['button', 'submit', 'reset'].includes(el.type)) return el.value || el.type;
    if (['input', 'textarea', 'select'].includes(tag)) {
      const label = el.labels && el.labels[0] ? text(el.labels[0]) : '';
      return label || el.getAttribute('aria-label') || el.placeholder || '';
    }
    const own = (el.innerText || el.textContent || '').trim().split('\n')[0].replace(/\s+/g, ' ');
    return (own || el.getAttribute('aria-label') || el.title || el.id || '').slice(0, 40);
  };
  const kindOf = el => {
    const tag = el.tagName.toLowerCase();
    if (tag === 'select') return 'select';
    if (tag === 'textarea' || el.isContentEditable) return 'field';
    if (tag === 'input') {
      if (['button', 'submit', 'reset', 'image'].includes(el.type)) return 'button';
      if (['checkbox', 'radio'].includes(el.type)) return el.type;
      if (['hidden', 'file'].includes(el.type)) return null;
      return 'field';
    }
    if (tag === 'a') {
      const href = el.getAttribute('href') || '';
      return href.startsWith('#') || href.startsWith('javascript:') || clickable.has(el) ? 'link' : null;
    }
    return 'button';
  };
  const CONTROLS = 'button, input, textarea, select, summary, a[href], [onclick], [role=button], [contenteditable=""], [contenteditable=true]';
  const controls = () => {
    const found = [...document.querySelectorAll(CONTROLS)];
    for (const el of clickable) {
      if (!el.isConnected || el === document.body || el === document.documentElement) continue;
      if (el.querySelector(CONTROLS) || el.closest(CONTROLS)) continue;  // delegation, or a part of one
      found.push(el);
    }
    const unique = [...new Set(found)].filter(el => kindOf(el) !== null);
    unique.sort((a, b) => a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);
    return unique;
  };
  const valueFor = el => {
    const type = (el.type || '').toLowerCase();
    const hint = `${labelOf(el)} ${el.id} ${el.name}`.toLowerCase();
    if (type === 'number' || type === 'range') {
      const min = el.min !== '' ? Number(el.min) : null;
      const max = el.max !== '' ? Number(el.max) : null;
      if (min !== null && max !== null) return String(Math.round((min + max) / 2 + (max - min) / 4));
      return min !== null && min > 12 ? String(min + 1) : '12';
    }
    const byType = { email: 'ada@example.com', url: 'https://example.com', tel: '5550100',
                     password: 'Tr0ub4dor&3xyz!', date: '2026-03-14', time: '09:30',
                     'datetime-local': '2026-03-14T09:30', month: '2026-03', week: '2026-W11',
                     color: '#ff8800' };
    if (byType[type]) return byType[type];
    if (/amount|price|bill|age|weight|height|number|total|year|km|mile|celsius|kg|\bc\b|cost|rate|qty|quantity|seconds|minutes|score/.test(hint)) return '12';
    return el.tagName === 'TEXTAREA' ? 'hello world' : 'Ada';
  };
  const setValue = (el, value) => {
    ours = true;
    try {
      const proto = Object.getPrototypeOf(el);
      const descriptor = Object.getOwnPropertyDescriptor(proto, 'value');
      if (el.isContentEditable) el.textContent = value;
      else descriptor.set.call(el, value);
    } finally { ours = false; }
  };
  const key = (el, type, ch) => el.dispatchEvent(new KeyboardEvent(type, { key: ch, bubbles: true }));
  const act = (el, kind) => {
    el.scrollIntoView({ block: 'nearest' });
    if (kind === 'field') {
      const value = valueFor(el);
      typedInto.add(el);
      el.focus();
      key(el, 'keydown', value.slice(-1));
      setValue(el, value);
      el.dispatchEvent(new InputEvent('input', { bubbles: true, data: value, inputType: 'insertText' }));
      key(el, 'keyup', value.slice(-1));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return value;
    }
    if (kind === 'select') {
      typedInto.add(el);
      ours = true;
      const options = el.options.length;
      if (options > 1) el.selectedIndex = (el.selectedIndex + 1) % options;
      ours = false;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return el.options[el.selectedIndex] ? el.options[el.selectedIndex].text : '';
    }
    const options = { bubbles: true, cancelable: true, view: window };
    el.dispatchEvent(new PointerEvent('pointerdown', options));
    el.dispatchEvent(new MouseEvent('mousedown', options));
    el.dispatchEvent(new PointerEvent('pointerup', options));
    el.dispatchEvent(new MouseEvent('mouseup', options));
    el.click();
    return '';
  };
  const MAX_LOOKED_AT = 1500;
  const snapshot = () => {
    const seen = new Map();
    for (const el of [...document.body.querySelectorAll('*')].slice(0, MAX_LOOKED_AT)) seen.set(el, looks(el));
    return seen;
  };
  const visiblyChanged = (owner, before) => [...(touched.get(owner) || [])].some(el => {
    const was = before.get(el);
    if (was === undefined) return el.isConnected && el.getClientRects().length > 0;  // new
    return looks(el) !== was;
  });
  // What a broken computation shows: words a person never wants to read.
  const NONSENSE = /\bNaN\b|\bundefined\b|\[object \w+\]|Invalid Date/g;
  const nonsense = () => (document.body.innerText.match(NONSENSE) || []);
  // Numbers joined as text where a sum was due (`'0' + 1` is "01", two price fields make
  // "1212"): the texts of the page's leaves before an action, to compare with after it.
  const NUMBER = /^-?\d+(?:\.\d+)?$/;
  const leafTexts = () => {
    const texts = new Map();
    for (const el of [...document.body.querySelectorAll('*')].slice(0, MAX_LOOKED_AT)) {
      if (el.childElementCount === 0 && !['SCRIPT', 'STYLE'].includes(el.tagName)) {
        const text = el.textContent.trim();
        if (text.length <= 80) texts.set(el, text);
      }
    }
    return texts;
  };
  const textNow = (el, was) => (el.isConnected ? el.textContent.trim() : was);
  const joinedAsText = (textsBefore, label) => {
    const typed = [...typedInto].map(el => String(el.value ?? '').trim()).filter(Boolean);
    const numbers = typed.filter(value => NUMBER.test(value));
    const words = text => text.split(/[^\w.\-]+/).filter(Boolean);
    const found = [];
    for (const [el, was] of textsBefore) {
      const now = textNow(el, was);
      if (now === was) continue;
      const joins = numbers.flatMap(b => [...typed, ...(NUMBER.test(was) ? [was] : [])].map(a => a + b));
      // A counter that appends: "0" becomes "01" (not a keypad key that types its digit).
      if (NUMBER.test(was) && now === was + '1' && !/\d$/.test(label)) joins.push(now);
      const before = new Set(words(was));
      found.push(...words(now).filter(word => joins.includes(word) && !before.has(word)));
    }
    return [...new Set(found)];
  };
  // The click itself made a number go up. Not on a page with a timer going (a stopwatch's
  // Start ticks, and its Reset looks like a count after the next tick): a second click there
  // would change what the timers' own checks see.
  const countedUp = (textsBefore, owner) =>
    ![...timers.values()].some(t => t.live && (t.repeats || t.owner === owner)) &&
    [...textsBefore].some(([el, was]) => {
      const now = textNow(el, was);
      return touched.get(owner)?.has(el) && (was === '' || NUMBER.test(was)) &&
        NUMBER.test(now) && (was === '' || Number(now) > Number(was));
    });
  const waitFor = ms => new Promise(resolve => native.setTimeout(resolve, ms));
  const changed = owner => (effects.get(owner)?.size || 0) > 0 || (changes.get(owner) || 0) > 0;
  // An action is over when it changed something or threw; or when its requests have
  // answered, its own new timers fired once and the older timers fired once since (so a
  // stopped one shows).
  // `older`: also wait for the timers started before (a Stop button may only make them quiet).
  const settleAction = async (owner, started, older) => {
    await waitFor(SETTLE_MS);
    const deadline = started + TIMER_WAIT_MS + 400;
    const timersBefore = [...timers.values()].filter(t => t.live && t.owner !== owner);
    while (native.now() < deadline) {
      collect(owner);
      const requests = pendingRequests.get(owner) || 0;
      if (changed(owner) && requests === 0) return;
      if (errors.some(error => error.epoch === owner)) return;  // it threw: that is the finding
      const own = [...timers.values()].filter(t => t.owner === owner && t.live && t.fires === 0 &&
                                                   t.delay <= TIMER_WAIT_MS);
      const ticking = older ? timersBefore.filter(t => t.live && t.repeats &&
                                                  t.delay <= TIMER_WAIT_MS && t.lastAt < started) : [];
      if (!requests && !own.length && !ticking.length) return;
      await waitFor(20);
    }
  };

  // Act on one control as its entry's epoch and record what followed.
  const exercise = async (el, entry) => {
    const owner = entry.epoch;
    epoch = owner;
    const before = snapshot();
    const nonsenseBefore = nonsense();
    const at = native.now();
    const kind = entry.kind;
    const clicked = kind === 'button' || kind === 'link';
    let seen = false;  // a visible change after one of the clicks
    // A button that rewrote the page the same way (a random pick that came out the same)
    // gets two more clicks before it counts as doing nothing; one that counted up gets a
    // second click, as a person would give it ("1" then "11" is a count joined as text).
    for (let click = 0; click < 3; click++) {
      const texts = clicked ? leafTexts() : null;
      try {
        entry.typed = act(el, kind);
      } catch (error) {
        errors.push({ message: String(error && error.message || error), line: 0, epoch: owner });
      }
      collect(owner);
      await settleAction(owner, at, clicked);
      collect(owner);
      seen = seen || visiblyChanged(owner, before);
      if (clicked) entry.joined = joinedAsText(texts, entry.label);
      if (entry.joined?.length) break;
      const usable = el.isConnected && !el.disabled;
      if (kind === 'button' && click === 0 && usable && countedUp(texts, owner)) continue;
      const mutatedOnly = !changed(owner) || effects.has(owner) || seen;
      if (kind !== 'button' || mutatedOnly || !usable) break;
    }
    collect(owner);
    entry.changed = [...(effects.get(owner) || [])];
    if (seen || visiblyChanged(owner, before)) entry.changed.push('the page changed');
    const shown = nonsense();
    entry.nonsense = [...new Set(shown)].filter(
      word => shown.filter(w => w === word).length > nonsenseBefore.filter(w => w === word).length);
  };

  const run = async (options) => {
    const started = native.now();
    const result = { controls: [], errors, submitted, blank: false, labels: [], untried: 0,
                     ms: 0, canvases: document.querySelectorAll('canvas').length };
    await waitFor(60);
    collect(0);
    const body = document.body;
    result.blank = !body || (body.innerText.trim().length === 0 && ![...body.querySelectorAll(
      'canvas,svg,img,video,input,button,select,textarea,iframe')].some(visible));
    observer.observe(document, { subtree: true, childList: true, attributes: true,
                                 characterData: true });
    const tried = new Set();
    const elements = new Map();  // entry → its element
    const allLabels = new Set(controls().map(labelOf));  // ever on the page
    let round = 0;
    while (round < 2) {
      const todo = controls().filter(el => !tried.has(el) && visible(el) && !el.disabled);
      if (!todo.length) break;
      for (const el of todo) {
        if (tried.size >= MAX_CONTROLS || native.now() - started > BUDGET_MS) {
          result.untried += 1;
          continue;
        }
        tried.add(el);
        if (!el.isConnected || !visible(el) || el.disabled) continue;
        const kind = kindOf(el);
        collect(epoch);
        epoch += 1;
        const entry = { epoch, kind, tag: el.tagName.toLowerCase(), type: el.type || '',
                        label: labelOf(el), typed: '', changed: [], read: false, order: tried.size };
        await exercise(el, entry);
        for (const el of controls()) allLabels.add(labelOf(el));
        result.controls.push(entry);
        elements.set(entry, el);
      }
      round += 1;
    }
    // A button may do nothing only in the state it was clicked in (Reset at 0, the tab
    // already shown): after a control that did something runs again, it gets one more try.
    const worked = result.controls.filter(e => ['button', 'link'].includes(e.kind) && e.changed.length);
    for (const entry of result.controls) {
      const el = elements.get(entry);
      const erred = errors.some(e => e.epoch === entry.epoch);
      if (!['button', 'link'].includes(entry.kind) || entry.changed.length || erred ||
          !el.isConnected || el.disabled || !visible(el) || native.now() - started > BUDGET_MS) continue;
      const other = [...worked].reverse().find(e => elements.get(e) !== el && elements.get(e).isConnected &&
                                                    visible(elements.get(e)) && !elements.get(e).disabled);
      if (!other) continue;
      await exercise(elements.get(other), other);
      for (const made of [effects, changes, touched]) made.delete(entry.epoch);
      await exercise(el, entry);
    }
    for (const entry of result.controls) entry.read = readAfterTyping.has(elements.get(entry));
    result.labels = [...allLabels].filter(Boolean);
    observer.disconnect();
    result.ms = Math.round(native.now() - started);
    return result;
  };

  let started = false;
  Object.defineProperty(window, '__keystrokeSelfTest', { value: Object.freeze({
    start(options) {
      if (started) return;
      started = true;
      window.__keystrokeSelfTestState = 'running';
      run(options || {}).then(r => { window.__keystrokeSelfTestState = JSON.stringify(r); },
                              e => { window.__keystrokeSelfTestState = JSON.stringify({ failed: String(e && e.stack || e) }); });
    },
  }) });
})();
