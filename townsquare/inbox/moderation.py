"""Hiding a resident's comment on the platform, where the platform lets the account do so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from townsquare.audit.services import audit_record
from townsquare.connectors.base import ConnectorError
from townsquare.connectors.registry import connector_class
from townsquare.connectors.services import connector_for
from townsquare.councils.access import perms_in
from townsquare.councils.roles import Perm
from townsquare.inbox.models import ItemTag, ReceivedItem

if TYPE_CHECKING:
    from townsquare.accounts.models import User

HIDDEN_TAG = "hidden on the platform"


def hide_refusal(item: ReceivedItem) -> str:
    """Why the item's platform does not let Townsquare hide it; empty where it does."""
    if item.kind == "direct_message":
        return "A private message cannot be hidden: only replies and comments can."
    try:
        return connector_class(item.channel.platform).hide_refusal
    except LookupError:
        return "Townsquare has no connector for this platform."


def item_hide(*, actor: User, item: ReceivedItem, reason: str) -> None:
    """Hide the comment on the platform (a communications officer, with a reason); audited and tagged."""
    if Perm.APPROVE_POSTS not in perms_in(actor, item.council):
        raise PermissionDenied("Only the communications team hides residents' comments.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the comment is hidden: the reason is kept in the audit trail.")
    if refusal := hide_refusal(item):
        raise ValidationError(refusal)
    try:
        connector_for(item.channel).hide_comment(external_id=item.external_id, raw=item.raw)
    except ConnectorError as error:
        raise ValidationError(f"The platform did not hide it: {error.message}") from error
    with transaction.atomic():
        ItemTag.objects.get_or_create(item=item, name=HIDDEN_TAG)
        audit_record(
            actor=actor, council=item.council, action="inbox.hidden", obj=item, after={"hidden": True}, reason=reason
        )
