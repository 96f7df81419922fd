"""Security response headers beyond Django's SecurityMiddleware: CSP per area, Permissions-Policy.

The portal's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) allows scripts only from
our own static files: no inline script, no eval. The Wagtail admin has the same script-src. Wagtail
8.0 still renders some inline <script> blocks; none of them reaches a browser:

- the templates that write one (InlinePanel, MultipleChooserPanel, the date/time pickers,
  wagtailstreamforms' submissions list) are overridden in templates/wagtailadmin/ and
  templates/streamforms/: the call goes into a <script type="application/json"
  data-admin-init="..."> block, which browsers never execute;
- the chooser widgets (page, snippet, image, document, task, wagtail-generic-chooser) build their
  inline script in Python, so `make_choosers_csp_safe()` below makes them write the same kind of
  block;
- static/js/admin-init.js (added to every admin page by accounts/wagtail_hooks.py) makes each call,
  for the page as loaded and for forms added later (InlinePanel's 添加, modal dialogs).

The admin only adds settings.CSP_ADMIN_EXTRA_SOURCES (inline style attributes, blob: image
previews) under settings.CSP_ADMIN_URL_PREFIXES, never on portal pages.
"""

import json

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

# What Django's json_script escapes: "</script>" inside a value cannot end the block.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _init_block(name, args):
    """A JSON block that static/js/admin-init.js turns into the call `name(*args)`."""
    payload = json.dumps(args, cls=DjangoJSONEncoder).translate(_JSON_ESCAPES)
    return f'<script type="application/json" data-admin-init="{name}">{payload}</script>'


def _wagtail_chooser_call(widget, id_, name, value_data):
    """What BaseChooser.render_js_init would write, as (initialiser, arguments), or None for a
    subclass with its own script this module does not know."""
    from wagtail.admin.widgets.chooser import BaseChooser
    from wagtail.admin.widgets.workflows import AdminTaskChooser

    render_js_init = type(widget).render_js_init
    if render_js_init is BaseChooser.render_js_init:  # "new <js_constructor>(id, options);"
        return "chooser", [widget.js_constructor, id_, widget.get_js_init_options(id_, name, value_data)]
    if render_js_init is AdminTaskChooser.render_js_init:  # "createTaskChooser(id);"
        return "createTaskChooser", [id_]
    return None


def _generic_chooser_call(widget, id_, name, value_data):
    """The same for wagtail-generic-chooser's AdminChooser ("new <js_constructor_name>(id[, opts]);")."""
    from generic_chooser.widgets import AdminChooser

    if type(widget).render_js_init is not AdminChooser.render_js_init:
        return None
    options = widget.js_opts()
    return "chooser", [widget.js_constructor_name, id_, *([options] if options else [])]


def _csp_safe_render(original_render, describe_call):
    def render(self, name, value, attrs=None, renderer=None):
        try:
            id_ = attrs["id"]
        except (KeyError, TypeError):
            return original_render(self, name, value, attrs, renderer)  # raises the widget's own error
        value_data = self.get_value_data(value)
        call = describe_call(self, id_, name, value_data)
        if call is None:
            return original_render(self, name, value, attrs, renderer)
        return mark_safe(self.render_html(name, value_data, attrs) + _init_block(*call))  # noqa: S308

    render.csp_safe = True
    return render


def make_choosers_csp_safe():
    """Chooser widgets write their init call as a JSON block instead of an inline <script>.

    Wagtail's BaseChooser.render (and generic_chooser's AdminChooser.render, its copy) append
    `<script>new PageChooser("id_page", {...});</script>` to the widget's HTML; no template can
    change that, so the render method itself is replaced. Idempotent."""
    from generic_chooser.widgets import AdminChooser
    from wagtail.admin.widgets.chooser import BaseChooser

    for widget_class, describe_call in ((BaseChooser, _wagtail_chooser_call), (AdminChooser, _generic_chooser_call)):
        if not getattr(widget_class.render, "csp_safe", False):
            widget_class.render = _csp_safe_render(widget_class.render, describe_call)


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(tuple(settings.CSP_ADMIN_URL_PREFIXES)):
            update = dict(parts.update or {})
            for directive, sources in settings.CSP_ADMIN_EXTRA_SOURCES.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        return parts


class PermissionsPolicyMiddleware:
    """Permissions-Policy: no page of ours uses camera, microphone, location, payment or USB."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
