"""Changes to councils and roles; each writes its audit event in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from townsquare.audit.services import audit_record, snapshot
from townsquare.councils.models import Council, Membership, Service
from townsquare.councils.roles import Role

if TYPE_CHECKING:
    from townsquare.accounts.models import User

COUNCIL_SETTINGS = ["name", "brand_colour", "require_two_factor", "dormant_after_days", "in_wales"]


def membership_grant(*, actor: User | None, council: Council, user: User, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError(f"{role!r} is not a role.")
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(council=council, user=user, role=role)
        if created:
            audit_record(
                actor=actor,
                council=council,
                action="role.granted",
                obj=membership,
                after={"user": user.email, "role": role},
            )
    return membership


def membership_revoke(*, actor: User | None, membership: Membership, reason: str = "") -> None:
    council = membership.council
    if membership.role == Role.ADMIN and council.memberships.filter(role=Role.ADMIN).count() == 1:
        raise ValidationError("A council must keep at least one administrator.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=council,
            action="role.revoked",
            obj=membership,
            before={"user": membership.user.email, "role": membership.role},
            reason=reason,
        )
        membership.delete()


def council_update(*, actor: User, council: Council, changes: dict[str, Any]) -> Council:
    before = snapshot(council, COUNCIL_SETTINGS)
    for field, value in changes.items():
        if field not in COUNCIL_SETTINGS:
            raise ValidationError(f"{field} cannot be changed here.")
        setattr(council, field, value)
    council.full_clean()
    with transaction.atomic():
        council.save()
        after = snapshot(council, COUNCIL_SETTINGS)
        if after != before:
            audit_record(
                actor=actor, council=council, action="council.updated", obj=council, before=before, after=after
            )
    return council


def service_get_or_create(*, actor: User | None, council: Council, name: str) -> Service:
    name = name.strip()
    with transaction.atomic():
        service, created = Service.objects.get_or_create(council=council, name=name)
        if created:
            audit_record(actor=actor, council=council, action="service.created", obj=service, after={"name": name})
    return service
