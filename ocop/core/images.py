"""Photos re-encoded on upload into a few sizes. Needs Pillow only (nothing from Django).

The file's bytes decide (not its name or declared type); EXIF orientation is applied and every metadata
block (location included) dropped; the result is always a progressive JPEG, which every phone shows.

Size is checked from the header before any pixel is decoded: Image.open reads only the header (PNG IHDR,
JPEG SOF, WebP VP8/VP8X, GIF screen descriptor), so a 7000×7000 PNG of 6 kB — 150 MB once decoded, more
while converted and resized — is refused in a millisecond. Only the first frame of an animated GIF, PNG or
WebP is ever decoded, and every frame has the canvas's size. Pillow's own limit (Image.MAX_IMAGE_PIXELS,
an error at twice its ~89 megapixels, raised by Image.open itself) is left as it is: a second net behind
ours, said as too large as well; the caller's cap, lower, is what a person meets."""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

SIZES = (320, 640, 1280)  # longest side, in pixels: list cards, product page on a phone, full view
FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"}
# The default cap: phones save 12–24 megapixels unless a full-sensor mode (48–200 MP) is picked on purpose;
# the caller passes settings.OCOP_PHOTO_MAX_MEGAPIXELS.
MAX_PIXELS = 40_000_000


class ImageRejected(ValueError):
    """`code` is "unreadable" or "too_large"; for "too_large", `width` and `height` (0 when Pillow's own
    limit refused the file before its size could be read) and `limit`, the cap in pixels."""

    def __init__(self, code: str, *, width: int = 0, height: int = 0, limit: int = 0):
        super().__init__(code)
        self.code = code
        self.width, self.height, self.limit = width, height, limit


def renditions(
    data: bytes, sizes: tuple[int, ...] = SIZES, quality: int = 80, *, max_pixels: int = MAX_PIXELS
) -> dict[int, bytes]:
    """{size: JPEG bytes} for each size (never upscaled). Raises ImageRejected("unreadable" | "too_large");
    a picture over `max_pixels` is refused from its header, before any decoding."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise ImageRejected("unreadable")
            if probe.width * probe.height > max_pixels:
                raise ImageRejected("too_large", width=probe.width, height=probe.height, limit=max_pixels)
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except ImageRejected:  # a ValueError too: said as it is (a photo too large is not "unreadable")
        raise
    except Image.DecompressionBombError:  # Pillow's limit, at open: far over ours
        raise ImageRejected("too_large", limit=max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
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
