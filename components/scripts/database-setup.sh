#!/bin/bash
#@ Template of the database server's setup (components/database-server.ts, databaseSetupScript).
#@ Lines starting with "#@" are dropped when it is rendered. @@NAME@@ becomes a value: a
#@ single-quoted shell word where it is assigned to a variable, the value's plain text inside the
#@ quoted here-documents (names _TEXT), which only validated values reach (addresses, CIDRs, ports,
#@ PostgreSQL identifiers). shellcheck lints this file as it is (npm run lint:workflows).
set -euo pipefail
ENGINE_MAJOR=@@ENGINE_MAJOR@@
DATA_DEVICE=@@DATA_DEVICE@@
PGSQL_HOME=@@PGSQL_HOME@@
PGDATA="$PGSQL_HOME/data"
SECRET_ARN=@@SECRET_ARN@@
LISTEN_ADDRESS=@@LISTEN_ADDRESS@@
# psql and pg_isready find the server's socket by its port.
export PGPORT=@@PORT@@

dnf install -y "postgresql$ENGINE_MAJOR-server" "postgresql$ENGINE_MAJOR" openssl xfsprogs

# On Nitro instances an EBS volume is an NVMe device (/dev/nvme1n1, ...) numbered in attachment
# order, not by the name it was attached as. Amazon Linux 2023's udev rules (amazon-ec2-utils,
# ebsnvme-id) read that name from the NVMe controller and link $DATA_DEVICE to the right device,
# so the name is stable on Xen and Nitro alike. Wait for it: the volume may attach after boot.
for _ in $(seq 1 60); do [ -b "$DATA_DEVICE" ] && break; sleep 5; done
[ -b "$DATA_DEVICE" ] || { echo "data volume $DATA_DEVICE is not attached" >&2; exit 1; }
device=$(readlink -f "$DATA_DEVICE")

# Format only a blank volume: a replaced instance gets the existing volume, database and all
# (and mkfs.xfs without -f refuses to overwrite a filesystem, should blkid ever misjudge).
if ! blkid "$device" >/dev/null 2>&1; then
    mkfs.xfs -L pgdata "$device"
fi
uuid=$(blkid -s UUID -o value "$device")
grep -q "UUID=$uuid" /etc/fstab || echo "UUID=$uuid $PGSQL_HOME xfs defaults,noatime,nofail 0 2" >> /etc/fstab
mkdir -p "$PGSQL_HOME"
mountpoint -q "$PGSQL_HOME" || mount "$PGSQL_HOME"
chown postgres:postgres "$PGSQL_HOME"
chmod 700 "$PGSQL_HOME"
restorecon -R "$PGSQL_HOME" || true

if [ ! -f "$PGDATA/PG_VERSION" ]; then
    PGSETUP_INITDB_OPTIONS="--data-checksums --auth-local=peer --auth-host=scram-sha-256" postgresql-setup --initdb
fi
if [ "$(cat "$PGDATA/PG_VERSION")" != "$ENGINE_MAJOR" ]; then
    echo "the data directory holds PostgreSQL $(cat "$PGDATA/PG_VERSION"), not $ENGINE_MAJOR: a major upgrade needs pg_upgrade, not this script" >&2
    exit 1
fi

# A self-signed certificate: clients connect with sslmode=require (encrypted); replace the pair
# with a CA-issued one for verify-full.
if [ ! -f "$PGDATA/server.key" ]; then
    openssl req -new -x509 -days 3650 -nodes -subj "/CN=$LISTEN_ADDRESS" -addext "subjectAltName=IP:$LISTEN_ADDRESS" \
        -keyout "$PGDATA/server.key" -out "$PGDATA/server.crt"
    chown postgres:postgres "$PGDATA/server.key" "$PGDATA/server.crt"
    chmod 600 "$PGDATA/server.key"
fi

cat > "$PGDATA/platform.conf" <<'CONF'
listen_addresses = '@@LISTEN_ADDRESS_TEXT@@'
port = @@PORT_TEXT@@
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
CONF
grep -qx "include_if_exists = 'platform.conf'" "$PGDATA/postgresql.conf" || echo "include_if_exists = 'platform.conf'" >> "$PGDATA/postgresql.conf"
# TCP only over TLS and only from the VPC: no 'host' line, so a connection without TLS matches nothing and is refused.
cat > "$PGDATA/pg_hba.conf" <<'HBA'
local   all   postgres                 peer
hostssl all   all      @@CLIENT_CIDR_TEXT@@   scram-sha-256
HBA
chown postgres:postgres "$PGDATA/platform.conf" "$PGDATA/pg_hba.conf"
chmod 600 "$PGDATA/platform.conf" "$PGDATA/pg_hba.conf"

systemctl enable postgresql
# A restart, not a reload: listen_addresses and port change only on restart (a re-run after the
# association changed, so a brief interruption then).
systemctl restart postgresql
for _ in $(seq 1 60); do runuser -u postgres -- pg_isready -q && break; sleep 2; done

region=$(printf '%s' "$SECRET_ARN" | cut -d: -f4)
DB_PASSWORD=$(aws secretsmanager get-secret-value --region "$region" --secret-id "$SECRET_ARN" --query SecretString --output text \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["password"])')
export DB_PASSWORD
cd /tmp
runuser -u postgres -- psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 -d postgres <<'SQL'
\getenv db_password DB_PASSWORD
SELECT 'CREATE ROLE @@MASTER_USERNAME_TEXT@@' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '@@MASTER_USERNAME_TEXT@@') \gexec
ALTER ROLE @@MASTER_USERNAME_TEXT@@ WITH LOGIN CREATEDB CREATEROLE PASSWORD :'db_password';
SELECT 'CREATE DATABASE @@DATABASE_NAME_TEXT@@ OWNER @@MASTER_USERNAME_TEXT@@' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '@@DATABASE_NAME_TEXT@@') \gexec
SQL
unset DB_PASSWORD
