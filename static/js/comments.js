// The reply form opens under the comment being answered. Without this script each Reply link
// (?reply_to=<id>#respond) asks the server for the same form, at the end of the thread, and everything works.
// Every text shown here comes from the page (data- attributes), so it is translated with the templates.
(function () {
  "use strict";
  const respond = document.getElementById("respond");
  const form = respond && respond.querySelector("form");
  if (!form) return;
  const title = document.getElementById("respond-title");
  const cancel = respond.querySelector(".reply-cancel");
  const parentInput = form.querySelector("input[name=parent]");
  const serverHint = respond.querySelector(".replying-to");
  const home = document.createComment(" the comment form's place when it answers no one ");
  respond.before(home);
  let opener = null;

  function textarea() {
    return form.querySelector("textarea");
  }

  function replyLink(id) {
    return document.querySelector('a.comment-reply[data-reply-to="' + CSS.escape(String(id)) + '"]');
  }

  function openUnder(link) {
    const item = document.getElementById("comment-" + link.dataset.replyTo);
    const card = item && item.querySelector(":scope > .comment-card");
    if (!card) return false;
    card.after(respond);
    parentInput.value = link.dataset.replyTo;
    title.textContent = link.dataset.replyTitle;
    cancel.hidden = false;
    if (serverHint) serverHint.hidden = true;
    respond.classList.add("comment-form--reply");
    opener = link;
    return true;
  }

  function close() {
    home.after(respond);
    parentInput.value = "";
    title.textContent = respond.dataset.defaultTitle;
    cancel.hidden = true;
    respond.classList.remove("comment-form--reply");
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.comment-reply[data-reply-to]");
    // A click meant for a new tab or window keeps the link's own behaviour.
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    if (openUnder(link)) {
      event.preventDefault();
      textarea().focus();
    }
  });

  cancel.addEventListener("click", function () {
    const back = opener;
    opener = null;
    close();
    (back && document.contains(back) ? back : textarea()).focus();
  });

  // A page that already names the comment answered (?reply_to, or a reply sent back with errors) opens there.
  // A parent with no Reply link on the page is gone (the server said so): what is sent now is a new comment.
  const link = parentInput.value && replyLink(parentInput.value);
  if (link) openUnder(link);
  else parentInput.value = "";

  // Reaching #respond from the address focuses the page itself once it has loaded, so the form's own focus
  // comes after that: on the first field to correct, or on the text of the reply the reader asked for.
  const errors = document.getElementById("respond-errors");
  let target = null;
  if (errors) target = form.querySelector('[aria-invalid="true"]') || errors;
  else if (link && window.location.hash === "#respond") target = textarea();
  if (target) {
    const focus = function () {
      window.setTimeout(function () {
        target.focus();
      }, 0);
    };
    if (document.readyState === "complete") focus();
    else window.addEventListener("load", focus, { once: true });
  }
})();

// A link to a comment on another page of a long thread (#comment-<id>) asks the server which page has it.
(function () {
  "use strict";
  const section = document.getElementById("comments");
  const named = /^#comment-(\d+)$/.exec(window.location.hash);
  const pageNamed = new URLSearchParams(window.location.search).has("comments");
  if (section && named && !pageNamed && !document.getElementById(window.location.hash.slice(1))) {
    window.location.replace(section.dataset.commentLink.replace(/\/0\/$/, "/" + named[1] + "/"));
  }
})();
