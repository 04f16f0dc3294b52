// Submits the staff pages' language choice as soon as it changes (no inline handler: the
// Content-Security-Policy allows scripts from files only).
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select.matches && select.matches("form.language-switch select[name=language]")) {
    select.form.submit();
  }
});
