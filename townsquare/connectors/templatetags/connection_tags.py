"""``{% connection_health channel as health %}`` for the channel page's connection panel."""

from __future__ import annotations

from django import template

from townsquare.channels.models import Channel
from townsquare.connectors.selectors import Health, connection_health

register = template.Library()


@register.simple_tag
def connection_health_for(channel: Channel) -> Health:
    return connection_health(channel=channel)
