from django.urls import include, path

from townsquare.accounts.oidc import oidc_urls

urlpatterns = [
    # The inbox first: its list is the page asked for most, and patterns are tried in order (none overlap).
    path("", include("townsquare.inbox.urls")),
    path("", include("townsquare.web.urls")),
    path("", include("townsquare.accounts.urls")),
    path("", include("townsquare.councils.urls")),
    path("", include("townsquare.channels.urls")),
    path("", include("townsquare.audit.urls")),
    path("", include("townsquare.notifications.urls")),
    path("api/", include("townsquare.api.urls")),
    path("", include("townsquare.connectors.urls")),
    path("", include("townsquare.publishing.urls")),
    path("", include("townsquare.policy.urls")),
    path("", include("townsquare.governance.urls")),
    path("", include("townsquare.meetings.urls")),
    path("", include("townsquare.learning.urls")),
    path("", include("townsquare.measures.urls")),
    path("", include("townsquare.partners.urls")),
    path("", include("townsquare.listening.urls")),
    path("", include("townsquare.alerts.urls")),
    path("", include("townsquare.archive.urls")),
    path("", include("townsquare.disclosure.urls")),
    *oidc_urls(),
]

# Under /api/ each answers JSON; elsewhere the site's own pages.
handler400 = "townsquare.api.errors.bad_request"
handler403 = "townsquare.api.errors.forbidden"
handler404 = "townsquare.api.errors.not_found"
handler500 = "townsquare.api.errors.server_error"
