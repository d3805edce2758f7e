import io
import os
from pathlib import Path

import pytest
from PIL import Image

from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import AuditEvent, StoredFile
from zhengwu.core.uploads import config, file_get, files_store
from zhengwu.core.uploads.storage import path_for

from .upload_samples import (
    PAGE_OBJECTS,
    PDF_BYTES,
    docx_bytes,
    docx_entries,
    gzip_bytes,
    jpeg_with_exif,
    ofd_bytes,
    pdf_with_object_stream,
    png_bytes,
    upload,
    xlsx_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    root = tmp_path / "uploads"
    settings.ZHENGWU_UPLOAD_ROOT = root
    return root


@pytest.fixture
def citizen():
    return CitizenFactory()


def store(actor, *files, purpose="case_material"):
    return files_store(actor=actor, uploads=list(files), purpose=purpose, owner=actor)


def files_on_disk(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def refusal(actor, *files) -> str:
    with pytest.raises(ValidationFailed) as exc:
        store(actor, *files)
    return exc.value.message


# --- accepted files -------------------------------------------------------------------

def test_pdf_is_stored_with_row_file_and_one_audit_row(citizen, upload_root):
    [stored] = store(citizen, upload("申请书.pdf", PDF_BYTES))

    assert stored.kind == "pdf" and stored.size == len(PDF_BYTES)
    assert stored.original_name == "申请书.pdf"
    assert stored.owner == citizen and stored.uploaded_by == citizen
    assert path_for(stored.storage_name).read_bytes() == PDF_BYTES
    audits = AuditEvent.objects.filter(action="files.upload", object_id=str(stored.pk))
    assert audits.count() == 1 and audits.get().actor == citizen


@pytest.mark.parametrize("name,builder,kind", [
    ("材料.docx", docx_bytes, "docx"),
    ("统计.xlsx", xlsx_bytes, "xlsx"),
    ("电子证照.ofd", ofd_bytes, "ofd"),
])
def test_well_formed_office_and_ofd_containers_are_accepted(citizen, name, builder, kind):
    [stored] = store(citizen, upload(name, builder()))

    assert stored.kind == kind


def test_storage_name_is_random_and_does_not_contain_original_name(citizen):
    first, second = store(citizen, upload("secretname.pdf", PDF_BYTES), upload("secretname.pdf", PDF_BYTES))

    assert "secretname" not in first.storage_name
    assert first.storage_name != second.storage_name
    assert first.storage_name.endswith(".pdf") and len(first.storage_name) == 36


def test_files_are_stored_under_upload_root_not_static_or_media(citizen, upload_root, settings):
    [stored] = store(citizen, upload("a.pdf", PDF_BYTES))

    path = path_for(stored.storage_name).resolve()
    assert path.is_relative_to(upload_root.resolve())
    assert len(path.relative_to(upload_root.resolve()).parts) == 3  # ab/cd/name
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_default_upload_root_lies_outside_static_and_media_roots():
    from zhengwu import settings as project_settings

    root = Path(project_settings.ZHENGWU_UPLOAD_ROOT).resolve()
    for web_root in (project_settings.STATIC_ROOT, project_settings.MEDIA_ROOT):
        web_root = Path(web_root).resolve()
        assert not root.is_relative_to(web_root) and not web_root.is_relative_to(root)


def test_original_name_is_sanitised_for_display(citizen):
    [stored] = store(citizen, upload("..\\..\\evil\u202egpj.pdf", PDF_BYTES))

    assert "\\" not in stored.original_name and "/" not in stored.original_name
    assert "\u202e" not in stored.original_name
    assert stored.original_name.endswith(".pdf")


def test_file_get_finds_stored_file_and_ignores_malformed_ids(citizen):
    [stored] = store(citizen, upload("a.pdf", PDF_BYTES))

    assert file_get(file_id=stored.pk) == stored
    assert file_get(file_id=str(stored.pk)) == stored
    assert file_get(file_id="not-a-uuid") is None


# --- images are re-encoded ---------------------------------------------------------------

def test_jpeg_is_reencoded_without_exif(citizen):
    original = jpeg_with_exif()
    assert b"ZhengwuCam" in original and Image.open(io.BytesIO(original)).getexif()  # given: EXIF present

    [stored] = store(citizen, upload("photo.JPEG", original))

    data = path_for(stored.storage_name).read_bytes()
    assert stored.kind == "jpg"
    assert b"ZhengwuCam" not in data and b"secret-software" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG" and img.size == (16, 16)
        assert len(img.getexif()) == 0


def test_png_is_reencoded_and_appended_payload_dropped(citizen):
    payload = b"<script>alert(1)</script>"
    [stored] = store(citizen, upload("scan.png", png_bytes() + payload))

    data = path_for(stored.storage_name).read_bytes()
    assert payload not in data
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "PNG" and img.getpixel((0, 0)) == (200, 30, 30)
    assert stored.size == len(data)


def test_image_over_pixel_limit_is_refused(citizen, monkeypatch):
    monkeypatch.setattr(config, "IMAGE_MAX_PIXELS", 100)

    message = refusal(citizen, upload("big.png", png_bytes(size=(20, 20))))

    assert "big.png" in message and "尺寸过大" in message


def test_corrupt_image_is_refused(citizen):
    message = refusal(citizen, upload("broken.png", png_bytes()[:30]))

    assert message == "文件“broken.png”不是有效的图片或已损坏"


# --- refusals, each naming the rule and the file -------------------------------------------

def test_file_over_size_limit_is_refused(citizen, settings):
    settings.ZHENGWU_UPLOAD_MAX_BYTES = 20 * 1024 * 1024

    message = refusal(citizen, upload("x.pdf", PDF_BYTES + b"0" * (20 * 1024 * 1024)))

    assert message == "文件“x.pdf”超过大小限制 20 MB"


def test_size_limit_is_enforced_while_streaming_even_if_declared_size_lies(citizen, settings):
    settings.ZHENGWU_UPLOAD_MAX_BYTES = 1024
    liar = upload("x.pdf", PDF_BYTES + b"0" * 4096)
    liar.size = 10

    message = refusal(citizen, liar)

    assert "超过大小限制" in message and "x.pdf" in message


def test_more_files_than_the_limit_are_refused(citizen, settings):
    settings.ZHENGWU_UPLOAD_MAX_FILES = 10

    message = refusal(citizen, *[upload(f"{i}.pdf", PDF_BYTES) for i in range(11)])

    assert message == "一次最多上传 10 个文件"


def test_extension_not_on_allowlist_is_refused(citizen):
    message = refusal(citizen, upload("setup.exe", b"MZ\x90\x00"))

    assert message == "不支持的文件类型:.exe,仅允许 pdf、ofd、jpg、png、docx、xlsx"


def test_allowlist_setting_narrows_the_accepted_kinds(citizen, settings):
    settings.ZHENGWU_UPLOAD_ALLOWED = ["pdf"]

    message = refusal(citizen, upload("a.png", png_bytes()))

    assert message == "不支持的文件类型:.png,仅允许 pdf"


def test_pdf_extension_with_png_bytes_is_refused(citizen):
    message = refusal(citizen, upload("b.pdf", png_bytes()))

    assert message == "文件“b.pdf”的内容与扩展名不符"


def test_docx_without_document_part_is_refused_as_mismatch(citizen):
    message = refusal(citizen, upload("c.docx", zip_bytes({"[Content_Types].xml": b"<Types/>"})))

    assert message.startswith("文件“c.docx”的内容与扩展名不符") and "word/document.xml" in message


def test_plain_zip_is_refused_as_archive(citizen):
    message = refusal(citizen, upload("a.zip", zip_bytes({"a.txt": b"hi"})))

    assert message == "文件“a.zip”是压缩包,不允许上传"


def test_archive_bytes_behind_an_allowed_extension_are_refused(citizen):
    message = refusal(citizen, upload("report.pdf", gzip_bytes()))

    assert message == "文件“report.pdf”是压缩包,不允许上传"


def test_zip_bomb_with_extreme_compression_ratio_is_refused(citizen):
    bomb = docx_bytes(**{"word/media/blank.xml": b"\0" * (40 * 1024 * 1024)})

    message = refusal(citizen, upload("bomb.docx", bomb))

    assert "bomb.docx" in message and "压缩炸弹" in message


def test_zip_with_too_much_uncompressed_data_is_refused(citizen, monkeypatch):
    monkeypatch.setattr(config, "ZIP_MAX_UNCOMPRESSED", 64 * 1024)

    message = refusal(citizen, upload("big.xlsx", zip_bytes({
        "[Content_Types].xml": b"<Types/>", "xl/workbook.xml": os.urandom(128 * 1024),
    })))

    assert "压缩炸弹" in message and "big.xlsx" in message


def test_zip_with_too_many_entries_is_refused(citizen, monkeypatch):
    monkeypatch.setattr(config, "ZIP_MAX_ENTRIES", 20)
    entries = {**docx_entries(), **{f"word/part{i}.xml": b"<x/>" for i in range(30)}}

    message = refusal(citizen, upload("many.docx", zip_bytes(entries)))

    assert "many.docx" in message and "20 个条目" in message


def test_nested_archive_in_docx_is_refused(citizen):
    nested = docx_bytes(**{"word/embeddings/inner.zip": zip_bytes({"x.txt": b"x"})})

    message = refusal(citizen, upload("nested.docx", nested))

    assert message == "文件“nested.docx”内嵌压缩包,不允许上传"


def test_nested_archive_hidden_under_another_name_is_refused(citizen):
    nested = zip_bytes({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Res/image.png": gzip_bytes()})

    message = refusal(citizen, upload("hidden.ofd", nested))

    assert message == "文件“hidden.ofd”内嵌压缩包,不允许上传"


@pytest.mark.parametrize("action", [b"/JavaScript", b"/JS", b"/Launch", b"/J#61vaScript"])
def test_pdf_with_script_or_launch_action_is_refused(citizen, action):
    evil = PDF_BYTES.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S " + action + b" >>")

    message = refusal(citizen, upload("evil.pdf", evil))

    assert message.startswith("文件“evil.pdf”包含") and message.endswith("不允许上传")


def test_pdf_with_script_hidden_in_compressed_stream_is_refused(citizen):
    evil = pdf_with_object_stream(
        {4: b"<< /S /JavaScript /JS (app.alert(1)) >>"}, ["/FlateDecode"],
        plain={**PAGE_OBJECTS, 1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"},
    )

    message = refusal(citizen, upload("hidden.pdf", evil))

    assert "hidden.pdf" in message and "JavaScript" in message


def test_empty_file_is_refused(citizen):
    assert refusal(citizen, upload("empty.pdf", b"")) == "文件“empty.pdf”是空文件"


# --- all or nothing ---------------------------------------------------------------------

def test_batch_with_bad_third_file_leaves_nothing_on_disk_or_in_db(citizen, upload_root):
    audits_before = AuditEvent.objects.count()
    files = [upload("1.pdf", PDF_BYTES), upload("2.png", png_bytes()), upload("3.pdf", png_bytes())]

    message = refusal(citizen, *files)

    assert "3.pdf" in message
    assert StoredFile.objects.count() == 0
    assert AuditEvent.objects.count() == audits_before
    assert files_on_disk(upload_root) == []


def test_failure_after_files_are_written_removes_them(citizen, upload_root, monkeypatch):
    from zhengwu.core.uploads import services

    def failing_audit(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_record", failing_audit)

    with pytest.raises(RuntimeError):
        store(citizen, upload("1.pdf", PDF_BYTES), upload("2.pdf", PDF_BYTES))

    assert StoredFile.objects.count() == 0
    assert files_on_disk(upload_root) == []


def test_sweep_removes_files_left_by_an_outer_rollback_and_keeps_recorded_ones(citizen, upload_root):
    from django.db import transaction

    from zhengwu.core.uploads import files_sweep_orphans

    [kept] = store(citizen, upload("kept.pdf", PDF_BYTES))
    with pytest.raises(RuntimeError), transaction.atomic():
        store(citizen, upload("lost.pdf", PDF_BYTES))
        raise RuntimeError("caller failed after storing")
    assert len(files_on_disk(upload_root)) == 2  # given: the rolled-back file is an orphan

    removed = files_sweep_orphans(older_than_seconds=0)

    assert len(removed) == 1
    assert files_on_disk(upload_root) == [path_for(kept.storage_name)]


def test_png_text_chunks_are_dropped(citizen):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "hidden-note")
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, format="PNG", pnginfo=info)
    assert b"hidden-note" in buf.getvalue()

    [stored] = store(citizen, upload("note.png", buf.getvalue()))

    assert b"hidden-note" not in path_for(stored.storage_name).read_bytes()


def test_jpeg_orientation_is_applied_before_exif_is_dropped(citizen):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when displayed
    buf = io.BytesIO()
    Image.new("RGB", (10, 4)).save(buf, format="JPEG", exif=exif.tobytes())

    [stored] = store(citizen, upload("phone.jpg", buf.getvalue()))

    with Image.open(path_for(stored.storage_name)) as img:
        assert img.size == (4, 10)


def test_file_list_returns_live_files_of_one_object_in_one_query(citizen, django_assert_max_num_queries):
    from zhengwu.core.uploads import file_delete, file_list

    files = files_store(
        actor=citizen, uploads=[upload(f"{i}.pdf", PDF_BYTES) for i in range(3)],
        purpose="case_material", owner=citizen, object_type="cases.case", object_id=7,
    )
    files_store(actor=citizen, uploads=[upload("other.pdf", PDF_BYTES)], purpose="case_material",
                object_type="cases.case", object_id=8)
    file_delete(actor=citizen, stored_file=files[0])

    with django_assert_max_num_queries(1):
        listed = list(file_list(object_type="cases.case", object_id=7))

    assert [f.pk for f in listed] == [f.pk for f in files[1:]]
