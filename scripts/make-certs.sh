#!/usr/bin/env bash
# Regenerates local-node-ipc-certs/ at the repository root: the same file names node-ipc 9.x
# ships (its copies expired in 2017 and name CN=DigiNow; CONTRACT §6.8, §9 Q43), but freshly made,
# self-signed, valid for 100 years, CN=localhost with subjectAltName DNS:localhost,
# IP:127.0.0.1, IP:::1, so that the "most secure" examples (rejectUnauthorized:true,
# networkHost 'localhost' or '127.0.0.1') work.
#
#   local-node-ipc-certs/openssl.cnf           the configuration used below
#   local-node-ipc-certs/server.pub            X.509 v3 certificate (PEM) for private/server.key
#   local-node-ipc-certs/client.pub            X.509 v3 certificate (PEM) for private/client.key
#   local-node-ipc-certs/private/server.key    RSA 2048 private key (PEM, PKCS#1)
#   local-node-ipc-certs/private/client.key    RSA 2048 private key (PEM, PKCS#1)
#   local-node-ipc-certs/private/oldserver.key RSA 2048 private key (unused; kept for the file names)
#   local-node-ipc-certs/private/oldclient.key RSA 2048 private key (unused; kept for the file names)
#   local-node-ipc-certs/private/dhparam.pem   2048-bit DH parameters (PEM)
#
# Each certificate is its own issuer with basicConstraints CA:TRUE, so it can be used directly
# as a trust anchor (tls `ca`, node-ipc `trustedConnections`), and carries
# extendedKeyUsage serverAuth + clientAuth so the same kind of certificate works on both ends of
# mutual TLS.
#
# Validity: notBefore is a fixed date in the past (NOT_BEFORE, default 2024-01-01) rather than
# "now", so that the committed certificates are already valid on machines whose clock is behind
# the one that generated them; notAfter is 100 years after generation.
#
# Usage: scripts/make-certs.sh [output-dir]       (default: <repo>/local-node-ipc-certs)
# Environment: FAST_DH=1 generates the DH parameters with -dsaparam (seconds instead of
# a minute; a valid 2048-bit "X9.42 DH PARAMETERS" PEM that Node accepts as tls `dhparam`, but
# not a safe prime). The default is the classic safe-prime "DH PARAMETERS" PEM.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/local-node-ipc-certs}"
BITS=2048
NOT_BEFORE="${NOT_BEFORE:-20240101000000Z}" # GeneralizedTime
# now + 100 years (portable: no GNU `date -d`); 29 Feb may not exist 100 years later
NOW_MDHMS="$(date -u +%m%d%H%M%S)"
case "$NOW_MDHMS" in 0229*) NOW_MDHMS="0228${NOW_MDHMS#0229}" ;; esac
NOT_AFTER="$(($(date -u +%Y) + 100))${NOW_MDHMS}Z"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

command -v openssl >/dev/null || { echo "openssl not found" >&2; exit 1; }
case "$(openssl version)" in
  "OpenSSL 3."*) ;;
  *) echo "warning: written for OpenSSL 3.x, found: $(openssl version)" >&2 ;;
esac

mkdir -p "$OUT/private"
chmod 755 "$OUT" "$OUT/private"

cat >"$OUT/openssl.cnf" <<'EOF'
# OpenSSL configuration used by scripts/make-certs.sh to create the self-signed certificates
# in this directory (node-ipc-native). Regenerate with: scripts/make-certs.sh
#
# The certificates are self-signed with `openssl ca -selfsign` (to set notBefore in the past)
# using the [ v3_localhost ] extensions below.

[ req ]
default_bits       = 2048
default_md         = sha256
distinguished_name = req_distinguished_name
x509_extensions    = v3_localhost
prompt             = no
string_mask        = utf8only

[ req_distinguished_name ]
CN = localhost

# Self-signed certificate usable as its own trust anchor (CA:TRUE) and as the end-entity
# certificate of a TLS server or client (localhost, 127.0.0.1, ::1).
[ v3_localhost ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, digitalSignature, keyEncipherment, keyCertSign
extendedKeyUsage       = serverAuth, clientAuth
subjectAltName         = @alt_names
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ alt_names ]
DNS.1 = localhost
IP.1  = 127.0.0.1
IP.2  = ::1
EOF

genkey() {
  # -traditional: "BEGIN RSA PRIVATE KEY" (PKCS#1), the format of node-ipc's bundled keys
  openssl genrsa -traditional -out "$1" "$BITS" 2>/dev/null
  chmod 644 "$1" # published test keys, not secrets
}

# `openssl req -x509` (OpenSSL 3.0) cannot set notBefore; `openssl ca -selfsign` can. Its
# bookkeeping (database, serial, issued copies) lives in a throw-away directory.
mkcert() { # <key> <out> <role>
  local dir="$WORK/$3"
  mkdir -p "$dir/issued"
  : >"$dir/index.txt"
  cat "$OUT/openssl.cnf" - >"$dir/ca.cnf" <<CNF

[ ca ]
default_ca      = selfsign

[ selfsign ]
database        = $dir/index.txt
new_certs_dir   = $dir/issued
rand_serial     = yes
default_md      = sha256
policy          = policy_localhost
unique_subject  = no
copy_extensions = none
email_in_dn     = no

[ policy_localhost ]
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied
CNF
  openssl req -new -config "$dir/ca.cnf" -key "$1" \
    -subj "/O=node-ipc-native/OU=$3/CN=localhost" -out "$dir/req.csr"
  openssl ca -batch -selfsign -notext -config "$dir/ca.cnf" -keyfile "$1" -in "$dir/req.csr" \
    -extensions v3_localhost -startdate "$NOT_BEFORE" -enddate "$NOT_AFTER" -out "$2" 2>"$dir/ca.log" ||
    { cat "$dir/ca.log" >&2; exit 1; }
  chmod 644 "$2"
}

echo "generating keys ($BITS-bit RSA) in $OUT/private"
for name in server client oldserver oldclient; do
  genkey "$OUT/private/$name.key"
done

echo "generating self-signed certificates (valid $NOT_BEFORE .. $NOT_AFTER)"
mkcert "$OUT/private/server.key" "$OUT/server.pub" server
mkcert "$OUT/private/client.key" "$OUT/client.pub" client

echo "generating $BITS-bit DH parameters${FAST_DH:+ (-dsaparam)}"
if [ -n "${FAST_DH:-}" ]; then
  openssl dhparam -dsaparam -out "$OUT/private/dhparam.pem" "$BITS" 2>/dev/null
else
  openssl dhparam -out "$OUT/private/dhparam.pem" "$BITS" 2>/dev/null
fi
chmod 644 "$OUT/private/dhparam.pem"

# self-checks
for c in server client; do
  openssl x509 -in "$OUT/$c.pub" -noout -checkend $((99 * 365 * 86400)) >/dev/null ||
    { echo "$c.pub: validity shorter than expected" >&2; exit 1; }
  openssl verify -CAfile "$OUT/$c.pub" -purpose sslserver "$OUT/$c.pub" >/dev/null
  openssl verify -CAfile "$OUT/$c.pub" -purpose sslclient "$OUT/$c.pub" >/dev/null
  [ "$(openssl x509 -in "$OUT/$c.pub" -noout -pubkey | openssl sha256)" = \
    "$(openssl pkey -in "$OUT/private/$c.key" -pubout | openssl sha256)" ] ||
    { echo "$c.pub does not match private/$c.key" >&2; exit 1; }
done
openssl dhparam -in "$OUT/private/dhparam.pem" -check -noout >/dev/null 2>&1 || [ -n "${FAST_DH:-}" ] ||
  { echo "dhparam.pem failed the check" >&2; exit 1; }

for c in server client; do
  echo "$c.pub: $(openssl x509 -in "$OUT/$c.pub" -noout -subject -enddate -ext subjectAltName | tr '\n' ' ')"
done
echo "done: $OUT"
