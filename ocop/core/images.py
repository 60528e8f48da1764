"""Photos re-encoded on upload into a few sizes. Needs Pillow only (nothing from Django).

The file's bytes decide (not its name or declared type); EXIF orientation is applied and every metadata
block (location included) dropped; the result is always a progressive JPEG, which every phone shows."""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

SIZES = (320, 640, 1280)  # longest side, in pixels: list cards, product page on a phone, full view
FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"}
MAX_PIXELS = 50_000_000  # a 50-megapixel photo is the largest a phone takes today; more is a bomb


class ImageRejected(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def renditions(data: bytes, sizes: tuple[int, ...] = SIZES, quality: int = 80) -> dict[int, bytes]:
    """{size: JPEG bytes} for each size (never upscaled). Raises ImageRejected("unreadable" | "too_large")."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise ImageRejected("unreadable")
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRejected("too_large")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except ImageRejected:  # a ValueError too: said as it is (a photo too large is not "unreadable")
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRejected("unreadable") from None
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    out: dict[int, bytes] = {}
    for size in sizes:
        copy = image.copy()
        copy.thumbnail((size, size), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        copy.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
        out[size] = buf.getvalue()
    return out
