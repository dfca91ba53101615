"""The demo loads both modules, and the councillor and the service officer have them due."""

from __future__ import annotations

from townsquare.accounts.models import User
from townsquare.councils.models import Council
from townsquare.learning.selectors import modules_for


def test_the_demo_modules_are_due(demo_loaded: None) -> None:
    riverside = Council.objects.get(slug="riverside")
    officer = modules_for(user=User.objects.get(email="officer@riverside.example"), council=riverside)
    councillor = modules_for(user=User.objects.get(email="councillor@riverside.example"), council=riverside)
    assert [(s.module.slug, s.state, s.version.number) for s in officer] == [("staff-social-media", "due_soon", 2)]  # type: ignore[union-attr]
    assert [(s.module.slug, s.state) for s in councillor] == [("councillor-social-media", "due")]
    assert all(s.due_on is not None for s in officer + councillor)
