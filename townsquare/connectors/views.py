"""Pages for connecting, reconnecting and disconnecting a channel.

Each page checks the permission (no role at the council: 404; role too low: 403) and calls one
service. OAuth 2 keeps its ``state`` (and PKCE verifier) in the person's session and checks it on
the way back; a secret typed into a form is sent to the platform and never shown again.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from townsquare.channels.models import Channel
from townsquare.connectors.base import Connector, ConnectorError
from townsquare.connectors.forms import ConfirmForm, SecretForm
from townsquare.connectors.registry import connector_class
from townsquare.connectors.selectors import connection_health
from townsquare.connectors.services import (
    connection_connect_with_secret,
    connection_disconnect,
    connection_oauth_begin,
    connection_oauth_complete,
)
from townsquare.councils.access import council_for, council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm

log = logging.getLogger(__name__)
OAUTH_SESSION_KEY = "connectors_oauth"


def _channel(council: Council, pk: int) -> Channel:
    return get_object_or_404(Channel, council=council, pk=pk)


def _connector_class(channel: Channel) -> type[Connector] | None:
    try:
        return connector_class(channel.platform)
    except LookupError:
        return None


def oauth_redirect_uri() -> str:
    """The one callback address to register with each platform's app."""
    return f"{settings.TOWNSQUARE_BASE_URL}{reverse('connectors:oauth_callback')}"


@council_view(Perm.MANAGE_CHANNELS)
def connect(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    channel = _channel(council, pk)
    cls = _connector_class(channel)
    context: dict[str, Any] = {"channel": channel, "health": connection_health(channel=channel)}
    if cls is None:
        return render(request, "connectors/unsupported.html", context)
    if cls.auth_method == "oauth2":
        if request.method == "POST":
            try:
                start = connection_oauth_begin(channel=channel, redirect_uri=oauth_redirect_uri())
            except (ConnectorError, NotImplementedError) as exc:
                context["error"] = getattr(exc, "message", "") or "This platform's app is not set up on this server."
                return render(request, "connectors/connect_oauth.html", context)
            pending = request.session.get(OAUTH_SESSION_KEY, {})
            pending[start.state] = {"council": council.slug, "channel": channel.pk, "verifier": start.code_verifier}
            request.session[OAUTH_SESSION_KEY] = dict(list(pending.items())[-5:])
            return redirect(start.url)
        return render(request, "connectors/connect_oauth.html", context)
    form = SecretForm(
        request.POST or None,
        auth_method=cls.auth_method,
        needs_base_url=cls.needs_base_url,
        default_base_url=cls.default_base_url,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            connection_connect_with_secret(
                actor=request.user,  # type: ignore[arg-type]
                channel=channel,
                identifier=data["identifier"],
                secret=data["secret"],  # type: ignore[arg-type]
                base_url=data.get("base_url") or (data["identifier"] if cls.needs_base_url else ""),
            )
        except ConnectorError as error:
            log.info("connecting channel %s failed: %s", channel.pk, error.kind)
            form.add_error(None, f"The platform refused: {error.message}")
        else:
            messages.success(request, f"{channel.name} is connected.")
            return redirect("channels:detail", slug=council.slug, pk=channel.pk)
    context.update(form=form, connector=cls)
    return render(request, "connectors/connect_secret.html", context)


@require_GET
@login_required
def oauth_callback(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    pending = request.session.get(OAUTH_SESSION_KEY, {})
    started = pending.pop(state, None) if state else None
    request.session[OAUTH_SESSION_KEY] = pending
    if started is None:
        return render(
            request,
            "connectors/oauth_failed.html",
            {
                "problem": "This sign-in was not started here, or it has already been used. Start connecting again.",
            },
            status=400,
        )
    council = council_for(request.user, started["council"], Perm.MANAGE_CHANNELS)
    channel = _channel(council, int(started["channel"]))
    context: dict[str, Any] = {"council": council, "channel": channel}
    if request.GET.get("error") or not request.GET.get("code"):
        context["problem"] = "The platform did not grant access" + (
            f": {request.GET.get('error_description') or request.GET.get('error')}."
            if request.GET.get("error")
            else "."
        )
        return render(request, "connectors/oauth_failed.html", context, status=400)
    try:
        connection_oauth_complete(
            actor=request.user,  # type: ignore[arg-type]
            channel=channel,
            code=request.GET["code"],  # type: ignore[arg-type]
            redirect_uri=oauth_redirect_uri(),
            code_verifier=started.get("verifier", ""),
        )
    except ConnectorError as error:
        context["problem"] = f"The platform refused: {error.message}"
        return render(request, "connectors/oauth_failed.html", context, status=400)
    messages.success(request, f"{channel.name} is connected.")
    return redirect("channels:detail", slug=council.slug, pk=channel.pk)


@council_view(Perm.MANAGE_CHANNELS)
def disconnect(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    channel = _channel(council, pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        connection_disconnect(actor=request.user, channel=channel, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        messages.success(request, f"{channel.name} is disconnected. Its credentials have been deleted.")
        return redirect("channels:detail", slug=council.slug, pk=channel.pk)
    return render(request, "connectors/disconnect.html", {"channel": channel, "form": form})
