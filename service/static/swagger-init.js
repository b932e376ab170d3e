// Starts Swagger UI on /docs from a file rather than an inline script, so the strict content security policy holds.
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    tryItOutEnabled: true,
    displayRequestDuration: true,
  });
});
