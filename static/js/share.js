// "Copy link": the article's address to the clipboard, announced by the share section's status line.
// Without this script (or a clipboard), the button stays hidden and the read-only field below does the job.
(function () {
  "use strict";
  const button = document.querySelector(".share-copy");
  const field = button && document.getElementById(button.dataset.copyTarget);
  const status = document.querySelector(".share-status");
  if (!field || !status) return;
  field.addEventListener("focus", function () {
    field.select();
  });
  if (!navigator.clipboard || !window.isSecureContext) return;
  button.hidden = false;
  let timer = null;

  function say(words) {
    // Emptied first, so that a second copy is announced again.
    status.textContent = "";
    window.clearTimeout(timer);
    window.setTimeout(function () {
      status.textContent = words;
      timer = window.setTimeout(function () {
        status.textContent = "";
      }, 6000);
    }, 50);
  }

  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(
      function () {
        say(button.dataset.copied);
      },
      function () {
        field.focus();
        say(button.dataset.copyFailed);
      }
    );
  });
})();
