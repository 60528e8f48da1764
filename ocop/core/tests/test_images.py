"""Photo renditions: what is refused, and with which reason."""

import io

import pytest
from PIL import Image

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
