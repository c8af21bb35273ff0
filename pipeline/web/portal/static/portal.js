// Extras only: the portal works without JavaScript. Drag a workbook onto the upload form.
document.querySelectorAll("form[data-dropzone]").forEach(function (form) {
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
