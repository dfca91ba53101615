import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
application = get_wsgi_application()
# Every view imported as the worker starts, not by the first person it serves (about a second).
VIEWS = get_resolver().url_patterns
