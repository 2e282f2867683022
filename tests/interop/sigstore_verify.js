// Verifies a Sigstore bundle with the npm package @sigstore/verify (an implementation of the
// Sigstore client verification independent of sceau), trusting exactly one public key: public-key
// trust material, no transparency log, no timestamp authority (sceau's --bundle records carry
// neither). Used by tests/integration/sigstore_npm.rs.
//
//     node sigstore_verify.js BUNDLE.json PUBLIC.pem HINT
//
// The key is looked up by the bundle's publicKey.hint, which must equal HINT. Prints one JSON
// line and exits 0 when the bundle verifies; prints the error and exits 1 when it does not;
// exits 2 on a usage error.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { toSignedEntity, toTrustMaterial, Verifier } = require('@sigstore/verify');

const [bundlePath, keyPath, hint] = process.argv.slice(2);
if (!bundlePath || !keyPath || hint === undefined) {
  console.error('usage: node sigstore_verify.js BUNDLE.json PUBLIC.pem HINT');
  process.exit(2);
}

try {
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const publicKey = crypto.createPublicKey(fs.readFileSync(keyPath));
  // An empty trusted root: no Fulcio CA, log, CT log or TSA is trusted, only this key.
  const root = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  };
  const trust = toTrustMaterial(root, (h) => {
    if (h !== hint) {
      throw new Error(`no trusted key for hint ${JSON.stringify(h)}`);
    }
    return { publicKey, validFor: () => true };
  });
  const verifier = new Verifier(trust, {
    tlogThreshold: 0,
    ctlogThreshold: 0,
    timestampThreshold: 0,
  });
  verifier.verify(toSignedEntity(bundle));
  const env = bundle.content.dsseEnvelope;
  console.log(
    JSON.stringify({
      verified: true,
      hint,
      keyType: publicKey.asymmetricKeyType,
      payloadType: env.payloadType,
      payloadSha256: crypto.createHash('sha256').update(env.payload).digest('hex'),
    })
  );
} catch (e) {
  console.log(JSON.stringify({ verified: false, error: String((e && e.message) || e) }));
  process.exit(1);
}
