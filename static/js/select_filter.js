/*
 * A filter box above a long <select data-select-filter> (the staff user form's 所属单位,
 * accounts/admin_forms.py OrganisationFilterSelect): typing keeps only the options whose label or
 * data-filter-text (a region code) contains the text, and the <optgroup>s that still have one.
 * Options are taken out and put back rather than hidden, as Safari ignores `hidden` on <option>.
 * The chosen option and the empty one always stay, so filtering never changes the value.
 * A file, not an inline script: the admin's Content-Security-Policy allows none.
 */
(function () {
  'use strict';

  function normalise(text) {
    return (text || '').replace(/\s+/g, '').toLowerCase();
  }

  function matches(option, query) {
    if (!query || !option.value || option.selected) {
      return true;
    }
    return normalise(option.textContent + ' ' + (option.dataset.filterText || '')).indexOf(query) !== -1;
  }

  function setUp(select) {
    if (select.dataset.selectFilterReady) {
      return;
    }
    select.dataset.selectFilterReady = '1';

    // The full list, as rendered: [{group: <optgroup>|null, options: [<option>...]}].
    var parts = [];
    Array.prototype.forEach.call(select.children, function (child) {
      if (child.tagName === 'OPTGROUP') {
        parts.push({ group: child, options: Array.prototype.slice.call(child.children) });
      } else {
        parts.push({ group: null, options: [child] });
      }
    });

    var input = document.createElement('input');
    input.type = 'search';
    input.className = 'select-filter';
    input.id = select.id + '-filter';
    input.setAttribute('aria-label', select.dataset.selectFilterLabel || '');
    input.setAttribute('aria-controls', select.id);
    input.placeholder = select.dataset.selectFilterPlaceholder || '';
    input.autocomplete = 'off';
    select.parentNode.insertBefore(input, select);

    function apply() {
      var query = normalise(input.value);
      var value = select.value;
      parts.forEach(function (part) {
        var kept = part.options.filter(function (option) {
          return matches(option, query);
        });
        if (part.group) {
          part.options.forEach(function (option) {
            if (option.parentNode) {
              option.parentNode.removeChild(option);
            }
          });
          kept.forEach(function (option) {
            part.group.appendChild(option);
          });
          if (kept.length && !part.group.parentNode) {
            select.appendChild(part.group);
          } else if (!kept.length && part.group.parentNode) {
            select.removeChild(part.group);
          }
        }
      });
      // Put the groups back in their first order.
      parts.forEach(function (part) {
        var node = part.group || part.options[0];
        if (node.parentNode === select) {
          select.appendChild(node);
        }
      });
      select.value = value;
    }

    input.addEventListener('input', apply);
    // Enter in the filter box must not submit the user form.
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') {
        event.preventDefault();
        select.focus();
      }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('select[data-select-filter]'), setUp);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
