import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from townsquare.jobs.heap import heap_settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
application = get_wsgi_application()
# Every view imported as the worker starts, not by the first person it serves (about a second).
VIEWS = get_resolver().url_patterns
heap_settle()  # what the worker keeps is set aside from the garbage collector's full collections
