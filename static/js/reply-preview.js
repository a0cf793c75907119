// The admin reply form's live preview: the reply rendered by the server's own comment pipeline.
(function () {
  const preview = document.getElementById("reply-preview");
  const textarea = document.querySelector("textarea[data-preview]");
  if (!preview || !textarea) return;
  const csrf = textarea.form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let timer = null;
  function refresh() {
    const body = new URLSearchParams({ body: textarea.value });
    fetch(preview.dataset.url, { method: "POST", body, headers: { "X-CSRFToken": csrf } })
      .then((response) => (response.ok ? response.text() : ""))
      .then((html) => { preview.innerHTML = html; })
      .catch(() => {});
  }
  textarea.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 400); });
  refresh();
})();
