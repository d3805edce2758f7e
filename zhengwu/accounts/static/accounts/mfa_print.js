// Print button for the recovery-code page; a file, not an inline handler, so it runs under the CSP.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-codes");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
});
