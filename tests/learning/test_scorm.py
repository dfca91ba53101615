"""The SCORM 1.2 export: the manifest validates against the SCORM 1.2 schema files, and the
command writes the package."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from townsquare.learning.models import LearningModule
from townsquare.learning.scorm import package
from townsquare.learning.selectors import current_version

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).parent / "fixtures" / "scorm12"


class _ImsXml(etree.Resolver):
    """ims_xml.xsd binds the xml namespace as its default namespace, which libxml2 (rightly) refuses;
    the declaration is redundant (the xml prefix is built in), so it is dropped as the file is read."""

    def resolve(self, url: str, pubid: str, context: object) -> object:
        if url.endswith("ims_xml.xsd"):
            text = (SCHEMAS / "ims_xml.xsd").read_text(encoding="utf-8")
            return self.resolve_string(text.replace('xmlns="http://www.w3.org/XML/1998/namespace"', "", 1), context)
        return None


def _schema() -> etree.XMLSchema:
    # One schema importing the content packaging and ADL namespaces. The package carries no IMS
    # metadata, so imsmd_rootv1p2p1.xsd (whose annotationType libxml2 refuses as non-deterministic)
    # is not needed to validate it.
    wrapper = f"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
      <xsd:import namespace="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
        schemaLocation="{SCHEMAS}/imscp_rootv1p1p2.xsd"/>
      <xsd:import namespace="http://www.adlnet.org/xsd/adlcp_rootv1p2" schemaLocation="{SCHEMAS}/adlcp_rootv1p2.xsd"/>
    </xsd:schema>"""
    parser = etree.XMLParser()
    parser.resolvers.add(_ImsXml())
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser, base_url=str(SCHEMAS) + "/"))


def test_the_manifest_validates_against_scorm_12(module: LearningModule) -> None:
    version = current_version(module=module)
    assert version is not None
    zipped = zipfile.ZipFile(io.BytesIO(package(version)))
    names = zipped.namelist()
    assert names[0] == "imsmanifest.xml" and {"index.html", "runtime.js", "module.css"} <= set(names)
    manifest = etree.fromstring(zipped.read("imsmanifest.xml"))
    schema = _schema()
    assert schema.validate(manifest), schema.error_log
    ns = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == "1.2"
    assert manifest.findtext(".//cp:item/adlcp:masteryscore", namespaces=ns) == "50"
    resource = manifest.find(".//cp:resource", ns)
    assert resource is not None and resource.get("{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype") == "sco"
    index = zipped.read("index.html").decode()
    assert "What to post" in index and "Who approves posts?" in index
    runtime = zipped.read("runtime.js").decode()
    assert "cmi.core.score.raw" in runtime and "cmi.core.lesson_status" in runtime


def test_a_broken_manifest_fails_the_schema() -> None:
    bad = etree.fromstring(
        b'<manifest xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" identifier="x"><resources/></manifest>'
    )
    assert not _schema().validate(bad)  # no <organizations>: the schema is really checked


def test_the_command_writes_the_package(module: LearningModule, tmp_path: Path) -> None:
    out = tmp_path / "staff.zip"
    call_command("export_module", council="riverside", module="staff-social-media", out=str(out))
    assert zipfile.ZipFile(out).read("imsmanifest.xml").startswith(b"<?xml")
    with pytest.raises(CommandError, match="no module"):
        call_command("export_module", council="riverside", module="nope", out=str(out))
    with pytest.raises(CommandError, match="no council"):
        call_command("export_module", council="nowhere", module="staff-social-media", out=str(out))
