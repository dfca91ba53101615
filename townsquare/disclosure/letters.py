"""The reply that asks a requester for a name and an address, in English and Welsh.

A request under FOIA s.8 (and a subject access request the council must answer) needs the requester's
real name and an address for correspondence; a platform handle is not one (ICO guidance, Ghafoor v
Information Commissioner). The officer copies this text into the inbox reply.
"""

from __future__ import annotations

from dataclasses import dataclass

LAW_EN = {
    "foi": "the Freedom of Information Act 2000",
    "eir": "the Environmental Information Regulations 2004",
    "sar": "data protection law (a subject access request)",
}
LAW_CY = {
    "foi": "Deddf Rhyddid Gwybodaeth 2000",
    "eir": "Rheoliadau Gwybodaeth Amgylcheddol 2004",
    "sar": "cyfraith diogelu data (cais gwrthrych am wybodaeth)",
}


@dataclass(frozen=True)
class SuggestedReply:
    english: str
    welsh: str


def contact_request_reply(*, kind: str, reference: str) -> SuggestedReply:
    """Ask for a name and a postal or email address, quoting the register's reference."""
    english = (
        f"Thank you for your request (our reference {reference}). To deal with it under {LAW_EN[kind]}, "
        "we need your full name and an address to send our reply to: a postal address or an email address. "
        "Please send them to us in a direct message; we will not publish them."
    )
    welsh = (
        f"Diolch am eich cais (ein cyfeirnod {reference}). Er mwyn delio ag ef o dan {LAW_CY[kind]}, "
        "mae angen eich enw llawn a chyfeiriad i anfon ein hateb iddo: cyfeiriad post neu gyfeiriad e-bost. "
        "Anfonwch nhw atom mewn neges uniongyrchol; ni fyddwn yn eu cyhoeddi."
    )
    if kind == "sar":
        english += " We may also ask you to confirm who you are before we send you your personal data."
        welsh += " Efallai y byddwn hefyd yn gofyn i chi gadarnhau pwy ydych chi cyn anfon eich data personol atoch."
    return SuggestedReply(english=english, welsh=welsh)
