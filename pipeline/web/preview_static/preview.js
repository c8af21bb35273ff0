// brochure preview: asks the server twice a second whether something changed; a new PDF
// replaces the frame's document, new findings replace the list. No inline script (CSP).
(function () {
  "use strict";
  var body = document.body;
  var version = body.getAttribute("data-version");
  var pdf = body.getAttribute("data-pdf");
  function poll() {
    fetch("/status", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (String(s.version) === version) { return; }
      version = String(s.version);
      document.getElementById("stand").textContent = s.status;
      if (String(s.pdf_version) !== pdf) {
        pdf = String(s.pdf_version);
        var frame = document.getElementById("pdf");
        if (frame && frame.tagName === "IFRAME") {
          frame.src = "/pdf?v=" + pdf;
        } else {
          window.location.reload();
          return;
        }
      }
      fetch("/befunde", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (h) {
        document.getElementById("befunde").innerHTML = h;  // escaped by the server
      });
    }).catch(function () {}).then(function () { window.setTimeout(poll, 500); });
  }
  window.setTimeout(poll, 500);
})();
