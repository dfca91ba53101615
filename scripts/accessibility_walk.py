"""Every page each of Riverside's demo roles can reach, opened in Chromium and checked with axe-core.

Usage: .venv/bin/python scripts/accessibility_walk.py [--base http://127.0.0.1:8000] [--roles comms,admin,...]

Run it against ``make run`` (or any server with the demo loaded). For each role it signs in with the
demo password, follows the links of Riverside's pages breadth first, opening one address of each
route (numbers in the path taken as ids), and runs axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) on each.
It prints each page with violations and writes them all to var/accessibility.json; the exit status is
1 when any page has one. The browser tests check the pages they walk through on every run; this walk
reaches every page, which takes a few minutes, so it is run by hand before a release.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ROLES = "comms,admin,auditor,governance,officer,councillor"
FILES = (".pdf", ".csv", ".json", ".xlsx", ".zip", ".ics")
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 160))}));
}"""


def route(path: str) -> str:
    return re.sub(r"/\d+", "/N", path)


def walk(page: Page, base: str, axe: str, limit: int) -> tuple[int, dict[str, Any]]:
    found: dict[str, Any] = {}
    queue, seen = deque(["/c/riverside/"]), set()
    while queue and len(seen) < limit:
        path = queue.popleft()
        if route(urlsplit(path).path) in seen:
            continue
        seen.add(route(urlsplit(path).path))
        response = page.goto(base + path)
        if response is None or response.status != 200 or "html" not in (response.headers.get("content-type") or ""):
            continue
        page.add_script_tag(content=axe)
        violations = page.evaluate(RUN_AXE, TAGS)
        if violations:
            found[path] = violations
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = (href or "").split("#")[0]
            if target.startswith("/c/riverside/") and "/download" not in target and not target.endswith(FILES):
                queue.append(target)
    return len(seen), found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--roles", default=ROLES)
    parser.add_argument("--limit", type=int, default=300, help="routes a role, at most")
    args = parser.parse_args()
    axe, report = AXE.read_text(), {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for role in args.roles.split(","):
            # axe is added to each page as a script of its own, which the pages' policy would refuse.
            context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
            page = context.new_page()
            page.goto(args.base + "/sign-in/")
            page.fill("input[name=email], input[name=username]", f"{role}@riverside.example")
            page.fill("input[type=password]", "townsquare-demo")
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_load_state()
            count, found = walk(page, args.base, axe, args.limit)
            for path, violations in found.items():
                print(f"{role} {path}: {json.dumps(violations)}")
            print(f"{role}: {count} routes, {len(found)} with violations", flush=True)
            report.update({f"{role} {path}": violations for path, violations in found.items()})
            context.close()
        browser.close()
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "accessibility.json").write_text(json.dumps(report, indent=1))
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
