"""GTIN check-digit validation (GS1 General Specifications §7.9). Pure Python."""


def check_digit(body: str) -> int:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    return (
        code.isascii()
        and code.isdigit()
        and len(code) in (8, 12, 13, 14)
        and check_digit(code[:-1]) == int(code[-1])
    )


def normalize_gtin(code: str) -> str:
    """Strip spaces; return the GTIN-14 form (left-padded with zeros) used in GS1 Digital Link."""
    return code.replace(" ", "").strip().zfill(14)
