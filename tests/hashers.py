"""The password hasher of the tests: Django's own PBKDF2, run for one iteration.

Every named actor is made with a password, and at the production cost (1,000,000 iterations)
each one took seconds of CPU on a busy machine. The hashes keep PBKDF2's format
(``pbkdf2_sha256$1$…``), so another process with the production settings (gunicorn in the
rate-limit proofs) still checks them: PBKDF2 reads the iteration count from the hash.
"""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1
