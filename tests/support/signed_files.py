"""Signed PDFs and their tampered copies, for the tests of 核验文件 (workflows/signature_check.py,
许可证查询's upload, the API's documents/verify/).

`issued_licence(parties)` gives the Beijing authority a signing identity (tests/support/signing.py)
and approves an application through the real actions, so the stored licence PDF is the one
documents.issue signed. The tampering helpers each make one of the issue's bad inputs: a byte
changed inside the signed range, a page added or a field changed by an incremental update after
signing, a signature from a CA this system does not know.
"""

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

from demo.signing_ca import SigningCA
from tests.support.signing import identity_for_test, simple_signer
from tests.support.workflow_builders import application_in
from workflows import pdf_signing
from workflows.models import ApplicationState, Document, DocumentKind


def sign(data, signer, field_name="Signature1", signed_at=None):
    """`data` signed by `signer` with pyHanko (an invisible signature, PAdES), claiming to be
    signed at `signed_at` (now)."""
    if signed_at is not None:
        return pdf_signing.sign_pdf(data, signer, signer_name="测试", signed_at=signed_at)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=field_name, subfilter=SigSeedSubFilter.PADES)
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def foreign_signer(name="北京市市场监督管理局"):
    """A signer named like an authority, but from a CA of its own: not one this system trusts."""
    return simple_signer(SigningCA.create(name="某机构自建根证书", organisation="某机构").issue(name))


def licence_document(application):
    return Document.objects.filter(application=application, kind=DocumentKind.LICENSE).latest("pk")


def issued_licence(parties):
    """(licence, its stored Document, the authority's SigningIdentity): approved through the real
    actions with the authority holding a signing identity, so the stored PDF is signed."""
    identity = identity_for_test(parties.catalogue["beijing"])
    application = application_in(ApplicationState.APPROVED, parties)
    return application.license, licence_document(application), identity


def signed_range_end(data):
    """Where the first signature's /Contents hole starts: bytes before it are signed."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    byte_range = reader.embedded_signatures[0].sig_object["/ByteRange"]
    return int(byte_range[1])


def with_byte_changed(data):
    """One byte changed inside the signed range: in the middle of the first page's content stream."""
    end = signed_range_end(data)
    start = data.index(b"stream", data.index(b"/Contents")) + 20
    assert start < end
    return data[:start] + bytes([data[start] ^ 0x01]) + data[start + 1 :]


def with_page_added(data):
    """An incremental update after signing that adds a blank page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 595, 842)]),
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_info_updated(data):
    """An incremental update after signing that only rewrites the document's title."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    info = writer.set_info(generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("伪造")}))
    del info
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
