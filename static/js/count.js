// Keeps the signature count fresh without reloading; the server-rendered number stays without JS.
(function () {
  "use strict";
  var box = document.querySelector("[data-count-url]");
  if (!box || !window.fetch) return;
  var number = box.querySelector("[data-count]");
  var label = box.querySelector("[data-count-label]");
  var bar = box.querySelector("[data-progress]");
  var lang = document.documentElement.lang || "fr";
  // Latin digits, as the server writes them (Babel), also in Arabic.
  var format = new Intl.NumberFormat(lang, { numberingSystem: "latn" });
  var plurals = Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  var shown = null;

  function refresh() {
    if (document.hidden) return;
    fetch(box.getAttribute("data-count-url"), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || data.count === shown) return;
        shown = data.count;
        number.textContent = format.format(data.count);
        var word = label && plurals && label.getAttribute("data-plural-" + plurals.select(data.count));
        if (word) label.textContent = word;
        if (bar) { bar.max = data.next_goal; bar.value = data.count; }
      })
      .catch(function () {});
  }
  setInterval(refresh, 15000);
  document.addEventListener("visibilitychange", refresh);
})();
