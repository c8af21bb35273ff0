// Extras only: the portal works without JavaScript.
(function () {
  "use strict";

  // Drag a workbook onto the upload form.
  function dropzones(root) {
    root.querySelectorAll("form[data-dropzone]").forEach(function (form) {
      var input = form.querySelector("input[type=file]");
      if (!input) return;
      ["dragenter", "dragover"].forEach(function (name) {
        form.addEventListener(name, function (event) {
          event.preventDefault();
          form.classList.add("dragover");
        });
      });
      ["dragleave", "drop"].forEach(function (name) {
        form.addEventListener(name, function () { form.classList.remove("dragover"); });
      });
      form.addEventListener("drop", function (event) {
        event.preventDefault();
        if (event.dataTransfer && event.dataTransfer.files.length) {
          input.files = event.dataTransfer.files;
          form.submit();
        }
      });
    });
  }

  // A version in the making: ask for its state every two seconds and say it in the page's
  // live region (no reload, WCAG 2.2.1); when it is done, show the result in place and move
  // the focus to its heading. Without JavaScript the button "Status aktualisieren" reloads.
  function poll(box) {
    var live = box.querySelector("[aria-live]");
    var statusUrl = box.getAttribute("data-status-url");
    var pageUrl = box.getAttribute("data-page-url");
    box.querySelectorAll(".no-js").forEach(function (el) { el.hidden = true; });
    box.querySelectorAll(".with-js").forEach(function (el) { el.hidden = false; });

    function later(ms) { window.setTimeout(ask, ms); }

    function ask() {
      fetch(statusUrl, {cache: "no-store", credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (s) {
          if (s.done) { show(); return; }
          if (live.textContent !== s.text) live.textContent = s.text;
          later(2000);
        })
        .catch(function () { later(5000); });
    }

    function show() {
      fetch(pageUrl, {cache: "no-store", credentials: "same-origin"})
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.querySelector("main");
          var main = document.querySelector("main");
          if (!fresh || !main || fresh.querySelector("[data-status-url]")) { later(2000); return; }
          main.replaceChildren.apply(main, Array.prototype.map.call(fresh.childNodes, function (n) {
            return document.importNode(n, true);
          }));
          document.title = doc.title;
          dropzones(main);
          var heading = main.querySelector("#ergebnis") || main.querySelector("h1");
          if (heading) heading.focus();
        })
        .catch(function () { later(5000); });
    }

    later(2000);
  }

  dropzones(document);
  document.querySelectorAll("[data-status-url]").forEach(poll);
})();
