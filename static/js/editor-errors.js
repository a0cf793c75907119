// markdownx reports a refused upload by typing "Invalid response" into the article. Show the server's reason
// above the editor instead, and take the stray words back out of the text.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".markdownx").forEach(function (box) {
    box.addEventListener("markdownx.fileUploadError", function (event) {
      var response = (event.detail || [])[0] || {};
      var reasons = response.image || [box.dataset.uploadFailed || "The image could not be uploaded."];
      var note = box.querySelector(".upload-error");
      if (!note) {
        note = document.createElement("p");
        note.className = "errornote upload-error";
        note.setAttribute("role", "alert");
        box.prepend(note);
      }
      note.textContent = reasons.join(" ");
      var editor = box.querySelector("textarea");
      window.setTimeout(function () {
        editor.value = editor.value.replace("Invalid response", "");
      }, 0);
    });
  });
});
