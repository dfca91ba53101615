"""Where the checks put what they find: each finding with the council's severity for its rule."""

from __future__ import annotations

import re

from townsquare.policy.catalogue import RULES_BY_ID, SEVERITY_ORDER, Severity
from townsquare.policy.compiled import (
    CompiledPolicy,
    Finding,
)


class Out:
    """Collects findings with the council's severity for each rule."""

    def __init__(self, policy: CompiledPolicy) -> None:
        self.policy = policy
        self.findings: list[Finding] = []

    def add(self, rule: str, start: int, end: int, message: str, *, cap: str | None = None, **extra: object) -> None:
        severity = self.policy.severity.get(rule, RULES_BY_ID[rule].severity)
        if cap is not None and SEVERITY_ORDER[Severity(severity)] > SEVERITY_ORDER[Severity(cap)]:
            severity = cap
        self.findings.append(Finding(rule, str(severity), start, end, message, self.policy.source[rule], **extra))  # type: ignore[arg-type]


def list_matches(out: Out, rule: str, pattern: re.Pattern[str] | None, text: str, message: str) -> None:
    if pattern is None:
        return
    for m in pattern.finditer(text):
        out.add(rule, m.start(), m.end(), message.format(word=m.group(0)))
