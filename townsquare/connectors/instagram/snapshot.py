"""What an Instagram account's daily snapshot asks Graph for beyond the followers (see
``connectors.facebook.snapshot``): the day's insights as totals and the recent media's reach."""

from __future__ import annotations

from townsquare.connectors.facebook.snapshot import Parts

INSTAGRAM = Parts(
    insights={
        "reach": "reach",
        "profile_views": "profile_views",
        "total_interactions": "engagements",
        "views": "impressions",
    },
    insights_params={"period": "day", "metric_type": "total_value"},
    insights_what="the account's insights (reach, profile views, interactions and views)",
    insights_refused=(
        "Instagram did not let Townsquare read the account's insights: the connection is missing a "
        "permission (instagram_manage_insights), or Townsquare's app does not have it. Followers are still "
        "measured; reach, profile views, interactions and views are not. Reconnect the account and grant "
        "every permission asked for."
    ),
    posts_edge="media",
    posts_fields="id,timestamp,insights.metric(reach)",  # accounts that saw each media object
    posts_refused=(
        "Instagram did not let Townsquare read the posts' reach: the connection is missing a permission "
        "(instagram_manage_insights), or Townsquare's app does not have it. Followers are still measured; "
        "posts stay published, not measured. Reconnect the account and grant every permission asked for."
    ),
)
