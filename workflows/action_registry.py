"""Each action's facts, read from its one declaration: the `@transition` on `Application` and its
`custom=` (workflows/models/applications.py says what each key means).

Everything that used to list the actions again is derived here: the parties of each action
(workflows.actions' party check), the staff actions and the serious ones (workflows.staff_admin),
and the applicant's pages and links (workflows.progress). The user-interface views name their
action themselves (`action = Action.X`); tests/workflows/test_action_declarations.py checks that
every action has its transition, its service function and its view.
"""

import functools
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from .models import Action, Application
from .models.applications import is_applicant, is_authority, is_review_body

# The parties that act in the Wagtail admin (许可申请办理) rather than on the applicant's pages.
STAFF_PARTIES = (is_authority, is_review_body)


@dataclass(frozen=True)
class Declaration:
    action: Action
    parties: tuple  # predicates (application, user) -> bool; one must hold
    serious: bool
    sources: frozenset  # the states it may be taken in
    target: str | None  # None: the state does not change
    page: str | None  # the applicant's page for it: the URL name in the applications namespace
    link: str | None  # the label of the link to that page on the progress page; None: no link
    primary: bool

    @property
    def for_staff(self):
        return any(party in STAFF_PARTIES for party in self.parties)

    @property
    def for_applicant(self):
        return is_applicant in self.parties


@functools.cache
def declarations():
    """{Action: Declaration} in the order of `Action` (the order of the process), one per transition
    method on Application; django-fsm holds one Transition per source state, with the same custom."""
    by_name = {}
    for transition in Application._meta.get_field("state").get_all_transitions(Application):
        by_name.setdefault(transition.name, []).append(transition)
    result = {}
    for name, transitions in by_name.items():
        custom = transitions[0].custom
        if custom.get("action") != name or not custom.get("parties"):
            raise ImproperlyConfigured(
                f"Application.{name}: its @transition needs custom={{'action': Action.{name.upper()}, 'parties': ...}}"
            )
        result[Action(name)] = Declaration(
            action=Action(name),
            parties=tuple(custom["parties"]),
            serious=custom.get("serious", False),
            sources=frozenset(t.source for t in transitions),
            target=transitions[0].target,
            page=custom.get("page"),
            link=custom.get("link"),
            primary=custom.get("primary", True),
        )
    return {action: result[action] for action in Action if action in result}


def declaration(action):
    return declarations()[Action(action)]


def parties(action):
    return declaration(action).parties


def staff_actions():
    """The actions a staff party takes part in, in the order of the process."""
    return [action for action, facts in declarations().items() if facts.for_staff]


def serious_actions():
    return frozenset(action for action, facts in declarations().items() if facts.serious)


def applicant_links():
    """The applicant's actions with a link on the progress page: what they have to do first, then
    what is merely offered, each in the order of the process. Actions sharing a page come in that
    order too, so the page's link is labelled after the first one available."""
    linked = [facts for facts in declarations().values() if facts.for_applicant and facts.link]
    return sorted(linked, key=lambda facts: not facts.primary)
