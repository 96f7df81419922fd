"""Every URL pattern of the site, read from Django's resolver (for the access-control matrix).

`collect_routes()` walks `get_resolver()` recursively, nested namespaces included, and returns one
`Route` per pattern: its key (the qualified name `namespace:name`; a name registered twice, such as
Wagtail's `wagtailsettings:edit` with and without a pk, gets its route appended; an unnamed pattern
is keyed by its route), the full route and the parameters its regex or path converters take.
`build_url(route, values)` reverses a route from a value per parameter.
"""

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter
from django.urls.resolvers import RoutePattern

KIND_BY_CONVERTER = {
    IntConverter: "int",
    UUIDConverter: "uuid",
    SlugConverter: "slug",
    PathConverter: "path",
    StringConverter: "str",
}


@dataclass
class Route:
    key: str
    name: str | None  # qualified name for reverse(), None for an unnamed pattern
    route: str
    params: list = field(default_factory=list)  # [(name or index, kind)], in order
    positional: bool = False  # unnamed regex groups: reversed with args, not kwargs

    @property
    def namespace(self):
        return self.name.rpartition(":")[0] if self.name and ":" in self.name else ""


def _params_of(pattern):
    if isinstance(pattern, RoutePattern):
        return [(name, KIND_BY_CONVERTER.get(type(conv), "str")) for name, conv in pattern.converters.items()], False
    regex = re.compile(str(pattern.regex.pattern))
    named = sorted(regex.groupindex.items(), key=lambda item: item[1])
    if named:
        return [(name, "regex") for name, _index in named], False
    return [(index, "regex") for index in range(regex.groups)], regex.groups > 0


def collect_routes():
    """Every URL pattern of the URL map, as `Route`s in resolver order."""
    found = []

    def walk(patterns, namespaces, prefix, inherited):
        for pattern in patterns:
            params, positional = _params_of(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    namespaces + [pattern.namespace] if pattern.namespace else namespaces,
                    prefix + str(pattern.pattern),
                    inherited + params,
                )
            elif isinstance(pattern, URLPattern):
                name = ":".join(namespaces + [pattern.name]) if pattern.name else None
                route = prefix + str(pattern.pattern)
                found.append(Route(name or f"<unnamed> {route}", name, route, inherited + params, positional))

    walk(get_resolver().url_patterns, [], "", [])
    counts = {}
    for route in found:
        counts[route.key] = counts.get(route.key, 0) + 1
    for route in found:
        if counts[route.key] > 1:
            route.key = f"{route.key} {route.route}"
    return found


def build_url(route, values):
    """The URL of `route` with `values` ({param: value}); raises NoReverseMatch when they do not fit."""
    if route.positional:
        return reverse(route.name, args=[values[index] for index, _kind in route.params])
    return reverse(route.name, kwargs={name: values[name] for name, _kind in route.params})
