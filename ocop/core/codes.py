"""Random public identifiers in an alphabet without look-alikes (no 0/O, 1/I/L). Pure Python."""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_code(length: int = 10) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
