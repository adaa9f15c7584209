// While a form is being sent, its buttons are disabled, so that a double click or an impatient
// second press on a slow network sends it once. Without this script the server still keeps a
// repeated comment once.
(function () {
  "use strict";
  var SELECTOR = 'button:not([type="button"]):not([type="reset"]), input[type="submit"]';
  // Long enough for a slow phone network; after it a person may press again if nothing happened.
  var RETRY_AFTER_MS = 15000;

  function release(form) {
    form.removeAttribute("aria-busy");
    Array.prototype.forEach.call(form.querySelectorAll("[data-sending]"), function (button) {
      button.disabled = false;
      button.removeAttribute("data-sending");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // After the event: the browser has already taken the pressed button's name and value (a
    // disabled button would not be sent), and a script that sends the form itself with fetch
    // has cancelled the normal sending.
    setTimeout(function () {
      if (event.defaultPrevented) return;
      form.setAttribute("aria-busy", "true");
      Array.prototype.forEach.call(form.querySelectorAll(SELECTOR), function (button) {
        if (button.disabled) return;
        button.disabled = true;
        button.setAttribute("data-sending", "");
      });
      setTimeout(function () { release(form); }, RETRY_AFTER_MS);
    }, 0);
  });

  // Coming back with the browser's Back button shows the page as it was left: buttons disabled.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[aria-busy]"), release);
  });
})();
