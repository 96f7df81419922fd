/*
 * The Wagtail admin without inline scripts (its Content-Security-Policy allows none; see
 * site/portal/security.py). Where Wagtail writes <script>initDateChooser("id_x", {...})</script>,
 * our templates and chooser widgets write
 *     <script type="application/json" data-admin-init="initDateChooser">["id_x", "{...}"]</script>
 * which browsers never execute; this file makes the call instead: once the page is parsed (it is
 * loaded with defer, so before DOMContentLoaded as the inline scripts were), and for every block
 * added to the page later (InlinePanel's add button, modal dialogs). Only the calls listed below
 * can be made.
 */
(function () {
  'use strict';

  var SELECTOR = 'script[type="application/json"][data-admin-init]';

  // The chooser widgets' constructors (site/portal/security.py writes [constructor, id, options]).
  var CHOOSERS = [
    'Chooser',
    'PageChooser',
    'SnippetChooser',
    'ImageChooser',
    'DocumentChooser',
    'ChooserWidget', // wagtail-generic-chooser
    'LinkedFieldChooserWidget',
  ];

  function parsed(json) {
    return typeof json === 'string' ? JSON.parse(json) : json;
  }

  function global(name) {
    var value = window[name];
    if (typeof value !== 'function') {
      throw new Error(name + ' is not loaded');
    }
    return value;
  }

  // Each receives the block's JSON array. Options that templates write as escapejs-quoted JSON
  // text (as Wagtail's own inline scripts did) arrive as a string and are parsed here.
  var INITIALISERS = {
    InlinePanel: function (args) {
      var InlinePanel = global('InlinePanel');
      return new InlinePanel(parsed(args[0]));
    },
    MultipleChooserPanel: function (args) {
      var MultipleChooserPanel = global('MultipleChooserPanel');
      return new MultipleChooserPanel(parsed(args[0]));
    },
    initDateChooser: function (args) {
      return global('initDateChooser')(args[0], parsed(args[1]));
    },
    initTimeChooser: function (args) {
      return global('initTimeChooser')(args[0], parsed(args[1]));
    },
    initDateTimeChooser: function (args) {
      return global('initDateTimeChooser')(args[0], parsed(args[1]));
    },
    createTaskChooser: function (args) {
      return global('createTaskChooser')(args[0]);
    },
    chooser: function (args) {
      var name = args[0];
      if (CHOOSERS.indexOf(name) === -1) {
        throw new Error('unknown chooser ' + name);
      }
      var Constructor = global(name);
      return args.length > 2 ? new Constructor(args[1], args[2]) : new Constructor(args[1]);
    },
  };

  var done = new WeakSet();

  function run(block) {
    if (done.has(block) || !block.isConnected) {
      return;
    }
    done.add(block);
    var name = block.getAttribute('data-admin-init');
    try {
      if (!Object.prototype.hasOwnProperty.call(INITIALISERS, name)) {
        throw new Error('unknown initialiser');
      }
      INITIALISERS[name](JSON.parse(block.textContent));
    } catch (error) {
      // One broken widget must not stop the others, as with separate inline scripts.
      // eslint-disable-next-line no-console
      console.error('admin-init: ' + name, error);
    }
  }

  function runWithin(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    if (node.matches(SELECTOR)) {
      run(node);
    }
    node.querySelectorAll(SELECTOR).forEach(run);
  }

  runWithin(document.documentElement);

  // Forms added later (an InlinePanel child from its <template>, a modal's form): initialise
  // their widgets as jQuery did when it ran the inline scripts of the inserted HTML.
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(runWithin);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
