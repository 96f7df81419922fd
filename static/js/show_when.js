/* Display conditions (data-show-when-field / data-show-when-value) for forms that are not the
 * draft page: the correction form and the 评审反馈表. Same rule as application_form.js and the
 * server (forms_config/schema.py); a controller that is not an input of this form (a read-only
 * value) is left to the server.
 */
(function () {
  "use strict";
  document.querySelectorAll("form[data-show-when-form]").forEach(function (form) {
    function values(name) {
      var found = [];
      form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") {
          if (input.checked) found.push(input.value === "on" ? "是" : input.value);
        } else {
          found.push(input.value.trim());
        }
      });
      return found;
    }
    function apply() {
      form.querySelectorAll("[data-show-when-field]").forEach(function (el) {
        var name = el.dataset.showWhenField;
        if (!form.querySelector('[name="' + name + '"]')) return;
        var found = values(name);
        el.hidden = !(el.dataset.showWhenValue || "").split("|").some(function (value) {
          return found.indexOf(value.trim()) !== -1;
        });
      });
    }
    form.addEventListener("change", apply);
    apply();
  });
})();
