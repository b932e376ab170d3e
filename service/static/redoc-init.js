// Starts ReDoc on /redoc from a file rather than an inline script.
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("redoc");
  window.Redoc.init(root.dataset.openapi, { hideDownloadButton: false, expandResponses: "200" }, root);
});
