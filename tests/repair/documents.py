"""The documents a repair application carries (issue 17 item 6): the proof of fulfilment and the
signed commitment always, the credit training certificate or credit report for severe dishonesty
under order 36 of 2026. Fresh files on each call (an upload is read once)."""
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n%%EOF\n"
ALL = ("proof", "commitment", "training")
NAMES = {"proof": "执行结案通知书.pdf", "commitment": "信用承诺书.pdf", "training": "信用修复培训证明.pdf"}


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def documents(kinds=ALL) -> list[tuple]:
    """``[(kind, file)]`` for ``repair.services.repair_apply``."""
    return [(kind, pdf(NAMES[kind])) for kind in kinds]


def multipart(kinds=ALL) -> dict:
    """The ``documents`` and ``document_kinds`` of a multipart API body."""
    return {"documents": [pdf(NAMES[kind]) for kind in kinds], "document_kinds": list(kinds)}


def form_files(kinds=ALL) -> dict:
    """The file inputs of the admin's and the public site's forms."""
    return {f"{kind}_files": pdf(NAMES[kind]) for kind in kinds}
