#!/bin/sh
# Creates Temporal's two databases and their schemas on PostgreSQL, or
# upgrades them to the server's version; safe to run again. The compose
# file's temporal-schema job and `make stack` both run this script.
# Needs temporal-sql-tool on PATH and SQL_PLUGIN, SQL_HOST, SQL_PORT,
# SQL_USER, SQL_PASSWORD; SCHEMA_DIR is the server's schema/postgresql/v12.
set -eu
: "${SCHEMA_DIR:=/etc/temporal/schema/postgresql/v12}"
for db in temporal temporal_visibility; do
  # An existing database is fine: the schema steps below bring it up to date.
  temporal-sql-tool --db "$db" create-database >/dev/null 2>&1 || true
done
temporal-sql-tool --db temporal setup-schema -v 0.0
temporal-sql-tool --db temporal update-schema -d "$SCHEMA_DIR/temporal/versioned"
temporal-sql-tool --db temporal_visibility setup-schema -v 0.0
temporal-sql-tool --db temporal_visibility update-schema -d "$SCHEMA_DIR/visibility/versioned"
