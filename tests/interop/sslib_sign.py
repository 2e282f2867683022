"""Sign a payload into a new DSSE envelope with securesystemslib, with a fresh key of a chosen
type, independently of sceau.

usage: sslib_sign.py KEY_TYPE PAYLOAD_FILE OUT_ENVELOPE OUT_SPKI_PEM

KEY_TYPE is ed25519, p256, p384 or p521. The key is made with pyca/cryptography and wrapped
in securesystemslib's CryptoSigner with its defaults (for ECDSA: the curve's SHA-2 hash and a
DER signature); the envelope (in-toto payload type) is checked by securesystemslib itself
before it is written with Envelope.to_dict, and the public key as SPKI PEM. Prints the keyid,
securesystemslib's default for the key.
"""

import json
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.dsse import Envelope
from securesystemslib.signer import CryptoSigner

IN_TOTO = "application/vnd.in-toto+json"
CURVES = {"p256": ec.SECP256R1, "p384": ec.SECP384R1, "p521": ec.SECP521R1}


def main() -> int:
    key_type, payload_file, out, pem = sys.argv[1:5]
    with open(payload_file, "rb") as f:
        payload = f.read()
    if key_type == "ed25519":
        private = Ed25519PrivateKey.generate()
    else:
        private = ec.generate_private_key(CURVES[key_type]())
    signer = CryptoSigner(private)
    envelope = Envelope(payload=payload, payload_type=IN_TOTO, signatures={})
    signature = envelope.sign(signer)
    envelope.verify([signer.public_key], 1)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(envelope.to_dict(), f, indent=2)
    with open(pem, "wb") as f:
        f.write(
            private.public_key().public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo,
            )
        )
    print(signature.keyid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
