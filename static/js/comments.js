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

// What the reader is writing (the text, their name and address, the ticks) is kept in the browser until the
// server says the comment is saved: a post lost to the network or an error page, a closed tab or a crash costs
// them nothing. It comes back, with the form's own token and the comment it answered, the next time the form
// is shown empty (for 3 days). Sent again with that token (while it is valid), a post that was in fact saved
// shows the comment it made, not a second one.
(function () {
  "use strict";
  const respond = document.getElementById("respond");
  const form = respond && respond.querySelector("form");
  const text = form && form.querySelector("textarea[name=body]");
  if (!text) return;
  const token = form.querySelector("input[name=token]");
  const parent = form.querySelector("input[name=parent]");
  const fields = Array.from(form.querySelectorAll("textarea, input[type=text], input[type=email], input[type=url], input[type=checkbox]")).filter(
    function (field) {
      return field.name && field.name !== "company"; // never the honeypot
    }
  );
  const key = "causerie:draft:" + form.getAttribute("action").split("#")[0];
  const lifetime = 3 * 24 * 3600 * 1000;
  const tokenLifetime = 2 * 24 * 3600 * 1000; // well within the server's 72 hours

  function read() {
    try {
      const draft = JSON.parse(window.localStorage.getItem(key));
      return draft && draft.values && Date.now() - draft.at < lifetime ? draft : null;
    } catch (error) {
      return null; // storage refused (private modes, settings) or a value this script did not write
    }
  }

  function write(draft) {
    try {
      if (draft) window.localStorage.setItem(key, JSON.stringify(draft));
      else window.localStorage.removeItem(key);
    } catch (error) {
      // storage refused or full: the page works as before
    }
  }

  if (document.querySelector("[data-comment-saved]")) write(null);
  else if (!text.value.trim()) {
    const draft = read();
    if (draft && typeof draft.values.body === "string" && draft.values.body.trim()) {
      fields.forEach(function (field) {
        const value = draft.values[field.name];
        if (field.type === "checkbox") field.checked = value === true;
        else if (typeof value === "string" && !field.value) field.value = value;
      });
      if (token && draft.token && Date.now() - draft.tokenSince < tokenLifetime) token.value = draft.token;
      const answered =
        draft.parent && document.querySelector('a.comment-reply[data-reply-to="' + CSS.escape(draft.parent) + '"]');
      if (answered) answered.click(); // the reply form opens under the comment it answered, as before
      const note = document.createElement("p");
      note.className = "draft-restored";
      note.setAttribute("role", "status");
      note.textContent = respond.dataset.draftRestored;
      text.before(note);
    }
  }

  function keep() {
    if (!text.value.trim()) return write(null);
    const before = read();
    const current = token ? token.value : "";
    const values = {};
    fields.forEach(function (field) {
      values[field.name] = field.type === "checkbox" ? field.checked : field.value;
    });
    write({
      values: values,
      token: current,
      tokenSince: before && before.token === current ? before.tokenSince : Date.now(),
      parent: parent ? parent.value : "",
      at: Date.now(),
    });
  }

  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
})();

// The reader's own comments, for the few minutes they may edit or delete them. The message after posting links
// to the edit page and says until when (data-own-comment, data-until); this browser remembers that (no secret:
// the server checks its own cookie) and adds the link to those comments on every page, cached ones included.
(function () {
  "use strict";
  const key = "causerie:own-comments";
  let own = {};
  try {
    own = JSON.parse(window.localStorage.getItem(key)) || {};
  } catch (error) {
    own = {};
  }
  const now = Date.now();
  document.querySelectorAll("a[data-own-comment][data-until]").forEach(function (link) {
    own[link.dataset.ownComment] = Number(link.dataset.until);
  });
  Object.keys(own).forEach(function (id) {
    if (!(own[id] > now)) delete own[id];
  });
  try {
    window.localStorage.setItem(key, JSON.stringify(own));
  } catch (error) {
    // storage refused: the link in the message after posting still works
  }
  const section = document.getElementById("comments");
  if (!section || !section.dataset.editUrl) return;
  Object.keys(own).forEach(function (id) {
    if (!/^\d+$/.test(id)) return;
    const card = document.querySelector("#comment-" + id + " > .comment-card");
    if (!card || card.querySelector(".comment-own")) return;
    const note = document.createElement("p");
    note.className = "comment-own";
    const link = document.createElement("a");
    link.href = section.dataset.editUrl.replace(/\/0\/edit\/$/, "/" + id + "/edit/");
    link.textContent = section.dataset.editLabel;
    note.appendChild(link);
    card.appendChild(note);
    window.setTimeout(function () {
      note.remove();
    }, own[id] - now);
  });
})();
