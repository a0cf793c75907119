// The article form's autosave and recovery. While the editor types, the title, summary and body are kept in
// this browser's local storage at once, and sent to the server as their autosave every few seconds (nothing
// is published). Opening the form again with unsaved text newer than the article (a closed tab, an expired
// session, a server error) offers it back, showing what differs. The server says when someone else saved
// the article after this form was loaded.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("article-recovery");
  var form = document.getElementById("article_form");
  if (!box || !form) return;
  var SEND_EVERY_MS = 5000;
  var names = ["title", "summary", "body"];
  var fields = {};
  for (var i = 0; i < names.length; i++) {
    fields[names[i]] = form.elements.namedItem(names[i]);
    if (!fields[names[i]]) return;
  }
  var key = box.dataset.storageKey;
  var newKey = box.dataset.newStorageKey;
  var autosaveUrl = box.dataset.autosaveUrl;
  var banner = box.querySelector(".recovery-banner");
  var status = box.querySelector(".autosave-status");
  var conflictNote = box.querySelector(".autosave-conflict");
  var csrf = form.elements.namedItem("csrfmiddlewaretoken").value;
  var version = form.elements.namedItem("version");

  function text() {
    var values = {};
    names.forEach(function (name) { values[name] = fields[name].value; });
    return values;
  }
  function same(a, b) {
    return names.every(function (name) { return (a[name] || "") === (b[name] || ""); });
  }
  function read(storageKey) {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey) || "null");
    } catch (error) {
      return null;
    }
  }
  function keep(values) {
    try {
      window.localStorage.setItem(key, JSON.stringify(Object.assign({ saved_at: new Date().toISOString() }, values)));
    } catch (error) { /* storage full or refused: the server's autosave remains */ }
  }
  function forget(storageKey) {
    try { window.localStorage.removeItem(storageKey); } catch (error) { /* nothing to forget */ }
  }
  function post(url, values) {
    var body = new URLSearchParams(values);
    body.append("csrfmiddlewaretoken", csrf);
    if (version) body.append("version", version.value);
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
      redirect: "manual",
    });
  }

  // What is already in the form (the article, or the form sent back with errors) is not worth offering.
  var loaded = text();
  [key, newKey].forEach(function (storageKey) {
    var stored = read(storageKey);
    if (stored && same(stored, loaded)) forget(storageKey);
  });
  var serverCopy = JSON.parse(document.getElementById("article-autosave").textContent || "null");
  var candidates = [];
  var local = read(key);
  if (local) candidates.push({ values: local, origin: box.dataset.localOrigin });
  if (serverCopy && !same(serverCopy, loaded)) candidates.push({ values: serverCopy, origin: box.dataset.serverOrigin });
  candidates.sort(function (a, b) { return Date.parse(b.values.saved_at) - Date.parse(a.values.saved_at); });
  if (candidates.length) offer(candidates[0]);

  function offer(candidate) {
    post(box.dataset.diffUrl, { title: candidate.values.title, summary: candidate.values.summary, body: candidate.values.body })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .catch(function () { return ""; })
      .then(function (changes) {
        var when = new Date(candidate.values.saved_at);
        banner.querySelector(".recovery-origin").textContent =
          candidate.origin + " · " + (isNaN(when) ? "" : when.toLocaleString());
        // The server escaped every word of the comparison (blog/revisions.py).
        banner.querySelector(".recovery-changes").innerHTML = changes;
        banner.hidden = false;
        banner.querySelector(".recovery-restore").addEventListener("click", function () {
          names.forEach(function (name) {
            fields[name].value = candidate.values[name] || "";
            fields[name].dispatchEvent(new Event("input", { bubbles: true }));
          });
          banner.hidden = true;
          fields.body.focus();
        });
        banner.querySelector(".recovery-dismiss").addEventListener("click", function () {
          banner.hidden = true;
          forget(key);
          sent = "";  // the server's copy is replaced by the article's text at the next round
          pending = true;
        });
      });
  }

  var sent = JSON.stringify(loaded);
  var pending = false;
  form.addEventListener("input", function (event) {
    if (names.indexOf(event.target.name) === -1) return;
    keep(text());
    pending = true;
  });
  form.addEventListener("submit", function () {
    pending = false;
    // The server has this very text as the autosave (offered back if the save fails): the browser's copy
    // would only be offered again, wrongly, once someone else has changed the article.
    if (autosaveUrl && JSON.stringify(text()) === sent) forget(key);
  });

  function say(message) {
    status.textContent = message;
  }
  function sendToServer() {
    if (!autosaveUrl || !pending) return;
    var values = text();
    var serialized = JSON.stringify(values);
    if (serialized === sent) { pending = false; return; }
    pending = false;
    post(autosaveUrl, values)
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") === -1) throw new Error("not saved");
        return response.json();
      })
      .then(function (answer) {
        sent = serialized;
        say(box.dataset.savedMessage + " " + new Date(answer.saved_at).toLocaleTimeString());
        conflictNote.hidden = !answer.conflict;
        conflictNote.textContent = answer.conflict ? answer.conflict.message : "";
      })
      .catch(function () {
        pending = true;  // tried again at the next round
        say(box.dataset.localMessage);
      });
  }
  window.setInterval(sendToServer, SEND_EVERY_MS);
});
