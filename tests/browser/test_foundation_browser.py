"""The foundation's pages in a real browser: every demo role walks what it can reach.

Each page is checked with axe-core against WCAG 2.2 A and AA (zero violations) and the main pages
are saved as screenshots. Also: the branding is the council's, not GOV.UK's; people see only
what their role allows; pages reflow on a phone without sideways scrolling.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, FilePayload, Page, expect

from tests.foundation.test_sign_in import _code
from townsquare.accounts.models import User
from townsquare.api.models import ApiToken
from townsquare.audit.selectors import audit_events_for
from townsquare.channels.models import Channel
from townsquare.councils.models import Council

pytestmark = pytest.mark.browser

Check = Callable[[Page], None]
Shot = Callable[..., Path]

RIVERSIDE = "/c/riverside"
HILLCREST = "/c/hillcrest"
BAD_CSV = (
    "platform,name,handle,owner_email\n"
    "facebook,Riverside Parks,RiversideParks,comms@riverside.example\n"
    "myspace,Riverside Retro,RiversideRetro,\n"
    "x,Riverside Events,@RiversideEvents,nobody@elsewhere.example\n"
)


def visit(page: Page, path: str, heading: str, status: int = 200) -> None:
    """Open ``path`` and check the answer's status and the page's main heading."""
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}, expected {status}"
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_council_branding(page)


def assert_council_branding(page: Page) -> None:
    """A council is not GOV.UK: no crown, no GOV.UK logotype, no Transport font."""
    assert page.locator("svg.govuk-header__logotype, .govuk-header__logotype, [class*='crown']").count() == 0
    assert "GOV.UK" not in page.locator("header").first.inner_text()
    font = page.evaluate("() => getComputedStyle(document.querySelector('main p') || document.body).fontFamily")
    assert "GDS Transport" not in font, font


def nav_links(page: Page) -> list[str]:
    return [t.strip() for t in page.locator(".govuk-service-navigation__link").all_inner_texts()]


def channel(name: str) -> Channel:
    return Channel.objects.get(council__slug="riverside", name=name)


def test_sign_in_page_is_branded_for_the_council_and_accessible(
    page: Page, demo_data: None, axe_check: Check, screenshot: Shot
) -> None:
    fonts: list[str] = []
    page.on("request", lambda request: fonts.append(request.url) if request.resource_type == "font" else None)
    response = page.goto(f"{RIVERSIDE}/channels/")
    assert response is not None
    assert "/sign-in/" in page.url, "a signed-out person is sent to sign in"
    visit(page, "/sign-in/", "Sign in to Townsquare")
    axe_check(page)
    screenshot(page, "sign-in")

    # The compiled stylesheet really loaded: the header carries the brand colour from it.
    sheet_rules = page.evaluate(
        "() => [...document.styleSheets].filter(s => (s.href || '').includes('townsquare.css'))"
        ".map(s => s.cssRules.length)"
    )
    assert sheet_rules and sheet_rules[0] > 100
    header = page.locator("header").first
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(29, 92, 77)"
    assert "GOV.UK" not in header.inner_text()
    body_font = page.evaluate("() => getComputedStyle(document.querySelector('main p') || document.body).fontFamily")
    assert "GDS Transport" not in body_font
    assert "arial" in body_font.lower()
    assert page.locator("svg.govuk-header__logotype, [class*='crown'], [aria-label*='GOV.UK']").count() == 0
    assert fonts == [], "no web fonts: GOV.UK's Transport font is for GOV.UK only"

    page.get_by_label("Email address").fill("comms@riverside.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct email address and password")
    axe_check(page)


def test_administrator_walks_every_page(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Shot
) -> None:
    sign_in(page, "admin@riverside.example")
    visit(page, "/", "Your councils")
    expect(page.get_by_role("link", name="Hillcrest District Council")).to_be_visible()
    axe_check(page)
    screenshot(page, "home")

    page.get_by_role("link", name="Riverside District Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside District Council")
    header = page.locator("header").first
    expect(header).to_contain_text("Riverside District Council")
    assert {"Home", "Channels", "Audit trail", "People", "Settings"} <= set(nav_links(page))
    expect(header.get_by_role("link", name="Switch council")).to_be_visible()
    axe_check(page)
    screenshot(page, "council-home")

    page.get_by_role("link", name="Channels", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Channel register")
    total = Channel.objects.filter(council__slug="riverside").count()
    expect(page.locator("caption")).to_have_text(f"{total} channels")
    axe_check(page)
    screenshot(page, "channel-register")

    page.get_by_label("Platform").select_option(label="Facebook")
    page.get_by_label("Status").select_option(label="Active")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"platform=facebook.*status=active|status=active.*platform=facebook"))
    rows = page.locator("tbody tr")
    expected = Channel.objects.filter(council__slug="riverside", platform="facebook", status="active").count()
    expect(rows).to_have_count(expected)
    axe_check(page)
    screenshot(page, "channel-register-filtered")

    page.get_by_role("link", name="Riverside Waste and Recycling").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Waste and Recycling")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    axe_check(page)
    screenshot(page, "channel-detail")

    page.get_by_role("link", name="Change Riverside Waste and Recycling").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Riverside Waste and Recycling")
    axe_check(page)
    screenshot(page, "channel-edit")

    visit(page, f"{RIVERSIDE}/channels/new/", "Add a channel")
    axe_check(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe_check(page)
    screenshot(page, "channel-new-errors")
    page.get_by_label("Name", exact=True).fill("Riverside Parks")
    page.get_by_label("Platform", exact=True).select_option(label="Facebook")
    page.get_by_label("Handle", exact=True).fill("RiversideParks")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Riverside Parks saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Parks")
    axe_check(page)

    visit(page, f"{RIVERSIDE}/channels/rationalisation/", "Rationalisation")
    expect(page.locator("tbody")).to_contain_text("Riverside Leisure Centre")
    axe_check(page)
    screenshot(page, "rationalisation")

    visit(page, f"{RIVERSIDE}/channels/import/", "Import channels from a CSV file")
    axe_check(page)
    before = Channel.objects.filter(council__slug="riverside").count()
    page.get_by_label("CSV file").set_input_files(
        files=FilePayload(name="channels.csv", mimeType="text/csv", buffer=BAD_CSV.encode())
    )
    page.get_by_role("button", name="Import").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Nothing was imported")
    expect(summary).to_contain_text("Row 3: 'myspace' is not a platform")
    expect(summary).to_contain_text("Row 4: owner_email: nobody@elsewhere.example has no role")
    assert Channel.objects.filter(council__slug="riverside").count() == before
    axe_check(page)
    screenshot(page, "channel-import-errors")

    visit(page, f"{RIVERSIDE}/people/", "People and roles")
    expect(page.locator("tbody")).to_contain_text("officer@riverside.example")
    axe_check(page)
    screenshot(page, "people")
    page.get_by_role("button", name="Give role").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe_check(page)

    visit(page, f"{RIVERSIDE}/settings/", "Council settings")
    axe_check(page)
    screenshot(page, "council-settings")

    visit(page, f"{RIVERSIDE}/audit/", "Audit trail")
    axe_check(page)
    screenshot(page, "audit-trail")
    page.locator("tbody details summary").first.click()
    axe_check(page)
    page.get_by_label("What").select_option("role.granted")
    page.get_by_role("button", name="Filter").click()
    grants = audit_events_for(council=Council.objects.get(slug="riverside"), action="role.granted").count()
    expect(page.locator("tbody tr")).to_have_count(grants)
    axe_check(page)

    visit(page, "/notifications/", "Notifications")
    axe_check(page)

    visit(page, "/account/", "Your account")
    axe_check(page)
    screenshot(page, "account")
    expect(page.get_by_text("only a session signed in with two-factor can create one")).to_be_visible()
    page.get_by_role("link", name="Set up two-factor sign-in").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    page.get_by_text("I cannot scan the code").click()
    axe_check(page)
    screenshot(page, "two-factor-setup")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe_check(page)
    pending = TOTPDevice.objects.get(user__email="admin@riverside.example", confirmed=False)
    page.get_by_label("Code from your authenticator app").fill(_code(pending))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in is on")
    expect(page.get_by_text("Your recovery codes")).to_be_visible()
    axe_check(page)
    screenshot(page, "two-factor-recovery-codes")

    visit(page, "/account/", "Your account")
    page.get_by_label("Name of a new token").fill("Reporting spreadsheet")
    page.get_by_role("button", name="Create a token").click()
    expect(page.get_by_text("Your new token")).to_be_visible()
    assert ApiToken.objects.filter(user__email="admin@riverside.example", name="Reporting spreadsheet").exists()
    axe_check(page)
    page.get_by_role("link", name="Manage authenticators and recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    axe_check(page)
    screenshot(page, "two-factor-manage")

    visit(page, "/c/no-such-council/", "Page not found", status=404)
    axe_check(page)
    screenshot(page, "page-not-found")

    visit(page, f"{HILLCREST}/", "Hillcrest District Council")
    header = page.locator("header").first
    expect(header).to_contain_text("Hillcrest District Council")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(74, 47, 122)"
    axe_check(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Townsquare")


def test_communications_officer_manages_channels_but_not_people(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Shot
) -> None:
    sign_in(page, "comms@riverside.example")
    visit(page, f"{RIVERSIDE}/", "Riverside District Council")
    assert "Channels" in nav_links(page)
    assert not {"Audit trail", "People", "Settings"} & set(nav_links(page))
    axe_check(page)

    visit(page, f"{RIVERSIDE}/channels/", "Channel register")
    expect(page.get_by_role("link", name="Add a channel")).to_be_visible()
    axe_check(page)
    visit(page, f"{RIVERSIDE}/channels/{channel('Riverside Council').pk}/edit/", "Change Riverside Council")
    axe_check(page)
    visit(page, f"{RIVERSIDE}/channels/rationalisation/", "Rationalisation")
    axe_check(page)

    for path in ("people/", "settings/", "audit/"):
        visit(page, f"{RIVERSIDE}/{path}", "You cannot do this", status=403)
    axe_check(page)
    screenshot(page, "forbidden")

    visit(page, f"{HILLCREST}/channels/", "Channel register")
    expect(page.locator("tbody tr")).to_have_count(Channel.objects.filter(council__slug="hillcrest").count())
    axe_check(page)


def test_service_officer_sees_only_their_assigned_channels(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Shot
) -> None:
    officer = User.objects.get(email="officer@riverside.example")
    mine = set(
        Channel.objects.filter(council__slug="riverside")
        .filter(Q(assignees=officer) | Q(owner=officer) | Q(deputy=officer))
        .values_list("name", flat=True)
    )
    assert mine == {"Riverside Waste and Recycling", "Riverside Bins on Bluesky"}

    sign_in(page, "officer@riverside.example")
    expect(page).to_have_url(re.compile(f"{RIVERSIDE}/$"))  # one council: straight there
    assert "Channels" in nav_links(page)
    assert not {"Audit trail", "People", "Settings"} & set(nav_links(page))
    expect(page.get_by_role("link", name="Switch council")).to_have_count(0)  # one council only
    axe_check(page)

    page.get_by_role("link", name="Channels", exact=True).click()
    expect(page.get_by_text("You see the channels assigned to you.")).to_be_visible()
    shown = {name.strip() for name in page.locator("tbody td:first-child a").all_inner_texts()}
    assert shown == mine
    axe_check(page)
    screenshot(page, "channel-register-service-officer")

    page.get_by_role("link", name="Riverside Bins on Bluesky").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Bins on Bluesky")
    expect(page.get_by_role("link", name="Change Riverside Bins on Bluesky")).to_have_count(0)
    axe_check(page)

    visit(page, f"{RIVERSIDE}/channels/{channel('Riverside Council').pk}/", "Page not found", status=404)
    visit(page, f"{RIVERSIDE}/channels/rationalisation/", "You cannot do this", status=403)
    visit(page, f"{RIVERSIDE}/channels/new/", "You cannot do this", status=403)
    axe_check(page)


def test_councillor_reads_the_council_home_only(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check
) -> None:
    sign_in(page, "councillor@riverside.example")
    visit(page, f"{RIVERSIDE}/", "Riverside District Council")
    expect(page.locator(".govuk-caption-l")).to_have_text("Councillor")
    assert not {"Channels", "Audit trail", "People", "Settings"} & set(nav_links(page))
    axe_check(page)
    visit(page, f"{RIVERSIDE}/channels/", "You cannot do this", status=403)
    visit(page, f"{RIVERSIDE}/audit/", "You cannot do this", status=403)
    visit(page, "/account/", "Your account")
    expect(page.locator("main")).to_contain_text("Councillor at Riverside District Council")
    axe_check(page)


def test_auditor_reads_the_register_and_the_audit_trail(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Shot
) -> None:
    sign_in(page, "auditor@riverside.example")
    assert {"Channels", "Audit trail"} <= set(nav_links(page))
    assert not {"People", "Settings"} & set(nav_links(page))
    axe_check(page)

    visit(page, f"{RIVERSIDE}/channels/", "Channel register")
    expect(page.get_by_role("link", name="Add a channel")).to_have_count(0)
    axe_check(page)
    visit(page, f"{RIVERSIDE}/channels/{channel('Riverside Leisure Centre').pk}/", "Riverside Leisure Centre")
    expect(page.get_by_role("link", name="Change Riverside Leisure Centre")).to_have_count(0)
    axe_check(page)
    visit(page, f"{RIVERSIDE}/channels/rationalisation/", "Rationalisation")
    axe_check(page)

    visit(page, f"{RIVERSIDE}/audit/", "Audit trail")
    page.get_by_label("Who").fill("admin@riverside.example")
    page.get_by_label("What").select_option("role.granted")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tbody tr").first).to_contain_text("role.granted")
    axe_check(page)
    screenshot(page, "audit-trail-filtered")

    visit(page, f"{RIVERSIDE}/channels/new/", "You cannot do this", status=403)
    visit(page, f"{RIVERSIDE}/people/", "You cannot do this", status=403)


def test_outsider_gets_page_not_found_for_riverside(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check
) -> None:
    sign_in(page, "officer@hillcrest.example")
    expect(page).to_have_url(re.compile(f"{HILLCREST}/$"))
    expect(page.locator("header").first).to_contain_text("Hillcrest District Council")
    axe_check(page)
    visit(page, f"{HILLCREST}/channels/", "Channel register")
    shown = {name.strip() for name in page.locator("tbody td:first-child a").all_inner_texts()}
    assert shown == {"Hillcrest Leisure"}
    axe_check(page)
    page.get_by_role("link", name="Hillcrest Leisure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hillcrest Leisure")
    axe_check(page)
    visit(page, "/account/", "Your account")
    expect(page.locator("main")).to_contain_text("Service officer at Hillcrest District Council")
    expect(page.locator("main")).not_to_contain_text("Riverside")

    waste = channel("Riverside Waste and Recycling").pk
    for path in ("/", "/channels/", f"/channels/{waste}/", "/channels/rationalisation/", "/audit/", "/people/"):
        visit(page, f"{RIVERSIDE}{path}", "Page not found", status=404)
        expect(page.locator("header").first).not_to_contain_text("Riverside")
    axe_check(page)


def test_pages_reflow_on_a_phone(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Shot
) -> None:
    """WCAG 1.4.10: no sideways scrolling of the page at 390 or 320 CSS pixels; wide tables scroll alone."""
    sign_in(page, "admin@riverside.example")
    waste = channel("Riverside Waste and Recycling").pk
    pages = {
        f"{RIVERSIDE}/": "council-home",
        f"{RIVERSIDE}/channels/?platform=facebook": "channel-register",
        f"{RIVERSIDE}/channels/{waste}/": "channel-detail",
        f"{RIVERSIDE}/channels/{waste}/edit/": "channel-edit",
        f"{RIVERSIDE}/channels/rationalisation/": "rationalisation",
        f"{RIVERSIDE}/audit/": "audit-trail",
        f"{RIVERSIDE}/people/": "people",
        "/account/": "account",
    }
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        for path, name in pages.items():
            page.goto(path)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px wide: " + ", ".join(
                page.evaluate(
                    "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
                    "window.innerWidth + 1 && !e.closest('.ts-table-scroll')).map(e => e.tagName + '.' + e.className)"
                )
            )
            if width == 390:
                axe_check(page)
                if name in {"council-home", "channel-register", "audit-trail", "people"}:
                    screenshot(page, f"{name}-phone", width=390)
    page.goto(f"{RIVERSIDE}/")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("link", name="Audit trail")).to_be_visible()
    axe_check(page)


def test_saving_a_channel_unchanged_keeps_its_dates_and_two_factor(
    page: Page, demo_data: None, sign_in: Callable[..., None]
) -> None:
    waste = channel("Riverside Waste and Recycling")
    assert waste.digital_access_confirmed_on and waste.branding_checked_on and waste.platform_two_factor
    sign_in(page, "comms@riverside.example")
    page.goto(f"{RIVERSIDE}/channels/{waste.pk}/edit/")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Riverside Waste and Recycling saved.")
    saved = channel("Riverside Waste and Recycling")
    assert (saved.digital_access_confirmed_on, saved.branding_checked_on, saved.platform_two_factor) == (
        waste.digital_access_confirmed_on,
        waste.branding_checked_on,
        waste.platform_two_factor,
    )


def test_axe_check_fails_on_an_inaccessible_page(browser: Browser, axe_check: Check) -> None:
    """The harness itself: a page with an unlabelled field and an image without text must fail."""
    page = browser.new_page()
    try:
        page.set_content(
            '<!DOCTYPE html><html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text" name="q"></main></body></html>'
        )
        with pytest.raises(AssertionError) as failure:
            axe_check(page)
    finally:
        page.close()
    assert "image-alt" in str(failure.value)
    assert "label" in str(failure.value)
    assert "img" in str(failure.value)
