/* The case creation form (sanctions admin): as soon as the subject and the memorandum are chosen,
   offer the memorandum's measures that fit the subject, all ticked, and set the case's kind.
   Without this script the form offers them after the first save. Plain JavaScript, no CDN. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") {
      fn();
    } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  ready(function () {
    var config = document.getElementById("case-form-config");
    var subject = document.getElementById("id_subject");
    var memorandum = document.getElementById("id_memorandum");
    var measures = document.getElementById("id_measures");
    var offered = document.getElementById("id_offered_for");
    var kind = document.getElementById("id_kind");
    if (!config || !subject || !memorandum || !measures || !offered) {
      return;
    }
    var latest = "";

    function render(items) {
      while (measures.firstChild) {
        measures.removeChild(measures.firstChild);
      }
      items.forEach(function (item, index) {
        var row = document.createElement("div");
        var label = document.createElement("label");
        var input = document.createElement("input");
        input.type = "checkbox";
        input.name = "measures";
        input.value = String(item.id);
        input.id = "id_measures_" + index;
        input.checked = true;
        label.htmlFor = input.id;
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + item.label));
        row.appendChild(label);
        measures.appendChild(row);
      });
    }

    function refresh() {
      if (!subject.value || !memorandum.value) {
        return;
      }
      var key = subject.value + ":" + memorandum.value;
      if (offered.value === key || latest === key) {
        return;
      }
      latest = key;
      var url = config.getAttribute("data-fitting-url") +
        "?subject=" + encodeURIComponent(subject.value) +
        "&memorandum=" + encodeURIComponent(memorandum.value);
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          if (subject.value + ":" + memorandum.value !== data.offered_for) {
            return;  // the clerk changed the choice meanwhile; that request answers it
          }
          render(data.measures);
          offered.value = data.offered_for;
          if (kind && data.kind) {
            kind.value = data.kind;
          }
        })
        .catch(function () {
          latest = "";  // the server offers the measures on the next save instead
        });
    }

    // The subject is a select2 autocomplete: it announces changes through jQuery only.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(subject).on("change", refresh);
      window.django.jQuery(memorandum).on("change", refresh);
    } else {
      subject.addEventListener("change", refresh);
      memorandum.addEventListener("change", refresh);
    }
    refresh();
  });
})();
