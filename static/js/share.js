// Copy buttons, the phone's own share sheet and the flyer's print button. Without this file the
// share links still work and the address stays selectable in its field.
(function () {
  "use strict";

  function say(status, key) {
    if (!status) return;
    // Emptied first so that a second copy is announced again.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = status.getAttribute(key); }, 50);
  }

  function copyWithSelection(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-from"));
    var status = document.getElementById(button.getAttribute("data-status"));
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { say(status, "data-done"); };
      var failed = function () {
        if (copyWithSelection(field)) done(); else say(status, "data-failed");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, failed);
      } else {
        failed();
      }
    });
  });

  if (navigator.share) {
    document.querySelectorAll("[data-share-native]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.share({
          title: button.getAttribute("data-title"),
          text: button.getAttribute("data-text"),
          url: button.getAttribute("data-url")
        }).catch(function () {});
      });
    });
  }

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
