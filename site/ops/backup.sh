#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump custom format), a manifest of row counts
# for restore_backup.sh to compare against, and the media + private upload folders (tar).
#
#   PGHOST=db PGUSER=portal PGDATABASE=portal site/ops/backup.sh /backups/2026-11-26 /srv/portal/var/media /srv/portal/var/private
#
# Connection settings come from the standard libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD
# or ~/.pgpass, PGDATABASE). Writes into OUT_DIR: portal.pgdump, portal.pgdump.counts and, when
# folders are given, files.tar.gz (paths relative to each folder's parent, e.g. private/...).
# Take the database first and the files second: a file without a row is harmless, a row without
# its file is not (see docs/operations.md "Backup and restore").
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: $0 OUT_DIR [FOLDER ...]   (database from PGHOST/PGPORT/PGUSER/PGDATABASE)" >&2
    exit 2
fi
out_dir=$1
shift
: "${PGDATABASE:?set PGDATABASE (and PGHOST, PGUSER, ...) to the database to back up}"
mkdir -p "$out_dir"

# The tables whose row counts restore_backup.sh checks (the records the portal must never lose).
TABLES="accounts_organisation accounts_user workflows_application workflows_applicationevent
workflows_document workflows_documentsequence workflows_license forms_config_formschemaversion
workflows_applicationgroupobjectpermission"

pg_dump --format=custom --no-owner --file="$out_dir/portal.pgdump"
# Counted after the dump: rows written in between would show up as a mismatch on restore, so
# run backups when no action is in flight, or accept counts >= the manifest (restore_backup.sh
# compares for equality on purpose: it is meant for a quiet moment or a replica).
: >"$out_dir/portal.pgdump.counts"
for table in $TABLES; do
    printf '%s %s\n' "$table" "$(psql -X -At -c "SELECT count(*) FROM $table")" >>"$out_dir/portal.pgdump.counts"
done

if [ $# -gt 0 ]; then
    args=()
    for folder in "$@"; do
        folder=${folder%/}
        args+=(-C "$(dirname "$folder")" "$(basename "$folder")")
    done
    tar -czf "$out_dir/files.tar.gz" "${args[@]}"
fi
echo "backup written to $out_dir"
