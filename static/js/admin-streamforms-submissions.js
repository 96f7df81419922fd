/*
 * wagtailstreamforms' submissions list (templates/streamforms/index_submissions.html), moved out of
 * its inline scripts because the admin's Content-Security-Policy allows none: the from/to date
 * pickers, and the select-all box that shows the delete button once a submission is checked.
 */
(function () {
  'use strict';

  var $ = window.jQuery;
  var strings = (window.wagtailConfig && window.wagtailConfig.STRINGS) || {};

  // The pickers' month and day names, as wagtailstreamforms' datetimepicker_translations.html set
  // them; Wagtail's own date widgets take theirs from the same strings.
  if (strings.MONTHS) {
    $.fn.datetimepicker.defaults.i18n.wagtail_custom_locale = {
      months: strings.MONTHS,
      dayOfWeek: strings.WEEKDAYS,
      dayOfWeekShort: strings.WEEKDAYS_SHORT,
    };
    $.datetimepicker.setLocale('wagtail_custom_locale');
  }

  $(function () {
    $('#id_date_from').datetimepicker({ timepicker: false, format: 'Y-m-d' });
    $('#id_date_to').datetimepicker({ timepicker: false, format: 'Y-m-d' });

    var selectAllCheckbox = document.getElementById('select-all');
    var deleteButton = document.getElementById('delete-submissions');
    if (!selectAllCheckbox || !deleteButton) {
      return; // no submissions, no list
    }

    function updateActions() {
      var submissionCheckboxes = $('input[type=checkbox].select-submission');
      var someSubmissionsSelected = submissionCheckboxes.is(':checked');
      var everySubmissionSelected = !submissionCheckboxes.is(':not(:checked)');
      selectAllCheckbox.checked = everySubmissionSelected;
      selectAllCheckbox.indeterminate = someSubmissionsSelected && !everySubmissionSelected;
      deleteButton.classList.toggle('disabled', !someSubmissionsSelected);
      deleteButton.style.visibility = someSubmissionsSelected ? 'visible' : 'hidden';
    }

    $(selectAllCheckbox).on('change', function () {
      var checked = this.checked;
      $('input[type=checkbox].select-submission').each(function () {
        this.checked = checked;
      });
      updateActions();
    });
    $('input[type=checkbox].select-submission').on('change', updateActions);
    // Some browsers restore checked boxes on "back": bring the delete button in line.
    updateActions();
  });
})();
