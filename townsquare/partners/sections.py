"""The sections of the combined view, and the one place a new capability plugs into it.

Each section says which permissions include a council in it and what its attention tiles are at
one council. The combined home page asks every registered section for each of the person's
councils, so a capability adds itself with one ``section_register`` call (in its ``AppConfig.ready``,
or below when it is one of the built-in ones, as the inbox is) and one combined page listing
``CouncilRow`` items, without touching this package's pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from townsquare.channels.models import Channel
from townsquare.channels.selectors import channels_visible_to, rationalisation_shortfall_count
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm


@dataclass(frozen=True)
class Tile:
    """One figure on the home page, linking to the page that lists what it counts."""

    figure: int
    label: str
    url: str
    tone: str = ""  # "" (calm), "warn" or "alert" when the figure is not zero


@dataclass(frozen=True)
class CouncilRow:
    """One item of a combined list: every row names its council (the inbox lists these too)."""

    council: Council
    item: Any


TileSource = Callable[[Any, Council, frozenset[str]], list[Tile]]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    perms: frozenset[str]  # holding any of these at a council puts that council in the section
    tiles: TileSource
    combined_url: str = ""  # the URL name of the section's combined page, if it has one
    order: int = 100
    extra: dict[str, Any] = field(default_factory=dict)


_SECTIONS: dict[str, Section] = {}


def section_register(section: Section) -> None:
    """Add (or replace) a section; later capabilities call this from ``AppConfig.ready``."""
    _SECTIONS[section.key] = section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


# --- the sections that exist today -------------------------------------------------------------------


def _channel_tiles(user: Any, council: Council, perms: frozenset[str]) -> list[Tile]:
    visible = channels_visible_to(user=user, council=council, perms=perms)
    register = reverse("channels:register", args=[council.slug])
    tiles = [
        Tile(visible.exclude(status=Channel.Status.CLOSED).count(), "open channels", f"{register}?status=active"),
        Tile(
            visible.filter(connection_state=Channel.Connection.NEEDS_RECONNECTING).count(),
            "channels need reconnecting",
            register,
            "alert",
        ),
    ]
    if Perm.VIEW_REGISTER in perms:
        tiles.append(
            Tile(
                rationalisation_shortfall_count(council=council),
                "channels failing a register standard",
                reverse("channels:rationalisation", args=[council.slug]),
                "warn",
            )
        )
    return tiles


def _publishing_tiles(user: Any, council: Council, perms: frozenset[str]) -> list[Tile]:
    from townsquare.publishing.selectors import attention_counts

    counts = attention_counts(user=user, council=council, perms=perms)
    tiles = []
    if Perm.APPROVE_POSTS in perms:
        tiles.append(
            Tile(
                counts["waiting"],
                "posts waiting for approval",
                reverse("publishing:queue", args=[council.slug]),
                "warn",
            )
        )
    tiles.append(
        Tile(
            counts["trouble"],
            "posts failed or unconfirmed",
            reverse("publishing:list", args=[council.slug]) + "?show=trouble",
            "alert",
        )
    )
    return tiles


def _governance_tiles(user: Any, council: Council, perms: frozenset[str]) -> list[Tile]:
    from townsquare.governance.selectors import acknowledgements_waiting_for, policies_review_due, training_states

    total = len(acknowledgements_waiting_for(user=user, council=council))
    total += sum(1 for s in training_states(user=user, council=council) if s.state != "current")
    label = "governance items for you: policies to acknowledge, training due"
    if Perm.MANAGE_GOVERNANCE in perms:
        total += len(policies_review_due(council=council))
        label += ", reviews falling due"
    return [Tile(total, label, reverse("governance:home", args=[council.slug]), "warn")]


def _inbox_tiles(user: Any, council: Council, perms: frozenset[str]) -> list[Tile]:
    from townsquare.inbox.models import ReceivedItem
    from townsquare.inbox.selectors import items_visible_to

    visible = items_visible_to(user=user, council=council, perms=perms)
    inbox = reverse("inbox:inbox", args=[council.slug])
    open_items = visible.exclude(status=ReceivedItem.Status.RESOLVED)
    return [
        Tile(visible.filter(status=ReceivedItem.Status.NEW).count(), "new items in the inbox", f"{inbox}?status=new"),
        Tile(
            open_items.filter(risk="urgent").count(),
            "urgent inbox items not resolved (safeguarding, threats)",
            reverse("partners:inbox") + f"?council={council.slug}&risk=urgent&unresolved=1",
            "alert",
        ),
    ]


def register_builtin_sections() -> None:
    section_register(
        Section(
            "channels",
            "Channels",
            frozenset({Perm.VIEW_ASSIGNED_CHANNELS}),
            _channel_tiles,
            "partners:channels",
            order=10,
        )
    )
    section_register(
        Section(
            "publishing",
            "Posts",
            frozenset({Perm.DRAFT_POSTS, Perm.APPROVE_POSTS}),
            _publishing_tiles,
            "partners:approvals",
            order=20,
        )
    )
    section_register(
        Section("inbox", "Inbox", frozenset({Perm.VIEW_ASSIGNED_CHANNELS}), _inbox_tiles, "partners:inbox", order=30)
    )
    section_register(Section("governance", "Governance", frozenset({Perm.VIEW_COUNCIL}), _governance_tiles, order=40))
