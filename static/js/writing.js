// The writing view of the article form: the body's preview beside the text (below it on a narrow screen), in
// the site's own stylesheet, its scroll kept in step; live word count and reading time; shortcuts for bold,
// italic, link and headings; images uploaded by dropping, pasting or choosing them, inserted only once
// described. Without this script the body is a plain textarea and the form saves as it always did.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var tools = document.getElementById("writing-tools");
  var editor = document.querySelector(".writing-fields textarea.markdownx-editor");
  if (!tools || !editor) {
    return;
  }
  var box = editor.closest(".markdownx");
  var host = box.querySelector(".markdownx-preview");
  var form = editor.form;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var toolbar = tools.querySelector(".writing-toolbar");
  var stats = toolbar.querySelector(".writing-stats");
  var status = tools.querySelector(".writing-status");
  var fileInput = toolbar.querySelector(".writing-file");
  var dialog = tools.querySelector(".writing-image-dialog");
  var altInput = dialog.querySelector("input");
  var altError = dialog.querySelector(".writing-image-error");
  var language = form.querySelector("select[name=language]");
  var isHtml = form.querySelector("input[name=body_is_html]"); // an imported body kept as HTML

  // Layout: the toolbar above the text, the preview a box of its own with the reader's stylesheet only.
  box.before(toolbar, status);
  tools.hidden = false; // what is left in it is the dialog, closed
  box.closest(".form-row").classList.add("writing-view", "writing-live");
  host.setAttribute("role", "region");
  host.setAttribute("aria-label", tools.dataset.previewLabel);
  host.tabIndex = 0; // a box that scrolls must be reachable with the keyboard
  var shadow = host.attachShadow({ mode: "open" });
  var sheet = document.createElement("link");
  sheet.rel = "stylesheet";
  sheet.href = tools.dataset.stylesheet;
  var page = document.createElement("div");
  page.className = "wrap writing-page";
  var body = document.createElement("div");
  body.className = "article-body";
  page.append(body);
  shadow.append(sheet, page);

  function setLanguage() {
    if (language) {
      body.lang = language.value;
    }
  }
  setLanguage();
  if (language) {
    language.addEventListener("change", setLanguage);
  }

  // The preview and the counts, from the same view markdownx uses, as the article's save makes them.
  var sequence = 0;
  var timer = null;
  function refresh() {
    var asked = ++sequence;
    var data = new FormData();
    data.append("content", editor.value);
    if (isHtml && isHtml.checked) {
      data.append("body_is_html", "1");
    }
    fetch(editor.dataset.markdownxUrlsPath, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
    })
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(response);
      })
      .then(function (answer) {
        if (asked !== sequence) {
          return; // a newer text is on its way
        }
        body.innerHTML = answer.html; // blog/markup.py's allow-listed HTML, as on the public page
        stats.textContent = answer.summary;
        follow(editor, host)();
      })
      .catch(function () {
        if (asked === sequence) {
          stats.textContent = tools.dataset.previewFailed;
        }
      });
  }
  function refreshSoon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }
  editor.addEventListener("input", refreshSoon);
  if (isHtml) {
    isHtml.addEventListener("change", refresh);
  }
  refresh();

  // Scroll in step: whichever box the writer is in leads, the other follows at the same proportion.
  var leader = editor;
  function follow(from, to) {
    return function () {
      if (leader !== from) {
        return;
      }
      var range = from.scrollHeight - from.clientHeight;
      var ratio = range > 0 ? from.scrollTop / range : 0;
      to.scrollTop = ratio * (to.scrollHeight - to.clientHeight);
    };
  }
  editor.addEventListener("scroll", follow(editor, host));
  host.addEventListener("scroll", follow(host, editor));
  [editor, host].forEach(function (element) {
    ["pointerenter", "focus", "wheel", "touchstart"].forEach(function (type) {
      element.addEventListener(type, function () {
        leader = element;
      }, { passive: true });
    });
  });

  // Editing. insertText keeps the browser's undo history; setRangeText is the fallback.
  function replace(start, end, text, selectFrom, selectTo) {
    editor.focus();
    editor.setSelectionRange(start, end);
    if (!document.execCommand("insertText", false, text)) {
      editor.setRangeText(text, start, end, "end");
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    }
    editor.setSelectionRange(start + selectFrom, start + selectTo);
  }

  function wrap(marker, placeholder) {
    var start = editor.selectionStart;
    var end = editor.selectionEnd;
    var value = editor.value;
    var before = value.slice(start - marker.length, start);
    var after = value.slice(end, end + marker.length);
    if (before === marker && after === marker) {
      // Already wrapped: unwrap.
      var inner = value.slice(start, end);
      replace(start - marker.length, end + marker.length, inner, 0, inner.length);
      return;
    }
    var text = value.slice(start, end) || placeholder;
    replace(start, end, marker + text + marker, marker.length, marker.length + text.length);
  }

  function link() {
    var start = editor.selectionStart;
    var end = editor.selectionEnd;
    var text = editor.value.slice(start, end);
    if (/^(https?:\/\/|mailto:)\S+$/.test(text)) {
      replace(start, end, "[](" + text + ")", 1, 1);
    } else {
      var label = text || toolbar.querySelector("[data-format=link]").textContent.trim().toLowerCase();
      var address = "https://";
      replace(start, end, "[" + label + "](" + address + ")", label.length + 3, label.length + 3 + address.length);
    }
  }

  function heading(level) {
    var value = editor.value;
    var lineStart = value.lastIndexOf("\n", editor.selectionStart - 1) + 1;
    var lineEnd = value.indexOf("\n", editor.selectionStart);
    if (lineEnd === -1) {
      lineEnd = value.length;
    }
    var line = value.slice(lineStart, lineEnd);
    var current = /^(#{1,6})\s+/.exec(line);
    var text = current ? line.slice(current[0].length) : line;
    var wanted = level;
    if (!wanted) {
      // The toolbar's button goes round: none, level 2, level 3, none.
      wanted = !current ? 2 : current[1].length < 3 ? 3 : 0;
    } else if (current && current[1].length === level) {
      wanted = 0;
    }
    var prefix = wanted ? "#".repeat(wanted) + " " : "";
    replace(lineStart, lineEnd, prefix + text, prefix.length + text.length, prefix.length + text.length);
  }

  var actions = {
    bold: function () { wrap("**", toolbar.querySelector("[data-format=bold]").textContent.trim().toLowerCase()); },
    italic: function () { wrap("_", toolbar.querySelector("[data-format=italic]").textContent.trim().toLowerCase()); },
    link: link,
    heading: function () { heading(0); },
    image: function () { fileInput.click(); },
  };
  toolbar.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-format]");
    if (button) {
      actions[button.dataset.format]();
    }
  });

  editor.addEventListener("keydown", function (event) {
    // AltGr is Ctrl+Alt on Windows: it types "#", "~", "[" and more on French keyboards, never a shortcut.
    if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.getModifierState("AltGraph")) {
      return;
    }
    var key = event.key.toLowerCase();
    var digit = /^Digit([1-6])$/.exec(event.code);
    if (event.altKey && digit) {
      heading(Number(digit[1]));
    } else if (!event.altKey && (key === "b" || key === "i" || key === "k")) {
      actions[{ b: "bold", i: "italic", k: "link" }[key]]();
    } else {
      return;
    }
    event.preventDefault();
  });

  // Images: uploaded at once, inserted where the caret was once the writer has described them.
  var queue = [];
  var busy = false;
  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("errornote", Boolean(isError));
  }

  function uploadNext() {
    if (busy || !queue.length) {
      return;
    }
    busy = true;
    var job = queue.shift();
    var data = new FormData();
    data.append("image", job.file);
    say(tools.dataset.uploading);
    fetch(editor.dataset.markdownxUploadUrlsPath, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          return { ok: response.ok, answer: answer };
        });
      })
      .catch(function () {
        return { ok: false, answer: {} };
      })
      .then(function (result) {
        if (!result.ok || !result.answer.url) {
          say((result.answer.image || [tools.dataset.uploadFailed]).join(" "), true);
          done();
          return;
        }
        say("");
        describe(result.answer, job);
      });
  }

  function done() {
    busy = false;
    uploadNext();
  }

  function add(files, start, end) {
    Array.prototype.forEach.call(files, function (file) {
      queue.push({ file: file, start: start, end: end });
    });
    uploadNext();
  }

  var uploaded = null;
  function describe(answer, job) {
    uploaded = { answer: answer, job: job };
    var preview = dialog.querySelector("img");
    preview.src = answer.preview;
    preview.hidden = false;
    altInput.value = "";
    altInput.removeAttribute("aria-invalid");
    altError.hidden = true;
    dialog.showModal();
    altInput.focus();
  }

  function markdownAlt(text) {
    return text.replace(/\s+/g, " ").trim().replace(/[\\[\]]/g, "\\$&");
  }

  dialog.querySelector("form").addEventListener("submit", function (event) {
    var alt = altInput.value.trim();
    if (!alt) {
      event.preventDefault();
      altInput.setAttribute("aria-invalid", "true");
      altError.hidden = false;
      altInput.focus();
      return;
    }
    var job = uploaded.job;
    var code = "![" + markdownAlt(alt) + "](" + uploaded.answer.url + ")";
    var at = Math.min(job.start, editor.value.length);
    // An image is a paragraph of its own.
    var before = at > 0 && editor.value[at - 1] !== "\n" ? "\n\n" : "";
    var after = editor.value[job.end] && editor.value[job.end] !== "\n" ? "\n\n" : "";
    var text = before + code + after;
    uploaded = null;
    window.setTimeout(function () {
      replace(at, Math.min(job.end, editor.value.length), text, text.length, text.length);
      done();
    }, 0);
  });

  function cancel() {
    if (uploaded) {
      uploaded = null;
      say(tools.dataset.notInserted);
      done();
    }
  }
  dialog.querySelector(".writing-image-cancel").addEventListener("click", function () {
    dialog.close();
  });
  dialog.addEventListener("close", cancel);

  fileInput.addEventListener("change", function () {
    add(fileInput.files, editor.selectionStart, editor.selectionEnd);
    fileInput.value = "";
  });
  // A file dropped beside the text would otherwise replace the page, and the text with it: dropped on the
  // text or its preview it is uploaded, anywhere else it is ignored.
  function carriesFiles(event) {
    return event.dataTransfer && Array.prototype.includes.call(event.dataTransfer.types, "Files");
  }
  document.addEventListener("dragover", function (event) {
    if (carriesFiles(event)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = box.contains(event.target) ? "copy" : "none";
    }
  });
  document.addEventListener("drop", function (event) {
    if (!carriesFiles(event)) {
      return;
    }
    event.preventDefault();
    if (box.contains(event.target) && event.dataTransfer.files.length) {
      add(event.dataTransfer.files, editor.selectionStart, editor.selectionEnd);
    }
  });
  editor.addEventListener("paste", function (event) {
    if (event.clipboardData && event.clipboardData.files.length) {
      event.preventDefault();
      add(event.clipboardData.files, editor.selectionStart, editor.selectionEnd);
    }
  });
});
