"""What dispatch tells the rest of Townsquare.

``targets_published`` is sent inside the transaction that records targets as published, with
``targets`` (a list of ``PostTarget``, each with its post loaded): a receiver's writes commit or
roll back with the record itself. Receivers must be quick: they run on the dispatch path.
"""

from __future__ import annotations

from django.dispatch import Signal

targets_published = Signal()
