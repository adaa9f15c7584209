// "Répondre" moves the comment form under the comment instead of loading another page.
// Without JavaScript the link leads to the same form, rendered under the comment by the server.
(function () {
  "use strict";
  var form = document.querySelector("[data-comment-form]");
  if (!form || !form.closest) return;
  var field = form.querySelector("[data-reply-field]");
  var title = form.querySelector("[data-form-title]");
  var cancel = form.querySelector("[data-cancel-reply]");
  var home = document.createComment("comment form");
  form.parentNode.insertBefore(home, form);

  function setTitle(name) {
    title.textContent = "";
    if (!name) {
      title.textContent = title.getAttribute("data-new-title");
      return;
    }
    var who = document.createElement("bdi");
    who.textContent = name;
    title.appendChild(document.createTextNode(title.getAttribute("data-reply-title") + " "));
    title.appendChild(who);
  }

  function replyTo(item, id, name) {
    item.insertBefore(form, item.querySelector(":scope > .replies"));
    field.value = id;
    setTitle(name);
    if (cancel) cancel.hidden = false;
    var text = form.querySelector("textarea");
    if (text) text.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-reply]");
    if (!link) return;
    var item = document.getElementById("comment-" + link.getAttribute("data-reply"));
    if (!item) return;
    event.preventDefault();
    replyTo(item, link.getAttribute("data-reply"), link.getAttribute("data-reply-name"));
  });

  if (cancel && cancel.tagName === "BUTTON") {
    cancel.addEventListener("click", function () {
      home.parentNode.insertBefore(form, home.nextSibling);
      field.value = "";
      setTitle(null);
      cancel.hidden = true;
    });
  }
})();
