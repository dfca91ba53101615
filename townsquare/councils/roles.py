"""Roles a person holds in a council, and what each role may do.

The whole permission matrix lives here so that pages, the API and tests read the same rules.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    COMMS = "comms", "Communications officer"
    OFFICER = "officer", "Service officer"
    COUNCILLOR = "councillor", "Councillor"
    AUDITOR = "auditor", "Auditor"
    GOVERNANCE = "governance", "Information governance officer"


class Perm(models.TextChoices):
    VIEW_COUNCIL = "view_council", "See the council's home page"
    VIEW_REGISTER = "view_register", "See the whole channel register"
    VIEW_ASSIGNED_CHANNELS = "view_assigned_channels", "See the channels assigned to them"
    MANAGE_CHANNELS = "manage_channels", "Add, change, import and close channels"
    MANAGE_PEOPLE = "manage_people", "Give and remove roles"
    MANAGE_SETTINGS = "manage_settings", "Change the council's settings"
    VIEW_AUDIT = "view_audit", "Read and export the audit trail"
    DRAFT_POSTS = "draft_posts", "Draft posts for assigned channels"
    APPROVE_POSTS = "approve_posts", "Approve and schedule posts"
    VIEW_REPORTS = "view_reports", "Read dashboards and reports"
    MANAGE_GOVERNANCE = "manage_governance", "Keep policies, action plans and training registers"
    REPLY_UNAPPROVED = "reply_unapproved", "Send inbox replies without approval (policy checks still apply)"
    VIEW_ARCHIVE = "view_archive", "Search the archive of what was sent and received"
    MANAGE_RECORDS = "manage_records", "Set retention, place legal holds and run disposal"
    MANAGE_REQUESTS = "manage_requests", "Keep the register of FOI, EIR and subject access requests"


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            Perm.VIEW_COUNCIL,
            Perm.VIEW_REGISTER,
            Perm.VIEW_ASSIGNED_CHANNELS,
            Perm.MANAGE_CHANNELS,
            Perm.MANAGE_PEOPLE,
            Perm.MANAGE_SETTINGS,
            Perm.VIEW_AUDIT,
            Perm.VIEW_REPORTS,
            Perm.MANAGE_GOVERNANCE,
            Perm.MANAGE_REQUESTS,
        }
    ),
    Role.COMMS: frozenset(
        {
            Perm.VIEW_COUNCIL,
            Perm.VIEW_REGISTER,
            Perm.VIEW_ASSIGNED_CHANNELS,
            Perm.MANAGE_CHANNELS,
            Perm.DRAFT_POSTS,
            Perm.APPROVE_POSTS,
            Perm.VIEW_REPORTS,
            Perm.MANAGE_GOVERNANCE,
            Perm.REPLY_UNAPPROVED,
            Perm.VIEW_ARCHIVE,
            Perm.MANAGE_REQUESTS,
        }
    ),
    Role.OFFICER: frozenset({Perm.VIEW_COUNCIL, Perm.VIEW_ASSIGNED_CHANNELS, Perm.DRAFT_POSTS, Perm.VIEW_ARCHIVE}),
    Role.COUNCILLOR: frozenset({Perm.VIEW_COUNCIL, Perm.VIEW_REPORTS}),
    Role.AUDITOR: frozenset(
        {
            Perm.VIEW_COUNCIL,
            Perm.VIEW_REGISTER,
            Perm.VIEW_ASSIGNED_CHANNELS,
            Perm.VIEW_AUDIT,
            Perm.VIEW_ARCHIVE,
            Perm.MANAGE_RECORDS,
            Perm.MANAGE_REQUESTS,
        }
    ),
    Role.GOVERNANCE: frozenset(
        {
            Perm.VIEW_COUNCIL,
            Perm.VIEW_REGISTER,
            Perm.VIEW_ASSIGNED_CHANNELS,
            Perm.VIEW_ARCHIVE,
            Perm.MANAGE_RECORDS,
            Perm.MANAGE_REQUESTS,
            Perm.VIEW_AUDIT,
        }
    ),
}


def permissions_for(roles: set[str] | frozenset[str]) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)
