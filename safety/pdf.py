"""Active content stripped from PDFs that go to investors (pypdf).

Rule: a PDF investors download runs nothing, launches nothing, submits nothing and carries no hidden file.
``sanitize_pdf`` removes document JavaScript (``/Names /JavaScript``), embedded files (``/Names
/EmbeddedFiles``, file attachment annotations), XFA forms (``/AcroForm /XFA``), every additional-actions
dictionary (``/AA`` of the document, its pages, annotations and form fields), rich media, screen, movie, sound
and 3D annotations, and every action (``/OpenAction``, an annotation's, outline item's or field's ``/A``, a
chained ``/Next``) of a kind that runs or opens something: JavaScript, Launch, SubmitForm, ImportData, GoToR,
GoToE, Rendition, RichMediaExecute, Sound, Movie, and URI actions to anything but http(s) or mailto. Pages,
text, links to web pages, bookmarks and tags stay. It returns the new bytes and a line for each thing removed;
a PDF with nothing to remove comes back byte for byte as it was.
"""

import io
from collections.abc import Iterator

# Actions that run code, open or fetch another file, submit data or play media.
DANGEROUS_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/RichMediaExecute",
        "/Sound",
        "/Movie",
    }
)
# Annotations that exist to play media, run 3D scripts or carry a file.
DANGEROUS_ANNOTATIONS = frozenset({"/RichMedia", "/Screen", "/Movie", "/Sound", "/3D", "/FileAttachment"})
SAFE_URI_SCHEMES = ("http:", "https:", "mailto:")
# Keys whose value is an action (or, for /Next, one or more chained actions).
ACTION_KEYS = ("/OpenAction", "/A", "/Next", "/PA")
NAME_TREES = {
    "/JavaScript": "document JavaScript (/Names /JavaScript)",
    "/EmbeddedFiles": "embedded files (/Names /EmbeddedFiles)",
}


class PDFSanitizeError(ValueError):
    """The bytes are not a PDF that pypdf can read and write again."""


def sanitize_pdf(data: bytes) -> tuple[bytes, list[str]]:
    """``data`` without active content, and what was removed (empty, with ``data`` itself, when nothing was)."""
    from pypdf import PdfReader, PdfWriter

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PDFSanitizeError("an encrypted PDF cannot be checked for active content")
        writer = PdfWriter(clone_from=reader)
        removed = _strip(writer)
    except PDFSanitizeError:
        raise
    except Exception as error:  # pypdf reports a damaged file with many exception types
        raise PDFSanitizeError(f"not a readable PDF ({type(error).__name__}: {error})") from None
    if not removed:
        return data, []
    # Written once, read and cloned again: the clone copies only what the catalog still reaches, so the
    # removed objects are not in the file at all.
    again = PdfWriter(clone_from=PdfReader(io.BytesIO(_written(writer))))
    return _written(again), removed


def _written(writer) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _strip(writer) -> list[str]:
    from pypdf.generic import NameObject

    removed: list[str] = []
    root = writer.root_object
    names = root.get("/Names")
    names = names.get_object() if names is not None else None
    if names is not None and hasattr(names, "keys"):
        for key, label in NAME_TREES.items():
            if NameObject(key) in names:
                del names[NameObject(key)]
                removed.append(label)
    form = root.get("/AcroForm")
    form = form.get_object() if form is not None else None
    if form is not None and hasattr(form, "keys") and NameObject("/XFA") in form:
        del form[NameObject("/XFA")]
        removed.append("XFA form (/AcroForm /XFA)")
    for number, page in enumerate(writer.pages, start=1):
        removed += _strip_annotations(page, where=f"page {number}")
    removed += _sweep(root)
    return removed


def _strip_annotations(page, *, where: str) -> list[str]:
    from pypdf.generic import ArrayObject, NameObject

    annotations = page.get("/Annots")
    if annotations is None:
        return []
    kept, removed = ArrayObject(), []
    for reference in annotations.get_object():
        annotation = reference.get_object()
        subtype = str(annotation.get("/Subtype", "")) if hasattr(annotation, "get") else ""
        if subtype in DANGEROUS_ANNOTATIONS:
            removed.append(f"{where}: {subtype[1:]} annotation")
        else:
            kept.append(reference)
    if removed:
        page[NameObject("/Annots")] = kept
    return removed


def _sweep(root) -> list[str]:
    """Every dictionary the catalog reaches: ``/AA`` removed, and each dangerous action under ``ACTION_KEYS``."""
    from pypdf.generic import ArrayObject, NameObject

    removed: list[str] = []
    places = _places(root)
    for path, dictionary in _dictionaries(root):
        where = places.get(getattr(getattr(dictionary, "indirect_reference", None), "idnum", None), path)
        if NameObject("/AA") in dictionary:
            del dictionary[NameObject("/AA")]
            removed.append(f"{where}: additional actions (/AA)")
        if NameObject("/EF") in dictionary:
            del dictionary[NameObject("/EF")]
            removed.append(f"{where}: embedded file (/EF)")
        for key in ACTION_KEYS:
            value = dictionary.get(key)
            if value is None:
                continue
            value = value.get_object()
            if isinstance(value, ArrayObject) and key == "/Next":
                safe = ArrayObject(item for item in value if _danger(item.get_object()) is None)
                for item in value:
                    if (kind := _danger(item.get_object())) is not None:
                        removed.append(f"{where}: {kind} action ({key})")
                dictionary[NameObject(key)] = safe
            elif (kind := _danger(value)) is not None:
                del dictionary[NameObject(key)]
                removed.append(f"{where}: {kind} action ({key})")
    return removed


def _danger(action) -> str | None:
    """The kind of a dangerous action dictionary (``JavaScript``, ``Launch``, ``URI javascript:``...), or None."""
    if not hasattr(action, "get"):
        return None  # a destination array, a name: not an action that runs anything
    kind = str(action.get("/S", ""))
    if kind in DANGEROUS_ACTIONS or (not kind and "/JS" in action):
        return (kind or "/JavaScript")[1:]
    if kind == "/URI":
        uri = action.get("/URI")
        target = str(uri.get_object() if uri is not None else "").strip().lower()
        if not target.startswith(SAFE_URI_SCHEMES):
            return f"URI {target.split(':', 1)[0][:20] or '(relative)'}:"
    return None


def _places(root) -> dict[int, str]:
    """Object number to where a reader sees it: "page 2", "page 2: Link annotation"."""
    places: dict[int, str] = {}
    for number, page in enumerate(_pages(root), start=1):
        if getattr(page, "indirect_reference", None) is not None:
            places[page.indirect_reference.idnum] = f"page {number}"
        annotations = page.get("/Annots")
        for reference in annotations.get_object() if annotations is not None else []:
            annotation = reference.get_object()
            if getattr(reference, "idnum", None) is not None and hasattr(annotation, "get"):
                places[reference.idnum] = f"page {number}: {str(annotation.get('/Subtype', '/Annot'))[1:]} annotation"
    return places


def _pages(root) -> Iterator:
    from pypdf.generic import DictionaryObject

    stack = [root.get("/Pages")]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node is None:
            continue
        idnum = getattr(node, "idnum", None)
        if idnum is not None:
            if idnum in seen:
                continue
            seen.add(idnum)
        node = node.get_object()
        if not isinstance(node, DictionaryObject):
            continue
        if node.get("/Type") == "/Page" or "/Kids" not in node:
            yield node
        else:
            stack.extend(reversed(list(node.get("/Kids", []))))


def _dictionaries(root) -> Iterator[tuple[str, object]]:
    """(path, dictionary) for every dictionary reachable from ``root``, each indirect object once, no recursion."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[int] = set()
    stack: list[tuple[str, object]] = [("/Root", root)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, IndirectObject):
            if value.idnum in seen:
                continue
            seen.add(value.idnum)
            value = value.get_object()
        if isinstance(value, DictionaryObject):  # streams too: StreamObject is a DictionaryObject
            yield path, value
            for key in list(value.keys()):
                if key not in ("/Parent", "/P"):
                    stack.append((f"{path}{key}" if len(path) < 200 else path, value.raw_get(key)))
        elif isinstance(value, ArrayObject):
            stack.extend((path, item) for item in value)
