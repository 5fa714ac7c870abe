"""Files for upload tests: good ones of every allowed kind and the bad ones a security reading tries."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

END_OF_CHAIN = 0xFFFFFFFE
FREE = 0xFFFFFFFF
FAT_SECTOR = 0xFFFFFFFD


def _u32(value: int) -> bytes:
    return value.to_bytes(4, "little")


def compound_file(*streams: str) -> bytes:
    """A minimal compound file (the container of legacy .doc and .xls files) holding empty streams by name."""
    header = bytearray(512)
    header[0:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    header[24:26] = (0x3E).to_bytes(2, "little")
    header[26:28] = (3).to_bytes(2, "little")
    header[28:30] = (0xFFFE).to_bytes(2, "little")
    header[30:32] = (9).to_bytes(2, "little")  # 512-byte sectors
    header[32:34] = (6).to_bytes(2, "little")
    header[44:48] = _u32(1)  # one allocation-table sector
    header[48:52] = _u32(1)  # the directory starts at sector 1
    header[56:60] = _u32(4096)
    header[60:64] = _u32(END_OF_CHAIN)
    header[68:72] = _u32(END_OF_CHAIN)
    header[76:80] = _u32(0)  # the allocation table is sector 0
    for index in range(1, 109):
        header[76 + 4 * index : 80 + 4 * index] = _u32(FREE)
    fat = bytearray(_u32(FAT_SECTOR) + _u32(END_OF_CHAIN) + _u32(FREE) * 126)
    directory = bytearray()
    for number, name in enumerate(["Root Entry", *streams][:4]):
        entry = bytearray(128)
        encoded = (name + "\x00").encode("utf-16-le")
        entry[0 : len(encoded)] = encoded
        entry[64:66] = len(encoded).to_bytes(2, "little")
        entry[66] = 5 if number == 0 else 2
        entry[68:80] = _u32(FREE) * 3
        entry[116:120] = _u32(END_OF_CHAIN)
        directory += entry
    directory += bytes(512 - len(directory))
    return bytes(header) + bytes(fat) + bytes(directory)


def word_document() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def workbook(rows: list[list[object]] | None = None) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    for row in rows or []:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bomb(main_part: str = "word/document.xml", expanded_mb: int = 60) -> bytes:
    """A small archive shaped like a Word document whose one part expands to ``expanded_mb`` megabytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml" if main_part.startswith("xl/") else "word/styles.xml", "<x/>")
        archive.writestr(main_part, b"\x00" * (expanded_mb * 1024 * 1024))
    return buffer.getvalue()


def uploads() -> dict[str, tuple[str, bytes]]:
    """The bad uploads: name and content."""
    return {
        "hta": ("update.hta", b"<html><head><HTA:APPLICATION/></head><script>alert(1)</script></html>"),
        "bat": ("run.bat", b"@echo off\r\ndel /q *\r\n"),
        "html": ("page.html", b"<!doctype html><html><body>Hello</body></html>"),
        "html as text": ("page.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        "svg": ("picture.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        "svg as png": ("picture.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        "html named pdf": ("report.pdf", b"<html><body>not a pdf</body></html>"),
        "text named html": ("notes.html", b"Just some notes."),
        "zip bomb": ("chronology.docx", zip_bomb()),
    }


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def multipart(fields: dict[str, str], *, file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body naming the file exactly as given (the test client would strip a path from the name)."""
    boundary = "----upload-test-boundary"
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    escaped = filename.replace("\\", "\\\\").replace('"', '\\"')
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{escaped}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
