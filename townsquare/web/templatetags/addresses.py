"""Addresses every page prints, worked out once rather than on each page: ``{% address 'name' arg %}`` (as
``{% url %}``; each reversal cost 30 to 90 µs, the base template has five) and ``{% asset 'path' %}`` (as
``{% static %}``, about 20 µs each, the base template has five).

A reversal is kept per name, arguments and script prefix (the project sets no URLconf per request); a
static file's address per path, forgotten when a test changes the settings it comes from."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

register = template.Library()


@lru_cache(maxsize=4096)
def _reversed(name: str, args: tuple[str, ...], prefix: str) -> str:
    return reverse(name, args=args)


@register.simple_tag
def address(name: str, *args: Any) -> str:
    """The address of the view ``name`` with ``args``, as ``{% url name args %}`` gives it."""
    return _reversed(name, tuple(str(arg) for arg in args), get_script_prefix())


@lru_cache(maxsize=1024)
def _asset(path: str) -> str:
    return static(path)


@register.simple_tag
def asset(path: str) -> str:
    """The address of the static file ``path``, as ``{% static path %}`` gives it."""
    return _asset(path)


def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in ("STATIC_URL", "STORAGES", "FORCE_SCRIPT_NAME", "ROOT_URLCONF"):
        _asset.cache_clear()
        _reversed.cache_clear()


setting_changed.connect(_forget, dispatch_uid="townsquare-addresses-forget")
