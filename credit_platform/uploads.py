"""Uploaded files: evidence of objections and documents of repair applications."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Uploaded evidence (objections) and documents (repairs): PDF or images, recognised by their first
# bytes rather than by the name or content type the client declares.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOADS = 10
UPLOAD_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
UPLOAD_EXTENSIONS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}


def upload_content_type(file) -> str:
    """The checked content type of an uploaded file; ValidationError (no field) when it is too big or
    not a PDF, JPEG or PNG whose name ends as its content says."""
    name = getattr(file, "name", "") or ""
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    for content_type, signatures in UPLOAD_SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures) and name.lower().endswith(UPLOAD_EXTENSIONS[content_type]):
            return content_type
    raise ValidationError(_("%(name)s is not a PDF, JPG or PNG file.") % {"name": name})


def uploads_check(files, *, field: str) -> list[tuple]:
    """``[(file, content_type)]`` for every file, or one ValidationError keyed by ``field`` naming each refusal."""
    files = list(files or [])
    errors = []
    if len(files) > MAX_UPLOADS:
        errors.append(_("At most %(n)d files.") % {"n": MAX_UPLOADS})
    checked = []
    for file in files:
        try:
            checked.append((file, upload_content_type(file)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({field: errors})
    return checked
