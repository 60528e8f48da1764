"""Photo renditions: what is refused, and with which reason."""

import io
import struct
import time
import tracemalloc
import zlib

import pytest
from PIL import Image, ImageFile

from ocop.core import images


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")  # 1-bit: a huge picture in a few kB
    return out.getvalue()


def test_a_photo_over_the_pixel_limit_is_too_large_not_unreadable():
    with pytest.raises(images.ImageRejected) as e:
        images.renditions(_png(10_000, 8_000))  # 80 megapixels
    assert e.value.code == "too_large"


def test_text_named_as_a_photo_is_unreadable_and_a_small_photo_passes():
    with pytest.raises(images.ImageRejected) as e:
        images.renditions(b"not a photo")
    assert e.value.code == "unreadable"
    assert set(images.renditions(_png(400, 300))) == set(images.SIZES)


# --- Size from the header, before any decoding (issue 20, item 6) -----------------------------------

def _small(fmt: str, **options) -> bytearray:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 140, 60)).save(out, fmt, **options)
    return bytearray(out.getvalue())


def _declaring(fmt: str, w: int, h: int) -> bytes:
    """A tiny file whose header declares w×h: what a decoder would allocate before finding it short."""
    data = _small(fmt, **({"lossless": False} if fmt == "WEBP" else {}))
    if fmt == "PNG":
        struct.pack_into(">II", data, 16, w, h)
        struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    elif fmt == "JPEG":
        struct.pack_into(">HH", data, data.index(b"\xff\xc0") + 5, h, w)
    elif fmt == "GIF":
        struct.pack_into("<HH", data, 6, w, h)
    elif fmt == "WEBP":
        assert data[12:16] == b"VP8 "
        struct.pack_into("<HH", data, 26, w, h)
    return bytes(data)


@pytest.fixture
def decoded(monkeypatch):
    """The formats whose pixels were decoded (ImageFile.load) during the test."""
    seen = []
    load = ImageFile.ImageFile.load

    def spy(self, *args, **kwargs):
        seen.append(self.format)
        return load(self, *args, **kwargs)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return seen


def test_a_7000_square_png_of_6_kb_is_refused_from_its_header(decoded):
    data = _png(7000, 7000)
    assert len(data) < 10_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(images.ImageRejected) as e:
        images.renditions(data)  # the default cap: 40 megapixels
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    r = e.value
    assert (r.code, r.width, r.height, r.limit) == ("too_large", 7000, 7000, 40_000_000)
    assert decoded == [] and elapsed < 0.5 and peak < 50 * 1024 * 1024  # decoding costs ~3 s and 560 MB


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_every_format_is_measured_before_decoding(decoded, fmt):
    with pytest.raises(images.ImageRejected) as e:
        images.renditions(_declaring(fmt, 7000, 7000))
    assert (e.value.code, e.value.width, e.value.height) == ("too_large", 7000, 7000)
    assert decoded == []


def test_far_over_pillows_own_limit_is_too_large_too(decoded):
    with pytest.raises(images.ImageRejected) as e:
        images.renditions(_declaring("PNG", 20_000, 20_000))  # Pillow refuses 400 MP at open
    assert e.value.code == "too_large" and e.value.limit == 40_000_000 and decoded == []


def test_the_cap_is_a_setting_and_the_message_gives_the_size_and_the_limit(settings):
    from ocop.core import private
    from ocop.core.errors import OcopError

    with pytest.raises(OcopError) as e:
        private.accept(_png(7000, 7000), kind="photo", field="photos", name="IMG_1.png")
    assert e.value.code == "file_image_too_large"
    assert "7000×7000 điểm ảnh (49 megapixel); tối đa 40 megapixel" in e.value.message
    assert "IMG_1.png" in e.value.message and "đọc được" not in e.value.message
    settings.OCOP_PHOTO_MAX_MEGAPIXELS = 1
    with pytest.raises(OcopError) as e:
        private.accept(_png(1001, 1000), kind="photo", field="photos", name="a.png")
    assert "1001×1000 điểm ảnh (1,1 megapixel); tối đa 1 megapixel" in e.value.message
    assert private.accept(_png(1000, 1000), kind="photo", field="photos", name="a.png").type.ext == "jpg"


def test_a_product_photo_over_the_cap_is_refused_with_the_limit(lai_chau_officer, lai_chau_product):
    from ocop.core.errors import OcopError
    from ocop.registry import services

    with pytest.raises(OcopError) as e:
        services.photo_add(actor=lai_chau_officer, product=lai_chau_product, data=_png(7000, 7000))
    assert e.value.code == "photo_too_large" and "tối đa 40 megapixel" in e.value.message
    assert not lai_chau_product.photos.exists()
