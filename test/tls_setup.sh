#!/usr/bin/env bash
# Make a throwaway certificate authority and, signed by it, a certificate
# for the test service (svc.test, localhost, 127.0.0.1) and a client
# certificate (CN rest_fdw_client), for the TLS tests (sql/tls.sql).
#
# Usage: bash test/tls_setup.sh DIR
# Writes DIR/ca.pem, DIR/server.pem, DIR/server.key, DIR/client.pem,
# DIR/client.key, readable by every user (the cluster runs as "postgres";
# the keys protect nothing but this test).
set -euo pipefail

dir=$1
mkdir -p "$dir"
cd "$dir"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -sha256 \
	-subj "/CN=rest_fdw test CA" -keyout ca.key -out ca.pem \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

sign() {
	local name=$1 subject=$2 ext=$3
	openssl req -newkey rsa:2048 -nodes -sha256 -subj "$subject" \
		-keyout "$name.key" -out "$name.csr" 2>/dev/null
	printf '%s\n' "$ext" >"$name.ext"
	openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key \
		-CAcreateserial -days 2 -sha256 -extfile "$name.ext" \
		-out "$name.pem" 2>/dev/null
	rm -f "$name.csr" "$name.ext"
}

sign server "/CN=svc.test" \
	"subjectAltName=DNS:svc.test,DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
sign client "/CN=rest_fdw_client" "extendedKeyUsage=clientAuth"

rm -f ca.key ca.srl
chmod 755 "$dir"
chmod 644 ./*.pem ./*.key
