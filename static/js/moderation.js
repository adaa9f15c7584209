// Keyboard work through a moderation queue: j/k move, a/r/s/f act on the current comment, x ticks
// it, o opens the committee's reply, ? shows the help. Actions are sent without reloading the page;
// without JavaScript the same buttons post the form. No comment is current until j or k is pressed,
// so that a key pressed first acts on nothing. Deleting is never sent from here: its button opens
// the confirmation page.
(function () {
  "use strict";
  var form = document.querySelector("[data-queue-form]");
  if (!form || !window.fetch || !window.FormData) return;
  var list = form.querySelector(".queue");
  var status = document.querySelector("[data-queue-status]");
  var help = document.querySelector("[data-shortcuts]");
  var empty = document.querySelector("[data-queue-empty]");
  var ticked = form.querySelector("[data-ticked]");
  var bulkButtons = form.querySelectorAll("[data-bulk]");
  var current = null;

  // The bulk bar says how many comments are ticked, and its buttons wait for at least one.
  function updateBulk() {
    var count = list.querySelectorAll("[data-select]:checked").length;
    if (ticked) ticked.textContent = String(count);
    Array.prototype.forEach.call(bulkButtons, function (button) { button.disabled = count === 0; });
  }

  function items() {
    return Array.prototype.filter.call(list.querySelectorAll("[data-item]"), function (item) {
      return !item.classList.contains("sending");
    });
  }

  function select(item, focus) {
    if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); }
    current = item || null;
    if (!current) return;
    current.classList.add("current");
    current.setAttribute("aria-current", "true");
    if (focus) {
      current.focus({ preventScroll: true });
      current.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    var all = items();
    if (!all.length) return;
    var index = all.indexOf(current);
    var next = index < 0 ? 0 : Math.min(all.length - 1, Math.max(0, index + step));
    select(all[next], true);
  }

  function announce(message, isError) {
    status.textContent = message;
    status.classList.toggle("visually-hidden", !message);
    status.classList.toggle("flash", !!message);
    status.classList.toggle("error", !!isError);
  }

  function updateCounts(counts) {
    Object.keys(counts || {}).forEach(function (name) {
      var badge = document.querySelector('[data-count="' + name + '"]');
      if (badge) badge.textContent = counts[name];
    });
  }

  function afterRemoval() {
    if (!list.querySelector("[data-item]")) {
      form.hidden = true;
      if (empty) empty.hidden = false;
    }
  }

  // The comment after this one (or before it, at the end of the list), skipping those being sent.
  function neighbour(item) {
    var all = items();
    var index = all.indexOf(item);
    return all[index + 1] || all[index - 1] || null;
  }

  function flipFeature(item, featured, isPublic) {
    var button = item.querySelector('[data-key="f"]');
    if (!button) return;
    var id = item.getAttribute("data-item");
    button.value = (featured ? "unfeature:" : "feature:") + id;
    var label = featured ? "data-unfeature-label" : isPublic ? "data-feature-label" : "data-publish-feature-label";
    button.firstChild.textContent = button.getAttribute(label) + " ";
  }

  function settle(targets, data) {
    var changed = {};
    (data.changed || []).forEach(function (c) { changed[c.id] = c; });
    targets.forEach(function (item) {
      var c = changed[item.getAttribute("data-item")];
      item.classList.remove("sending");
      if (!c) return;
      if (c.remove) {
        if (item === current) select(neighbour(item), true);
        item.remove();
        return;
      }
      var state = item.querySelector("[data-state]");
      if (state) state.textContent = c.state;
      flipFeature(item, c.featured, c.public);
      var box = item.querySelector("[data-select]");
      if (box) box.checked = false;
    });
    afterRemoval();
    updateBulk();
  }

  function send(submitter) {
    var body = new FormData(form);
    body.append(submitter.name, submitter.value);
    var single = submitter.name === "action";
    var targets = single
      ? [submitter.closest("[data-item]")]
      : items().filter(function (item) { return item.querySelector("[data-select]").checked; });
    // Move on at once, so that the next key acts on the next comment while this one is sent.
    if (single && targets[0] === current) select(neighbour(current), true);
    targets.forEach(function (item) { item.classList.add("sending"); });
    // Not form.action: the buttons named "action" hide that property.
    return fetch(form.getAttribute("action"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok && response.status !== 422) throw new Error(String(response.status));
        announce(data.message, !data.ok);
        updateCounts(data.counts);
        if (data.ok) settle(targets, data);
        else targets.forEach(function (item) { item.classList.remove("sending"); });
      });
    }).catch(function () {
      // The page may have expired or the server refused: let the form post itself and show why.
      form.removeEventListener("submit", onSubmit);
      targets.forEach(function (item) { item.classList.remove("sending"); });
      if (form.requestSubmit) form.requestSubmit(submitter); else submitter.click();
    });
  }

  function onSubmit(event) {
    var submitter = event.submitter;
    if (!submitter || !submitter.name || /^delete/.test(submitter.value)) return;
    event.preventDefault();
    send(submitter);
  }
  form.addEventListener("submit", onSubmit);
  list.addEventListener("change", function (event) {
    if (event.target.matches("[data-select]")) updateBulk();
  });

  list.addEventListener("focusin", function (event) {
    var item = event.target.closest("[data-item]");
    if (item && item !== current) select(item, false);
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var field = event.target;
    if (field.closest && field.closest("input:not([type=checkbox]), textarea, select, [contenteditable]")) return;
    var key = event.key;
    if (key === "j") { move(1); }
    else if (key === "k") { move(-1); }
    else if (key === "?") { if (help) help.open = !help.open; }
    else if (key === "x") {
      if (!current) return;
      var box = current.querySelector("[data-select]");
      box.checked = !box.checked;
      updateBulk();
    } else if ("arsfo".indexOf(key) >= 0 && key.length === 1) {
      if (!current) return;
      var control = current.querySelector('[data-key="' + key + '"]');
      if (!control) return;
      if (control.tagName === "A") { window.location.href = control.href; }
      else { send(control); }
    } else { return; }
    event.preventDefault();
  });

  updateBulk();
})();
