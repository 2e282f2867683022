"""Verify a sceau record (a DSSE envelope) with securesystemslib, independently of sceau.

usage: verify_record.py RECORD SPKI_PEM

Prints OK and exits 0 when securesystemslib's DSSE implementation accepts the envelope under the
public key in SPKI_PEM (threshold 1); prints FAIL: <reason> and exits 1 otherwise. The key is
securesystemslib's default for it, `SSlibKey.from_crypto(public)` with no keyid given:
securesystemslib matches signatures to keys by keyid before checking them, so this passes only
because sceau writes that default keyid in its signatures.
"""

import json
import sys

from cryptography.hazmat.primitives.serialization import load_pem_public_key
from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import SSlibKey


def main() -> int:
    record, pem = sys.argv[1:3]
    with open(record, "rb") as f:
        data = json.load(f)
    with open(pem, "rb") as f:
        public = load_pem_public_key(f.read())
    key = SSlibKey.from_crypto(public)
    keyid = key.keyid
    envelope = Envelope.from_dict(data)
    try:
        accepted = envelope.verify([key], 1)
    except VerificationError as e:
        print(f"FAIL: {e}")
        return 1
    if keyid not in accepted:
        print(f"FAIL: accepted {sorted(accepted)}, not {keyid}")
        return 1
    print(f"OK {envelope.payload_type} {len(envelope.payload)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
