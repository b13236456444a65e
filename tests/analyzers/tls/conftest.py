"""The test PKI: a root, an issuing CA, and the key of the leaves they sign."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.analyzers.tls.traffic import make_certificate


@pytest.fixture(scope="module")
def pki():
    root_key, intermediate_key, leaf_key = (ec.generate_private_key(ec.SECP256R1())
                                            for _ in range(3))
    root = make_certificate("Test Root", root_key, "Test Root", root_key, ca=True,
                            days=(-900, 3000))
    intermediate = make_certificate("Test Issuing CA", intermediate_key, "Test Root", root_key,
                                    ca=True, days=(-600, 2000))
    return {"root": root, "root_key": root_key, "intermediate": intermediate,
            "intermediate_key": intermediate_key, "leaf_key": leaf_key}
