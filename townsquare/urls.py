from importlib.util import find_spec

from django.conf import settings
from django.urls import include, path

from townsquare.accounts.oidc import oidc_urls

urlpatterns = [
    path("", include("townsquare.web.urls")),
    path("", include("townsquare.accounts.urls")),
    path("", include("townsquare.councils.urls")),
    path("", include("townsquare.channels.urls")),
    path("", include("townsquare.audit.urls")),
    path("", include("townsquare.notifications.urls")),
    path("api/", include("townsquare.api.urls")),
]
# Capability apps that land later bring their own urls.py (pages under /c/<slug>/...).
for app in ("connectors", "publishing", "policy", "governance", "meetings", "partners"):
    if f"townsquare.{app}" in settings.INSTALLED_APPS and find_spec(f"townsquare.{app}.urls"):
        urlpatterns.append(path("", include(f"townsquare.{app}.urls")))
urlpatterns += oidc_urls()

handler403 = "townsquare.web.errors.forbidden"
handler404 = "townsquare.web.errors.not_found"
handler500 = "townsquare.web.errors.server_error"
