"""A person records what they found on the platform about a change it did not confirm.

Where the platform's answers cannot settle an ``UnconfirmedChange`` (it lets no one read the post, or the
post is beyond what it shows), a communications officer looks on the platform and records "the change was
made" or "was not made", with a note saying what they saw. It is settled exactly as a reading of the
account would have settled it (``change_settle``: the channel's wording, the archive and the audit event
together when made), and audited as theirs, with the note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from townsquare.publishing.models import UnconfirmedChange
from townsquare.publishing.published_changes import MAX_REASON, published_change_refusal
from townsquare.publishing.published_unconfirmed import change_settle

if TYPE_CHECKING:
    from townsquare.accounts.models import User

MAX_NOTE = MAX_REASON
Outcome = UnconfirmedChange.Outcome


def _found(change: UnconfirmedChange, made: bool) -> str:
    if change.kind == UnconfirmedChange.Kind.EDIT:
        return "the change was made" if made else "the change was not made"
    return "the post was deleted" if made else "the post was not deleted"


def unconfirmed_record(*, actor: User, change: UnconfirmedChange, made: bool, note: str) -> str:
    """Settle the pending ``change`` as ``actor`` found it on the platform: ``made`` or not, ``note`` saying
    what they saw. Returns what was recorded, in plain words; raises ValidationError (nothing recorded) for
    a missing note or a change no longer pending, PermissionDenied for someone who may not change the post."""
    target = change.target
    refusal = published_change_refusal(user=actor, target=target)
    if refusal:
        raise PermissionDenied(refusal)
    note = note.strip()
    if not note:
        raise ValidationError("Say what you saw on the platform: the note is kept in the audit trail.")
    if len(note) > MAX_NOTE:
        raise ValidationError(f"The note must be {MAX_NOTE} characters or fewer.")
    if change.outcome != Outcome.PENDING:
        raise ValidationError("There is no unconfirmed change to record: it has been settled.")
    platform = target.channel.get_platform_display()
    found = _found(change, made)
    now = timezone.now()
    how = f"{actor.email} checked on {platform} and recorded that {found} ({now:%d %b %Y %H:%M} UTC): {note}"
    outcome = Outcome.MADE if made else Outcome.NOT_MADE
    if not change_settle(change, outcome, how=how, at=now, by=actor, note=note):
        if UnconfirmedChange.objects.filter(pk=change.pk, outcome=Outcome.PENDING).exists():
            raise ValidationError("Someone else has just changed this post: nothing was recorded. Look again.")
        raise ValidationError("The change was settled meanwhile: nothing was recorded. Look again.")
    if not made:
        return f"Recorded: {found} on {platform}. Townsquare keeps the post as it was."
    kept = "both versions" if change.kind == UnconfirmedChange.Kind.EDIT else "what it said"
    return f"Recorded: {found} on {platform}. The archive keeps {kept}."
