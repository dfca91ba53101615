"""A module as a SCORM 1.2 package: one shareable content object a council's learning management
system imports, reporting score and pass or fail through the LMS's SCORM API.

The quiz is marked in the browser, so the package carries its answers: that is how SCORM 1.2
content works offline of its author. The LMS's record of the pass comes back to Townsquare through
the completions import.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from django.template.loader import render_to_string
from django.utils import timezone

from townsquare.learning.content import render_markdown
from townsquare.learning.models import ModuleVersion
from townsquare.learning.selectors import policy_section_link

HERE = Path(__file__).parent
CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATIONS = (
    f"{CP} imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 "
    f"imsmd_rootv1p2p1.xsd {ADLCP} adlcp_rootv1p2.xsd"
)


def _identifier(text: str) -> str:
    """An XML ID (letters, digits, '-', '_', '.'; not starting with a digit)."""
    return "ts-" + re.sub(r"[^A-Za-z0-9_.-]", "-", text)


def manifest(version: ModuleVersion, files: list[str]) -> bytes:
    module = version.module
    ET.register_namespace("", CP)
    ET.register_namespace("adlcp", ADLCP)
    ET.register_namespace("xsi", XSI)
    ident = _identifier(f"{module.council.slug}-{module.slug}")
    root = ET.Element(
        f"{{{CP}}}manifest",
        {"identifier": ident, "version": str(version.number), f"{{{XSI}}}schemaLocation": SCHEMA_LOCATIONS},
    )
    metadata = ET.SubElement(root, f"{{{CP}}}metadata")
    ET.SubElement(metadata, f"{{{CP}}}schema").text = "ADL SCORM"
    ET.SubElement(metadata, f"{{{CP}}}schemaversion").text = "1.2"
    orgs = ET.SubElement(root, f"{{{CP}}}organizations", {"default": f"{ident}-org"})
    org = ET.SubElement(orgs, f"{{{CP}}}organization", {"identifier": f"{ident}-org"})
    ET.SubElement(org, f"{{{CP}}}title").text = f"{module.title} ({module.council.name})"
    item = ET.SubElement(
        org, f"{{{CP}}}item", {"identifier": f"{ident}-item", "identifierref": f"{ident}-sco", "isvisible": "true"}
    )
    ET.SubElement(item, f"{{{CP}}}title").text = f"{module.title}, version {version.number}"
    ET.SubElement(item, f"{{{ADLCP}}}masteryscore").text = str(module.pass_mark)
    resources = ET.SubElement(root, f"{{{CP}}}resources")
    resource = ET.SubElement(
        resources,
        f"{{{CP}}}resource",
        {"identifier": f"{ident}-sco", "type": "webcontent", f"{{{ADLCP}}}scormtype": "sco", "href": "index.html"},
    )
    for name in files:
        ET.SubElement(resource, f"{{{CP}}}file", {"href": name})
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def package(version: ModuleVersion) -> bytes:
    """The zip a learning management system imports: ``imsmanifest.xml`` at the root."""
    module = version.module
    files: dict[str, bytes] = {}
    pages: list[dict[str, Any]] = []
    for number, page in enumerate(version.pages.all(), start=1):
        image = ""
        if page.image:
            image = f"images/page-{number}{Path(page.image.name or '').suffix.lower()}"
            with page.image.open("rb") as handle:
                files[image] = handle.read()
        link = policy_section_link(page=page)
        pages.append(
            {
                "page": page,
                "html": render_markdown(page.body),
                "image": image,
                "section": link[0] if link else None,
                "policy_version": link[1] if link else None,
            }
        )
    index = render_to_string(
        "learning/scorm/index.html",
        {
            "module": module,
            "council": module.council,
            "pages": pages,
            "questions": version.questions.prefetch_related("choices"),
        },
    )
    colour = (
        module.council.brand_colour
        if re.fullmatch(r"#[0-9a-fA-F]{6}", module.council.brand_colour or "")
        else "#1d5c4d"
    )
    files = {
        "index.html": index.encode(),
        "module.css": (HERE / "module.css").read_text(encoding="utf-8").replace("BRAND", colour).encode(),
        "runtime.js": (HERE / "runtime.js").read_bytes(),
        **files,
    }
    out = io.BytesIO()
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(
            zipfile.ZipInfo("imsmanifest.xml", stamp),
            manifest(version, sorted(files)),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        for name, body in sorted(files.items()):
            zipped.writestr(zipfile.ZipInfo(name, stamp), body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
